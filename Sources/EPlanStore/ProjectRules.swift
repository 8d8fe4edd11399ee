import EPlanGeometry
import Foundation

/// A rule a project's money or dates break: the column it is about (as the table names it),
/// whether it refuses the project (an error) or only warns, and what to tell the user.
public struct ProjectRuleFinding: Sendable, Equatable {
    public let column: String
    public let isError: Bool
    public let message: Message
}

/// The rules that tie a project's money and dates together, written once: the CSV import,
/// `projects update` (and the service) and the store's own last check all read them here.
extension ProjectRecord {
    /// Money disbursed beyond the contract amount: refused everywhere.
    public var disbursedExceedsContract: Bool {
        if let d = disbursedAmount, let c = contractAmount { return d > c }
        return false
    }

    /// Every rule this project breaks. `today` (ISO) enables the future-date warnings.
    public func ruleFindings(today: String? = nil) -> [ProjectRuleFinding] {
        var out: [ProjectRuleFinding] = []
        func add(_ column: String, _ error: Bool, _ th: String, _ en: String) {
            out.append(ProjectRuleFinding(column: column, isError: error, message: Message(th: th, en: en)))
        }
        if disbursedExceedsContract, let d = disbursedAmount, let c = contractAmount {
            add("disbursed_amount", true, "เบิกจ่าย \(Self.baht(d)) บาท เกินวงเงินสัญญา \(Self.baht(c)) บาท",
                "disbursed \(Self.baht(d)) baht exceeds the contract amount \(Self.baht(c)) baht")
        }
        if let c = contractAmount, let b = budget, c > b {
            add("contract_amount", false, "วงเงินสัญญา \(Self.baht(c)) บาท เกินงบประมาณ \(Self.baht(b)) บาท",
                "contract amount \(Self.baht(c)) baht exceeds the budget \(Self.baht(b)) baht")
        }
        if let d = disbursedAmount, contractAmount == nil, let b = budget, d > b {
            add("disbursed_amount", false, "เบิกจ่าย \(Self.baht(d)) บาท เกินงบประมาณ \(Self.baht(b)) บาท",
                "disbursed \(Self.baht(d)) baht exceeds the budget \(Self.baht(b)) baht")
        }
        out += dateOrderFindings(today: today)
        return out
    }

    /// Stages in the wrong order, completion without full progress, dates in the future.
    private func dateOrderFindings(today: String?) -> [ProjectRuleFinding] {
        var out: [ProjectRuleFinding] = []
        func add(_ column: String, _ th: String, _ en: String) {
            out.append(ProjectRuleFinding(column: column, isError: false, message: Message(th: th, en: en)))
        }
        func before(_ later: String?, _ earlier: String?) -> (String, String)? {
            guard let l = later, let e = earlier, l < e else { return nil }
            return (l, e)
        }
        if let (s, b) = before(contractSignedOn, budgetApprovedOn) {
            add("contract_signed_on", "ลงนามสัญญา (\(Self.thaiDate(s))) ก่อนอนุมัติงบประมาณ (\(Self.thaiDate(b)))",
                "contract signed (\(s)) before the budget was approved (\(b))")
        }
        if let (b, p) = before(budgetApprovedOn, planApprovedOn) {
            add("budget_approved_on", "อนุมัติงบประมาณ (\(Self.thaiDate(b))) ก่อนอนุมัติแผน (\(Self.thaiDate(p)))",
                "budget approved (\(b)) before the plan was approved (\(p))")
        }
        if let (c, s) = before(completedOn, contractSignedOn) {
            add("completed_on", "แล้วเสร็จ (\(Self.thaiDate(c))) ก่อนลงนามสัญญา (\(Self.thaiDate(s)))",
                "completed (\(c)) before the contract was signed (\(s))")
        }
        if completedOn != nil, let p = progress, p < 100 {
            add("progress", "มีวันแล้วเสร็จ แต่ความก้าวหน้า \(Self.percent(p))%", "has a completion date but progress is \(Self.percent(p))%")
        }
        if let today {
            let dated: [(String, String?)] = [("plan_approved_on", planApprovedOn), ("budget_approved_on", budgetApprovedOn),
                                              ("contract_signed_on", contractSignedOn), ("disbursed_on", disbursedOn),
                                              ("completed_on", completedOn), ("recorded_on", recordedOn)]
            for (column, d) in dated {
                if let d, d > today { add(column, "วันที่ \(Self.thaiDate(d)) อยู่ในอนาคต", "date \(d) is in the future") }
            }
        }
        return out
    }
}

/// Money and dates as messages show them: one formatter for the store's rules and every
/// command (`ThaiText.baht` forwards here).
public enum MoneyText {
    /// 1250000 → "1,250,000"; 1250000.5 → "1,250,000.50" (satang shown only when present).
    public static func baht(_ v: Double) -> String {
        // Amounts are capped at import (ThaiText.number); anything beyond Int64 is shown plainly.
        guard v.isFinite, abs(v) < 9e15 else { return String(format: "%.0f", v) }
        let cents = (v * 100).rounded()
        let whole = grouped(Int64((abs(cents) / 100).rounded(.down)))
        let frac = Int64(abs(cents).truncatingRemainder(dividingBy: 100))
        return (cents < 0 ? "-" : "") + whole + (frac == 0 ? "" : String(format: ".%02lld", frac))
    }

    /// 1250000 → "1,250,000".
    public static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// An ISO date "2016-10-03" as Thai readers write it, "03/10/2559" (BE).
    public static func thaiDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]) else { return iso }
        return "\(parts[2])/\(parts[1])/\(y + 543)"
    }

    /// 87.5 → "87.5"; 100 → "100" (two decimals at most, trailing zeros dropped).
    static func percent(_ p: Double) -> String {
        var s = String(format: "%.2f", p)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}

extension ProjectRecord {
    static func baht(_ v: Double) -> String { MoneyText.baht(v) }
    static func thaiDate(_ iso: String) -> String { MoneyText.thaiDate(iso) }
    static func percent(_ p: Double) -> String { MoneyText.percent(p) }
}
