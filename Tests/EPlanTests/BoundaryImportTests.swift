import Foundation
import XCTest
@testable import EPlanDomain

final class BoundaryImportTests: CLITestCase {
    private func importer(_ store: Store) throws -> BoundaryImporter {
        BoundaryImporter(store: store, geos: GEOSContext(), proj: try PROJContext())
    }

    func testImportsTakLevelsWithCountsAndNoInvalid() throws {
        let store = try Store(path: path())
        let imp = try importer(store)
        for (level, file, count) in [(BoundaryLevel.province, "tak-province", 1), (.amphoe, "tak-amphoe", 9), (.tambon, "tak-tambon", 63)] {
            let report = try imp.importFile(path: "\(Self.takDir)/\(file).geojson", level: level)
            XCTAssertEqual(report.featureCount, count)
            XCTAssertEqual(report.invalid, [])
            XCTAssertEqual(try store.count(level: level), count)
        }
        let maeSot = try XCTUnwrap(try store.boundary(level: .tambon, code: "630601"))
        XCTAssertEqual(maeSot.nameTH, "แม่สอด")
        XCTAssertEqual(maeSot.parentCode, "6306")
    }

    /// A bow-tie is reported with GEOS's reason and the crossing, and still imported
    /// flagged; --strict refuses the file and leaves the store as it was.
    func testInvalidGeometryFlaggedOrRefusedWhenStrict() throws {
        let bowtie = """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","properties":{"tambon_code":"990101","tambon_th":"ทดสอบ","tambon_en":"Test","amphoe_code":"9901","province_code":"99"},
          "geometry":{"type":"Polygon","coordinates":[[[100,10],[101,11],[101,10],[100,11],[100,10]]]}},
         {"type":"Feature","properties":{"tambon_code":"990102","tambon_th":"ดี","tambon_en":"Good","amphoe_code":"9901","province_code":"99"},
          "geometry":{"type":"Polygon","coordinates":[[[102,10],[103,10],[103,11],[102,11],[102,10]]]}}]}
        """
        let file = try writeFile("bowtie.geojson", bowtie)
        let store = try Store(path: path())
        let imp = try importer(store)
        _ = try imp.importFile(path: "\(Self.takDir)/tak-tambon.geojson", level: .tambon)
        XCTAssertThrowsError(try imp.importFile(path: file, level: .tambon, strict: true)) { error in
            let text = (error as! UserFacingError).message.en
            XCTAssertTrue(text.contains("Self-intersection"), text)
            XCTAssertTrue(text.contains("990101"), text)
        }
        XCTAssertEqual(try store.count(level: .tambon), 63, "a refused file must leave the level as it was")

        let report = try imp.importFile(path: file, level: .tambon, replace: true)
        XCTAssertEqual(report.invalid.count, 1)
        let bad = try XCTUnwrap(report.invalid.first)
        XCTAssertEqual(bad.code, "990101")
        XCTAssertEqual(bad.reason, "Self-intersection")
        XCTAssertEqual(bad.location?.x ?? 0, 100.5, accuracy: 1e-9)
        XCTAssertEqual(bad.location?.y ?? 0, 10.5, accuracy: 1e-9)
        let stored = try XCTUnwrap(try store.boundary(level: .tambon, code: "990101"))
        XCTAssertFalse(stored.isValid)
        XCTAssertEqual(stored.invalidReason, "Self-intersection")
        // Re-import replaced the level: no Tak tambon and no orphan index rows are left.
        XCTAssertEqual(try store.count(level: .tambon), 2)
        XCTAssertEqual(try store.database.scalar("SELECT count(*) FROM idx_tambon_geom").int64, 2)
    }

    /// A file in UTM 47N that says so (the pre-RFC 7946 `crs` member) is reprojected.
    func testReprojectsDeclaredCRS() throws {
        let proj = try PROJContext()
        let toUTM = try proj.transform(from: .wgs84, to: .utm47N)
        let fc = try GeoJSONFile.readFeatureCollection(path: "\(Self.takDir)/tak-amphoe.geojson")
        var features: [String] = []
        for f in fc.features {
            let g = try toUTM.transform(try GeoJSONGeometry.decode(f["geometry"]!))
            let props = try JSONSerialization.data(withJSONObject: f["properties"]!)
            features.append("{\"type\":\"Feature\",\"properties\":\(String(decoding: props, as: UTF8.self)),\"geometry\":\(GeoJSONGeometry.encode(g, precision: 3))}")
        }
        let text = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32647\"}},\"features\":[\(features.joined(separator: ","))]}"
        let file = try writeFile("utm.geojson", text)
        let store = try Store(path: path())
        let report = try importer(store).importFile(path: file, level: .amphoe)
        XCTAssertEqual(report.sourceCRS, 32647)
        XCTAssertEqual(report.featureCount, 9)
        let original = try GeoJSONGeometry.decode(fc.features[0]["geometry"]!).asMulti
        let code = GeoJSONFile.stringProperty((fc.features[0]["properties"] as! [String: Any])["amphoe_code"])!
        let back = try XCTUnwrap(try store.boundary(level: .amphoe, code: code)).geometry
        var a: [Coordinate] = [], b: [Coordinate] = []
        original.forEachCoordinate { a.append($0) }
        back.forEachCoordinate { b.append($0) }
        XCTAssertEqual(a.count, b.count)
        for (p, q) in zip(a, b) {
            XCTAssertEqual(p.x, q.x, accuracy: 1e-7); XCTAssertEqual(p.y, q.y, accuracy: 1e-7)
        }
    }

    func testBadFilesNameWhatIsWrongAndLeaveTheStoreAlone() throws {
        let store = try Store(path: path())
        let imp = try importer(store)
        _ = try imp.importFile(path: "\(Self.takDir)/tak-tambon.geojson", level: .tambon)
        let cases: [(String, String)] = [
            ("not json at all", "not valid JSON"),
            ("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}", "expected a FeatureCollection"),
            ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"tambon_code\":\"1\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[100,10],[101,10],[101,11],[100,10]]]}}]}", "amphoe_code"),
            ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"tambon_code\":\"1\",\"amphoe_code\":\"1\",\"province_code\":\"1\",\"tambon_th\":\"x\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[100,10],[101,10],[101,11],[100,12]]]}}]}", "coordinates[0]"),
            ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"tambon_code\":\"1\",\"amphoe_code\":\"1\",\"province_code\":\"1\",\"tambon_th\":\"x\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,1800000],[501000,1800000],[501000,1801000],[500000,1800000]]]}}]}", "not longitude/latitude"),
            ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"tambon_code\":\"1\",\"amphoe_code\":\"1\",\"province_code\":\"1\",\"tambon_th\":\"x\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[]}}]}", "empty geometry"),
            ("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:99999\"}},\"features\":[]}", "99999"),
            ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"tambon_code\":\"1\",\"amphoe_code\":\"1\",\"province_code\":\"1\",\"tambon_th\":\"x\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[100,10]}}]}", "not Point"),
        ]
        for (i, (text, expected)) in cases.enumerated() {
            let file = try writeFile("bad\(i).geojson", text)
            XCTAssertThrowsError(try imp.importFile(path: file, level: .tambon), "case \(i)") { error in
                let msg = (error as? UserFacingError)?.message
                XCTAssertTrue(msg?.en.contains(expected) ?? false, "case \(i): \(String(describing: msg?.en))")
                XCTAssertFalse(msg?.th.isEmpty ?? true)
            }
        }
        XCTAssertThrowsError(try imp.importFile(path: path("missing.geojson"), level: .tambon))
        XCTAssertEqual(try store.count(level: .tambon), 63)
    }

    func testProgressIsReported() throws {
        let store = try Store(path: path())
        var calls: [(Int, Int)] = []
        _ = try importer(store).importFile(path: "\(Self.takDir)/tak-tambon.geojson", level: .tambon, progress: { calls.append(($0, $1)) })
        XCTAssertEqual(calls.last?.0, 63)
        XCTAssertEqual(calls.last?.1, 63)
    }
}
