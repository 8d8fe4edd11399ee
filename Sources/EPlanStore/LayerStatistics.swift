import EPlanGeometry

/// `geometry_columns_statistics` kept true, as SpatiaLite's UpdateLayerStatistics would
/// leave it: QGIS and `GetLayerExtent` read a layer's row count and extent from there.
extension Database {
    /// UpdateLayerStatistics for one column: every row counted (NULL geometries too, as
    /// SpatiaLite counts), the extent from the BLOB headers' MBRs. Field infos, which
    /// UpdateLayerStatistics also fills, are removed rather than left stale (none = unknown).
    func refreshLayerStatistics(table: String, column: String) throws {
        guard try hasLayerStatistics() else { return }
        let t = "\"\(table)\"", c = "\"\(column)\""
        try execute("""
            INSERT OR REPLACE INTO geometry_columns_statistics
                (f_table_name, f_geometry_column, last_verified, row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y)
            SELECT ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), count(*),
                   min(MbrMinX(\(c))), min(MbrMinY(\(c))), max(MbrMaxX(\(c))), max(MbrMaxY(\(c))) FROM \(t)
            """, [.text(table), .text(column)])
        try execute("DELETE FROM geometry_columns_field_infos WHERE f_table_name = ? AND f_geometry_column = ?",
                    [.text(table), .text(column)])
    }

    /// Schema 5 made the statistics tables; a store held at an older step (tests of the
    /// migrations) has none to keep.
    private func hasLayerStatistics() throws -> Bool {
        try scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'geometry_columns_statistics'").int64 == 1
    }

    /// True when the statistics were computed after the table's last change: no client
    /// (eplan, spatialite, QGIS: the tm*_ triggers stamp every write) touched it since.
    /// Ask BEFORE writing; then `extendLayerStatistics` is enough.
    func layerStatisticsAreCurrent(table: String, column: String) throws -> Bool {
        guard try hasLayerStatistics() else { return false }
        return try scalar("""
            SELECT s.row_count IS NOT NULL AND s.last_verified IS NOT NULL
                   AND max(t.last_insert, t.last_update, t.last_delete) <= s.last_verified
            FROM geometry_columns_statistics AS s JOIN geometry_columns_time AS t
                 USING (f_table_name, f_geometry_column)
            WHERE f_table_name = ? AND f_geometry_column = ?
            """, [.text(table), .text(column)]).int64 == 1
    }

    /// `rows` rows added whose geometries lie in `envelope` (nil: NULL or empty): the count
    /// and the extent grown, without reading the table.
    func extendLayerStatistics(table: String, column: String, by envelope: Envelope?, rows: Int = 1) throws {
        guard try hasLayerStatistics() else { return }
        var set = "row_count = row_count + \(rows)"
        var args: [SQLValue] = []
        if let e = envelope {
            set += """
                , extent_min_x = min(coalesce(extent_min_x, ?1), ?1), extent_min_y = min(coalesce(extent_min_y, ?2), ?2),
                  extent_max_x = max(coalesce(extent_max_x, ?3), ?3), extent_max_y = max(coalesce(extent_max_y, ?4), ?4)
                """
            args = [.real(e.minX), .real(e.minY), .real(e.maxX), .real(e.maxY)]
        }
        let n = args.count
        try execute("""
            UPDATE geometry_columns_statistics SET \(set), last_verified = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE f_table_name = ?\(n + 1) AND f_geometry_column = ?\(n + 2)
            """, args + [.text(table), .text(column)])
        try execute("DELETE FROM geometry_columns_field_infos WHERE f_table_name = ? AND f_geometry_column = ?",
                    [.text(table), .text(column)])
    }
}

extension Store {
    /// UpdateLayerStatistics for one geometry column (a full scan of its BLOB headers).
    /// Import paths call it once per import, inside their transaction.
    public func refreshLayerStatistics(table: String, column: String = "geom") throws {
        try database.refreshLayerStatistics(table: table, column: column)
    }

    /// Statistics of every geometry column, as `UpdateLayerStatistics()` without arguments.
    public func refreshAllLayerStatistics() throws {
        var columns: [(String, String)] = []
        try database.query("SELECT f_table_name, f_geometry_column FROM geometry_columns") {
            columns.append(($0.string(0) ?? "", $0.string(1) ?? ""))
        }
        for (t, c) in columns { try database.refreshLayerStatistics(table: t, column: c) }
    }
}
