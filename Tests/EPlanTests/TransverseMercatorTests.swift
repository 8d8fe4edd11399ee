import XCTest
@testable import EPlanCRS
import EPlanGeometry

/// Our UTM (no PROJ) against PROJ's own operation for the same pair, across Thailand and
/// beyond each zone's edge, both ways.
final class TransverseMercatorTests: XCTestCase {
    func testMatchesPROJAcrossThailandBothZones() throws {
        let context = try PROJContext()
        for (epsg, zoneCRS) in [(32647, CRS.utm47N), (32648, CRS.utm48N)] {
            let projForward = try CoordinateTransform(from: .wgs84, to: zoneCRS, context: context)
            let projInverse = try CoordinateTransform(from: zoneCRS, to: .wgs84, context: context)
            let ours = try XCTUnwrap(CoordinateTransform.withoutPROJ(from: .wgs84, to: zoneCRS))
            let oursInverse = try XCTUnwrap(CoordinateTransform.withoutPROJ(from: zoneCRS, to: .wgs84))
            var lon = 96.0
            while lon <= 106.0 {
                var lat = 5.0
                while lat <= 21.0 {
                    let c = Coordinate(lon, lat)
                    let a = try ours.transform(c), b = try projForward.transform(c)
                    XCTAssertEqual(a.x, b.x, accuracy: 1e-3, "EPSG:\(epsg) forward at \(c)")
                    XCTAssertEqual(a.y, b.y, accuracy: 1e-3, "EPSG:\(epsg) forward at \(c)")
                    let back = try oursInverse.transform(b), backPROJ = try projInverse.transform(b)
                    XCTAssertEqual(back.x, backPROJ.x, accuracy: 1e-9, "EPSG:\(epsg) inverse at \(c)")
                    XCTAssertEqual(back.y, backPROJ.y, accuracy: 1e-9, "EPSG:\(epsg) inverse at \(c)")
                    XCTAssertEqual(back.x, c.x, accuracy: 1e-9); XCTAssertEqual(back.y, c.y, accuracy: 1e-9)
                    lat += 0.73
                }
                lon += 0.61
            }
        }
    }

    func testOnlyWGS84UTMPairsAvoidPROJ() {
        XCTAssertNotNil(CoordinateTransform.withoutPROJ(from: .utm47N, to: .wgs84))
        XCTAssertNil(CoordinateTransform.withoutPROJ(from: .indian1975UTM47N, to: .wgs84))
        XCTAssertNil(CoordinateTransform.withoutPROJ(from: .wgs84, to: .webMercator))
        XCTAssertNil(CoordinateTransform.withoutPROJ(from: .utm47N, to: .utm48N))
    }
}
