import Foundation
import XCTest
@testable import EPlanDomain

/// `eplan report status` against the seed's printed table ("รายงานสถานะการทำงานของแต่ละอปท.
/// จังหวัดตาก ปี 2560", ข้อมูล ณ 03/10/2559) on a fresh default store.
final class StatusReportTests: CLITestCase {
    /// The seed's total row: "รวม 69 อปท. 61 430 9,905 8,401 8,933 33 638 0 0 0".
    static let seedTotals = ["รวม 69 อปท.", "61", "430", "9,905", "8,401", "8,933", "33", "638", "0", "0", "0"]
    static let asOf = "2559-10-03"

    /// One `eplan init` (with the plan) shared by the tests that only read it.
    nonisolated(unsafe) static var sharedDir: URL?
    nonisolated(unsafe) static var sharedPostgres: String?
    func defaultStore() throws -> String {
        if TestBackend.current.isPostgres {
            // The PostgreSQL pass: one database copied from the default init, kept for the class.
            if let db = Self.sharedPostgres { return db }
            let db = try initStore(plan: true)
            postgresDatabases.removeAll { $0 == db }
            Self.sharedPostgres = db
            return db
        }
        if let d = Self.sharedDir { return d.appendingPathComponent("default.sqlite").path }
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("eplan-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        let db = d.appendingPathComponent("default.sqlite").path
        let r = try eplan(["init", "--db", db])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("27,239"), r.out)
        Self.sharedDir = d
        return db
    }

    override class func tearDown() {
        if let d = sharedDir { try? FileManager.default.removeItem(at: d) }
        sharedDir = nil
        if let db = sharedPostgres { PostgresTestDatabases.shared.drop(db) }
        sharedPostgres = nil
        super.tearDown()
    }

    /// Header and rows.
    func csvRows(_ text: String) throws -> [[String]] {
        let t = try CSVTable.parse(Array(text.utf8), path: "report.csv")
        return [t.header.fields] + t.rows.map(\.fields)
    }

    func report(_ db: String, _ extra: [String]) throws -> (status: Int32, out: String, err: String) {
        try eplan(["report", "status", "--db", db, "--province", "63", "--year", "2560"] + extra)
    }

    /// The LAO registry: seed_no → (short name, amphoe code).
    func registry() throws -> [String: (short: String, amphoe: String)] {
        let t = try CSVTable.read(path: Self.takDir + "/tak-laos.csv")
        let h = t.header.fields
        let no = try XCTUnwrap(h.firstIndex(of: "seed_no")), short = try XCTUnwrap(h.firstIndex(of: "short_th"))
        let amphoe = try XCTUnwrap(h.firstIndex(of: "amphoe_code"))
        var out: [String: (String, String)] = [:]
        for r in t.rows { out[r.fields[no]] = (r.fields[short], r.fields[amphoe].isEmpty ? "6301" : r.fields[amphoe]) }
        return out
    }

    func amphoeNames() throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.takDir + "/tak-amphoe.geojson"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var out: [String: String] = [:]
        for f in root["features"] as? [[String: Any]] ?? [] {
            let p = f["properties"] as? [String: Any] ?? [:]
            if let c = p["amphoe_code"] as? String, let n = p["amphoe_th"] as? String { out[c] = n }
        }
        return out
    }

    // MARK: the seed

    /// The totals are known: asserted whether or not the seed file is present.
    func testTotalRowEqualsTheSeedsTotalRow() throws {
        let r = try report(try defaultStore(), ["--as-of", Self.asOf, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.err)
        let rows = try csvRows(r.out)
        XCTAssertEqual(rows.count, 1 + 69 + 1, "header, 69 LAOs, total")
        let total = rows.last!
        XCTAssertEqual([total[1]] + Array(total[3...8]) + Array(total[10...13]), Self.seedTotals)
    }

    /// Every row of the seed, cell by cell, in the seed's order, with the official names.
    func testEveryRowEqualsTheSeed() throws {
        let seedPath = Self.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds/tak-2560-status.tsv").path
        guard FileManager.default.fileExists(atPath: seedPath) else {
            throw XCTSkip("../shared/seeds/tak-2560-status.tsv is absent: row-by-row comparison skipped (totals are still tested)")
        }
        let seedLines = try String(contentsOfFile: seedPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let seedHeader = seedLines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        let seed = seedLines.dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(seed.count, 69)
        func col(_ name: String) throws -> Int { try XCTUnwrap(seedHeader.firstIndex(of: name), name) }

        let r = try report(try defaultStore(), ["--as-of", Self.asOf, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.err)
        let rows = try csvRows(r.out)
        let body = Array(rows.dropFirst().dropLast())
        XCTAssertEqual(body.count, 69)
        let laos = try registry(), amphoes = try amphoeNames()
        for (i, s) in seed.enumerated() where i < body.count {
            let row = body[i], no = s[try col("no")]
            let lao = try XCTUnwrap(laos[no], "seed row \(no) in tak-laos.csv")
            let at = "seed row \(no) \(s[try col("lao")])"
            XCTAssertEqual(row[0], no, at)
            XCTAssertEqual(row[1], lao.short, at)
            XCTAssertEqual(row[2], amphoes[lao.amphoe], at)
            XCTAssertEqual(row[3], s[try col("vision")], "\(at): vision")
            XCTAssertEqual(row[4], s[try col("strategies")], "\(at): strategies")
            XCTAssertEqual(row[5], s[try col("plan_2560")], "\(at): plan 2560")
            XCTAssertEqual(row[6], s[try col("plan_2561")], "\(at): plan 2561")
            XCTAssertEqual(row[7], s[try col("plan_2562")], "\(at): plan 2562")
            XCTAssertEqual(row[8], s[try col("plan_approved")], "\(at): plan approved")
            XCTAssertEqual(row[9], s[try col("plan_approved_date")], "\(at): approval date")
            XCTAssertEqual(row[10], s[try col("budget_approved")], "\(at): budget approved")
            XCTAssertEqual(row[11], s[try col("contract_signed")], "\(at): contract signed")
            XCTAssertEqual(row[12], s[try col("disbursed")], "\(at): disbursed")
            XCTAssertEqual(row[13], s[try col("completed")], "\(at): completed")
            XCTAssertEqual(Array(row[14...16]), ["0", "0", "0"], "\(at): no pins in the default data")
        }
    }

    func testAsOfAcceptsEveryDateForm() throws {
        let db = try defaultStore()
        let reference = try report(db, ["--as-of", "2559-10-03", "--format", "csv"])
        XCTAssertEqual(reference.status, 0, reference.err)
        let forms = ["03/10/2559", "2016-10-03", "3/10/2016", "๐๓/๑๐/๒๕๕๙", "3 ต.ค. 2559"]
        // The forms are read before the store is asked: on PostgreSQL (a report takes seconds
        // there) one of them shows the backend answers alike.
        for form in TestBackend.current.isPostgres ? [forms[4]] : forms {
            let r = try report(db, ["--as-of", form, "--format", "csv"])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(r.out, reference.out, form)
        }
    }

    func testEarlierAsOfCountsLess() throws {
        let db = try defaultStore()
        let r = try report(db, ["--as-of", "2559-05-01", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.err)
        let total = try csvRows(r.out).last!
        // Approved by 1 May 2016: อบต.พบพระ (14/03/2559) and อบต.แม่กาษา (approved, date
        // unknown: an undated fact counts at every as-of date).
        XCTAssertEqual(total[8], "2")
        XCTAssertEqual(total[10], "0", "no budget approved before August 2016")
        for i in 5...7 {
            let n = Int(total[i].replacingOccurrences(of: ",", with: ""))!
            XCTAssertGreaterThan(n, 0); XCTAssertLessThan(n, [9905, 8401, 8933][i - 5])
        }
        // Without --as-of: everything stored (the same as the seed's day here).
        let all = try report(db, ["--format", "csv"])
        XCTAssertEqual(try csvRows(all.out).last!.count, total.count)
        XCTAssertEqual([try csvRows(all.out).last![1]] + Array(try csvRows(all.out).last![3...8]), Array(Self.seedTotals[0...6]))
    }

    func testTextAndHTMLAndEnglish() throws {
        let db = try defaultStore()
        let text = try report(db, ["--as-of", Self.asOf])
        XCTAssertEqual(text.status, 0, text.err)
        let lines = text.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "รายงานสถานะการทำงานของแต่ละอปท. จังหวัดตาก ปี 2560")
        XCTAssertEqual(lines[1], "ข้อมูล ณ 03/10/2559")
        XCTAssertTrue(lines.contains { $0.contains("ทม.ตาก") && $0.contains("ทำแล้ว") && $0.contains("29/06/2559") }, text.out)
        XCTAssertTrue(lines.last!.contains("รวม 69 อปท.") && lines.last!.contains("9,905"), lines.last!)

        let out = path("status.html")
        let html = try report(db, ["--as-of", Self.asOf, "--format", "html", "--out", out])
        XCTAssertEqual(html.status, 0, html.err)
        let page = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(page.contains("<title>รายงานสถานะการทำงานของแต่ละอปท. จังหวัดตาก ปี 2560</title>"))
        XCTAssertTrue(page.contains("ข้อมูล ณ 03/10/2559"))
        XCTAssertTrue(page.contains("size: A4 landscape"))
        XCTAssertEqual(page.components(separatedBy: "<tr><td").count - 1, 70, "69 LAO rows and the total row")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.contains(".tmp-") })

        let csvPath = path("status.csv")
        XCTAssertEqual(try report(db, ["--as-of", Self.asOf, "--format", "csv", "--out", csvPath]).status, 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: csvPath))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 with a byte-order mark")
        XCTAssertEqual(try csvRows(String(decoding: bytes, as: UTF8.self)).count, 71)

        let en = try eplan(["--lang", "en", "report", "status", "--db", db, "--province", "63", "--year", "2560",
                            "--as-of", Self.asOf, "--format", "csv"])
        XCTAssertEqual(en.status, 0, en.err)
        let header = try csvRows(en.out)[0]
        XCTAssertEqual(Array(header[0...5]), ["no", "LAO", "amphoe", "vision", "strategies", "plan 2560"])
        XCTAssertEqual(Array(header[14...16]), ["pinned", "pins valid", "pins outside/stale"])
        XCTAssertEqual(try csvRows(en.out).last![1], "total 69 LAOs")
    }

    func testBadInputIsRefusedAndLeavesNoFile() throws {
        let db = try initStore()  // no plan projects needed: the registry's plans suffice
        let out = path("bad.csv")
        for (args, needle) in [(["--province", "99", "--year", "2560"], "99"),
                               (["--province", "63", "--year", "2590"], "2590"),
                               (["--province", "63", "--year", "2017"], "2560"),
                               (["--province", "63", "--year", "2560", "--as-of", "31/02/2559"], "31/02/2559")] {
            let r = try eplan(["report", "status", "--db", db, "--format", "csv", "--out", out] + args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(needle), r.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args): no file left")
        }
        let nowhere = path("no-such-folder/report.csv")
        let r = try eplan(["report", "status", "--db", db, "--province", "63", "--year", "2560", "--out", nowhere])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: nowhere))

        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path) }
        if getuid() != 0 {  // root writes anywhere
            let w = try eplan(["report", "status", "--db", db, "--province", "63", "--year", "2560",
                               "--out", locked.path + "/r.csv", "--format", "csv"])
            XCTAssertEqual(w.status, 1, w.err)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: locked.path), [])
        }
        let en = try eplan(["--lang", "en", "report", "status", "--db", db, "--province", "99", "--year", "2560"])
        XCTAssertTrue(en.err.contains("no province with code 99"), en.err)
    }

    // MARK: LAO facts and pins

    func testLAOFactsCanBeSetAndAreDated() throws {
        let db = try initStore()
        XCTAssertEqual(try eplan(["laos", "set", "--db", db, "02630000", "--vision", "yes", "--on", "01/09/2559",
                                  "--strategies", "9"]).status, 0)
        func paoRow(_ asOf: String) throws -> [String] {
            let r = try report(db, ["--as-of", asOf, "--format", "csv"])
            XCTAssertEqual(r.status, 0, r.err)
            return try csvRows(r.out)[1]
        }
        XCTAssertEqual(try paoRow("2016-08-31")[3], "-", "vision recorded later")
        XCTAssertEqual(try paoRow("2016-09-01")[3], "ทำแล้ว")
        XCTAssertEqual(try paoRow("2016-09-01")[4], "9")
        XCTAssertEqual(try eplan(["laos", "set", "--db", db, "02630000", "--vision", "no"]).status, 0)
        XCTAssertEqual(try paoRow("2016-09-01")[3], "-")
        let bad = try eplan(["laos", "set", "--db", db, "99999999", "--strategies", "3"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("99999999"), bad.err)
        XCTAssertEqual(try eplan(["laos", "set", "--db", db, "02630000", "--strategies", "many"]).status, 1)
    }

    func testPinColumns() throws {
        let db = try initStore()
        XCTAssertEqual(try eplan(["projects", "import", "--db", db, Self.takDir + "/demo-plan-2560.csv"]).status, 0)
        let maeSot = "16.726455, 98.578715"  // inside ทน.แม่สอด (03630601)
        XCTAssertEqual(try eplan(["pin", "--db", db, "03630601-2560-001", maeSot]).status, 0)
        let forced = try eplan(["pin", "--db", db, "06630108-2560-001", maeSot, "--force"])  // อบต.น้ำรึม: outside
        XCTAssertEqual(forced.status, 0, forced.err)
        let r = try report(db, ["--format", "csv"])
        XCTAssertEqual(r.status, 0, r.err)
        let rows = try csvRows(r.out)
        let city = try XCTUnwrap(rows.first { $0[1] == "ทน.แม่สอด" })
        XCTAssertEqual(Array(city[14...16]), ["1", "1", "0"])
        let namruem = try XCTUnwrap(rows.first { $0[1] == "อบต.น้ำรึม" })
        XCTAssertEqual(Array(namruem[14...16]), ["1", "0", "1"])
        XCTAssertEqual(Array(rows.last![14...16]), ["2", "1", "1"])
        // Before the pins were made, nothing was pinned (nor were the projects recorded).
        let before = try report(db, ["--format", "csv", "--as-of", "2016-10-03"])
        XCTAssertEqual(Array(try csvRows(before.out).last![14...16]), ["0", "0", "0"])
        // Re-deriving the LAO's jurisdiction makes its older pins stale.
        Thread.sleep(forTimeInterval: 1.1)
        let replace = try eplan(["laos", "import", "--db", db, Self.takDir + "/tak-laos.csv",
                                 "--areas", Self.takDir + "/tak-lao-areas.geojson", "--replace"])
        XCTAssertEqual(replace.status, 0, replace.err)
        let after = try csvRows(try report(db, ["--format", "csv"]).out)
        XCTAssertEqual(Array(try XCTUnwrap(after.first { $0[1] == "ทน.แม่สอด" })[14...16]), ["1", "0", "1"])
    }

    func testOrderFollowsTheSeed() {
        func row(_ type: LAOType, _ name: String, _ code: String) -> StatusReportRow {
            StatusReportRow(laoCode: code, type: type, nameTH: name, shortTH: name, nameEN: nil, amphoeCode: nil,
                            amphoeTH: "", amphoeEN: "", vision: false, strategies: nil, planProjects: [0, 0, 0],
                            planApproved: false, planApprovedOn: nil, budgetApproved: 0, contractSigned: 0, disbursed: 0,
                            completed: 0, pinned: 0, pinsValid: 0, pinsOutsideOrStale: 0)
        }
        let rows = [row(.sao, "องค์การบริหารส่วนตำบลเกาะตะเภา", "1"), row(.sao, "องค์การบริหารส่วนตำบลอุ้มผาง", "2"),
                    row(.subdistrict, "เทศบาลตำบลท่าสายลวด", "3"), row(.subdistrict, "เทศบาลตำบลทุ่งหลวง", "4"),
                    row(.pao, "องค์การบริหารส่วนจังหวัดตาก", "5"), row(.town, "เทศบาลเมืองตาก", "6")]
        XCTAssertEqual(StatusReport.ordered(rows).map(\.laoCode), ["5", "6", "4", "3", "2", "1"])
    }
}
