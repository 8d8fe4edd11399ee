import Foundation
import XCTest
@testable import EPlanDomain

/// `eplan export`: the real binary on a store made by `eplan init` (Tak) plus LAOs, plans,
/// projects and pins inserted with SQL; read back with GDAL, GEOS and a strict RFC 7946 check.
final class ExportTests: CLITestCase {
    // MARK: Fixture

    /// Projects, their LAO, stage and current pin (nil: unpinned).
    static let expected: [String: (lao: String, year: Int, stage: String, funding: String?)] = [
        "A1": ("6630101", 2568, "plan-approved", "own"),
        "A2": ("6630101", 2568, "contracted", "general"),
        "A3": ("6630101", 2569, "completed", "specific"),
        "B1": ("6630401", 2564, "disbursed", "own"),
        "B2": ("6630401", 2563, "planned", nil),
        "C1": ("6630000", 2567, "budget-approved", "general"),
    ]
    static let pinned = ["A1", "A2", "A3", "B1", "C1"]

    func c(_ x: Double, _ y: Double) -> Coordinate { Coordinate(x, y) }

    func makeStore() throws -> String {
        let db = try initStore()
        let store = try openStore(db)
        try store.insertLAOs([
            LAORecord(code: "6630101", type: .sao, nameTH: "องค์การบริหารส่วนตำบลน้ำรึม", shortTH: "อบต.น้ำรึม",
                      nameEN: "Nam Ruem SAO", amphoeCode: "6301", provinceCode: "63", coverage: .whole),
            LAORecord(code: "6630401", type: .sao, nameTH: "องค์การบริหารส่วนตำบลแม่ระมาด", nameEN: "Mae Ramat SAO",
                      amphoeCode: "6304", provinceCode: "63", coverage: .whole),
            LAORecord(code: "6630000", type: .pao, nameTH: "องค์การบริหารส่วนจังหวัดตาก", provinceCode: "63", coverage: .province),
        ], replace: false)
        // Through the store protocol, so the same fixture stands on both backends.
        try store.addDevPlan(laoCode: "6630101", firstYear: 2566, lastYear: 2570, approvedOn: "2022-06-30")
        try store.addDevPlan(laoCode: "6630401", firstYear: 2561, lastYear: 2565, approvedOn: "2017-06-30")
        try store.addDevPlan(laoCode: "6630000", firstYear: 2566, lastYear: 2570, approvedOn: nil)
        func project(_ code: String, _ lao: String, _ year: Int, _ name: String, _ kind: ProjectKind, _ budget: Double?,
                     _ funding: FundingSource?, plan: String? = nil, budgetOn: String? = nil, signed: String? = nil,
                     contract: Double? = nil, disbursed: Double? = nil, disbursedOn: String? = nil,
                     progress: Double? = nil, completed: String? = nil) throws {
            try store.insertProjects([ProjectRecord(
                code: code, laoCode: lao, planYear: year, nameTH: name, strategy: "ยุทธศาสตร์ที่ 1", kind: kind,
                budget: budget, funding: funding, planApprovedOn: plan, budgetApprovedOn: budgetOn,
                contractSignedOn: signed, contractAmount: contract, disbursedAmount: disbursed, disbursedOn: disbursedOn,
                progress: progress, completedOn: completed, recordedOn: "2024-01-01")], replace: false, by: "fixture")
        }
        try project("A1", "6630101", 2568, "ก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ 3", .road, 1_250_000, .own, plan: "2024-06-30")
        try project("A2", "6630101", 2568, "อาคารอเนกประสงค์", .building, 500_000.5, .general, plan: "2024-06-30",
                    budgetOn: "2024-09-15", signed: "2024-12-01", contract: 490_000)
        try project("A3", "6630101", 2569, "ขยายเขตประปา", .water, 2_000_000, .specific, progress: 100, completed: "2025-05-20")
        try project("B1", "6630401", 2564, #"ถนน "สายหลัก", หมู่ 2"#, .road, 12_345_678.25, .own, signed: "2021-01-10",
                    contract: 12_000_000, disbursed: 6_000_000, disbursedOn: "2021-06-01", progress: 50)
        try project("B2", "6630401", 2563, "ปรับปรุงภูมิทัศน์", .other, nil, nil)
        try project("C1", "6630000", 2567, "อาคารศูนย์เด็กเล็ก", .building, 3_000_000, .general, budgetOn: "2024-09-15")

        func pin(_ code: String, _ g: Geometry, status: PinStatus = .valid) throws {
            try store.addPin(PinRecord(projectCode: code, pinnedAt: "2025-03-01T10:00:00+07:00", pinnedBy: "ช่างสมชาย",
                                       rawInput: "x", inputCRS: 4326, status: status, toleranceM: 50, geometry: g))
        }
        try pin("A1", .point(c(98.5667, 16.7167)))
        // Clockwise exterior and counter-clockwise hole: the exporter must turn both round.
        try pin("A2", .polygon(Polygon(exterior: [
            c(98.50, 16.70), c(98.50, 16.80), c(98.60, 16.80), c(98.60, 16.70), c(98.50, 16.70)], holes: [
            [c(98.52, 16.72), c(98.54, 16.72), c(98.54, 16.74), c(98.52, 16.74), c(98.52, 16.72)]])), status: .warning)
        try pin("A3", .lineString([c(98.61, 16.71), c(98.62, 16.72), c(98.630000049, 16.73)]))
        try pin("B1", .point(c(98.23, 17.03)))
        try pin("C1", .point(c(99.0, 16.0)))
        try pin("C1", .point(c(99.12345678912, 16.98765432198)))
        return db
    }

    func export(_ db: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try eplan(["export", "geojson", "--db", db] + args)
    }

    func exportFile(_ db: String, _ args: [String], name: String = "out.geojson") throws -> String {
        let out = path(name)
        let r = try export(db, args + ["--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    func features(_ text: String) throws -> [[String: Any]] {
        let root = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        return root["features"] as! [[String: Any]]
    }

    func codes(_ text: String) throws -> [String] {
        try features(text).map { ($0["properties"] as! [String: Any])["code"] as! String }
    }

    // MARK: RFC 7946, checked strictly

    func testGeoJSONPassesStrictRFC7946CheckAndMatchesStore() throws {
        let db = try makeStore()
        let text = try exportFile(db, [])
        XCTAssertEqual(RFC7946.violations(text, maxDecimals: 7), [])
        let fs = try features(text)
        XCTAssertEqual(fs.count, Self.pinned.count)
        XCTAssertEqual(try codes(text), Self.pinned)

        // Every attribute against the store, read with SQL of the test's own (SQLite's; the
        // PostgreSQL pass has the same export bytes, PostgresBackendTests compares them).
        try sqliteOnly("attributes checked with the test's own SQL")
        let store = try Store(path: db, readOnly: true)
        var rows: [String: [String: SQLValue]] = [:]
        try store.database.query("""
            SELECT p.code, p.lao_code, l.name_th, l.name_en, l.amphoe_code, a.name_th, l.province_code, v.name_th,
                   p.plan_year, p.name_th, p.strategy, p.kind, p.budget, p.funding, p.contract_amount, p.disbursed_amount,
                   p.progress, p.completed_on, g.status, g.version, g.pinned_at, g.pinned_by
            FROM project p JOIN pin g ON g.project_code = p.code AND g.is_current = 1 JOIN lao l ON l.code = p.lao_code
            LEFT JOIN amphoe a ON a.code = l.amphoe_code LEFT JOIN province v ON v.code = l.province_code
            """) { row in
            let keys = ["code", "lao_code", "lao_name_th", "lao_name_en", "amphoe_code", "amphoe_th", "province_code",
                        "province_th", "plan_year", "name_th", "strategy", "kind", "budget", "funding", "contract_amount",
                        "disbursed_amount", "progress", "completed_on", "pin_status", "pin_version", "pinned_at", "pinned_by"]
            var d: [String: SQLValue] = [:]
            for (i, k) in keys.enumerated() { d[k] = row.value(Int32(i)) }
            rows[row.string(0)!] = d
        }
        XCTAssertEqual(rows.count, fs.count)
        for f in fs {
            let p = f["properties"] as! [String: Any]
            let code = p["code"] as! String
            XCTAssertEqual(f["id"] as? String, code)
            let row = try XCTUnwrap(rows[code])
            for (k, v) in row {
                switch v {
                case .null: XCTAssertTrue(p[k] is NSNull, "\(code).\(k) should be null, got \(String(describing: p[k]))")
                case .text(let s): XCTAssertEqual(p[k] as? String, s, "\(code).\(k)")
                case .integer(let i): XCTAssertEqual((p[k] as? NSNumber)?.int64Value, i, "\(code).\(k)")
                case .real(let r): XCTAssertEqual((p[k] as? NSNumber)?.doubleValue, r, "\(code).\(k)")
                case .blob: XCTFail("no blob expected")
                }
            }
            XCTAssertEqual(p["stage"] as? String, Self.expected[code]!.stage, code)
            XCTAssertEqual((p["plan_year_ce"] as? NSNumber)?.intValue, Self.expected[code]!.year - 543)
            XCTAssertEqual(p["synthetic"] as? Bool, false)
        }
        XCTAssertEqual(rows["A1"]?["amphoe_th"], .text("เมืองตาก"))
        XCTAssertEqual(rows["C1"]?["province_th"], .text("ตาก"))
        // Numbers are JSON numbers written plainly; Thai is UTF-8 as is.
        XCTAssertTrue(text.contains(#""budget":12345678.25"#))
        XCTAssertTrue(text.contains(#""budget":1250000.0"#))
        XCTAssertFalse(text.contains("\\u0e") || text.contains("\\u0E"))
        XCTAssertTrue(text.contains(#""name_th":"ถนน \"สายหลัก\", หมู่ 2""#))
        XCTAssertFalse(text.contains("e+"))
        // The current pin only (C1 version 2), rounded to 7 decimals.
        XCTAssertTrue(text.contains("[99.1234568,16.9876543]"), text)
        XCTAssertTrue(text.contains("[98.63,16.73]"), "98.630000049 rounds to 98.63")
        // The polygon turned to the right-hand rule.
        let a2 = fs.first { $0["id"] as? String == "A2" }!
        let rings = (a2["geometry"] as! [String: Any])["coordinates"] as! [[[Double]]]
        XCTAssertGreaterThan(RFC7946.signedArea(rings[0]), 0)
        XCTAssertLessThan(RFC7946.signedArea(rings[1]), 0)
        XCTAssertEqual(rings[0].first, [98.5, 16.7])
    }

    func testPrecisionIsConfigurable() throws {
        let db = try makeStore()
        let text = try exportFile(db, ["--precision", "3"])
        XCTAssertEqual(RFC7946.violations(text, maxDecimals: 3), [])
        XCTAssertTrue(text.contains("[99.123,16.988]"))
        let r = try export(db, ["--precision", "16", "--lang", "en"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("--precision"), r.err)
    }

    func testStrictCheckerCatchesBreaches() {
        let ok = #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"X","geometry":{"type":"Point","coordinates":[98.5,16.7]},"properties":{"code":"X"}}]}"#
        XCTAssertEqual(RFC7946.violations(ok, maxDecimals: 7), [])
        XCTAssertFalse(RFC7946.violations(ok.replacingOccurrences(of: "[98.5,16.7]", with: "[16.7,198.5]"), maxDecimals: 7).isEmpty)
        XCTAssertFalse(RFC7946.violations(ok.replacingOccurrences(of: "98.5", with: "98.12345678"), maxDecimals: 7).isEmpty)
        XCTAssertFalse(RFC7946.violations(ok.replacingOccurrences(of: #""features""#, with: #""crs":{},"features""#), maxDecimals: 7).isEmpty)
        XCTAssertFalse(RFC7946.violations(ok.replacingOccurrences(of: #""id":"X""#, with: #""id":"Y""#), maxDecimals: 7).isEmpty)
        let cw = #"{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}"#
        XCTAssertFalse(RFC7946.violations(ok.replacingOccurrences(of: #"{"type":"Point","coordinates":[98.5,16.7]}"#, with: cw), maxDecimals: 7).isEmpty)
        let open = #"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]}"#
        XCTAssertFalse(RFC7946.violations(ok.replacingOccurrences(of: #"{"type":"Point","coordinates":[98.5,16.7]}"#, with: open), maxDecimals: 7).isEmpty)
        XCTAssertFalse(RFC7946.violations(ok.replacingOccurrences(of: #""code":"X""#, with: #""code":"X","n":"\u0e01""#), maxDecimals: 7).isEmpty)
    }

    func testGDALReadsTheExport() throws {
        let db = try makeStore()
        let out = path("gdal.geojson")
        XCTAssertEqual(try export(db, ["--out", out]).status, 0)
        let summary = try run("ogrinfo", ["-ro", "-al", "-so", out])
        XCTAssertEqual(summary.status, 0, summary.err)
        XCTAssertTrue(summary.out.contains("Feature Count: 5"), summary.out)
        XCTAssertTrue(summary.out.contains("budget: Real"), summary.out)
        XCTAssertTrue(summary.out.contains("contract_amount: Real"), summary.out)
        XCTAssertTrue(summary.out.contains("plan_year: Integer"), summary.out)
        XCTAssertTrue(summary.out.contains("pin_version: Integer"), summary.out)
        XCTAssertTrue(summary.out.contains("EPSG\",4326") || summary.out.contains("WGS 84"), summary.out)
        let all = try run("ogrinfo", ["-ro", "-al", "-q", out, "-where", "code = 'B1'"])
        XCTAssertTrue(all.out.contains(#"name_th (String) = ถนน "สายหลัก", หมู่ 2"#), all.out)
        XCTAssertTrue(all.out.contains("amphoe_th (String) = แม่ระมาด"), all.out)
        XCTAssertTrue(all.out.contains("budget (Real) = 12345678.25"), all.out)
        XCTAssertTrue(all.out.contains("POINT (98.23 17.03)"), all.out)
        // GDAL's own check of the ring order: its RFC 7946 writer must leave our polygon as it is.
        let a2 = try run("ogrinfo", ["-ro", "-al", "-q", out, "-where", "code = 'A2'"])
        XCTAssertTrue(a2.out.contains("POLYGON ((98.5 16.7,98.6 16.7,98.6 16.8,98.5 16.8,98.5 16.7),(98.52 16.72,98.52 16.74,98.54 16.74,98.54 16.72,98.52 16.72))"), a2.out)
    }

    // MARK: Filters

    func testEachFilter() throws {
        let db = try makeStore()
        func sel(_ args: [String]) throws -> [String] {
            let r = try export(db, args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
            XCTAssertEqual(RFC7946.violations(r.out, maxDecimals: 7), [], "\(args)")
            return try codes(r.out)
        }
        XCTAssertEqual(try sel(["--province", "63"]), Self.pinned)
        XCTAssertEqual(try sel(["--province", "ตาก"]), Self.pinned)
        XCTAssertEqual(try sel(["--province", "จังหวัดตาก"]), Self.pinned)
        XCTAssertEqual(try sel(["--amphoe", "6304"]), ["B1"])
        XCTAssertEqual(try sel(["--amphoe", "แม่ระมาด"]), ["B1"])
        XCTAssertEqual(try sel(["--province", "63", "--amphoe", "6301"]), ["A1", "A2", "A3"])
        XCTAssertEqual(try sel(["--lao", "6630101"]), ["A1", "A2", "A3"])
        XCTAssertEqual(try sel(["--lao", "6630000"]), ["C1"])
        XCTAssertEqual(try sel(["--year", "2568"]), ["A1", "A2"])
        // One plan-year rule in every command (PlanYear.be): a CE year is refused with its BE.
        let ce = try export(db, ["--year", "2025", "--lang", "en"])
        XCTAssertEqual(ce.status, 1)
        XCTAssertTrue(ce.err.contains("did you mean 2568?"), ce.err)
        XCTAssertEqual(try sel(["--year", "๒๕๖๔"]), ["B1"])
        XCTAssertEqual(try sel(["--year", "2570"]), [], "a plan covers 2570 though no project is in it")
        XCTAssertEqual(try sel(["--stage", "planned", "--include-unpinned"]), ["B2"])
        XCTAssertEqual(try sel(["--stage", "plan-approved"]), ["A1"])
        XCTAssertEqual(try sel(["--stage", "budget-approved"]), ["C1"])
        XCTAssertEqual(try sel(["--stage", "contracted"]), ["A2"])
        XCTAssertEqual(try sel(["--stage", "เบิกจ่ายแล้ว"]), ["B1"])
        XCTAssertEqual(try sel(["--stage", "completed"]), ["A3"])
        XCTAssertEqual(try sel(["--funding", "general"]), ["A2", "C1"])
        XCTAssertEqual(try sel(["--funding", "เงินอุดหนุนเฉพาะกิจ"]), ["A3"])
        XCTAssertEqual(try sel(["--funding", "เงินรายได้"]), ["A1", "B1"])
        XCTAssertEqual(try sel(["--lao", "6630101", "--year", "2568", "--funding", "own"]), ["A1"])
        // --bbox: the point A1 and the polygon A2 (its box meets the box); not A3's line east of 98.61.
        XCTAssertEqual(try sel(["--bbox", "98.55,16.70,98.58,16.72"]), ["A1", "A2"])
        XCTAssertEqual(try sel(["--bbox", "98.2, 17.0, 98.3, 17.1"]), ["B1"])
        XCTAssertEqual(try sel(["--bbox", "98.23,17.03,98.23,17.03"]), ["B1"], "a degenerate box holding the point")
        XCTAssertEqual(try sel(["--bbox", "98.99,15.99,99.01,16.01"]), [], "the old pin of C1 is not current")
        XCTAssertEqual(try sel(["--bbox", "98.2300001,17.0,98.3,17.1"]), [],
                       "the R*Tree's float box holds 98.23 here; the exact check drops it")
        // Unpinned projects: null geometry.
        let r = try export(db, ["--include-unpinned"])
        let fs = try features(r.out)
        XCTAssertEqual(fs.count, 6)
        let b2 = try XCTUnwrap(fs.first { $0["id"] as? String == "B2" })
        XCTAssertTrue(b2["geometry"] is NSNull)
        XCTAssertTrue((b2["properties"] as! [String: Any])["budget"] is NSNull)
        XCTAssertEqual(RFC7946.violations(r.out, maxDecimals: 7), [])
        XCTAssertEqual(try sel(["--include-unpinned", "--lao", "6630401"]), ["B1", "B2"])
        XCTAssertEqual(try sel(["--include-unpinned", "--bbox", "98.5,16.6,98.6,16.75"]), ["A1", "A2", "B2"],
                       "unpinned projects have no place for the box to test")
        let none = try export(db, ["--lao", "6630401", "--year", "2565"])
        XCTAssertEqual(none.out, "{\"type\":\"FeatureCollection\",\"features\":[]}\n")
    }

    func testBBoxGoesThroughTheRTree() throws {
        let db = try makeStore()
        try sqliteOnly("SQLite's query plan")
        let store = try Store(path: db, readOnly: true)
        let resolved = try ProjectExporter(store: store).resolve(
            ProjectQuery(bbox: try ProjectQuery.parseBBox("98,16,99,17")))
        let (sql, args) = ProjectExportCursor.query(resolved.filter, includeUnpinned: resolved.includeUnpinned)
        var plan: [String] = []
        try store.database.query("EXPLAIN QUERY PLAN " + sql, args) { plan.append($0.string(3) ?? "") }
        XCTAssertTrue(plan.contains { $0.contains("idx_pin_geom") && $0.contains("VIRTUAL TABLE") }, plan.joined(separator: "\n"))
        // Without a box: no sort in memory, the current pins through their index.
        let (all, _) = ProjectExportCursor.query(try ProjectExporter(store: store).resolve(ProjectQuery()).filter, includeUnpinned: false)
        var plan2: [String] = []
        try store.database.query("EXPLAIN QUERY PLAN " + all) { plan2.append($0.string(3) ?? "") }
        XCTAssertFalse(plan2.contains { $0.contains("TEMP B-TREE") }, plan2.joined(separator: "\n"))
    }

    // MARK: Other formats and outputs

    func testGeoJSONSequence() throws {
        let db = try makeStore()
        let text = try exportFile(db, ["--format", "geojsonseq"], name: "out.geojsons")
        let records = text.split(separator: "\u{1E}", omittingEmptySubsequences: false)
        XCTAssertEqual(records.first, "", "every record starts with RS")
        XCTAssertEqual(records.count - 1, Self.pinned.count)
        var seen: [String] = []
        for rec in records.dropFirst() {
            XCTAssertTrue(rec.hasSuffix("\n"))
            XCTAssertEqual(rec.filter { $0 == "\n" }.count, 1)
            let wrapped = #"{"type":"FeatureCollection","features":["# + rec + "]}"
            XCTAssertEqual(RFC7946.violations(wrapped, maxDecimals: 7), [])
            let f = try JSONSerialization.jsonObject(with: Data(rec.utf8)) as! [String: Any]
            seen.append(f["id"] as! String)
        }
        XCTAssertEqual(seen, Self.pinned)
        let gdal = try run("ogrinfo", ["-ro", "-al", "-so", path("out.geojsons")])
        XCTAssertTrue(gdal.out.contains("Feature Count: 5"), gdal.out + gdal.err)
    }

    func testCSVWithBOMAndWKT() throws {
        let db = try makeStore()
        let out = path("out.csv")
        XCTAssertEqual(try export(db, ["--format", "csv", "--include-unpinned", "--out", out]).status, 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let rows = CSV.parse(String(decoding: bytes.dropFirst(3), as: UTF8.self))
        XCTAssertEqual(rows[0], ProjectExporter.columns.map(\.key) + ["wkt"])
        XCTAssertEqual(rows.count, 7)
        let header = rows[0]
        func col(_ row: [String], _ key: String) -> String { row[header.firstIndex(of: key)!] }
        let geos = GEOSContext()
        for row in rows.dropFirst() {
            XCTAssertEqual(row.count, header.count)
            let code = col(row, "code")
            if code == "B2" { XCTAssertEqual(col(row, "wkt"), ""); continue }
            let g = try GEOSGeometry(wkt: col(row, "wkt"), context: geos)
            XCTAssertTrue(g.isValid, code)
            if code == "B1" {
                XCTAssertEqual(col(row, "name_th"), #"ถนน "สายหลัก", หมู่ 2"#)
                XCTAssertEqual(col(row, "budget"), "12345678.25")
                XCTAssertEqual(try g.toGeometry(), .point(Coordinate(98.23, 17.03)))
            }
            if code == "A2" { XCTAssertEqual(g.type, .polygon); XCTAssertEqual(try g.area, 0.01 - 0.0004, accuracy: 1e-9) }
        }
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("\r\n"), "RFC 4180 line ends")
    }

    func testStandardOutputEqualsFile() throws {
        let db = try makeStore()
        let file = try exportFile(db, ["--year", "2568"])
        let r = try export(db, ["--year", "2568"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.out, file)
        XCTAssertEqual(r.err, "", "nothing but the data when writing to stdout")
    }

    // MARK: Bad input

    func testBadInputGivesClearErrorAndNoFile() throws {
        let db = try makeStore()
        let cases: [([String], String)] = [
            (["--province", "99"], "no province '99'"),
            (["--province", "เชียงใหม่"], "no province"),
            (["--amphoe", "9999"], "no amphoe '9999'"),
            (["--province", "63", "--amphoe", "6304x"], "no amphoe"),
            (["--lao", "1234567"], "no LAO with code 1234567"),
            (["--year", "2575"], "no development plan covers year 2575"),
            (["--lao", "6630401", "--year", "2568"], "no development plan covers year 2568"),
            (["--year", "abc"], "plan year 'abc'"),
            (["--bbox", "98,16,99"], "four numbers"),
            (["--bbox", "98,16,x,17"], "four numbers"),
            (["--bbox", "99,16,98,17"], "a minimum exceeds its maximum"),
            (["--bbox", "98,17,99,16"], "a minimum exceeds its maximum"),
            (["--bbox", "98,16,181,17"], "±180"),
            (["--bbox", "98,-91,99,17"], "±90"),
            (["--stage", "started"], "--stage 'started'"),
            (["--funding", "loan"], "--funding 'loan'"),
        ]
        let out = path("keep.geojson")
        try "old".write(toFile: out, atomically: true, encoding: .utf8)
        for (args, message) in cases {
            let r = try export(db, args + ["--out", out, "--lang", "en"])
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertTrue(r.err.contains(message), "\(args): \(r.err)")
            XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "old", "\(args) left the old file alone")
            let fresh = path("fresh.geojson")
            XCTAssertEqual(try export(db, args + ["--out", fresh]).status, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fresh), "\(args)")
        }
        // Thai by default.
        let th = try export(db, ["--lao", "1234567"])
        XCTAssertTrue(th.err.contains("ไม่พบ อปท. รหัส 1234567"), th.err)
        XCTAssertEqual(th.out, "", "nothing on stdout before the error")
        XCTAssertEqual(try leftovers(), [])
    }

    func testUnwritableOutputLeavesNothingBehind() throws {
        let db = try makeStore()
        let ro = dir.appendingPathComponent("ro").path
        try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: ro)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ro) }
        for target in [path("missing-dir/out.geojson"), ro + "/out.geojson", dir.path, path("out.geojson") + "/"] {
            let r = try export(db, ["--out", target, "--lang", "en"])
            XCTAssertEqual(r.status, 1, target)
            XCTAssertTrue(r.err.contains("cannot write"), "\(target): \(r.err)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: ro), [])
        XCTAssertEqual(try leftovers(), [])
        XCTAssertEqual(try export(db, ["--db", path("missing.sqlite")]).status, 3)
    }

    func testDiscardedOutputRemovesItsTemporaryFile() throws {
        let target = path("partial.geojson")
        let output = try ExportOutput.atomicFile(target)
        output.write(Array(repeating: UInt8(ascii: "x"), count: 3 * ExportOutput.chunkSize))
        try output.flush()
        XCTAssertEqual(try leftovers().count, 1, "the temporary file exists while writing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        output.discard()
        XCTAssertEqual(try leftovers(), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    func testCorruptPinGeometryFailsWithoutFile() throws {
        try sqliteOnly("a SpatiaLite BLOB corrupted behind the triggers")
        let db = try makeStore()
        let store = try Store(path: db)
        var blob = SpatiaLiteBlob.encode(.point(c(98.5667, 16.7167)), srid: 4326)!
        blob[39] = 99   // an unknown class type; the header and its MBR stay readable
        // The pin kind check refuses such a BLOB (schema 5): a writer that bypasses it (an
        // older file, a tool that drops triggers) is what leaves one behind.
        try store.database.execute("DROP TRIGGER pin_geom_kind_update")
        try store.database.execute("UPDATE pin SET geom = ? WHERE project_code = 'B1' AND is_current = 1", [.blob(blob)])
        let out = path("corrupt.geojson")
        let r = try export(db, ["--out", out, "--lang", "en"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("project B1"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try leftovers(), [])
    }

    func testProjectOfAnUnknownLAOKeepsItsCode() throws {
        try sqliteOnly("a project written with SQLite's foreign keys off")
        let db = try makeStore()
        let store = try Store(path: db)
        try store.database.execute("PRAGMA foreign_keys = OFF")
        try store.database.execute("""
            INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at)
            VALUES ('Z1', '9999999', 2568, 'ไม่มี อปท.', 'other', '2024-01-01', '2024-01-01')
            """)
        let text = try exportFile(db, ["--include-unpinned"])
        XCTAssertEqual(RFC7946.violations(text, maxDecimals: 7), [])
        let z = try XCTUnwrap(try features(text).first { $0["id"] as? String == "Z1" })
        let p = z["properties"] as! [String: Any]
        XCTAssertEqual(p["lao_code"] as? String, "9999999")
        for k in ["lao_name_th", "lao_name_en", "amphoe_code", "amphoe_th", "province_code", "province_th"] {
            XCTAssertTrue(p[k] is NSNull, k)
        }
        let csv = CSV.parse(try exportFile(db, ["--include-unpinned", "--format", "csv"], name: "z.csv"))
        let row = try XCTUnwrap(csv.first { $0.first == "Z1" })
        XCTAssertEqual(Array(row[1...7]), ["9999999", "", "", "", "", "", ""])
        XCTAssertEqual(row.count, csv[0].count)
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("eplan-tmp") }
    }

    // MARK: Geometry writer, every type

    func testBlobWriterEveryTypeWithRightHandRule() throws {
        let cwSquare: Ring = [c(0, 0), c(0, 1), c(1, 1), c(1, 0), c(0, 0)]
        let ccwHole: Ring = [c(0.2, 0.2), c(0.4, 0.2), c(0.4, 0.4), c(0.2, 0.2)]
        let samples: [Geometry] = [
            .point(c(100.5, 13.75)),
            .lineString([c(0, 0), c(1, 1)]),
            .polygon(Polygon(exterior: cwSquare, holes: [ccwHole])),
            .multiPoint([c(1, 2), c(3, 4)]),
            .multiLineString([[c(0, 0), c(1, 1)], [c(2, 2), c(3, 3)]]),
            .multiPolygon([Polygon(exterior: cwSquare), Polygon(exterior: cwSquare.map { c($0.x + 5, $0.y) }.reversed())]),
            .geometryCollection([.point(c(1, 1)), .polygon(Polygon(exterior: cwSquare))]),
        ]
        let geos = GEOSContext()
        for g in samples {
            let blob = SpatiaLiteBlob.encode(g, srid: 4326)!
            var jw = ByteWriter(capacity: 16), ww = ByteWriter(capacity: 16)
            try blob.withUnsafeBytes {
                try BlobGeometryWriter(syntax: .geoJSON, precision: 7).write($0, into: &jw)
                try BlobGeometryWriter(syntax: .wkt, precision: 7).write($0, into: &ww)
            }
            let json = jw.array, wkt = ww.array
            let text = String(decoding: json, as: UTF8.self)
            let doc = #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":"# + text + #","properties":{}}]}"#
            XCTAssertEqual(RFC7946.violations(doc, maxDecimals: 7), [], text)
            let decoded = try GeoJSONGeometry.decode(json: text)
            let fromWKT = try GEOSGeometry(wkt: String(decoding: wkt, as: UTF8.self), context: geos)
            // Same shape as stored (rings may run the other way).
            XCTAssertTrue(try GEOSGeometry(decoded, context: geos).normalizedEquals(GEOSGeometry(g, context: geos)), text)
            XCTAssertTrue(try fromWKT.normalizedEquals(GEOSGeometry(g, context: geos)), String(decoding: wkt, as: UTF8.self))
        }
        // A corrupt BLOB is refused, not written.
        var bad = SpatiaLiteBlob.encode(.lineString([c(0, 0), c(1, 1)]), srid: 4326)!
        bad[43] = 99
        var out = ByteWriter(capacity: 16)
        XCTAssertThrowsError(try bad.withUnsafeBytes { try BlobGeometryWriter(syntax: .geoJSON, precision: 7).write($0, into: &out) })
    }

    func testNumbersArePlain() {
        func s(_ v: Double, _ p: Int, keep: Bool = false) -> String {
            DecimalWriter(precision: p, keepPoint: keep).string(v)
        }
        XCTAssertEqual(s(1e15, 6, keep: true), "1000000000000000.0")
        XCTAssertEqual(s(1_250_000, 6, keep: true), "1250000.0")
        XCTAssertEqual(s(0.1 + 0.2, 6, keep: true), "0.3")
        XCTAssertEqual(s(-98.00000004, 7), "-98")
        XCTAssertEqual(s(-0.00000001, 7), "0")
        XCTAssertEqual(s(16.7167, 7), "16.7167")
        XCTAssertEqual(s(1e300, 6, keep: true).contains("e"), false)
    }
}

extension GEOSGeometry {
    /// Same points, whatever the ring direction and start.
    func normalizedEquals(_ other: GEOSGeometry) throws -> Bool {
        try normalize().equalsExact(other.normalize(), tolerance: 1e-9)
    }
}

/// A strict reading of RFC 7946 for the tests: structure, types, [lon, lat] order and ranges,
/// decimals, ring closure and the right-hand rule, no `crs`, `id` equal to the `code`
/// property, and Thai never \u-escaped.
enum RFC7946 {
    static func signedArea(_ ring: [[Double]]) -> Double {
        var a = 0.0
        for i in 0..<(ring.count - 1) { a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] }
        return a / 2
    }

    static func violations(_ text: String, maxDecimals: Int) -> [String] {
        var v: [String] = []
        if text.range(of: #"\\u0[eE][0-9a-fA-F]{2}"#, options: .regularExpression) != nil { v.append("Thai written as \\u escapes") }
        // Decimals of every number inside "coordinates" (their arrays hold no braces).
        var rest = text[...]
        while let r = rest.range(of: #""coordinates":"#) {
            let end = rest[r.upperBound...].firstIndex(of: "}") ?? rest.endIndex
            let coords = rest[r.upperBound..<end]
            for m in coords.matches(of: #/\.(\d+)/#) where m.1.count > maxDecimals {
                v.append("a coordinate with \(m.1.count) decimals")
            }
            if coords.contains("e") || coords.contains("E") { v.append("exponent in coordinates") }
            rest = rest[end...]
        }
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String: Any] else {
            return v + ["not a JSON object"]
        }
        if root["crs"] != nil { v.append("crs member (removed by RFC 7946)") }
        guard root["type"] as? String == "FeatureCollection", let features = root["features"] as? [Any] else {
            return v + ["not a FeatureCollection with a features array"]
        }
        for (i, any) in features.enumerated() {
            guard let f = any as? [String: Any], f["type"] as? String == "Feature" else { v.append("#\(i) not a Feature"); continue }
            if f["crs"] != nil { v.append("#\(i) crs member") }
            guard f.keys.contains("geometry"), f.keys.contains("properties") else { v.append("#\(i) lacks geometry or properties"); continue }
            if let id = f["id"] {
                guard id is String || id is NSNumber else { v.append("#\(i) id neither string nor number"); continue }
                if let p = f["properties"] as? [String: Any], let code = p["code"], "\(code)" != "\(id)" {
                    v.append("#\(i) id \(id) is not the code \(code)")
                }
            }
            if !(f["properties"] is NSNull) && !(f["properties"] is [String: Any]) { v.append("#\(i) properties not an object") }
            if f["geometry"] is NSNull { continue }
            geometry(f["geometry"], "#\(i)", &v)
        }
        return v
    }

    static func geometry(_ any: Any?, _ at: String, _ v: inout [String]) {
        guard let g = any as? [String: Any], let type = g["type"] as? String else { v.append("\(at) geometry not an object with a type"); return }
        if g["crs"] != nil { v.append("\(at) crs member") }
        func position(_ p: Any) -> [Double]? {
            guard let a = p as? [Any], (2...3).contains(a.count) else {
                v.append("\(at) position is not 2 or 3 numbers"); return nil
            }
            let d = a.compactMap { ($0 as? NSNumber)?.doubleValue }
            guard d.count == a.count else { v.append("\(at) position holds a non-number"); return nil }
            if !(-180...180).contains(d[0]) { v.append("\(at) longitude \(d[0]) out of range (order must be lon, lat)") }
            if !(-90...90).contains(d[1]) { v.append("\(at) latitude \(d[1]) out of range (order must be lon, lat)") }
            return d
        }
        func positions(_ p: Any?, min: Int) -> [[Double]]? {
            guard let a = p as? [Any] else { v.append("\(at) positions not an array"); return nil }
            if a.count < min { v.append("\(at) fewer than \(min) positions") }
            let ps = a.compactMap(position)
            return ps.count == a.count ? ps : nil
        }
        func polygon(_ p: Any?) {
            guard let rings = p as? [Any], !rings.isEmpty else { v.append("\(at) polygon without rings"); return }
            for (k, r) in rings.enumerated() {
                guard let ring = positions(r, min: 4) else { continue }
                if ring.first != ring.last { v.append("\(at) ring \(k) not closed") }
                let a = signedArea(ring)
                if k == 0 && a <= 0 { v.append("\(at) exterior ring not counter-clockwise") }
                if k > 0 && a >= 0 { v.append("\(at) hole \(k) not clockwise") }
            }
        }
        switch type {
        case "Point": _ = g["coordinates"].flatMap(position) ?? { v.append("\(at) point without coordinates"); return nil }()
        case "MultiPoint": _ = positions(g["coordinates"], min: 0)
        case "LineString": _ = positions(g["coordinates"], min: 2)
        case "MultiLineString":
            guard let ls = g["coordinates"] as? [Any] else { v.append("\(at) bad MultiLineString"); return }
            for l in ls { _ = positions(l, min: 2) }
        case "Polygon": polygon(g["coordinates"])
        case "MultiPolygon":
            guard let ps = g["coordinates"] as? [Any] else { v.append("\(at) bad MultiPolygon"); return }
            for p in ps { polygon(p) }
        case "GeometryCollection":
            guard let gs = g["geometries"] as? [Any] else { v.append("\(at) collection without geometries"); return }
            if g["coordinates"] != nil { v.append("\(at) collection with coordinates") }
            for m in gs { geometry(m, at, &v) }
        default: v.append("\(at) unknown geometry type \(type)")
        }
    }
}

/// RFC 4180 reading for the tests.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.unicodeScalars.startIndex
        let s = text.unicodeScalars
        while i < s.endIndex {
            let ch = s[i]
            if quoted {
                if ch == "\"" {
                    let n = s.index(after: i)
                    if n < s.endIndex && s[n] == "\"" { field.unicodeScalars.append("\""); i = n } else { quoted = false }
                } else { field.unicodeScalars.append(ch) }
            } else if ch == "\"" { quoted = true }
            else if ch == "," { row.append(field); field = "" }
            else if ch == "\r" {}
            else if ch == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.unicodeScalars.append(ch) }
            i = s.index(after: i)
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}

final class ExportEscapeTests: XCTestCase {
    /// The word-at-a-time test agrees with the byte-by-byte one at every position and byte.
    func testEscapeScanAgreesWithBytewise() {
        let thai = Array("ถนนคอนกรีตเสริมเหล็ก".utf8)
        for len in 0...24 {
            var bytes = Array((thai + thai).prefix(len))
            bytes.withUnsafeBufferPointer { XCTAssertFalse(needsJSONEscape($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, len)) }
            for pos in 0..<len {
                for special: UInt8 in [0x00, 0x0A, 0x1F, 0x22, 0x5C, 0x20, 0x21, 0x5B, 0x7F, 0xFF] {
                    let saved = bytes[pos]
                    bytes[pos] = special
                    let expect = special < 0x20 || special == 0x22 || special == 0x5C
                    bytes.withUnsafeBufferPointer { XCTAssertEqual(needsJSONEscape($0.baseAddress!, len), expect, "\(len) \(pos) \(special)") }
                    bytes[pos] = saved
                }
            }
        }
    }
}
