import Foundation

/// Thai digits, numbers and dates as offices type them.
public enum ThaiText {
    /// ๐-๙ → 0-9; everything else unchanged.
    public static func asciiDigits(_ s: String) -> String {
        // ASCII (every code of a bulk import) has no Thai digit: nothing to rebuild.
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value >= 0x0E50 && u.value <= 0x0E59 {
                out.append(Unicode.Scalar(u.value - 0x0E50 + 0x30)!)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// NFC, trimmed, inner runs of white space folded to one space: for comparing names.
    public static func normalized(_ s: String) -> String {
        // Fast path (most cells of a large import: codes, numbers, dates): printable ASCII
        // with no leading, trailing or doubled space is already normal.
        var previous: UInt8 = 0x20, plain = true
        for b in s.utf8 {
            if b < 0x20 || b >= 0x7F || (b == 0x20 && previous == 0x20) { plain = false; break }
            previous = b
        }
        if plain && previous != 0x20 { return s }
        return s.precomposedStringWithCanonicalMapping
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// A number with optional thousands separators ("1,250,000.50"), Thai digits, a
    /// trailing "บาท"/"baht" or "%". Nil when it is not one, or beyond ±10^15 (no budget
    /// is that large; larger values would also lose satang in a Double).
    public static func number(_ raw: String) -> Double? {
        var s = asciiDigits(raw).trimmingCharacters(in: .whitespaces)
        for suffix in ["บาท", "baht", "%"] where s.lowercased().hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
        }
        if s.contains(",") {
            // Separators only between groups of exactly three digits.
            let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            guard let first = groups.first, !first.isEmpty, first.count <= 3 + (first.hasPrefix("-") ? 1 : 0),
                  groups.dropFirst().allSatisfy({ $0.count == 3 && $0.allSatisfy(\.isASCII) }) else { return nil }
            s = groups.joined() + (parts.count > 1 ? "." + parts[1] : "")
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }),
              let v = Double(s), v.isFinite, abs(v) <= 1e15 else { return nil }
        return v
    }
}

/// A calendar date; stored as ISO 8601 (CE), shown to people in BE.
public struct CalendarDate: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int   // CE
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CalendarDate.daysIn(month: month, year: year),
              (1800...2300).contains(year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// "2016-10-03", as files carry it.
    public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
    /// "03/10/2559", as Thai offices write it (Buddhist era).
    public var thai: String { String(format: "%02d/%02d/%04d", day, month, year + 543) }
    public var description: String { iso }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Today in Thailand (UTC+7), the day people there would write.
    public static func today() -> CalendarDate {
        let seconds = Int(Date().timeIntervalSince1970) + 7 * 3600
        var days = seconds / 86400
        // Civil-from-days (proleptic Gregorian), to stay independent of locale settings.
        days += 719468
        let era = days / 146097
        let doe = days - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return CalendarDate(year: y, month: m, day: d)!
    }

    /// Parses ISO (2016-10-03 or 2559-10-03) or day/month/year (03/10/2559, 3/10/2016,
    /// also with '-' or '.'), Thai digits too. A year above 2400 is Buddhist era.
    /// Nil when the text is no date.
    public static func parse(_ raw: String) -> CalendarDate? {
        // Fast path: ISO "yyyy-mm-dd" in ASCII digits (large imports).
        let u = Array(raw.utf8)
        if u.count == 10, u[4] == 0x2D, u[7] == 0x2D {
            var n = [Int](repeating: 0, count: 3), ok = true
            for (i, b) in u.enumerated() where i != 4 && i != 7 {
                guard (0x30...0x39).contains(b) else { ok = false; break }
                let k = i < 4 ? 0 : i < 7 ? 1 : 2
                n[k] = n[k] * 10 + Int(b - 0x30)
            }
            if ok { return CalendarDate(year: n[0] > 2400 ? n[0] - 543 : n[0], month: n[1], day: n[2]) }
        }
        let s = ThaiText.asciiDigits(raw).trimmingCharacters(in: .whitespaces)
        let parts = s.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
              let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) else { return nil }
        let (y, m, d) = parts[0].count == 4 ? (a, b, c) : (c, b, a)
        guard parts[0].count == 4 || parts[2].count == 4 else { return nil }
        return CalendarDate(year: y > 2400 ? y - 543 : y, month: m, day: d)
    }
}
