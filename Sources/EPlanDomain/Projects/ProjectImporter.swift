import Foundation

/// Something wrong (or worth a word) in one cell or line of a project file.
public struct ProjectRowProblem: Equatable, Sendable {
    /// The physical line in the file (the header is line 1).
    public var line: Int
    /// The column's header as written in the file; nil for the line as a whole.
    public var column: String?
    public var reason: Message
    /// Errors refuse the line; warnings are only reported.
    public var isError: Bool

    /// "บรรทัด 5, คอลัมน์ 'งบประมาณ': …"
    public func text(_ lang: Language = Language.current) -> String {
        let at: String
        if let column {
            at = lang == .th ? "บรรทัด \(line), คอลัมน์ '\(column)'" : "line \(line), column '\(column)'"
        } else {
            at = lang == .th ? "บรรทัด \(line)" : "line \(line)"
        }
        let tag = isError ? "" : (lang == .th ? "คำเตือน: " : "warning: ")
        return "\(at): \(tag)\(reason.text(lang))"
    }
}

public struct ProjectImportReport: Sendable {
    public var path: String
    /// Data lines read (not counting the header and blank lines).
    public var lines: Int
    public var inserted: Int
    public var replaced: Int
    /// Lines refused (only with skip-bad; otherwise the import throws).
    public var rejectedLines: Int
    public var errors: [ProjectRowProblem]
    public var warnings: [ProjectRowProblem]
    public var rejectsPath: String?
}

public enum ProjectImportError: UserFacingError {
    case unknownColumns(path: String, headers: [String])
    case missingColumns(path: String, columns: [ProjectColumn])
    case duplicateColumn(path: String, column: ProjectColumn, headers: [String])
    case badLines(path: String, problems: [ProjectRowProblem], badLines: Int, lines: Int)
    case noRows(path: String)

    public var message: Message {
        switch self {
        case let .unknownColumns(path, headers):
            let list = headers.map { "'\($0)'" }.joined(separator: ", ")
            return Message(th: "\(path): บรรทัด 1: ไม่รู้จักคอลัมน์ \(list) (คอลัมน์ที่รับได้: \(ProjectColumn.allCases.map(\.thai).joined(separator: ", ")) หรือชื่ออังกฤษ; ดู eplan projects template)",
                           en: "\(path): line 1: unknown column \(list) (accepted: \(ProjectColumn.allCases.map(\.english).joined(separator: ", ")) or the Thai headers; see eplan projects template)")
        case let .missingColumns(path, columns):
            return Message(th: "\(path): บรรทัด 1: ขาดคอลัมน์ที่ต้องมี \(columns.map { "'\($0.thai)'" }.joined(separator: ", "))",
                           en: "\(path): line 1: missing required column \(columns.map { "'\($0.english)'" }.joined(separator: ", "))")
        case let .duplicateColumn(path, column, headers):
            return Message(th: "\(path): บรรทัด 1: คอลัมน์ \(headers.map { "'\($0)'" }.joined(separator: " และ ")) เป็นคอลัมน์เดียวกัน (\(column.thai))",
                           en: "\(path): line 1: columns \(headers.map { "'\($0)'" }.joined(separator: " and ")) are the same column (\(column.english))")
        case let .badLines(path, problems, bad, lines):
            let th = problems.map { "  " + $0.text(.th) }.joined(separator: "\n")
            let en = problems.map { "  " + $0.text(.en) }.joined(separator: "\n")
            return Message(th: "\(path): ไม่นำเข้าเลย เพราะมี \(bad) จาก \(lines) บรรทัดไม่ถูกต้อง (แก้แล้วนำเข้าใหม่ หรือใช้ --skip-bad เพื่อนำเข้าเฉพาะบรรทัดที่ถูกต้อง):\n\(th)",
                           en: "\(path): nothing imported: \(bad) of \(lines) lines are bad (fix them and import again, or use --skip-bad to import the good lines only):\n\(en)")
        case .noRows(let path):
            return Message(th: "\(path): ไม่มีข้อมูลโครงการ (มีแต่หัวตาราง)", en: "\(path): no project lines (header only)")
        }
    }
}

/// Reads a development-plan project CSV as offices export it and stores it all or nothing.
public struct ProjectImporter {
    public let store: any EPlanStoring
    public init(store: any EPlanStoring) { self.store = store }

    /// "plan.csv" → "plan.rejects.csv".
    public static func defaultRejectsPath(for path: String) -> String {
        let ns = path as NSString
        let ext = ns.pathExtension.lowercased() == "csv" ? ns.deletingPathExtension : path
        return ext + ".rejects.csv"
    }

    /// Imports `path`. Every bad line is reported (line, column, reason); without
    /// `skipBad` any bad line refuses the whole file and the store stays as it was. With
    /// `skipBad` the good lines are stored and the bad ones written to `rejectsPath`
    /// (default FILE.rejects.csv) with a reason column.
    public func importFile(path: String, skipBad: Bool = false, rejectsPath: String? = nil, replace: Bool = false,
                           by: String = "import") throws -> ProjectImportReport {
        let table = try CSVTable.read(path: path)
        let columns = try ProjectImporter.mapHeader(table.header, path: path)
        if table.rows.isEmpty { throw ProjectImportError.noRows(path: path) }
        // With --skip-bad the reject file is opened first (an unwritable path refuses the
        // import before anything is stored), filled inside the transaction, and put in
        // place only once the rows are committed: file and store never disagree.
        let rejectsTarget = rejectsPath ?? ProjectImporter.defaultRejectsPath(for: path)
        let rejects = skipBad ? try ExportOutput.atomicFile(rejectsTarget) : nil
        defer { rejects?.discard() }
        let report: ProjectImportReport = try store.transaction {
            let (good, problems) = try check(table, columns: columns, replace: replace)
            let errors = problems.filter(\.isError)
            let badLines = Set(errors.map(\.line))
            if !badLines.isEmpty && !skipBad {
                throw ProjectImportError.badLines(path: path, problems: errors, badLines: badLines.count, lines: table.rows.count)
            }
            let replaced = try store.insertProjects(good.map(\.1), replace: replace, by: by)
            var report = ProjectImportReport(path: path, lines: table.rows.count, inserted: good.count - replaced,
                                             replaced: replaced, rejectedLines: badLines.count, errors: errors,
                                             warnings: problems.filter { !$0.isError && !badLines.contains($0.line) },
                                             rejectsPath: nil)
            if !badLines.isEmpty, let rejects {
                rejects.writer.append(Array(rejectsText(table, errors: errors).utf8))
                // Written and synced before the rows commit: a full disk refuses the import.
                try rejects.sync()
                report.rejectsPath = rejectsTarget
            }
            return report
        }
        if report.rejectsPath != nil { try rejects?.commit() }
        return report
    }

    /// The column each header names; unknown, duplicate and missing columns refuse the file.
    public static func mapHeader(_ header: CSVRecord, path: String) throws -> [ProjectColumn?] {
        var columns: [ProjectColumn?] = []
        var unknown: [String] = []
        var seen: [ProjectColumn: String] = [:]
        for h in header.fields {
            let trimmed = h.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { columns.append(nil); continue }  // an empty trailing header cell
            guard let c = ProjectColumn(header: trimmed) else { unknown.append(trimmed); columns.append(nil); continue }
            if let other = seen[c] { throw ProjectImportError.duplicateColumn(path: path, column: c, headers: [other, trimmed]) }
            seen[c] = trimmed
            columns.append(c)
        }
        if !unknown.isEmpty { throw ProjectImportError.unknownColumns(path: path, headers: unknown) }
        let missing = ProjectColumn.allCases.filter { $0.isRequired && seen[$0] == nil }
        if !missing.isEmpty { throw ProjectImportError.missingColumns(path: path, columns: missing) }
        return columns
    }

    /// Parses and checks every line against the store; returns the good records and every problem.
    func check(_ table: CSVTable, columns: [ProjectColumn?], replace: Bool) throws
        -> (good: [(CSVRecord, ProjectRecord)], problems: [ProjectRowProblem]) {
        let known = try KnownToStore(store: store, replace: replace)
        var headerOf: [ProjectColumn: String] = [:]
        for (i, c) in columns.enumerated() { if let c { headerOf[c] = table.header.fields[i].trimmingCharacters(in: .whitespaces) } }
        var firstLine: [String: Int] = [:]
        var good: [(CSVRecord, ProjectRecord)] = []
        var problems: [ProjectRowProblem] = []
        let today = CalendarDate.today().iso
        for row in table.rows {
            let line = ProjectRowReader(row: row, columns: columns, headerOf: headerOf)
            let parsed = line.read()
            known.check(parsed, line: line, firstLine: &firstLine)
            // Money and dates against each other: the one set of project rules.
            for f in parsed.record.ruleFindings(today: today) {
                line.problem(ProjectColumn(rawValue: f.column), f.message, isError: f.isError)
            }
            problems += line.problems
            if parsed.isComplete, !line.problems.contains(where: \.isError) { good.append((row, parsed.record)) }
        }
        return (good, problems)
    }

    /// The refused lines as they were, each with its reasons in an added last column.
    /// The bad lines as they were, each with a reason column.
    func rejectsText(_ table: CSVTable, errors: [ProjectRowProblem]) -> String {
        var reasons: [Int: [String]] = [:]
        for e in errors {
            let at = e.column.map { Language.current == .th ? "คอลัมน์ '\($0)': " : "column '\($0)': " } ?? ""
            reasons[e.line, default: []].append(at + e.reason.text())
        }
        var out = table.hadBOM ? "\u{FEFF}" : ""
        out += table.header.raw + "," + CSVTable.quote(Language.current == .th ? "เหตุที่ไม่นำเข้า" : "reason") + "\r\n"
        for row in table.rows {
            guard let r = reasons[row.line] else { continue }
            out += row.raw + "," + CSVTable.quote(r.joined(separator: "; ")) + "\r\n"
        }
        return out
    }
}

public struct ProjectFileError: UserFacingError {
    public let path: String
    public let reason: Message
    public init(path: String, reason: Message) { self.path = path; self.reason = reason }
    public var message: Message { Message(th: "\(path): \(reason.th)", en: "\(path): \(reason.en)") }
}
