import Foundation

/// `trimmingCharacters(in: .whitespacesAndNewlines)` and `(in: .whitespaces)` with the same
/// answers, read from the UTF-8 bytes: Foundation builds and probes a CharacterSet per call,
/// which was a fifth of a 100,000-waypoint import (every GPX child text is trimmed). ASCII
/// spaces at the ends are cut here; an end that is a non-ASCII space (NBSP, ideographic
/// space…) is left to Foundation, so the rare case keeps Foundation's exact definition.
public enum Trim {
    /// As `trimmingCharacters(in: .whitespacesAndNewlines)`.
    public static func spacesAndNewlines(_ s: String) -> String { trim(s, newlines: true) }

    /// As `trimmingCharacters(in: .whitespaces)` (spaces and tabs, no line breaks).
    public static func spaces(_ s: String) -> String { trim(s, newlines: false) }

    /// True when `s` is empty or white space only (as trimming it would leave "").
    public static func isBlank(_ s: String) -> Bool { spacesAndNewlines(s).isEmpty }

    private static func trim(_ s: String, newlines: Bool) -> String {
        let u = s.utf8
        var start = u.startIndex, end = u.endIndex
        while start < end, asciiSpace(u[start], newlines) { start = u.index(after: start) }
        while start < end, asciiSpace(u[u.index(before: end)], newlines) { end = u.index(before: end) }
        if start == end { return "" }
        // A non-ASCII first or last byte: look at the whole scalar there.
        if u[start] >= 0x80 || u[u.index(before: end)] >= 0x80 {
            let inner = s[start..<end].unicodeScalars
            if let f = inner.first, let l = inner.last, maybeSpace(f.value) || maybeSpace(l.value) {
                return s.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
            }
        }
        if start == u.startIndex && end == u.endIndex { return s }
        return String(s[start..<end])
    }

    @inline(__always) private static func asciiSpace(_ c: UInt8, _ newlines: Bool) -> Bool {
        c == 0x20 || c == 0x09 || (newlines && c >= 0x0A && c <= 0x0D)
    }

    /// Every non-ASCII scalar Foundation may count as white space or a line break (Unicode's
    /// Z categories, NEL, and a few that older Unicode versions listed): a superset, since
    /// a hit only hands the string to Foundation.
    private static func maybeSpace(_ v: UInt32) -> Bool {
        switch v {
        case 0x85, 0xA0, 0x1680, 0x180E, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }
}
