import EPlanGeometry

// The OGC API – Features reads (see `FeatureCollections` for SQLite's) on PostGIS: the
// same queries, keyset order by code, the GiST index (`&&`) for boxes, extents computed by
// PostGIS (`ST_Extent`, exact) instead of read from an R*Tree.
extension PostgresStore {
    private static func featureConditions(_ q: ProjectFeatureQuery) -> ([String], [SQLValue]) {
        var (clauses, args) = q.filter.conditions(currentPin: "g", dialect: .postgis)
        clauses.insert(contentsOf: ["g.is_current = 1", "GeometryType(g.geom) IN (\(q.kind.sqlTypes))"], at: 0)
        func add(_ sql: String, _ value: String?) { if let value { clauses.append(sql); args.append(.text(value)) } }
        add("g.pinned_at >= ?", q.pinnedFrom)
        add("g.pinned_at <= ?", q.pinnedUntil)
        add("g.project_code > ?", q.afterCode)
        add("g.project_code = ?", q.code)
        return (clauses, args)
    }

    public func projectFeatureRows(_ q: ProjectFeatureQuery) throws -> any ProjectExportRows {
        let (clauses, args) = Self.featureConditions(q)
        let cols = ProjectExportCursor.columns, block = ProjectExportCursor.laoBlock
        let selected = [cols[0].sql, "l.id", "p.lao_code"] + cols[(block.upperBound + 1)...].map(\.sql)
        return try PostgresExportRows(db: db, sql: """
            SELECT \(selected.joined(separator: ", ")), ST_AsBinary(g.geom, 'NDR') AS geom
            FROM pin g JOIN project p ON p.code = g.project_code
            LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND "))
            ORDER BY g.project_code
            """, args: args)
    }

    public func projectFeatureCount(_ q: ProjectFeatureQuery) throws -> Int {
        let (clauses, args) = Self.featureConditions(q)
        return Int(try db.scalar("""
            SELECT count(*) FROM pin g JOIN project p ON p.code = g.project_code LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND "))
            """, args).int64 ?? 0)
    }

    public func pinExtent(_ kind: PinGeometryKind) throws -> Envelope? {
        try extent("pin WHERE is_current = 1 AND GeometryType(geom) IN (\(kind.sqlTypes))")
    }

    private static func boundaryConditions(_ q: BoundaryFeatureQuery) -> ([String], [SQLValue]) {
        var clauses: [String] = [], args: [SQLValue] = []
        func add(_ sql: String, _ value: String?) { if let value { clauses.append(sql); args.append(.text(value)) } }
        add("\(q.layer.provinceColumn) = ?", q.provinceCode)
        if let column = q.layer.amphoeColumn { add("\(column) = ?", q.amphoeCode) }
        add("code > ?", q.afterCode)
        add("code = ?", q.code)
        if let b = q.bbox {
            clauses.append("geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)")
            args += [.real(b.minX), .real(b.minY), .real(b.maxX), .real(b.maxY)]
        }
        return (clauses, args)
    }

    public func boundaryFeatureRows(_ q: BoundaryFeatureQuery) throws -> any BoundaryFeatureRows {
        let (clauses, args) = Self.boundaryConditions(q)
        let cursor = try PGCursor(db: db, sql: """
            SELECT \(q.layer.columns.joined(separator: ", ")), ST_AsBinary(geom, 'NDR') AS geom FROM \(q.layer.table)
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            ORDER BY code
            """, args: args)
        return PostgresBoundaryRows(cursor, geomColumn: Int32(q.layer.columns.count))
    }

    public func boundaryFeatureCount(_ q: BoundaryFeatureQuery) throws -> Int {
        let (clauses, args) = Self.boundaryConditions(q)
        return Int(try db.scalar("""
            SELECT count(*) FROM \(q.layer.table) \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            """, args).int64 ?? 0)
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
