/// Schema step 5: the store as other GIS programs see it.
///
/// - SpatiaLite 4's complete vector metadata, as `InitSpatialMetaData` makes it (same
///   tables, columns, views and name checks; our own DDL, no mod_spatialite): QGIS's native
///   `spatialite` provider lists and opens layers through `vector_layers*`, and
///   `UpdateLayerStatistics`/`GetLayerExtent` need the statistics tables.
/// - On every geometry column the constraint triggers SpatiaLite's own columns have
///   (`ggi_`/`ggu_`: SRID and geometry type through `GeometryConstraints`, which eplan
///   registers too) and the `tmi_`/`tmu_`/`tmd_` time stamps; a pin must also be a 2D
///   (multi)point, line or polygon, what eplan stores.
/// - One current pin per project kept by a two-column partial unique index instead of the
///   one-column one, which GDAL reads as a plain UNIQUE on `project_code` (ogr2ogr to GPKG
///   then fails as soon as a project has two pin versions).
enum VectorMetadataSchema {
    static let migration = Migration(version: 5, name: "SpatiaLite 4 vector metadata, geometry constraints, current-pin index GDAL reads right") { db in
        try db.createVectorMetadata()
        var columns: [(String, String)] = []
        try db.query("SELECT f_table_name, f_geometry_column FROM geometry_columns ORDER BY 1, 2") { row in
            columns.append((row.string(0) ?? "", row.string(1) ?? ""))
        }
        for (table, column) in columns { try db.completeGeometryColumn(table: table, column: column) }
        try db.execute(pinRulesSQL)
    }

    /// The pin table's own rules. One current pin per project: the partial unique index is
    /// now on (project_code, is_current), the same rule (is_current is 1 throughout the
    /// partial index) that GDAL, which reads a one-column UNIQUE index as a UNIQUE field,
    /// leaves alone; SQLite still knows the current pin of a project is one row. And the
    /// geometry kinds eplan stores (no collections, no Z/M): GeometryType is SpatiaLite's,
    /// and eplan registers the same function.
    static let pinRulesSQL = """
        DROP INDEX IF EXISTS pin_current;
        CREATE UNIQUE INDEX pin_current ON pin (project_code, is_current) WHERE is_current = 1;
        CREATE TRIGGER pin_geom_kind_insert BEFORE INSERT ON pin
        FOR EACH ROW WHEN NEW.geom IS NOT NULL BEGIN
            SELECT RAISE(ABORT, 'pin.geom violates constraint: a pin is a 2D POINT, LINESTRING, POLYGON or MULTI* of them')
            WHERE coalesce(GeometryType(NEW.geom), '') NOT IN (\(pinKinds));
        END;
        CREATE TRIGGER pin_geom_kind_update BEFORE UPDATE OF geom ON pin
        FOR EACH ROW WHEN NEW.geom IS NOT NULL BEGIN
            SELECT RAISE(ABORT, 'pin.geom violates constraint: a pin is a 2D POINT, LINESTRING, POLYGON or MULTI* of them')
            WHERE coalesce(GeometryType(NEW.geom), '') NOT IN (\(pinKinds));
        END;
        """
    static let pinKinds = "'POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON'"
}

extension Database {
    /// Creates SpatiaLite 4's vector metadata beside `spatial_ref_sys`/`geometry_columns`
    /// (idempotent), with the auxiliary rows of our reference systems.
    func createVectorMetadata() throws {
        try execute(Database.vectorMetadataTablesSQL)
        try execute(Database.vectorLayersViewsSQL)
        try execute(Database.metadataNameTriggersSQL)
        for aux in Database.spatialRefSysAux {
            try execute("INSERT OR IGNORE INTO spatial_ref_sys_aux VALUES (\(aux))")
        }
    }

    /// What SpatiaLite's AddGeometryColumn adds beside the geometry_columns row and the
    /// R*Tree (which `createGeometryColumn` makes): auth, statistics and time rows, the
    /// constraint triggers and the time-stamp triggers, named as SpatiaLite names them.
    func completeGeometryColumn(table: String, column: String) throws {
        let args: [SQLValue] = [.text(table), .text(column)]
        try execute("INSERT OR IGNORE INTO geometry_columns_auth (f_table_name, f_geometry_column, read_only, hidden) VALUES (?, ?, 0, 0)", args)
        try execute("INSERT OR IGNORE INTO geometry_columns_time (f_table_name, f_geometry_column) VALUES (?, ?)", args)
        try execute(Database.constraintTriggersSQL(table: table, column: column))
        try refreshLayerStatistics(table: table, column: column)
    }

    /// SpatiaLite's ggi_/ggu_ and tmi_/tmu_/tmd_ triggers for one geometry column. RAISE(ABORT)
    /// where SpatiaLite writes RAISE(ROLLBACK): the statement fails the same way in every
    /// client, but a caller's transaction (and savepoints) survive to roll back cleanly.
    static func constraintTriggersSQL(table: String, column: String) -> String {
        let t = "\"\(table)\"", c = "\"\(column)\"", name = "\(table)_\(column)"
        let check = """
            FOR EACH ROW BEGIN
            SELECT RAISE(ABORT, '\(table).\(column) violates Geometry constraint [geom-type or SRID not allowed]')
            WHERE (SELECT geometry_type FROM geometry_columns
            WHERE Lower(f_table_name) = Lower('\(table)') AND Lower(f_geometry_column) = Lower('\(column)')
            AND GeometryConstraints(NEW.\(c), geometry_type, srid) = 1) IS NULL;
            END;
            """
        func stamp(_ op: String, _ field: String) -> String {
            """
            DROP TRIGGER IF EXISTS "tm\(op.prefix(1).lowercased())_\(name)";
            CREATE TRIGGER "tm\(op.prefix(1).lowercased())_\(name)" AFTER \(op) ON \(t)
            FOR EACH ROW BEGIN
            UPDATE geometry_columns_time SET \(field) = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE Lower(f_table_name) = Lower('\(table)') AND Lower(f_geometry_column) = Lower('\(column)');
            END;
            """
        }
        return """
            DROP TRIGGER IF EXISTS "ggi_\(name)";
            DROP TRIGGER IF EXISTS "ggu_\(name)";
            CREATE TRIGGER "ggi_\(name)" BEFORE INSERT ON \(t)
            \(check)
            CREATE TRIGGER "ggu_\(name)" BEFORE UPDATE OF \(c) ON \(t)
            \(check)
            \(stamp("INSERT", "last_insert"))
            \(stamp("UPDATE", "last_update"))
            \(stamp("DELETE", "last_delete"))
            """
    }

    /// SpatiaLite 4's tables, exactly as InitSpatialMetaData declares them.
    static let vectorMetadataTablesSQL = """
        CREATE TABLE IF NOT EXISTS spatialite_history (
            event_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            table_name TEXT NOT NULL,
            geometry_column TEXT,
            event TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            ver_sqlite TEXT NOT NULL,
            ver_splite TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS spatial_ref_sys_aux (
            srid INTEGER NOT NULL PRIMARY KEY,
            is_geographic INTEGER,
            has_flipped_axes INTEGER,
            spheroid TEXT,
            prime_meridian TEXT,
            datum TEXT,
            projection TEXT,
            unit TEXT,
            axis_1_name TEXT,
            axis_1_orientation TEXT,
            axis_2_name TEXT,
            axis_2_orientation TEXT,
            CONSTRAINT fk_sprefsys FOREIGN KEY (srid) REFERENCES spatial_ref_sys (srid));
        CREATE TABLE IF NOT EXISTS views_geometry_columns (
            view_name TEXT NOT NULL,
            view_geometry TEXT NOT NULL,
            view_rowid TEXT NOT NULL,
            f_table_name TEXT NOT NULL,
            f_geometry_column TEXT NOT NULL,
            read_only INTEGER NOT NULL,
            CONSTRAINT pk_geom_cols_views PRIMARY KEY (view_name, view_geometry),
            CONSTRAINT fk_views_geom_cols FOREIGN KEY (f_table_name, f_geometry_column) REFERENCES geometry_columns (f_table_name, f_geometry_column) ON DELETE CASCADE,
            CONSTRAINT ck_vw_rdonly CHECK (read_only IN (0,1)));
        CREATE INDEX IF NOT EXISTS idx_viewsjoin ON views_geometry_columns (f_table_name, f_geometry_column);
        CREATE TABLE IF NOT EXISTS virts_geometry_columns (
            virt_name TEXT NOT NULL,
            virt_geometry TEXT NOT NULL,
            geometry_type INTEGER NOT NULL,
            coord_dimension INTEGER NOT NULL,
            srid INTEGER NOT NULL,
            CONSTRAINT pk_geom_cols_virts PRIMARY KEY (virt_name, virt_geometry),
            CONSTRAINT fk_vgc_srid FOREIGN KEY (srid) REFERENCES spatial_ref_sys (srid));
        CREATE INDEX IF NOT EXISTS idx_virtssrid ON virts_geometry_columns (srid);
        \(statisticsTable("geometry_columns_statistics", "f_table_name", "f_geometry_column", "gc_statistics", "geometry_columns"))
        \(statisticsTable("views_geometry_columns_statistics", "view_name", "view_geometry", "vwgc_statistics", "views_geometry_columns"))
        \(statisticsTable("virts_geometry_columns_statistics", "virt_name", "virt_geometry", "vrtgc_statistics", "virts_geometry_columns"))
        \(fieldInfosTable("geometry_columns_field_infos", "f_table_name", "f_geometry_column", "gcfld_infos", "geometry_columns"))
        \(fieldInfosTable("views_geometry_columns_field_infos", "view_name", "view_geometry", "vwgcfld_infos", "views_geometry_columns"))
        \(fieldInfosTable("virts_geometry_columns_field_infos", "virt_name", "virt_geometry", "vrtgcfld_infos", "virts_geometry_columns"))
        -- geometry_columns_time: made by step 1 (SpatialSchema), with geometry_columns.
        CREATE TABLE IF NOT EXISTS geometry_columns_auth (
            f_table_name TEXT NOT NULL,
            f_geometry_column TEXT NOT NULL,
            read_only INTEGER NOT NULL,
            hidden INTEGER NOT NULL,
            CONSTRAINT pk_gc_auth PRIMARY KEY (f_table_name, f_geometry_column),
            CONSTRAINT fk_gc_auth FOREIGN KEY (f_table_name, f_geometry_column) REFERENCES geometry_columns (f_table_name, f_geometry_column) ON DELETE CASCADE,
            CONSTRAINT ck_gc_ronly CHECK (read_only IN (0,1)),
            CONSTRAINT ck_gc_hidden CHECK (hidden IN (0,1)));
        CREATE TABLE IF NOT EXISTS views_geometry_columns_auth (
            view_name TEXT NOT NULL,
            view_geometry TEXT NOT NULL,
            hidden INTEGER NOT NULL,
            CONSTRAINT pk_vwgc_auth PRIMARY KEY (view_name, view_geometry),
            CONSTRAINT fk_vwgc_auth FOREIGN KEY (view_name, view_geometry) REFERENCES views_geometry_columns (view_name, view_geometry) ON DELETE CASCADE,
            CONSTRAINT ck_vwgc_hidden CHECK (hidden IN (0,1)));
        CREATE TABLE IF NOT EXISTS virts_geometry_columns_auth (
            virt_name TEXT NOT NULL,
            virt_geometry TEXT NOT NULL,
            hidden INTEGER NOT NULL,
            CONSTRAINT pk_vrtgc_auth PRIMARY KEY (virt_name, virt_geometry),
            CONSTRAINT fk_vrtgc_auth FOREIGN KEY (virt_name, virt_geometry) REFERENCES virts_geometry_columns (virt_name, virt_geometry) ON DELETE CASCADE,
            CONSTRAINT ck_vrtgc_hidden CHECK (hidden IN (0,1)));
        CREATE TABLE IF NOT EXISTS sql_statements_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time_start TIMESTAMP NOT NULL DEFAULT '0000-01-01T00:00:00.000Z',
            time_end TIMESTAMP NOT NULL DEFAULT '0000-01-01T00:00:00.000Z',
            user_agent TEXT NOT NULL,
            sql_statement TEXT NOT NULL,
            success INTEGER NOT NULL DEFAULT 0,
            error_cause TEXT NOT NULL DEFAULT 'ABORTED',
            CONSTRAINT sqllog_success CHECK (success IN (0,1)));
        """

    private static func statisticsTable(_ name: String, _ a: String, _ b: String, _ key: String, _ parent: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(name) (
            \(a) TEXT NOT NULL,
            \(b) TEXT NOT NULL,
            last_verified TIMESTAMP,
            row_count INTEGER,
            extent_min_x DOUBLE,
            extent_min_y DOUBLE,
            extent_max_x DOUBLE,
            extent_max_y DOUBLE,
            CONSTRAINT pk_\(key) PRIMARY KEY (\(a), \(b)),
            CONSTRAINT fk_\(key) FOREIGN KEY (\(a), \(b)) REFERENCES \(parent) (\(a), \(b)) ON DELETE CASCADE);
        """
    }

    private static func fieldInfosTable(_ name: String, _ a: String, _ b: String, _ key: String, _ parent: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(name) (
            \(a) TEXT NOT NULL,
            \(b) TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            column_name TEXT NOT NULL,
            null_values INTEGER NOT NULL,
            integer_values INTEGER NOT NULL,
            double_values INTEGER NOT NULL,
            text_values INTEGER NOT NULL,
            blob_values INTEGER NOT NULL,
            max_size INTEGER,
            integer_min INTEGER,
            integer_max INTEGER,
            double_min DOUBLE,
            double_max DOUBLE,
            CONSTRAINT pk_\(key) PRIMARY KEY (\(a), \(b), ordinal, column_name),
            CONSTRAINT fk_\(key) FOREIGN KEY (\(a), \(b)) REFERENCES \(parent) (\(a), \(b)) ON DELETE CASCADE);
        """
    }
}

extension Database {
    /// SpatiaLite 4's views over the metadata, as InitSpatialMetaData declares them
    /// (libspatialite's layer list, and so QGIS's `spatialite` provider, reads `vector_layers*`).
    static let vectorLayersViewsSQL = """
        CREATE VIEW IF NOT EXISTS geom_cols_ref_sys AS
        SELECT f_table_name, f_geometry_column, geometry_type,
        coord_dimension, spatial_ref_sys.srid AS srid,
        auth_name, auth_srid, ref_sys_name, proj4text, srtext
        FROM geometry_columns, spatial_ref_sys
        WHERE geometry_columns.srid = spatial_ref_sys.srid;
        CREATE VIEW IF NOT EXISTS spatial_ref_sys_all AS
        SELECT a.srid AS srid, a.auth_name AS auth_name, a.auth_srid AS auth_srid, a.ref_sys_name AS ref_sys_name,
        b.is_geographic AS is_geographic, b.has_flipped_axes AS has_flipped_axes, b.spheroid AS spheroid, b.prime_meridian AS prime_meridian, b.datum AS datum, b.projection AS projection, b.unit AS unit,
        b.axis_1_name AS axis_1_name, b.axis_1_orientation AS axis_1_orientation,
        b.axis_2_name AS axis_2_name, b.axis_2_orientation AS axis_2_orientation,
        a.proj4text AS proj4text, a.srtext AS srtext
        FROM spatial_ref_sys AS a
        LEFT JOIN spatial_ref_sys_aux AS b ON (a.srid = b.srid);
        CREATE VIEW IF NOT EXISTS vector_layers AS
        SELECT 'SpatialTable' AS layer_type, f_table_name AS table_name, f_geometry_column AS geometry_column, geometry_type AS geometry_type, coord_dimension AS coord_dimension, srid AS srid, spatial_index_enabled AS spatial_index_enabled
        FROM geometry_columns
        UNION
        SELECT 'SpatialView' AS layer_type, a.view_name AS table_name, a.view_geometry AS geometry_column, b.geometry_type AS geometry_type, b.coord_dimension AS coord_dimension, b.srid AS srid, b.spatial_index_enabled AS spatial_index_enabled
        FROM views_geometry_columns AS a
        LEFT JOIN geometry_columns AS b ON (Upper(a.f_table_name) = Upper(b.f_table_name) AND Upper(a.f_geometry_column) = Upper(b.f_geometry_column))
        UNION
        SELECT 'VirtualShape' AS layer_type, virt_name AS table_name, virt_geometry AS geometry_column, geometry_type AS geometry_type, coord_dimension AS coord_dimension, srid AS srid, 0 AS spatial_index_enabled
        FROM virts_geometry_columns;
        CREATE VIEW IF NOT EXISTS vector_layers_auth AS
        SELECT 'SpatialTable' AS layer_type, f_table_name AS table_name, f_geometry_column AS geometry_column, read_only AS read_only, hidden AS hidden
        FROM geometry_columns_auth
        UNION
        SELECT 'SpatialView' AS layer_type, a.view_name AS table_name, a.view_geometry AS geometry_column, b.read_only AS read_only, a.hidden AS hidden
        FROM views_geometry_columns_auth AS a
        JOIN views_geometry_columns AS b ON (Upper(a.view_name) = Upper(b.view_name) AND Upper(a.view_geometry) = Upper(b.view_geometry))
        UNION
        SELECT 'VirtualShape' AS layer_type, virt_name AS table_name, virt_geometry AS geometry_column, 1 AS read_only, hidden AS hidden
        FROM virts_geometry_columns_auth;
        CREATE VIEW IF NOT EXISTS vector_layers_statistics AS
        SELECT 'SpatialTable' AS layer_type, f_table_name AS table_name, f_geometry_column AS geometry_column, last_verified AS last_verified, row_count AS row_count, extent_min_x AS extent_min_x, extent_min_y AS extent_min_y, extent_max_x AS extent_max_x, extent_max_y AS extent_max_y
        FROM geometry_columns_statistics
        UNION
        SELECT 'SpatialView' AS layer_type, view_name AS table_name, view_geometry AS geometry_column, last_verified AS last_verified, row_count AS row_count, extent_min_x AS extent_min_x, extent_min_y AS extent_min_y, extent_max_x AS extent_max_x, extent_max_y AS extent_max_y
        FROM views_geometry_columns_statistics
        UNION
        SELECT 'VirtualShape' AS layer_type, virt_name AS table_name, virt_geometry AS geometry_column, last_verified AS last_verified, row_count AS row_count, extent_min_x AS extent_min_x, extent_min_y AS extent_min_y, extent_max_x AS extent_max_x, extent_max_y AS extent_max_y
        FROM virts_geometry_columns_statistics;
        CREATE VIEW IF NOT EXISTS vector_layers_field_infos AS
        SELECT 'SpatialTable' AS layer_type, f_table_name AS table_name, f_geometry_column AS geometry_column, ordinal AS ordinal, column_name AS column_name, null_values AS null_values, integer_values AS integer_values, double_values AS double_values, text_values AS text_values, blob_values AS blob_values, max_size AS max_size, integer_min AS integer_min, integer_max AS integer_max, double_min AS double_min, double_max double_max
        FROM geometry_columns_field_infos
        UNION
        SELECT 'SpatialView' AS layer_type, view_name AS table_name, view_geometry AS geometry_column, ordinal AS ordinal, column_name AS column_name, null_values AS null_values, integer_values AS integer_values, double_values AS double_values, text_values AS text_values, blob_values AS blob_values, max_size AS max_size, integer_min AS integer_min, integer_max AS integer_max, double_min AS double_min, double_max double_max
        FROM views_geometry_columns_field_infos
        UNION
        SELECT 'VirtualShape' AS layer_type, virt_name AS table_name, virt_geometry AS geometry_column, ordinal AS ordinal, column_name AS column_name, null_values AS null_values, integer_values AS integer_values, double_values AS double_values, text_values AS text_values, blob_values AS blob_values, max_size AS max_size, integer_min AS integer_min, integer_max AS integer_max, double_min AS double_min, double_max double_max
        FROM virts_geometry_columns_field_infos;
        """

    /// InitSpatialMetaData's name checks on the metadata tables (no quotes, lower case) and
    /// the geometry_type/coord_dimension checks, with its trigger names.
    static var metadataNameTriggersSQL: String {
        let gc = ["f_table_name", "f_geometry_column"], vw = ["view_name", "view_geometry"], vt = ["virt_name", "virt_geometry"]
        let named: [(prefix: String, table: String, columns: [String])] = [
            ("geometry_columns_", "geometry_columns", gc),
            ("vwgc_", "views_geometry_columns", vw + ["view_rowid"] + gc),
            ("vtgc_", "virts_geometry_columns", vt),
            ("gcs_", "geometry_columns_statistics", gc), ("vwgcs_", "views_geometry_columns_statistics", vw),
            ("vtgcs_", "virts_geometry_columns_statistics", vt),
            ("gcfi_", "geometry_columns_field_infos", gc), ("vwgcfi_", "views_geometry_columns_field_infos", vw),
            ("vtgcfi_", "virts_geometry_columns_field_infos", vt),
            ("gctm_", "geometry_columns_time", gc),
            ("gcau_", "geometry_columns_auth", gc), ("vwgcau_", "views_geometry_columns_auth", vw),
            ("vtgcau_", "virts_geometry_columns_auth", vt),
        ]
        var sql = named.flatMap { n in n.columns.map { nameChecks(n.prefix + $0, n.table, $0) } }
        let types = "0,1,2,3,4,5,6,7,1000,1001,1002,1003,1004,1005,1006,1007,2000,2001,2002,2003,2004,2005,2006,2007,3000,3001,3002,3003,3004,3005,3006,3007"
        for (prefix, table) in [("geometry_columns_", "geometry_columns"), ("vtgc_", "virts_geometry_columns")] {
            sql.append(valueCheck(prefix + "geometry_type", table, "geometry_type", "geometry_type must be one of \(types)", "(\(types))"))
            sql.append(valueCheck(prefix + "coord_dimension", table, "coord_dimension", "coord_dimension must be one of 2,3,4", "(2,3,4)"))
        }
        return sql.joined(separator: "\n")
    }

    private static func nameChecks(_ trigger: String, _ table: String, _ column: String) -> String {
        ["insert", "update"].map { op in
            let on = op == "insert" ? "BEFORE INSERT ON '\(table)'" : "BEFORE UPDATE OF '\(column)' ON '\(table)'"
            let what = "\(op) on \(table) violates constraint: \(column) value must"
            return """
                CREATE TRIGGER IF NOT EXISTS \(trigger)_\(op)
                \(on)
                FOR EACH ROW BEGIN
                SELECT RAISE(ABORT,'\(what) not contain a single quote')
                WHERE NEW.\(column) LIKE ('%''%');
                SELECT RAISE(ABORT,'\(what) not contain a double quote')
                WHERE NEW.\(column) LIKE ('%"%');
                SELECT RAISE(ABORT,'\(what) be lower case')
                WHERE NEW.\(column) <> lower(NEW.\(column));
                END;
                """
        }.joined(separator: "\n")
    }

    private static func valueCheck(_ trigger: String, _ table: String, _ column: String, _ message: String, _ set: String) -> String {
        ["insert", "update"].map { op in
            let on = op == "insert" ? "BEFORE INSERT ON '\(table)'" : "BEFORE UPDATE OF '\(column)' ON '\(table)'"
            return """
                CREATE TRIGGER IF NOT EXISTS \(trigger)_\(op)
                \(on)
                FOR EACH ROW BEGIN
                SELECT RAISE(ABORT,'\(message)')
                WHERE NOT(NEW.\(column) IN \(set));
                END;
                """
        }.joined(separator: "\n")
    }

    /// spatial_ref_sys_aux rows of our reference systems, as SpatiaLite 5 fills them.
    static let spatialRefSysAux = [
        "4326, 1, 1, 'WGS 84', 'Greenwich', 'WGS_1984', 'none', 'degree', 'Geodetic latitude', 'North', 'Geodetic longitude', 'East'",
        "32647, 0, 0, 'WGS 84', 'Greenwich', 'WGS_1984', 'Transverse_Mercator', 'metre', 'Easting', 'East', 'Northing', 'North'",
        "32648, 0, 0, 'WGS 84', 'Greenwich', 'WGS_1984', 'Transverse_Mercator', 'metre', 'Easting', 'East', 'Northing', 'North'",
        "24047, 0, 0, 'Everest 1830 (1937 Adjustment)', 'Greenwich', 'Indian_1975', 'Transverse_Mercator', 'metre', 'Easting', 'East', 'Northing', 'North'",
        "24048, 0, 0, 'Everest 1830 (1937 Adjustment)', 'Greenwich', 'Indian_1975', 'Transverse_Mercator', 'metre', 'Easting', 'East', 'Northing', 'North'",
        "3857, 0, 0, 'WGS 84', 'Greenwich', 'WGS_1984', 'Mercator_1SP', 'metre', 'Easting', 'East', 'Northing', 'North'",
    ]
}
