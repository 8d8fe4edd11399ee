import Foundation

/// The columns of a project CSV. Each has a Thai header (the template's), an English one,
/// and the other spellings offices use; matching ignores case, spaces, '_', '-', '.' and
/// a trailing unit in brackets ("งบประมาณ (บาท)").
public enum ProjectColumn: String, CaseIterable, Sendable {
    case code, laoCode = "lao_code", planYear = "plan_year", name, strategy, kind, budget, funding
    case planApprovedOn = "plan_approved_on", budgetApprovedOn = "budget_approved_on"
    case contractSignedOn = "contract_signed_on", contractAmount = "contract_amount"
    case disbursedAmount = "disbursed_amount", disbursedOn = "disbursed_on", progress
    case completedOn = "completed_on", recordedOn = "recorded_on", synthetic, note

    /// The English header (template with --lang en).
    public var english: String { rawValue }

    /// The Thai header (the template's).
    public var thai: String {
        switch self {
        case .code: return "รหัสโครงการ"
        case .laoCode: return "รหัส อปท."
        case .planYear: return "ปีงบประมาณ"
        case .name: return "ชื่อโครงการ"
        case .strategy: return "ยุทธศาสตร์"
        case .kind: return "ประเภทงาน"
        case .budget: return "งบประมาณ (บาท)"
        case .funding: return "แหล่งเงิน"
        case .planApprovedOn: return "อนุมัติแผน"
        case .budgetApprovedOn: return "อนุมัติงบประมาณ"
        case .contractSignedOn: return "ลงนามสัญญา"
        case .contractAmount: return "วงเงินสัญญา (บาท)"
        case .disbursedAmount: return "เบิกจ่าย (บาท)"
        case .disbursedOn: return "วันเบิกจ่าย"
        case .progress: return "ความก้าวหน้า (%)"
        case .completedOn: return "แล้วเสร็จ"
        case .recordedOn: return "วันบันทึก"
        case .synthetic: return "ข้อมูลสมมุติ"
        case .note: return "หมายเหตุ"
        }
    }

    /// Other accepted spellings (besides `thai` and `english`).
    public var aliases: [String] {
        switch self {
        case .code: return ["รหัส", "project_code", "project code", "project_id"]
        case .laoCode: return ["อปท.", "รหัสอปท", "lao", "lao code", "lao_id"]
        case .planYear: return ["ปี", "ปีงบ", "ปี พ.ศ.", "year", "fiscal_year", "fiscal year"]
        case .name: return ["โครงการ", "ชื่อ", "name_th", "project_name", "project name"]
        case .strategy: return ["ยุทธศาสตร์การพัฒนา", "strategy_name"]
        case .kind: return ["ประเภท", "ประเภทโครงการ", "type", "work_type", "kind of work"]
        case .budget: return ["งบประมาณ", "budget_baht"]
        case .funding: return ["แหล่งงบประมาณ", "แหล่งที่มาของเงิน", "funding_source", "source of funds"]
        case .planApprovedOn: return ["วันอนุมัติแผน", "plan_approved", "plan approved"]
        case .budgetApprovedOn: return ["วันอนุมัติงบประมาณ", "อนุมัติงบ", "budget_approved", "budget approved"]
        case .contractSignedOn: return ["วันลงนามสัญญา", "วันทำสัญญา", "contract_signed", "contract signed"]
        case .contractAmount: return ["วงเงินตามสัญญา", "contract amount", "contract"]
        case .disbursedAmount: return ["เบิกจ่ายแล้ว", "disbursed", "disbursement"]
        case .disbursedOn: return ["disbursed date"]
        case .progress: return ["ความก้าวหน้า", "progress_pct", "percent complete"]
        case .completedOn: return ["วันแล้วเสร็จ", "เสร็จ", "completed", "completion date"]
        case .recordedOn: return ["วันที่บันทึก", "บันทึกเมื่อ", "recorded", "recorded date"]
        case .synthetic: return ["สมมุติ", "ข้อมูลสาธิต", "demo"]
        case .note: return ["notes", "remark", "remarks"]
        }
    }

    /// The column must be in the file; its cells must be filled.
    public var isRequired: Bool {
        switch self {
        case .code, .laoCode, .planYear, .name, .kind, .budget: return true
        default: return false
        }
    }

    public func header(_ lang: Language) -> String { lang == .th ? thai : english }

    static func key(_ header: String) -> String {
        var s = header.precomposedStringWithCanonicalMapping.lowercased().trimmingCharacters(in: .whitespaces)
        if s.hasSuffix(")"), let open = s.lastIndex(of: "("), open > s.startIndex { s = String(s[..<open]) }
        return String(s.filter { !$0.isWhitespace && $0 != "_" && $0 != "-" && $0 != "." })
    }

    static let byKey: [String: ProjectColumn] = {
        var m: [String: ProjectColumn] = [:]
        for c in ProjectColumn.allCases {
            for h in [c.thai, c.english] + c.aliases { m[key(h)] = c }
        }
        return m
    }()

    /// The column a header names, or nil.
    public init?(header: String) {
        guard let c = ProjectColumn.byKey[ProjectColumn.key(header)] else { return nil }
        self = c
    }

    /// A header-only CSV: BOM (so Excel reads it as UTF-8), then the headers, CRLF.
    public static func template(_ lang: Language) -> String {
        "\u{FEFF}" + CSVTable.line(allCases.map { $0.header(lang) }) + "\r\n"
    }
}
