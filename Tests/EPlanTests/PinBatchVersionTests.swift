import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanGeometry
@testable import EPlanStore

/// A pin batch told its projects beforehand (`withPinBatch(projects:)`, what a bulk
/// `pins import` does) reads their versions once instead of once per pin: the versions,
/// current flags and history it stores are the ones a batch without the hint stores, whether
/// the versions are read by one scan of the pin index or by one seek per project, for
/// projects already pinned, pinned twice in one batch, or not in the hint at all.
extension PinImportTests {
    private func versionPin(_ code: String, _ raw: String) -> PinRecord {
        PinRecord(projectCode: code, pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: raw, inputCRS: 4326,
                  status: .valid, toleranceM: 30, geometry: .point(Coordinate(namRuem.lon, namRuem.lat)))
    }

    private func copyStore(_ from: String, _ name: String) throws -> String {
        let p = path(name)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: p + suffix) }
        try FileManager.default.copyItem(atPath: from, toPath: p)
        return p
    }

    private func currentRows(_ store: Store) throws -> [String] {
        var out: [String] = []
        try store.database.query("SELECT project_code || ':' || version FROM pin WHERE is_current = 1 ORDER BY 1") { out.append($0.string(0) ?? "") }
        return out
    }

    func testHintedPinBatchStoresTheVersionsOfAnUnhintedOne() throws {
        try sqliteOnly("the SQLite store's pin batch")
        let fresh = try fixture()
        // Five pins already: P1 twice, W1, D1, D2 (the hint of one project is then read
        // by seeks, 5 > 4 × 1; of two or three by one scan of the index).
        let before = try Store(path: fresh)
        for (code, raw) in [("P1", "p1 v1"), ("P1", "p1 v2"), ("W1", "w1 v1"), ("D1", "d1 v1"), ("D2", "d2 v1")] {
            try before.addPin(versionPin(code, raw))
        }
        try before.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")  // the copies are of the file alone
        let batch = [("P1", "a"), ("W1", "b"), ("P1", "c"), ("R1", "d"), ("N1", "e")].map { versionPin($0.0, $0.1) }
        let hints: [Set<String>?] = [nil, ["P1"], ["P1", "W1"], ["P1", "W1", "R1"], ["N1", "ZZ9"], []]
        var expected: [String]?
        for (i, hint) in hints.enumerated() {
            for deferFrom in [0, 1_000] {
                let db = try copyStore(fresh, "hint\(i)-\(deferFrom).sqlite")
                let store = try Store(path: db)
                let stored = try store.withPinBatch(projects: hint, deferFrom: deferFrom) { add in try batch.map { try add($0) } }
                let what = "hint \(hint.map { $0.sorted().description } ?? "nil"), deferred from \(deferFrom)"
                XCTAssertEqual(stored.map(\.version), [3, 2, 4, 1, 1], what)
                XCTAssertTrue(stored.allSatisfy(\.isCurrent), what)
                XCTAssertEqual(try currentRows(store), ["D1:1", "D2:1", "N1:1", "P1:4", "R1:1", "W1:2"], what)
                XCTAssertEqual(try store.pinHistory(projectCode: "P1").map(\.rawInput), ["p1 v1", "p1 v2", "a", "c"], what)
                let rows = try pinRows(db)
                if let expected { XCTAssertEqual(rows, expected, what) } else { expected = rows }
                XCTAssertEqual(try store.database.scalar("SELECT rtreecheck('idx_pin_geom')").string, "ok", what)
                XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_pin_geom").int64, 10, what)
            }
        }
    }

    /// A bulk import (its batch hinted) into a store whose projects already have pins:
    /// all or nothing undoes every pin and leaves the file as it was (pins, index,
    /// triggers); with --skip-bad the versions go on from the stored ones, a project
    /// pinned twice in the file gets two, and only the last is current.
    func testBulkImportOverExistingPinsAndItsRollback() throws {
        try sqliteOnly("the SQLite store's R*Tree and triggers")
        let db = try fixture()
        let store = try Store(path: db)
        try store.addPin(versionPin("P1", "old p1"))
        try store.addPin(versionPin("W1", "old w1"))
        func state() throws -> [String] {
            var out = try pinRows(db) + currentRows(store)
            try store.database.query("SELECT pkid, xmin, ymin FROM idx_pin_geom ORDER BY pkid") { r in
                out.append("\(r.int64(0)) \(r.double(1)) \(r.double(2))")
            }
            try store.database.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pin' ORDER BY name") {
                out.append($0.string(0) ?? "")
            }
            return out
        }
        let untouched = try state()
        let gpx = try writeFile("again.gpx", garminGPX(wpt(namRuem, "P1") + wpt(maeSot, "W1") + wpt(namRuem2, "P1")
                                                      + wpt(namRuem2, "R1") + wpt(namRuem, "ZZ9")))
        let context = RequestContext(actor: Actor(name: "t", role: .local), language: .en)
        var bulk = ImportPins(store: store, context: context)
        bulk.bulkFrom = 1
        let held = try bulk.run(ImportPinsRequest(files: [gpx]))
        XCTAssertTrue(held.heldBack)
        XCTAssertEqual(held.storedCount, 0)
        XCTAssertEqual(try state(), untouched)
        XCTAssertEqual(try store.database.scalar("SELECT rtreecheck('idx_pin_geom')").string, "ok")

        let done = try bulk.run(ImportPinsRequest(files: [gpx], skipBad: true))
        XCTAssertEqual(done.items.map { $0.stored?.version }, [2, 2, 3, 1, nil])
        XCTAssertEqual(try currentRows(store), ["P1:3", "R1:1", "W1:2"])
        XCTAssertEqual(try store.pinHistory(projectCode: "P1").map(\.version), [1, 2, 3])
        XCTAssertEqual(try store.pinHistory(projectCode: "W1").map(\.rawInput).first, "old w1")
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_pin_geom").int64, 6)
        XCTAssertEqual(try store.database.scalar("SELECT rtreecheck('idx_pin_geom')").string, "ok")
    }

    /// Texts are bound with their byte length, from the string's own UTF-8: an empty text
    /// is '' (not NULL), Thai and emoji come back byte for byte, a bridged (NSString) text
    /// too, and a NUL inside is still refused with the same message.
    func testTextsBoundWithTheirLength() throws {
        try sqliteOnly("the SQLite statement's binding")
        let store = try Store(path: try fixture())
        let db = store.database
        let texts = ["", "P1", "ยอมรับ: จุดอยู่ในเขต อบต.น้ำรึม", "ศาลา 🏠", String(repeating: "ก", count: 5_000),
                     NSString(string: "บ้าน bridged").description, "a\u{0301}"]
        for t in texts {
            let back = try db.scalar("SELECT ?1 || '' WHERE typeof(?1) = 'text' AND length(CAST(?1 AS BLOB)) = ?2",
                                     [.text(t), .integer(Int64(t.utf8.count))])
            XCTAssertEqual(back.string, t, t.debugDescription)
        }
        XCTAssertThrowsError(try db.scalar("SELECT ?", [.text("a\u{0}b")])) { e in
            XCTAssertTrue("\(e)".contains("text holds a NUL character (byte 0): 'a…'"), "\(e)")
        }
    }

    /// The messages column written into one string is the text it was before (keys sorted,
    /// UTF-8 kept, escapes where JSON needs them), and reads back.
    func testPinMessagesJSONText() {
        let samples: [[Message]] = [[], [Message(th: "ก", en: "a")],
                                    [Message(th: "ยอมรับ \"q\" — ถนน", en: "line\nbreak\\ tab\t"), Message(th: "", en: "\u{1}")]]
        for m in samples {
            let before = m.isEmpty ? nil
                : "[" + m.map { "{\"en\":\(JSONText.string($0.en)),\"th\":\(JSONText.string($0.th))}" }.joined(separator: ",") + "]"
            XCTAssertEqual(Store.encodeMessages(m), before)
            XCTAssertEqual(Store.decodeMessages(Store.encodeMessages(m)), m)
        }
    }
}
