import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanStore

/// The store as other GIS programs see it (issues 9 and 15), through the real clients:
/// QGIS's native `spatialite` provider (python3-qgis, headless), the `spatialite` CLI and
/// GDAL's ogr2ogr. Each test skips, saying why, when its client is not installed.
final class StoreGISClientTests: CLITestCase {
    /// A Tak store (`eplan init`) with two projects of อบต.น้ำรึม; P1 pinned twice (two
    /// versions, one current), R1 pinned once as a line.
    func pinnedStore() throws -> String {
        let db = try initStore()
        try Store(path: db).database.execute("""
            INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at) VALUES
              ('P1', '06630108', 2568, 'อาคารอเนกประสงค์', 'building', '2025-01-01', '2025-01-01'),
              ('R1', '06630108', 2568, 'ถนนคอนกรีตเสริมเหล็ก', 'road', '2025-01-01', '2025-01-01');
            """)
        for args in [["P1", "16.9199105, 99.2177229"], ["P1", "16.92, 99.2177229"], ["R1", "16.92, 99.21", "16.921, 99.215"]] {
            let r = try eplan(["pin", "--db", db, "--by", "test"] + args)
            XCTAssertEqual(r.status, 0, r.err)
        }
        return db
    }

    func spatialite(_ db: String, _ sql: String) throws -> (status: Int32, out: String, err: String) {
        let r = try run("spatialite", ["-silent", db, sql])
        return (r.status, r.out.trimmingCharacters(in: .whitespacesAndNewlines), r.err)
    }

    /// Runs a PyQGIS script headless (offscreen Qt) with `args`; its stdout is one JSON object per line.
    func qgis(_ script: String, _ args: [String]) throws -> [[String: Any]] {
        let python = try qgisPython()
        let file = try writeFile("script-\(UUID().uuidString).py", """
            import sys, json
            from qgis.core import QgsApplication, QgsVectorLayer, QgsDataSourceUri, QgsFeature, QgsGeometry, QgsPointXY, QgsWkbTypes
            QgsApplication.setPrefixPath("/usr", True)
            app = QgsApplication([], False)
            app.initQgis()
            def layer(db, table):
                u = QgsDataSourceUri()
                u.setDatabase(db)
                u.setDataSource("", table, "geom")
                return QgsVectorLayer(u.uri(), table, "spatialite")
            def out(**kw):
                print(json.dumps(kw), flush=True)
            \(script)
            """)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [file] + args
        var env = ProcessInfo.processInfo.environment
        env["QT_QPA_PLATFORM"] = "offscreen"
        env["XDG_RUNTIME_DIR"] = dir.path
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: e, as: UTF8.self))
        return String(decoding: o, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Each geometry table's row count and exact extent, from our own BLOB headers.
    func expectedLayers(_ db: String) throws -> [String: (count: Int, extent: [Double])] {
        let store = try Store(path: db, readOnly: true)
        var out: [String: (Int, [Double])] = [:]
        for table in ["province", "amphoe", "tambon", "lao", "pin"] {
            try store.database.query("""
                SELECT count(*), min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom)) FROM \(table)
                """) { r in out[table] = (r.int(0), [r.double(1), r.double(2), r.double(3), r.double(4)]) }
        }
        return out
    }

    func assertExtent(_ got: Any?, _ want: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let g = got as? [Double], g.count == 4 else { return XCTFail("\(what): no extent in \(String(describing: got))", file: file, line: line) }
        for (a, b) in zip(g, want) { XCTAssertEqual(a, b, accuracy: 1e-9, "\(what) extent \(g) vs \(want)", file: file, line: line) }
    }

    // MARK: QGIS

    func testQGISSpatiaLiteProviderLoadsEveryGeometryTable() throws {
        let db = try pinnedStore()
        let rows = try qgis("""
            for t in sys.argv[2:]:
                l = layer(sys.argv[1], t)
                p = l.dataProvider()
                e, pe = l.extent(), p.extent()
                out(table=t, valid=l.isValid(), spatial=l.isSpatial(), count=l.featureCount(), crs=l.crs().authid(),
                    extent=[e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()], provider_crs=p.crs().authid(),
                    provider_extent=[pe.xMinimum(), pe.yMinimum(), pe.xMaximum(), pe.yMaximum()])
            """, [db, "province", "amphoe", "tambon", "lao", "pin"])
        let expected = try expectedLayers(db)
        XCTAssertEqual(rows.count, 5, "\(rows)")
        XCTAssertEqual(expected["tambon"]?.count, 63)
        XCTAssertEqual(expected["lao"]?.count, 69)
        XCTAssertEqual(expected["pin"]?.count, 3)
        for row in rows {
            let table = row["table"] as? String ?? "?"
            let want = try XCTUnwrap(expected[table])
            XCTAssertEqual(row["valid"] as? Bool, true, "\(table): \(row)")
            XCTAssertEqual(row["count"] as? Int, want.count, table)
            XCTAssertEqual(row["provider_crs"] as? String, "EPSG:4326", table)
            assertExtent(row["provider_extent"], want.extent, table)
            if table == "pin" {
                // pin is a GEOMETRY column (points, lines and polygons): QGIS 3.22's spatialite
                // provider opens it (rows, CRS, extent above) but, as for any SpatiaLite
                // GEOMETRY column, gives the map layer no single geometry type. By kind below.
                continue
            }
            XCTAssertEqual(row["spatial"] as? Bool, true, table)
            XCTAssertEqual(row["crs"] as? String, "EPSG:4326", table)
            assertExtent(row["extent"], want.extent, table)
        }
    }

    /// Pins on the map in QGIS's spatialite provider: one query layer per kind, as the
    /// README tells GIS staff (the provider finds the type from the rows).
    func testQGISShowsPinsByKindThroughQueryLayers() throws {
        let db = try pinnedStore()
        let kinds = ["Point": "'POINT', 'MULTIPOINT'", "LineString": "'LINESTRING', 'MULTILINESTRING'"]
        let rows = try qgis("""
            for kind, names in [("Point", sys.argv[2]), ("LineString", sys.argv[3])]:
                u = QgsDataSourceUri()
                u.setDatabase(sys.argv[1])
                u.setDataSource("", "(SELECT * FROM pin WHERE GeometryType(geom) IN (%s))" % names, "geom", "", "id")
                l = QgsVectorLayer(u.uri(), "pin " + kind, "spatialite")
                e = l.extent()
                out(kind=kind, valid=l.isValid(), spatial=l.isSpatial(), type=QgsWkbTypes.displayString(l.wkbType()),
                    count=l.featureCount(), crs=l.crs().authid(), extent=[e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()])
            """, [db, kinds["Point"]!, kinds["LineString"]!])
        XCTAssertEqual(rows.count, 2, "\(rows)")
        let store = try Store(path: db, readOnly: true)
        for row in rows {
            let kind = row["kind"] as? String ?? "?"
            var want = (0, [Double]())
            try store.database.query("""
                SELECT count(*), min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom))
                FROM pin WHERE GeometryType(geom) IN (\(kinds[kind] ?? "''"))
                """) { r in want = (r.int(0), [r.double(1), r.double(2), r.double(3), r.double(4)]) }
            XCTAssertEqual(want.0, kind == "Point" ? 2 : 1)
            XCTAssertEqual(row["valid"] as? Bool, true, kind)
            XCTAssertEqual(row["spatial"] as? Bool, true, kind)
            XCTAssertEqual(row["type"] as? String, kind)
            XCTAssertEqual(row["count"] as? Int, want.0, kind)
            XCTAssertEqual(row["crs"] as? String, "EPSG:4326", kind)
            assertExtent(row["extent"], want.1, kind)
        }
    }

    func testQGISEditThroughSpatiaLiteProviderKeepsIndexAndRules() throws {
        let db = try pinnedStore()
        let rows = try qgis("""
            l = layer(sys.argv[1], "pin")
            p = l.dataProvider()
            def feature(version, current, x, y):
                f = QgsFeature(p.fields())
                for k, v in {"project_code": "R1", "version": version, "is_current": current, "pinned_at": "2025-06-01T00:00:00Z",
                             "pinned_by": "qgis", "raw_input": "QGIS edit", "input_crs": 4326, "status": "valid",
                             "tolerance_m": 30.0}.items():
                    f[k] = v
                f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
                return f
            ok, _ = p.addFeatures([feature(2, 0, 99.3, 16.95)])
            out(step="history row", ok=ok)
            ok, _ = p.addFeatures([feature(3, 1, 99.31, 16.96)])
            out(step="second current", ok=ok)
            """, [db])
        XCTAssertEqual(rows.map { $0["ok"] as? Bool }, [true, false], "\(rows)")
        XCTAssertEqual(try spatialite(db, "SELECT CheckSpatialIndex('pin', 'geom');").out, "1")
        let store = try Store(path: db)
        try assertIndexInStep(store.database, "pin")
        XCTAssertEqual(try store.pinHistory(projectCode: "R1").map(\.version), [1, 2])
        XCTAssertEqual(try store.currentPin(projectCode: "R1")?.version, 1)

        // The next eplan pin sees that another client wrote and recounts (4 rows, then 5).
        XCTAssertEqual(try eplan(["pin", "--db", db, "--by", "test", "P1", "16.93, 99.22"]).status, 0)
        XCTAssertEqual(try statistics(db, "pin").count, 5)
        assertExtent(try statistics(db, "pin").extent, try XCTUnwrap(expectedLayers(db)["pin"]).extent, "pin")
    }

    /// row_count and extent as geometry_columns_statistics holds them.
    func statistics(_ db: String, _ table: String) throws -> (count: Int, extent: [Double]) {
        let store = try Store(path: db, readOnly: true)
        var out = (0, [Double]())
        try store.database.query("""
            SELECT row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y FROM geometry_columns_statistics
            WHERE f_table_name = ? AND f_geometry_column = 'geom'
            """, [.text(table)]) { r in out = (r.int(0), [r.double(1), r.double(2), r.double(3), r.double(4)]) }
        return out
    }

    // MARK: spatialite

    func testSpatialiteSeesCompleteMetadataAndTrueStatistics() throws {
        let db = try pinnedStore()
        XCTAssertEqual(try spatialite(db, "SELECT CheckSpatialMetaData();").out, "3")
        // Our statistics are what UpdateLayerStatistics itself computes.
        let ours = try ["province", "amphoe", "tambon", "lao", "pin"].map { try statistics(db, $0) }
        let expected = try expectedLayers(db)
        for (t, s) in zip(["province", "amphoe", "tambon", "lao", "pin"], ours) {
            XCTAssertEqual(s.count, expected[t]?.count, t)
            assertExtent(s.extent, expected[t]?.extent ?? [], t)
        }
        XCTAssertEqual(try spatialite(db, "SELECT UpdateLayerStatistics();").out, "1")
        let theirs = try ["province", "amphoe", "tambon", "lao", "pin"].map { try statistics(db, $0) }
        for (a, b) in zip(ours, theirs) { XCTAssertEqual(a.count, b.count); assertExtent(a.extent, b.extent, "stats") }
        let extent = try spatialite(db, "SELECT AsText(GetLayerExtent('pin'));").out
        XCTAssertTrue(extent.hasPrefix("POLYGON(("), extent)
        let layers = try spatialite(db, "SELECT group_concat(table_name) FROM (SELECT table_name FROM vector_layers ORDER BY 1);").out
        XCTAssertEqual(layers, "amphoe,lao,pin,province,tambon")
        XCTAssertEqual(try spatialite(db, "SELECT count(*) FROM vector_layers_auth WHERE read_only = 0 AND hidden = 0;").out, "5")
    }

    func testSpatialiteWritersAreHeldToTheColumnRules() throws {
        let db = try pinnedStore()
        let columns = "project_code, version, is_current, pinned_at, pinned_by, raw_input, input_crs, status, tolerance_m, geom"
        func insertPin(_ version: Int, _ geom: String) throws -> (status: Int32, out: String, err: String) {
            try spatialite(db, "INSERT INTO pin (\(columns)) VALUES ('R1', \(version), 0, 'x', 'x', 'x', 4326, 'valid', 30, \(geom));")
        }
        // UTM metres are not lon/lat: refused by the SRID check.
        let utm = try insertPin(5, "MakePoint(453809, 1848266, 32647)")
        XCTAssertNotEqual(utm.status, 0)
        XCTAssertTrue(utm.err.contains("pin.geom violates Geometry constraint"), utm.err)
        let collection = try insertPin(6, "GeomFromText('GEOMETRYCOLLECTION(POINT(99 16))', 4326)")
        XCTAssertTrue(collection.err.contains("a pin is a 2D POINT"), collection.err)
        let z = try insertPin(7, "GeomFromText('POINT Z(99 16 300)', 4326)")
        XCTAssertTrue(z.err.contains("a pin is a 2D POINT"), z.err)
        let tambon = try spatialite(db, "UPDATE tambon SET geom = MakePoint(99, 16, 4326) WHERE code = '630108';")
        XCTAssertTrue(tambon.err.contains("tambon.geom violates Geometry constraint"), tambon.err)
        let secondCurrent = try spatialite(db, "UPDATE pin SET is_current = 1 WHERE project_code = 'P1' AND version = 1;")
        XCTAssertTrue(secondCurrent.err.contains("UNIQUE constraint failed: pin.project_code, pin.is_current"), secondCurrent.err)
        // A right one goes in.
        let good = try insertPin(8, "MakePoint(99.3, 16.95, 4326)")
        XCTAssertEqual(good.status, 0, good.err)
        XCTAssertTrue(good.err.isEmpty, good.err)

        // Our own connection applies the same rules (GeometryConstraints, GeometryType are ours there).
        let store = try Store(path: db)
        XCTAssertEqual(try store.pinHistory(projectCode: "R1").map(\.version), [1, 8])
        let utmBlob = try XCTUnwrap(SpatiaLiteBlob.encode(.point(Coordinate(453809, 1848266)), srid: 32647))
        XCTAssertThrowsError(try store.database.execute("UPDATE pin SET geom = ? WHERE version = 8", [.blob(utmBlob)]))
        let gc = try XCTUnwrap(SpatiaLiteBlob.encode(.geometryCollection([.point(Coordinate(99, 16))]), srid: 4326))
        XCTAssertThrowsError(try store.database.execute("UPDATE pin SET geom = ? WHERE version = 8", [.blob(gc)]))
        XCTAssertThrowsError(try store.database.execute("UPDATE pin SET is_current = 1 WHERE project_code = 'P1' AND version = 1"))
    }

    // MARK: GDAL

    func testOgr2ogrConvertsToGeoPackageWithTwoPinVersions() throws {
        let db = try pinnedStore()
        let gpkg = path("out.gpkg")
        let r = try run("ogr2ogr", ["-f", "GPKG", gpkg, db])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(r.err.contains("ERROR"), r.err)
        for (layer, count) in [("pin", 3), ("tambon", 63), ("lao", 69)] {
            let info = try run("ogrinfo", ["-ro", "-so", gpkg, layer])
            XCTAssertEqual(info.status, 0, info.err)
            XCTAssertTrue(info.out.contains("Feature Count: \(count)\n"), info.out)
        }
    }

    // MARK: statistics through eplan's own writes

    func testStatisticsFollowImportsRepairsAndJurisdictions() throws {
        let store = try Store(path: path())
        func stats(_ table: String) throws -> [SQLValue] {
            var out: [SQLValue] = []
            try store.database.query("""
                SELECT row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y FROM geometry_columns_statistics
                WHERE f_table_name = ?
                """, [.text(table)]) { r in out = (0..<5).map { r.value(Int32($0)) } }
            return out
        }
        XCTAssertEqual(try stats("tambon"), [.integer(0), .null, .null, .null, .null])
        try store.replaceBoundaries(level: .tambon, records: tambonGrid(), source: "t")
        XCTAssertEqual(try stats("tambon"), [.integer(100), .real(100), .real(13), .real(101), .real(14)])
        // A repair that moves the box moves the extent; one that keeps it keeps it.
        try store.replaceBoundaryGeometry(level: .tambon, code: "100199", with: box(.tambon, "100199", 100.9, 13.9, 102, 15).geometry,
                                          repair: "test")
        XCTAssertEqual(try stats("tambon"), [.integer(100), .real(100), .real(13), .real(102), .real(15)])
        try store.replaceBoundaries(level: .tambon, records: tambonGrid().prefix(10), source: "fewer")
        XCTAssertEqual(try stats("tambon"), [.integer(10), .real(100), .real(13), .real(101), .real(13.1)])
        // LAOs: an import, then a jurisdiction set later.
        try store.insertLAOs([LAORecord(code: "06100101", type: .sao, nameTH: "อบต.", provinceCode: "10", coverage: .polygon,
                                        jurisdiction: box(.tambon, "x", 100, 13, 100.5, 13.5).geometry)])
        XCTAssertEqual(try stats("lao"), [.integer(1), .real(100), .real(13), .real(100.5), .real(13.5)])
        try store.setJurisdiction(laoCode: "06100101", nil)
        XCTAssertEqual(try stats("lao"), [.integer(1), .null, .null, .null, .null])
    }

    // MARK: schema step 5 on an existing store

    func testMigrationAddsMetadataAndKeepsOneCurrentPinToSchema4Stores() throws {
        let db = path()
        do {
            let old = try Store(path: db, readOnly: false, create: true, migrations: Array(Store.migrations.prefix(4)))
            try old.replaceBoundaries(level: .tambon, records: tambonGrid(), source: "t")
            XCTAssertEqual(try old.schemaVersion(), 4)
            try old.database.execute("""
                INSERT INTO lao (code, type, name_th, province_code, coverage, updated_at) VALUES ('06100101', 'sao', 'อบต.', '10', 'whole', 'now');
                INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at)
                    VALUES ('P1', '06100101', 2568, 'โครงการ', 'other', '2025-01-01', '2025-01-01');
                """)
            let point = try XCTUnwrap(SpatiaLiteBlob.encode(.point(Coordinate(100.05, 13.05)), srid: 4326))
            for (version, current) in [(1, 0), (2, 1)] {
                try old.database.execute("""
                    INSERT INTO pin (project_code, version, is_current, pinned_at, pinned_by, raw_input, input_crs, status, tolerance_m, geom)
                    VALUES ('P1', ?, ?, 'now', 'test', 'x', 4326, 'valid', 30, ?)
                    """, [.integer(Int64(version)), .integer(Int64(current)), .blob(point)])
            }
        }
        let store = try Store(path: db)
        XCTAssertEqual(try store.schemaVersion(), Store.latestVersion)
        let d = store.database
        for table in ["geometry_columns_auth", "geometry_columns_statistics", "geometry_columns_field_infos", "geometry_columns_time",
                      "views_geometry_columns", "views_geometry_columns_auth", "views_geometry_columns_statistics",
                      "views_geometry_columns_field_infos", "virts_geometry_columns", "virts_geometry_columns_auth",
                      "virts_geometry_columns_statistics", "virts_geometry_columns_field_infos", "spatial_ref_sys_aux",
                      "spatialite_history", "sql_statements_log", "vector_layers", "vector_layers_auth",
                      "vector_layers_statistics", "vector_layers_field_infos"] {
            XCTAssertEqual(try d.scalar("SELECT count(*) FROM sqlite_master WHERE name = ?", [.text(table)]), .integer(1), table)
        }
        XCTAssertEqual(try d.scalar("SELECT row_count FROM geometry_columns_statistics WHERE f_table_name = 'tambon'"), .integer(100))
        XCTAssertEqual(try d.scalar("SELECT count(*) FROM geometry_columns_auth"), .integer(5))
        // No one-column UNIQUE index on pin any more (GDAL would read it as a UNIQUE project_code).
        XCTAssertEqual(try d.scalar("""
            SELECT count(*) FROM pragma_index_list('pin') AS i WHERE i."unique" = 1 AND (SELECT count(*) FROM pragma_index_info(i.name)) = 1
            """), .integer(0))
        XCTAssertEqual(try d.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ggi_%'"), .integer(5))
        XCTAssertEqual(try d.scalar("SELECT row_count FROM geometry_columns_statistics WHERE f_table_name = 'pin'"), .integer(2))
        // The rule holds: a second current pin is refused, eplan's new version goes in.
        XCTAssertThrowsError(try d.execute("UPDATE pin SET is_current = 1 WHERE version = 1"))
        let stored = try store.addPin(PinRecord(projectCode: "P1", pinnedAt: "now", pinnedBy: "test", rawInput: "x", inputCRS: 4326,
                                                status: .valid, toleranceM: 30, geometry: .point(Coordinate(100.5, 13.5))))
        XCTAssertEqual(stored.version, 3)
        XCTAssertEqual(try store.pinHistory(projectCode: "P1").map(\.isCurrent), [false, false, true])
        XCTAssertEqual(try d.scalar("SELECT row_count FROM geometry_columns_statistics WHERE f_table_name = 'pin'"), .integer(3))
        XCTAssertEqual(try d.scalar("SELECT extent_max_x FROM geometry_columns_statistics WHERE f_table_name = 'pin'"), .real(100.5))
    }
}
