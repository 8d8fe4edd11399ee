import CSQLite

/// A property of every exported feature: its key, the SQL giving it, and how it is written.
public struct ProjectExportColumn: Sendable {
    /// `percent`: a real written to 0.01, the rounding the stage rule uses (`ProjectRecord.roundedProgress`).
    public enum Kind: UInt8, Sendable { case text, integer, real, boolean, percent }
    public let key: String
    let sql: String
    public let kind: Kind
}

/// The export's rows, stepped one at a time, each column read in place from SQLite's
/// memory (text and geometry BLOB as buffers valid until the next `step`): the zero-copy
/// path of `ProjectExporter`, kept inside the store. Columns are named by their position
/// in `columns` (a property index), never by a result-column number.
///
/// One query joins the current pin, the project and its LAO, every filter bound as a
/// parameter (a box through the R*Tree `idx_pin_geom`). The LAO block (`laoBlock`:
/// lao_code … province_th) repeats for every project of an LAO, so the row carries only
/// the LAO's rowid (`laoID`) and code; `Store.forEachExportLAO` gives each LAO's block once.
public final class ProjectExportCursor {
    /// The feature properties, in order.
    public static let columns: [ProjectExportColumn] = [
        ProjectExportColumn(key: "code", sql: "p.code", kind: .text),
        ProjectExportColumn(key: "lao_code", sql: "p.lao_code", kind: .text),
        ProjectExportColumn(key: "lao_name_th", sql: "l.name_th", kind: .text),
        ProjectExportColumn(key: "lao_name_en", sql: "l.name_en", kind: .text),
        ProjectExportColumn(key: "amphoe_code", sql: "l.amphoe_code", kind: .text),
        ProjectExportColumn(key: "amphoe_th", sql: "a.name_th", kind: .text),
        ProjectExportColumn(key: "province_code", sql: "l.province_code", kind: .text),
        ProjectExportColumn(key: "province_th", sql: "v.name_th", kind: .text),
        ProjectExportColumn(key: "plan_year", sql: "p.plan_year", kind: .integer),
        ProjectExportColumn(key: "plan_year_ce", sql: "p.plan_year - 543", kind: .integer),
        ProjectExportColumn(key: "name_th", sql: "p.name_th", kind: .text),
        ProjectExportColumn(key: "strategy", sql: "p.strategy", kind: .text),
        ProjectExportColumn(key: "kind", sql: "p.kind", kind: .text),
        ProjectExportColumn(key: "budget", sql: "p.budget", kind: .real),
        ProjectExportColumn(key: "funding", sql: "p.funding", kind: .text),
        ProjectExportColumn(key: "stage", sql: ProjectStage.sqlExpression(), kind: .text),
        ProjectExportColumn(key: "plan_approved_on", sql: "p.plan_approved_on", kind: .text),
        ProjectExportColumn(key: "budget_approved_on", sql: "p.budget_approved_on", kind: .text),
        ProjectExportColumn(key: "contract_signed_on", sql: "p.contract_signed_on", kind: .text),
        ProjectExportColumn(key: "contract_amount", sql: "p.contract_amount", kind: .real),
        ProjectExportColumn(key: "disbursed_amount", sql: "p.disbursed_amount", kind: .real),
        ProjectExportColumn(key: "disbursed_on", sql: "p.disbursed_on", kind: .text),
        ProjectExportColumn(key: "progress", sql: "p.progress", kind: .percent),
        ProjectExportColumn(key: "completed_on", sql: "p.completed_on", kind: .text),
        ProjectExportColumn(key: "pin_status", sql: "g.status", kind: .text),
        ProjectExportColumn(key: "pin_version", sql: "g.version", kind: .integer),
        ProjectExportColumn(key: "pinned_at", sql: "g.pinned_at", kind: .text),
        ProjectExportColumn(key: "pinned_by", sql: "g.pinned_by", kind: .text),
        ProjectExportColumn(key: "synthetic", sql: "p.synthetic", kind: .boolean),
    ]

    /// The LAOs' keys and export blocks (key, then the block's properties), every LAO's or
    /// only those of `ids` (integers, written into the SQL as numbers).
    static func laoBlockQuery(only ids: [Int64]?) -> String {
        let block = columns[laoBlock]
        return """
            SELECT l.id, l.code, \(block.dropFirst().map(\.sql).joined(separator: ", "))
            FROM lao l LEFT JOIN amphoe a ON a.code = l.amphoe_code LEFT JOIN province v ON v.code = l.province_code
            \(ids.map { "WHERE l.id IN (\($0.isEmpty ? "NULL" : $0.map(String.init).joined(separator: ", ")))" } ?? "")
            """
    }

    /// The properties that describe the project's LAO (lao_code … province_th). Of these,
    /// a row holds only lao_code; the rest come from `Store.forEachExportLAO`.
    public static let laoBlock = 1...7

    /// The result columns: code, l.id, p.lao_code, then every property after the LAO block, then g.geom.
    @usableFromInline static let laoIDColumn: Int32 = 1
    @usableFromInline static let geomColumn = Int32(columns.count - laoBlock.count + 2)

    /// The result column of property `p` (0, lao_code, or one after the LAO block).
    @inlinable @inline(__always)
    static func column(_ p: Int) -> Int32 {
        p == 0 ? 0 : (p == laoBlock.lowerBound ? 2 : Int32(truncatingIfNeeded: p &- (laoBlock.upperBound &- 2)))
    }

    /// The SELECT for a filter and its arguments, in bind order (`includeUnpinned`: projects
    /// without a current pin come too, with a NULL geometry).
    public static func query(_ filter: ProjectFilter, includeUnpinned: Bool,
                             dialect: SQLDialect = .sqlite) -> (sql: String, args: [SQLValue]) {
        var (clauses, args) = filter.conditions(currentPin: "g", keepUnpinned: includeUnpinned, dialect: dialect)
        let from = includeUnpinned
            ? "project p LEFT JOIN pin g ON g.project_code = p.code AND g.is_current = 1"
            : "pin g JOIN project p ON p.code = g.project_code"
        if !includeUnpinned { clauses.insert("g.is_current = 1", at: 0) }
        let selected = [columns[0].sql, "l.id", "p.lao_code"] + columns[(laoBlock.upperBound + 1)...].map(\.sql)
        let sql = """
            SELECT \(selected.joined(separator: ", ")), g.geom
            FROM \(from)
            LEFT JOIN lao l ON l.code = p.lao_code
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            ORDER BY p.code
            """
        return (sql, args)
    }

    @usableFromInline let statement: Statement
    /// The statement's handle, read directly by the inlined accessors (owned by `statement`).
    @usableFromInline let handle: OpaquePointer

    init(_ statement: Statement) {
        self.statement = statement
        self.handle = statement.handle
    }

    /// Advances one row: true when a row is ready to read.
    public func step() throws -> Bool { try statement.step() }

    /// The project's LAO rowid, nil when its LAO is not stored.
    @inlinable public var laoID: Int64? {
        @inline(__always) get {
            sqlite3_column_type(handle, Self.laoIDColumn) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, Self.laoIDColumn)
        }
    }

    @inlinable @inline(__always)
    public func isNull(_ property: Int) -> Bool { sqlite3_column_type(handle, Self.column(property)) == SQLITE_NULL }

    /// A text property's UTF-8 bytes in place, nil for NULL; valid until the next `step`.
    @inlinable @inline(__always)
    public func text(_ property: Int) -> UnsafeBufferPointer<UInt8>? {
        let c = Self.column(property)
        guard let p = sqlite3_column_text(handle, c) else { return nil }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, c)))
    }

    @inlinable @inline(__always)
    public func int64(_ property: Int) -> Int64 { sqlite3_column_int64(handle, Self.column(property)) }

    @inlinable @inline(__always)
    public func double(_ property: Int) -> Double { sqlite3_column_double(handle, Self.column(property)) }

    /// The pin's SpatiaLite BLOB in place, nil without a pin; valid until the next `step`.
    @inlinable public var geometry: UnsafeRawBufferPointer? {
        @inline(__always) get {
            let blob = sqlite3_column_blob(handle, Self.geomColumn)
            let n = Int(sqlite3_column_bytes(handle, Self.geomColumn))
            guard let blob, n > 0 else { return nil }
            return UnsafeRawBufferPointer(start: blob, count: n)
        }
    }

    /// The project code as a String (for messages).
    public var code: String? { statement.string(0) }
}

extension Store {
    /// Opens the export's rows for a filter (see `ProjectExportCursor`).
    public func projectExportCursor(_ filter: ProjectFilter, includeUnpinned: Bool) throws -> ProjectExportCursor {
        let (sql, args) = ProjectExportCursor.query(filter, includeUnpinned: includeUnpinned)
        let stmt = try database.prepare(sql)
        try stmt.bind(args)
        return ProjectExportCursor(stmt)
    }

    /// Every LAO's rowid and its export block (`ProjectExportCursor.laoBlock`), or only the
    /// LAOs of `ids`: `text(p)` gives property `p` of the block in place (nil for NULL),
    /// valid only inside `body`.
    public func forEachExportLAO(only ids: [Int64]?, _ body: (_ id: Int64, _ text: (Int) -> UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        let stmt = try database.prepare(ProjectExportCursor.laoBlockQuery(only: ids))
        let h = stmt.handle, first = ProjectExportCursor.laoBlock.lowerBound
        while try stmt.step() {
            try body(sqlite3_column_int64(h, 0)) { p in
                let c = Int32(p - first + 1)
                guard let t = sqlite3_column_text(h, c) else { return nil }
                return UnsafeBufferPointer(start: t, count: Int(sqlite3_column_bytes(h, c)))
            }
        }
    }
}
