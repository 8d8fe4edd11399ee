import Foundation
import XCTest
@testable import EPlanDomain

/// Project CSVs as offices export them, the all-or-nothing import, stage updates and the
/// commands, through the library and the real binary.
final class ProjectImportTests: CLITestCase {
    static let thaiHeader = "รหัสโครงการ,รหัส อปท.,ปีงบประมาณ,ชื่อโครงการ,ยุทธศาสตร์,ประเภทงาน,งบประมาณ (บาท),แหล่งเงิน,อนุมัติแผน,อนุมัติงบประมาณ,ลงนามสัญญา,วงเงินสัญญา (บาท),เบิกจ่าย (บาท),ความก้าวหน้า (%)"
    static let englishHeader = "code,lao_code,plan_year,name,strategy,kind,budget,funding,plan_approved_on,budget_approved_on,contract_signed_on,contract_amount,disbursed_amount,progress"

    /// A store with the four demo LAOs; all but 06630108 have a 2560–2562 plan unless `plans` is false.
    func makeStore(plans: Bool = true, name: String = "test.sqlite") throws -> (any AnyStore, String) {
        let db = try newStoreLocation(name)
        let store = try StoreLocation.parse(db).open(create: true)
        try store.insertLAOs([
            LAORecord(code: "03630601", type: .city, nameTH: "เทศบาลนครแม่สอด", shortTH: "ทน.แม่สอด", amphoeCode: "6306", provinceCode: "63", coverage: .whole),
            LAORecord(code: "05630606", type: .subdistrict, nameTH: "เทศบาลตำบลท่าสายลวด", shortTH: "ทต.ท่าสายลวด", amphoeCode: "6306", provinceCode: "63", coverage: .part),
            LAORecord(code: "06630606", type: .sao, nameTH: "องค์การบริหารส่วนตำบลท่าสายลวด", shortTH: "อบต.ท่าสายลวด", amphoeCode: "6306", provinceCode: "63", coverage: .whole),
            LAORecord(code: "06630108", type: .sao, nameTH: "องค์การบริหารส่วนตำบลน้ำรึม", shortTH: "อบต.น้ำรึม", amphoeCode: "6301", provinceCode: "63", coverage: .whole),
        ], replace: false)
        if plans {
            for lao in ["03630601", "05630606", "06630606", "06630108"] {
                try store.addDevPlan(laoCode: lao, firstYear: 2560, lastYear: 2562, approvedOn: "2016-06-15")
            }
        }
        return (store, db)
    }

    func write(_ name: String, _ text: String, bom: Bool = false) throws -> String {
        let p = path(name)
        var data = Data(bom ? [0xEF, 0xBB, 0xBF] : [])
        data.append(Data(text.utf8))
        try data.write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Rows of `table`, counted through the store protocol (the same on both backends).
    func count(_ store: any AnyStore, _ table: String) throws -> Int {
        switch table {
        case "project": return try store.projectCodes().count
        case "project_stage_log": return try store.projectCodes().reduce(0) { $0 + (try store.stageLog(code: $1).count) }
        default: XCTFail("no protocol count for \(table)"); return -1
        }
    }

    // MARK: Reading what offices export

    func testDemoPlanWithBOMThaiHeadersThaiDigitsSeparatorsAndBEDates() throws {
        let (store, _) = try makeStore()
        let report = try ProjectImporter(store: store).importFile(path: Self.takDir + "/demo-plan-2560.csv")
        XCTAssertEqual(report.inserted, 14)
        XCTAssertEqual(report.rejectedLines, 0)
        XCTAssertEqual(try store.projectCodes().count, 14)
        let p = try XCTUnwrap(store.project(code: "03630601-2560-002"))
        XCTAssertEqual(p.planYear, 2560, "๒๕๖๐")
        XCTAssertEqual(p.budget, 3_500_000, "๓,๕๐๐,๐๐๐ บาท")
        XCTAssertEqual(p.funding, .general)
        XCTAssertEqual(p.kind, .building)
        XCTAssertEqual(p.contractAmount, 3_420_000)
        XCTAssertEqual(p.contractSignedOn, "2017-02-20", "20/02/2560 is BE")
        XCTAssertEqual(p.progress, 60)
        XCTAssertEqual(p.stage, .disbursing)
        XCTAssertTrue(p.synthetic, "the demo is labelled synthetic")
        let drain = try XCTUnwrap(store.project(code: "03630601-2561-001"))
        XCTAssertEqual(drain.nameTH, "ปรับปรุงท่อระบายน้ำ ถนนอินทรคีรี, ช่วงตลาด (สาธิต)", "a quoted comma")
        XCTAssertEqual(drain.budgetApprovedOn, "2017-10-03", "3 ต.ค. 2560")
        let well = try XCTUnwrap(store.project(code: "06630606-2560-001"))
        XCTAssertEqual(well.contractSignedOn, "2016-11-15", "ISO CE date")
        XCTAssertEqual(well.kind.expectedGeometry, .point)
        XCTAssertEqual(well.kind.acceptedGeometries, [.point, .polygon])
        XCTAssertEqual(well.stage, .completed)
        XCTAssertEqual(try store.projects(filter: ProjectFilter(laoCode: "06630108")).count, 3)
        XCTAssertEqual(try store.projects(filter: ProjectFilter(amphoeCode: "6306", planYear: 2560)).count, 5)
        XCTAssertEqual(try store.projects(filter: ProjectFilter(kind: .road)).count, 4)
    }

    func testEnglishHeadersWithoutBOMAndCEDates() throws {
        let (store, _) = try makeStore()
        let file = try write("en.csv", """
            \(Self.englishHeader)\r
            P1,03630601,2561,Road to the market,infrastructure,road,"1,000,000",specific,2016-06-15,03/10/2017,15/12/2017,950000,"475,000",50 %\r
            P2,06630108,2562,"Hall \"\"A\"\"",,other,0,own,,,,,,\r

            """)
        let report = try ProjectImporter(store: store).importFile(path: file)
        XCTAssertEqual(report.inserted, 2)
        let p = try XCTUnwrap(store.project(code: "P1"))
        XCTAssertEqual(p.budgetApprovedOn, "2017-10-03")
        XCTAssertEqual(p.contractSignedOn, "2017-12-15")
        XCTAssertEqual(p.disbursedAmount, 475_000)
        XCTAssertEqual(p.progress, 50)
        XCTAssertEqual(p.funding, .specific)
        XCTAssertEqual(try store.project(code: "P2")?.nameTH, "Hall \"A\"")
        XCTAssertEqual(try store.project(code: "P2")?.budget, 0)
    }

    func testCSVTableFollowsRFC4180AndCountsPhysicalLines() throws {
        let t = try CSVTable.parse(Array("a,b\r\n\"x, y\",\"he said \"\"hi\"\"\"\r\n\"two\nlines\",z\n\n,\nlast,1".utf8), path: "t.csv")
        XCTAssertEqual(t.header.fields, ["a", "b"])
        XCTAssertEqual(t.rows.map(\.fields), [["x, y", "he said \"hi\""], ["two\nlines", "z"], ["last", "1"]])
        XCTAssertEqual(t.rows.map(\.line), [2, 3, 7], "the embedded line break counts; blank and empty lines are skipped")
        XCTAssertEqual(t.rows[0].raw, "\"x, y\",\"he said \"\"hi\"\"\"")
        XCTAssertThrowsError(try CSVTable.parse(Array("a,b\n\"open,1\n2,3\n".utf8), path: "q.csv")) { e in
            XCTAssertEqual((e as? CSVError)?.kind, .unterminatedQuote(line: 2))
        }
    }

    // MARK: Bad input

    func testEveryBadLineReportedAtOnceWithLineAndColumnAndNothingStored() throws {
        let (store, _) = try makeStore()
        try store.insertProjects([ProjectRecord(code: "OLD", laoCode: "03630601", planYear: 2560, nameTH: "เดิม", kind: .road, budget: 1)], replace: false, by: "test")
        let before = (try count(store, "project"), try count(store, "project_stage_log"))
        let file = try write("bad.csv", """
            \(Self.thaiHeader)
            A1,03630601,2560,ถนนดี,,ถนน,"100,000",เงินรายได้,,,,,,
            A2,09999999,2560,อปท.ไม่มี,,ถนน,1000,,,,,,,
            A3,03630601,2565,นอกแผน,,ถนน,1000,,,,,,,
            A4,03630601,2017,ปี ค.ศ.,,ถนน,1000,,,,,,,
            A5,03630601,2560,งบติดลบ,,ถนน,-5000,,,,,,,
            A6,03630601,2560,เบิกเกิน,,ถนน,"900,000",,,,01/01/2560,"800,000","850,000",
            A7,03630601,2560,วันผิด,,อาคาร,1000,,31/02/2560,,,,,
            A8,03630601,2560,ประเภทผิด,,สะพานลอยฟ้า,1000,,,,,,,
            A1,03630601,2560,รหัสซ้ำในไฟล์,,ถนน,1000,,,,,,,
            OLD,03630601,2560,รหัสซ้ำในฐานข้อมูล,,ถนน,1000,,,,,,,
            A9,03630601,2560,,,ถนน,1000,,,,,,,150
            A10,03630601,2560,แหล่งเงินผิด,,ถนน,1000,เงินกู้,,,,,,
            """, bom: true)
        XCTAssertThrowsError(try ProjectImporter(store: store).importFile(path: file)) { e in
            guard case let .badLines(_, problems, bad, lines)? = e as? ProjectImportError else { return XCTFail("\(e)") }
            XCTAssertEqual(lines, 12); XCTAssertEqual(bad, 11)
            let at = Set(problems.map { "\($0.line):\($0.column ?? "")" })
            for expected in ["3:รหัส อปท.", "4:ปีงบประมาณ", "5:ปีงบประมาณ", "6:งบประมาณ (บาท)", "7:เบิกจ่าย (บาท)",
                             "8:อนุมัติแผน", "9:ประเภทงาน", "10:รหัสโครงการ", "11:รหัสโครงการ", "12:ชื่อโครงการ",
                             "12:ความก้าวหน้า (%)", "13:แหล่งเงิน"] {
                XCTAssertTrue(at.contains(expected), "\(expected) missing in \(at.sorted())")
            }
            let th = (e as! ProjectImportError).message.th, en = (e as! ProjectImportError).message.en
            XCTAssertTrue(th.contains("หมายถึง 2560 หรือไม่"), th)
            XCTAssertTrue(en.contains("did you mean 2560?"), en)
            XCTAssertTrue(th.contains("บรรทัด 7, คอลัมน์ 'เบิกจ่าย (บาท)': เบิกจ่าย 850,000 บาท เกินวงเงินสัญญา 800,000 บาท"), th)
            XCTAssertTrue(en.contains("line 4, column 'ปีงบประมาณ': year 2565 is outside LAO 03630601's development plans (2560–2562)"), en)
            XCTAssertTrue(en.contains("line 10, column 'รหัสโครงการ': project code A1 repeats line 2"), en)
            XCTAssertTrue(en.contains("--replace"), en)
        }
        XCTAssertEqual(try count(store, "project"), before.0, "nothing stored after a refusal")
        XCTAssertEqual(try count(store, "project_stage_log"), before.1)
    }

    func testLAOWithoutPlanSaysHowToAddOne() throws {
        let (store, _) = try makeStore(plans: false)
        let file = try write("noplan.csv", "\(Self.englishHeader)\nP1,06630108,2560,x,,road,1,,,,,,,\n")
        XCTAssertThrowsError(try ProjectImporter(store: store).importFile(path: file)) { e in
            let en = (e as! UserFacingError).message.en
            XCTAssertTrue(en.contains("line 2, column 'plan_year': LAO 06630108 has no development plan (add one with eplan plans add 06630108 --years 2560-2562)"), en)
        }
    }

    func testUnknownMissingAndDuplicateColumns() throws {
        let (store, _) = try makeStore()
        let unknown = try write("u.csv", "code,lao_code,plan_year,name,kind,budget,สีของหมุด,colour\n")
        XCTAssertThrowsError(try ProjectImporter(store: store).importFile(path: unknown)) { e in
            XCTAssertTrue((e as! UserFacingError).message.en.contains("unknown column 'สีของหมุด', 'colour'"), "\(e)")
        }
        let missing = try write("m.csv", "รหัสโครงการ,ชื่อโครงการ,ประเภทงาน\nX,y,ถนน\n")
        XCTAssertThrowsError(try ProjectImporter(store: store).importFile(path: missing)) { e in
            let th = (e as! UserFacingError).message.th
            XCTAssertTrue(th.contains("ขาดคอลัมน์ที่ต้องมี 'รหัส อปท.', 'ปีงบประมาณ', 'งบประมาณ (บาท)'"), th)
        }
        let twice = try write("d.csv", "code,รหัสโครงการ,lao_code,plan_year,name,kind,budget\n")
        XCTAssertThrowsError(try ProjectImporter(store: store).importFile(path: twice)) { e in
            XCTAssertTrue((e as! UserFacingError).message.en.contains("'code' and 'รหัสโครงการ' are the same column"), "\(e)")
        }
    }

    /// Thai text saved in TIS-620 / Windows-874 (Excel's "CSV" on Thai Windows).
    func testTIS620IsRefusedWithTheEncodingMessage() throws {
        let (store, db) = try makeStore()
        func tis620(_ s: String) -> [UInt8] {
            s.unicodeScalars.map { u in (0x0E01...0x0E5B).contains(u.value) ? UInt8(u.value - 0x0E00 + 0xA0) : UInt8(u.value) }
        }
        let text = "\(Self.thaiHeader)\nA1,03630601,2560,ถนน,,ถนน,1000,,,,,,,\n"
        let p = path("tis.csv")
        try Data(tis620(text)).write(to: URL(fileURLWithPath: p))
        XCTAssertThrowsError(try ProjectImporter(store: store).importFile(path: p)) { e in
            guard case let .notUTF8(line, offset, _, tis)? = (e as? CSVError)?.kind else { return XCTFail("\(e)") }
            XCTAssertEqual(line, 1); XCTAssertEqual(offset, 0); XCTAssertTrue(tis)
        }
        // Valid header, then one TIS-620 name on line 3.
        let mixed = "\(Self.englishHeader)\nA1,03630601,2560,ok,,road,1,,,,,,,\n".utf8 + tis620("A2,03630601,2560,ถนน,,road,1,,,,,,,\n")
        let q = path("mixed.csv")
        try Data(mixed).write(to: URL(fileURLWithPath: q))
        let r = try eplan(["projects", "import", q, "--db", db])
        XCTAssertEqual(r.status, 1, "bad input exits 1")
        XCTAssertTrue(r.err.contains("ไม่ใช่ UTF-8 (บรรทัด 3") && r.err.contains("TIS-620"), r.err)
        let en = try eplan(["projects", "import", q, "--db", db, "--lang", "en"])
        XCTAssertTrue(en.err.contains("not UTF-8 (line 3") && en.err.contains("TIS-620/Windows-874") && en.err.contains("CSV UTF-8"), en.err)
        XCTAssertEqual(try count(store, "project"), 0)
    }

    // MARK: Skip bad, replace, template

    func testSkipBadImportsGoodLinesAndWritesRejectsWithReasons() throws {
        let (store, db) = try makeStore()
        let file = try write("plan.csv", """
            \(Self.thaiHeader)
            A1,03630601,2560,ถนนดี,,ถนน,"100,000",,,,,,,
            A2,09999999,2560,"อปท., ไม่มี",,ถนน,1000,,,,,,,
            A3,03630601,2560,ดีอีกหนึ่ง,,แหล่งน้ำ,1000,,,,,,,
            A4,03630601,2560,เบิกเกิน,,ถนน,1000,,,,,100,200,
            """, bom: true)
        let r = try eplan(["projects", "import", file, "--skip-bad", "--db", db])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("นำเข้า 2 โครงการ"), r.out)
        XCTAssertEqual(try count(store, "project"), 2)
        let table = try CSVTable.read(path: path("plan.rejects.csv"))
        XCTAssertTrue(table.hadBOM)
        XCTAssertEqual(table.header.fields.last, "เหตุที่ไม่นำเข้า")
        XCTAssertEqual(table.rows.map { $0.fields[0] }, ["A2", "A4"])
        XCTAssertEqual(table.rows[0].fields[3], "อปท., ไม่มี", "the original line, quotes kept")
        XCTAssertTrue(table.rows[0].fields.last!.contains("คอลัมน์ 'รหัส อปท.': ไม่พบ อปท. รหัส 09999999"), table.rows[0].fields.last!)
        XCTAssertTrue(table.rows[1].fields.last!.contains("เกินวงเงินสัญญา"))
        // A named rejects file.
        let again = try eplan(["projects", "import", file, "--skip-bad", "--rejects", path("out.csv"), "--db", db, "--lang", "en"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("out.csv")))
        XCTAssertTrue(again.err.contains("already in the store"), again.err)
    }

    func testReplaceUpdatesInPlaceAndLogsStageChanges() throws {
        let (store, _) = try makeStore()
        let v1 = try write("v1.csv", "\(Self.englishHeader)\nR1,03630601,2560,x,,road,1000,,,,,,,\n")
        _ = try ProjectImporter(store: store).importFile(path: v1)
        let v2 = try write("v2.csv", "\(Self.englishHeader)\nR1,03630601,2560,x,,road,1000,,,01/10/2559,,900,,\n")
        XCTAssertThrowsError(try ProjectImporter(store: store).importFile(path: v2))
        let report = try ProjectImporter(store: store).importFile(path: v2, replace: true, by: "tester")
        XCTAssertEqual(report.replaced, 1)
        XCTAssertEqual(try store.project(code: "R1")?.contractAmount, 900)
        let log = try store.stageLog(code: "R1")
        XCTAssertEqual(log.map(\.field), ["budget_approved_on", "contract_amount"])
        XCTAssertEqual(log.map(\.newValue), ["2016-10-01", "900"])
        XCTAssertEqual(log.first?.changedBy, "tester")
    }

    func testTemplateRoundTripInThaiAndEnglish() throws {
        let (_, db) = try makeStore()
        for (lang, row) in [("th", "T1,03630601,2560,ถนนสาธิต,,ถนน,๑๐๐,๐๐๐,เงินรายได้,,,,,,,,,"),
                            ("en", "T2,03630601,2561,demo road,,road,1000,own,,,,,,,,,,")] {
            let out = path("template-\(lang).csv")
            let r = try eplan(["projects", "template", "--out", out, "--lang", lang])
            XCTAssertEqual(r.status, 0, r.err)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
            XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "BOM for Excel")
            let header = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            XCTAssertTrue(header.hasPrefix(lang == "th" ? "รหัสโครงการ,รหัส อปท.,ปีงบประมาณ" : "code,lao_code,plan_year"), header)
            XCTAssertEqual(header.filter { $0 == "\r\n" }.count, 1, "header only")
            // A Thai-digit amount with a separator, quoted as CSV needs.
            let line = row.replacingOccurrences(of: "๑๐๐,๐๐๐", with: "\"๑๐๐,๐๐๐\"")
            try (try String(contentsOfFile: out, encoding: .utf8) + line + "\r\n").write(toFile: out, atomically: true, encoding: .utf8)
            let imp = try eplan(["projects", "import", out, "--db", db])
            XCTAssertEqual(imp.status, 0, imp.err)
        }
        let s = try openStore(db)
        XCTAssertEqual(try s.project(code: "T1")?.budget, 100_000)
        XCTAssertEqual(try s.project(code: "T2")?.funding, .own)
    }

    // MARK: Stages

    func testUpdateStagesIsLoggedAndDisbursedOverContractRefused() throws {
        let (store, db) = try makeStore()
        _ = try ProjectImporter(store: store).importFile(path: Self.takDir + "/demo-plan-2560.csv")
        let code = "06630606-2562-001"
        let r = try eplan(["projects", "update", code, "--budget-approved", "30/09/2561", "--contract-signed", "๑๕/๑๒/๒๕๖๑",
                           "--contract-amount", "590,000", "--disbursed", "100,000", "--progress", "20", "--by", "ช่างสมชาย", "--db", db])
        XCTAssertEqual(r.status, 0, r.err)
        let p = try XCTUnwrap(store.project(code: code))
        XCTAssertEqual(p.budgetApprovedOn, "2018-09-30"); XCTAssertEqual(p.contractSignedOn, "2018-12-15")
        XCTAssertEqual(p.contractAmount, 590_000); XCTAssertEqual(p.disbursedAmount, 100_000)
        let log = try store.stageLog(code: code)
        XCTAssertEqual(Set(log.map(\.field)), ["budget_approved_on", "contract_signed_on", "contract_amount", "disbursed_amount", "progress"])
        XCTAssertTrue(log.allSatisfy { $0.changedBy == "ช่างสมชาย" })

        let before = try count(store, "project_stage_log")
        let over = try eplan(["projects", "update", code, "--disbursed", "600000", "--progress", "90", "--db", db, "--lang", "en"])
        XCTAssertEqual(over.status, 1)
        XCTAssertTrue(over.err.contains("--disbursed: disbursed 600,000 baht exceeds the contract amount 590,000 baht"), over.err)
        XCTAssertEqual(try store.project(code: code)?.progress, 20, "nothing changed")
        XCTAssertEqual(try count(store, "project_stage_log"), before)

        let bad = try eplan(["projects", "update", code, "--progress", "120", "--completed", "31/02/2562", "--db", db])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("--progress") && bad.err.contains("--completed"), "both reported: \(bad.err)")

        let done = try eplan(["projects", "update", code, "--completed", "30/04/2562", "--disbursed", "590000", "--db", db])
        XCTAssertEqual(done.status, 0, done.err)
        XCTAssertEqual(try store.project(code: code)?.progress, 100)
        XCTAssertEqual(try store.project(code: code)?.stage, .completed)

        XCTAssertEqual(try eplan(["projects", "update", "NOPE", "--progress", "1", "--db", db]).status, 1)
        XCTAssertThrowsError(try store.updateStages(code: code, changes: [ProjectStageChange(.contractAmount, amount: 10)], by: "x")) { e in
            XCTAssertEqual((e as? ProjectStoreError)?.kind, .disbursedOverContract(code: code, disbursed: 590_000, contract: 10))
        }
    }

    // MARK: Commands

    func testListShowAndPlansCommands() throws {
        let (store, db) = try makeStore(plans: false)
        let add = try eplan(["plans", "add", "03630601", "--years", "2560-2562", "--approved", "15/06/2559", "--db", db])
        XCTAssertEqual(add.status, 0, add.err)
        let ce = try eplan(["plans", "add", "06630606", "--years", "2017-2019", "--db", db, "--lang", "en"])
        XCTAssertEqual(ce.status, 1)
        XCTAssertTrue(ce.err.contains("did you mean 2560?"), ce.err)
        let overlap = try eplan(["plans", "add", "03630601", "--years", "2562-2564", "--db", db])
        XCTAssertEqual(overlap.status, 1)
        XCTAssertTrue(overlap.err.contains("2560–2562"), overlap.err)
        for lao in ["05630606", "06630606", "06630108"] {
            XCTAssertEqual(try eplan(["plans", "add", lao, "--years", "๒๕๖๐-๒๕๖๒", "--db", db]).status, 0)
        }
        XCTAssertEqual(try store.devPlans().count, 4)
        let plans = try eplan(["plans", "list", "--lao", "03630601", "--db", db])
        XCTAssertTrue(plans.out.contains("ทน.แม่สอด") && plans.out.contains("2560–2562") && plans.out.contains("15 มิ.ย. 2559"), plans.out)

        XCTAssertEqual(try eplan(["projects", "import", Self.takDir + "/demo-plan-2560.csv", "--db", db]).status, 0)
        let list = try eplan(["projects", "list", "--lao", "03630601", "--year", "๒๕๖๐", "--db", db])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains("2,450,000") && list.out.contains("3,500,000") && list.out.contains("รวม 2 โครงการ"), list.out)
        XCTAssertTrue(list.out.contains("5,950,000"), "total: \(list.out)")
        let ends = Set(list.out.split(separator: "\n").compactMap { line -> Int? in
            guard let r = ["2,450,000", "3,500,000", "5,950,000"].lazy.compactMap({ line.range(of: $0) }).first else { return nil }
            return TextWidth.of(String(line[..<r.upperBound]))
        })
        XCTAssertEqual(ends.count, 1, "budgets right-aligned: \(list.out)")
        let json = try eplan(["projects", "list", "--amphoe", "6306", "--format", "json", "--db", db])
        let arr = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [[String: Any]]
        XCTAssertEqual(arr.count, 11)
        let ceYear = try eplan(["projects", "list", "--year", "2017", "--db", db])
        XCTAssertEqual(ceYear.status, 1); XCTAssertTrue(ceYear.err.contains("2560"), ceYear.err)
        let csv = try eplan(["projects", "list", "--lao", "06630108", "--format", "csv", "--db", db])
        let t = try CSVTable.parse(Array(csv.out.utf8), path: "out")
        XCTAssertEqual(t.rows.count, 3)
        XCTAssertEqual(try ProjectImporter.mapHeader(t.header, path: "out").count, t.header.fields.count, "list CSV headers re-import")

        let show = try eplan(["projects", "show", "03630601-2560-002", "--db", db])
        XCTAssertTrue(show.out.contains("ศูนย์พัฒนาเด็กเล็ก") && show.out.contains("20 ก.พ. 2560") && show.out.contains("3,420,000"), show.out)
        let showJSON = try eplan(["projects", "show", "03630601-2560-002", "--format", "json", "--db", db])
        let obj = try JSONSerialization.jsonObject(with: Data(showJSON.out.utf8)) as! [String: Any]
        XCTAssertEqual(obj["budget"] as? Double, 3_500_000)
        XCTAssertEqual(obj["lao_name"] as? String, "ทน.แม่สอด")
        XCTAssertEqual(obj["expected_geometry"] as? String, "point")
        XCTAssertEqual(try eplan(["projects", "show", "NOPE", "--db", db]).status, 1)
    }

    // MARK: Store

    func testStoreRefusesDuplicatesUnknownLAOsAndBadPlansWithoutChangingAnything() throws {
        let (store, _) = try makeStore(plans: false)
        let a = ProjectRecord(code: "S1", laoCode: "03630601", planYear: 2560, nameTH: "ก", kind: .water, budget: 10, funding: .own)
        try store.insertProjects([a], replace: false, by: "test")
        XCTAssertEqual(try store.project(code: "S1")?.recordedOn?.count, 10, "recorded_on is an ISO date")
        XCTAssertThrowsError(try store.insertProjects([ProjectRecord(code: "S2", laoCode: "03630601", planYear: 2560, nameTH: "ข", kind: .road), a], replace: false, by: "test")) { e in
            XCTAssertEqual((e as? ProjectStoreError)?.kind, .duplicateCode("S1"))
        }
        XCTAssertThrowsError(try store.insertProjects([ProjectRecord(code: "S3", laoCode: "99999999", planYear: 2560, nameTH: "ค", kind: .road)], replace: false, by: "test")) { e in
            XCTAssertEqual((e as? ProjectStoreError)?.kind, .unknownLAO("99999999"))
        }
        XCTAssertThrowsError(try store.insertProjects([ProjectRecord(code: "S4", laoCode: "03630601", planYear: 2560, nameTH: "ง", kind: .road,
                                                                     contractAmount: 5, disbursedAmount: 6)], replace: false, by: "test"))
        XCTAssertEqual(try store.projectCodes().count, 1, "S2 rolled back with the batch")

        try store.addDevPlan(laoCode: "03630601", firstYear: 2560, lastYear: 2562, approvedOn: nil)
        XCTAssertThrowsError(try store.addDevPlan(laoCode: "03630601", firstYear: 2562, lastYear: 2564, approvedOn: nil)) { e in
            XCTAssertEqual((e as? ProjectStoreError)?.kind, .overlappingPlan(lao: "03630601", years: "2560–2562"))
        }
        XCTAssertThrowsError(try store.addDevPlan(laoCode: "03630601", firstYear: 2017, lastYear: 2019, approvedOn: nil))
        XCTAssertThrowsError(try store.addDevPlan(laoCode: "nope", firstYear: 2563, lastYear: 2565, approvedOn: nil))
        try store.addDevPlan(laoCode: "03630601", firstYear: 2563, lastYear: 2565, approvedOn: nil)
        XCTAssertEqual(try store.devPlans(laoCode: "03630601").map(\.years), ["2560–2562", "2563–2565"])
        XCTAssertEqual(try store.devPlans(laoCode: "03630601").first { $0.firstYear <= 2564 && 2564 <= $0.lastYear }?.firstYear, 2563)

        XCTAssertEqual(try store.projects(filter: ProjectFilter(stage: .planned)).map(\.code), ["S1"])
        try store.updateStages(code: "S1", changes: [ProjectStageChange(.contractSignedOn, date: "2017-01-05"),
                                                     ProjectStageChange(.contractAmount, amount: 9)], by: "t")
        XCTAssertEqual(try store.projects(filter: ProjectFilter(stage: .contractSigned)).map(\.code), ["S1"])
        XCTAssertEqual(try store.updateStages(code: "S1", changes: [ProjectStageChange(.contractAmount, amount: 9)], by: "t"), [],
                       "no change, no log row")
        XCTAssertEqual(try store.stageLog(code: "S1").count, 2)
    }
}
