import Foundation
import XCTest
@testable import EPlanDomain

/// Proof with real third-party clients that a store made by `eplan init` is SpatiaLite.
final class ThirdPartyClientTests: CLITestCase {
    func testSpatialiteSeesSpatiaLite4Metadata() throws {
        let db = try initStore()
        let r = try run("spatialite", ["-silent", db, "SELECT CheckSpatialMetaData();"])
        XCTAssertEqual(r.out.trimmingCharacters(in: .whitespacesAndNewlines), "3", r.err)
    }

    /// spatialite reads every geometry back, valid and equal to ours.
    func testSpatialiteReadsEveryGeometryValidAndEqual() throws {
        let db = try initStore()
        let store = try Store(path: db, readOnly: true)
        let geos = GEOSContext()
        for level in BoundaryLevel.allCases {
            let r = try run("spatialite", ["-silent", db, "SELECT code, ST_IsValid(geom), ST_SRID(geom), AsText(geom) FROM \(level.rawValue) ORDER BY code;"])
            XCTAssertEqual(r.status, 0, r.err)
            let lines = r.out.split(separator: "\n")
            XCTAssertEqual(lines.count, try store.count(level: level))
            for line in lines {
                let parts = line.split(separator: "|", maxSplits: 3).map(String.init)
                XCTAssertEqual(parts[1], "1", "spatialite finds \(level) \(parts[0]) invalid")
                XCTAssertEqual(parts[2], "4326")
                let theirs = try GEOSGeometry(wkt: parts[3], context: geos)
                let ours = try GEOSGeometry(try XCTUnwrap(try store.boundary(level: level, code: parts[0])).geometry, context: geos)
                XCTAssertTrue(try ours.equalsExact(theirs, tolerance: 1e-9), "\(level) \(parts[0]) differs")
            }
        }
    }

    func testOgrinfoListsEachLayerWithTypeCRSAndCount() throws {
        let db = try initStore()
        for (layer, count) in [("province", 1), ("amphoe", 9), ("tambon", 63)] {
            let r = try run("ogrinfo", ["-ro", "-so", db, layer])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertTrue(r.out.contains("Geometry: Multi Polygon"), r.out)
            XCTAssertTrue(r.out.contains("Feature Count: \(count)"), r.out)
            XCTAssertTrue(r.out.contains("ID[\"EPSG\",4326]"), r.out)
        }
        let list = try run("ogrinfo", ["-ro", "-q", db])
        for layer in ["province", "amphoe", "tambon"] { XCTAssertTrue(list.out.contains(layer), list.out) }
        XCTAssertFalse(list.out.contains("boundary_import"), list.out)
    }
}
