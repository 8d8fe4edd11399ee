import Foundation

/// One record of a CSV file: its fields, the physical line it starts on (1-based, the
/// header is line 1) and its original text (without the line break), for reject files.
public struct CSVRecord: Equatable, Sendable {
    public var line: Int
    public var fields: [String]
    public var raw: String
}

/// A CSV file read whole (RFC 4180: quoted fields, doubled quotes, CRLF or LF, line
/// breaks inside quotes), after checking it is UTF-8. Every CSV import (LAO registry,
/// projects) reads through it.
public struct CSVTable: Sendable {
    public var header: CSVRecord
    public var rows: [CSVRecord]
    /// The rows that hold something (a blank line is one empty field).
    public var nonBlankRows: [CSVRecord] { rows.filter { !($0.fields.count == 1 && $0.fields[0].isEmpty) } }
    /// The file began with a UTF-8 byte order mark (Excel's "CSV UTF-8").
    public var hadBOM: Bool

    /// Reads `path`; errors name the file and the line at fault.
    public static func read(path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVError(path: path, kind: .unreadable)
        }
        return try parse(Array(data), path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws -> CSVTable {
        var body = bytes[...]
        var bom = false
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { body = bytes.dropFirst(3); bom = true }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw CSVError(path: path, kind: .utf16)
        }
        if let bad = firstInvalidUTF8(body) {
            let line = body[body.startIndex..<bad].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            // TIS-620 / Windows-874 puts Thai letters at 0xA1–0xFB, which in UTF-8 are
            // continuation or lead bytes out of place.
            let high = body.filter { $0 >= 0x80 }
            let thaiLike = high.filter { (0xA1...0xFB).contains($0) }.count
            let likelyTIS = thaiLike * 10 >= high.count * 8
            throw CSVError(path: path, kind: .notUTF8(line: line, offset: bad - body.startIndex + (bom ? 3 : 0),
                                                      byte: body[bad], likelyTIS620: likelyTIS))
        }
        let text = String(decoding: body, as: UTF8.self)
        var records = try records(text, path: path)
        // Rows of empty cells (Excel leaves ",,,," lines after the data) are no data.
        records.removeAll { $0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } && $0.line > 1 }
        guard let header = records.first, !header.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw CSVError(path: path, kind: .empty)
        }
        return CSVTable(header: header, rows: Array(records.dropFirst()), hadBOM: bom)
    }

    /// The byte offset of the first byte that is not well-formed UTF-8, or nil.
    static func firstInvalidUTF8(_ b: ArraySlice<UInt8>) -> Int? {
        var i = b.startIndex
        while i < b.endIndex {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0, min: UInt32 = 0
            var v: UInt32
            switch c {
            case 0xC2...0xDF: need = 1; v = UInt32(c & 0x1F); min = 0x80
            case 0xE0...0xEF: need = 2; v = UInt32(c & 0x0F); min = 0x800
            case 0xF0...0xF4: need = 3; v = UInt32(c & 0x07); min = 0x10000
            default: return i
            }
            for k in 1...need {
                guard i + k < b.endIndex, b[i + k] & 0xC0 == 0x80 else { return i }
                v = v << 6 | UInt32(b[i + k] & 0x3F)
            }
            if v < min || v > 0x10FFFF || (0xD800...0xDFFF).contains(v) { return i }
            i += need + 1
        }
        return nil
    }

    static func records(_ text: String, path: String) throws -> [CSVRecord] {
        var out: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var raw = String.UnicodeScalarView()
        var line = 1, startLine = 1
        var inQuotes = false, quotedField = false, quoteLine = 0
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func endField() { fields.append(String(field)); field = String.UnicodeScalarView(); quotedField = false }
        func endRecord() {
            endField()
            out.append(CSVRecord(line: startLine, fields: fields, raw: String(raw)))
            fields = []; raw = String.UnicodeScalarView()
        }
        while i < scalars.count {
            let c = scalars[i]
            // A NUL would cut the text where SQLite (and C) see its end: refuse it, named.
            if c == "\0" {
                let column = fields.count + 1
                let header = out.first.flatMap { column <= $0.fields.count ? $0.fields[column - 1] : nil }
                throw CSVError(path: path, kind: .nulByte(line: line, column: column, header: header))
            }
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                        field.append("\""); raw.append(c); raw.append(c); i += 2; continue
                    }
                    inQuotes = false; raw.append(c); i += 1; continue
                }
                if c == "\n" { line += 1 }
                field.append(c); raw.append(c); i += 1; continue
            }
            switch c {
            case "\"":
                if field.isEmpty && !quotedField { inQuotes = true; quotedField = true; quoteLine = line }
                else { field.append(c) }  // a stray quote inside a bare field: kept as text
                raw.append(c)
            case ",":
                endField(); raw.append(c)
            case "\r", "\n":
                if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                endRecord()
                line += 1; startLine = line
            default:
                field.append(c); raw.append(c)
            }
            i += 1
        }
        if inQuotes { throw CSVError(path: path, kind: .unterminatedQuote(line: quoteLine)) }
        if !field.isEmpty || !fields.isEmpty || !raw.isEmpty { endRecord() }
        return out
    }

    /// A field quoted when it needs to be.
    public static func quote(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    public static func line(_ fields: [String]) -> String { fields.map(quote).joined(separator: ",") }
}

public struct CSVError: UserFacingError, Equatable {
    public enum Kind: Equatable, Sendable {
        case unreadable
        case empty
        case utf16
        case notUTF8(line: Int, offset: Int, byte: UInt8, likelyTIS620: Bool)
        case unterminatedQuote(line: Int)
        /// A NUL byte in the field `column` (1-based) of physical line `line`; `header`
        /// names that column when the header row is already read.
        case nulByte(line: Int, column: Int, header: String?)
    }
    public let path: String
    public let kind: Kind

    public var message: Message {
        switch kind {
        case .unreadable:
            return Message(th: "\(path): อ่านไฟล์ไม่ได้ (ไม่มีไฟล์หรือไม่มีสิทธิ์อ่าน)", en: "\(path): cannot read the file (missing or not readable)")
        case .empty:
            return Message(th: "\(path): ไฟล์ว่าง ไม่มีแถวหัวตาราง", en: "\(path): the file is empty: no header row")
        case .utf16:
            return Message(th: "\(path): ไฟล์เป็น UTF-16 ไม่ใช่ UTF-8 กรุณาบันทึกใหม่เป็น \"CSV UTF-8\"",
                           en: "\(path): the file is UTF-16, not UTF-8; save it again as \"CSV UTF-8\"")
        case let .notUTF8(line, offset, byte, tis):
            let hex = String(format: "0x%02X", byte)
            let hintTH = tis ? " ดูเหมือนเป็นรหัสภาษาไทยแบบเก่า TIS-620/Windows-874 (ANSI) —" : ""
            let hintEN = tis ? " it looks like the old Thai encoding TIS-620/Windows-874 (ANSI);" : ""
            return Message(
                th: "\(path): ไฟล์ไม่ใช่ UTF-8 (บรรทัด \(line), ไบต์ที่ \(offset): \(hex))\(hintTH) กรุณาบันทึกใหม่เป็น \"CSV UTF-8\" (Excel: บันทึกเป็น > CSV UTF-8) หรือแปลงด้วย iconv -f TIS-620 -t UTF-8",
                en: "\(path): the file is not UTF-8 (line \(line), byte offset \(offset): \(hex));\(hintEN) export it again as \"CSV UTF-8\" (Excel: Save As > CSV UTF-8) or convert it with iconv -f TIS-620 -t UTF-8")
        case .unterminatedQuote(let line):
            return Message(th: "\(path): บรรทัด \(line): เครื่องหมายคำพูด \" เปิดแล้วไม่ปิดจนจบไฟล์",
                           en: "\(path): line \(line): a quote \" opens a field that never closes")
        case let .nulByte(line, column, header):
            let name = header.map { " ('\($0)')" } ?? ""
            return Message(th: "\(path): บรรทัด \(line), คอลัมน์ที่ \(column)\(name): มีอักขระ NUL (ไบต์ 0x00) ซึ่งจะตัดข้อความทิ้ง ลบอักขระนี้ออกแล้วนำเข้าใหม่",
                           en: "\(path): line \(line), column \(column)\(name): a NUL character (byte 0x00) would cut the text short; remove it and import again")
        }
    }
}
