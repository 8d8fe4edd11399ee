import EPlanGeometry

/// Which projects a command or request is about, in codes the store holds: the one filter
/// behind `projects list`, `pins list`, `export` (and the service's queries). Its SQL is
/// written once, here, so a filter means the same in every listing. nil means any.
public struct ProjectFilter: Sendable, Equatable {
    /// The LAO's province and amphoe (not where a pin fell).
    public var provinceCode: String?
    public var amphoeCode: String?
    public var laoCode: String?
    /// Buddhist era.
    public var planYear: Int?
    public var stage: ProjectStage?
    public var funding: FundingSource?
    public var kind: ProjectKind?
    /// Projects whose current pin's box meets this box (lon/lat), through the R*Tree. The
    /// R*Tree's float boxes are rounded outward: exact callers re-test the BLOB's own box.
    public var bbox: Envelope?

    public init(laoCode: String? = nil, amphoeCode: String? = nil, provinceCode: String? = nil, planYear: Int? = nil,
                stage: ProjectStage? = nil, funding: FundingSource? = nil, kind: ProjectKind? = nil, bbox: Envelope? = nil) {
        self.provinceCode = provinceCode; self.amphoeCode = amphoeCode; self.laoCode = laoCode; self.planYear = planYear
        self.stage = stage; self.funding = funding; self.kind = kind; self.bbox = bbox
    }

    /// Nothing asked of the project or its LAO (at most a box, which tests the pin).
    var testsOnlyThePin: Bool {
        provinceCode == nil && amphoeCode == nil && laoCode == nil && planYear == nil && stage == nil && funding == nil && kind == nil
    }

    /// SQL conditions (AND-ed by the caller) over `project p LEFT JOIN lao l`, and the
    /// arguments in bind order. `bbox` tests the current pin: through `currentPin`'s alias
    /// when the query joins it, else through a sub-query; `keepUnpinned` lets projects
    /// without a pin pass the box (they have no place to test).
    public func conditions(currentPin: String? = nil, keepUnpinned: Bool = false,
                           dialect: SQLDialect = .sqlite) -> ([String], [SQLValue]) {
        var clauses: [String] = [], args: [SQLValue] = []
        func add(_ sql: String, _ value: SQLValue) { clauses.append(sql); args.append(value) }
        if let v = provinceCode { add("l.province_code = ?", .text(v)) }
        if let v = amphoeCode { add("l.amphoe_code = ?", .text(v)) }
        if let v = laoCode { add("p.lao_code = ?", .text(v)) }
        if let v = planYear { add("p.plan_year = ?", .integer(Int64(v))) }
        if let v = stage { add("(\(ProjectStage.sqlExpression("p"))) = ?", .text(v.rawValue)) }
        if let v = funding { add("p.funding = ?", .text(v.rawValue)) }
        if let v = kind { add("p.kind = ?", .text(v.rawValue)) }
        if let b = bbox {
            // SQLite through the R*Tree; PostGIS through the GiST index (`&&`, exact double boxes).
            let inBox = dialect == .sqlite
                ? "IN (SELECT pkid FROM idx_pin_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)"
                : "IN (SELECT id FROM pin WHERE geom && ST_MakeEnvelope(?, ?, ?, ?, 4326))"
            if let g = currentPin {
                // PostGIS: on the pin row itself, so the planner may either scan the GiST
                // index and sort, or walk the pins in code order testing each one's box
                // (a page of a box holding most pins), as the `LIMIT` makes cheaper.
                let test = dialect == .sqlite ? "\(g).id \(inBox)" : "\(g).geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)"
                clauses.append(keepUnpinned ? "(\(g).id IS NULL OR \(test))" : test)
            } else {
                let pinned = "EXISTS (SELECT 1 FROM pin cp WHERE cp.project_code = p.code AND cp.is_current = 1 AND cp.id \(inBox))"
                clauses.append(keepUnpinned
                    ? "(NOT EXISTS (SELECT 1 FROM pin cp WHERE cp.project_code = p.code AND cp.is_current = 1) OR \(pinned))"
                    : pinned)
            }
            args += dialect == .sqlite ? [.real(b.maxX), .real(b.minX), .real(b.maxY), .real(b.minY)]
                : [.real(b.minX), .real(b.minY), .real(b.maxX), .real(b.maxY)]
        }
        return (clauses, args)
    }
}

/// Which backend's SQL a shared query builder writes.
public enum SQLDialect: Sendable {
    case sqlite, postgis
}
