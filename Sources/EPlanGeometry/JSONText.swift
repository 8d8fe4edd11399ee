import Foundation

/// Minimal JSON text writing for command output (UTF-8 kept as is, no \u escapes for Thai).
public enum JSONText {
    public static func string(_ s: String) -> String {
        // Most texts (Thai messages, codes) need no escape: copied whole, not scalar by scalar
        // (some 30 instructions a character). `needsEscape`'s bytes are exactly the scalars
        // `escaped` rewrites.
        needsEscape(s) ? escaped(s) : "\"" + s + "\""
    }

    /// `string(s)`'s UTF-8 appended to `out`: a text that needs no escape is copied whole,
    /// with no String built in between.
    public static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            if needsEscape(u) { out.append(contentsOf: escaped(String(decoding: u, as: UTF8.self)).utf8); return }
            out.append(0x22)
            out.append(contentsOf: u)
            out.append(0x22)
        }
    }

    /// `string`'s general way: scalar by scalar, each one JSON needs escaped written as such.
    static func escaped(_ s: String) -> String {
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

    static func needsEscape(_ s: String) -> Bool {
        // Over the contiguous UTF-8 (a few instructions a byte): `utf8.contains(where:)` took
        // some 16 a byte, 5,000 per `GET /where` answer of Thai names.
        var s = s
        return s.withUTF8 { needsEscape($0) }
    }

    static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in utf8 where b < 0x20 || b == 0x22 || b == 0x5C { return true }
        return false
    }

    /// A finite number with at most `decimals` decimals, trailing zeros trimmed.
    public static func number(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return "null" }
        if let s = shortest(v, decimals: decimals) { return s }
        return printed(v, decimals: decimals)
    }

    /// `number` the long way: printf's rounding (`fixed`), then the zeros trimmed.
    static func printed(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return "null" }
        // Trimmed as bytes: `String.contains(".")` goes through Foundation's range(of:)
        // (some 4,000 instructions a call, twice per pin's lat/lon).
        var b = Array(fixed(v, decimals: decimals).utf8)
        if b.contains(UInt8(ascii: ".")) {
            while b.last == UInt8(ascii: "0") { b.removeLast() }
            if b.last == UInt8(ascii: ".") { b.removeLast() }
        }
        if b.count == 2, b[0] == UInt8(ascii: "-"), b[1] == UInt8(ascii: "0") { return "0" }
        return String(decoding: b, as: UTF8.self)
    }

    /// `number`'s text from Swift's shortest round-trip digits (`description`, a few hundred
    /// instructions) instead of printf (~15k, half of a `GET /where` answer's JSON), when they
    /// give the same: below 1e6 a double is within 6e-11 of its shortest digits, so when those
    /// have at most `decimals` (<= 9) decimals, rounding the exact value to `decimals` places
    /// gives those very digits, and `number` trims the padding zeros again. nil otherwise
    /// (more digits, an exponent form such as "1e-05"): then printf decides.
    static func shortest(_ v: Double, decimals: Int) -> String? {
        guard decimals >= 0, decimals <= 9, v.magnitude < 1e6 else { return nil }
        var s = v.description
        var point: Int? = nil, count = 0
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): break
            case UInt8(ascii: "."): point = count
            default: return nil
            }
            count += 1
        }
        if point != nil {
            while s.utf8.last == UInt8(ascii: "0") { s.removeLast() }
            if s.utf8.last == UInt8(ascii: ".") { s.removeLast() }
        }
        if let point, s.utf8.count - point - 1 > decimals { return nil }
        return s == "-0" ? "0" : s
    }

    /// `String(format: "%.<decimals>f", v)`, byte for byte: worked out exactly in integers for
    /// the numbers pins and reports print (a normal double below 2^52, at most 17 decimals:
    /// some 500 instructions), else written by the C library's printf (~20k instructions a
    /// number, most of them building the va_list and the format). No process of ours sets a
    /// locale: the decimal point is '.'.
    static func fixed(_ v: Double, decimals: Int) -> String {
        let decimals = max(0, decimals)
        if let s = exactFixed(v, decimals: decimals) { return s }
        return printfFixed(v, decimals: decimals)
    }

    private static let powersOf10: [UInt64] = (0...17).map { k in (0..<k).reduce(UInt64(1)) { r, _ in r * 10 } }

    /// printf's "%.Nf" of a normal double below 2^52 (or zero), nil otherwise. The double is
    /// m·2^-s exactly (m < 2^53); m·10^N fits 128 bits, so the decimal value times 10^N is
    /// divided out exactly and rounded half to even on an exact tie, as glibc's printf rounds
    /// (round to nearest, the only mode any of our processes runs in).
    static func exactFixed(_ v: Double, decimals d: Int) -> String? {
        guard v.isFinite, d < powersOf10.count, v.isNormal || v.isZero else { return nil }
        var q: UInt64 = 0
        if !v.isZero {
            let mag = v.magnitude
            let shift = 52 - Int(mag.exponent)
            guard shift > 0, shift < 127 else { return nil }
            let m = UInt128(mag.significandBitPattern | (UInt64(1) << 52))
            let n = m * UInt128(powersOf10[d])
            var r = n >> shift
            let rest = n - (r << shift), half = UInt128(1) << (shift - 1)
            if rest > half || (rest == half && r & 1 == 1) { r += 1 }
            guard r <= UInt128(UInt64.max) else { return nil }
            q = UInt64(r)
        }
        var digits = Array(String(q).utf8)
        if digits.count <= d { digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: d + 1 - digits.count), at: 0) }
        if d > 0 { digits.insert(UInt8(ascii: "."), at: digits.count - d) }
        if v.sign == .minus { digits.insert(UInt8(ascii: "-"), at: 0) }
        return String(decoding: digits, as: UTF8.self)
    }

    /// The C library's printf "%.<decimals>f".
    static func printfFixed(_ v: Double, decimals: Int) -> String {
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

/// A JSON text written as UTF-8 bytes, for an answer made per request (`GET /where`):
/// appending bytes costs a copy, where each `String` append or interpolation cost some
/// hundreds of instructions. Gives exactly the text `JSONText` would.
public struct JSONBytes {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Text written as it is (JSON punctuation and keys).
    public mutating func raw(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Text written as it is (a number's text).
    public mutating func plain(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }  // one copy; `utf8`'s iterator goes byte by byte
    }

    /// `JSONText.string(s)`: quoted, escaped where needed.
    public mutating func quoted(_ s: String) {
        var contiguous = s
        let escaped: String? = contiguous.withUTF8 { utf8 in
            guard !JSONText.needsEscape(utf8) else { return JSONText.escaped(s) }
            bytes.append(0x22)
            bytes.append(contentsOf: utf8)
            bytes.append(0x22)
            return nil
        }
        if let escaped { plain(escaped) }
    }

    /// A geometry's GeoJSON (`GeoJSONGeometry.encode`).
    public mutating func geoJSON(_ g: Geometry, precision: Int = 7) {
        GeoJSONGeometry.encode(g, precision: precision, into: &bytes)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
