import CSQLite
import EPlanGeometry

// The reads behind the OGC API – Features collections (issue 11): pages of features in a
// stable key order (keyset paging: "codes after X", never OFFSET, so a deep page costs what
// the first does), counts, and extents from the R*Tree.

/// The geometry kinds the projects' current pins are split by (QGIS shows only the first
/// geometry type of a mixed collection). A kind covers its multi- form too.
public enum PinGeometryKind: String, Sendable, CaseIterable {
    case point, line, polygon

    /// The SpatiaLite `GeometryType` names of this kind, as an SQL list.
    var sqlTypes: String {
        switch self {
        case .point: return "'POINT', 'MULTIPOINT'"
        case .line: return "'LINESTRING', 'MULTILINESTRING'"
        case .polygon: return "'POLYGON', 'MULTIPOLYGON'"
        }
    }
}

/// Which project features one page holds: the export's filter (its `bbox` through the
/// R*Tree), the pin's geometry kind, `pinned_at` bounds and the keyset position.
public struct ProjectFeatureQuery: Sendable, Equatable {
    public var filter: ProjectFilter
    public var kind: PinGeometryKind
    /// Inclusive bounds on `pinned_at`, in the stored form ("2026-11-26T13:10:33.439Z").
    public var pinnedFrom: String?
    public var pinnedUntil: String?
    /// Only codes after this one (the previous page's last), in code order.
    public var afterCode: String?
    /// Only this project (one feature).
    public var code: String?
    /// How many features the page wants. SQLite reads rows as they are stepped (this only
    /// chooses the plan of a box); PostgreSQL's query asks for `pageSize + 1` rows (the
    /// page, and one to know whether more follow), so it is planned for those and makes no more.
    public var pageSize: Int

    public init(filter: ProjectFilter = ProjectFilter(), kind: PinGeometryKind, pinnedFrom: String? = nil, pinnedUntil: String? = nil,
                afterCode: String? = nil, code: String? = nil, pageSize: Int = 100) {
        self.filter = filter; self.kind = kind; self.pinnedFrom = pinnedFrom; self.pinnedUntil = pinnedUntil
        self.afterCode = afterCode; self.code = code; self.pageSize = pageSize
    }
}

/// How SQLite finds the pins of a box for a page in code order.
enum BoxPlan {
    /// From the R*Tree's matches, then sorted by code: cheap when the box holds few pins,
    /// but every page sorts all the box's pins after its key (16 s a page for a box around
    /// 1,000,000 pins, which is what QGIS asks for when zoomed out).
    case rtreeFirst
    /// Down the current-pin index in code order, each pin's own R*Tree box tested by its
    /// rowid: a page costs the pins walked past to fill it, whatever the box holds.
    case codeOrder
}

/// The published boundary layers: the administrative levels and the LAOs' jurisdictions.
public enum BoundaryLayer: String, Sendable, CaseIterable {
    case province, amphoe, tambon, lao

    /// The feature properties, each a TEXT column of the layer's table, in order.
    public var columns: [String] {
        switch self {
        case .province: return ["code", "name_th", "name_en"]
        case .amphoe: return ["code", "province_code", "name_th", "name_en"]
        case .tambon: return ["code", "amphoe_code", "province_code", "name_th", "name_en"]
        case .lao: return ["code", "type", "name_th", "short_th", "name_en", "amphoe_code", "province_code", "coverage"]
        }
    }

    var table: String { rawValue }
    /// The column a province or amphoe filter tests (a province is its own province).
    var provinceColumn: String { self == .province ? "code" : "province_code" }
    var amphoeColumn: String? { self == .amphoe ? "code" : (self == .province ? nil : "amphoe_code") }
}

/// Which boundary features one page holds.
public struct BoundaryFeatureQuery: Sendable, Equatable {
    public var layer: BoundaryLayer
    public var provinceCode: String?
    /// Ignored for provinces (they have no amphoe).
    public var amphoeCode: String?
    /// Features whose geometry's box meets this box (lon/lat), through the R*Tree (rounded outward).
    public var bbox: Envelope?
    public var afterCode: String?
    public var code: String?

    public init(layer: BoundaryLayer, provinceCode: String? = nil, amphoeCode: String? = nil, bbox: Envelope? = nil,
                afterCode: String? = nil, code: String? = nil) {
        self.layer = layer; self.provinceCode = provinceCode; self.amphoeCode = amphoeCode; self.bbox = bbox
        self.afterCode = afterCode; self.code = code
    }
}

/// Boundary features one at a time: property `i` (of `BoundaryLayer.columns`) and the
/// geometry read in place, valid until the next `step`.
public protocol BoundaryFeatureRows: AnyObject {
    func step() throws -> Bool
    func text(_ property: Int) -> UnsafeBufferPointer<UInt8>?
    /// The SpatiaLite BLOB (EPSG:4326), nil when the row has none.
    var geometry: UnsafeRawBufferPointer? { get }
}

/// SQLite's boundary rows: the select list is the layer's columns, then `geom`.
final class BoundaryFeatureCursor: BoundaryFeatureRows {
    let statement: Statement
    let geomColumn: Int32

    init(_ statement: Statement, columns: Int) {
        self.statement = statement
        self.geomColumn = Int32(columns)
    }

    func step() throws -> Bool { try statement.step() }

    func text(_ property: Int) -> UnsafeBufferPointer<UInt8>? {
        let c = Int32(property)
        guard let p = sqlite3_column_text(statement.handle, c) else { return nil }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement.handle, c)))
    }

    var geometry: UnsafeRawBufferPointer? {
        let n = Int(sqlite3_column_bytes(statement.handle, geomColumn))
        guard let blob = sqlite3_column_blob(statement.handle, geomColumn), n > 0 else { return nil }
        return UnsafeRawBufferPointer(start: blob, count: n)
    }
}

extension ProjectFeatureQuery {
    /// The conditions over `pin g JOIN project p LEFT JOIN lao l`, and their arguments, for
    /// either backend (the box through SQLite's R*Tree or PostGIS's GiST index).
    func conditions(_ dialect: SQLDialect, boxPlan: BoxPlan = .rtreeFirst) -> ([String], [SQLValue]) {
        var plain = filter
        if boxPlan == .codeOrder { plain.bbox = nil }
        var (clauses, args) = plain.conditions(currentPin: "g", dialect: dialect)
        if boxPlan == .codeOrder, let b = filter.bbox {
            // The same comparisons on the same (outward-rounded) boxes as the R*Tree's query.
            clauses.append("""
                EXISTS (SELECT 1 FROM idx_pin_geom r WHERE r.pkid = g.id AND r.xmin <= ? AND r.xmax >= ? AND r.ymin <= ? AND r.ymax >= ?)
                """)
            args += [.real(b.maxX), .real(b.minX), .real(b.maxY), .real(b.minY)]
        }
        clauses.insert(contentsOf: ["g.is_current = 1", "GeometryType(g.geom) IN (\(kind.sqlTypes))"], at: 0)
        func add(_ sql: String, _ value: String?) { if let value { clauses.append(sql); args.append(.text(value)) } }
        add("g.pinned_at >= ?", pinnedFrom)
        add("g.pinned_at <= ?", pinnedUntil)
        // On the pin's own column: SQLite then walks the current-pin index in code order and
        // seeks to the key, instead of sorting everything after it.
        add("g.project_code > ?", afterCode)
        add("g.project_code = ?", code)
        if dialect == .postgis, let b = filter.bbox {
            // The page's exact box test (`FeaturePage`) in SQL as well: with the query's
            // `LIMIT`, a row the page dropped after the query would leave it short.
            clauses.append("ST_XMin(g.geom) <= ? AND ST_XMax(g.geom) >= ? AND ST_YMin(g.geom) <= ? AND ST_YMax(g.geom) >= ?")
            args += [.real(b.maxX), .real(b.minX), .real(b.maxY), .real(b.minY)]
        }
        return (clauses, args)
    }

    /// The page's SELECT (the export's columns, `geom` last, in code order) for either backend.
    func select(_ dialect: SQLDialect, boxPlan: BoxPlan = .rtreeFirst) -> (sql: String, args: [SQLValue]) {
        let (clauses, args) = conditions(dialect, boxPlan: boxPlan)
        let cols = ProjectExportCursor.columns, block = ProjectExportCursor.laoBlock
        let selected = [cols[0].sql, "l.id", "p.lao_code"] + cols[(block.upperBound + 1)...].map(\.sql)
        let geom = dialect == .sqlite ? "g.geom" : "ST_AsBinary(g.geom, 'NDR') AS geom"
        if dialect == .sqlite && boxPlan == .rtreeFirst && filter.bbox != nil {
            // The box's matches are filtered and sorted by code as narrow rows (the pin's rowid
            // and code; the project and LAO joined only when a filter tests them), then only
            // the rows the page steps through are joined and read. Sorted whole, every match
            // carried all its columns through the sort, though a page keeps `pageSize` of them.
            // `CROSS JOIN` keeps the sorted sub-query the outer loop (SQLite does not reorder
            // it), so the rows come in its order without a second sort; its `LIMIT -1` (no
            // limit) keeps it a sub-query with its `ORDER BY`, not flattened into the join.
            let joins = filter.testsOnlyThePin ? "" : " JOIN project p ON p.code = g.project_code LEFT JOIN lao l ON l.code = p.lao_code"
            return ("""
                SELECT \(selected.joined(separator: ", ")), \(geom)
                FROM (SELECT g.id FROM pin g\(joins) WHERE \(clauses.joined(separator: " AND ")) ORDER BY g.project_code LIMIT -1) k
                CROSS JOIN pin g ON g.id = k.id
                JOIN project p ON p.code = g.project_code
                LEFT JOIN lao l ON l.code = p.lao_code
                """, args)
        }
        if dialect == .postgis && filter.testsOnlyThePin {
            // Every condition is on the pin: the page's pins first, then their projects. Joined
            // before the limit, PostgreSQL read the project of every pin in the box (4,224 for
            // a page of 1,001 nationally: 0.27 s warm, seconds cold). A pin always has its
            // project (foreign key), so the rows are the same.
            return ("""
                SELECT \(selected.joined(separator: ", ")), \(geom)
                FROM (SELECT * FROM pin g WHERE \(clauses.joined(separator: " AND ")) ORDER BY g.project_code LIMIT \(pageSize + 1)) g
                JOIN project p ON p.code = g.project_code
                LEFT JOIN lao l ON l.code = p.lao_code
                ORDER BY g.project_code
                """, args)
        }
        return ("""
            SELECT \(selected.joined(separator: ", ")), \(geom)
            FROM pin g JOIN project p ON p.code = g.project_code
            LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND "))
            ORDER BY g.project_code\(dialect == .postgis ? " LIMIT \(pageSize + 1)" : "")
            """, args)
    }

    /// How many features the query selects (all pages), for either backend.
    func count(_ dialect: SQLDialect) -> (sql: String, args: [SQLValue]) {
        let (clauses, args) = conditions(dialect)
        return ("""
            SELECT count(*) FROM pin g JOIN project p ON p.code = g.project_code LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND "))
            """, args)
    }
}

extension BoundaryFeatureQuery {
    /// The conditions over the layer's table, for either backend.
    func conditions(_ dialect: SQLDialect) -> ([String], [SQLValue]) {
        var clauses: [String] = [], args: [SQLValue] = []
        func add(_ sql: String, _ value: String?) { if let value { clauses.append(sql); args.append(.text(value)) } }
        add("\(layer.provinceColumn) = ?", provinceCode)
        if let column = layer.amphoeColumn { add("\(column) = ?", amphoeCode) }
        add("code > ?", afterCode)
        add("code = ?", code)
        if let b = bbox {
            switch dialect {
            case .sqlite:
                clauses.append("id IN (SELECT pkid FROM idx_\(layer.table)_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)")
                args += [.real(b.maxX), .real(b.minX), .real(b.maxY), .real(b.minY)]
            case .postgis:
                clauses.append("geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)")
                args += [.real(b.minX), .real(b.minY), .real(b.maxX), .real(b.maxY)]
            }
        }
        return (clauses, args)
    }

    /// `WHERE …` (or nothing) and its arguments.
    func whereClause(_ dialect: SQLDialect) -> (sql: String, args: [SQLValue]) {
        let (clauses, args) = conditions(dialect)
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), args)
    }
}

extension Store {
    /// A page of project features: the export's row (`ProjectExportCursor` columns) in code order.
    public func projectFeatureRows(_ q: ProjectFeatureQuery) throws -> any ProjectExportRows {
        let (sql, args) = q.select(.sqlite, boxPlan: try boxPlan(q))
        let stmt = try database.prepare(sql)
        try stmt.bind(args)
        return ProjectExportCursor(stmt)
    }

    /// Which way a page of a box is cheaper. Walking in code order reads about
    /// pageSize / share rows (share: the box's part of all pins); starting from the R*Tree
    /// reads and sorts share × pins rows. The walk wins once share > √(pageSize / pins), that
    /// is once the box holds more than √(pageSize × pins) pins: counted in the R*Tree up to
    /// that many, so the choice costs at most what the cheaper plan reads anyway.
    func boxPlan(_ q: ProjectFeatureQuery) throws -> BoxPlan {
        guard let b = q.filter.bbox, q.code == nil else { return .rtreeFirst }
        let pins = try database.scalar("SELECT max(id) FROM pin").int64 ?? 0  // every version: an upper bound, one seek
        let threshold = Int64((Double(max(q.pageSize, 1)) * Double(max(pins, 1))).squareRoot().rounded(.up))
        let found = try database.scalar("""
            SELECT count(*) FROM (SELECT 1 FROM idx_pin_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ? LIMIT ?)
            """, [.real(b.maxX), .real(b.minX), .real(b.maxY), .real(b.minY), .integer(threshold)]).int64 ?? 0
        return found >= threshold ? .codeOrder : .rtreeFirst
    }

    /// How many project features a query selects (all pages); the R*Tree's boxes are
    /// rounded outward, so with a box this may count a few the exact test leaves out.
    public func projectFeatureCount(_ q: ProjectFeatureQuery) throws -> Int {
        let (sql, args) = q.count(.sqlite)
        return Int(try database.scalar(sql, args).int64 ?? 0)
    }

    /// The box of the current pins of a kind, from the R*Tree's (outward-rounded) boxes; nil when none.
    public func pinExtent(_ kind: PinGeometryKind) throws -> Envelope? {
        try extent("""
            SELECT min(r.xmin), min(r.ymin), max(r.xmax), max(r.ymax)
            FROM pin g JOIN idx_pin_geom r ON r.pkid = g.id
            WHERE g.is_current = 1 AND GeometryType(g.geom) IN (\(kind.sqlTypes))
            """)
    }

    /// A page of boundary features in code order: the layer's columns, then the geometry.
    public func boundaryFeatureRows(_ q: BoundaryFeatureQuery) throws -> any BoundaryFeatureRows {
        let (filter, args) = q.whereClause(.sqlite)
        let stmt = try database.prepare("""
            SELECT \(q.layer.columns.joined(separator: ", ")), geom FROM \(q.layer.table) \(filter) ORDER BY code
            """)
        try stmt.bind(args)
        return BoundaryFeatureCursor(stmt, columns: q.layer.columns.count)
    }

    public func boundaryFeatureCount(_ q: BoundaryFeatureQuery) throws -> Int {
        let (filter, args) = q.whereClause(.sqlite)
        return Int(try database.scalar("SELECT count(*) FROM \(q.layer.table) \(filter)", args).int64 ?? 0)
    }

    /// The layer's box from its R*Tree; nil when it is empty.
    public func boundaryExtent(_ layer: BoundaryLayer) throws -> Envelope? {
        try extent("SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM idx_\(layer.table)_geom")
    }

    private func extent(_ sql: String) throws -> Envelope? {
        var e: Envelope?
        try database.query(sql) { r in
            if !r.isNull(0) { e = Envelope(minX: r.double(0), minY: r.double(1), maxX: r.double(2), maxY: r.double(3)) }
        }
        return e
    }
}
