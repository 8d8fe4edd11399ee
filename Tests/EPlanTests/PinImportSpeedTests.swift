import XCTest
import Foundation
@testable import EPlanGeometry
@testable import EPlanDomain

/// What `pins import` was made faster by must answer exactly as before (issue 12's
/// benchmark): numbers printed as printf prints them, file names as Foundation names them.
final class PinImportSpeedTests: XCTestCase {
    /// The integer formatting of `JSONText.fixed` against the C library's printf, byte for
    /// byte: lat/lon, metres, ties that round half to even, negatives that round to -0,
    /// and the numbers printf alone prints (huge, tiny, subnormal).
    func testFixedIsPrintfByteForByte() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.0001, 1e-9, .leastNonzeroMagnitude /* 5e-324 */, 2.2250738585072014e-308,
                                4503599627370495.5, 4503599627370496, 9007199254740992 /* 2^53 */, 1e22, 1e300, -1e300,
                                16.9199105, 99.2177229, 13.75, 100.0000000499, 0.05, 0.15, 0.25, 0.35, 123456.785, 1234.5678]
        for _ in 0..<20_000 {
            values.append(Double.random(in: -180...180, using: &rng))
            values.append(Double.random(in: 0...1_000_000, using: &rng))
            values.append(Double(Int.random(in: -100_000...100_000, using: &rng)) / 1000)   // many exact ties
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng)))
        }
        var checked = 0
        for v in values where v.isFinite {
            for d in [0, 1, 2, 3, 6, 7, 9, 17, 20] {
                XCTAssertEqual(JSONText.fixed(v, decimals: d), JSONText.printfFixed(v, decimals: d), "\(v) with \(d) decimals")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 500_000)
        XCTAssertEqual(JSONText.number(-0.0000001, decimals: 3), "0")
        XCTAssertEqual(JSONText.number(16.91991050, decimals: 7), "16.9199105")
        XCTAssertEqual(JSONText.number(2.5, decimals: 0), "2")
        XCTAssertEqual(JSONText.number(1200, decimals: 2), "1200")
    }

    /// A GPX file is parsed from its bytes where they were read (no second copy): the same
    /// items, lines and texts, and a malformed one still names its line and column.
    func testGPXFileReadInPlaceKeepsItemsAndErrorPositions() throws {
        let dir = NSTemporaryDirectory() + "pinsfast-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = dir + "/good.gpx", bad = dir + "/bad.gpx"
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <gpx version="1.1"><wpt lat="16.7" lon="98.5"><name>ศาลา &amp; 1</name><ele>10</ele></wpt>
            <wpt lat="16.8" lon="98.6"><name>P2</name></wpt></gpx>
            """.write(toFile: good, atomically: true, encoding: .utf8)
        let items = try GPXReader.read(good)
        XCTAssertEqual(items.map(\.name), ["ศาลา & 1", "P2"])
        XCTAssertEqual(items.map(\.line), [2, 3])
        XCTAssertEqual(items.map(\.source), ["good.gpx#wpt[1]@2", "good.gpx#wpt[2]@3"])
        XCTAssertEqual(items[0].fields, ["ele": "10", "name": "ศาลา & 1"])
        try "<gpx><wpt lat=\"1\" lon=\"2\">\n<name>x</nam></wpt></gpx>".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GPXReader.read(bad)) { e in
            let m = (e as? FieldDataError)?.message.en ?? "\(e)"
            XCTAssertTrue(m.hasPrefix(bad + ": malformed XML at line 2, column 14: an end tag does not match its start tag"), m)
        }
    }

    /// A field item's source names its file as NSString's lastPathComponent does.
    func testFieldItemSourceNamesTheFileAsBefore() {
        for path in ["site.gpx", "/tmp/a/site.gpx", "dir/sub/", "/", "", "//x//", "a//b.kml", "สำรวจ/จุด.gpx", "./x.csv"] {
            let item = FieldItem(file: path, place: "wpt[1]", line: 3, code: nil, name: nil, fields: [:], shape: nil)
            XCTAssertEqual(item.source, (path as NSString).lastPathComponent + "#wpt[1]@3", path)
            XCTAssertEqual(FieldItem.baseName(path), (path as NSString).lastPathComponent, path)
        }
    }
}

extension PinImportSpeedTests {
    /// The hand-written time stamp is the padded one it replaced, millisecond for millisecond.
    func testTimestampDigitsAsBefore() {
        var rng = SystemRandomNumberGenerator()
        var times: [Double] = [0, 0.9995, 951_782_400.5, 1_795_000_000.123, 4_102_444_799.999]
        for _ in 0..<2_000 { times.append(Double.random(in: 0...4_102_444_800, using: &rng)) }
        for t in times {
            var secs = time_t(t.rounded(.down))
            let ms = min(999, Int(((t - Double(secs)) * 1000).rounded(.down)))
            var tm = tm()
            gmtime_r(&secs, &tm)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1,
                                  Int(tm.tm_mday), Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), ms)
            XCTAssertEqual(PinText.timestamp(Date(timeIntervalSince1970: t)), expected, "\(t)")
        }
    }
}

@testable import EPlanStore

extension PinImportTests {
    /// A pin batch checks the pin kind with the same rule and message as the stored trigger
    /// (rewritten as a CASE inside the batch: no ephemeral table per pin), and puts the
    /// stored trigger back, word for word, whether the batch commits or is undone.
    func testPinBatchKindRuleIsTheTriggersRule() throws {
        try sqliteOnly("the SQLite store's pin kind trigger")
        let store = try Store(path: try fixture())
        let triggerSQL = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'pin_geom_kind_insert'"
        let before = try store.database.scalar(triggerSQL)
        XCTAssertNotNil(PinKindCheck.rewritten(before.string ?? ""), "the schema's trigger is the one rewritten")
        func pin(_ g: Geometry) -> PinRecord {
            PinRecord(projectCode: "D1", pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "pin", inputCRS: 4326,
                      status: .valid, toleranceM: 30, geometry: g)
        }
        let collection = pin(.geometryCollection([.point(Coordinate(98.5, 16.7))]))
        var refusal = ""
        do { _ = try store.withPinBatch { add in try add(collection) } } catch { refusal = "\(error)" }
        XCTAssertTrue(refusal.contains("a pin is a 2D POINT, LINESTRING, POLYGON or MULTI* of them"), refusal)
        XCTAssertEqual(try store.database.scalar(triggerSQL), before)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM pin").int64, 0)
        // The six kinds pass, and the trigger is back after a batch that commits.
        let c = Coordinate(98.5, 16.7), d = Coordinate(98.51, 16.71), e = Coordinate(98.51, 16.7)
        let good: [Geometry] = [.point(c), .lineString([c, d]), .polygon(Polygon(exterior: [c, e, d, c])), .multiPoint([c, d]),
                                .multiLineString([[c, d], [d, e]]), .multiPolygon([Polygon(exterior: [c, e, d, c])])]
        let stored = try store.withPinBatch { add in try good.map { try add(pin($0)) } }
        XCTAssertEqual(stored.map(\.version), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try store.database.scalar(triggerSQL), before)
        XCTAssertThrowsError(try store.addPin(collection))
    }
}
