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

/// Minimal JSON text writing for command output (UTF-8 kept as is, no \u escapes for Thai).
public enum JSONText {
    public static func string(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A finite number with at most `decimals` decimals, trailing zeros trimmed.
    public static func number(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return "null" }
        var s = String(format: "%.\(decimals)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }
}
