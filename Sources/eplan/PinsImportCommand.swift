import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

extension ImportPinsRequest.Match: ExpressibleByArgument {}

extension Pins {
    /// `eplan pins import FILE…`: pins in bulk from GPX, KML, GeoJSON and CSV field files.
    ///
    /// Exit: 0 when every item was stored (or, with --dry-run, would be), and with --skip-bad
    /// when at least one good item was stored (would be); 1 for bad input (an unreadable file or item, an unknown
    /// or ambiguous project, an invalid geometry): nothing stored; 4 when an item lies outside
    /// its LAO beyond the tolerance and nothing was stored.
    struct Import: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "import", 
                abstract: t("นำเข้าหมุดหลายโครงการจากไฟล์ภาคสนาม (GPX, KML, GeoJSON, CSV)",
                            "import many projects' pins from field files (GPX, KML, GeoJSON, CSV)"),
                discussion: t("""
                    GPX: จุด (wpt) เป็นจุด เส้นทาง (rte) และแทร็ก (trk) เป็นเส้น; KML: Placemark; GeoJSON: FeatureCollection;
                    CSV: คอลัมน์ code กับ lat/lon, zone/easting/northing, coordinate (ทุกรูปแบบที่ eplan pin อ่านได้) หรือ wkt
                    (หลายแถวรหัสเดียวกันที่มีคอลัมน์ seq เป็นเส้น)
                    ตรวจแต่ละตำแหน่งแบบเดียวกับ eplan pin แล้วบันทึกทั้งหมดหรือไม่บันทึกเลย (เว้นแต่ใส่ --skip-bad)
                    """, """
                    GPX: waypoints (wpt) are points, routes (rte) and tracks (trk) lines; KML: Placemarks; GeoJSON: a FeatureCollection;
                    CSV: a code column with lat/lon, zone/easting/northing, coordinate (any form eplan pin reads) or wkt
                    (rows of one code with a seq column make a line).
                    Each location is checked as eplan pin checks it, then all are stored or none (unless --skip-bad)
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var coordinateOptions: CoordinateOptions

        @Argument(help: ArgumentHelp(t("ไฟล์ .gpx .kml .geojson หรือ .csv", ".gpx, .kml, .geojson or .csv files")))
        var files: [String] = []

        @Option(name: .long, help: ArgumentHelp(t("จับคู่โครงการด้วย code (รหัส ค่าเริ่มต้น) หรือ name (ชื่อภาษาไทย)",
                                                   "match projects by code (default) or name (the Thai name)")))
        var match: ImportPinsRequest.Match = .code

        @Flag(name: .long, help: ArgumentHelp(t("ตรวจอย่างเดียว ไม่บันทึก", "check only, store nothing")))
        var dryRun = false

        @Flag(name: .long, help: ArgumentHelp(t("บันทึกรายการที่ผ่าน ข้ามรายการที่ผิดหรืออยู่นอกเขต", "store the good items, skip the bad or outside ones")))
        var skipBad = false

        @Option(name: .long, help: ArgumentHelp(t("เขียนรายการที่ไม่ได้บันทึกลงไฟล์ CSV นี้", "write the items not stored to this CSV file")))
        var rejects: String?

        @Option(name: .long, help: ArgumentHelp(t("ระยะคลาดเคลื่อนที่ยอมให้ (เมตร) ค่าเริ่มต้นจาก settings หรือ 30",
                                                   "tolerance in metres (default: the store's pin.tolerance_m, else 30)")))
        var tolerance: String?

        @Option(name: .long, help: ArgumentHelp(t("ผู้ปักหมุด (ค่าเริ่มต้น ผู้ใช้ของระบบ)", "who pins (default: the OS user)")))
        var by: String?

        @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text หรือ json", "output format: text or json")))
        var format: OutputFormat = .text

        func validate() throws {
            if files.isEmpty { throw ValidationError(t("ต้องระบุไฟล์อย่างน้อยหนึ่งไฟล์", "give at least one file")) }
        }

        func run() throws {
            let store = try global.openStore(readOnly: dryRun)
            let parser = CoordinateParser(longitudeFirst: coordinateOptions.lonFirst,
                                          crs: try coordinateOptions.crs.map { try CRS(parsing: $0) })
            let request = ImportPinsRequest(files: files, match: match, dryRun: dryRun, skipBad: skipBad, rejectsPath: rejects,
                                            toleranceM: try tolerance.map { try ToleranceMetres.parse($0, field: "--tolerance") },
                                            parser: parser)
            // The report streams to standard output (through a spool: its head and versions
            // are known at the end), so memory does not grow with the number of items.
            let output = ExportOutput.standardOutput()
            let report: any ImportPinsReport
            switch format {
            case .text: report = try PinsImportTextReport(output: output)
            case .json: report = try ImportPinsJSONReport(output: output)
            }
            let result = try ImportPins(store: store, context: try global.context(by: by)).run(request, report: report)
            // With --skip-bad the rejects are expected, as long as something good was found.
            if (result.bad == 0 && result.refused == 0) || (result.skipBad && result.good > 0) { return }
            throw EPlanExit(status: result.bad > 0 ? .inputError : .outside)
        }
    }
}

enum PinsImportOutput {
    static func label(_ v: ImportedPin.Verdict) -> String {
        switch v {
        case .accepted: return t("ยอมรับ", "accepted")
        case .warning: return t("มีคำเตือน", "warning")
        case .refused: return t("ปฏิเสธ", "refused")
        case .bad: return t("ผิดพลาด", "bad")
        }
    }

    static func source(_ i: ImportedPin) -> String {
        (i.file as NSString).lastPathComponent + (i.place.isEmpty ? "" : "#" + i.place)
    }

    static func version(_ v: Int) -> String { t(" (รุ่นที่ \(v))", " (version \(v))") }

    /// The last line: the totals and what was stored.
    static func summary(_ r: ImportPinsSummary) -> String {
        let counts = t("ผ่าน \(r.good) ปฏิเสธ \(r.refused) ผิดพลาด \(r.bad)",
                       "good \(r.good), refused \(r.refused), bad \(r.bad)")
        if r.dryRun {
            return t("ตรวจอย่างเดียว (--dry-run): \(counts) — ไม่ได้บันทึก", "checked only (--dry-run): \(counts) — nothing stored")
        }
        if r.heldBack {
            return t("\(counts) — ไม่ได้บันทึกเลย (ทั้งหมดหรือไม่บันทึกเลย: แก้รายการที่ผิด หรือใส่ --skip-bad)",
                     "\(counts) — nothing stored (all or nothing: fix the items at fault, or give --skip-bad)")
        }
        return t("\(counts) — บันทึก \(r.stored) หมุด", "\(counts) — \(r.stored) pin(s) stored")
    }
}

/// The text report: a count, one aligned line per item (source, key, project, verdict,
/// reason), then the totals. The rows wait in a spool while the column widths are found.
final class PinsImportTextReport: ImportPinsReport {
    private let spool: ReportSpool
    private let output: ExportOutput
    private var row = ByteWriter(capacity: 1024)
    /// Widths of the source, key and project columns, and of the verdict column without
    /// and with the versions (which show only when the pins were stored).
    private var widths = [0, 0, 0], verdictWidth = 0, storedVerdictWidth = 0

    init(output: ExportOutput) throws { spool = try ReportSpool(); self.output = output }

    func add(_ i: ImportedPin) throws {
        let fields = [PinsImportOutput.source(i), i.key ?? "-", i.project?.code ?? "-", PinsImportOutput.label(i.verdict), i.reason.text()]
        for c in 0..<3 { widths[c] = max(widths[c], TextWidth.of(fields[c])) }
        let plain = TextWidth.of(fields[3])
        verdictWidth = max(verdictWidth, plain)
        storedVerdictWidth = max(storedVerdictWidth, i.stored.map { TextWidth.of(fields[3] + PinsImportOutput.version($0.version)) } ?? plain)
        row.removeAll()
        SpoolFields.write(fields, into: &row)
        try spool.append(row, number: i.stored?.version ?? -1)
    }

    func finish(_ summary: ImportPinsSummary) throws {
        let stored = summary.stored > 0
        let widths = self.widths + [stored ? storedVerdictWidth : verdictWidth]
        output.writer.utf8(t("นำเข้าหมุด: \(summary.items) รายการ", "pin import: \(summary.items) item(s)") + "\n")
        try spool.forEach { bytes, version in
            var row = SpoolFields.read(bytes)
            guard row.count == 5 else { return }
            if stored && version >= 0 { row[3] += PinsImportOutput.version(version) }
            let line = "  " + (0..<4).map { TextWidth.pad(row[$0], to: widths[$0]) }.joined(separator: "  ") + "  " + row[4] + "\n"
            output.writer.utf8(line)
            if output.writer.count >= ExportOutput.chunkSize { try output.flush() }
        }
        output.writer.utf8(PinsImportOutput.summary(summary) + "\n")
        try output.commit()
    }
}
