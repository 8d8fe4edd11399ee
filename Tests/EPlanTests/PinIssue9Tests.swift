import Foundation
import XCTest
@testable import EPlanDomain

/// Issue 9, "Pins": input that was accepted but should be refused, messages that named the
/// wrong thing, and the place named for the part of a line outside its LAO. Through the real
/// binary on a store made by `eplan init` (the Tak LAO registry), nothing mocked.
final class PinIssue9Tests: CLITestCase {
    /// A store from `eplan init` with one road project of ทน.แม่สอด (03630601, tambon 630601)
    /// and one water project of the same LAO.
    func fixture() throws -> String {
        let db = try initStore()
        try openStore(db).insertProjects([
            ProjectRecord(code: "R9", laoCode: "03630601", planYear: 2568, nameTH: "ถนนคอนกรีตเสริมเหล็ก", kind: .road, recordedOn: "2025-01-01"),
            ProjectRecord(code: "W9", laoCode: "03630601", planYear: 2568, nameTH: "ระบบประปา", kind: .water, recordedOn: "2025-01-01"),
        ], replace: false, by: "fixture")
        return db
    }

    func pinCount(_ db: String) throws -> Int { try storedPinCount(db) }

    /// Refused with exit 1, the English message holding each of `words` and none of `never`.
    func assertRefused(_ db: String, _ args: [String], _ words: [String], never: [String] = [],
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try eplan(["--lang", "en", "pin", "--db", db] + args)
        XCTAssertEqual(r.status, 1, "\(args): \(r.out) \(r.err)", file: file, line: line)
        for w in words { XCTAssertTrue(r.err.contains(w), "\(args): '\(w)' not in: \(r.err)", file: file, line: line) }
        for w in never { XCTAssertFalse(r.err.contains(w), "\(args): '\(w)' in: \(r.err)", file: file, line: line) }
    }

    func testWKTWithTrailingTextZMOrNonFiniteValuesIsRefused() throws {
        let db = try fixture()
        try assertRefused(db, ["W9", "POINT(98.5787 16.7265) xyz"], ["unexpected text after the geometry", "xyz"])
        try assertRefused(db, ["W9", "--wkt", "POINT(98.5787 16.7265);"], ["unexpected text", ";"])
        try assertRefused(db, ["W9", "POINT Z (98.5787 16.7265 12)"], ["Z", "not stored"])
        try assertRefused(db, ["W9", "POINT M (98.5787 16.7265 12)"], ["M", "not stored"])
        try assertRefused(db, ["W9", "POINT ZM (98.5787 16.7265 12 1)"], ["ZM", "not stored"])
        try assertRefused(db, ["W9", "POINT(98.5787 16.7265 12)"], ["Z", "not stored"])
        try assertRefused(db, ["W9", "LINESTRING(98.5787 16.7265 1, 98.579 16.727 2)"], ["Z", "not stored"])
        try assertRefused(db, ["W9", "POINT(nan nan)"], ["not a finite number", "nan"], never: ["MultiPoint"])
        try assertRefused(db, ["W9", "POINT(98.5 inf)"], ["not a finite number"], never: ["MultiPoint"])
        try assertRefused(db, ["W9", "POINT EMPTY"], ["empty"], never: ["MultiPoint"])
        try assertRefused(db, ["W9", "--geojson", #"{"type":"Point","coordinates":[]}"#], ["empty"], never: ["MultiPoint"])
        try assertRefused(db, ["W9", "--geojson", #"{"type":"Point","coordinates":[98.5787,16.7265,12]}"#], ["third value (height)"])
        try assertRefused(db, ["W9", #"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[98.578,16.726],[98.579,16.727,3]]}}"#],
                          ["third value (height)"])
        XCTAssertEqual(try pinCount(db), 0)
        // What is well formed still goes through, with an exponent too.
        XCTAssertEqual(try eplan(["pin", "--db", db, "W9", "POINT(98.5787 1.67265e1)", "--dry-run"]).status, 0)
    }

    func testPolygonFlagWithAnotherShapeIsRefused() throws {
        let db = try fixture()
        try assertRefused(db, ["W9", "--polygon", "--wkt", "POINT(98.5787 16.7265)"], ["--polygon", "Point"])
        try assertRefused(db, ["W9", "--polygon", "POINT(98.5787 16.7265)"], ["--polygon", "Point"])
        try assertRefused(db, ["W9", "--polygon", "--geojson", #"{"type":"LineString","coordinates":[[98.578,16.726],[98.579,16.727]]}"#],
                          ["--polygon", "LineString"])
        XCTAssertEqual(try pinCount(db), 0)
    }

    func testSliverPolygonIsRefusedInMetres() throws {
        let db = try fixture()
        // Three nearly collinear points: a valid polygon of a few thousandths of a square metre.
        try assertRefused(db, ["W9", "--polygon", "16.7265, 98.5787", "16.7265, 98.5788", "16.72650001, 98.57875"],
                          ["too small or too thin", "m²", "nearly in one line"])
        try assertRefused(db, ["W9", "POLYGON((98.5787 16.7265, 98.5797 16.7265, 98.5787 16.72650001, 98.5787 16.7265))"],
                          ["too small or too thin"])
        // A line of two points 1 cm apart is a point typed twice; the same for a GeoJSON line.
        try assertRefused(db, ["R9", "16.7265, 98.5787", "16.72650009, 98.5787"], ["too short", "pin a single site as a point"])
        try assertRefused(db, ["R9", "--geojson", #"{"type":"LineString","coordinates":[[98.5787,16.7265],[98.5787,16.72650009]]}"#],
                          ["too short"])
        XCTAssertEqual(try pinCount(db), 0)
        XCTAssertEqual(try eplan(["pin", "--db", db, "R9", "16.7265, 98.5787", "16.7266, 98.5787", "--dry-run"]).status, 0, "11 m is a route")
        // A 10 m × 10 m footprint is a site.
        let square = ["16.72650, 98.57870", "16.72650, 98.57879", "16.72659, 98.57879", "16.72659, 98.57870"]
        let ok = try eplan(["pin", "--db", db, "W9", "--polygon"] + square)
        XCTAssertEqual(ok.status, 0, ok.err)
    }

    func testPinnedByMustNameSomeone() throws {
        let db = try fixture()
        for by in ["", "   ", "\u{200B}", "a\u{7}b"] {
            try assertRefused(db, ["W9", "16.7265, 98.5787", "--by", by], ["--by"])
        }
        try assertRefused(db, ["W9", "16.7265, 98.5787", "--by", "", "--dry-run"], ["--by"])
        XCTAssertEqual(try pinCount(db), 0)
        XCTAssertEqual(try eplan(["pin", "--db", db, "W9", "16.7265, 98.5787", "--by", "  somchai "]).status, 0)
        XCTAssertEqual(try openStore(db, readOnly: true).pinHistory(projectCode: "W9").first?.pinnedBy, "somchai")
    }

    func testMessagesNameWhatIsWrong() throws {
        let db = try fixture()
        try assertRefused(db, ["W9", "--geojson", #"{"type":"FeatureCollection"}"#], ["no \"features\" array"],
                          never: ["found FeatureCollection"])
        try assertRefused(db, ["W9", "--file", dir.path], ["is a folder"], never: ["NSCocoaErrorDomain"])
        try assertRefused(db, ["W9", "--file", "/dev/null"], ["not a regular file"], never: ["permission"])
        try assertRefused(db, ["W9", "--file", try writeFile("empty.wkt", " \n")], ["empty"])
        try assertRefused(db, ["W9", "--file", dir.appendingPathComponent("absent.wkt").path], ["absent.wkt"], never: ["NSCocoaErrorDomain"])
        // Direction marks pasted with a coordinate are ignored, as zero-width spaces are.
        let marked = try eplan(["pin", "--db", db, "W9", "\u{200F}16.7265, 98.5787\u{200E}", "--format", "json"])
        XCTAssertEqual(marked.status, 0, marked.err)
        XCTAssertTrue(marked.out.contains(#""input":"16.7265, 98.5787""#), marked.out)
        let wkt = try eplan(["pin", "--db", db, "W9", "\u{200E}POINT(98.5787\u{200F} 16.7265)", "--dry-run"])
        XCTAssertEqual(wkt.status, 0, wkt.err)
        // A project code pasted with a mark: the message names the mark instead of hiding it.
        try assertRefused(db, ["\u{200F}W9", "16.7265, 98.5787"], ["'W9'", "invisible character U+200F"], never: ["\u{200F}"])
    }

    func testTypedFormsAndALeadingMinusThroughTheCLI() throws {
        let db = try fixture()
        // A leading minus is a coordinate, not an option: the point is found outside Thailand (exit 4).
        let south = try eplan(["--lang", "en", "where", "--db", db, "-16.7, 98.5"])
        XCTAssertEqual(south.status, 4, south.err)
        XCTAssertTrue(south.out.contains("-16.700000, 98.500000"), south.out)
        XCTAssertFalse(south.err.contains("Missing expected argument"), south.err)
        let json = try eplan(["where", "--db", db, "-16.7, 98.5", "--format", "json"])
        XCTAssertTrue(json.out.contains(#""input":"-16.7, 98.5""#), json.out)
        // A pin whose first point has a minus: read, then refused as outside (exit 4), not a usage error.
        XCTAssertEqual(try eplan(["pin", "--db", db, "W9", "-16.7265, 98.5787", "--dry-run"]).status, 4)
        for text in ["lat 16.7265 lon 98.5787", "ละติจูด 16.7265 ลองจิจูด 98.5787", "16.7265 98.5787E", "N16.7265 98.5787",
                     "0000000000016.7265, 098.5787", #"16D43'35.4"N 98D34'43.3"E"#, "Zone 47N 455091 1849347", "47QMU5509049347"] {
            let r = try eplan(["where", "--db", db, text, "--format", "json"])
            XCTAssertEqual(r.status, 0, "\(text): \(r.err)")
            XCTAssertTrue(r.out.contains(#""code":"630601""#), "\(text): \(r.out)")
        }
        let mgrs = try eplan(["pin", "--db", db, "W9", "47Q MU 55090 49347", "--format", "json"])
        XCTAssertEqual(mgrs.status, 0, mgrs.err)
        XCTAssertTrue(mgrs.out.contains(#""input_crs":"EPSG:32647""#), mgrs.out)
    }

    /// The road from the issue: partly outside ทน.แม่สอด; the part outside lies in ต.แม่ปะ,
    /// in the area of อบต.แม่ปะ, not in the LAO's own tambon nor (only) the อบจ.
    func testPartOutsideIsNamedWhereItLies() throws {
        let db = try fixture()
        let r = try eplan(["pin", "--db", db, "R9", "16.72, 98.58", "16.75, 98.61", "--dry-run", "--format", "json"])
        XCTAssertEqual(r.status, 4, r.err)
        let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let found = try XCTUnwrap(j["found"] as? [String: Any])
        XCTAssertEqual((found["tambon"] as? [String: Any])?["code"] as? String, "630607", r.out)
        XCTAssertEqual((found["lao"] as? [String: Any])?["code"] as? String, "06630607", r.out)
        // Independently: the farthest point of the line from the jurisdiction is its far end,
        // which GEOS finds inside tambon 630607 and not inside the LAO.
        let store = try openStore(db, readOnly: true)
        let geos = GEOSContext()
        let end = try GEOSGeometry(.point(Coordinate(98.61, 16.75)), context: geos)
        XCTAssertTrue(try GEOSGeometry(try XCTUnwrap(try store.boundary(level: .tambon, code: "630607")).geometry, context: geos).covers(end))
        XCTAssertFalse(try GEOSGeometry(try XCTUnwrap(try store.lao(code: "03630601")?.jurisdiction), context: geos).covers(end))
        let text = try eplan(["pin", "--db", db, "R9", "16.72, 98.58", "16.75, 98.61", "--dry-run"])
        XCTAssertTrue(text.out.contains("ตำบลแม่ปะ") && text.out.contains("อบต.แม่ปะ"), text.out)
        XCTAssertFalse(text.out.contains("อบจ."), text.out)
    }
}

/// The same faults in the other commands that read a GeoJSON file the user names.
final class InputFileIssue9Tests: CLITestCase {
    func testFoldersDevicesAndCollectionsWithoutFeaturesSayWhatTheyAre() throws {
        let db = try initStore()
        let noFeatures = try writeFile("nofeatures.geojson", #"{"type":"FeatureCollection"}"#)
        let commands: [[String]] = [["boundaries", "import", "--level", "tambon"], ["audit", "boundaries", "--level", "tambon", "--file"]]
        for c in commands {
            var r = try eplan(["--lang", "en"] + c + [noFeatures, "--db", db])
            XCTAssertEqual(r.status, 1, "\(c): \(r.err)")
            XCTAssertTrue(r.err.contains("no \"features\" array"), "\(c): \(r.err)")
            XCTAssertFalse(r.err.contains("found FeatureCollection"), "\(c): \(r.err)")
            r = try eplan(["--lang", "en"] + c + [dir.path, "--db", db])
            XCTAssertEqual(r.status, 1, "\(c): \(r.err)")
            XCTAssertTrue(r.err.contains("is a folder") && !r.err.contains("NSCocoaErrorDomain"), "\(c): \(r.err)")
            r = try eplan(["--lang", "en"] + c + ["/dev/null", "--db", db])
            XCTAssertEqual(r.status, 1, "\(c): \(r.err)")
            XCTAssertTrue(r.err.contains("not a regular file"), "\(c): \(r.err)")
        }
        // `laos import` of a folder trapped (exit 132 in FileHandle.readData): now refused as a folder.
        let lao = try eplan(["--lang", "en", "laos", "import", "--db", db, dir.path])
        XCTAssertEqual(lao.status, 1, lao.err)
        XCTAssertTrue(lao.err.contains("is a folder"), lao.err)
    }
}

/// A filesystem that is really full (a 2 MB tmpfs, filled up): SQLite reports "disk I/O
/// error" (the -shm/-wal file cannot grow, ENOSPC) and eplan says "disk full", exit 3.
/// Needs root and mount(8); skipped otherwise.
final class FullFilesystemTests: CLITestCase {
    func runTool(_ tool: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        return p.terminationStatus
    }

    func testPinOnAFullDiskSaysDiskFull() throws {
        try sqliteOnly("a full filesystem under the store file")
        let mnt = dir.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount"),
              try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt]) == 0 else {
            throw XCTSkip("cannot mount a small tmpfs here (needs root): the full-filesystem test is skipped")
        }
        defer { _ = try? runTool("/bin/umount", [mnt]) }
        let db = mnt + "/s.sqlite"
        XCTAssertEqual(try eplan(["init", "--no-plan", "--db", db]).status, 0)
        try Store(path: db).database.execute("""
            INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at)
            VALUES ('W9', '03630601', 2568, 'ระบบประปา', 'water', '2025-01-01', '2025-01-01')
            """)
        // Fill what is left of the filesystem.
        XCTAssertTrue(FileManager.default.createFile(atPath: mnt + "/fill", contents: nil))
        let fill = try XCTUnwrap(FileHandle(forWritingAtPath: mnt + "/fill"))
        let block = Data(count: 4096)
        while (try? fill.write(contentsOf: block)) != nil {}
        try? fill.close()
        let r = try eplan(["--lang", "en", "pin", "--db", db, "W9", "16.7265, 98.5787", "--by", "somchai"])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.hasPrefix("error: disk full"), r.err)
        let th = try eplan(["pin", "--db", db, "W9", "16.7265, 98.5787", "--by", "somchai"])
        XCTAssertTrue(th.err.contains("ดิสก์เต็ม"), th.err)
    }
}

/// A full disk says "disk full", not "disk I/O error" (SQLite's own SQLITE_FULL, reached for
/// real through max_page_count).
final class DiskFullTests: StoreTestCase {
    func testFullDatabaseSaysDiskFull() throws {
        let db = try Database(path: path())
        try db.execute("CREATE TABLE t (x BLOB)")
        try db.execute("PRAGMA max_page_count = 8")
        XCTAssertThrowsError(try db.execute("INSERT INTO t VALUES (zeroblob(100000))")) { e in
            let err = e as? DatabaseError
            XCTAssertEqual(err?.kind, .diskFull, "\(e)")
            XCTAssertTrue(err?.message.en.hasPrefix("disk full") == true, "\(e)")
            XCTAssertTrue(err?.message.th.hasPrefix("ดิสก์เต็ม") == true, "\(e)")
        }
        XCTAssertThrowsError(try db.execute("INSERT INTO t VALUES (?)", [.blob([UInt8](repeating: 1, count: 100_000))])) { e in
            XCTAssertEqual((e as? DatabaseError)?.kind, .diskFull, "\(e)")
        }
    }
}

/// The LAO importer, like a pin, names an empty geometry as empty (not "MultiPoint").
final class LAOEmptyGeometryIssue9Tests: CLITestCase {
    func testEmptyPointOrPolygonIsNoGeometry() throws {
        let db = try initStore()
        for geometry in [#"{"type":"Point","coordinates":[]}"#, #"{"type":"Polygon","coordinates":[]}"#] {
            let file = try writeFile("lao.geojson", """
                {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"06639998","type":"อบต.",
                "name_th":"องค์การบริหารส่วนตำบลทดสอบ","short_th":"อบต.ทดสอบ","amphoe_code":"6308","province_code":"63",
                "tambons":"630805"},"geometry":\(geometry)}]}
                """)
            let r = try eplan(["--lang", "en", "laos", "import", "--db", db, file])
            XCTAssertEqual(r.status, 1, r.err)
            XCTAssertTrue(r.err.contains("06639998") && r.err.contains("no geometry"), r.err)
            XCTAssertFalse(r.err.contains("MultiPoint"), r.err)
        }
    }
}
