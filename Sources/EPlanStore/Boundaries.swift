import EPlanGeometry
import Foundation

/// The three levels of Thai administrative boundaries, one table each.
public enum BoundaryLevel: String, Sendable, CaseIterable {
    case province, amphoe, tambon

    public var table: String { rawValue }
    public var nameTH: String {
        switch self {
        case .province: return "จังหวัด"
        case .amphoe: return "อำเภอ"
        case .tambon: return "ตำบล"
        }
    }

    /// Codes of the enclosing units this level stores (tambon keeps both for direct lookups).
    var parentColumns: [String] {
        switch self {
        case .province: return []
        case .amphoe: return ["province_code"]
        case .tambon: return ["amphoe_code", "province_code"]
        }
    }

    /// `id` is the ROWID, so the R*Tree pkid maps straight to a row; `code` is the public key.
    var createTableSQL: String {
        let parents = parentColumns.map { "\($0) TEXT NOT NULL,\n" }.joined()
        return """
            CREATE TABLE \(table) (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                \(parents)name_th TEXT NOT NULL,
                name_en TEXT,
                is_valid INTEGER NOT NULL DEFAULT 1 CHECK (is_valid IN (0, 1)),
                invalid_reason TEXT,
                invalid_x REAL,
                invalid_y REAL,
                imported_at TEXT NOT NULL)
            """
    }

    /// Uniform select list (`BoundaryRow`): code, parent code, province code, names, geometry, validity.
    var selectSQL: String {
        "SELECT \(BoundaryRow.Column.allCases.map { BoundaryRow.expression($0, self) }.joined(separator: ", ")) FROM \(table)"
    }

    var insertSQL: String {
        let cols = ["code"] + parentColumns + ["name_th", "name_en", "geom", "is_valid",
                                              "invalid_reason", "invalid_x", "invalid_y", "imported_at"]
        return "INSERT INTO \(table) (\(cols.joined(separator: ", "))) VALUES (\(cols.map { _ in "?" }.joined(separator: ", ")))"
    }
}

/// One administrative unit as imported, with the validity found at import time.
public struct BoundaryRecord: Equatable, Sendable {
    public var level: BoundaryLevel
    public var code: String
    /// The amphoe code for a tambon, the province code for an amphoe, nil for a province.
    public var parentCode: String?
    /// The province code (a province's own code for a province).
    public var provinceCode: String
    public var nameTH: String
    public var nameEN: String?
    /// Always a multipolygon once stored; an empty multipolygon when the file holds NULL.
    public var geometry: Geometry
    public var isValid: Bool
    public var invalidReason: String?
    public var invalidLocation: Coordinate?

    public init(level: BoundaryLevel, code: String, parentCode: String?, provinceCode: String,
                nameTH: String, nameEN: String?, geometry: Geometry,
                isValid: Bool = true, invalidReason: String? = nil, invalidLocation: Coordinate? = nil) {
        self.level = level; self.code = code; self.parentCode = parentCode; self.provinceCode = provinceCode
        self.nameTH = nameTH; self.nameEN = nameEN; self.geometry = geometry
        self.isValid = isValid; self.invalidReason = invalidReason; self.invalidLocation = invalidLocation
    }
}

extension Store {
    static let srid: Int32 = 4326

    /// Replaces every boundary of `level` with `records` in ONE transaction: the old rows,
    /// their R*Tree entries (through the gid_ triggers) and the new rows commit together or
    /// not at all, and the import is logged in `boundary_import`. Returns the count inserted.
    @discardableResult
    public func replaceBoundaries(level: BoundaryLevel, records: some Sequence<BoundaryRecord>,
                                  source: String) throws -> Int {
        try replaceBoundaries(level: level, source: source) { writer in
            for r in records { try writer.insert(r) }
        }
    }

    /// Replaces every boundary of `level` with what `body` inserts, in ONE transaction, so
    /// a caller can stream records in (one at a time, never all in memory) and still back
    /// out: anything `body` throws rolls the level back to what it was.
    @discardableResult
    public func replaceBoundaries(level: BoundaryLevel, source: String,
                                  _ body: (BoundaryWriter) throws -> Void) throws -> Int {
        let db = database
        let now = ISO8601DateFormatter().string(from: Date())
        return try db.transaction {
            var previous = Set<String>()
            try db.query("SELECT code FROM \(level.table)", []) { row in previous.insert(row.string(0) ?? "") }
            try db.execute("DELETE FROM \(level.table)")
            let insert = try db.cached(level.insertSQL)
            let writer = BoundaryWriter(level: level, previous: previous) { values, multi in
                try insert.bind(values + [.text(now)])
                // The geometry is bound separately to avoid copying the BLOB into an SQLValue;
                // an empty geometry has no SpatiaLite form and stays NULL (and out of the R*Tree).
                if let blob = SpatiaLiteBlob.encode(multi, srid: Store.srid) {
                    // 1-based: geom is fifth from the end of `values`.
                    try blob.withUnsafeBytes { try insert.bindBlob($0, at: Int32(values.count - 4)) }
                }
                defer { insert.reset() }
                try insert.step()
            }
            try body(writer)
            try db.execute("""
                INSERT INTO boundary_import (level, source, feature_count, imported_at) VALUES (?, ?, ?, ?)
                """, [.text(level.rawValue), .text(source), .integer(Int64(writer.count)), .text(now)])
            try db.refreshLayerStatistics(table: level.table, column: "geom")
            return writer.count
        }
    }

    /// The bounding box of every boundary of `level`, by code (from the BLOB headers: no
    /// geometry is decoded). What an import checks a lower level's units against.
    public func boundaryEnvelopes(level: BoundaryLevel) throws -> [String: Envelope] {
        var out: [String: Envelope] = [:]
        try database.query("SELECT code, geom FROM \(level.table)", []) { row in
            let code = row.string(0) ?? ""
            if let e = try row.withBlob(1, { bytes -> Envelope? in
                guard let bytes, !bytes.isEmpty else { return nil }
                return try SpatiaLiteBlob.envelope(of: bytes)
            }) { out[code] = e }
        }
        return out
    }

    /// Every boundary of `level`, or those whose box meets `envelope` (via the R*Tree), by code.
    public func boundaries(level: BoundaryLevel, intersecting envelope: Envelope? = nil) throws -> [BoundaryRecord] {
        guard let e = envelope else {
            return try fetch(level, "\(level.selectSQL) ORDER BY code", [])
        }
        let sql = """
            \(level.selectSQL) WHERE id IN (SELECT pkid FROM idx_\(level.table)_geom
                WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?) ORDER BY code
            """
        return try fetch(level, sql, [.real(e.maxX), .real(e.minX), .real(e.maxY), .real(e.minY)]) {
            $0.intersects(e)
        }
    }

    public func boundary(level: BoundaryLevel, code: String) throws -> BoundaryRecord? {
        try fetch(level, "\(level.selectSQL) WHERE code = ?", [.text(code)]).first
    }

    /// Boundaries whose bounding box contains `point`: the candidates for an exact
    /// point-in-polygon test (done with GEOS by the caller). R*Tree boxes are float32 rounded
    /// outward, so the exact double MBR from each BLOB header drops the few false hits.
    public func candidates(level: BoundaryLevel, containing point: Coordinate) throws -> [BoundaryRecord] {
        let sql = """
            \(level.selectSQL) WHERE id IN (SELECT pkid FROM idx_\(level.table)_geom
                WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?) ORDER BY code
            """
        return try fetch(level, sql, [.real(point.x), .real(point.x), .real(point.y), .real(point.y)]) {
            $0.contains(point)
        }
    }

    public func count(level: BoundaryLevel) throws -> Int {
        Int(try database.scalar("SELECT count(*) FROM \(level.table)").int64 ?? 0)
    }

    /// Runs a boundary select; `keep` sees the header MBR before the body is decoded.
    private func fetch(_ level: BoundaryLevel, _ sql: String, _ args: [SQLValue],
                       keep: ((Envelope) -> Bool)? = nil) throws -> [BoundaryRecord] {
        var out: [BoundaryRecord] = []
        try database.query(sql, args) { row in
            if let r = try BoundaryRow.decode(Columns(row), level: level, keep: keep) { out.append(r) }
        }
        return out
    }
}

/// Inserts the rows of one level inside `replaceBoundaries(level:source:_:)` (either
/// backend): checks each record, then hands its values to the backend's insert.
public final class BoundaryWriter {
    public let level: BoundaryLevel
    /// The codes the level held before this import.
    public let previousCodes: Set<String>
    /// The codes inserted so far.
    public private(set) var codes = Set<String>()
    public var count: Int { codes.count }
    /// Inserts one row: the values of `BoundaryLevel.insertSQL` but `imported_at` (the
    /// geometry's as NULL, fifth from the end), and the geometry as a multipolygon.
    private let write: ([SQLValue], Geometry) throws -> Void

    init(level: BoundaryLevel, previous: Set<String>, write: @escaping ([SQLValue], Geometry) throws -> Void) {
        self.level = level; self.previousCodes = previous; self.write = write
    }

    public func insert(_ r: BoundaryRecord) throws {
        guard r.level == level else {
            throw StoreError(.wrongLevel(code: r.code, expected: level, found: r.level))
        }
        let multi: Geometry
        switch r.geometry {
        case .polygon, .multiPolygon: multi = r.geometry.asMulti
        default: throw StoreError(.notPolygonal(code: r.code, type: r.geometry.type))
        }
        var values: [SQLValue] = [.text(r.code)]
        switch level {
        case .province: break
        case .amphoe:
            guard !r.provinceCode.isEmpty else { throw StoreError(.missingParent(code: r.code, level: level)) }
            values.append(.text(r.provinceCode))
        case .tambon:
            guard let amphoe = r.parentCode, !amphoe.isEmpty, !r.provinceCode.isEmpty else {
                throw StoreError(.missingParent(code: r.code, level: level))
            }
            values += [.text(amphoe), .text(r.provinceCode)]
        }
        values += [.text(r.nameTH), SQLValue(r.nameEN), .null, SQLValue(r.isValid),
                   SQLValue(r.invalidReason), SQLValue(r.invalidLocation?.x), SQLValue(r.invalidLocation?.y)]
        try write(values, multi)
        codes.insert(r.code)
    }
}
