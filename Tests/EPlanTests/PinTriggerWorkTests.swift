import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanGeometry
@testable import EPlanStore

/// The service's pin writer does the pin table's trigger work itself (`PinTriggerWork`): the
/// file it leaves is the one the triggers leave (rows, R*Tree, time stamps), a pin the
/// triggers refuse is refused with their message, and a store whose triggers are not the
/// schema's (or change while the writer runs) gets its own triggers fired.
extension PinImportTests {
    private func served(_ code: String, _ g: Geometry, by: String = "t") -> PinRecord {
        PinRecord(projectCode: code, pinnedAt: "2026-12-01T00:00:00Z", pinnedBy: by, rawInput: "pin", inputCRS: 4326,
                  status: .valid, toleranceM: 30, geometry: g)
    }

    private var batches: [[PinRecord]] {
        let a = Coordinate(99.2177229, 16.9199105), b = Coordinate(99.219, 16.9215), c = Coordinate(98.578715, 16.726455)
        return [[served("P1", .point(a)), served("R1", .lineString([a, b])), served("P1", .point(b))],
                [served("W1", .point(c)), served("P1", .point(a)), served("D1", .polygon(Polygon(exterior: [a, b, Coordinate(99.22, 16.92), a])))]]
    }

    /// Everything the triggers keep: the pin rows, the R*Tree's entries, and which time
    /// stamps of geometry_columns_time were set.
    private func trace(_ store: Store) throws -> [String] {
        var out: [String] = []
        let db = store.database
        try db.query("SELECT id, project_code, version, is_current, hex(geom) FROM pin ORDER BY id") { r in
            out.append((0..<5).map { "\(r.value(Int32($0)))" }.joined(separator: "|"))
        }
        try db.query("SELECT pkid, xmin, xmax, ymin, ymax FROM idx_pin_geom ORDER BY pkid") { r in
            out.append("rtree " + (0..<5).map { "\(r.value(Int32($0)))" }.joined(separator: "|"))
        }
        try db.query("SELECT last_insert NOT LIKE '0000-%', last_update NOT LIKE '0000-%', last_delete FROM geometry_columns_time WHERE f_table_name = 'pin'") { r in
            out.append("stamped \(r.value(0)) \(r.value(1)) \(r.value(2))")
        }
        try db.query("SELECT row_count, extent_min_x, extent_max_y FROM geometry_columns_statistics WHERE f_table_name = 'pin'") { r in
            out.append("statistics \(r.value(0)) \(r.value(1)) \(r.value(2))")
        }
        return out
    }

    func testPinWriterDoesWhatThePinTriggersDo() throws {
        try sqliteOnly("the SQLite store's pin triggers")
        let path = try fixture(), copy = path + ".writer.sqlite"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let viaTriggers = try Store(path: path)
        let writer = try Store(path: copy)
        for store in [viaTriggers, writer] {  // which stamps the batches set, below
            try store.database.execute("UPDATE geometry_columns_time SET last_insert = '0000-01-01T00:00:00.000Z', last_update = '0000-01-01T00:00:00.000Z'")
        }
        writer.doPinTriggerWork()
        XCTAssertTrue(try PinTriggerWork.storeTriggersMatch(writer.database), "a new store's triggers are the ones the writer knows")
        XCTAssertEqual(PinTriggerWork.expected.count, 18, "10 on pin, 4 on each of geometry_columns_time and _statistics")
        for batch in batches {
            let a = try viaTriggers.addPins(batch), b = try writer.addPins(batch)
            XCTAssertEqual(a.map { try? $0.get().version }, b.map { try? $0.get().version })
        }
        let written = try trace(writer)
        XCTAssertEqual(written, try trace(viaTriggers))
        XCTAssertTrue(written.contains("stamped integer(1) integer(1) text(\"0000-01-01T00:00:00.000Z\")"), "\(written)")
        XCTAssertEqual(try writer.database.scalar("SELECT count(*) FROM idx_pin_geom").int64, 6)
        // The triggers are off only for the writer's connection: another one fires them.
        let other = try Store(path: writer.path)
        try other.database.execute("DELETE FROM pin WHERE id = 1")
        XCTAssertEqual(try other.database.scalar("SELECT count(*) FROM idx_pin_geom WHERE pkid = 1").int64, 0)
    }

    /// A pin the kind rule refuses (a collection): the batch is redone pin by pin with the
    /// triggers on, that pin fails with the trigger's message, the others are stored, and the
    /// next batch is again the writer's own.
    func testPinWriterRefusesAsThePinTriggers() throws {
        try sqliteOnly("the SQLite store's pin triggers")
        let store = try Store(path: try fixture())
        store.doPinTriggerWork()
        let a = Coordinate(99.2177229, 16.9199105)
        let results = try store.addPins([served("P1", .point(a)), served("R1", .geometryCollection([.point(a)])), served("D1", .point(a))])
        XCTAssertEqual(results.map { (try? $0.get()) != nil }, [true, false, true])
        XCTAssertThrowsError(try results[1].get()) {
            XCTAssertEqual(($0 as? DatabaseError)?.sqliteMessage, "pin.geom violates constraint: a pin is a 2D POINT, LINESTRING, POLYGON or MULTI* of them")
        }
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM pin").int64, 2)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_pin_geom").int64, 2)
        _ = try store.addPins([served("W1", .point(Coordinate(98.578715, 16.726455)))])
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_pin_geom").int64, 3)
    }

    /// A trigger another client adds while the writer runs (here a log of pins) fires for
    /// the writer's next batch; and a spatial index rewritten by another tool (its own
    /// trigger text) is kept by its own trigger.
    func testPinWriterFiresTriggersItDoesNotKnow() throws {
        try sqliteOnly("the SQLite store's pin triggers")
        let path = try fixture()
        let store = try Store(path: path)
        store.doPinTriggerWork()
        let a = Coordinate(99.2177229, 16.9199105)
        _ = try store.addPins([served("P1", .point(a))])
        let other = try Store(path: path)
        try other.database.execute("""
            CREATE TABLE pin_log (pin_id INTEGER);
            CREATE TRIGGER pin_log_insert AFTER INSERT ON pin BEGIN INSERT INTO pin_log VALUES (NEW.id); END;
            """)
        _ = try store.addPins([served("P1", .point(a)), served("D1", .point(a))])
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM pin_log").int64, 2)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_pin_geom").int64, 3)

        try other.database.execute("""
            DROP TRIGGER pin_log_insert;
            DROP TRIGGER gii_pin_geom;
            CREATE TRIGGER "gii_pin_geom" AFTER INSERT ON "pin" FOR EACH ROW BEGIN
                INSERT OR REPLACE INTO idx_pin_geom (pkid, xmin, xmax, ymin, ymax)
                SELECT NEW.ROWID, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom);
            END;
            """)
        XCTAssertFalse(try PinTriggerWork.storeTriggersMatch(store.database))
        _ = try store.addPins([served("W1", .point(Coordinate(98.578715, 16.726455)))])
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_pin_geom").int64, 4)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM pin_log").int64, 2)
    }
}
