import EPlanGeometry

/// The SpatiaLite 4 metadata layout, reduced to what readers need:
/// `CheckSpatialMetaData()` answers 3 (SpatiaLite 4) when `spatial_ref_sys` and
/// `geometry_columns` have these exact columns; GDAL/QGIS then list every
/// `geometry_columns` row as a layer. `geometry_columns_time` is not required but the
/// tm*_ triggers SpatiaLite writes when a user rebuilds an index update it, so it exists.
/// This is schema step 1 as shipped; step 5 (`VectorMetadataSchema`) adds SpatiaLite 4's
/// other vector metadata (statistics, field infos, auth, views, virts, `vector_layers*`)
/// and the constraint triggers. Styles, coverages and the like stay out (SpatiaLite 5 extras).
extension Database {
    static let spatialMetadataSQL = """
        CREATE TABLE IF NOT EXISTS spatial_ref_sys (
            srid INTEGER NOT NULL PRIMARY KEY,
            auth_name TEXT NOT NULL,
            auth_srid INTEGER NOT NULL,
            ref_sys_name TEXT NOT NULL DEFAULT 'Unknown',
            proj4text TEXT NOT NULL,
            srtext TEXT NOT NULL DEFAULT 'Undefined');
        CREATE UNIQUE INDEX IF NOT EXISTS idx_spatial_ref_sys ON spatial_ref_sys (auth_srid, auth_name);
        CREATE TABLE IF NOT EXISTS geometry_columns (
            f_table_name TEXT NOT NULL,
            f_geometry_column TEXT NOT NULL,
            geometry_type INTEGER NOT NULL,
            coord_dimension INTEGER NOT NULL,
            srid INTEGER NOT NULL,
            spatial_index_enabled INTEGER NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (f_table_name, f_geometry_column),
            CONSTRAINT fk_gc_srs FOREIGN KEY (srid) REFERENCES spatial_ref_sys (srid),
            CONSTRAINT ck_gc_rtree CHECK (spatial_index_enabled IN (0,1,2)));
        CREATE INDEX IF NOT EXISTS idx_srid_geocols ON geometry_columns (srid);
        CREATE TABLE IF NOT EXISTS geometry_columns_time (
            f_table_name TEXT NOT NULL,
            f_geometry_column TEXT NOT NULL,
            last_insert TIMESTAMP NOT NULL DEFAULT '0000-01-01T00:00:00.000Z',
            last_update TIMESTAMP NOT NULL DEFAULT '0000-01-01T00:00:00.000Z',
            last_delete TIMESTAMP NOT NULL DEFAULT '0000-01-01T00:00:00.000Z',
            CONSTRAINT pk_gc_time PRIMARY KEY (f_table_name, f_geometry_column),
            CONSTRAINT fk_gc_time FOREIGN KEY (f_table_name, f_geometry_column)
                REFERENCES geometry_columns (f_table_name, f_geometry_column) ON DELETE CASCADE);
        """

    /// Creates the SpatiaLite metadata tables and our reference systems (idempotent).
    public func createSpatialMetadata() throws {
        try execute(Database.spatialMetadataSQL)
        for s in SpatialRefSys.all {
            try execute("""
                INSERT OR REPLACE INTO spatial_ref_sys (srid, auth_name, auth_srid, ref_sys_name, proj4text, srtext)
                VALUES (?, 'epsg', ?, ?, ?, ?)
                """, [.integer(Int64(s.srid)), .integer(Int64(s.srid)), .text(s.name), .text(s.proj4), .text(s.wkt)])
        }
    }

    /// Registers `table.column` as a SpatiaLite geometry column with an R*Tree index
    /// `idx_<table>_<column>` kept in step by triggers named as SpatiaLite's (gii_/giu_/gid_).
    /// The column is added when the table lacks it. The triggers use only MbrMinX…MbrMaxY,
    /// which we register and SpatiaLite has natively, so inserts from either side index correctly;
    /// the R*Tree pkid is the row's ROWID, as SpatiaLite expects.
    /// - Parameter type: nil for a column of any geometry type (SpatiaLite's GEOMETRY, code 0).
    public func createGeometryColumn(table: String, column: String, type: GeometryType?, srid: Int32) throws {
        // geometry_columns requires lower-case names without quotes (SpatiaLite's own triggers check this).
        for name in [table, column] {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
                throw DatabaseError(kind: .sql, code: 1,
                                    sqliteMessage: "geometry table and column names must be lower-case ASCII: \(name)")
            }
        }
        let t = "\"\(table)\"", c = "\"\(column)\"", idx = "\"idx_\(table)_\(column)\""
        var hasColumn = false
        try query("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", [.text(table), .text(column)]) { _ in hasColumn = true }
        if !hasColumn { try execute("ALTER TABLE \(t) ADD COLUMN \(c) \(type?.wktName ?? "GEOMETRY")") }
        try execute("""
            INSERT OR REPLACE INTO geometry_columns
                (f_table_name, f_geometry_column, geometry_type, coord_dimension, srid, spatial_index_enabled)
            VALUES (?, ?, ?, 2, ?, 1)
            """, [.text(table), .text(column), .integer(Int64(type?.wkbCode ?? 0)), .integer(Int64(srid))])
        try execute("INSERT OR IGNORE INTO geometry_columns_time (f_table_name, f_geometry_column) VALUES (?, ?)",
                    [.text(table), .text(column)])
        try execute(Database.spatialIndexTriggersSQL(table: table, column: column) + """

            DELETE FROM \(idx);
            INSERT INTO \(idx) (pkid, xmin, xmax, ymin, ymax)
                SELECT ROWID, MbrMinX(\(c)), MbrMaxX(\(c)), MbrMinY(\(c)), MbrMaxY(\(c)) FROM \(t)
                WHERE MbrMinX(\(c)) IS NOT NULL;
            """)
    }

    /// The R*Tree `idx_<table>_<column>` and the triggers that keep it in step (named as
    /// SpatiaLite names them), as `createGeometryColumn` writes them; the pin writer compares
    /// a store's triggers with these before it does their work itself (`PinTriggerWork`).
    static func spatialIndexTriggersSQL(table: String, column: String) -> String {
        let t = "\"\(table)\"", c = "\"\(column)\"", idx = "\"idx_\(table)_\(column)\""
        let insertNew = """
            INSERT INTO \(idx) (pkid, xmin, xmax, ymin, ymax)
                SELECT NEW.ROWID, MbrMinX(NEW.\(c)), MbrMaxX(NEW.\(c)), MbrMinY(NEW.\(c)), MbrMaxY(NEW.\(c))
                WHERE MbrMinX(NEW.\(c)) IS NOT NULL;
            """
        return """
            CREATE VIRTUAL TABLE IF NOT EXISTS \(idx) USING rtree(pkid, xmin, xmax, ymin, ymax);
            DROP TRIGGER IF EXISTS "gii_\(table)_\(column)";
            DROP TRIGGER IF EXISTS "giu_\(table)_\(column)";
            DROP TRIGGER IF EXISTS "gid_\(table)_\(column)";
            CREATE TRIGGER "gii_\(table)_\(column)" AFTER INSERT ON \(t)
            FOR EACH ROW BEGIN
                DELETE FROM \(idx) WHERE pkid = NEW.ROWID;
                \(insertNew)
            END;
            CREATE TRIGGER "giu_\(table)_\(column)" AFTER UPDATE ON \(t)
            FOR EACH ROW WHEN OLD.ROWID IS NOT NEW.ROWID OR OLD.\(c) IS NOT NEW.\(c) BEGIN
                DELETE FROM \(idx) WHERE pkid IN (OLD.ROWID, NEW.ROWID);
                \(insertNew)
            END;
            CREATE TRIGGER "gid_\(table)_\(column)" AFTER DELETE ON \(t)
            FOR EACH ROW BEGIN
                DELETE FROM \(idx) WHERE pkid = OLD.ROWID;
            END;
            """
    }
}
