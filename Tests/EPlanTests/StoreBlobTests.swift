import XCTest
@testable import EPlanStore
import EPlanGeometry

/// Shared sample geometries for the store tests.
enum StoreSamples {
    static let square = Polygon(exterior: [Coordinate(100, 13), Coordinate(101, 13), Coordinate(101, 14),
                                           Coordinate(100, 14), Coordinate(100, 13)])
    static let withHole = Polygon(
        exterior: [Coordinate(102, 15), Coordinate(104.5, 15), Coordinate(104.5, 17.25), Coordinate(102, 17.25), Coordinate(102, 15)],
        holes: [[Coordinate(103, 16), Coordinate(103.5, 16), Coordinate(103.5, 16.5), Coordinate(103, 16), ]])

    static let all: [Geometry] = [
        .point(Coordinate(100.5, 13.75)),
        .lineString([Coordinate(100, 13), Coordinate(100.25, 13.5), Coordinate(-1.5, 2)]),
        .polygon(withHole),
        .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]),
        .multiLineString([[Coordinate(0, 0), Coordinate(1, 1)], [Coordinate(2, 2), Coordinate(3, 3), Coordinate(4, 2)]]),
        .multiPolygon([square, withHole]),
        .geometryCollection([.point(Coordinate(5, 6)), .lineString([Coordinate(0, 0), Coordinate(1, 0)]), .polygon(square)]),
    ]
}

final class StoreBlobTests: XCTestCase {
    func testRoundTripAllSevenTypesBothEndians() throws {
        for g in StoreSamples.all {
            for little in [true, false] {
                let blob = try XCTUnwrap(SpatiaLiteBlob.encode(g, srid: 32647, littleEndian: little))
                XCTAssertEqual(blob[1], little ? 1 : 0)
                let (back, srid) = try SpatiaLiteBlob.decode(blob)
                XCTAssertEqual(back, g, "\(g.type) little=\(little)")
                XCTAssertEqual(srid, 32647)
                XCTAssertEqual(try SpatiaLiteBlob.envelope(of: blob), g.envelope)
            }
        }
    }

    /// Byte for byte what spatialite 5 writes for
    /// GeomFromText('MULTIPOLYGON(((100 13,101 13,101 14,100 13)))', 4326).
    func testMatchesSpatiaLiteBytes() throws {
        let spatialite = "0001E610000000000000000059400000000000002A4000000000004059400000000000002C407C0600000001000000"
            + "6903000000010000000400000000000000000059400000000000002A4000000000004059400000000000002A40"
            + "00000000004059400000000000002C4000000000000059400000000000002A40FE"
        let g = Geometry.multiPolygon([Polygon(exterior: [Coordinate(100, 13), Coordinate(101, 13),
                                                          Coordinate(101, 14), Coordinate(100, 13)])])
        let ours = try XCTUnwrap(SpatiaLiteBlob.encode(g, srid: 4326))
        XCTAssertEqual(ours.map { String(format: "%02X", $0) }.joined(), spatialite)
    }

    func testReadsXYZByDroppingZ() throws {
        // spatialite: hex(GeomFromText('POINT Z(1 2 3)', 4326))
        let hex = "0001E6100000000000000000F03F0000000000000040000000000000F03F00000000000000407CE9030000000000000000F03F00000000000000400000000000000840FE"
        let bytes = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let s = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[s..<hex.index(s, offsetBy: 2)], radix: 16)!
        }
        XCTAssertEqual(try SpatiaLiteBlob.decode(bytes).geometry, .point(Coordinate(1, 2)))
    }

    func testEmptyGeometryHasNoBlob() {
        XCTAssertNil(SpatiaLiteBlob.encode(.multiPolygon([]), srid: 4326))
        XCTAssertNil(SpatiaLiteBlob.encode(.geometryCollection([]), srid: 4326))
    }

    func testCollectionMembersAreFlattenedAsSpatiaLiteDoes() throws {
        let g = Geometry.geometryCollection([.multiPoint([Coordinate(1, 1), Coordinate(2, 2)]),
                                             .geometryCollection([.point(Coordinate(3, 3))])])
        let back = try SpatiaLiteBlob.decode(XCTUnwrap(SpatiaLiteBlob.encode(g, srid: 4326))).geometry
        XCTAssertEqual(back, .geometryCollection([.point(Coordinate(1, 1)), .point(Coordinate(2, 2)), .point(Coordinate(3, 3))]))
    }

    func testMalformedBlobsNameTheByte() throws {
        let good = try XCTUnwrap(SpatiaLiteBlob.encode(.multiPolygon([StoreSamples.square]), srid: 4326))
        func failure(_ bytes: [UInt8]) -> SpatiaLiteBlobError? {
            do { _ = try SpatiaLiteBlob.decode(bytes); return nil } catch { return error as? SpatiaLiteBlobError }
        }
        var b = good; b[0] = 0x01
        XCTAssertEqual(failure(b), SpatiaLiteBlobError(reason: .badStart, offset: 0))
        b = good; b[1] = 0x07
        XCTAssertEqual(failure(b), SpatiaLiteBlobError(reason: .badEndian, offset: 1))
        b = good; b[38] = 0
        XCTAssertEqual(failure(b), SpatiaLiteBlobError(reason: .badMBRMarker, offset: 38))
        b = good; b[b.count - 1] = 0
        XCTAssertEqual(failure(b), SpatiaLiteBlobError(reason: .badEnd, offset: good.count - 1))
        b = good; b[47] = 0x42  // the first polygon's entity marker
        XCTAssertEqual(failure(b), SpatiaLiteBlobError(reason: .badEntityMarker, offset: 47))
        b = good; b[39] = 99
        XCTAssertEqual(failure(b), SpatiaLiteBlobError(reason: .unknownType(99), offset: 39))
        // Cut in the middle of the coordinates, keeping the end marker.
        b = Array(good[0..<70]) + [0xFE]
        XCTAssertEqual(failure(b)?.reason, .truncated)
        XCTAssertEqual(failure(Array(good[0..<20]))?.reason, .truncated)
        // A huge ring count must be refused, not allocated.
        b = good; b[52] = 0xFF; b[53] = 0xFF; b[54] = 0xFF
        XCTAssertEqual(failure(b)?.reason, .truncated)
        let e = try XCTUnwrap(failure(Array(good.prefix(10))))
        XCTAssertTrue(e.message.th.hasPrefix("รูปทรงเรขาคณิตของ SpatiaLite ไม่ถูกต้องที่ไบต์"), e.message.th)
        XCTAssertTrue(e.message.en.contains("byte 10"), e.message.en)
    }

    func testLargeGeometryRoundTrips() throws {
        // 200k coordinates: a large province outline is ~50k.
        let ring = (0..<200_000).map { i -> Coordinate in
            let a = Double(i) / 200_000 * 2 * .pi
            return Coordinate(100 + cos(a), 13 + sin(a))
        }
        let g = Geometry.multiPolygon([Polygon(exterior: ring + [ring[0]])])
        let blob = try XCTUnwrap(SpatiaLiteBlob.encode(g, srid: 4326))
        let back = try SpatiaLiteBlob.decode(blob).geometry
        XCTAssertEqual(back, g)
    }
}
