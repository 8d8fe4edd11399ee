import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanGeometry
@testable import EPlanStore

/// A large pin batch keeps the R*Tree and the insert time stamp up to date once, at its
/// end, instead of through SpatiaLite's per-row triggers: the file it leaves is the one the
/// triggers leave (the same R*Tree entries, to the float, a tree `rtreecheck` passes, the
/// same triggers), whether the tree is rebuilt packed or grown one entry at a time.
extension PinImportTests {
    /// Points, a line and a polygon over Tak, several versions of a project among them.
    private func batchPins(_ n: Int) -> [PinRecord] {
        let codes = ["P1", "R1", "W1", "N1", "D1", "D2"]
        return (0..<n).map { i in
            let x = 98.3 + Double(i % 17) * 0.0613, y = 16.2 + Double(i % 23) * 0.0571
            let g: Geometry
            switch i % 7 {
            case 3: g = .lineString([Coordinate(x, y), Coordinate(x + 0.01, y + 0.003)])
            case 5: g = .polygon(Polygon(exterior: [Coordinate(x, y), Coordinate(x + 0.002, y), Coordinate(x + 0.002, y + 0.002),
                                                    Coordinate(x, y + 0.002), Coordinate(x, y)]))
            default: g = .point(Coordinate(x + 1e-7 * Double(i), y - 3e-8 * Double(i)))
            }
            return PinRecord(projectCode: codes[i % codes.count], pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "pin \(i)",
                             inputCRS: 4326, status: .valid, toleranceM: 30, geometry: g)
        }
    }

    private func copyOf(_ fresh: String, _ name: String) throws -> String {
        let p = path(name)
        try? FileManager.default.removeItem(atPath: p)
        try FileManager.default.copyItem(atPath: fresh, toPath: p)
        return p
    }

    /// What the file holds that the triggers keep: index entries, triggers, the check.
    private func indexState(_ store: Store) throws -> (entries: [String], triggers: [String], check: String) {
        var entries: [String] = [], triggers: [String] = []
        try store.database.query("SELECT pkid, xmin, xmax, ymin, ymax FROM idx_pin_geom ORDER BY pkid") { r in
            entries.append((0..<5).map { "\(r.value(Int32($0)))" }.joined(separator: " "))
        }
        try store.database.query("SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pin' ORDER BY name") {
            triggers.append($0.string(0) ?? "")
        }
        let check = try store.database.scalar("SELECT rtreecheck('idx_pin_geom')").string ?? ""
        return (entries, triggers, check)
    }

    func testDeferredPinIndexIsWhatTheTriggersBuild() throws {
        try sqliteOnly("the SQLite store's R*Tree and triggers")
        let fresh = try fixture()
        let first = batchPins(40), second = batchPins(140).suffix(100)
        // The triggers' way: every pin through addPin.
        let triggerDB = try copyOf(fresh, "trigger.sqlite")
        let byTrigger = try Store(path: triggerDB)
        for p in first + second { try byTrigger.addPin(p) }
        let expected = try indexState(byTrigger)
        XCTAssertEqual(expected.entries.count, 140)
        XCTAssertEqual(expected.check, "ok")
        // Rebuilt packed (an empty tree, then 40 existing against 100 new), and grown one by
        // one (rebuildFactor 0: the tree is never rebuilt while it holds anything).
        for (name, factor) in [("rebuilt", 8), ("grown", 0)] {
            let db = try copyOf(fresh, "\(name).sqlite")
            let store = try Store(path: db)
            let stampBefore = try store.database.scalar("SELECT last_insert FROM geometry_columns_time WHERE f_table_name = 'pin'")
            let tempStore = try store.database.scalar("PRAGMA temp_store")
            let stored = try store.withPinBatch(deferFrom: 3, rebuildFactor: factor) { add in try first.map { try add($0) } }
            XCTAssertEqual(stored.map(\.version), (0..<40).map { $0 / 6 + 1 }, name)
            _ = try store.withPinBatch(deferFrom: 0, rebuildFactor: factor) { add in try second.map { try add($0) } }
            let got = try indexState(store)
            XCTAssertEqual(got.check, "ok", name)
            XCTAssertEqual(got.entries, expected.entries, name)
            XCTAssertEqual(got.triggers, expected.triggers, name)
            XCTAssertEqual(try pinRows(db), try pinRows(triggerDB), name)
            XCTAssertNotEqual(try store.database.scalar("SELECT last_insert FROM geometry_columns_time WHERE f_table_name = 'pin'"),
                              stampBefore, name)
            XCTAssertEqual(try store.database.scalar("PRAGMA temp_store"), tempStore, name)
            // A batch undone leaves the triggers and the tree as they were.
            struct Stop: Error {}
            XCTAssertThrowsError(try store.withPinBatch(deferFrom: 0, rebuildFactor: factor) { (add) -> Void in
                for p in batchPins(30) { _ = try add(p) }
                throw Stop()
            })
            let after = try indexState(store)
            XCTAssertEqual(after.entries, expected.entries, name)
            XCTAssertEqual(after.triggers, expected.triggers, name)
            // And the triggers work again: one more pin goes into the tree as before.
            try store.addPin(first[0])
            XCTAssertEqual(try indexState(store).entries.count, 141, name)
        }
    }

    /// JSON strings copied whole when nothing needs escaping are what the general escaping
    /// loop writes (Thai, quotes, backslashes, control characters, emoji).
    func testJSONTextStringCopiesWhatNeedsNoEscape() {
        for s in ["", "P1", "ยอมรับ: จุดอยู่ในเขต อบต.น้ำรึม", "a\"b", "c\\d", "line\nbreak\r\t", "\u{1}\u{1F}x", "ศาลา 🏠", "\u{7F}\u{A0}"] {
            XCTAssertEqual(JSONText.string(s), JSONText.escaped(s), s.debugDescription)
        }
    }

    /// SQLite's rtree rounds each bound outwards to a float; the packed tree rounds alike.
    func testRTreeEntryRoundsAsSQLite() throws {
        for d in [16.9199105, -16.9199105, 99.2177229, 0.1, -0.1, 1e-30, 100.0, 3.0e38] {
            XCTAssertLessThanOrEqual(Double(RTreeEntry.down(d)), d)
            XCTAssertGreaterThanOrEqual(Double(RTreeEntry.up(d)), d)
        }
        XCTAssertEqual(RTreeEntry.down(100.0), 100.0)
        XCTAssertEqual(RTreeEntry.up(100.0), 100.0)
    }
}
