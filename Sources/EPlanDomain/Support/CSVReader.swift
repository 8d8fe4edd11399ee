import Foundation

/// A small RFC 4180 reader: comma-separated, fields optionally in double quotes (a quote
/// inside doubled, commas and line breaks allowed inside), CRLF or LF line ends, UTF-8
/// with or without a byte-order mark. Blank lines are skipped. Self-contained on purpose.
public enum CSVReader {
    /// One record and the (1-based) line of the file it starts on.
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
        public init(line: Int, fields: [String]) { self.line = line; self.fields = fields }
    }

    public static func rows(path: String) throws -> [[String]] {
        try numberedRows(path: path).map(\.fields)
    }

    public static func numberedRows(path: String) throws -> [Row] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileError.unreadable(path: path, detail: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CSVError.notUTF8(path: path)
        }
        return try parse(text, path: path)
    }

    /// Parses text already read; `path` only names the file in errors.
    public static func parse(_ text: String, path: String = "-") throws -> [Row] {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var rows: [Row] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1, rowLine = 1
        var i = 0
        var inQuotes = false, wasQuoted = false, quoteLine = 0
        func endField() { fields.append(String(field)); field = String.UnicodeScalarView(); wasQuoted = false }
        func endRow() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
            fields = []
        }
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                    inQuotes = false; i += 1; continue
                }
                if c == "\n" { line += 1 }
                if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1; line += 1; field.append("\n"); i += 1; continue }
                field.append(c); i += 1; continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !wasQuoted else {
                    throw CSVError.strayQuote(path: path, line: line, column: fields.count + 1)
                }
                inQuotes = true; wasQuoted = true; quoteLine = line
            case ",":
                endField()
            case "\r", "\n":
                if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                endRow(); line += 1; rowLine = line
            default:
                if wasQuoted { throw CSVError.strayQuote(path: path, line: line, column: fields.count + 1) }
                field.append(c)
            }
            i += 1
        }
        if inQuotes { throw CSVError.unclosedQuote(path: path, line: quoteLine, column: fields.count + 1) }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }
}

public enum CSVError: UserFacingError {
    case notUTF8(path: String)
    case strayQuote(path: String, line: Int, column: Int)
    case unclosedQuote(path: String, line: Int, column: Int)

    public var message: Message {
        switch self {
        case .notUTF8(let path):
            return Message(th: "\(path): ไม่ใช่ข้อความ UTF-8 (บันทึกไฟล์ CSV เป็น UTF-8)",
                           en: "\(path): not UTF-8 text (save the CSV as UTF-8)")
        case .strayQuote(let path, let line, let column):
            return Message(th: "\(path) บรรทัด \(line) คอลัมน์ \(column): เครื่องหมายคำพูด \" อยู่ผิดที่ (ค่าที่มี \" ต้องอยู่ในเครื่องหมายคำพูดและใช้ \"\")",
                           en: "\(path) line \(line) column \(column): misplaced quote \" (quote the whole field and double inner quotes)")
        case .unclosedQuote(let path, let line, let column):
            return Message(th: "\(path) บรรทัด \(line) คอลัมน์ \(column): เปิดเครื่องหมายคำพูดแล้วไม่ปิด",
                           en: "\(path) line \(line) column \(column): quote opened but never closed")
        }
    }
}
