import Foundation
import XCTest
@testable import EPlanDomain

/// The README's main job through the real binary: init, where, version, exit codes.
final class CLIFoundationTests: CLITestCase {
    /// Start-up: a command without `commandName` is named by ArgumentParser through
    /// `String(describing: Self.self)`, and for each such type Swift's runtime scans every
    /// protocol-conformance record of every loaded library (thousands, with the service's
    /// libraries linked in) three times. Over the ~45 commands that was half of a short
    /// command's instructions (61 of 129 million for `eplan where`, measured with callgrind).
    func testEveryCommandIsNamedExplicitly() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/eplan")
        var unnamed: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            var rest = text[...]
            // Each call's first words (the name is written first).
            while let call = rest.range(of: "CommandConfiguration(") {
                let head = rest[call.upperBound...].prefix(80)
                if !head.contains("commandName:") {
                    unnamed.append("\(name):\(text[..<call.lowerBound].filter { $0 == "\n" }.count + 1)")
                }
                rest = rest[call.upperBound...]
            }
        }
        XCTAssertEqual(unnamed, [], "give these commands an explicit commandName")
    }

    func testInitLoadsTakAndWhereAnswersInEveryCoordinateForm() throws {
        let db = try initStore()
        let forms = ["16.7167, 98.5667", "16°43'00\"N 98°34'00\"E", "16d43m00sN 98d34m00sE",
                     "47N 453809 1848266", "๑๖.๗๑๖๗, ๙๘.๕๖๖๗"]
        for form in forms {
            let r = try eplan(["where", "--db", db, "--format", "json", form])
            XCTAssertEqual(r.status, 0, "\(form): \(r.err)")
            let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
            XCTAssertEqual((json["tambon"] as? [String: Any])?["code"] as? String, "630601", form)
            XCTAssertEqual((json["amphoe"] as? [String: Any])?["name_th"] as? String, "แม่สอด", form)
            XCTAssertEqual((json["province"] as? [String: Any])?["code"] as? String, "63", form)
        }
        let indian = try eplan(["where", "--db", db, "--crs", "EPSG:24047", "454325 1847913", "--format", "json"])
        XCTAssertEqual(indian.status, 0, indian.err)
        XCTAssertTrue(indian.out.contains("\"630601\""), indian.out)
        let lonFirst = try eplan(["where", "--db", db, "--lon-first", "98.5667, 16.7167"])
        XCTAssertEqual(lonFirst.status, 0, lonFirst.err)
        XCTAssertTrue(lonFirst.out.contains("แม่สอด"))
        let text = try eplan(["where", "--db", db, "16.7167, 98.5667"])
        XCTAssertTrue(text.out.contains("ตำบล") && text.out.contains("แม่สอด (630601)"), text.out)
        let english = try eplan(["--lang", "en", "where", "--db", db, "16.7167, 98.5667"])
        XCTAssertTrue(english.out.contains("Mae Sot (630601)"), english.out)
    }

    func testOutsideGivesNearestUnitAndDistance() throws {
        let db = try initStore()
        let r = try eplan(["where", "--db", db, "--format", "json", "13.7563, 100.5018"])
        XCTAssertEqual(r.status, 4, "outside every unit exits 4")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        XCTAssertEqual(json["inside"] as? Bool, false)
        let nearest = try XCTUnwrap(json["nearest"] as? [String: Any])
        let d = try XCTUnwrap(nearest["distance_m"] as? Double)
        XCTAssertGreaterThan(d, 150_000); XCTAssertLessThan(d, 400_000)
        // Just across Tak's border with Myanmar, west of Mae Sot: a few km from the nearest tambon.
        let near = try eplan(["where", "--db", db, "--format", "json", "16.70, 98.50"])
        if near.status == 4 {
            let n = (try JSONSerialization.jsonObject(with: Data(near.out.utf8)) as! [String: Any])["nearest"] as! [String: Any]
            XCTAssertLessThan(n["distance_m"] as! Double, 20_000)
        }
    }

    func testBadCoordinatesNameTheToken() throws {
        let db = try initStore()
        let cases: [(String, String)] = [("95.2, 98.5", "95.2"), ("16.7, 98.5x", "x"), ("49N 453809 1848266", "49")]
        for (input, token) in cases {
            let r = try eplan(["where", "--db", db, input])
            XCTAssertEqual(r.status, 1, input)
            XCTAssertTrue(r.err.contains("'\(token)"), "\(input): \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("ข้อผิดพลาด"), r.err)
        }
        let unknownCRS = try eplan(["where", "--db", db, "--crs", "EPSG:4999", "1 2"])
        XCTAssertEqual(unknownCRS.status, 1)
        XCTAssertTrue(unknownCRS.err.contains("4999"), unknownCRS.err)
    }

    func testStoreErrorsAreClearAndExit3() throws {
        let missing = try eplan(["where", "--db", path("nope.sqlite"), "16.7, 98.5"])
        XCTAssertEqual(missing.status, 3, missing.err)
        XCTAssertTrue(missing.err.contains("nope.sqlite"), missing.err)
        let notDB = try writeFile("text.sqlite", "this is not a database, just text that is long enough to have a header ........")
        let r = try eplan(["where", "--db", notDB, "16.7, 98.5"])
        XCTAssertEqual(r.status, 3, r.err)
        // A read-only store can be read but not written.
        let db = try initStore()
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path) }
        let read = try eplan(["where", "--db", db, "16.7167, 98.5667"])
        XCTAssertEqual(read.status, 0, read.err)
        let write = try eplan(["boundaries", "import", "--db", db, "--level", "tambon", "\(Self.takDir)/tak-tambon.geojson"])
        XCTAssertEqual(write.status, 3, write.err)
    }

    func testInitRefusesToOverwriteWithoutForce() throws {
        let db = try initStore()
        let again = try eplan(["init", "--db", db])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.err.contains("--force"), again.err)
        XCTAssertEqual(try eplan(["init", "--db", db, "--force", "--empty"]).status, 0)
        XCTAssertEqual(try Store(path: db).count(level: .tambon), 0)
    }

    func testCommandLineMistakesExit64InThai() throws {
        let r = try eplan(["where", "--bogus", "16.7, 98.5"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.hasPrefix("ข้อผิดพลาด: บรรทัดคำสั่งไม่ถูกต้อง"), r.err)
        XCTAssertTrue(r.err.contains("--bogus"), r.err)
        let en = try eplan(["--lang", "en", "where", "--bogus", "16.7, 98.5"])
        XCTAssertEqual(en.status, 64)
        XCTAssertTrue(en.err.contains("Unknown option '--bogus'"), en.err)
        XCTAssertEqual(try eplan(["where", "--help"]).status, 0)
    }

    func testVersionNamesTheLibraries() throws {
        let r = try eplan(["version"])
        XCTAssertEqual(r.status, 0)
        for lib in ["GEOS 3.", "PROJ ", "SQLite 3."] { XCTAssertTrue(r.out.contains(lib), r.out) }
    }

    /// SIGKILL in the middle of an import leaves the store as it was before it, and sound.
    func testKilledImportLeavesStoreAsBefore() throws {
        let national = Self.geodata + "/thailand"  // the repo's copy: a long import, always present
        let db = try initStore()
        for delayMs in [60, 150, 300, 500, 800] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: eplanPath)
            p.arguments = ["boundaries", "import", "--db", db, "--level", "tambon", national + "/thailand-tambon.geojson"]
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(delayMs * 1000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let store = try Store(path: db)
            XCTAssertEqual(try store.database.scalar("PRAGMA integrity_check").string, "ok")
            let n = try store.count(level: .tambon)
            XCTAssertTrue(n == 63 || n == 7425, "after a kill at \(delayMs) ms the level is whole, not \(n) rows")
            XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_tambon_geom").int64, Int64(n))
            if n == 7425 { break }   // the import won the race; earlier kills proved the other side
        }
    }

    /// The same flow on the national boundaries, when ../shared is present.
    func testNationalFlow() throws {
        let national = try sharedGeodata()
        let db = try initStore(["--empty"])
        for level in ["province", "amphoe", "tambon"] {
            let r = try eplan(["boundaries", "import", "--db", db, "--level", level, "\(national)/thailand-\(level).geojson"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let bangkok = try eplan(["where", "--db", db, "--format", "json", "13.7563, 100.5018"])
        XCTAssertEqual(bangkok.status, 0, bangkok.err)
        let json = try JSONSerialization.jsonObject(with: Data(bangkok.out.utf8)) as! [String: Any]
        XCTAssertEqual((json["province"] as? [String: Any])?["code"] as? String, "10")
        let chiangMai = try eplan(["where", "--db", db, "--format", "json", "47N 498500 2077600"])
        XCTAssertEqual(chiangMai.status, 0, chiangMai.err)
        XCTAssertTrue(chiangMai.out.contains("\"50\""), chiangMai.out)
        let ubon = try eplan(["where", "--db", db, "--format", "json", "48N 483000 1684000"])
        XCTAssertEqual(ubon.status, 0, ubon.err)
        XCTAssertTrue(ubon.out.contains("\"34\""), ubon.out)
    }
}
