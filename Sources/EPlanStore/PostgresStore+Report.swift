import EPlanGeometry
import Foundation

// The project filter's look-ups (ScopeLookups.swift) and the status report's facts
// (Store+Report.swift) in PostgreSQL's SQL: booleans summed as integers, the Thai day of a
// pin from its UTC time stamp.
extension PostgresStore {
    // The look-ups' SQL is shared with SQLite's store (ScopeLookups.swift).
    public func provinceCodes(matching text: String, bareName: String) throws -> [String] {
        try ScopeLookups(db: db).provinceCodes(matching: text, bareName: bareName)
    }

    public func amphoeCodes(matching text: String, bareName: String, provinceCode: String?) throws -> [String] {
        try ScopeLookups(db: db).amphoeCodes(matching: text, bareName: bareName, provinceCode: provinceCode)
    }

    public func amphoe(_ amphoeCode: String, isInProvince provinceCode: String) throws -> Bool {
        try ScopeLookups(db: db).amphoe(amphoeCode, isInProvince: provinceCode)
    }

    public func yearKnown(_ year: Int, provinceCode: String?, amphoeCode: String?, laoCode: String?) throws -> Bool {
        try ScopeLookups(db: db).yearKnown(year, provinceCode: provinceCode, amphoeCode: amphoeCode, laoCode: laoCode)
    }

    public func provinceNames(code: String) throws -> BoundaryName? {
        try rows("SELECT name_th, name_en FROM province WHERE code = ?", [.text(code)]).first.map {
            BoundaryName(th: $0.string(0) ?? "", en: $0.string(1) ?? "")
        }
    }

    public func provinceHasPlan(_ provinceCode: String, covering year: Int) throws -> Bool {
        !(try db.scalar("""
            SELECT 1 FROM dev_plan d JOIN lao l ON l.code = d.lao_code
            WHERE l.province_code = ? AND d.first_year <= ? AND d.last_year >= ? LIMIT 1
            """, [.text(provinceCode), .integer(Int64(year)), .integer(Int64(year))])).isNull
    }

    public func statusReportFacts(provinceCode: String, year: Int, asOf: String) throws -> StatusReportFacts {
        var f = StatusReportFacts()
        let p = SQLValue.text(provinceCode), y = SQLValue.integer(Int64(year)), d = SQLValue.text(asOf)
        f.visions = try rows("SELECT code, vision, vision_recorded_on, updated_at FROM lao WHERE province_code = ?", [p]).map { r in
            LAOVisionRow(laoCode: r.string(0) ?? "", vision: r.int64(1) != 0, visionRecordedOn: r.string(2), updatedAt: r.string(3) ?? "")
        }
        f.approvals = try rows("""
            SELECT d.lao_code, d.approved, d.approved_on FROM dev_plan d JOIN lao l ON l.code = d.lao_code
            WHERE l.province_code = ? AND d.first_year <= ? AND d.last_year >= ?
            """, [p, y, y]).map { r in
            PlanApprovalRow(laoCode: r.string(0) ?? "", approved: r.int64(1) != 0, approvedOn: r.string(2))
        }
        f.projectCounts = try rows("""
            SELECT p.lao_code, p.plan_year, count(*) FROM project p JOIN lao l ON l.code = p.lao_code
            WHERE l.province_code = ? AND p.plan_year BETWEEN ? AND ? AND p.recorded_on <= ?
            GROUP BY p.lao_code, p.plan_year
            """, [p, y, .integer(Int64(year + 2)), d]).map { r in
            ProjectCountRow(laoCode: r.string(0) ?? "", planYear: r.int(1), count: r.int(2))
        }
        f.stages = try stageCounts(provinceCode: p, year: y, asOf: d)
        f.boundariesImportedAt = try db.scalar("SELECT max(imported_at) FROM boundary_import").string ?? ""
        f.pins = try pinsAsOf(provinceCode: p, year: y, asOf: d)
        return f
    }

    private func stageCounts(provinceCode p: SQLValue, year y: SQLValue, asOf d: SQLValue) throws -> [StageCountRow] {
        try rows("""
            SELECT p.lao_code,
                count(*) FILTER (WHERE p.budget_approved_on IS NOT NULL AND p.budget_approved_on <= ?1),
                count(*) FILTER (WHERE p.contract_signed_on IS NOT NULL AND p.contract_signed_on <= ?1),
                count(*) FILTER (WHERE coalesce(p.disbursed_amount, 0) > 0 AND coalesce(p.disbursed_on, '') <= ?1),
                count(*) FILTER (WHERE p.completed_on IS NOT NULL AND p.completed_on <= ?1)
            FROM project p JOIN lao l ON l.code = p.lao_code
            WHERE l.province_code = ?2 AND p.plan_year = ?3 AND p.recorded_on <= ?1
            GROUP BY p.lao_code
            """, [d, p, y]).map { r in
            StageCountRow(laoCode: r.string(0) ?? "", budgetApproved: r.int(1), contractSigned: r.int(2),
                          disbursed: r.int(3), completed: r.int(4))
        }
    }

    /// SQLite's `substr(datetime(pinned_at, '+7 hours'), 1, 10)`: the Thai calendar day.
    private func pinsAsOf(provinceCode p: SQLValue, year y: SQLValue, asOf d: SQLValue) throws -> [PinAsOfRow] {
        try rows("""
            SELECT p.lao_code, pn.status, pn.pinned_at FROM project p JOIN lao l ON l.code = p.lao_code
            JOIN pin pn ON pn.project_code = p.code
            WHERE l.province_code = ?2 AND p.plan_year = ?3 AND p.recorded_on <= ?1
              AND pn.version = (SELECT max(q.version) FROM pin q WHERE q.project_code = p.code
                                AND to_char((q.pinned_at::timestamptz AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD') <= ?1)
            """, [d, p, y]).map { r in
            PinAsOfRow(laoCode: r.string(0) ?? "", status: r.string(1), pinnedAt: r.string(2) ?? "")
        }
    }
}
