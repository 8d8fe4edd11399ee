import XCTest
import Foundation
@testable import EPlanGeometry

final class GeoJSONGeometryTests: XCTestCase {
    func encode(_ g: Geometry, _ p: Int = 7) -> String { GeoJSONGeometry.encode(g, precision: p) }

    func number(_ v: Double, _ p: Int = 7) -> String {
        var out: [UInt8] = []
        DecimalFormat(precision: p).write(v, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Every type, with its exact compact encoding.
    static let samples: [(Geometry, String)] = [
        (.point(Coordinate(100.5, 13.75)), #"{"type":"Point","coordinates":[100.5,13.75]}"#),
        (.lineString([Coordinate(0, 0), Coordinate(1, -1.25)]), #"{"type":"LineString","coordinates":[[0,0],[1,-1.25]]}"#),
        (.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(4, 0), Coordinate(4, 4), Coordinate(0, 0)],
                          holes: [[Coordinate(1, 0.5), Coordinate(3, 0.5), Coordinate(3, 2.5), Coordinate(1, 0.5)]])),
         #"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]],[[1,0.5],[3,0.5],[3,2.5],[1,0.5]]]}"#),
        (.multiPoint([Coordinate(1, 2), Coordinate(3, 4)]), #"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#),
        (.multiLineString([[Coordinate(0, 0), Coordinate(1, 1)], [Coordinate(2, 2), Coordinate(3, 3)]]),
         #"{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}"#),
        (.multiPolygon([Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)])]),
         #"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}"#),
        (.geometryCollection([.point(Coordinate(1, 1)), .geometryCollection([.lineString([Coordinate(0, 0), Coordinate(2, 2)])])]),
         #"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,1]},{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[0,0],[2,2]]}]}]}"#),
    ]

    func testEncodeAllTypes() {
        for (g, json) in Self.samples { XCTAssertEqual(encode(g), json) }
    }

    func testDecodeAllTypesFromText() throws {
        for (g, json) in Self.samples { XCTAssertEqual(try GeoJSONGeometry.decode(json: json), g, json) }
    }

    func testDecodeFromJSONSerializationAndPlainSwiftValues() throws {
        let text = #"{"type": "LineString", "coordinates": [[100, 13], [100.5, 13.25, 7]], "bbox": [0, 0, 1, 1]}"#
        let obj = try JSONSerialization.jsonObject(with: Data(text.utf8))
        XCTAssertEqual(try GeoJSONGeometry.decode(obj), .lineString([Coordinate(100, 13), Coordinate(100.5, 13.25)]))
        let plain: [String: Any] = ["type": "Point", "coordinates": [NSNumber(value: 1), 2.5 as Double]]
        XCTAssertEqual(try GeoJSONGeometry.decode(plain), .point(Coordinate(1, 2.5)))
        let ints: [String: Any] = ["type": "Point", "coordinates": [3, -4]]
        XCTAssertEqual(try GeoJSONGeometry.decode(ints), .point(Coordinate(3, -4)))
    }

    func testEmpties() throws {
        XCTAssertEqual(try GeoJSONGeometry.decode(json: #"{"type":"Point","coordinates":[]}"#), .multiPoint([]))
        XCTAssertEqual(try GeoJSONGeometry.decode(json: #"{"type":"Polygon","coordinates":[]}"#), .polygon(Polygon(rings: [])))
        XCTAssertEqual(try GeoJSONGeometry.decode(json: #"{"type":"GeometryCollection","geometries":[]}"#), .geometryCollection([]))
        XCTAssertEqual(encode(.multiPolygon([])), #"{"type":"MultiPolygon","coordinates":[]}"#)
        XCTAssertEqual(encode(.lineString([])), #"{"type":"LineString","coordinates":[]}"#)
    }

    func testNumberFormatting() {
        XCTAssertEqual(number(1), "1")
        XCTAssertEqual(number(-0.0), "0")
        XCTAssertEqual(number(-0.00000001), "0")
        XCTAssertEqual(number(0.1 + 0.2), "0.3")
        XCTAssertEqual(number(-1.5), "-1.5")
        XCTAssertEqual(number(1e-7), "0.0000001")
        XCTAssertEqual(number(123456.123456789), "123456.1234568")
        XCTAssertEqual(number(100.12345675), "100.1234568")
        XCTAssertEqual(number(99.99999999), "100")
        XCTAssertEqual(number(1e15), "1000000000000000")
        XCTAssertEqual(number(1234567890123.5), "1234567890123.5") // fewer decimals fit, none lost that exist
        XCTAssertEqual(number(2.5, 0), "3")
        XCTAssertEqual(number(1.23456, 2), "1.23")
        XCTAssertEqual(number(0.000123, 3), "0")
        XCTAssertEqual(number(.nan), "null")
        XCTAssertEqual(number(1, 99), "1")
        XCTAssertEqual(number(0.5, 20), "0.5")
        XCTAssertEqual(number(1e18), "1000000000000000000")
    }

    func testEncodedNumbersRoundTripToPrecision() throws {
        var rng = SystemRandomNumberGenerator()
        for p in [0, 3, 7, 9] {
            let tol = 0.5 * pow(10, -Double(p)) * (1 + 1e-9)
            var coords: [Coordinate] = []
            for _ in 0..<2000 {
                coords.append(Coordinate(Double.random(in: -180...180, using: &rng), Double.random(in: -1e7...1e7, using: &rng)))
            }
            let text = encode(.multiPoint(coords), p)
            XCTAssertFalse(text.contains("e+") || text.contains("e-") || text.contains("E"), "no exponent notation")
            guard case .multiPoint(let back) = try GeoJSONGeometry.decode(json: text) else { return XCTFail() }
            for (a, b) in zip(coords, back) {
                XCTAssertEqual(a.x, b.x, accuracy: tol + abs(a.x) * 1e-15)
                XCTAssertEqual(a.y, b.y, accuracy: tol + abs(a.y) * 1e-15)
            }
        }
    }

    func testEncodeIntoBufferAppendsAndIsDeterministic() {
        var buffer = Array("[".utf8)
        GeoJSONGeometry.encode(.point(Coordinate(1, 2)), into: &buffer)
        buffer.append(UInt8(ascii: ","))
        GeoJSONGeometry.encode(.point(Coordinate(3, 4)), precision: 2, into: &buffer)
        buffer.append(UInt8(ascii: "]"))
        XCTAssertEqual(String(decoding: buffer, as: UTF8.self),
                       #"[{"type":"Point","coordinates":[1,2]},{"type":"Point","coordinates":[3,4]}]"#)
        let g = Self.samples[2].0
        XCTAssertEqual(encode(g), encode(g))
    }

    /// Streaming reuses one buffer: every pass must write the same bytes. (Speed is measured
    /// in scripts/bench, never here.)
    func testEncodeIntoReusedBufferIsStable() {
        let ring = (0..<64).map { i -> Coordinate in
            let a = Double(i) / 64 * 2 * Double.pi
            return Coordinate(100.5 + cos(a) * 0.01, 13.75 + sin(a) * 0.01)
        }
        let g = Geometry.polygon(Polygon(exterior: ring + [ring[0]]))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        GeoJSONGeometry.encode(g, into: &buffer)
        let first = buffer
        for _ in 0..<100 {
            buffer.removeAll(keepingCapacity: true)
            GeoJSONGeometry.encode(g, into: &buffer)
            XCTAssertEqual(buffer, first)
        }
        XCTAssertEqual(String(decoding: first, as: UTF8.self), GeoJSONGeometry.encode(g))
    }

    // MARK: errors

    func assertError(_ json: String, _ kind: GeoJSONError.Kind, _ path: String, en: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try GeoJSONGeometry.decode(json: json), file: file, line: line) { error in
            guard let e = error as? GeoJSONError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.kind, kind, json, file: file, line: line)
            XCTAssertEqual(e.path, path, json, file: file, line: line)
            if let en { XCTAssertEqual(e.message.en, en, file: file, line: line) }
            XCTAssertNotEqual(e.message.th, e.message.en, file: file, line: line)
        }
    }

    func testErrorsNameThePath() {
        assertError(#"{"type":"LineString","coordinates":[[0,0],[1,1],[2,2],["a",3]]}"#, .expectedPosition,
                    "coordinates[3]", en: "coordinates[3]: expected [x, y] numbers")
        assertError(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0]]]}"#, .expectedPosition,
                    "coordinates[0][3]", en: "coordinates[0][3]: expected [x, y] numbers")
        assertError(#"{"type":"Point","coordinates":[true,false]}"#, .expectedPosition, "coordinates")
        assertError(#"{"type":"Circle","coordinates":[0,0]}"#, .unknownType, "type",
                    en: #"type: unknown geometry type "Circle""#)
        assertError(#"{"type":"Feature","geometry":null}"#, .unknownType, "type")
        assertError(#"{"coordinates":[0,0]}"#, .missingMember, "type")
        assertError(#"{"type":"Point"}"#, .missingMember, "coordinates")
        assertError(#"[1,2]"#, .notAnObject, "")
        assertError(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#, .unclosedRing, "coordinates[0]",
                    en: "coordinates[0]: ring is not closed: first position must equal the last")
        assertError(#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[0,0]]]]}"#,
                    .ringTooShort, "coordinates[1][0]", en: "coordinates[1][0]: a ring needs at least 4 positions (has 3)")
        assertError(#"{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[5,5]]]}"#, .lineTooShort, "coordinates[1]",
                    en: "coordinates[1]: a line needs at least 2 positions (has 1)")
        assertError(#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},{"type":"LineString","coordinates":{}}]}"#,
                    .expectedArray, "geometries[1].coordinates")
        assertError(#"{"type":"GeometryCollection","geometries":[{"type":"Nope"}]}"#, .unknownType, "geometries[0].type")
        assertError(#"{"type":"Point","coordinates":[1,"#, .malformedJSON, "")
    }

    func testNonFiniteRejected() {
        let obj: [String: Any] = ["type": "MultiPoint", "coordinates": [[0.0, 1.0], [Double.nan, 2.0]]]
        XCTAssertThrowsError(try GeoJSONGeometry.decode(obj)) { error in
            let e = error as! GeoJSONError
            XCTAssertEqual(e.kind, .nonFiniteCoordinate)
            XCTAssertEqual(e.path, "coordinates[1]")
            XCTAssertTrue(e.message.th.hasPrefix("coordinates[1]: พิกัด"), e.message.th)
        }
        let inf: [String: Any] = ["type": "Point", "coordinates": [Double.infinity, 2.0]]
        XCTAssertThrowsError(try GeoJSONGeometry.decode(inf))
    }

    func testThaiIsTheDefaultLanguage() {
        let e = GeoJSONError(.expectedPosition, path: "coordinates[0][3]")
        XCTAssertEqual(e.message.text(.th), "coordinates[0][3]: ต้องเป็นตำแหน่ง [x, y] ที่เป็นตัวเลข")
        XCTAssertEqual(e.message.text(.en), "coordinates[0][3]: expected [x, y] numbers")
    }

    func testGEOSAndGeoJSONAgree() throws {
        let ctx = GEOSContext()
        for (g, json) in Self.samples {
            XCTAssertEqual(try GEOSGeometry(g, context: ctx).geoJSON(), json)
        }
    }
}
