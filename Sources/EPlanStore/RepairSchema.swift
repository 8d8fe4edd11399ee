import EPlanGeometry
import Foundation

/// Schema step 5: originals of repaired boundaries. A repair (e.g. `eplan boundaries
/// repair --make-valid`) never loses data: the geometry it replaces is kept here first.
enum RepairSchema {
    static let migration = Migration(version: 4, name: "originals of repaired boundaries") { db in
        try db.execute("""
            CREATE TABLE boundary_original (
                id INTEGER PRIMARY KEY,
                level TEXT NOT NULL CHECK (level IN ('province', 'amphoe', 'tambon')),
                code TEXT NOT NULL,
                geom BLOB,
                is_valid INTEGER,
                invalid_reason TEXT,
                repair TEXT NOT NULL,
                replaced_at TEXT NOT NULL);
            CREATE INDEX boundary_original_unit ON boundary_original (level, code);
            """)
    }
}

/// A boundary geometry as it was before a repair.
public struct BoundaryOriginal: Equatable, Sendable {
    public var level: BoundaryLevel
    public var code: String
    public var geometry: Geometry
    public var invalidReason: String?
    public var repair: String
    public var replacedAt: String

    /// What a repair stores: the geometry as a multipolygon (the layer's type), or the refusal.
    static func repaired(_ geometry: Geometry, code: String) throws -> Geometry {
        switch geometry {
        case .polygon, .multiPolygon: return geometry.asMulti
        default: throw StoreError(.notPolygonal(code: code, type: geometry.type))
        }
    }

    /// The time stamp of a repair (`replaced_at`), the same form on both backends.
    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}

extension Store {
    /// Replaces one unit's geometry with a repaired (valid) one, keeping the original in
    /// `boundary_original`, in one transaction. Throws when the unit does not exist.
    public func replaceBoundaryGeometry(level: BoundaryLevel, code: String, with geometry: Geometry,
                                        repair: String) throws {
        let multi = try BoundaryOriginal.repaired(geometry, code: code)
        let db = database
        let now = BoundaryOriginal.now()
        try db.transaction {
            let before = try boundaryBox(level, code)
            try db.execute("""
                INSERT INTO boundary_original (level, code, geom, is_valid, invalid_reason, repair, replaced_at)
                SELECT ?, code, geom, is_valid, invalid_reason, ?, ? FROM \(level.table) WHERE code = ?
                """, [.text(level.rawValue), .text(repair), .text(now), .text(code)])
            guard db.changes == 1 else { throw StoreError(.unknownBoundary(code: code, level: level)) }
            try db.execute("""
                UPDATE \(level.table) SET geom = ?, is_valid = 1, invalid_reason = NULL, invalid_x = NULL, invalid_y = NULL
                WHERE code = ?
                """, [SQLValue(SpatiaLiteBlob.encode(multi, srid: Store.srid)), .text(code)])
            // Make-valid nearly always keeps the box: then count and extent stand, and a
            // repair of many units does not rescan the level once per unit.
            if try boundaryBox(level, code) != before { try db.refreshLayerStatistics(table: level.table, column: "geom") }
        }
    }

    /// The unit's MBR from its BLOB header (NULLs for no geometry).
    private func boundaryBox(_ level: BoundaryLevel, _ code: String) throws -> [SQLValue] {
        var box: [SQLValue] = []
        try database.query("SELECT MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM \(level.table) WHERE code = ?",
                           [.text(code)]) { r in box = (0..<4).map { r.value(Int32($0)) } }
        return box
    }

    /// The originals kept by repairs, oldest first.
    public func boundaryOriginals(level: BoundaryLevel?) throws -> [BoundaryOriginal] {
        var out: [BoundaryOriginal] = []
        let filter = level == nil ? "" : "WHERE level = ?"
        try database.query("""
            SELECT level, code, geom, invalid_reason, repair, replaced_at FROM boundary_original \(filter) ORDER BY id
            """, level.map { [.text($0.rawValue)] } ?? []) { row in
            let g: Geometry = try row.withBlob(2) { bytes in
                guard let bytes, !bytes.isEmpty else { return .multiPolygon([]) }
                return try SpatiaLiteBlob.decode(bytes).geometry
            }
            out.append(BoundaryOriginal(level: BoundaryLevel(rawValue: row.string(0) ?? "") ?? .tambon,
                                        code: row.string(1) ?? "", geometry: g, invalidReason: row.string(3),
                                        repair: row.string(4) ?? "", replacedAt: row.string(5) ?? ""))
        }
        return out
    }
}
