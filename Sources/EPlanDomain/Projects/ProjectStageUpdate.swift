import Foundation

/// A stage update as typed on the command line: each value a date or amount as text
/// (Thai digits, separators, BE or CE), nil when not given. The option names are kept for
/// messages.
public struct ProjectStageInput: Sendable {
    public var planApproved: String?
    public var budgetApproved: String?
    public var contractSigned: String?
    public var contractAmount: String?
    public var disbursed: String?
    public var disbursedOn: String?
    public var progress: String?
    public var completed: String?
    public init(planApproved: String? = nil, budgetApproved: String? = nil, contractSigned: String? = nil,
                contractAmount: String? = nil, disbursed: String? = nil, disbursedOn: String? = nil,
                progress: String? = nil, completed: String? = nil) {
        self.planApproved = planApproved; self.budgetApproved = budgetApproved; self.contractSigned = contractSigned
        self.contractAmount = contractAmount; self.disbursed = disbursed; self.disbursedOn = disbursedOn
        self.progress = progress; self.completed = completed
    }
    public var isEmpty: Bool {
        [planApproved, budgetApproved, contractSigned, contractAmount, disbursed, disbursedOn, progress, completed]
            .allSatisfy { $0 == nil }
    }
}

public struct ProjectStageInputError: UserFacingError {
    public let problems: [Message]
    /// The options at fault, in order: each problem begins with its option ("--progress: …").
    public var options: [String] {
        problems.compactMap { $0.en.split(separator: ":").first.map(String.init) }.filter { $0.hasPrefix("--") }
    }
    public var message: Message {
        Message(th: "ไม่ได้ปรับสถานะโครงการ:\n" + problems.map { "  " + $0.th }.joined(separator: "\n"),
                en: "project stages not changed:\n" + problems.map { "  " + $0.en }.joined(separator: "\n"))
    }
}

public enum ProjectStageUpdate {
    /// Checks every value, then applies them to `code` in one transaction with a log row
    /// per change. "-" clears a value. Giving a completion date without a progress sets
    /// progress to 100. Returns the log entries written and warnings.
    public static func apply(_ input: ProjectStageInput, to code: String, store: any EPlanStoring, by: String) throws
        -> (log: [ProjectStageLogEntry], warnings: [Message]) {
        guard let current = try store.project(code: code) else { throw ProjectStoreError(.unknownProject(code)) }
        var problems: [Message] = []
        var changes: [ProjectStageChange] = []
        func date(_ raw: String?, _ option: String, _ field: ProjectStageField) {
            guard let raw else { return }
            if raw.trimmingCharacters(in: .whitespaces) == "-" { changes.append(ProjectStageChange(field, date: nil)); return }
            guard let d = CalendarDate.parseLenient(raw) else {
                problems.append(Message(th: "\(option): '\(raw)' ไม่ใช่วันที่ (เช่น 03/10/2559 หรือ 2016-10-03)",
                                        en: "\(option): '\(raw)' is not a date (e.g. 03/10/2559 or 2016-10-03)"))
                return
            }
            changes.append(ProjectStageChange(field, date: d.iso))
        }
        func amount(_ raw: String?, _ option: String, _ field: ProjectStageField, max: Double? = nil) {
            guard let raw else { return }
            if raw.trimmingCharacters(in: .whitespaces) == "-" { changes.append(ProjectStageChange(field, amount: nil)); return }
            guard let number = ThaiText.number(raw) else {
                problems.append(Message(th: "\(option): '\(raw)' ไม่ใช่ตัวเลข", en: "\(option): '\(raw)' is not a number"))
                return
            }
            let v = field == .progress ? ProjectRecord.roundedProgress(number) : number  // as it will be stored
            if v < 0 { problems.append(Message(th: "\(option): ติดลบไม่ได้ (\(raw))", en: "\(option): cannot be negative (\(raw))")); return }
            if let max, v > max {
                problems.append(Message(th: "\(option): ต้องไม่เกิน \(JSONText.number(max, decimals: 0)) (ได้ \(raw))",
                                        en: "\(option): must be at most \(JSONText.number(max, decimals: 0)) (got \(raw))"))
                return
            }
            changes.append(ProjectStageChange(field, amount: v))
        }
        date(input.planApproved, "--plan-approved", .planApprovedOn)
        date(input.budgetApproved, "--budget-approved", .budgetApprovedOn)
        date(input.contractSigned, "--contract-signed", .contractSignedOn)
        amount(input.contractAmount, "--contract-amount", .contractAmount)
        amount(input.disbursed, "--disbursed", .disbursedAmount)
        date(input.disbursedOn, "--disbursed-on", .disbursedOn)
        amount(input.progress, "--progress", .progress, max: 100)
        date(input.completed, "--completed", .completedOn)
        if input.completed != nil && input.progress == nil && changes.contains(where: { $0.field == .completedOn && $0.value != .null }) {
            changes.append(ProjectStageChange(.progress, amount: 100))
        }

        var new = current
        for c in changes { c.field.set(&new, c.value) }
        // The one set of project rules, on the project as it would become.
        let findings = new.ruleFindings(today: CalendarDate.today().iso)
        for f in findings where f.isError {
            let option = f.column == "disbursed_amount" ? "--disbursed" : "--" + f.column.replacingOccurrences(of: "_", with: "-")
            problems.append(Message(th: "\(option): \(f.message.th)", en: "\(option): \(f.message.en)"))
        }
        if !problems.isEmpty { throw ProjectStageInputError(problems: problems) }
        let warnings = findings.filter { !$0.isError }.map(\.message)
        let log = try store.updateStages(code: code, changes: changes, by: by)
        return (log, warnings)
    }
}
