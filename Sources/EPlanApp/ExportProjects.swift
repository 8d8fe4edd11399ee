import EPlanDomain

/// `export`: every selected project with its current pin, streamed as GeoJSON, GeoJSON
/// text sequences or CSV. Every filter is checked before any output exists.
public struct ExportRequest: Sendable {
    public var query: ProjectQuery
    public var format: ExportFormat
    /// Decimals of coordinates, 0–15.
    public var precision: Int
    /// A file (written atomically), or nil for standard output.
    public var outputPath: String?

    public init(query: ProjectQuery = ProjectQuery(), format: ExportFormat = .geojson, precision: Int = 7, outputPath: String? = nil) {
        self.query = query; self.format = format; self.precision = precision; self.outputPath = outputPath
    }
}

public struct ExportProjects {
    let store: any EPlanStoring
    public init(store: any EPlanStoring) { self.store = store }

    public func run(_ request: ExportRequest) throws -> ProjectExporter.Summary {
        do {
            let exporter = try ProjectExporter(store: store, format: request.format, precision: request.precision)
            return try exporter.export(request.query, toPath: request.outputPath)
        } catch { throw AppError.classify(error) }
    }
}

/// `report status`: the provincial office's table, one row per LAO of a province.
public struct StatusReportRequest: Sendable {
    public enum Format: String, Sendable, CaseIterable { case text, csv, html }
    public var provinceCode: String
    /// The first plan year (BE): the plan columns are it and the next two.
    public var year: Int
    /// Count only what was on record that day.
    public var asOf: CalendarDate?

    public init(provinceCode: String, year: Int, asOf: CalendarDate? = nil) {
        self.provinceCode = ThaiText.asciiDigits(provinceCode.trimmingCharacters(in: .whitespaces))
        self.year = year; self.asOf = asOf
    }

    /// `--as-of` / `as_of` as typed: BE or CE, ISO or dd/mm/yyyy, Thai digits or month names.
    public static func asOfDate(_ raw: String, field: String) throws -> CalendarDate {
        guard let d = CalendarDate.parseLenient(raw) else {
            throw AppError(.badInput, Message(th: "\(field) '\(raw)' ไม่ใช่วันที่ (เช่น 2559-10-03, 03/10/2559 หรือ 2016-10-03)",
                                              en: "\(field) '\(raw)' is not a date (e.g. 2559-10-03, 03/10/2559 or 2016-10-03)"), field: field)
        }
        return d
    }
}

public struct MakeStatusReport {
    let store: any EPlanStoring
    public init(store: any EPlanStoring) { self.store = store }

    public func run(_ request: StatusReportRequest) throws -> StatusReport {
        do {
            return try StatusReport.make(store: store, provinceCode: request.provinceCode, year: request.year, asOf: request.asOf)
        } catch { throw AppError.classify(error) }
    }

    /// The report as text, CSV or HTML in the language asked for.
    public static func render(_ report: StatusReport, as format: StatusReportRequest.Format, _ lang: Language) -> String {
        switch format {
        case .text: return StatusReportFormat.text(report, lang)
        case .csv: return StatusReportFormat.csv(report, lang)
        case .html: return StatusReportFormat.html(report, lang)
        }
    }
}
