import EPlanGeometry
import Foundation

/// The geometry a project's pin is expected to have.
public enum ProjectGeometryKind: String, Sendable, CaseIterable {
    case point, line, polygon
}

/// Kind of work (ประเภทงาน).
public enum ProjectKind: String, Sendable, CaseIterable {
    case road, building, water, other

    public var labelTH: String {
        switch self {
        case .road: return "ถนน"
        case .building: return "อาคาร"
        case .water: return "แหล่งน้ำ"
        case .other: return "อื่น ๆ"
        }
    }
    public var labelEN: String { rawValue }

    /// Roads are lines; buildings, water works (wells, tanks, weirs) and the rest are
    /// points. A water project may also be pinned as a polygon (a pond, a reservoir).
    public var expectedGeometry: ProjectGeometryKind {
        switch self {
        case .road: return .line
        case .building, .water, .other: return .point
        }
    }
    public var acceptedGeometries: [ProjectGeometryKind] {
        switch self {
        case .road: return [.line]
        case .building, .other: return [.point]
        case .water: return [.point, .polygon]
        }
    }

    /// Accepts the internal name or the Thai label ("ถนน", "อื่นๆ", "อื่น ๆ").
    public init?(label: String) {
        let s = label.precomposedStringWithCanonicalMapping.lowercased().filter { !$0.isWhitespace }
        switch s {
        case "road", "ถนน", "งานถนน": self = .road
        case "building", "อาคาร", "งานอาคาร": self = .building
        case "water", "แหล่งน้ำ", "งานแหล่งน้ำ": self = .water
        case "other", "อื่นๆ", "อื่น", "งานอื่นๆ": self = .other
        default: return nil
        }
    }
}

/// Where the money comes from (แหล่งเงิน).
public enum FundingSource: String, Sendable, CaseIterable {
    case own, general, specific

    public var labelTH: String {
        switch self {
        case .own: return "เงินรายได้"
        case .general: return "เงินอุดหนุนทั่วไป"
        case .specific: return "เงินอุดหนุนเฉพาะกิจ"
        }
    }
    public var labelEN: String {
        switch self {
        case .own: return "own revenue"
        case .general: return "general subsidy"
        case .specific: return "specific subsidy"
        }
    }

    public init?(label: String) {
        let s = label.precomposedStringWithCanonicalMapping.lowercased().filter { !$0.isWhitespace && $0 != "_" && $0 != "-" }
        switch s {
        case "own", "ownrevenue", "เงินรายได้", "รายได้", "เงินรายได้ของอปท.", "เงินรายได้อปท.": self = .own
        case "general", "generalsubsidy", "เงินอุดหนุนทั่วไป", "อุดหนุนทั่วไป": self = .general
        case "specific", "specificsubsidy", "เงินอุดหนุนเฉพาะกิจ", "อุดหนุนเฉพาะกิจ": self = .specific
        default: return nil
        }
    }
}

/// How far a project has got, from its stage columns.
///
/// | stage | holds when (the first that holds, in this order) |
/// |---|---|
/// | `completed` | `completed_on` is set, or `progress` ≥ 100 |
/// | `disbursed` | `disbursed_on` is set, or `disbursed_amount` > 0 |
/// | `contracted` | `contract_signed_on` or `contract_amount` is set |
/// | `budget-approved` | `budget_approved_on` is set |
/// | `plan-approved` | `plan_approved_on` is set |
/// | `planned` | none of the above: the project is only in the plan |
public enum ProjectStage: String, Sendable, CaseIterable, Comparable {
    case planned, planApproved = "plan-approved", budgetApproved = "budget-approved",
         contractSigned = "contracted", disbursing = "disbursed", completed

    /// The same rule in SQL over `project` aliased `alias` (kept in step with `ProjectRecord.stage`).
    /// `progress * 100 >= 9999.5` is exactly "rounded to 0.01, at least 100" as Swift computes
    /// it (`ProjectRecord.roundedProgress`: the same double product, rounded half away from
    /// zero), so a value stored unrounded (an older store, another program) gets one stage.
    public static func sqlExpression(_ alias: String = "p") -> String {
        let p = alias
        return "CASE WHEN \(p).completed_on IS NOT NULL OR \(p).progress * 100 >= 9999.5 THEN 'completed' "
            + "WHEN \(p).disbursed_on IS NOT NULL OR \(p).disbursed_amount > 0 THEN 'disbursed' "
            + "WHEN \(p).contract_signed_on IS NOT NULL OR \(p).contract_amount IS NOT NULL THEN 'contracted' "
            + "WHEN \(p).budget_approved_on IS NOT NULL THEN 'budget-approved' "
            + "WHEN \(p).plan_approved_on IS NOT NULL THEN 'plan-approved' ELSE 'planned' END"
    }

    /// The English key ("plan-approved", "plan_approved"; also "contract-signed", "disbursing"),
    /// or a Thai label.
    public init?(label: String) {
        let s = label.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
            .lowercased().replacingOccurrences(of: "_", with: "-")
        if let v = ProjectStage(rawValue: s) { self = v; return }
        switch s.replacingOccurrences(of: " ", with: "") {
        case "contract-signed", "signed": self = .contractSigned
        case "disbursing": self = .disbursing
        case "อยู่ในแผน", "ในแผน", "แผน": self = .planned
        case "อนุมัติแผน", "อนุมัติแผนแล้ว": self = .planApproved
        case "อนุมัติงบ", "อนุมัติงบประมาณ", "อนุมัติงบประมาณแล้ว", "อนุมัติงบแล้ว": self = .budgetApproved
        case "ลงนามสัญญา", "ลงนามสัญญาแล้ว", "ทำสัญญา", "ทำสัญญาแล้ว": self = .contractSigned
        case "เบิกจ่าย", "เบิกจ่ายแล้ว": self = .disbursing
        case "แล้วเสร็จ", "เสร็จ", "เสร็จสิ้น", "ดำเนินการแล้วเสร็จ": self = .completed
        default: return nil
        }
    }

    public var labelTH: String {
        switch self {
        case .planned: return "อยู่ในแผน"
        case .planApproved: return "อนุมัติแผนแล้ว"
        case .budgetApproved: return "อนุมัติงบประมาณแล้ว"
        case .contractSigned: return "ลงนามสัญญาแล้ว"
        case .disbursing: return "เบิกจ่ายแล้ว"
        case .completed: return "แล้วเสร็จ"
        }
    }
    public var labelEN: String {
        switch self {
        case .planned: return "planned"
        case .planApproved: return "plan approved"
        case .budgetApproved: return "budget approved"
        case .contractSigned: return "contract signed"
        case .disbursing: return "disbursed"
        case .completed: return "completed"
        }
    }
    var order: Int { ProjectStage.allCases.firstIndex(of: self)! }
    public static func < (a: ProjectStage, b: ProjectStage) -> Bool { a.order < b.order }
}

/// One project of a development plan, with its budget and stages. Dates are ISO 8601
/// (CE) text; the plan year is Buddhist era; money is baht.
public struct ProjectRecord: Equatable, Sendable {
    public var code: String
    public var laoCode: String
    public var planYear: Int
    public var nameTH: String
    public var strategy: String?
    public var kind: ProjectKind
    public var budget: Double?
    public var funding: FundingSource?
    public var planApprovedOn: String?
    public var budgetApprovedOn: String?
    public var contractSignedOn: String?
    public var contractAmount: Double?
    public var disbursedAmount: Double?
    public var disbursedOn: String?
    public var progress: Double?
    public var completedOn: String?
    public var synthetic: Bool
    /// Set by the store.
    public var recordedOn: String?
    public var updatedAt: String?

    public init(code: String, laoCode: String, planYear: Int, nameTH: String, strategy: String? = nil,
                kind: ProjectKind, budget: Double? = nil, funding: FundingSource? = nil,
                planApprovedOn: String? = nil, budgetApprovedOn: String? = nil, contractSignedOn: String? = nil,
                contractAmount: Double? = nil, disbursedAmount: Double? = nil, disbursedOn: String? = nil,
                progress: Double? = nil, completedOn: String? = nil, synthetic: Bool = false,
                recordedOn: String? = nil, updatedAt: String? = nil) {
        self.code = code; self.laoCode = laoCode; self.planYear = planYear; self.nameTH = nameTH
        self.strategy = strategy; self.kind = kind; self.budget = budget; self.funding = funding
        self.planApprovedOn = planApprovedOn; self.budgetApprovedOn = budgetApprovedOn
        self.contractSignedOn = contractSignedOn; self.contractAmount = contractAmount
        self.disbursedAmount = disbursedAmount; self.disbursedOn = disbursedOn; self.progress = progress
        self.completedOn = completedOn; self.synthetic = synthetic; self.recordedOn = recordedOn; self.updatedAt = updatedAt
    }

    /// Progress is kept to hundredths of a percent. Every writer stores it rounded so
    /// (`insertProjects`, `updateStages`), and the stage rule (here and in SQL) and every
    /// output read that same value: 99.9999999999 is 100, completed, everywhere; 99.994 is
    /// 99.99 and not completed anywhere.
    public static func roundedProgress(_ p: Double) -> Double {
        guard p.isFinite else { return p }
        return (p * 100).rounded() / 100 + 0  // + 0: never a negative zero
    }

    /// The furthest stage reached.
    public var stage: ProjectStage {
        if completedOn != nil || (progress.map(ProjectRecord.roundedProgress) ?? 0) >= 100 { return .completed }
        if disbursedOn != nil || (disbursedAmount ?? 0) > 0 { return .disbursing }
        if contractSignedOn != nil || contractAmount != nil { return .contractSigned }
        if budgetApprovedOn != nil { return .budgetApproved }
        if planApprovedOn != nil { return .planApproved }
        return .planned
    }

    /// The rules the schema enforces, as errors a person can act on (empty when fine).
    public func violations() -> [ProjectStoreError] {
        var out: [ProjectStoreError] = []
        for (field, v) in [(ProjectStageField.contractAmount, contractAmount), (.disbursedAmount, disbursedAmount)] {
            if let v, v < 0 { out.append(ProjectStoreError(.negative(code: code, field: field.rawValue, value: v))) }
        }
        if let b = budget, b < 0 { out.append(ProjectStoreError(.negative(code: code, field: "budget", value: b))) }
        if let p = progress, !(0...100).contains(p) { out.append(ProjectStoreError(.progressOutOfRange(code: code, value: p))) }
        if disbursedExceedsContract, let d = disbursedAmount, let c = contractAmount {
            out.append(ProjectStoreError(.disbursedOverContract(code: code, disbursed: d, contract: c)))
        }
        if !(2400...2800).contains(planYear) { out.append(ProjectStoreError(.planYearNotBE(code: code, year: planYear))) }
        return out
    }
}

/// The stage columns `updateStages` may change, named as in the table.
public enum ProjectStageField: String, Sendable, CaseIterable {
    case planApprovedOn = "plan_approved_on"
    case budgetApprovedOn = "budget_approved_on"
    case contractSignedOn = "contract_signed_on"
    case contractAmount = "contract_amount"
    case disbursedAmount = "disbursed_amount"
    case disbursedOn = "disbursed_on"
    case progress
    case completedOn = "completed_on"

    public var isAmount: Bool { self == .contractAmount || self == .disbursedAmount || self == .progress }

    public func get(_ r: ProjectRecord) -> SQLValue {
        switch self {
        case .planApprovedOn: return SQLValue(r.planApprovedOn)
        case .budgetApprovedOn: return SQLValue(r.budgetApprovedOn)
        case .contractSignedOn: return SQLValue(r.contractSignedOn)
        case .contractAmount: return SQLValue(r.contractAmount)
        case .disbursedAmount: return SQLValue(r.disbursedAmount)
        case .disbursedOn: return SQLValue(r.disbursedOn)
        case .progress: return SQLValue(r.progress)
        case .completedOn: return SQLValue(r.completedOn)
        }
    }

    public func set(_ r: inout ProjectRecord, _ v: SQLValue) {
        switch self {
        case .planApprovedOn: r.planApprovedOn = v.string
        case .budgetApprovedOn: r.budgetApprovedOn = v.string
        case .contractSignedOn: r.contractSignedOn = v.string
        case .contractAmount: r.contractAmount = v.double
        case .disbursedAmount: r.disbursedAmount = v.double
        case .disbursedOn: r.disbursedOn = v.string
        case .progress: r.progress = v.double
        case .completedOn: r.completedOn = v.string
        }
    }
}

/// One change of a stage column: a date (ISO text), an amount, or nil to clear it.
public struct ProjectStageChange: Equatable, Sendable {
    public var field: ProjectStageField
    public var value: SQLValue
    public init(_ field: ProjectStageField, date: String?) { self.field = field; self.value = SQLValue(date) }
    public init(_ field: ProjectStageField, amount: Double?) { self.field = field; self.value = SQLValue(amount) }
}

/// A row of project_stage_log.
public struct ProjectStageLogEntry: Equatable, Sendable {
    public var projectCode: String
    public var field: String
    public var oldValue: String?
    public var newValue: String?
    public var changedAt: String
    public var changedBy: String
}

/// An LAO's multi-year development plan (แผนพัฒนาท้องถิ่น), years in BE.
public struct DevPlan: Equatable, Sendable {
    public var id: Int64
    public var laoCode: String
    public var firstYear: Int
    public var lastYear: Int
    public var approvedOn: String?
    public var recordedOn: String
    /// Approved, whether or not the date is known (the seed has an approval without one).
    public var approved: Bool
    public func contains(_ year: Int) -> Bool { (firstYear...lastYear).contains(year) }
    /// "2560–2562"
    public var years: String { firstYear == lastYear ? "\(firstYear)" : "\(firstYear)–\(lastYear)" }
}

public struct ProjectStoreError: UserFacingError {
    public enum Kind: Equatable, Sendable {
        case duplicateCode(String)
        case unknownProject(String)
        case unknownLAO(String)
        case negative(code: String, field: String, value: Double)
        case progressOutOfRange(code: String, value: Double)
        case disbursedOverContract(code: String, disbursed: Double, contract: Double)
        case planYearNotBE(code: String, year: Int)
        case noPlan(code: String, lao: String, year: Int, plans: [String])
        case badPlanYears(first: Int, last: Int)
        case overlappingPlan(lao: String, years: String)
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    static func baht(_ v: Double) -> String { MoneyText.baht(v) }

    public var message: Message {
        switch kind {
        case .duplicateCode(let c):
            return Message(th: "มีโครงการรหัส \(c) อยู่แล้ว (ใช้ --replace เพื่อแทนที่)",
                           en: "a project with code \(c) already exists (use --replace to replace it)")
        case .unknownProject(let c):
            return Message(th: "ไม่พบโครงการรหัส \(c)", en: "no project with code \(c)")
        case .unknownLAO(let c):
            return Message(th: "ไม่พบ อปท. รหัส \(c)", en: "no LAO with code \(c)")
        case let .negative(code, field, value):
            return Message(th: "โครงการ \(code): \(field) ติดลบไม่ได้ (ได้ \(ProjectStoreError.baht(value)))",
                           en: "project \(code): \(field) cannot be negative (got \(ProjectStoreError.baht(value)))")
        case let .progressOutOfRange(code, value):
            return Message(th: "โครงการ \(code): ความก้าวหน้าต้องอยู่ระหว่าง 0 ถึง 100% (ได้ \(value))",
                           en: "project \(code): progress must be 0 to 100% (got \(value))")
        case let .disbursedOverContract(code, d, c):
            return Message(th: "โครงการ \(code): เบิกจ่าย \(ProjectStoreError.baht(d)) บาท เกินวงเงินสัญญา \(ProjectStoreError.baht(c)) บาท",
                           en: "project \(code): disbursed \(ProjectStoreError.baht(d)) baht exceeds the contract amount \(ProjectStoreError.baht(c)) baht")
        case let .planYearNotBE(code, year):
            return Message(th: "โครงการ \(code): ปีงบประมาณ \(year) ต้องเป็น พ.ศ. (2400–2800)",
                           en: "project \(code): plan year \(year) must be Buddhist era (2400–2800)")
        case let .noPlan(code, lao, year, plans):
            if plans.isEmpty {
                return Message(th: "โครงการ \(code): อปท. \(lao) ยังไม่มีแผนพัฒนา (เพิ่มด้วย eplan plans add \(lao) --years \(year)-\(year + 2))",
                               en: "project \(code): LAO \(lao) has no development plan (add one with eplan plans add \(lao) --years \(year)-\(year + 2))")
            }
            return Message(th: "โครงการ \(code): ปีงบประมาณ \(year) ไม่อยู่ในแผนพัฒนาของ อปท. \(lao) (\(plans.joined(separator: ", ")))",
                           en: "project \(code): plan year \(year) is outside LAO \(lao)'s development plans (\(plans.joined(separator: ", ")))")
        case let .badPlanYears(first, last):
            return Message(th: "ช่วงปีของแผน \(first)–\(last) ไม่ถูกต้อง (ปี พ.ศ. 2400–2800 ปีแรกไม่เกินปีสุดท้าย ไม่เกิน 10 ปี)",
                           en: "plan years \(first)–\(last) are not valid (BE 2400–2800, first ≤ last, at most 10 years)")
        case let .overlappingPlan(lao, years):
            return Message(th: "อปท. \(lao) มีแผนพัฒนาที่ทับช่วงปีนี้อยู่แล้ว (\(years))",
                           en: "LAO \(lao) already has a development plan overlapping these years (\(years))")
        }
    }
}

extension Store {
    static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
    /// Today's date in Thailand (UTC+7), ISO.
    static func todayTH() -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        f.formatOptions = [.withFullDate]
        return f.string(from: Date())
    }

    /// Inserts projects in one transaction. A code already stored refuses the batch unless
    /// `replace`, which updates the row in place (pins keep pointing at it) and logs each
    /// changed stage column in project_stage_log as changed by `by`.
    /// Returns how many rows were replaced.
    @discardableResult
    public func insertProjects(_ records: [ProjectRecord], replace: Bool = false, by: String = "import") throws -> Int {
        let db = database
        let now = Store.timestamp(), today = Store.todayTH()
        var replaced = 0
        try db.transaction {
            let insert = try db.cached("INSERT INTO project (\(ProjectRow.Column.list())) VALUES (\(ProjectRow.Column.placeholders))")
            var seen = Set<String>()
            for var r in records {
                r.progress = r.progress.map(ProjectRecord.roundedProgress)
                guard seen.insert(r.code).inserted else { throw ProjectStoreError(.duplicateCode(r.code)) }
                if let v = r.violations().first { throw v }
                guard try laoExists(r.laoCode) else { throw ProjectStoreError(.unknownLAO(r.laoCode)) }
                // A cheap existence check first: only a stored project is read in full.
                if try !db.scalar("SELECT 1 FROM project WHERE code = ?", [.text(r.code)]).isNull,
                   let old = try project(code: r.code) {
                    guard replace else { throw ProjectStoreError(.duplicateCode(r.code)) }
                    let values = ProjectRow.values(r, recordedOn: old.recordedOn ?? today, now: now)
                    let sets = ProjectRow.Column.allCases.dropFirst().map { "\($0.name) = ?" }.joined(separator: ", ")
                    try db.execute("UPDATE project SET \(sets) WHERE code = ?", Array(values.dropFirst()) + [.text(r.code)])
                    for f in ProjectStageField.allCases where f.get(old) != f.get(r) {
                        try logStage(r.code, f.rawValue, f.get(old), f.get(r), at: now, by: by)
                    }
                    replaced += 1
                } else {
                    try insert.bind(ProjectRow.values(r, recordedOn: r.recordedOn ?? today, now: now))
                    defer { insert.reset() }
                    try insert.step()
                }
            }
        }
        return replaced
    }

    private func logStage(_ code: String, _ field: String, _ old: SQLValue, _ new: SQLValue, at: String, by: String) throws {
        try database.execute("""
            INSERT INTO project_stage_log (project_code, field, old_value, new_value, changed_at, changed_by)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(code), .text(field), Store.logText(old), Store.logText(new), .text(at), .text(by)])
    }

    /// A stage value as the log's text (shared with the PostgreSQL backend).
    static func logText(_ v: SQLValue) -> SQLValue {
        switch v {
        case .null: return .null
        case .text(let s): return .text(s)
        case .real(let d): return .text(d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d))
        case .integer(let i): return .text(String(i))
        case .blob: return .null
        }
    }

    public func laoExists(_ code: String) throws -> Bool {
        !(try database.scalar("SELECT 1 FROM lao WHERE code = ?", [.text(code)])).isNull
    }

    public func project(code: String) throws -> ProjectRecord? {
        try fetchProjects("WHERE p.code = ?", [.text(code)]).first
    }

    public func projectCount() throws -> Int {
        Int(try database.scalar("SELECT count(*) FROM project").int64 ?? 0)
    }

    /// Projects matching `filter`, by LAO, year and code.
    public func projects(filter: ProjectFilter = ProjectFilter()) throws -> [ProjectRecord] {
        let (clauses, args) = filter.conditions()
        return try fetchProjects(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), args)
    }

    private func fetchProjects(_ whereSQL: String, _ args: [SQLValue]) throws -> [ProjectRecord] {
        var out: [ProjectRecord] = []
        try database.query("""
            SELECT \(ProjectRow.Column.list("p")) FROM project p LEFT JOIN lao l ON l.code = p.lao_code
            \(whereSQL) ORDER BY p.lao_code, p.plan_year, p.code
            """, args) { row in
            out.append(ProjectRow.decode(Columns(row)))
        }
        return out
    }

    /// Changes stage columns of one project in one transaction, logging each change that
    /// alters a value. The result must keep the project's rules (disbursed ≤ contract,
    /// progress 0–100, no negative amounts): otherwise nothing changes.
    @discardableResult
    public func updateStages(code: String, changes: [ProjectStageChange], by: String) throws -> [ProjectStageLogEntry] {
        let db = database
        let now = Store.timestamp()
        return try db.transaction {
            guard let old = try project(code: code) else { throw ProjectStoreError(.unknownProject(code)) }
            var new = old
            for c in changes { c.field.set(&new, c.value) }
            new.progress = new.progress.map(ProjectRecord.roundedProgress)
            if let v = new.violations().first { throw v }
            let changed = ProjectStageField.allCases.filter { $0.get(old) != $0.get(new) }
            if changed.isEmpty { return [] }
            let sets = changed.map { "\($0.rawValue) = ?" }.joined(separator: ", ")
            try db.execute("UPDATE project SET \(sets), updated_at = ? WHERE code = ?",
                           changed.map { $0.get(new) } + [.text(now), .text(code)])
            for f in changed { try logStage(code, f.rawValue, f.get(old), f.get(new), at: now, by: by) }
            return try stageLog(code: code).suffix(changed.count)
        }
    }

    /// A project's stage changes, oldest first.
    public func stageLog(code: String) throws -> [ProjectStageLogEntry] {
        var out: [ProjectStageLogEntry] = []
        try database.query("SELECT \(StageLogRow.Column.list()) FROM project_stage_log WHERE project_code = ? ORDER BY id",
                           [.text(code)]) { row in
            out.append(StageLogRow.decode(Columns(row)))
        }
        return out
    }

    // MARK: Development plans

    /// Development plans, of one LAO or all, by LAO and first year.
    public func devPlans(laoCode: String? = nil) throws -> [DevPlan] {
        var out: [DevPlan] = []
        let whereSQL = laoCode == nil ? "" : "WHERE lao_code = ?"
        try database.query("SELECT \(DevPlanRow.Column.list()) FROM dev_plan \(whereSQL) ORDER BY lao_code, first_year",
                           laoCode.map { [.text($0)] } ?? []) { row in
            out.append(DevPlanRow.decode(Columns(row)))
        }
        return out
    }

    /// Records an LAO's development plan for `firstYear...lastYear` (BE). Refuses an
    /// unknown LAO and a plan overlapping one it already has.
    @discardableResult
    public func addDevPlan(laoCode: String, firstYear: Int, lastYear: Int, approvedOn: String? = nil) throws -> DevPlan {
        guard (2400...2800).contains(firstYear), (2400...2800).contains(lastYear), firstYear <= lastYear,
              lastYear - firstYear < 10 else {
            throw ProjectStoreError(.badPlanYears(first: firstYear, last: lastYear))
        }
        return try database.transaction {
            guard try laoExists(laoCode) else { throw ProjectStoreError(.unknownLAO(laoCode)) }
            if let o = try devPlans(laoCode: laoCode).first(where: { $0.firstYear <= lastYear && firstYear <= $0.lastYear }) {
                throw ProjectStoreError(.overlappingPlan(lao: laoCode, years: o.years))
            }
            try database.execute("""
                INSERT INTO dev_plan (lao_code, first_year, last_year, approved_on, recorded_on, approved) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(laoCode), .integer(Int64(firstYear)), .integer(Int64(lastYear)), SQLValue(approvedOn),
                      .text(Store.todayTH()), SQLValue(approvedOn != nil)])
            return DevPlan(id: database.lastInsertRowID, laoCode: laoCode, firstYear: firstYear, lastYear: lastYear,
                           approvedOn: approvedOn, recordedOn: Store.todayTH(), approved: approvedOn != nil)
        }
    }

    /// The plan of `laoCode` covering `year`, if any.
    public func devPlan(laoCode: String, covering year: Int) throws -> DevPlan? {
        try devPlans(laoCode: laoCode).first { $0.contains(year) }
    }
}
