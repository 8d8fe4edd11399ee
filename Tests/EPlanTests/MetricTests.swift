import XCTest
import EPlanGeometry
import EPlanCRS

final class MetricTests: XCTestCase {
    static let bangkok = Coordinate(100.5018, 13.7563)
    static let chiangMai = Coordinate(98.9853, 18.7883)

    /// `echo "13.7563 100.5018 18.7883 98.9853" | geod +ellps=WGS84 -I +units=m -F %.6f`
    /// → 579946.320398 m (proj-bin 9.1.1).
    func testDistanceBangkokChiangMaiMatchesGeod() throws {
        XCTAssertEqual(try Metric.distance(Self.bangkok, Self.chiangMai), 579_946.320398, accuracy: 0.001)
        XCTAssertEqual(try Metric.distance(Self.bangkok, Self.bangkok), 0)
    }

    func testLength() throws {
        let line = Geometry.lineString([Self.bangkok, Self.chiangMai, Self.bangkok])
        XCTAssertEqual(try Metric.length(line), 2 * 579_946.320398, accuracy: 0.002)
        XCTAssertEqual(try Metric.length(.point(Self.bangkok)), 0)
        // one degree of longitude on the equator: a·π/180
        let eq = Geometry.lineString([Coordinate(0, 0), Coordinate(1, 0)])
        XCTAssertEqual(try Metric.length(eq), 6378137 * .pi / 180, accuracy: 0.001)
    }

    func testAreaOfOneDegreeCellNearEquator() throws {
        let ring: Ring = [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)]
        let a = try Metric.area(.polygon(Polygon(exterior: ring)))
        XCTAssertEqual(a / 1e6, 12_308, accuracy: 12_308 * 0.005)
        // orientation does not matter
        XCTAssertEqual(try Metric.area(.polygon(Polygon(exterior: ring.reversed()))), a, accuracy: 1e-3)
        // a hole is subtracted
        let hole: Ring = [Coordinate(0.25, 0.25), Coordinate(0.75, 0.25), Coordinate(0.75, 0.75), Coordinate(0.25, 0.75), Coordinate(0.25, 0.25)]
        let holeArea = try Metric.area(.polygon(Polygon(exterior: hole)))
        XCTAssertEqual(try Metric.area(.polygon(Polygon(exterior: ring, holes: [hole]))), a - holeArea, accuracy: 1e-3)
        XCTAssertEqual(try Metric.area(.multiPolygon([Polygon(exterior: ring), Polygon(exterior: hole)])), a + holeArea, accuracy: 1e-3)
        XCTAssertEqual(try Metric.area(.lineString(ring)), 0)
        // perimeter of the cell
        XCTAssertEqual(try Metric.length(.polygon(Polygon(exterior: ring))), 4 * 110_800, accuracy: 2_000)
    }

    func testUTMZone() throws {
        XCTAssertEqual(UTMZone.epsg(forLongitude: 98.9853), 32647)
        XCTAssertEqual(UTMZone.epsg(forLongitude: 101.999), 32647)
        XCTAssertEqual(UTMZone.epsg(forLongitude: 102), 32648)
        XCTAssertEqual(UTMZone.epsg(forLongitude: 104.8472), 32648)
        XCTAssertEqual(UTMZone.crs(forLongitude: 100, datum: .indian1975), .indian1975UTM47N)
    }
}
