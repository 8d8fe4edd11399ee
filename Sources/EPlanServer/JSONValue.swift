import EPlanDomain
import Foundation

/// A request body's JSON as a plain value: strict types (a boolean is never a number), and
/// `Sendable`, so it can cross to the worker that runs the use case.
enum JSONValue: Sendable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    /// Parses a whole body; nil when it is not JSON (RFC 8259, UTF-8; see `JSONBodyParser`).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        var parser = JSONBodyParser(bytes)
        return parser.document()
    }

    /// The value as JSON text again (a GeoJSON member handed to the GeoJSON reader).
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        // Swift's shortest round-trip form: 99.21 stays 99.21.
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s): return JSONText.string(s)
        case .array(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.sorted { $0.key < $1.key }.map { JSONText.string($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        }
    }
}

/// A request body's JSON read straight from its bytes. It replaced `JSONDecoder`, which
/// found each value's type by trying them in turn (`JSONValue.init(from:)`), building and
/// throwing a described error for every miss: two to four a value, a thirtieth of a served
/// pin's CPU. The same answers (a test compares the two on valid and broken bodies): RFC
/// 8259 (no comments, NaN or leading zeros), UTF-8 checked, a number that no Double holds
/// refused; and as `JSONDecoder` also reads them, a UTF-8 byte order mark, a trailing comma
/// in an array or object, a repeated key (the first one kept). Nesting deeper than
/// `maxDepth` is refused (never a deep recursion).
struct JSONBodyParser {
    static let maxDepth = 512
    private let b: UnsafeRawBufferPointer
    private var i = 0
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) { b = bytes }

    /// The one value the body holds, with only white space around it.
    mutating func document() -> JSONValue? {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        guard let v = value() else { return nil }
        skipSpace()
        return i == b.count ? v : nil
    }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private mutating func value() -> JSONValue? {
        skipSpace()
        guard i < b.count else { return nil }
        switch b[i] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    private mutating func literal(_ word: StaticString, _ v: JSONValue) -> JSONValue? {
        let n = word.utf8CodeUnitCount
        guard b.count - i >= n else { return nil }
        for k in 0..<n where b[i + k] != word.utf8Start[k] { return nil }
        i += n
        return v
    }

    private mutating func object() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        i += 1
        var out: [String: JSONValue] = [:]
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
        while true {
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let v = value() else { return nil }
            if out[key] == nil { out[key] = v }
            guard let closed = endOrNext(UInt8(ascii: "}")) else { return nil }
            if closed { return .object(out) }
        }
    }

    private mutating func array() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        i += 1
        var out: [JSONValue] = []
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
        while true {
            guard let v = value() else { return nil }
            out.append(v)
            guard let closed = endOrNext(UInt8(ascii: "]")) else { return nil }
            if closed { return .array(out) }
        }
    }

    /// After an array's element or an object's member: true at the closing `close` (read),
    /// false after a comma with more to come, nil when neither follows. A comma right before
    /// the close is read as JSONDecoder reads it: the end.
    private mutating func endOrNext(_ close: UInt8) -> Bool? {
        skipSpace()
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: ",") {
            i += 1
            skipSpace()
            guard i < b.count, b[i] == close else { return false }
        } else if b[i] != close {
            return nil
        }
        i += 1
        return true
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, as a finite Double.
    private mutating func number() -> JSONValue? {
        let start = i
        func digits() -> Int {
            let from = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            return i - from
        }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        guard let v = Double(text), v.isFinite else { return nil }
        return .number(v)
    }

    /// A string at `i` (its opening quote): UTF-8 checked, escapes read, surrogate pairs joined.
    private mutating func string() -> String? {
        i += 1
        let start = i
        // Most strings have no escape: their bytes are the string.
        while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") {
            if b[i] < 0x20 { return nil }
            i += 1
        }
        guard i < b.count else { return nil }
        var bytes = Array(UnsafeRawBufferPointer(rebasing: b[start..<i]))
        while b[i] != UInt8(ascii: "\"") {
            // A backslash.
            i += 1
            guard i < b.count else { return nil }
            let c = b[i]
            i += 1
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(c)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(scalar) {
                    guard b.count - i >= 2, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else { return nil }
                    i += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { return nil }
                bytes.append(contentsOf: String(Character(u)).utf8)
            default: return nil
            }
            while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") {
                if b[i] < 0x20 { return nil }
                bytes.append(b[i])
                i += 1
            }
            guard i < b.count else { return nil }
        }
        i += 1  // the closing quote
        return String(validating: bytes, as: UTF8.self)
    }

    private mutating func hex4() -> UInt32? {
        guard b.count - i >= 4 else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
