import EPlanGeometry

// Boundary repairs on PostgreSQL (RepairSchema.swift has SQLite's): the same rows in
// `boundary_original` and the same repaired unit. PostGIS keeps no layer statistics to
// refresh (extents are computed from the GiST-indexed column).
extension PostgresStore {
    public func replaceBoundaryGeometry(level: BoundaryLevel, code: String, with geometry: Geometry, repair: String) throws {
        let multi = try BoundaryOriginal.repaired(geometry, code: code)
        let now = BoundaryOriginal.now()
        try db.transaction {
            // The unit's row is locked first: two repairs of one unit take turns, each keeping what it replaced.
            let kept = try rows("""
                INSERT INTO boundary_original (level, code, geom, is_valid, invalid_reason, repair, replaced_at)
                SELECT ?, code, geom, is_valid, invalid_reason, ?, ? FROM \(level.table) WHERE code = ? FOR UPDATE
                RETURNING id
                """, [.text(level.rawValue), .text(repair), .text(now), .text(code)])
            guard kept.count == 1 else { throw StoreError(.unknownBoundary(code: code, level: level)) }
            try db.execute("""
                UPDATE \(level.table) SET geom = ST_GeomFromWKB(?, 4326), is_valid = 1, invalid_reason = NULL,
                    invalid_x = NULL, invalid_y = NULL
                WHERE code = ?
                """, [PostgresStore.wkb(multi), .text(code)])
        }
    }

    public func boundaryOriginals(level: BoundaryLevel?) throws -> [BoundaryOriginal] {
        let filter = level == nil ? "" : "WHERE level = ?"
        return try rows("""
            SELECT level, code, ST_AsBinary(geom, 'NDR') AS geom, invalid_reason, repair, replaced_at
            FROM boundary_original \(filter) ORDER BY id
            """, level.map { [.text($0.rawValue)] } ?? []).map { row in
            let g: Geometry = try row.withBlob(2) { bytes in
                guard let bytes, !bytes.isEmpty else { return .multiPolygon([]) }
                return try SpatiaLiteBlob.decode(bytes).geometry
            }
            return BoundaryOriginal(level: BoundaryLevel(rawValue: row.string(0) ?? "") ?? .tambon,
                                    code: row.string(1) ?? "", geometry: g, invalidReason: row.string(3),
                                    repair: row.string(4) ?? "", replacedAt: row.string(5) ?? "")
        }
    }
}
