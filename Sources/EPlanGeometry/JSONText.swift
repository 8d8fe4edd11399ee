import Foundation

/// Minimal JSON text writing for command output (UTF-8 kept as is, no \u escapes for Thai).
public enum JSONText {
    public static func string(_ s: String) -> String {
        // Most texts (Thai messages, codes) need no escape: copied whole, not scalar by scalar
        // (some 30 instructions a character). The bytes below are exactly the scalars escaped.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + s + "\"" }
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
        var s = fixed(v, decimals: decimals)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    /// `String(format: "%.<decimals>f", v)`, written by the C library's printf as Foundation's
    /// formatting does in the end, without Foundation's format parsing (~20k instructions a
    /// number, two per `GET /where`). No process of ours sets a locale: the decimal point is '.'.
    static func fixed(_ v: Double, decimals: Int) -> String {
        let decimals = max(0, decimals)
        // The longest finite double printed in full: 309 integer digits, sign, point, decimals.
        let capacity = 320 + decimals
        return withVaList([v]) { args in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
                guard let base = buffer.baseAddress else { return String(v) }
                let n = "%.\(decimals)f".withCString { vsnprintf(base, capacity, $0, args) }
                guard n >= 0, Int(n) < capacity else { return String(v) }
                return String(decoding: UnsafeRawBufferPointer(start: base, count: Int(n)), as: UTF8.self)
            }
        }
    }
}
