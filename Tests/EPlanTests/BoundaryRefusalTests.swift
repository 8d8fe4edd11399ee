import Foundation
import XCTest
@testable import EPlanDomain

/// Boundary files an import must refuse (issue 9, "Boundaries"), the file audit reporting
/// the same, and the streaming reader underneath both.
final class BoundaryRefusalTests: CLITestCase {
    private func importer(_ store: Store) throws -> BoundaryImporter {
        BoundaryImporter(store: store, geos: GEOSContext(), proj: try PROJContext())
    }

    /// A store with Tak's three levels.
    private func takStore() throws -> Store {
        let store = try Store(path: path())
        let imp = try importer(store)
        for level in BoundaryLevel.allCases {
            _ = try imp.importFile(path: "\(Self.takDir)/tak-\(level.rawValue).geojson", level: level)
        }
        return store
    }

    private func takTambons() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.takDir)/tak-tambon.geojson"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func write(_ collection: [String: Any], _ name: String) throws -> String {
        let p = path(name)
        try JSONSerialization.data(withJSONObject: collection).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Tak's tambon file with feature `i`'s geometry replaced.
    private func takTambons(geometry: Any, at i: Int = 0, _ name: String) throws -> String {
        var fc = try takTambons()
        var fs = fc["features"] as! [[String: Any]]
        fs[i]["geometry"] = geometry
        fc["features"] = fs
        return try write(fc, name)
    }

    private func refusal(_ body: () throws -> Any) -> String {
        do { _ = try body() } catch let e as UserFacingError {
            XCTAssertFalse(e.message.th.isEmpty)
            return e.message.en
        } catch { return "\(error)" }
        XCTFail("not refused")
        return ""
    }

    // MARK: replacing a level

    func testEmptyFileIsRefusedAndTheLevelKept() throws {
        let store = try takStore()
        let file = try writeFile("empty.geojson", #"{"type":"FeatureCollection","features":[]}"#)
        let text = refusal { try self.importer(store).importFile(path: file, level: .tambon, replace: true) }
        XCTAssertTrue(text.contains("no features"), text)
        XCTAssertTrue(text.contains("63 tambons"), text)
        XCTAssertEqual(try store.count(level: .tambon), 63)
    }

    func testUnitsDisappearOnlyWithReplace() throws {
        let store = try takStore()
        var fc = try takTambons()
        fc["features"] = Array((fc["features"] as! [Any]).prefix(1))
        let one = try write(fc, "one.geojson")
        var told: [BoundaryReplacePlan] = []
        let text = refusal { try self.importer(store).importFile(path: one, level: .tambon) { told.append($0) } }
        XCTAssertTrue(text.contains("63 tambons in the store; the file has 1: 62 would disappear"), text)
        XCTAssertTrue(text.contains("--replace"), text)
        XCTAssertEqual(try store.count(level: .tambon), 63, "refused: nothing changed")
        XCTAssertEqual(told, [])

        let report = try importer(store).importFile(path: one, level: .tambon, replace: true) { told.append($0) }
        XCTAssertEqual(report.featureCount, 1)
        XCTAssertEqual(try store.count(level: .tambon), 1)
        XCTAssertEqual(told.map(\.removed.count), [62])
        XCTAssertEqual(told.first?.kept, 1)

        // More units than before need no --replace; the plan says what comes.
        told = []
        _ = try importer(store).importFile(path: "\(Self.takDir)/tak-tambon.geojson", level: .tambon) { told.append($0) }
        XCTAssertEqual(told.map(\.added), [62])
        XCTAssertEqual(try store.count(level: .tambon), 63)
    }

    func testCommandLineSaysWhatGoesAndNeedsReplace() throws {
        let db = try initStore()
        var fc = try takTambons()
        fc["features"] = Array((fc["features"] as! [Any]).prefix(1))
        let one = try write(fc, "one.geojson")
        var r = try eplan(["boundaries", "import", one, "--level", "tambon", "--db", db, "--lang", "en"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("62 would disappear"), r.err)
        XCTAssertEqual(try Store(path: db).count(level: .tambon), 63)
        r = try eplan(["boundaries", "import", one, "--level", "tambon", "--db", db, "--lang", "en", "--replace"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("63 tambons in the store; the file has 1: 62 would disappear"), r.err)
        XCTAssertEqual(try Store(path: db).count(level: .tambon), 1)
        let empty = try writeFile("empty.geojson", #"{"type":"FeatureCollection","features":[]}"#)
        r = try eplan(["boundaries", "import", empty, "--level", "tambon", "--db", db, "--replace"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertEqual(try Store(path: db).count(level: .tambon), 1)
    }

    // MARK: positions that cannot be right

    /// Lon/lat declared as UTM 47N would land near 0°N, west of the zone: outside both the
    /// zone's EPSG area of use (from PROJ) and Thailand.
    func testLonLatDeclaredAsUTMIsRefused() throws {
        let store = try takStore()
        var fc = try takTambons()
        fc["crs"] = ["type": "name", "properties": ["name": "urn:ogc:def:crs:EPSG::32647"]]
        let file = try write(fc, "lies.geojson")
        let text = refusal { try self.importer(store).importFile(path: file, level: .tambon, replace: true) }
        XCTAssertTrue(text.contains("feature 1 (code 630101)"), text)
        XCTAssertTrue(text.contains("outside where that CRS is used"), text)
        XCTAssertTrue(text.contains("96°E–102°E"), text)
        XCTAssertEqual(try store.count(level: .tambon), 63)
        XCTAssertEqual(try store.boundary(level: .tambon, code: "630101")?.geometry.envelope.map { $0.minY > 15 }, true)
    }

    func testAreaOfUseComesFromPROJ() throws {
        let a = try XCTUnwrap(try PROJContext().areaOfUse(of: .utm47N))
        XCTAssertEqual(a.west, 96); XCTAssertEqual(a.east, 102); XCTAssertEqual(a.south, 0); XCTAssertEqual(a.north, 84)
        XCTAssertTrue(a.contains(Coordinate(99, 16)))
        XCTAssertFalse(a.contains(Coordinate(94.5, 0.0002)))
    }

    func testAntimeridianPolygonIsRefused() throws {
        let store = try takStore()
        let ring = [[179.9, 16.5], [-179.9, 16.5], [-179.9, 16.6], [179.9, 16.6], [179.9, 16.5]]
        let file = try takTambons(geometry: ["type": "Polygon", "coordinates": [ring]], "anti.geojson")
        let text = refusal { try self.importer(store).importFile(path: file, level: .tambon) }
        XCTAssertTrue(text.contains("359.8"), text)
        XCTAssertTrue(text.contains("antimeridian"), text)
        XCTAssertEqual(try store.count(level: .tambon), 63)
    }

    /// A tambon coded into Tak's amphoe 6301 but lying in Bangkok.
    func testUnitFarFromItsParentIsRefused() throws {
        let store = try takStore()
        let ring = [[100.5, 13.7], [100.6, 13.7], [100.6, 13.8], [100.5, 13.7]]
        let file = try takTambons(geometry: ["type": "Polygon", "coordinates": [ring]], "bangkok.geojson")
        let text = refusal { try self.importer(store).importFile(path: file, level: .tambon) }
        XCTAssertTrue(text.contains("feature 1 (code 630101)"), text)
        XCTAssertTrue(text.contains("[100.500000, 13.700000]"), text)
        XCTAssertTrue(text.contains("far outside its amphoe 6301"), text)
        XCTAssertEqual(try store.count(level: .tambon), 63)
        // Without the parent level in the store there is nothing to compare with.
        let bare = try Store(path: path("bare.sqlite"))
        XCTAssertEqual(try importer(bare).importFile(path: file, level: .tambon).featureCount, 63)
    }

    // MARK: the file audit reports what import refuses

    /// Every file import refuses is a finding of `audit boundaries --file`, with the
    /// reason and the feature; a Point, a GeometryCollection and 1e308 were "no findings".
    func testFileAuditFindsWhatImportRefuses() throws {
        let store = try takStore()
        let tak = try takTambons()
        let square = [[98.6, 16.7], [98.61, 16.7], [98.61, 16.71], [98.6, 16.7]]
        let cases: [(String, Any, String)] = [
            ("point", ["type": "Point", "coordinates": [98.6, 16.7]], "not_areal"),
            ("collection", ["type": "GeometryCollection", "geometries": [["type": "Polygon", "coordinates": [square]]]], "not_areal"),
            ("huge", ["type": "Polygon", "coordinates": [[[1e308, 16.7], [98.61, 16.7], [98.61, 16.71], [1e308, 16.7]]]], "not_lon_lat"),
            ("anti", ["type": "Polygon", "coordinates": [[[179.9, 16.5], [-179.9, 16.5], [-179.9, 16.6], [179.9, 16.5]]]], "crosses_antimeridian"),
            ("far", ["type": "Polygon", "coordinates": [[[100.5, 13.7], [100.6, 13.7], [100.6, 13.8], [100.5, 13.7]]]], "far_from_parent"),
        ]
        for (name, geometry, reason) in cases {
            let file = try takTambons(geometry: geometry, at: 3, "\(name).geojson")
            XCTAssertThrowsError(try importer(store).importFile(path: file, level: .tambon, replace: true), name)
            let r = try BoundaryAuditor().audit(file: file, level: .tambon, store: store)
            let f = r.findings(.importRefused)
            XCTAssertEqual(f.count, 1, "\(name): \(AuditOutput.text(r, .en))")
            XCTAssertEqual(f.first?.feature, 4, name)
            XCTAssertEqual(f.first?.label("reason"), reason, name)
        }
        // A file declaring UTM but holding lon/lat: every feature is reported.
        var lies = tak
        lies["crs"] = ["type": "name", "properties": ["name": "EPSG:32647"]]
        let r = try BoundaryAuditor().audit(file: try write(lies, "lies.geojson"), level: .tambon)
        XCTAssertEqual(r.findings(.importRefused).count, 63)
        XCTAssertEqual(Set(r.findings(.importRefused).compactMap { $0.label("reason") }), ["outside_crs_area"])
        // An empty file too.
        let empty = try writeFile("empty.geojson", #"{"type":"FeatureCollection","features":[]}"#)
        XCTAssertEqual(try BoundaryAuditor().audit(file: empty, level: .tambon).findings(.importRefused).count, 1)
        // Missing fields import refuses (a Thai name).
        var noName = tak
        var fs = noName["features"] as! [[String: Any]]
        var p = fs[2]["properties"] as! [String: Any]
        p["tambon_th"] = ""
        fs[2]["properties"] = p
        noName["features"] = fs
        let missing = try BoundaryAuditor().audit(file: try write(noName, "noname.geojson"), level: .tambon)
        XCTAssertEqual(missing.findings(.importRefused).map { $0.label("reason") }, ["missing_field"])
        XCTAssertTrue(missing.findings(.importRefused).first?.message.en.contains("tambon_th") ?? false)
    }

    /// With the store, the file is compared with the amphoes already there, as the store
    /// audit compares its own levels: a tambon left out is a gap, one under the wrong code a
    /// wrong parent. The clean file has no findings.
    func testFileAuditComparesWithTheParentsInTheStore() throws {
        let store = try takStore()
        XCTAssertTrue(try BoundaryAuditor().audit(file: "\(Self.takDir)/tak-tambon.geojson", level: .tambon, store: store).isClean)
        var fc = try takTambons()
        var fs = fc["features"] as! [[String: Any]]
        let removed = fs.remove(at: 10)
        let removedAmphoe = (removed["properties"] as! [String: Any])["amphoe_code"] as! String
        // Move one tambon of another amphoe under a neighbouring amphoe's code.
        let moved = fs.firstIndex { ($0["properties"] as! [String: Any])["amphoe_code"] as! String != removedAmphoe }!
        var p = fs[moved]["properties"] as! [String: Any]
        let trueAmphoe = p["amphoe_code"] as! String
        let wrongAmphoe = trueAmphoe == "6302" ? "6301" : "6302"
        p["amphoe_code"] = wrongAmphoe
        fs[moved]["properties"] = p
        fc["features"] = fs
        let file = try write(fc, "edited.geojson")
        let r = try BoundaryAuditor().audit(file: file, level: .tambon, store: store)
        XCTAssertTrue(r.findings(.gap).contains { $0.codes == [removedAmphoe] }, AuditOutput.text(r, .en))
        let wrong = r.findings(.wrongParent)
        XCTAssertEqual(wrong.count, 1, AuditOutput.text(r, .en))
        XCTAssertEqual(wrong.first?.codes, [p["tambon_code"] as! String, wrongAmphoe, trueAmphoe])
        // Alone, the file shows neither (nothing to compare with).
        let alone = try BoundaryAuditor().audit(file: file, level: .tambon)
        XCTAssertTrue(alone.findings(.gap).isEmpty && alone.findings(.wrongParent).isEmpty, AuditOutput.text(alone, .en))
        // A tambon of a province whose amphoes the store lacks is not an unknown parent.
        let national = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(Self.geodata)/thailand/thailand-tambon.geojson"))) as! [String: Any]
        let bangkok = (national["features"] as! [[String: Any]]).first { ($0["properties"] as! [String: Any])["province_code"] as? String == "10" }!
        var mixed = try takTambons()
        mixed["features"] = (mixed["features"] as! [Any]) + [bangkok]
        let m = try BoundaryAuditor().audit(file: try write(mixed, "mixed.geojson"), level: .tambon, store: store)
        XCTAssertTrue(m.isClean, AuditOutput.text(m, .en))
        // The command line uses the store it is given.
        let cli = try eplan(["audit", "boundaries", "--file", file, "--level", "tambon", "--db", path(), "--format", "json"])
        XCTAssertEqual(cli.status, 5, cli.err)
        XCTAssertTrue(cli.out.contains("wrong_parent") && cli.out.contains("gap"), cli.out)
    }

    // MARK: the streaming reader

    func testStreamReadsMembersInAnyOrderAndNamesTheFault() throws {
        let text = "\u{FEFF}{\"features\":[{\"type\":\"Feature\",\"properties\":{\"a\":\"[{\\\"\"},\"geometry\":null},\n"
            + "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}],\"bbox\":[1,2,3,4],"
            + "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:32647\"}},\"type\":\"FeatureCollection\"}\n"
        let s = try GeoJSONFeatureStream(path: try writeFile("order.geojson", text))
        XCTAssertEqual(s.count, 2)
        XCTAssertEqual(try GeoJSONFile.declaredEPSG(s.root, path: "x"), 32647)
        XCTAssertEqual((try s.feature(0)["properties"] as? [String: Any])?["a"] as? String, "[{\"")
        let cases: [(String, String)] = [
            ("{\"type\":\"FeatureCollection\"}", "no \"features\" array"),
            ("{\"type\":\"FeatureCollection\",\"features\":[1,]}", "line 1, column 43"),
            ("{\"type\":\"FeatureCollection\",\n\"features\":[]} x", "line 2"),
            ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\"} {}]}", "',' or ']'"),
            ("{\"type\":\"FeatureCollection\",\"features\":[[]]}", "features[0] is not a Feature"),
        ]
        for (i, (text, expected)) in cases.enumerated() {
            let file = try writeFile("bad\(i).geojson", text)
            let message = refusal { try GeoJSONFeatureStream(path: file).feature(0) }
            XCTAssertTrue(message.contains(expected), "case \(i): \(message)")
        }
        XCTAssertTrue(refusal { try GeoJSONFeatureStream(path: NSTemporaryDirectory()) }.contains("is a folder"), "a folder is said as such (RegularFile)")
    }
}
