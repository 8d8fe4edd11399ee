/// Text normalisation and lexing for `CoordinateParser`. Normalisation keeps, for every
/// normalised scalar, the range of original scalars it came from, so errors quote the
/// user's own text (Thai digits and all).
struct Scanned {
    let original: [Unicode.Scalar]
    private(set) var scalars: [Unicode.Scalar] = []
    private(set) var origin: [Range<Int>] = []

    init(_ text: String) {
        original = Array(text.unicodeScalars)
        var i = 0
        while i < original.count {
            if let (len, rep) = Self.matchWord(original, at: i) {
                for r in rep { scalars.append(r); origin.append(i..<i + len) }
                i += len
                continue
            }
            if let s = Self.normalize(original[i]) { scalars.append(s); origin.append(i..<i + 1) }
            i += 1
        }
    }

    /// The original text behind normalised scalars `r`, trimmed.
    func text(_ r: Range<Int>) -> String {
        guard !r.isEmpty, r.upperBound <= origin.count else { return "" }
        let lo = origin[r.lowerBound].lowerBound, hi = origin[r.upperBound - 1].upperBound
        return Self.visible(String(String.UnicodeScalarView(original[lo..<hi]))).trimmingWhitespace()
    }

    /// `text` without the invisible marks `normalize` drops, so a message or a stored input
    /// never carries a character the reader cannot see.
    static func visible(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !isInvisible($0) }))
    }

    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        // zero-width (Thai word breaks), and the direction marks that copying from
        // Arabic/Hebrew-aware apps leaves behind (LRM, RLM, ALM, embeddings, isolates), soft hyphen
        case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069, 0x00AD:
            return true
        default:
            return false
        }
    }

    // Thai units and hemisphere words, and English words, become the mark or letter they mean.
    // Axis labels become the words LAT / LON ("ละติจูด 16.7 ลองจิจูด 98.5"); "Zone", "UTM" and
    // "โซน" only introduce the zone that follows ("Zone 47N 453809 1848266"), so they are dropped.
    private static let thaiWords: [([Unicode.Scalar], [Unicode.Scalar])] = [
        ("ฟิลิปดา", "\""), ("ลิปดา", "'"), ("องศา", "°"),
        ("เหนือ", "N"), ("ใต้", "S"), ("ตะวันออก", "E"), ("ตะวันตก", "W"),
        ("ละติจูด", " LAT "), ("ลองจิจูด", " LON "), ("ลองติจูด", " LON "), ("โซน", " "),
    ].map { (Array($0.0.unicodeScalars), Array($0.1.unicodeScalars)) }
    private static let englishWords: [([Unicode.Scalar], [Unicode.Scalar])] = [
        ("NORTHING", "N"), ("EASTING", "E"), ("NORTH", "N"), ("SOUTH", "S"), ("EAST", "E"), ("WEST", "W"),
        ("ZONE", " "), ("UTM", " "),
    ].map { (Array($0.0.unicodeScalars), Array($0.1.unicodeScalars)) }

    private static func isASCIILetter(_ s: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(s) || ("a"..."z").contains(s)
    }

    private static func matchWord(_ o: [Unicode.Scalar], at i: Int) -> (Int, [Unicode.Scalar])? {
        // Compared in place: an Array per word and position cost a pin's parse ~100k instructions.
        if (0x0E00...0x0E7F).contains(o[i].value) {
            for (w, rep) in thaiWords where i + w.count <= o.count && o[i..<i + w.count].elementsEqual(w) {
                return (w.count, rep)
            }
        }
        guard isASCIILetter(o[i]), i == 0 || !isASCIILetter(o[i - 1]) else { return nil }
        for (w, rep) in englishWords where i + w.count <= o.count {
            let end = i + w.count
            guard end == o.count || !isASCIILetter(o[end]) else { continue }
            if zip(o[i..<end], w).allSatisfy({ Unicode.Scalar($0.0.value & ~0x20) == $0.1 }) { return (w.count, rep) }
        }
        return nil
    }

    /// nil = drop the scalar.
    private static func normalize(_ s: Unicode.Scalar) -> Unicode.Scalar? {
        switch s.value {
        case 0x0E50...0x0E59, 0xFF10...0xFF19: return thaiDigitToASCII(s)
        case 0xFF21...0xFF3A: return Unicode.Scalar(s.value - 0xFF21 + 0x41)
        case 0xFF41...0xFF5A: return Unicode.Scalar(s.value - 0xFF41 + 0x61)
        case 0x2212, 0x2010, 0x2011, 0x2012, 0x2013, 0xFE63, 0xFF0D: return "-"
        case 0xFF0B: return "+"
        case 0xFF0C, 0x3001, 0x060C, 0xFE50: return ","
        case 0xFF0E: return "."
        case 0xFF1B, 0x061B, 0xFE54: return ";"
        case 0x00BA, 0x02DA, 0x2070: return "°"
        case 0x2032, 0x2019, 0x2018, 0x00B4, 0x02B9, 0xFF07, 0x0060: return "'"
        case 0x2033, 0x201D, 0x201C, 0x02BA, 0xFF02: return "\""
        case _ where isInvisible(s): return nil
        case 0x3A, 0xFF1A, 0x28, 0x29, 0x5B, 0x5D: return " "     // 16:43:00, (lat, lon), [..]
        default: return s.properties.isWhitespace ? " " : s
        }
    }
}

struct Number: Equatable {
    var value: Double
    var text: String
    var negative: Bool
    var signed: Bool
    var hasDot: Bool
    /// Digits before the dot as typed, leading zeros included (MGRS and zone numbers count them).
    var intDigits: Int
    /// Digits before the dot without leading zeros: the size of the value ("00016.7" is 2).
    var magnitudeDigits: Int
}

enum Tok: Equatable {
    case number(Number)
    case degree, minute, second, metre
    case word(String)    // uppercased ASCII letters
    case comma, semicolon
    case unknown
}

struct Lexeme {
    var tok: Tok
    var range: Range<Int>    // in Scanned.scalars
    var spaceBefore: Bool
}

private func isDigit(_ s: [Unicode.Scalar], _ k: Int) -> Bool { k < s.count && ("0"..."9").contains(s[k]) }
private func isLetter(_ c: Unicode.Scalar) -> Bool { ("A"..."Z").contains(c) || ("a"..."z").contains(c) }

/// A number starting at `start` (its sign, if any, there; its digits or point at `j`):
/// digits, thousands groups when `grouping`, a fraction. Returns it and where it ends.
private func lexNumber(_ s: [Unicode.Scalar], from start: Int, digitsAt i: Int, grouping: Bool) -> (Number, Int) {
    var j = i
    var digits = ""
    while isDigit(s, j) { digits.unicodeScalars.append(s[j]); j += 1 }
    if grouping, (1...3).contains(digits.count) {
        while j < s.count, s[j] == ",", isDigit(s, j + 1), isDigit(s, j + 2), isDigit(s, j + 3), !isDigit(s, j + 4) {
            digits.unicodeScalars.append(contentsOf: s[(j + 1)...(j + 3)])
            j += 4
        }
    }
    var frac = ""
    var hasDot = false
    if j < s.count, s[j] == "." {
        hasDot = true; j += 1
        while isDigit(s, j) { frac.unicodeScalars.append(s[j]); j += 1 }
    }
    let text = (digits.isEmpty ? "0" : digits) + (frac.isEmpty ? "" : "." + frac)
    let magnitude = Double(text) ?? .infinity
    let sign = s[start]
    let negative = sign == "-"
    let shown = String(String.UnicodeScalarView(s[start..<j]))
    let significant = digits.drop(while: { $0 == "0" }).count
    return (Number(value: negative ? -magnitude : magnitude, text: shown, negative: negative,
                   signed: sign == "-" || sign == "+", hasDot: hasDot, intDigits: digits.count,
                   magnitudeDigits: significant), j)
}

/// `grouping`: read "1,848,000" as one number (see the rule on `CoordinateParser`).
func lex(_ s: [Unicode.Scalar], grouping: Bool) -> [Lexeme] {
    var out: [Lexeme] = []
    var i = 0
    var space = false
    var lastUnit: Tok? = nil   // the last degree/minute/second mark in the current value
    func emit(_ t: Tok, _ start: Int, _ end: Int) {
        out.append(Lexeme(tok: t, range: start..<end, spaceBefore: space))
        space = false
        i = end
    }
    while i < s.count {
        let c = s[i]
        if c == " " { space = true; i += 1; continue }
        let start = i
        var j = i
        if c == "-" || c == "+" { j += 1 }
        if isDigit(s, j) || (j < s.count && s[j] == "." && isDigit(s, j + 1)) {
            let (number, end) = lexNumber(s, from: start, digitsAt: j, grouping: grouping)
            emit(.number(number), start, end)
            continue
        }
        switch c {
        case "°": lastUnit = .degree; emit(.degree, start, i + 1); continue
        case "'":
            if i + 1 < s.count, s[i + 1] == "'" { lastUnit = .second; emit(.second, start, i + 2) }  // 00'' = 00"
            else { lastUnit = .minute; emit(.minute, start, i + 1) }
            continue
        case "\"": lastUnit = .second; emit(.second, start, i + 1); continue
        case ",": lastUnit = nil; emit(.comma, start, i + 1); continue
        case ";": lastUnit = nil; emit(.semicolon, start, i + 1); continue
        default: break
        }
        if isLetter(c) {
            // 16d43m00s: lowercase d/m/s right after a number are marks; 's' only after minutes
            // (else it is South), 'm' only after degrees (else metres).
            if !space, case .number? = out.last?.tok {
                // Upper-case D only with a digit right after it ("15D05'58\"N"): "47D …" stays a
                // UTM band letter.
                if c == "d" || (c == "D" && isDigit(s, i + 1)) { lastUnit = .degree; emit(.degree, start, i + 1); continue }
                if c == "m" {
                    if lastUnit == .degree { lastUnit = .minute; emit(.minute, start, i + 1) } else { emit(.metre, start, i + 1) }
                    continue
                }
                if c == "s", lastUnit == .minute { lastUnit = .second; emit(.second, start, i + 1); continue }
            }
            var w = ""
            while j < s.count, isLetter(s[j]) { w.unicodeScalars.append(s[j]); j += 1 }
            lastUnit = nil
            emit(.word(w.uppercased()), start, j)
            continue
        }
        // Anything else: one unknown token up to the next space or recognised character.
        j = i + 1
        while j < s.count, s[j] != " ", !isLetter(s[j]), !isDigit(s, j), !"°'\",;.+-".unicodeScalars.contains(s[j]) { j += 1 }
        emit(.unknown, start, j)
    }
    return out
}
