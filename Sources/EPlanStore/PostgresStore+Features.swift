import EPlanGeometry

// The OGC API – Features reads (see `FeatureCollections` for SQLite's) on PostGIS: the
// same queries, keyset order by code, the GiST index (`&&`) for boxes, extents computed by
// PostGIS (`ST_Extent`, exact) instead of read from an R*Tree.
extension PostgresStore {
    public func projectFeatureRows(_ q: ProjectFeatureQuery) throws -> any ProjectExportRows {
        let (sql, args) = q.select(.postgis)
        // A page is one query, planned for its values and its `LIMIT`, with no transaction
        // or cursor round trips: a cursor is planned for a tenth of an unknown total (for a
        // box that chose walking 1,500,000 pins in code order: 8 s a page instead of 31 ms).
        // Nor parallel workers: new processes with cold caches for every page cost more than
        // they save on a page's few thousand rows (a box's page nationally: 72-89 ms with
        // them, 25-45 ms without). Only for this statement: reports and audits keep them.
        try db.execute("SET max_parallel_workers_per_gather = 0")
        defer { try? db.execute("RESET max_parallel_workers_per_gather") }
        return try PostgresExportRows(db: db, sql: sql, args: args, whole: true)
    }

    public func projectFeatureCount(_ q: ProjectFeatureQuery) throws -> Int {
        let (sql, args) = q.count(.postgis)
        return Int(try db.scalar(sql, args).int64 ?? 0)
    }

    public func pinExtent(_ kind: PinGeometryKind) throws -> Envelope? {
        try extent("pin WHERE is_current = 1 AND GeometryType(geom) IN (\(kind.sqlTypes))")
    }

    public func boundaryFeatureRows(_ q: BoundaryFeatureQuery) throws -> any BoundaryFeatureRows {
        let (filter, args) = q.whereClause(.postgis)
        let cursor = try PGCursor(db: db, sql: """
            SELECT \(q.layer.columns.joined(separator: ", ")), ST_AsBinary(geom, 'NDR') AS geom FROM \(q.layer.table) \(filter) ORDER BY code
            """, args: args)
        return PostgresBoundaryRows(cursor, geomColumn: Int32(q.layer.columns.count))
    }

    public func boundaryFeatureCount(_ q: BoundaryFeatureQuery) throws -> Int {
        let (filter, args) = q.whereClause(.postgis)
        return Int(try db.scalar("SELECT count(*) FROM \(q.layer.table) \(filter)", args).int64 ?? 0)
    }

    public func boundaryExtent(_ layer: BoundaryLayer) throws -> Envelope? {
        try extent(layer.table)
    }

    /// The box of `geom` over `from` (a table and its conditions); nil when there are no rows.
    private func extent(_ from: String) throws -> Envelope? {
        guard let r = try rows("""
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM \(from)) x
            """).first, !r.isNull(0) else { return nil }
        return Envelope(minX: r.double(0), minY: r.double(1), maxX: r.double(2), maxY: r.double(3))
    }
}

/// A boundary layer's page through a `PGCursor`: the layer's columns, then the geometry.
final class PostgresBoundaryRows: BoundaryFeatureRows {
    private let cursor: PGCursor
    private let geomColumn: Int32

    init(_ cursor: PGCursor, geomColumn: Int32) { self.cursor = cursor; self.geomColumn = geomColumn }

    func step() throws -> Bool { try cursor.step() }
    func text(_ property: Int) -> UnsafeBufferPointer<UInt8>? { cursor.text(Int32(property)) }
    var geometry: UnsafeRawBufferPointer? { cursor.blob(geomColumn) }
}
