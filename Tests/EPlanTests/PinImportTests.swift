import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain

/// `eplan pins import` on field files written here as the devices and programs write them
/// (a Garmin GPX, a Google Earth KML, spreadsheets with UTM and MGRS, a GeoJSON), on a
/// Tak store with อบต.น้ำรึม (P1 building, R1 road, N1 road, D1/D2 of one name) and
/// ทน.แม่สอด (W1 water).
final class PinImportTests: CLITestCase {
    /// Inside น้ำรึม (tambon 630108) and inside แม่สอด (630601).
    let namRuem = (lat: 16.9199105, lon: 99.2177229)
    let namRuem2 = (lat: 16.9215, lon: 99.2190)
    let maeSot = (lat: 16.726455, lon: 98.578715)

    func fixture() throws -> String {
        let db = try pinFixture()
        try openStore(db).insertProjects([
            ProjectRecord(code: "N1", laoCode: "06630108", planYear: 2568, nameTH: "ซ่อมแซม ถนน สายบ้านน้ำรึม", kind: .road, recordedOn: "2025-01-01"),
            ProjectRecord(code: "D1", laoCode: "06630108", planYear: 2568, nameTH: "ศาลาประชาคม", kind: .building, recordedOn: "2025-01-01"),
            ProjectRecord(code: "D2", laoCode: "06630108", planYear: 2569, nameTH: "ศาลาประชาคม", kind: .building, recordedOn: "2025-01-01"),
        ], replace: false, by: "fixture")
        return db
    }

    /// Every stored pin by project code and version, through the store protocol.
    func pinRows(_ db: String) throws -> [String] {
        let store = try openStore(db, readOnly: true)
        return try store.projectCodes().sorted().flatMap { code in
            try store.pinHistory(projectCode: code).map { [code, String($0.version), $0.status.rawValue, $0.rawInput].joined(separator: "|") }
        }
    }

    // MARK: - files as devices write them

    func wpt(_ p: (lat: Double, lon: Double), _ name: String, time: String = "2026-11-28T02:10:11Z") -> String {
        """
          <wpt lat="\(p.lat)" lon="\(p.lon)">
            <ele>118.42</ele>
            <time>\(time)</time>
            <name>\(name)</name>
            <sym>Flag, Blue</sym>
            <extensions>
              <wptx1:WaypointExtension>
                <wptx1:DisplayMode>SymbolAndName</wptx1:DisplayMode>
              </wptx1:WaypointExtension>
            </extensions>
          </wpt>

        """
    }

    /// As an eTrex writes it: namespaces, metadata, elevation and time on every point.
    func garminGPX(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="no" ?>
        <gpx xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxx="http://www.garmin.com/xmlschemas/GpxExtensions/v3" xmlns:wptx1="http://www.garmin.com/xmlschemas/WaypointExtension/v1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" creator="eTrex 32x" version="1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">
          <metadata>
            <link href="http://www.garmin.com">
              <text>Garmin International</text>
            </link>
            <time>2026-11-28T03:12:45Z</time>
          </metadata>
        \(body)</gpx>

        """
    }

    func track(_ name: String, _ points: [(lat: Double, lon: Double)]) -> String {
        let pts = points.enumerated().map { i, p in
            "      <trkpt lat=\"\(p.lat)\" lon=\"\(p.lon)\">\n        <ele>11\(i).2</ele>\n        <time>2026-11-28T02:2\(i):00Z</time>\n      </trkpt>\n"
        }.joined()
        return "  <trk>\n    <name>\(name)</name>\n    <extensions>\n      <gpxx:TrackExtension>\n        <gpxx:DisplayColor>Cyan</gpxx:DisplayColor>\n      </gpxx:TrackExtension>\n    </extensions>\n    <trkseg>\n\(pts)    </trkseg>\n  </trk>\n"
    }

    /// As Google Earth Pro saves "My Places": styles, a style map, a folder, LookAt, ExtendedData.
    func googleEarthKML() -> String {
        let square = [(0.0, 0.0), (0.0004, 0.0), (0.0004, 0.0004), (0.0, 0.0004), (0.0, 0.0)]
            .map { "\(maeSot.lon + $0.0),\(maeSot.lat + $0.1),0" }.joined(separator: " ")
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
        <Document>
        \t<name>สำรวจ 28 พ.ย.kml</name>
        \t<Style id="s_ylw-pushpin"><IconStyle><scale>1.1</scale><Icon><href>http://maps.google.com/mapfiles/kml/pushpin/ylw-pushpin.png</href></Icon><hotSpot x="20" y="2" xunits="pixels" yunits="pixels"/></IconStyle></Style>
        \t<StyleMap id="m_ylw-pushpin"><Pair><key>normal</key><styleUrl>#s_ylw-pushpin</styleUrl></Pair><Pair><key>highlight</key><styleUrl>#s_ylw-pushpin</styleUrl></Pair></StyleMap>
        \t<Folder>
        \t\t<name>โครงการ</name>
        \t\t<open>1</open>
        \t\t<Placemark>
        \t\t\t<name>อาคารอเนกประสงค์</name>
        \t\t\t<ExtendedData><Data name="code"><value>P1</value></Data></ExtendedData>
        \t\t\t<LookAt><longitude>\(namRuem.lon)</longitude><latitude>\(namRuem.lat)</latitude><altitude>0</altitude><heading>0</heading><tilt>0</tilt><range>1000</range><gx:altitudeMode>relativeToSeaFloor</gx:altitudeMode></LookAt>
        \t\t\t<styleUrl>#m_ylw-pushpin</styleUrl>
        \t\t\t<Point><gx:drawOrder>1</gx:drawOrder><coordinates>\(namRuem.lon),\(namRuem.lat),0</coordinates></Point>
        \t\t</Placemark>
        \t\t<Placemark>
        \t\t\t<name>R1</name>
        \t\t\t<styleUrl>#m_ylw-pushpin</styleUrl>
        \t\t\t<LineString><tessellate>1</tessellate><coordinates>
        \t\t\t\t\(namRuem.lon),\(namRuem.lat),0 \(namRuem2.lon),\(namRuem2.lat),0 
        \t\t\t</coordinates></LineString>
        \t\t</Placemark>
        \t\t<Placemark>
        \t\t\t<name>W1</name>
        \t\t\t<Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>\(square)</coordinates></LinearRing></outerBoundaryIs></Polygon>
        \t\t</Placemark>
        \t\t<Placemark>
        \t\t\t<name>N1</name>
        \t\t\t<MultiGeometry><LineString><coordinates>\(namRuem.lon),\(namRuem.lat) \(namRuem.lon + 0.0005),\(namRuem.lat + 0.0005)</coordinates></LineString><LineString><coordinates>\(namRuem2.lon),\(namRuem2.lat) \(namRuem2.lon + 0.0005),\(namRuem2.lat)</coordinates></LineString></MultiGeometry>
        \t\t</Placemark>
        \t</Folder>
        </Document>
        </kml>

        """
    }

    // MARK: - GPX

    func testGarminGPXIsStoredAndTheHistoryNamesTheSource() throws {
        let db = try fixture()
        let gpx = try writeFile("field.gpx", garminGPX(wpt(namRuem, "P1") + wpt(maeSot, "W1") + track("R1", [namRuem, namRuem2])))
        let r = try eplan(["pins", "import", "--db", db, gpx, "--by", "somchai"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("field.gpx#wpt[1]"), r.out)
        XCTAssertTrue(r.out.contains("บันทึก 3 หมุด"), r.out)
        let store = try openStore(db, readOnly: true)
        let p1 = try XCTUnwrap(try store.currentPin(projectCode: "P1"))
        XCTAssertEqual(p1.rawInput, "field.gpx#wpt[1]@9 \"P1\" 16.9199105, 99.2177229")
        XCTAssertEqual(p1.pinnedBy, "somchai")
        XCTAssertEqual(p1.status, .valid)
        XCTAssertEqual(p1.geometry, .point(Coordinate(namRuem.lon, namRuem.lat)))
        let r1 = try XCTUnwrap(try store.currentPin(projectCode: "R1"))
        XCTAssertEqual(r1.geometry.type, .lineString)
        XCTAssertTrue(r1.rawInput.hasPrefix("field.gpx#trk[1]@"), r1.rawInput)
        let history = try eplan(["pins", "history", "--db", db, "P1"])
        XCTAssertTrue(history.out.contains("field.gpx#wpt[1]@9 \"P1\" 16.9199105, 99.2177229"), history.out)
    }

    /// One item outside its LAO (W1 pinned in น้ำรึม) refuses the lot: nothing stored, exit 4.
    func testAPointOutsideStoresNothing() throws {
        let db = try fixture()
        let gpx = try writeFile("field.gpx", garminGPX(wpt(namRuem, "P1") + wpt(namRuem2, "W1")))
        let r = try eplan(["pins", "import", "--db", db, gpx, "--lang", "en"])
        XCTAssertEqual(r.status, 4, r.out + r.err)
        XCTAssertTrue(r.out.contains("refused: the point lies outside"), r.out)
        XCTAssertTrue(r.out.contains("nothing stored"), r.out)
        XCTAssertEqual(try pinRows(db), [])
        // An unknown code is bad input: exit 1, still nothing.
        let bad = try writeFile("bad.gpx", garminGPX(wpt(namRuem, "P1") + wpt(namRuem, "ZZ9")))
        let b = try eplan(["pins", "import", "--db", db, bad, "--lang", "en"])
        XCTAssertEqual(b.status, 1, b.out + b.err)
        XCTAssertTrue(b.out.contains("no project with code 'ZZ9'"), b.out)
        XCTAssertEqual(try pinRows(db), [])
    }

    func testSkipBadStoresTheGoodOnesAndWritesRejects() throws {
        let db = try fixture()
        let gpx = try writeFile("field.gpx", garminGPX(wpt(namRuem, "P1") + wpt(namRuem2, "W1") + wpt(namRuem, "ZZ9")))
        let rejects = path("rejects.csv")
        let r = try eplan(["pins", "import", "--db", db, gpx, "--skip-bad", "--rejects", rejects, "--lang", "en", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(j["stored"] as? Int, 1)
        XCTAssertEqual(j["refused"] as? Int, 1)
        XCTAssertEqual(j["bad"] as? Int, 1)
        let items = try XCTUnwrap(j["items"] as? [[String: Any]])
        XCTAssertEqual(items.map { $0["verdict"] as? String }, ["accepted", "refused", "bad"])
        XCTAssertEqual(items.map { $0["version"] as? Int }, [1, nil, nil])
        XCTAssertEqual(try pinRows(db).map { $0.split(separator: "|")[0] }, ["P1"])
        let table = try CSVTable.read(path: rejects)
        XCTAssertEqual(table.header.fields, ["file", "place", "line", "key", "verdict", "reason_th", "reason_en"])
        XCTAssertEqual(table.rows.map { $0.fields[1] }, ["wpt[2]", "wpt[3]"])
        XCTAssertEqual(table.rows.map { $0.fields[4] }, ["refused", "bad"])
        XCTAssertTrue(table.rows[0].fields[5].hasPrefix("ปฏิเสธ"), table.rows[0].fields[5])
    }

    func testDryRunStoresNothing() throws {
        let db = try fixture()
        let gpx = try writeFile("field.gpx", garminGPX(wpt(namRuem, "P1") + wpt(maeSot, "W1")))
        let r = try eplan(["pins", "import", "--db", db, gpx, "--dry-run"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("--dry-run"), r.out)
        XCTAssertEqual(try pinRows(db), [])
    }

    /// Names are matched after folding white space; two projects of one name are reported, never guessed.
    func testMatchByNameWithAnAmbiguousName() throws {
        let db = try fixture()
        let gpx = try writeFile("names.gpx", garminGPX(wpt(namRuem, "ซ่อมแซม  ถนน\tสายบ้านน้ำรึม") + wpt(namRuem2, "ศาลาประชาคม")
                                                       + wpt(namRuem2, "ไม่มีโครงการนี้")))
        let r = try eplan(["pins", "import", "--db", db, gpx, "--match", "name", "--lang", "en"])
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("matches 2 projects (D1, D2)"), r.out)
        XCTAssertTrue(r.out.contains("no project named 'ไม่มีโครงการนี้'"), r.out)
        XCTAssertEqual(try pinRows(db), [])
        let s = try eplan(["pins", "import", "--db", db, gpx, "--match", "name", "--skip-bad"])
        XCTAssertEqual(s.status, 0, s.out + s.err)
        let rows = try pinRows(db)
        XCTAssertEqual(rows.count, 1)
        // A road pinned as a point: stored with the kind-of-work warning, as `eplan pin` does.
        XCTAssertTrue(rows[0].hasPrefix("N1|1|warning|names.gpx#wpt[1]@9 \"ซ่อมแซม ถนน สายบ้านน้ำรึม\" 16.9199105"), rows[0])
    }

    func testMalformedXMLGivesLineAndColumn() throws {
        let db = try fixture()
        let broken = garminGPX(wpt(namRuem, "P1")).replacingOccurrences(of: "</name>", with: "</nam>")
        let gpx = try writeFile("broken.gpx", broken)
        let r = try eplan(["pins", "import", "--db", db, gpx, "--lang", "en"])
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("malformed XML at line 12, column 19: an end tag does not match its start tag"), r.out)
        let empty = try writeFile("empty.gpx", garminGPX(""))
        let e = try eplan(["pins", "import", "--db", db, empty, "--lang", "en"])
        XCTAssertEqual(e.status, 1, e.out + e.err)
        XCTAssertTrue(e.out.contains("no waypoints (wpt), routes (rte) or tracks (trk)"), e.out)
    }

    /// Thousands of items are located through bulk indexes (`BulkPlaces`); a few one by one
    /// (`PlaceLookup`). Both give the same verdicts and messages, "where it really lies" too:
    /// inside, a warning, refused in another LAO's tambon, refused outside every tambon.
    func testBulkAndOneByOneGiveTheSameVerdicts() throws {
        let db = try fixture()
        let bangkok = (lat: 13.7563, lon: 100.5018), takWest = (lat: 16.5, lon: 98.75)
        let gpx = try writeFile("mixed.gpx", garminGPX(wpt(namRuem, "P1") + wpt(maeSot, "P1") + wpt(maeSot, "W1") + wpt(namRuem2, "R1")
                                                     + wpt(bangkok, "W1") + wpt(takWest, "N1") + wpt(namRuem, "D1")))
        let store = try openStore(db, readOnly: true)
        let context = RequestContext(actor: Actor(name: "tester", role: .local), language: .en)
        let request = ImportPinsRequest(files: [gpx], dryRun: true)
        let single = try ImportPins(store: store, context: context).run(request)
        var bulkImport = ImportPins(store: store, context: context)
        bulkImport.bulkFrom = 1
        let bulk = try bulkImport.run(request)
        XCTAssertEqual(single.items.map(\.verdict), [.accepted, .refused, .accepted, .warning, .refused, .refused, .accepted])
        XCTAssertTrue(single.items[1].reason.en.contains("this point lies in tambon"), single.items[1].reason.en)
        XCTAssertTrue(single.items[4].reason.en.contains("this point lies in no tambon of the store"), single.items[4].reason.en)
        XCTAssertEqual(bulk.items.map(\.verdict), single.items.map(\.verdict))
        XCTAssertEqual(bulk.items.map(\.reason), single.items.map(\.reason))
        XCTAssertEqual(bulk.items.map(\.messages), single.items.map(\.messages))
    }

    // MARK: - KML, CSV, GeoJSON

    func testGoogleEarthKML() throws {
        let db = try fixture()
        let kml = try writeFile("survey.kml", googleEarthKML())
        let r = try eplan(["pins", "import", "--db", db, kml, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        let store = try openStore(db, readOnly: true)
        XCTAssertEqual(try store.currentPin(projectCode: "P1")?.rawInput, "survey.kml#Placemark[1]@10 \"P1\" 16.9199105, 99.2177229")
        XCTAssertEqual(try store.currentPin(projectCode: "R1")?.geometry.type, .lineString)
        XCTAssertEqual(try store.currentPin(projectCode: "W1")?.geometry.type, .polygon)
        XCTAssertEqual(try store.currentPin(projectCode: "N1")?.geometry.type, .multiLineString)
    }

    func testCSVWithUTMMGRSAndASequencedLine() throws {
        let db = try fixture()
        let csv = try writeFile("readings.csv", """
            code,coordinate,note
            P1,47N 523185 1870708,หน้าอาคาร
            W1,47QMU5509249342,ประปา

            """)
        let r = try eplan(["pins", "import", "--db", db, csv, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        let store = try openStore(db, readOnly: true)
        let p1 = try XCTUnwrap(try store.currentPin(projectCode: "P1"))
        XCTAssertEqual(p1.inputCRS, 32647)
        XCTAssertEqual(p1.rawInput, "readings.csv#line 2 \"P1\" 47N 523185 1870708")
        XCTAssertEqual(try store.currentPin(projectCode: "W1")?.status, .valid)
        // Rows of one code with a seq column: one line, in seq order (Thai digits read too).
        let road = try writeFile("road.csv", """
            code,seq,lat,lon
            R1,๒,\(namRuem2.lat),\(namRuem2.lon)
            R1,1,\(namRuem.lat),\(namRuem.lon)

            """)
        let l = try eplan(["pins", "import", "--db", db, road])
        XCTAssertEqual(l.status, 0, l.out + l.err)
        XCTAssertEqual(try store.currentPin(projectCode: "R1")?.geometry,
                       .lineString([Coordinate(namRuem.lon, namRuem.lat), Coordinate(namRuem2.lon, namRuem2.lat)]))
    }

    func testGeoJSONFeatureCollection() throws {
        let db = try fixture()
        let file = try writeFile("sites.geojson", """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"code":"P1","name":"อาคารอเนกประสงค์"},"geometry":{"type":"Point","coordinates":[\(namRuem.lon),\(namRuem.lat)]}},
             {"type":"Feature","properties":{"code":"W1"},"geometry":{"type":"Point","coordinates":[\(maeSot.lon),\(maeSot.lat)]}}]}
            """)
        let r = try eplan(["pins", "import", "--db", db, file])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertEqual(try pinRows(db).map { String($0.prefix(2)) }, ["P1", "W1"])
    }

    // MARK: - GDAL reads the same files

    /// ogrinfo's feature counts: GPX's waypoints, routes and tracks layers; every KML layer.
    func ogrFeatureCount(_ file: String, layers: Set<String>?) throws -> Int {
        let r = try run("ogrinfo", ["-ro", "-al", "-so", file])
        XCTAssertEqual(r.status, 0, r.err)
        var total = 0, layer = ""
        for line in r.out.split(separator: "\n") {
            if line.hasPrefix("Layer name: ") { layer = String(line.dropFirst("Layer name: ".count)) }
            if line.hasPrefix("Feature Count: "), layers?.contains(layer) ?? true {
                total += Int(line.dropFirst("Feature Count: ".count)) ?? 0
            }
        }
        return total
    }

    func testOGRInfoFindsTheSameFeatures() throws {
        let gpx = try writeFile("field.gpx", garminGPX(wpt(namRuem, "P1") + wpt(maeSot, "W1") + track("R1", [namRuem, namRuem2])))
        let kml = try writeFile("survey.kml", googleEarthKML())
        XCTAssertEqual(try GPXReader.read(gpx).count, 3)
        XCTAssertEqual(try ogrFeatureCount(gpx, layers: ["waypoints", "routes", "tracks"]), 3)
        XCTAssertEqual(try KMLReader.read(kml).count, 4)
        XCTAssertEqual(try ogrFeatureCount(kml, layers: nil), 4)
    }
}

/// KMZ: a KML zipped by Info-ZIP's `zip` (deflated, and stored), read through zlib.
extension PinImportTests {
    func zip(_ archive: String, _ files: [String], store: Bool = false) throws {
        let r = try run("zip", ["-q", "-j"] + (store ? ["-0"] : []) + [archive] + files)
        XCTAssertEqual(r.status, 0, r.err)
    }

    func testKMZIsReadLikeItsKML() throws {
        let db = try fixture()
        let doc = try writeFile("doc.kml", googleEarthKML())
        let icon = try writeFile("icon.png", String(repeating: "not really a png ", count: 50))
        let kmz = path("survey.kmz")
        try zip(kmz, [doc, icon])
        XCTAssertEqual(try KMLReader.readKMZ(kmz).count, 4)
        let stored = path("stored.kmz")
        try zip(stored, [icon, doc], store: true)
        XCTAssertEqual(try KMLReader.readKMZ(stored).map(\.code), ["P1", "R1", "W1", "N1"])
        // GDAL reads the same KMZ (its LIBKML driver, or the KML inside through /vsizip/).
        var ogr = try run("ogrinfo", ["-ro", "-al", "-so", kmz])
        if ogr.status != 0 { ogr = try run("ogrinfo", ["-ro", "-al", "-so", "/vsizip/" + kmz + "/doc.kml"]) }
        XCTAssertEqual(ogr.status, 0, ogr.err)
        let count = ogr.out.split(separator: "\n").filter { $0.hasPrefix("Feature Count: ") }
            .compactMap { Int($0.dropFirst("Feature Count: ".count)) }.reduce(0, +)
        XCTAssertEqual(count, 4, ogr.out)
        let r = try eplan(["pins", "import", "--db", db, kmz, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        let p1 = try XCTUnwrap(try openStore(db, readOnly: true).currentPin(projectCode: "P1"))
        XCTAssertEqual(p1.rawInput, "survey.kmz#Placemark[1]@10 \"P1\" 16.9199105, 99.2177229")
    }

    func testKMZWithoutKMLDamagedOrNotAZip() throws {
        let icon = try writeFile("icon.png", String(repeating: "x", count: 300))
        let noKML = path("empty.kmz")
        try zip(noKML, [icon])
        XCTAssertTrue((expectError(try KMLReader.readKMZ(noKML)) as? FieldDataError)?.message.en.contains("holds no KML file (it holds icon.png)") ?? false)
        let doc = try writeFile("doc.kml", googleEarthKML())
        let kmz = path("bad.kmz")
        try zip(kmz, [doc])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: kmz)))
        bytes[30 + "doc.kml".count + 40] ^= 0xFF   // inside the deflated data
        try Data(bytes).write(to: URL(fileURLWithPath: kmz))
        let e = (expectError(try KMLReader.readKMZ(kmz)) as? FieldDataError)?.message.en ?? ""
        XCTAssertTrue(e.contains("the zip file is damaged at doc.kml"), e)
        let notZip = try writeFile("plain.kmz", "<kml/>")
        XCTAssertTrue((expectError(try KMLReader.readKMZ(notZip)) as? FieldDataError)?.message.en.contains("not a zip file") ?? false)
    }
}

/// Geotagged photos: JPEGs made by GDAL and tagged by exiftool (as a phone tags them), read through libexif.
extension PinImportTests {
    /// An 8×8 grey JPEG from GDAL, then EXIF tags written by exiftool.
    func photo(_ name: String, _ tags: [String]) throws -> String {
        let grid = try writeFile(name + ".asc", "ncols 8\nnrows 8\nxllcorner 0\nyllcorner 0\ncellsize 1\n"
                                 + String(repeating: String(repeating: "120 ", count: 8) + "\n", count: 8))
        let jpeg = path(name)
        let g = try run("gdal_translate", ["-q", "-of", "JPEG", "-ot", "Byte", grid, jpeg])
        XCTAssertEqual(g.status, 0, g.err)
        if !tags.isEmpty {
            let e = try run("exiftool", ["-q", "-overwrite_original"] + tags + [jpeg])
            XCTAssertEqual(e.status, 0, e.err)
        }
        return jpeg
    }

    func testGeotaggedPhotosAndOnesWithoutAPosition() throws {
        let db = try fixture()
        let gps = ["-GPSLatitude=\(namRuem.lat)", "-GPSLatitudeRef=N", "-GPSLongitude=\(namRuem.lon)", "-GPSLongitudeRef=E"]
        let tagged = try photo("IMG_0001.jpg", gps + ["-GPSImgDirection=135", "-GPSImgDirectionRef=T",
                                                      "-DateTimeOriginal=2026:11:28 10:11:12", "-ImageDescription=P1"])
        let byName = try photo("W1.jpg", ["-GPSLatitude=\(maeSot.lat)", "-GPSLatitudeRef=N", "-GPSLongitude=\(maeSot.lon)", "-GPSLongitudeRef=E"])
        let noGPS = try photo("R1.jpg", ["-DateTimeOriginal=2026:11:28 10:15:00"])
        let tokyo = try photo("N1.jpg", gps + ["-GPSMapDatum=TOKYO"])
        let items = try PhotoReader.read(tagged)
        guard case .wgs84(.point(let p))? = items.first?.shape else { return XCTFail("no point: \(items)") }
        XCTAssertEqual(p.y, namRuem.lat, accuracy: 1e-6)
        XCTAssertEqual(p.x, namRuem.lon, accuracy: 1e-6)
        XCTAssertEqual(try PhotoReader.read(byName).first?.code, "W1")
        let r = try eplan(["pins", "import", "--db", db, tagged, byName, noGPS, tokyo, "--skip-bad", "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("R1.jpg#exif        R1  -   bad"), r.out)
        XCTAssertTrue(r.out.contains("the photo has no GPS position in its EXIF"), r.out)
        XCTAssertTrue(r.out.contains("the datum 'TOKYO', which is not known"), r.out)
        let store = try openStore(db, readOnly: true)
        let p1 = try XCTUnwrap(try store.currentPin(projectCode: "P1"))
        XCTAssertTrue(p1.rawInput.hasPrefix("IMG_0001.jpg#exif \"P1\" 16.91991"), p1.rawInput)
        XCTAssertTrue(p1.rawInput.hasSuffix(" taken 2026:11:28 10:11:12 facing 135° true"), p1.rawInput)
        XCTAssertEqual(try store.currentPin(projectCode: "W1")?.status, .valid)
        XCTAssertNil(try store.currentPin(projectCode: "R1"))
        XCTAssertNil(try store.currentPin(projectCode: "N1"))
    }
}
