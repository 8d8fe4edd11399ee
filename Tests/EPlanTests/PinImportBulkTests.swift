import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanStore

/// The fast path of `pins import`: pins stored through one prepared batch (`withPinBatch`),
/// the report streamed through a spool, trimming on bytes. Each gives what the one-by-one
/// path gave: the same rows, versions, history, statistics and report, byte for byte.
extension PinImportTests {
    /// P1 twice (versions 1 and 2 in one batch, only the last current), W1 already pinned
    /// (its version 2 retires version 1), R1 with a warning; statistics as a full recount.
    func testPinBatchKeepsVersionsCurrentPinsAndStatistics() throws {
        try sqliteOnly("the SQLite store's batch and its SpatiaLite layer statistics")
        let db = try fixture()
        let store = try Store(path: db)
        let base = PinRecord(projectCode: "W1", pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "first", inputCRS: 4326,
                             status: .valid, toleranceM: 30, geometry: .point(Coordinate(maeSot.lon, maeSot.lat)))
        try store.addPin(base)
        func pin(_ code: String, _ lon: Double, _ lat: Double, _ raw: String) -> PinRecord {
            var p = base
            p.projectCode = code; p.rawInput = raw; p.geometry = .point(Coordinate(lon, lat))
            return p
        }
        let stored = try store.withPinBatch { add in
            [try add(pin("P1", 99.2177, 16.9199, "a")), try add(pin("W1", 98.5787, 16.7264, "b")),
             try add(pin("P1", 99.2190, 16.9215, "c")), try add(pin("R1", 99.5, 17.5, "d"))]
        }
        XCTAssertEqual(stored.map(\.version), [1, 2, 2, 1])
        XCTAssertEqual(try pinRows(db), ["P1|1|valid|a", "P1|2|valid|c", "R1|1|valid|d", "W1|1|valid|first", "W1|2|valid|b"])
        var current: [String] = []
        try store.database.query("SELECT project_code || ':' || version FROM pin WHERE is_current = 1 ORDER BY 1") { current.append($0.string(0) ?? "") }
        XCTAssertEqual(current, ["P1:2", "R1:1", "W1:2"])
        XCTAssertEqual(try store.pinHistory(projectCode: "P1").map(\.rawInput), ["a", "c"])
        // The statistics grown once at the end are what a full recount finds.
        let ours = try statisticsRow(store)
        try store.refreshLayerStatistics(table: "pin")
        XCTAssertEqual(ours, try statisticsRow(store))
        XCTAssertEqual(ours.first, 5)
        // A throw out of the batch undoes all of it.
        struct Stop: Error {}
        XCTAssertThrowsError(try store.withPinBatch { (add) -> Void in _ = try add(pin("N1", 99.2, 16.92, "e")); throw Stop() })
        XCTAssertEqual(try pinRows(db).count, 5)
        XCTAssertNil(try store.currentPin(projectCode: "N1"))
    }

    private func statisticsRow(_ store: Store) throws -> [Double] {
        var out: [Double] = []
        try store.database.query("""
            SELECT row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y FROM geometry_columns_statistics
            WHERE f_table_name = 'pin' AND f_geometry_column = 'geom'
            """) { r in out = (0..<5).map { r.double(Int32($0)) } }
        return out
    }

    /// The CLI streams its report; the service builds it in memory. Both are the same bytes,
    /// stored or held back, and a bad item after good ones (already in the open
    /// transaction) still stores nothing without --skip-bad.
    func testStreamedReportIsTheInMemoryReport() throws {
        try sqliteOnly("copies of the store file")
        let items = wpt(namRuem, "P1") + wpt(namRuem2, "P1") + wpt(maeSot, "W1") + wpt(namRuem2, "R1") + wpt(namRuem2, "W1") + wpt(namRuem, "ZZ9")
        let gpx = try writeFile("mixed.gpx", garminGPX(items))
        let fresh = try fixture()
        func copy(_ name: String) throws -> String {
            let p = path(name)
            try? FileManager.default.removeItem(atPath: p)
            try FileManager.default.copyItem(atPath: fresh, toPath: p)
            return p
        }
        for skipBad in [true, false] {
            let cliDB = try copy("cli.sqlite"), appDB = try copy("app.sqlite")
            let r = try eplan(["pins", "import", "--db", cliDB, gpx, "--format", "json", "--lang", "en", "--by", "t"] + (skipBad ? ["--skip-bad"] : []))
            XCTAssertEqual(r.status, skipBad ? 0 : 1, r.out + r.err)
            let context = RequestContext(actor: Actor(name: "t", role: .local), language: .en)
            let result = try ImportPins(store: try Store(path: appDB), context: context).run(ImportPinsRequest(files: [gpx], skipBad: skipBad))
            XCTAssertEqual(r.out, result.json(.en) + "\n")
            let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
            let versions = try XCTUnwrap(j["items"] as? [[String: Any]]).map { $0["version"] as? Int }
            XCTAssertEqual(versions, skipBad ? [1, 2, 1, 1, nil, nil] : [nil, nil, nil, nil, nil, nil])
            XCTAssertEqual(j["stored"] as? Int, skipBad ? 4 : 0)
            XCTAssertEqual(try pinRows(cliDB).map { $0.split(separator: "|").prefix(2).joined(separator: "|") },
                           skipBad ? ["P1|1", "P1|2", "R1|1", "W1|1"] : [])
            XCTAssertEqual(try pinRows(cliDB), try pinRows(appDB))
            // The text form: versions only when stored, columns aligned over every row.
            let t = try eplan(["pins", "import", "--db", try copy("text.sqlite"), gpx, "--lang", "en"] + (skipBad ? ["--skip-bad"] : []))
            let lines = t.out.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.first, "pin import: 6 item(s)")
            XCTAssertEqual(lines.count, 8, t.out)
            XCTAssertEqual(lines[2].contains("(version 2)"), skipBad, t.out)
            let verdictStarts = lines[1...6].map { line -> Int in
                let at = ["  accepted", "  warning", "  refused", "  bad"].compactMap { line.range(of: $0)?.lowerBound }.min()
                return at.map { TextWidth.of(String(line[..<$0])) } ?? -1
            }
            XCTAssertEqual(Set(verdictStarts).count, 1, t.out)
            XCTAssertTrue(lines[7].contains(skipBad ? "4 pin(s) stored" : "nothing stored"), t.out)
        }
    }

    /// The byte trimmer answers as Foundation's trimmingCharacters for ASCII, Thai, and
    /// non-ASCII spaces at the ends (NBSP, ideographic space, NEL, line separator).
    func testTrimAnswersAsFoundation() {
        let samples = ["", " ", "\t\n\r ", "P1", "  P1  ", "\nPI000001\n", "ศาลา", " ศาลา ", "\u{A0}ศาลา\u{A0}", "\u{3000}A\u{3000}",
                       "a\u{85}", "\u{2028}b", "\u{200B}c", "ก ข", " \u{A0} ", "x\u{0E4C}", "\u{FEFF}d", "e\u{2029}\n", "\u{1680}f\t"]
        for s in samples {
            XCTAssertEqual(Trim.spacesAndNewlines(s), s.trimmingCharacters(in: .whitespacesAndNewlines), s.debugDescription)
            XCTAssertEqual(Trim.spaces(s), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
        }
    }
}
