import Foundation

/// Terminal columns of Thai text: vowel and tone marks above and below the line take no
/// column of their own, so `count` misaligns tables.
public enum TextWidth {
    public static func of(_ s: String) -> Int {
        var w = 0
        for scalar in s.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format, .control: continue
            default: break
            }
            let v = scalar.value
            // East Asian wide and full-width forms take two columns.
            if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) {
                w += 2
            } else {
                w += 1
            }
        }
        return w
    }

    public static func pad(_ s: String, to width: Int, right: Bool = false) -> String {
        let gap = String(repeating: " ", count: max(0, width - of(s)))
        return right ? gap + s : s + gap
    }
}

/// Distances as people read them: metres below a kilometre, else kilometres.
public enum Distance {
    public static func format(_ metres: Double, _ lang: Language = Language.current) -> String {
        if metres < 1000 {
            return String(format: "%.0f ", metres) + (lang == .th ? "ม." : "m")
        }
        return String(format: "%.2f ", metres / 1000) + (lang == .th ? "กม." : "km")
    }
}

/// Timestamps as people in Thailand read them: local time (UTC+7), Buddhist-era year in
/// Thai ("26/11/2569 20:31 น."), ISO with the offset in English. Files keep ISO UTC.
public enum LocalTime {
    public static func display(iso: String, _ lang: Language = Language.current) -> String {
        // "2026-11-26T13:31:08.381Z": parse the fields ourselves (no Foundation formatter
        // at start-up: it costs milliseconds).
        let digits = iso.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard digits.count >= 5, iso.hasSuffix("Z") || iso.count <= 19 else { return iso }
        var (y, mo, d, h, mi) = (digits[0], digits[1], digits[2], digits[3], digits[4])
        h += 7
        if h >= 24 {
            h -= 24
            d += 1
            if d > CalendarDate.daysIn(month: mo, year: y) { d = 1; mo += 1; if mo > 12 { mo = 1; y += 1 } }
        }
        return lang == .th
            ? String(format: "%02d/%02d/%04d %02d:%02d น.", d, mo, y + 543, h, mi)
            : String(format: "%04d-%02d-%02d %02d:%02d (UTC+7)", y, mo, d, h, mi)
    }
}
