import Foundation

/// Money, plan years and Thai month names, as development-plan files carry them.
extension ThaiText {
    /// 1250000 → "1,250,000"; 1250000.5 → "1,250,000.50" (see `MoneyText`, the one formatter).
    public static func baht(_ v: Double) -> String { MoneyText.baht(v) }

    /// 1250000 → "1,250,000".
    public static func grouped(_ n: Int64) -> String { MoneyText.grouped(n) }

    /// Western digits → Thai digits (๐–๙), for text shown in Thai.
    public static func thaiDigits(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value >= 0x30 && u.value <= 0x39 { out.append(Unicode.Scalar(u.value - 0x30 + 0x0E50)!) } else { out.append(u) }
        }
        return String(out)
    }
}

/// A Buddhist-era plan year as typed ("2560", "๒๕๖๐", "พ.ศ. 2560").
/// A plan year that is not a Buddhist-era year; the message names the field.
public struct PlanYearError: UserFacingError, Equatable {
    public let field: String
    public let raw: String
    /// For a Christian-era year: the BE year it likely means.
    public let likelyBE: Int?

    public var message: Message {
        let prefix = field.isEmpty ? "" : field + ": "
        if let be = likelyBE {
            return Message(th: "\(prefix)\(raw) เป็นปี ค.ศ. ปีของแผนต้องเป็น พ.ศ. (หมายถึง \(be) หรือไม่?)",
                           en: "\(prefix)\(raw) is a Christian-era year; plan years are Buddhist era (did you mean \(be)?)")
        }
        return Message(th: "\(prefix)ปีของแผน '\(raw)' ไม่ใช่ปี พ.ศ. 4 หลัก (เช่น 2560)",
                       en: "\(prefix)plan year '\(raw)' is not a 4-digit Buddhist-era year (e.g. 2560)")
    }
}

public enum PlanYear {
    public enum Parsed: Equatable, Sendable {
        case year(Int)          // BE
        case christianEra(Int)  // looked like CE: the BE year is this + 543
        case invalid
    }

    public static func parse(_ raw: String) -> Parsed {
        var s = ThaiText.asciiDigits(raw).trimmingCharacters(in: .whitespaces)
        for prefix in ["พ.ศ.", "พ.ศ", "BE", "B.E."] where s.hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        guard s.count == 4, s.allSatisfy({ $0.isASCII && $0.isNumber }), let y = Int(s) else { return .invalid }
        if (2400...2800).contains(y) { return .year(y) }
        if (1857...2257).contains(y) { return .christianEra(y) }
        return .invalid
    }

    /// The one reading of a plan year a user typed, for every command, file and (later) the
    /// HTTP API: a Buddhist-era year 2400–2800, Thai digits and a "พ.ศ." prefix allowed. A
    /// Christian-era year is refused, naming the BE year it likely means: plan years are BE
    /// everywhere in e-Plan, and silently converting would hide a mix-up in a file or script.
    /// - Parameter field: the option, column or parameter name, for the message.
    public static func be(_ raw: String, field: String) throws(PlanYearError) -> Int {
        switch parse(raw) {
        case .year(let y): return y
        case .christianEra(let y): throw PlanYearError(field: field, raw: raw, likelyBE: y + 543)
        case .invalid: throw PlanYearError(field: field, raw: raw, likelyBE: nil)
        }
    }

    /// A range of plan years as typed ("2560-2562", "๒๕๖๐–๒๕๖๒", or one year), each end read by `be`.
    public static func beRange(_ raw: String, field: String) throws(PlanYearError) -> ClosedRange<Int> {
        let parts = ThaiText.asciiDigits(raw).split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "—" }).map(String.init)
        guard (1...2).contains(parts.count) else { throw PlanYearError(field: field, raw: raw, likelyBE: nil) }
        let first = try be(parts[0], field: field), last = try be(parts[parts.count - 1], field: field)
        guard first <= last else { throw PlanYearError(field: field, raw: raw, likelyBE: nil) }
        return first...last
    }

    /// "2560-2562", "2560–2562", "๒๕๖๐-๒๕๖๒" or one year "2560".
    public static func parseRange(_ raw: String) -> (Parsed, Parsed) {
        let s = ThaiText.asciiDigits(raw)
        let parts = s.split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "—" }).map(String.init)
        if parts.count == 1 { let y = parse(parts[0]); return (y, y) }
        guard parts.count == 2 else { return (.invalid, .invalid) }
        return (parse(parts[0]), parse(parts[1]))
    }
}

extension CalendarDate {
    static let thaiMonths: [[String]] = [
        ["มกราคม", "ม.ค."], ["กุมภาพันธ์", "ก.พ."], ["มีนาคม", "มี.ค."], ["เมษายน", "เม.ย."],
        ["พฤษภาคม", "พ.ค."], ["มิถุนายน", "มิ.ย."], ["กรกฎาคม", "ก.ค."], ["สิงหาคม", "ส.ค."],
        ["กันยายน", "ก.ย."], ["ตุลาคม", "ต.ค."], ["พฤศจิกายน", "พ.ย."], ["ธันวาคม", "ธ.ค."],
    ]

    /// Everything `parse` reads, and also Thai month names as letters carry them:
    /// "3 ต.ค. 2559", "3 ตุลาคม พ.ศ. 2559", "๓ ต.ค. ๕๙" is refused (two-digit year).
    public static func parseLenient(_ raw: String) -> CalendarDate? {
        if let d = parse(raw) { return d }
        let s = ThaiText.asciiDigits(raw).precomposedStringWithCanonicalMapping
            .replacingOccurrences(of: "พ.ศ.", with: " ")
        let words = s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard words.count == 3, let d = Int(words[0]), let y = Int(words[2]), words[2].count == 4 else { return nil }
        let m = words[1].replacingOccurrences(of: " ", with: "")
        guard let month = thaiMonths.firstIndex(where: { names in
            names.contains(m) || names[1].replacingOccurrences(of: ".", with: "") == m.replacingOccurrences(of: ".", with: "")
        }) else { return nil }
        return CalendarDate(year: y > 2400 ? y - 543 : y, month: month + 1, day: d)
    }

    /// "3 ต.ค. 2559" in Thai, "2016-10-03" in English.
    public func display(_ lang: Language = Language.current) -> String {
        lang == .th ? "\(day) \(CalendarDate.thaiMonths[month - 1][1]) \(year + 543)" : iso
    }

    /// From stored ISO text.
    public init?(iso: String) {
        let p = iso.split(separator: "-")
        guard p.count == 3, p[0].count == 4, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }
}

extension ThaiText {
    /// The one reading of a yes/no cell or option, for every file and command: Thai or
    /// English words, as the DLA's tables write them (ทำแล้ว / ยังไม่อนุมัติ / -). nil when
    /// the word is neither.
    public static func yesNo(_ raw: String) -> Bool? {
        switch normalized(raw).trimmingCharacters(in: .whitespaces).lowercased() {
        case "yes", "y", "true", "1", "ใช่", "มี", "จริง", "ทำแล้ว": return true
        case "no", "n", "false", "0", "ไม่", "ไม่ใช่", "ไม่มี", "-", "ยังไม่ทำ", "ยังไม่อนุมัติ", "": return false
        default: return nil
        }
    }
}
