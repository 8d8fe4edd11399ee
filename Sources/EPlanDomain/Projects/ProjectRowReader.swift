import Foundation

/// One CSV line being read into a project: its cells by column, and every problem found,
/// each naming the line and the column as the header wrote it.
final class ProjectRowReader {
    let row: CSVRecord
    let headerOf: [ProjectColumn: String]
    private(set) var cells: [ProjectColumn: String] = [:]
    private(set) var problems: [ProjectRowProblem] = []

    /// A line read: the project as far as it could be read (placeholders where a required
    /// cell failed, so the money and date rules still run), and whether it is whole.
    struct Parsed {
        var code: String?
        var laoCode: String?
        var year: Int?
        var record: ProjectRecord
        var isComplete: Bool
    }

    init(row: CSVRecord, columns: [ProjectColumn?], headerOf: [ProjectColumn: String]) {
        self.row = row; self.headerOf = headerOf
        if row.fields.count > columns.count,
           row.fields[columns.count...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            err(nil, "มี \(row.fields.count) ช่อง แต่หัวตารางมี \(columns.count) คอลัมน์ (มีจุลภาคในข้อความที่ไม่ได้ใส่เครื่องหมายคำพูด?)",
                "has \(row.fields.count) fields but the header has \(columns.count) columns (a comma in unquoted text?)")
        }
        for (i, c) in columns.enumerated() {
            guard let c, i < row.fields.count else { continue }
            let v = ThaiText.normalized(row.fields[i])
            if !v.isEmpty && v != "-" { cells[c] = v }
        }
    }

    func problem(_ c: ProjectColumn?, _ reason: Message, isError: Bool) {
        problems.append(ProjectRowProblem(line: row.line, column: c.flatMap { headerOf[$0] }, reason: reason, isError: isError))
    }
    func err(_ c: ProjectColumn?, _ th: String, _ en: String) { problem(c, Message(th: th, en: en), isError: true) }
    func warn(_ c: ProjectColumn?, _ th: String, _ en: String) { problem(c, Message(th: th, en: en), isError: false) }

    func required(_ c: ProjectColumn) -> String? {
        if let v = cells[c] { return v }
        err(c, "ว่าง ต้องมีค่า", "is empty; a value is required")
        return nil
    }

    func amount(_ c: ProjectColumn) -> Double? {
        guard let raw = cells[c] else { return nil }
        guard let v = ThaiText.number(raw) else {
            err(c, "'\(raw)' ไม่ใช่จำนวนเงิน (เช่น 1,250,000.00 หรือ ๑๒๕๐๐๐๐ บาท)",
                "'\(raw)' is not an amount (e.g. 1,250,000.00 or ๑๒๕๐๐๐๐ บาท)")
            return nil
        }
        if v < 0 { err(c, "ติดลบไม่ได้ (\(raw))", "cannot be negative (\(raw))"); return nil }
        return v
    }

    func date(_ c: ProjectColumn) -> CalendarDate? {
        guard let raw = cells[c] else { return nil }
        guard let d = CalendarDate.parseLenient(raw) else {
            err(c, "'\(raw)' ไม่ใช่วันที่ (เช่น 03/10/2559, 3 ต.ค. 2559 หรือ 2016-10-03)",
                "'\(raw)' is not a date (e.g. 03/10/2559, 3 ต.ค. 2559 or 2016-10-03)")
            return nil
        }
        return d
    }

    /// Every cell read by its own rule.
    func read() -> Parsed {
        let code = required(.code).map(ThaiText.asciiDigits)
        let laoCode = required(.laoCode).map(ThaiText.asciiDigits)
        var year: Int? = nil
        if let raw = required(.planYear) {
            do { year = try PlanYear.be(raw, field: "") } catch { err(.planYear, error.message.th, error.message.en) }
        }
        let name = required(.name)
        let kind = label(.kind, required: true, ProjectKind.init(label:),
                         "ไม่รู้จักประเภทงาน '%@' (ใช้ ถนน, อาคาร, แหล่งน้ำ หรือ อื่น ๆ)", "unknown kind of work '%@' (use road, building, water or other)")
        let budget = required(.budget) == nil ? nil : amount(.budget)
        let funding = label(.funding, required: false, FundingSource.init(label:),
                            "ไม่รู้จักแหล่งเงิน '%@' (ใช้ เงินรายได้, เงินอุดหนุนทั่วไป หรือ เงินอุดหนุนเฉพาะกิจ)",
                            "unknown funding source '%@' (use own, general or specific)")
        let record = ProjectRecord(
            code: code ?? "", laoCode: laoCode ?? "", planYear: year ?? 0, nameTH: name ?? "", strategy: cells[.strategy],
            kind: kind ?? .other, budget: budget, funding: funding, planApprovedOn: date(.planApprovedOn)?.iso,
            budgetApprovedOn: date(.budgetApprovedOn)?.iso, contractSignedOn: date(.contractSignedOn)?.iso,
            contractAmount: amount(.contractAmount), disbursedAmount: amount(.disbursedAmount), disbursedOn: date(.disbursedOn)?.iso,
            progress: progress(), completedOn: date(.completedOn)?.iso, synthetic: synthetic(), recordedOn: date(.recordedOn)?.iso)
        return Parsed(code: code, laoCode: laoCode, year: year, record: record,
                      isComplete: code != nil && laoCode != nil && year != nil && name != nil && kind != nil)
    }

    /// A labelled value (kind of work, funding): nil with an error when the word is unknown.
    private func label<T>(_ c: ProjectColumn, required needed: Bool, _ parse: (String) -> T?, _ th: String, _ en: String) -> T? {
        guard let raw = needed ? required(c) : cells[c] else { return nil }
        guard let v = parse(raw) else {
            err(c, th.replacingOccurrences(of: "%@", with: raw), en.replacingOccurrences(of: "%@", with: raw))
            return nil
        }
        return v
    }

    private func progress() -> Double? {
        guard let raw = cells[.progress] else { return nil }
        if let p = ThaiText.number(raw).map(ProjectRecord.roundedProgress), (0...100).contains(p) { return p }
        err(.progress, "'\(raw)' ไม่ใช่ร้อยละ 0–100", "'\(raw)' is not a percentage 0–100")
        return nil
    }

    private func synthetic() -> Bool {
        guard let raw = cells[.synthetic] else { return false }
        // Yes/no as everywhere (ThaiText.yesNo), or a word that says "made up".
        if let b = ThaiText.yesNo(raw) { return b }
        if ["สมมุติ", "synthetic", "demo", "สาธิต"].contains(raw.lowercased()) { return true }
        err(.synthetic, "'\(raw)' ต้องเป็น ใช่ หรือ ไม่", "'\(raw)' must be yes or no")
        return false
    }
}

/// What a line is checked against in the store: codes already stored, LAOs, their plans.
struct KnownToStore {
    let laos: Set<String>
    let plans: [String: [DevPlan]]
    let stored: Set<String>
    let replace: Bool

    init(store: any EPlanStoring, replace: Bool) throws {
        laos = Set(try store.laoCodes())
        var plans: [String: [DevPlan]] = [:]
        for p in try store.devPlans(laoCode: nil) { plans[p.laoCode, default: []].append(p) }
        self.plans = plans
        stored = try store.projectCodes()
        self.replace = replace
    }

    /// A code repeated in the file or already stored, an unknown LAO, a year no plan covers.
    func check(_ p: ProjectRowReader.Parsed, line: ProjectRowReader, firstLine: inout [String: Int]) {
        if let code = p.code {
            if let first = firstLine[code] {
                line.err(.code, "รหัสโครงการ \(code) ซ้ำกับบรรทัด \(first)", "project code \(code) repeats line \(first)")
            } else {
                firstLine[code] = line.row.line
                if stored.contains(code) && !replace {
                    line.err(.code, "มีโครงการรหัส \(code) ในฐานข้อมูลแล้ว (ใช้ --replace เพื่อแทนที่)",
                        "project \(code) is already in the store (use --replace to replace it)")
                }
            }
        }
        if let laoCode = p.laoCode {
            if !laos.contains(laoCode) {
                line.err(.laoCode, "ไม่พบ อปท. รหัส \(laoCode) ในฐานข้อมูล (นำเข้าทะเบียน อปท. ก่อน)",
                    "no LAO with code \(laoCode) in the store (import the LAO registry first)")
            } else if let year = p.year {
                let own = plans[laoCode] ?? []
                if own.isEmpty {
                    line.err(.planYear, "อปท. \(laoCode) ยังไม่มีแผนพัฒนา (เพิ่มด้วย eplan plans add \(laoCode) --years \(year)-\(year + 2))",
                        "LAO \(laoCode) has no development plan (add one with eplan plans add \(laoCode) --years \(year)-\(year + 2))")
                } else if !own.contains(where: { $0.contains(year) }) {
                    let list = own.map(\.years).joined(separator: ", ")
                    line.err(.planYear, "ปี \(year) ไม่อยู่ในแผนพัฒนาของ อปท. \(laoCode) (\(list))",
                        "year \(year) is outside LAO \(laoCode)'s development plans (\(list))")
                }
            }
        }
    }
}
