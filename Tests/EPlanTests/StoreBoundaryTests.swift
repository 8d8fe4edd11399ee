import XCTest
@testable import EPlanStore
import EPlanGeometry

extension StoreTestCase {
    /// A box-shaped boundary.
    func box(_ level: BoundaryLevel, _ code: String, _ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double,
             parent: String? = nil, province: String = "10") -> BoundaryRecord {
        let ring = [Coordinate(minX, minY), Coordinate(maxX, minY), Coordinate(maxX, maxY), Coordinate(minX, maxY), Coordinate(minX, minY)]
        return BoundaryRecord(level: level, code: code, parentCode: parent, provinceCode: level == .province ? code : province,
                              nameTH: "ชื่อ \(code)", nameEN: "Name \(code)", geometry: .multiPolygon([Polygon(exterior: ring)]))
    }

    /// Tambon boxes on a grid: 10×10 cells of 0.1° from (100, 13).
    func tambonGrid(prefix: String = "1001") -> [BoundaryRecord] {
        (0..<100).map { i in
            let x = 100 + Double(i % 10) * 0.1, y = 13 + Double(i / 10) * 0.1
            return box(.tambon, "\(prefix)\(String(format: "%02d", i))", x, y, x + 0.1, y + 0.1, parent: prefix)
        }
    }

    /// Asserts the R*Tree holds exactly one entry per non-NULL geometry, with the BLOB's MBR
    /// (R*Tree stores float32 rounded outward, so allow that).
    func assertIndexInStep(_ db: Database, _ table: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var rows: [Int64: Envelope] = [:]
        try db.query("SELECT id, geom FROM \(table) WHERE geom IS NOT NULL") { r in
            rows[r.int64(0)] = try r.withBlob(1) { try SpatiaLiteBlob.envelope(of: $0!) }
        }
        var indexed: [Int64: Envelope] = [:]
        try db.query("SELECT pkid, xmin, ymin, xmax, ymax FROM idx_\(table)_geom") { r in
            indexed[r.int64(0)] = Envelope(minX: r.double(1), minY: r.double(2), maxX: r.double(3), maxY: r.double(4))
        }
        XCTAssertEqual(Set(indexed.keys), Set(rows.keys), "R*Tree rows vs table rows", file: file, line: line)
        for (id, e) in rows {
            guard let i = indexed[id] else { continue }
            let tol = 1e-4
            XCTAssertTrue(i.minX <= e.minX && e.minX - i.minX < tol && i.maxX >= e.maxX && i.maxX - e.maxX < tol
                          && i.minY <= e.minY && e.minY - i.minY < tol && i.maxY >= e.maxY && i.maxY - e.maxY < tol,
                          "id \(id): index \(i) vs blob \(e)", file: file, line: line)
        }
    }
}

final class StoreBoundaryTests: StoreTestCase {
    func testReplaceAndQuery() throws {
        let store = try Store(path: path())
        XCTAssertEqual(try store.replaceBoundaries(level: .tambon, records: tambonGrid(), source: "test grid"), 100)
        XCTAssertEqual(try store.count(level: .tambon), 100)
        try assertIndexInStep(store.database, "tambon")

        let one = try XCTUnwrap(store.boundary(level: .tambon, code: "100123"))
        XCTAssertEqual(one, tambonGrid()[23])
        XCTAssertEqual(one.parentCode, "1001")
        XCTAssertNil(try store.boundary(level: .tambon, code: "nope"))

        // Inside cell 23 (x index 3, y index 2), away from edges: exactly one candidate.
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(100.35, 13.25)).map(\.code), ["100123"])
        // On a shared corner: the four touching cells.
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(100.3, 13.2)).count, 4)
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(50, 50)), [])

        let window = Envelope(minX: 100.05, minY: 13.05, maxX: 100.15, maxY: 13.15)
        XCTAssertEqual(try store.boundaries(level: .tambon, intersecting: window).map(\.code), ["100100", "100101", "100110", "100111"])
        XCTAssertEqual(try store.boundaries(level: .tambon).count, 100)
        XCTAssertEqual(try store.database.scalar("SELECT source || ':' || feature_count FROM boundary_import WHERE level = 'tambon'"),
                       .text("test grid:100"))
    }

    func testLevelsAndValidityRoundTrip() throws {
        let store = try Store(path: path())
        var p = box(.province, "10", 100, 13, 101, 14)
        p.geometry = .polygon(StoreSamples.withHole)  // a polygon is stored as a one-part multipolygon
        p.isValid = false; p.invalidReason = "Self-intersection"; p.invalidLocation = Coordinate(100.5, 13.5)
        p.nameEN = nil
        try store.replaceBoundaries(level: .province, records: [p], source: "p")
        try store.replaceBoundaries(level: .amphoe, records: [box(.amphoe, "1001", 100, 13, 100.5, 13.5, parent: "10")], source: "a")
        let back = try XCTUnwrap(store.boundary(level: .province, code: "10"))
        XCTAssertEqual(back.geometry, .multiPolygon([StoreSamples.withHole]))
        XCTAssertEqual(back.isValid, false)
        XCTAssertEqual(back.invalidReason, "Self-intersection")
        XCTAssertEqual(back.invalidLocation, Coordinate(100.5, 13.5))
        XCTAssertNil(back.nameEN); XCTAssertNil(back.parentCode); XCTAssertEqual(back.provinceCode, "10")
        let a = try XCTUnwrap(store.boundary(level: .amphoe, code: "1001"))
        XCTAssertEqual(a.parentCode, "10"); XCTAssertEqual(a.provinceCode, "10")

        // An empty geometry is stored as NULL: readable, but never a spatial candidate.
        var empty = box(.tambon, "100101", 100, 13, 100.1, 13.1, parent: "1001")
        empty.geometry = .multiPolygon([])
        try store.replaceBoundaries(level: .tambon, records: [empty], source: "t")
        XCTAssertEqual(try store.database.scalar("SELECT geom IS NULL FROM tambon"), .integer(1))
        XCTAssertEqual(try store.boundary(level: .tambon, code: "100101")?.geometry, .multiPolygon([]))
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(100.05, 13.05)), [])
        try assertIndexInStep(store.database, "tambon")

        var orphan = box(.tambon, "100102", 100, 13, 100.1, 13.1)
        orphan.parentCode = nil
        let e = try XCTUnwrap(expectError(try store.replaceBoundaries(level: .tambon, records: [orphan], source: "t")) as? StoreError)
        XCTAssertEqual(e.kind, .missingParent(code: "100102", level: .tambon))
        XCTAssertEqual(try store.count(level: .tambon), 1)
    }

    func testReimportLeavesNoOrphans() throws {
        let store = try Store(path: path())
        try store.replaceBoundaries(level: .tambon, records: tambonGrid(), source: "v1")
        try store.replaceBoundaries(level: .tambon, records: tambonGrid(prefix: "2002").prefix(30), source: "v2")
        XCTAssertEqual(try store.count(level: .tambon), 30)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_tambon_geom"), .integer(30))
        XCTAssertEqual(try store.database.scalar(
            "SELECT count(*) FROM idx_tambon_geom WHERE pkid NOT IN (SELECT id FROM tambon)"), .integer(0))
        try assertIndexInStep(store.database, "tambon")
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(100.95, 13.95)), [])
    }

    func testFailedImportKeepsThePreviousData() throws {
        let store = try Store(path: path())
        try store.replaceBoundaries(level: .tambon, records: tambonGrid(), source: "v1")
        var bad = tambonGrid(prefix: "3003")
        bad[50].geometry = .lineString([Coordinate(0, 0), Coordinate(1, 1)])
        let e = try XCTUnwrap(expectError(try store.replaceBoundaries(level: .tambon, records: bad, source: "v2")) as? StoreError)
        XCTAssertEqual(e.kind, .notPolygonal(code: "300350", type: .lineString))
        XCTAssertTrue(e.message.th.contains("300350"))
        // Duplicate codes fail on the UNIQUE constraint, also mid-way.
        XCTAssertThrowsError(try store.replaceBoundaries(level: .tambon, records: tambonGrid(prefix: "4") + tambonGrid(prefix: "4"), source: "dup"))
        XCTAssertEqual(try store.count(level: .tambon), 100)
        XCTAssertNotNil(try store.boundary(level: .tambon, code: "100199"))
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM boundary_import"), .integer(1))
        try assertIndexInStep(store.database, "tambon")
    }

    func testIndexFollowsDirectSQLInsertUpdateDelete() throws {
        let store = try Store(path: path())
        let db = store.database
        try store.replaceBoundaries(level: .tambon, records: tambonGrid(), source: "v1")
        let moved = try XCTUnwrap(SpatiaLiteBlob.encode(.multiPolygon([StoreSamples.withHole]), srid: 4326))
        try db.execute("UPDATE tambon SET geom = ? WHERE code = '100105'", [.blob(moved)])
        try db.execute("UPDATE tambon SET name_en = 'renamed' WHERE code = '100106'")
        try db.execute("UPDATE tambon SET id = 5000 WHERE code = '100107'")
        try db.execute("UPDATE tambon SET geom = NULL WHERE code = '100108'")
        try db.execute("DELETE FROM tambon WHERE code >= '100190'")
        try db.execute("""
            INSERT INTO tambon (code, amphoe_code, province_code, name_th, geom, imported_at)
            VALUES ('999999', '9999', '99', 'ใหม่', ?, 'now')
            """, [.blob(moved)])
        try assertIndexInStep(db, "tambon")
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(104, 17)).map(\.code), ["100105", "999999"])
        // A point in the hole's box is still a candidate: exact tests are the caller's (GEOS).
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(103.2, 16.1)).count, 2)
    }

    /// A writer killed with SIGKILL mid-transaction (after its changes spilled into the WAL)
    /// must leave the last committed state: nothing partial, index still in step.
    func testKilledWriterLeavesCommittedState() throws {
        let store = try Store(path: path())
        try store.replaceBoundaries(level: .tambon, records: tambonGrid(), source: "v1")
        guard let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("sqlite3 CLI is not installed; the crash-safety test needs it as the process to kill")
        }
        let ready = dir.appendingPathComponent("ready.txt").path
        let child = Process()
        child.executableURL = URL(fileURLWithPath: sqlite3)
        child.arguments = [path()]
        let input = Pipe()
        child.standardInput = input
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        // No COMMIT ever comes; a tiny cache makes SQLite spill uncommitted pages to the WAL.
        input.fileHandleForWriting.write(Data("""
            PRAGMA cache_size = 2;
            BEGIN IMMEDIATE;
            DELETE FROM tambon;
            INSERT INTO boundary_import (level, source, feature_count, imported_at) VALUES ('tambon', 'crash', 0, 'x');
            .output \(ready)
            SELECT 'ready';
            .output stdout

            """.utf8))
        let deadline = Date().addingTimeInterval(20)
        while (try? String(contentsOfFile: ready, encoding: .utf8))?.contains("ready") != true {
            guard Date() < deadline, child.isRunning else { kill(child.processIdentifier, SIGKILL); return XCTFail("sqlite3 never got ready") }
            usleep(20_000)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal)

        let reopened = try Store(path: path())
        XCTAssertEqual(try reopened.database.scalar("PRAGMA integrity_check"), .text("ok"))
        XCTAssertEqual(try reopened.count(level: .tambon), 100)
        XCTAssertEqual(try reopened.database.scalar("SELECT count(*) FROM boundary_import"), .integer(1))
        try assertIndexInStep(reopened.database, "tambon")
        // And the writer's lock is gone: a new import goes through.
        XCTAssertEqual(try reopened.replaceBoundaries(level: .tambon, records: tambonGrid(prefix: "5005"), source: "v2"), 100)
        _ = store
    }

    /// A national-size import keeps the R*Tree in step and answers lookups. (Speed is
    /// measured in scripts/bench, never here.)
    func testLargeImportKeepsIndexInStep() throws {
        // 7,500 tambons (all of Thailand) of 200 vertices each.
        let records = (0..<7_500).map { i -> BoundaryRecord in
            let cx = 98 + Double(i % 100) * 0.08, cy = 6 + Double(i / 100) * 0.18
            var ring = (0..<199).map { k -> Coordinate in
                let a = Double(k) / 199 * 2 * .pi
                return Coordinate(cx + 0.03 * cos(a), cy + 0.05 * sin(a))
            }
            ring.append(ring[0])
            return BoundaryRecord(level: .tambon, code: String(format: "%06d", i), parentCode: "1001", provinceCode: "10",
                                  nameTH: "ตำบล \(i)", nameEN: nil, geometry: .polygon(Polygon(exterior: ring)))
        }
        let store = try Store(path: path())
        XCTAssertEqual(try store.replaceBoundaries(level: .tambon, records: records, source: "large"), 7_500)
        for i in stride(from: 0, to: 7_500, by: 97) {
            let centre = Coordinate(98 + Double(i % 100) * 0.08, 6 + Double(i / 100) * 0.18)
            XCTAssertEqual(try store.candidates(level: .tambon, containing: centre).map(\.code), [String(format: "%06d", i)])
        }
        try assertIndexInStep(store.database, "tambon")
    }
}
