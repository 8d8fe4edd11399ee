/// What the status report reads from the store, as typed rows (the report's rules, as-of
/// dates and staleness, stay with `StatusReport.make`), and the LAO facts set by hand.

/// One LAO's recorded vision and the date its jurisdiction last changed.
public struct LAOVisionRow: Equatable, Sendable {
    public var laoCode: String
    public var vision: Bool
    public var visionRecordedOn: String?
    public var updatedAt: String
}

/// The approval of the plan covering the report's first year.
public struct PlanApprovalRow: Equatable, Sendable {
    public var laoCode: String
    public var approved: Bool
    public var approvedOn: String?
}

/// Projects of one LAO and plan year.
public struct ProjectCountRow: Equatable, Sendable {
    public var laoCode: String
    public var planYear: Int
    public var count: Int
}

/// One LAO's plan-year projects with their budget approved, contract signed, money
/// disbursed, work completed, each dated on or before the as-of day.
public struct StageCountRow: Equatable, Sendable {
    public var laoCode: String
    public var budgetApproved: Int
    public var contractSigned: Int
    public var disbursed: Int
    public var completed: Int
}

/// The newest pin version of a project pinned by the as-of day (Thai time).
public struct PinAsOfRow: Equatable, Sendable {
    public var laoCode: String
    public var status: String?
    public var pinnedAt: String
}

/// Everything `StatusReport.make` counts for one province and first plan year.
public struct StatusReportFacts: Equatable, Sendable {
    public var visions: [LAOVisionRow] = []
    public var approvals: [PlanApprovalRow] = []
    public var projectCounts: [ProjectCountRow] = []
    public var stages: [StageCountRow] = []
    /// The latest boundary import (ISO timestamp), "" when none.
    public var boundariesImportedAt = ""
    public var pins: [PinAsOfRow] = []
}

extension Store {
    /// The province's Thai and English names, nil when no such province.
    public func provinceNames(code: String) throws -> BoundaryName? {
        var out: BoundaryName?
        try database.query("SELECT name_th, name_en FROM province WHERE code = ?", [.text(code)]) { r in
            out = BoundaryName(th: r.string(0) ?? "", en: r.string(1) ?? "")
        }
        return out
    }

    /// Whether some LAO of the province has a plan covering `year` (BE).
    public func provinceHasPlan(_ provinceCode: String, covering year: Int) throws -> Bool {
        !(try database.scalar("""
            SELECT 1 FROM dev_plan d JOIN lao l ON l.code = d.lao_code
            WHERE l.province_code = ? AND d.first_year <= ? AND d.last_year >= ? LIMIT 1
            """, [.text(provinceCode), .integer(Int64(year)), .integer(Int64(year))])).isNull
    }

    /// The report's facts for plan years `year`…`year + 2`, with projects recorded, stages
    /// dated and pins pinned on or before `asOf` (ISO day; "9999-12-31" for everything).
    public func statusReportFacts(provinceCode: String, year: Int, asOf: String) throws -> StatusReportFacts {
        var f = StatusReportFacts()
        let p = SQLValue.text(provinceCode), y = SQLValue.integer(Int64(year)), d = SQLValue.text(asOf)
        try database.query("SELECT code, vision, vision_recorded_on, updated_at FROM lao WHERE province_code = ?", [p]) { r in
            f.visions.append(LAOVisionRow(laoCode: r.string(0) ?? "", vision: r.int64(1) != 0,
                                          visionRecordedOn: r.string(2), updatedAt: r.string(3) ?? ""))
        }
        try database.query("""
            SELECT d.lao_code, d.approved, d.approved_on FROM dev_plan d JOIN lao l ON l.code = d.lao_code
            WHERE l.province_code = ? AND d.first_year <= ? AND d.last_year >= ?
            """, [p, y, y]) { r in
            f.approvals.append(PlanApprovalRow(laoCode: r.string(0) ?? "", approved: r.int64(1) != 0, approvedOn: r.string(2)))
        }
        try database.query("""
            SELECT p.lao_code, p.plan_year, count(*) FROM project p JOIN lao l ON l.code = p.lao_code
            WHERE l.province_code = ? AND p.plan_year BETWEEN ? AND ? AND p.recorded_on <= ?
            GROUP BY p.lao_code, p.plan_year
            """, [p, y, .integer(Int64(year + 2)), d]) { r in
            f.projectCounts.append(ProjectCountRow(laoCode: r.string(0) ?? "", planYear: r.int(1), count: r.int(2)))
        }
        f.stages = try stageCounts(provinceCode: p, year: y, asOf: d)
        f.boundariesImportedAt = try database.scalar("SELECT max(imported_at) FROM boundary_import").string ?? ""
        f.pins = try pinsAsOf(provinceCode: p, year: y, asOf: d)
        return f
    }

    private func stageCounts(provinceCode p: SQLValue, year y: SQLValue, asOf d: SQLValue) throws -> [StageCountRow] {
        var out: [StageCountRow] = []
        try database.query("""
            SELECT p.lao_code,
                sum(p.budget_approved_on IS NOT NULL AND p.budget_approved_on <= ?1),
                sum(p.contract_signed_on IS NOT NULL AND p.contract_signed_on <= ?1),
                sum(coalesce(p.disbursed_amount, 0) > 0 AND coalesce(p.disbursed_on, '') <= ?1),
                sum(p.completed_on IS NOT NULL AND p.completed_on <= ?1)
            FROM project p JOIN lao l ON l.code = p.lao_code
            WHERE l.province_code = ?2 AND p.plan_year = ?3 AND p.recorded_on <= ?1
            GROUP BY p.lao_code
            """, [d, p, y]) { r in
            out.append(StageCountRow(laoCode: r.string(0) ?? "", budgetApproved: r.int(1), contractSigned: r.int(2),
                                     disbursed: r.int(3), completed: r.int(4)))
        }
        return out
    }

    /// The newest version of each plan-year project's pin pinned by the as-of day (Thai time).
    private func pinsAsOf(provinceCode p: SQLValue, year y: SQLValue, asOf d: SQLValue) throws -> [PinAsOfRow] {
        var out: [PinAsOfRow] = []
        try database.query("""
            SELECT p.lao_code, pn.status, pn.pinned_at FROM project p JOIN lao l ON l.code = p.lao_code
            JOIN pin pn ON pn.project_code = p.code
            WHERE l.province_code = ?2 AND p.plan_year = ?3 AND p.recorded_on <= ?1
              AND pn.version = (SELECT max(q.version) FROM pin q WHERE q.project_code = p.code
                                AND substr(datetime(q.pinned_at, '+7 hours'), 1, 10) <= ?1)
            """, [d, p, y]) { r in
            out.append(PinAsOfRow(laoCode: r.string(0) ?? "", status: r.string(1), pinnedAt: r.string(2) ?? ""))
        }
        return out
    }

    /// Sets an LAO's hand-kept facts in one transaction; an unknown LAO changes nothing.
    /// `vision`: nil unchanged; true records it on `visionRecordedOn` (ISO day), false clears
    /// both. `strategies`: nil unchanged, .some(nil) cleared. Does not touch `updated_at`
    /// (that dates the jurisdiction, which pins are judged by).
    public func setLAOFacts(code: String, vision: Bool?, visionRecordedOn: String?, strategies: Int??) throws {
        try database.transaction {
            guard try laoExists(code) else { throw LAOStoreError(.unknownLAO(code)) }
            if let v = vision {
                let on: SQLValue = v ? SQLValue(visionRecordedOn) : .null
                try database.execute("UPDATE lao SET vision = ?, vision_recorded_on = ? WHERE code = ?", [SQLValue(v), on, .text(code)])
            }
            if let s = strategies {
                try database.execute("UPDATE lao SET strategies = ? WHERE code = ?", [SQLValue(s), .text(code)])
            }
        }
    }
}
