import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanStore

/// What a CSV holds is what is stored, or it is refused: a NUL byte is not silently the
/// end of a value, and a progress of 99.9999999999 is one value for the stage and the output.
final class ImportIntegrityTests: CLITestCase {
    func testCSVTableRefusesANulByteWithLineAndColumn() throws {
        let bytes = Array("code,name\nA1,ok\nA2,ทด".utf8) + [0] + Array("สอบ\n".utf8)
        XCTAssertThrowsError(try CSVTable.parse(bytes, path: "x.csv")) { error in
            XCTAssertEqual((error as? CSVError)?.kind, .nulByte(line: 3, column: 2, header: "name"))
            let m = (error as? CSVError)?.message
            XCTAssertEqual(m?.en, "x.csv: line 3, column 2 ('name'): a NUL character (byte 0x00) would cut the text short; remove it and import again")
        }
        // Inside a quoted field that spans lines, the line is the NUL's own.
        let quoted = Array("a,b\n\"x\ny".utf8) + [0] + Array("\",2\n".utf8)
        XCTAssertThrowsError(try CSVTable.parse(quoted, path: "q.csv")) { error in
            XCTAssertEqual((error as? CSVError)?.kind, .nulByte(line: 3, column: 1, header: "a"))
        }
    }

    func testProjectAndLAOImportsRefuseANulByteAndStoreNothing() throws {
        let db = try initStore()
        let projects = path("nul.csv")
        try Data(Array("code,lao_code,plan_year,name,kind,budget\nA1,03630601,2560,ทด".utf8) + [0]
                 + Array("สอบ,ถนน,1000\n".utf8)).write(to: URL(fileURLWithPath: projects))
        let r = try eplan(["projects", "import", projects, "--db", db])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("บรรทัด 2, คอลัมน์ที่ 4 ('name')") && r.err.contains("NUL"), r.err)
        let skip = try eplan(["projects", "import", projects, "--skip-bad", "--db", db])
        XCTAssertEqual(skip.status, 1, "a NUL refuses the file, not the line: \(skip.err)")
        XCTAssertFalse(try eplan(["projects", "list", "--format", "csv", "--db", db]).out.contains("A1"))

        let laos = path("laos-nul.csv")
        try Data(Array("code,type,name_th,province_code,tambons,coverage\n06630802,อบต.,อบต.หนอง".utf8) + [0]
                 + Array("หลวง,63,630802,whole\n".utf8)).write(to: URL(fileURLWithPath: laos))
        let l = try eplan(["--lang", "en", "laos", "import", "--db", db, laos])
        XCTAssertEqual(l.status, 1, l.err)
        XCTAssertTrue(l.err.contains("line 2, column 3 ('name_th')"), l.err)
        XCTAssertFalse(try eplan(["laos", "list", "--db", db]).out.contains("06630802"))
    }

    /// Whatever the reader (a GeoJSON property, a future one), text with a NUL is refused
    /// by the store rather than stored cut at the NUL.
    func testStoreRefusesTextWithANulInsteadOfCuttingIt() throws {
        let store = try Store(path: path())
        try store.database.execute("CREATE TABLE t (x TEXT)")
        XCTAssertThrowsError(try store.database.execute("INSERT INTO t VALUES (?)", [.text("ทด\0สอบ")])) { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .constraint)
            XCTAssertTrue("\(error)".contains("NUL") || (error as? DatabaseError)?.message.en.contains("NUL") == true)
        }
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM t").int64, 0)
    }

    func testProgressIsStoredRoundedSoStageAndOutputAgree() throws {
        XCTAssertEqual(ProjectRecord.roundedProgress(99.9999999999), 100)
        XCTAssertEqual(ProjectRecord.roundedProgress(99.994), 99.99)
        XCTAssertEqual(ProjectRecord.roundedProgress(-0.001).sign, .plus)
        var record = ProjectRecord(code: "X", laoCode: "03630601", planYear: 2560, nameTH: "x", kind: .road,
                                   progress: 99.9999999999)
        XCTAssertEqual(record.stage, .completed)
        record.progress = 99.994
        XCTAssertEqual(record.stage, .planned)

        let db = try initStore()
        let csv = try writeFile("p.csv", "code,lao_code,plan_year,name,kind,budget,progress\n"
                                + "A1,03630601,2560,หนึ่ง,ถนน,1000,99.9999999999\nA2,03630601,2560,สอง,ถนน,1000,99.994\n"
                                + "A3,03630601,2560,สาม,ถนน,1000,100.004\nA4,03630601,2560,สี่,ถนน,1000,5\n")
        let imp = try eplan(["projects", "import", csv, "--db", db])
        XCTAssertEqual(imp.status, 0, imp.err)
        let upd = try eplan(["projects", "update", "A4", "--progress", "99.995000001", "--db", db])
        XCTAssertEqual(upd.status, 0, upd.err)
        let export = try eplan(["export", "--format", "csv", "--include-unpinned", "--db", db])
        XCTAssertEqual(export.status, 0, export.err)
        let rows = try CSVTable.parse(Array(export.out.utf8), path: "export")
        let stage = try XCTUnwrap(rows.header.fields.firstIndex(of: "stage"))
        let progress = try XCTUnwrap(rows.header.fields.firstIndex(of: "progress"))
        let got = Dictionary(uniqueKeysWithValues: rows.rows.map { ($0.fields[0], "\($0.fields[stage]) \($0.fields[progress])") })
        XCTAssertEqual(got, ["A1": "completed 100.0", "A2": "planned 99.99", "A3": "completed 100.0", "A4": "completed 100.0"])
        // The SQL side of the rule (the --stage filter) agrees with the output.
        let completed = try eplan(["projects", "list", "--stage", "completed", "--format", "csv", "--db", db])
        XCTAssertEqual(completed.status, 0, completed.err)
        let codes = try CSVTable.parse(Array(completed.out.utf8), path: "list").rows.map { $0.fields[0] }
        XCTAssertEqual(Set(codes), ["A1", "A3", "A4"])

        // A value stored unrounded (an older store, another program writing the file): the
        // stage in SQL, the stage in Swift and every output still apply the one rule.
        let store = try Store(path: db)
        try store.database.execute("UPDATE project SET progress = 99.9999999999 WHERE code = 'A2'")
        try store.database.execute("UPDATE project SET progress = 99.994 WHERE code = 'A4'")
        let again = try eplan(["export", "--format", "csv", "--include-unpinned", "--db", db])
        let rows2 = try CSVTable.parse(Array(again.out.utf8), path: "export").rows
        let got2 = Dictionary(uniqueKeysWithValues: rows2.map { ($0.fields[0], "\($0.fields[stage]) \($0.fields[progress])") })
        XCTAssertEqual(got2["A2"], "completed 100.0")
        XCTAssertEqual(got2["A4"], "planned 99.99")
        let filtered = try eplan(["export", "--format", "csv", "--include-unpinned", "--stage", "completed", "--db", db])
        XCTAssertEqual(Set(try CSVTable.parse(Array(filtered.out.utf8), path: "f").rows.map { $0.fields[0] }), ["A1", "A2", "A3"])
        let listed = try eplan(["projects", "list", "--stage", "completed", "--format", "csv", "--db", db])
        XCTAssertEqual(Set(try CSVTable.parse(Array(listed.out.utf8), path: "l").rows.map { $0.fields[0] }), ["A1", "A2", "A3"])
        let show = try eplan(["--lang", "en", "projects", "show", "A4", "--format", "json", "--db", db])
        XCTAssertTrue(show.out.contains("\"progress\":99.99"), show.out)
    }
}
