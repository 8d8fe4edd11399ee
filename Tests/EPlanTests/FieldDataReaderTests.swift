import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain

/// The field-file readers on their own (pure parsing), and the import use case called
/// directly, as the service will call it.
final class FieldDataReaderTests: CLITestCase {
    func testGPXRoutesAndTracksOfSeveralSegmentsAreLines() throws {
        let gpx = try writeFile("r.gpx", """
            <?xml version="1.0"?>
            <gpx version="1.1" creator="OsmAnd" xmlns="http://www.topografix.com/GPX/1/1">
              <rte><name>R1</name><rtept lat="16.91" lon="99.21"/><rtept lat="16.92" lon="99.22"/></rte>
              <trk><name>R2</name>
                <trkseg><trkpt lat="16.91" lon="99.21"/><trkpt lat="16.92" lon="99.21"/></trkseg>
                <trkseg><trkpt lat="16.93" lon="99.21"/><trkpt lat="16.94" lon="99.21"/></trkseg>
              </trk>
              <wpt lat="north" lon="99.2"><name>P9</name></wpt>
            </gpx>
            """)
        let items = try GPXReader.read(gpx)
        XCTAssertEqual(items.map(\.place), ["wpt[1]", "rte[1]", "trk[1]"])
        XCTAssertEqual(items.map(\.line), [8, 3, 4])
        XCTAssertNil(items[0].shape)
        XCTAssertEqual(items[0].problem?.en, "wpt[1] line 8: <wpt> has no numeric lat/lon (lat=\"north\" lon=\"99.2\")")
        guard case .wgs84(let route)? = items[1].shape, case .wgs84(let track)? = items[2].shape else { return XCTFail("no shapes") }
        XCTAssertEqual(route, .lineString([Coordinate(99.21, 16.91), Coordinate(99.22, 16.92)]))
        XCTAssertEqual(track.type, .multiLineString)
        XCTAssertEqual(items[2].code, "R2")
    }

    func testKMLHolesMixedMultiGeometryAndNoPlacemark() throws {
        let kml = try writeFile("k.kml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <kml xmlns="http://www.opengis.net/kml/2.2"><Document>
            <Placemark><name>W1</name><ExtendedData><SchemaData schemaUrl="#s"><SimpleData name="budget">500000</SimpleData></SchemaData></ExtendedData>
            <Polygon><outerBoundaryIs><LinearRing><coordinates>99,16 99.1,16 99.1,16.1 99,16.1 99,16</coordinates></LinearRing></outerBoundaryIs>
            <innerBoundaryIs><LinearRing><coordinates>99.02,16.02 99.03,16.02 99.03,16.03 99.02,16.02</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark>
            <Placemark><name>X</name><MultiGeometry><Point><coordinates>99,16</coordinates></Point><LineString><coordinates>99,16 99.1,16</coordinates></LineString></MultiGeometry></Placemark>
            <Placemark><name>Y</name><Point><coordinates>99;16</coordinates></Point></Placemark>
            </Document></kml>
            """)
        let items = try KMLReader.read(kml)
        guard case .wgs84(.polygon(let p))? = items[0].shape else { return XCTFail("no polygon") }
        XCTAssertEqual(p.rings.count, 2)
        XCTAssertEqual(items[0].fields["budget"], "500000")
        XCTAssertTrue(items[1].problem?.en.contains("must be all lines or all polygons") ?? false, "\(String(describing: items[1].problem))")
        XCTAssertEqual(items[2].problem?.en, "line 7: the coordinate '99;16' cannot be read (it must be longitude,latitude[,altitude])")
        let empty = try writeFile("e.kml", "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>x</name></Document></kml>")
        XCTAssertTrue((expectError(try KMLReader.read(empty)) as? FieldDataError)?.message.en.contains("no Placemark") ?? false)
        let notKML = try writeFile("n.kml", "<gpx/>")
        XCTAssertTrue((expectError(try KMLReader.read(notKML)) as? FieldDataError)?.message.en.contains("not a KML file") ?? false)
    }

    func testCSVZoneColumnsWKTAndABadCell() throws {
        let utm = try writeFile("u.csv", "code,zone,easting,northing\nP1,47,523185,1870708\nP2,47,,1870708\n")
        let items = try FieldCSVReader.read(utm)
        guard case .parsed(let ps)? = items[0].shape else { return XCTFail("no point") }
        XCTAssertEqual(ps[0].crs.epsg, 32647)
        XCTAssertEqual(items[1].problem?.en, "line 3: the easting column is empty")
        let wkt = try writeFile("w.csv", "project,wkt\nR1,\"LINESTRING (99.21 16.91, 99.22 16.92)\"\n")
        guard case .wkt(let text)? = try FieldCSVReader.read(wkt)[0].shape else { return XCTFail("no WKT") }
        XCTAssertEqual(text, "LINESTRING (99.21 16.91, 99.22 16.92)")
        let none = try writeFile("x.csv", "code,note\nP1,x\n")
        XCTAssertTrue((expectError(try FieldCSVReader.read(none)) as? FieldDataError)?.message.en.contains("no coordinate columns") ?? false)
        let dms = try writeFile("d.csv", "code,พิกัด\nP1,\"16°55'11.7\"\"N 99°13'03.8\"\"E\"\n")
        guard case .parsed(let d)? = try FieldCSVReader.read(dms)[0].shape else { return XCTFail("no DMS point") }
        XCTAssertEqual(d[0].native.y, 16.919917, accuracy: 1e-5)
    }

    func testGeoJSONInAnotherCRSIsRefused() throws {
        let f = try writeFile("u.geojson", """
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32647"}},
             "features":[{"type":"Feature","properties":{"code":"P1"},"geometry":{"type":"Point","coordinates":[523185,1870708]}}]}
            """)
        XCTAssertTrue((expectError(try FieldGeoJSONReader.read(f)) as? FieldDataError)?.message.en.contains("declares EPSG:32647") ?? false)
    }

    /// The use case as the service will call it: an LAO's engineer may import only its own
    /// LAO's projects; W1 (แม่สอด) is bad for an engineer of น้ำรึม, and nothing is stored.
    func testUseCaseKeepsAnEngineerToTheirLAO() throws {
        let db = try pinFixture()
        let file = try writeFile("s.geojson", """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"code":"P1"},"geometry":{"type":"Point","coordinates":[99.2177229,16.9199105]}},
             {"type":"Feature","properties":{"code":"W1"},"geometry":{"type":"Point","coordinates":[98.578715,16.726455]}}]}
            """)
        let store = try Store(path: db)
        let engineer = RequestContext(actor: Actor(name: "somchai", role: .engineer, laoCode: "06630108"), language: .en)
        let result = try ImportPins(store: store, context: engineer).run(ImportPinsRequest(files: [file]))
        XCTAssertEqual(result.items.map(\.verdict), [.accepted, .bad])
        XCTAssertEqual(result.items[1].reason.en, "account somchai may not pin projects of LAO 03630601")
        XCTAssertEqual(result.storedCount, 0)
        XCTAssertTrue(result.heldBack)
        let skip = try ImportPins(store: store, context: engineer).run(ImportPinsRequest(files: [file], skipBad: true))
        XCTAssertEqual(skip.items.map { $0.stored?.version }, [1, nil])
        XCTAssertEqual(try store.pinHistory(projectCode: "P1").first?.pinnedBy, "somchai")
    }
}
