import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanGeometry
@testable import EPlanStore

/// A large pin batch checks its rows' geometry once, at its end, by the rules of the two
/// BEFORE INSERT triggers it drops meanwhile (`DeferredPinChecks`): the same refusals with
/// the triggers' own messages, nothing stored, and the triggers back word for word.
extension PinImportTests {
    private func checksPin(_ g: Geometry, _ code: String = "D1") -> PinRecord {
        PinRecord(projectCode: code, pinnedAt: "2026-12-01T00:00:00Z", pinnedBy: "t", rawInput: "pin", inputCRS: 4326,
                  status: .valid, toleranceM: 30, geometry: g)
    }

    private func pinTriggers(_ store: Store) throws -> [String] {
        var out: [String] = []
        try store.database.query("SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pin' ORDER BY name") {
            out.append($0.string(0) ?? "")
        }
        return out
    }

    /// The schema's triggers are the ones the batch knows (else it would keep them, slower).
    func testDeferredPinChecksKnowTheSchemasTriggers() throws {
        try sqliteOnly("the SQLite store's pin triggers")
        let store = try Store(path: try fixture())
        let sql = { (name: String) in try store.database.scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [.text(name)]).string }
        XCTAssertEqual(try sql("ggi_pin_geom"), DeferredPinChecks.schemaGeometryTrigger)
        XCTAssertTrue(DeferredPinChecks.schemaKindTriggers.contains(try sql("pin_geom_kind_insert") ?? ""))
        XCTAssertEqual(DeferredPinChecks.schemaKindTriggers.count, 2, "the stored kind trigger and PinKindCheck's CASE form")
    }

    /// Deferred from the first pin: the triggers are gone while the rows go in, back after,
    /// and a collection (the kind rule) is refused with the trigger's message as before.
    func testDeferredPinChecksRefuseAsTheTriggers() throws {
        try sqliteOnly("the SQLite store's pin triggers")
        let store = try Store(path: try fixture())
        let triggers = try pinTriggers(store)
        let c = Coordinate(98.5, 16.7), d = Coordinate(98.51, 16.71)
        var during: [String] = []
        let stored = try store.withPinBatch(deferFrom: 0) { add in
            let s = try [Geometry.point(c), .lineString([c, d])].map { try add(checksPin($0)) }
            XCTAssertEqual(try add(checksPin(.point(d), "D2")).version, 1)
            during = try pinTriggers(store)
            return s
        }
        XCTAssertEqual(stored.map(\.version), [1, 2])
        XCTAssertFalse(during.contains { $0.hasPrefix("ggi_pin_geom:") || $0.hasPrefix("pin_geom_kind_insert:") }, "\(during)")
        XCTAssertEqual(try pinTriggers(store), triggers)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM pin").int64, 3)

        var refusal = ""
        do {
            _ = try store.withPinBatch(deferFrom: 0) { add in
                _ = try add(checksPin(.point(c)))
                _ = try add(checksPin(.geometryCollection([.point(c)])))
                _ = try add(checksPin(.point(d)))
            }
        } catch let e as DatabaseError {
            refusal = e.sqliteMessage
            XCTAssertEqual(e.kind, .constraint)
            XCTAssertEqual(e.sql, PinBatchRows.oneRowSQL)
        }
        XCTAssertEqual(refusal, "pin.geom violates constraint: a pin is a 2D POINT, LINESTRING, POLYGON or MULTI* of them")
        XCTAssertEqual(try pinTriggers(store), triggers)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM pin").int64, 3, "nothing of the refused batch stored")
    }

    /// The geometry constraint (SpatiaLite's ggi_: the SRID) is asked of every row of the
    /// batch, as the trigger asked each: a row of another SRID fails it with its message.
    func testDeferredPinChecksRefuseAnotherSRIDAsTheTrigger() throws {
        try sqliteOnly("the SQLite store's pin triggers")
        let store = try Store(path: try fixture())
        let db = store.database
        let triggers = try pinTriggers(store)
        let blob = SpatiaLiteBlob.encode(.point(Coordinate(500_000, 1_800_000)), srid: 32647)
        var refusal = ""
        do {
            try db.transaction {
                guard let checks = try DeferredPinChecks(db, firstID: 1) else { return XCTFail("the schema's triggers") }
                try db.execute("""
                    INSERT INTO pin (id, project_code, version, pinned_at, pinned_by, raw_input, input_crs, status, tolerance_m, geom)
                    VALUES (1, 'D1', 1, 't', 't', 'r', 4326, 'valid', 30, ?)
                    """, [SQLValue(blob)])
                try checks.finish()
            }
        } catch let e as DatabaseError { refusal = e.sqliteMessage }
        XCTAssertEqual(refusal, "pin.geom violates Geometry constraint [geom-type or SRID not allowed]")
        XCTAssertEqual(try pinTriggers(store), triggers)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM pin").int64, 0)
    }

    /// The table's CHECKs, left to the same statement while the batch's rows go in: a row
    /// they refuse fails the batch with SQLite's own CHECK error, and the connection checks
    /// again afterwards, whether the batch ends well, is refused, or is undone by its caller.
    func testDeferredPinChecksRefuseWhatTheTablesChecksRefuse() throws {
        try sqliteOnly("the SQLite store's pin table")
        let store = try Store(path: try fixture())
        let db = store.database
        XCTAssertTrue(try DeferredPinChecks.tableChecksAreTheSchemas(db))
        let ignored = { try db.scalar("PRAGMA ignore_check_constraints").int64 }
        let blob = SpatiaLiteBlob.encode(.point(Coordinate(98.5, 16.7)), srid: 4326)
        var refusal = ""
        do {
            try db.transaction {
                guard let checks = try DeferredPinChecks(db, firstID: 1) else { return XCTFail("the schema's triggers") }
                XCTAssertEqual(try ignored(), 1)
                try db.execute("""
                    INSERT INTO pin (id, project_code, version, pinned_at, pinned_by, raw_input, input_crs, status, tolerance_m, geom)
                    VALUES (1, 'D1', 1, 't', 't', 'r', 4326, 'bogus', 30, ?)
                    """, [SQLValue(blob)])
                try checks.finish()
            }
        } catch let e as DatabaseError {
            refusal = e.sqliteMessage
            XCTAssertEqual(e.kind, .constraint)
        }
        XCTAssertEqual(refusal, "CHECK constraint failed: status IN ('valid', 'warning', 'outside')")
        XCTAssertEqual(try ignored(), 0)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM pin").int64, 0)
        // A batch its caller undoes (an all-or-nothing import meeting a bad item).
        struct Undo: Error {}
        XCTAssertThrowsError(try store.withPinBatch(deferFrom: 0) { add in
            _ = try add(checksPin(.point(Coordinate(98.5, 16.7))))
            XCTAssertEqual(try ignored(), 1)
            throw Undo()
        })
        XCTAssertEqual(try ignored(), 0)
        let stored = try store.withPinBatch(deferFrom: 0) { add in try add(checksPin(.point(Coordinate(98.5, 16.7)))) }
        XCTAssertEqual(stored.version, 1)
        XCTAssertEqual(try ignored(), 0)
        XCTAssertThrowsError(try db.execute("UPDATE pin SET status = 'bogus'"), "the connection checks again")
    }
}
