import Foundation

/// Schema step 3: LAO facts the status report needs that step 2 has no column for —
/// whether the LAO has recorded its vision (the seed says "done" without a date), and
/// whether a development plan is approved even when its date is unknown.
enum LAOFactsSchema {
    static let migration = Migration(version: 3, name: "LAO vision flag; plan approval without a date") { db in
        try db.execute("""
            ALTER TABLE lao ADD COLUMN vision INTEGER NOT NULL DEFAULT 0 CHECK (vision IN (0, 1));
            ALTER TABLE dev_plan ADD COLUMN approved INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1));
            UPDATE dev_plan SET approved = 1 WHERE approved_on IS NOT NULL;
            """)
    }
}

/// An LAO's multi-year development plan (แผนพัฒนา 3 ปี), years in BE.
public struct DevPlanRecord: Equatable, Sendable {
    public var laoCode: String
    public var firstYear: Int
    public var lastYear: Int
    /// Approved, whether or not the date is known.
    public var approved: Bool
    /// ISO date (CE) of the approval, nil when not approved or the date is unknown.
    public var approvedOn: String?

    public init(laoCode: String, firstYear: Int, lastYear: Int, approved: Bool, approvedOn: String? = nil) {
        self.laoCode = laoCode; self.firstYear = firstYear; self.lastYear = lastYear
        self.approved = approved || approvedOn != nil; self.approvedOn = approvedOn
    }
}

extension Store {
    /// Sets whether the LAO has recorded its vision.
    public func setLAOVision(code: String, _ vision: Bool) throws {
        try database.execute("UPDATE lao SET vision = ? WHERE code = ?", [SQLValue(vision), .text(code)])
        if database.changes == 0 { throw LAOStoreError(.unknownLAO(code)) }
    }

    public func laoVision(code: String) throws -> Bool? {
        let v = try database.scalar("SELECT vision FROM lao WHERE code = ?", [.text(code)])
        return v.int64.map { $0 != 0 }
    }

    /// Inserts the plan, or updates the one of the same LAO and first year.
    public func upsertDevPlan(_ p: DevPlanRecord) throws {
        let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
        try database.execute("""
            INSERT INTO dev_plan (lao_code, first_year, last_year, approved, approved_on, recorded_on)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (lao_code, first_year) DO UPDATE SET
                last_year = excluded.last_year, approved = excluded.approved, approved_on = excluded.approved_on
            """, [.text(p.laoCode), SQLValue(p.firstYear), SQLValue(p.lastYear), SQLValue(p.approved),
                  SQLValue(p.approvedOn), .text(String(today))])
    }
}
