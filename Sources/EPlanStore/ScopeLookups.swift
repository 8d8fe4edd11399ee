/// The look-ups that turn what a user typed (a province, amphoe or LAO by code or name, a plan
/// year) into codes the store holds: the SQL behind `ProjectQuery.resolve`, written once for
/// both backends. Parameters that may be NULL are CAST, which both read, so that PostgreSQL
/// knows their type. Texts come already normalised by the caller.
struct ScopeLookups<DB: SQLRunning> {
    let db: DB

    /// Distinct first-column texts of a query, in the order the database returns them.
    private func codes(_ sql: String, _ args: [SQLValue]) throws -> [String] {
        var out: [String] = []
        for c in try db.firstColumn(sql, args) { if let c, !out.contains(c) { out.append(c) } }
        return out
    }

    /// Province codes whose code, Thai name (`text` or `bareName`, the text without its
    /// "จังหวัด") or English name (any case) is `text`; failing that, `text` as a province
    /// code some LAO carries (a store whose boundaries are not imported).
    func provinceCodes(matching text: String, bareName: String) throws -> [String] {
        let found = try codes("SELECT code FROM province WHERE code = ?1 OR name_th = ?1 OR name_th = ?2 OR lower(name_en) = lower(?1)",
                              [.text(text), .text(bareName)])
        if !found.isEmpty { return found }
        return try codes("SELECT province_code FROM lao WHERE province_code = ?", [.text(text)])
    }

    /// Amphoe codes equal to `text`; else those named `text` or `bareName` (Thai, without
    /// "อำเภอ") or `text` (English, any case), within `provinceCode` when given, by code;
    /// else `text` as an amphoe code some LAO carries.
    func amphoeCodes(matching text: String, bareName: String, provinceCode: String?) throws -> [String] {
        var found = try codes("SELECT code FROM amphoe WHERE code = ?1", [.text(text)])
        if found.isEmpty {
            found = try codes("""
                SELECT code FROM amphoe WHERE (name_th = ?1 OR name_th = ?2 OR lower(name_en) = lower(?1))
                    AND (CAST(?3 AS TEXT) IS NULL OR province_code = ?3) ORDER BY code
                """, [.text(text), .text(bareName), SQLValue(provinceCode)])
        }
        if found.isEmpty { found = try codes("SELECT amphoe_code FROM lao WHERE amphoe_code = ?", [.text(text)]) }
        return found
    }

    /// Whether the amphoe lies in the province, by the boundaries or by an LAO's codes.
    func amphoe(_ amphoeCode: String, isInProvince provinceCode: String) throws -> Bool {
        try !codes("""
            SELECT code FROM amphoe WHERE code = ?1 AND province_code = ?2
            UNION SELECT amphoe_code FROM lao WHERE amphoe_code = ?1 AND province_code = ?2
            """, [.text(amphoeCode), .text(provinceCode)]).isEmpty
    }

    /// Whether a plan of the scope covers `year` (BE), or a project of the scope has it
    /// (projects written by other programs may lack a plan). nil scope codes mean any.
    func yearKnown(_ year: Int, provinceCode: String?, amphoeCode: String?, laoCode: String?) throws -> Bool {
        let covered = try db.scalar("""
            SELECT EXISTS (SELECT 1 FROM dev_plan d JOIN lao l ON l.code = d.lao_code
                WHERE CAST(?1 AS INTEGER) BETWEEN d.first_year AND d.last_year
                  AND (CAST(?2 AS TEXT) IS NULL OR l.province_code = ?2) AND (CAST(?3 AS TEXT) IS NULL OR l.amphoe_code = ?3)
                  AND (CAST(?4 AS TEXT) IS NULL OR l.code = ?4))
                OR EXISTS (SELECT 1 FROM project p JOIN lao l ON l.code = p.lao_code
                WHERE p.plan_year = ?1
                  AND (CAST(?2 AS TEXT) IS NULL OR l.province_code = ?2) AND (CAST(?3 AS TEXT) IS NULL OR l.amphoe_code = ?3)
                  AND (CAST(?4 AS TEXT) IS NULL OR l.code = ?4))
            """, [.integer(Int64(year)), SQLValue(provinceCode), SQLValue(amphoeCode), SQLValue(laoCode)])
        return (covered.int64 ?? 0) != 0
    }
}
