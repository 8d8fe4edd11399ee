/// Look-ups that turn what a user typed (a province, amphoe or LAO by code or name, a plan
/// year) into codes the store holds: the SQL behind `ProjectQuery.resolve`, written here
/// so no other module holds SQL. Texts come already normalised by the caller.
extension Store {
    /// Distinct first-column texts of a query, in the order SQLite returns them.
    private func codes(_ sql: String, _ args: [SQLValue]) throws -> [String] {
        var out: [String] = []
        try database.query(sql, args) { row in if let c = row.string(0), !out.contains(c) { out.append(c) } }
        return out
    }

    /// Province codes whose code, Thai name (`text` or `bareName`, the text without its
    /// "จังหวัด") or English name (any case) is `text`; failing that, `text` as a province
    /// code some LAO carries (a store whose boundaries are not imported).
    public func provinceCodes(matching text: String, bareName: String) throws -> [String] {
        let found = try codes("SELECT code FROM province WHERE code = ?1 OR name_th = ?1 OR name_th = ?2 OR lower(name_en) = lower(?1)",
                              [.text(text), .text(bareName)])
        if !found.isEmpty { return found }
        return try codes("SELECT province_code FROM lao WHERE province_code = ?", [.text(text)])
    }

    /// Amphoe codes equal to `text`; else those named `text` or `bareName` (Thai, without
    /// "อำเภอ") or `text` (English, any case), within `provinceCode` when given, by code;
    /// else `text` as an amphoe code some LAO carries.
    public func amphoeCodes(matching text: String, bareName: String, provinceCode: String?) throws -> [String] {
        var found = try codes("SELECT code FROM amphoe WHERE code = ?1", [.text(text)])
        if found.isEmpty {
            found = try codes("""
                SELECT code FROM amphoe WHERE (name_th = ?1 OR name_th = ?2 OR lower(name_en) = lower(?1))
                    AND (?3 IS NULL OR province_code = ?3) ORDER BY code
                """, [.text(text), .text(bareName), SQLValue(provinceCode)])
        }
        if found.isEmpty { found = try codes("SELECT amphoe_code FROM lao WHERE amphoe_code = ?", [.text(text)]) }
        return found
    }

    /// Whether the amphoe lies in the province, by the boundaries or by an LAO's codes.
    public func amphoe(_ amphoeCode: String, isInProvince provinceCode: String) throws -> Bool {
        try !codes("""
            SELECT code FROM amphoe WHERE code = ?1 AND province_code = ?2
            UNION SELECT amphoe_code FROM lao WHERE amphoe_code = ?1 AND province_code = ?2
            """, [.text(amphoeCode), .text(provinceCode)]).isEmpty
    }

    /// Whether a plan of the scope covers `year` (BE), or a project of the scope has it
    /// (projects written by other programs may lack a plan). nil scope codes mean any.
    public func yearKnown(_ year: Int, provinceCode: String?, amphoeCode: String?, laoCode: String?) throws -> Bool {
        let covered = try database.scalar("""
            SELECT EXISTS (SELECT 1 FROM dev_plan d JOIN lao l ON l.code = d.lao_code
                WHERE ?1 BETWEEN d.first_year AND d.last_year
                  AND (?2 IS NULL OR l.province_code = ?2) AND (?3 IS NULL OR l.amphoe_code = ?3)
                  AND (?4 IS NULL OR l.code = ?4))
                OR EXISTS (SELECT 1 FROM project p JOIN lao l ON l.code = p.lao_code
                WHERE p.plan_year = ?1
                  AND (?2 IS NULL OR l.province_code = ?2) AND (?3 IS NULL OR l.amphoe_code = ?3)
                  AND (?4 IS NULL OR l.code = ?4))
            """, [.integer(Int64(year)), SQLValue(provinceCode), SQLValue(amphoeCode), SQLValue(laoCode)])
        return (covered.int64 ?? 0) != 0
    }

    /// Every LAO code stored.
    public func laoCodes() throws -> Set<String> {
        var out: Set<String> = []
        try database.query("SELECT code FROM lao") { out.insert($0.string(0) ?? "") }
        return out
    }

    /// Every project code stored.
    public func projectCodes() throws -> Set<String> {
        var out: Set<String> = []
        try database.query("SELECT code FROM project") { out.insert($0.string(0) ?? "") }
        return out
    }
}

/// A unit's names, without its geometry.
public struct BoundaryName: Equatable, Sendable {
    public var th: String
    public var en: String
}

/// A tambon's parents, by code.
public struct TambonParents: Equatable, Sendable {
    public var amphoeCode: String
    public var provinceCode: String
}

extension Store {
    /// Codes → names of one level (no geometry read).
    public func boundaryNames(level: BoundaryLevel) throws -> [String: BoundaryName] {
        var out: [String: BoundaryName] = [:]
        try database.query("SELECT code, name_th, name_en FROM \(level.table)") { r in
            out[r.string(0) ?? ""] = BoundaryName(th: r.string(1) ?? "", en: r.string(2) ?? "")
        }
        return out
    }

    /// Every tambon code → its amphoe and province codes.
    public func tambonParents() throws -> [String: TambonParents] {
        var out: [String: TambonParents] = [:]
        try database.query("SELECT code, amphoe_code, province_code FROM tambon") { r in
            out[r.string(0) ?? ""] = TambonParents(amphoeCode: r.string(1) ?? "", provinceCode: r.string(2) ?? "")
        }
        return out
    }

    /// Runs `body` in one transaction, all or nothing (nested calls become savepoints).
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T { try database.transaction(body) }
}
