import XCTest
@testable import EPlanStore
import EPlanGeometry

/// Interoperability with the real tools: the spatialite CLI (SpatiaLite 5) and GDAL's ogrinfo.
/// Each test is skipped, saying why, when its tool is not installed.
final class StoreSpatialiteTests: StoreTestCase {
    /// A store with one province, one amphoe and the 100-cell tambon grid.
    func makeStore() throws -> Store {
        let store = try Store(path: path())
        try store.replaceBoundaries(level: .province, records: [box(.province, "10", 100, 13, 101, 14)], source: "t")
        try store.replaceBoundaries(level: .amphoe, records: [box(.amphoe, "1001", 100, 13, 101, 14, parent: "10"),
                                                             box(.amphoe, "1002", 101, 13, 102, 14, parent: "10")], source: "t")
        var grid = tambonGrid()
        grid[0].geometry = .multiPolygon([StoreSamples.square, StoreSamples.withHole])
        try store.replaceBoundaries(level: .tambon, records: grid, source: "t")
        return store
    }

    func spatialite(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try run("spatialite", ["-silent", path(), sql])
        XCTAssertEqual(r.status, 0, r.err, file: file, line: line)
        XCTAssertFalse(r.err.lowercased().contains("error"), r.err, file: file, line: line)
        return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// WKT the way SpatiaLite's AsText writes it (", " separators, 15 significant digits).
    func spatialiteWKT(_ g: Geometry) -> String {
        func num(_ d: Double) -> String { String(format: "%.15g", d) }
        func pts(_ cs: [Coordinate]) -> String { "(" + cs.map { "\(num($0.x)) \(num($0.y))" }.joined(separator: ", ") + ")" }
        func poly(_ p: Polygon) -> String { "(" + p.rings.map(pts).joined(separator: ", ") + ")" }
        switch g {
        case .multiPolygon(let ps): return "MULTIPOLYGON(" + ps.map(poly).joined(separator: ", ") + ")"
        case .polygon(let p): return "POLYGON" + poly(p)
        default: fatalError("not needed")
        }
    }

    func testCheckSpatialMetaDataSaysSpatiaLite4() throws {
        _ = try makeStore()
        XCTAssertEqual(try spatialite("SELECT CheckSpatialMetaData();"), "3")
        XCTAssertEqual(try spatialite("SELECT CheckSpatialIndex('tambon', 'geom');"), "1")
        XCTAssertEqual(try spatialite("SELECT srid, auth_srid, ref_sys_name FROM spatial_ref_sys WHERE srid = 24047;"),
                       "24047|24047|Indian 1975 / UTM zone 47N")
    }

    func testSpatiaLiteReadsOurBlobs() throws {
        let store = try makeStore()
        let out = try spatialite("SELECT code, AsText(geom), ST_IsValid(geom), ST_Srid(geom) FROM tambon ORDER BY code;")
        let expected = try store.boundaries(level: .tambon).map { "\($0.code)|\(spatialiteWKT($0.geometry))|1|4326" }
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 100)
        for (got, want) in zip(lines, expected) { XCTAssertEqual(got, want) }
    }

    func testSpatiaLiteWritesAndOurIndexAndCodecFollow() throws {
        _ = try makeStore()
        let wkt = "MULTIPOLYGON(((98.5 18.75, 99 18.75, 99 19.25, 98.5 18.75)), ((97 17, 97.5 17, 97.5 17.5, 97 17)))"
        _ = try spatialite("""
            INSERT INTO tambon (code, amphoe_code, province_code, name_th, imported_at, geom)
            VALUES ('500101', '5001', '50', 'ศรีภูมิ', 'now', GeomFromText('\(wkt)', 4326));
            UPDATE tambon SET geom = GeomFromText('MULTIPOLYGON(((90 10, 91 10, 91 11, 90 10)))', 4326) WHERE code = '100150';
            DELETE FROM tambon WHERE code IN ('100160', '100161');
            UPDATE tambon SET geom = ST_Multi(ST_Buffer(ST_Centroid(geom), 0.01)) WHERE code = '100170';
            """)
        XCTAssertEqual(try spatialite("SELECT CheckSpatialIndex('tambon', 'geom');"), "1")

        let store = try Store(path: path())
        try assertIndexInStep(store.database, "tambon")
        let written = try XCTUnwrap(store.boundary(level: .tambon, code: "500101"))
        XCTAssertEqual(written.geometry, .multiPolygon([
            Polygon(exterior: [Coordinate(98.5, 18.75), Coordinate(99, 18.75), Coordinate(99, 19.25), Coordinate(98.5, 18.75)]),
            Polygon(exterior: [Coordinate(97, 17), Coordinate(97.5, 17), Coordinate(97.5, 17.5), Coordinate(97, 17)]),
        ]))
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(98.9, 18.8)).map(\.code), ["500101"])
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(90.5, 10.2)).map(\.code), ["100150"])
        XCTAssertEqual(try store.count(level: .tambon), 99)
        let buffered = try XCTUnwrap(store.boundary(level: .tambon, code: "100170"))
        XCTAssertGreaterThan(buffered.geometry.coordinateCount, 20)

        // Every point, line and collection spatialite writes decodes to the same WKT.
        for (sql, g) in [
            ("POINT(100.5 13.75)", Geometry.point(Coordinate(100.5, 13.75))),
            ("LINESTRING(1 2, 3.5 4)", .lineString([Coordinate(1, 2), Coordinate(3.5, 4)])),
            ("MULTIPOINT(1 2, 3 4)", .multiPoint([Coordinate(1, 2), Coordinate(3, 4)])),
            ("MULTILINESTRING((0 0, 1 1), (2 2, 3 3))", .multiLineString([[Coordinate(0, 0), Coordinate(1, 1)], [Coordinate(2, 2), Coordinate(3, 3)]])),
            ("GEOMETRYCOLLECTION(POINT(5 6), LINESTRING(0 0, 1 0))", .geometryCollection([.point(Coordinate(5, 6)), .lineString([Coordinate(0, 0), Coordinate(1, 0)])])),
        ] {
            let hex = try spatialite("SELECT hex(GeomFromText('\(sql)', 32648));")
            let bytes = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
                let s = hex.index(hex.startIndex, offsetBy: i)
                return UInt8(hex[s..<hex.index(s, offsetBy: 2)], radix: 16)!
            }
            let decoded = try SpatiaLiteBlob.decode(bytes)
            XCTAssertEqual(decoded.geometry, g, sql)
            XCTAssertEqual(decoded.srid, 32648)
            XCTAssertEqual(SpatiaLiteBlob.encode(g, srid: 32648), bytes, "our bytes equal spatialite's for \(sql)")
        }
    }

    func testOgrinfoListsBoundaryLayers() throws {
        _ = try makeStore()
        let all = try run("ogrinfo", ["-ro", "-q", path()])
        XCTAssertEqual(all.status, 0, all.err)
        let layers = all.out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in ["province", "amphoe", "tambon"] {
            XCTAssertTrue(layers.contains { $0.hasSuffix(": \(name) (Multi Polygon)") }, all.out)
        }
        // Internal tables are never spatial layers.
        XCTAssertFalse(layers.contains { $0.contains("idx_") || $0.contains("spatial_ref_sys") || $0.contains("geometry_columns") }, all.out)
        XCTAssertFalse(layers.contains { $0.contains("boundary_import") && $0.contains("Polygon") }, all.out)

        for (name, count) in [("province", 1), ("amphoe", 2), ("tambon", 100)] {
            let r = try run("ogrinfo", ["-ro", "-so", path(), name])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertTrue(r.out.contains("Geometry: Multi Polygon"), r.out)
            XCTAssertTrue(r.out.contains("Feature Count: \(count)\n"), r.out)
            XCTAssertTrue(r.out.contains("ID[\"EPSG\",4326]]") || r.out.contains("AUTHORITY[\"EPSG\",\"4326\"]]"), r.out)
        }
    }

    /// QGIS/spatialite users may rebuild the index; SpatiaLite then rewrites the triggers with
    /// RTreeAlign, GeometryConstraints and geometry_columns_time. We must still write correctly.
    func testStillWritableAfterSpatiaLiteRewritesTriggers() throws {
        _ = try makeStore()
        _ = try spatialite("SELECT DisableSpatialIndex('tambon', 'geom'); DROP TABLE idx_tambon_geom; SELECT CreateSpatialIndex('tambon', 'geom');")
        let triggers = try spatialite("SELECT group_concat(sql) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tambon';")
        XCTAssertTrue(triggers.contains("RTreeAlign") && triggers.contains("GeometryConstraints"), triggers)

        let store = try Store(path: path())
        try store.replaceBoundaries(level: .tambon, records: tambonGrid(prefix: "7007").prefix(40), source: "after rebuild")
        try assertIndexInStep(store.database, "tambon")
        XCTAssertEqual(try store.candidates(level: .tambon, containing: Coordinate(100.05, 13.05)).map(\.code), ["700700"])
        // SpatiaLite's type check now refuses a point in a MULTIPOLYGON column, in our connection too.
        let point = try XCTUnwrap(SpatiaLiteBlob.encode(.point(Coordinate(1, 1)), srid: 4326))
        XCTAssertThrowsError(try store.database.execute(
            "UPDATE tambon SET geom = ? WHERE code = '700701'", [.blob(point)]))
        XCTAssertEqual(try spatialite("SELECT CheckSpatialIndex('tambon', 'geom');"), "1")
    }
}
