import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

/// `eplan audit …`: read-only checks; findings end with exit status 5.
struct Audit: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "audit", 
            abstract: t("ตรวจคุณภาพข้อมูล (อ่านอย่างเดียว ไม่แก้ไขข้อมูล)", "audit the data (read-only: never changes it)"),
            discussion: t("รหัสออก 0 = ไม่พบปัญหา, 5 = พบปัญหา, 1 = ข้อมูลนำเข้าผิด",
                          "exit status 0 = nothing found, 5 = findings, 1 = bad input"),
            subcommands: [AuditBoundaries.self, AuditPins.self])
    }
}

enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, geojson
}

struct AuditBoundaries: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "boundaries",
            abstract: t("ตรวจขอบเขต: รูปเรขาคณิตไม่ถูกต้อง ทับซ้อน ช่องว่าง ล้ำ/ผิดหน่วยแม่ รหัสซ้ำหรือขาด",
                        "audit boundaries: invalid geometry, overlaps, gaps, outside/wrong parent, duplicate or missing codes"))
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp(t("ระดับ: province, amphoe, tambon หรือ all (ค่าเริ่มต้น all)",
                                               "level: province, amphoe, tambon or all (default all)")))
    var level: String = "all"

    @Option(name: .long, help: ArgumentHelp(t("เฉพาะจังหวัดรหัสนี้ เช่น 63", "only the province with this code, e.g. 63")))
    var province: String?

    @Option(name: .long, help: ArgumentHelp(t("ไม่นับพื้นที่ทับซ้อน/ช่องว่างเล็กกว่านี้ (ตร.ม., ค่าเริ่มต้น 1)",
                                               "ignore overlaps and gaps smaller than this (m², default 1)")))
    var minArea: Double = 1

    @Option(name: .long, help: ArgumentHelp(t("ตรวจไฟล์ GeoJSON ก่อนนำเข้า (ต้องระบุ --level)",
                                               "audit a GeoJSON file before import (needs --level)")))
    var file: String?

    @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text, json หรือ geojson", "output format: text, json or geojson")))
    var format: AuditFormat = .text

    @Option(name: .long, help: ArgumentHelp(t("เขียนผลลัพธ์ลงไฟล์แทนหน้าจอ", "write the output to this file instead of standard output")))
    var out: String?

    @Option(name: .long, help: ArgumentHelp(t("จำนวนเธรด (ค่าเริ่มต้น ทุกคอร์)", "threads (default: every core)")))
    var threads: Int = 0

    func run() throws {
        let levels = Set(try BoundaryMaintenance.levels(level, field: "--level", allowAll: true))
        let report: AuditReport
        if let file {
            guard levels.count == 1, let l = levels.first else {
                throw CLIError(Message(th: "--file ต้องระบุ --level province, amphoe หรือ tambon",
                                       en: "--file needs --level province, amphoe or tambon"))
            }
            // The file is compared with the parent level of the store when there is one.
            let exists = try global.location.isPostgres || FileManager.default.fileExists(atPath: global.databasePath)
            let store: (any EPlanStoring)? = exists ? try global.openStore(readOnly: true) : nil
            if store == nil {
                printNote(t("ไม่มีฐานข้อมูล \(global.databasePath): ตรวจไฟล์อย่างเดียว ไม่เทียบกับหน่วยแม่",
                            "no store at \(global.databasePath): the file is audited alone, not against its parents"))
            }
            report = try RunAudits.boundaryFile(file, level: l, store: store, minAreaM2: minArea, threads: threads)
        } else {
            report = try RunAudits(store: try global.openStore(readOnly: true), context: try global.context(by: nil))
                .boundaries(levels: levels, provinceCode: province, includeLAOs: level == "all", minAreaM2: minArea, threads: threads)
        }
        try writeAudit(report, format: format, out: out)
    }
}

/// Writes a report in the chosen form (to `out` or standard output); findings end with exit status 5.
func writeAudit(_ report: AuditReport, format: AuditFormat, out: String?) throws {
    try streamAudit(format: format, out: out, subject: report.subject, scope: report.scope, minAreaM2: report.minAreaM2) { emit in
        for f in report.findings { try emit(f) }
        return report.unitsChecked
    }
}

/// Runs an audit that hands out findings one by one (`body` calls `emit`, returns the units
/// checked) and writes each as it comes, to `out` (a temporary file renamed over it at the
/// end, so a failed audit leaves no partial file) or standard output, in chunks of about
/// 1 MB: memory does not grow with the number of findings. Findings end with exit status 5.
func streamAudit(format: AuditFormat, out: String?, subject: String, scope: Message, minAreaM2: Double,
                 _ body: (_ emit: (Finding) throws -> Void) throws -> Int) throws {
    let output = try out.map { try ExportOutput.atomicFile($0) } ?? ExportOutput.standardOutput()
    let writer = AuditStreamWriter(format: AuditOutputFormat(rawValue: format.rawValue) ?? .text, subject: subject,
                                   scope: scope, minAreaM2: minAreaM2, flushBytes: ExportOutput.chunkSize) { try output.flush(&$0) }
    do {
        try writer.begin()
        let units = try body { try writer.add($0) }
        try writer.finish(unitsChecked: units)
        try output.commit()
    } catch {
        output.discard()
        throw error
    }
    if let out {
        printNote(writer.count == 0
                  ? t("ไม่พบปัญหา เขียนผลลงใน \(out)", "no findings; written to \(out)")
                  : t("พบ \(writer.count) รายการ เขียนผลลงใน \(out)", "\(writer.count) findings written to \(out)"))
    }
    if writer.count > 0 { throw EPlanExit(status: .findings) }
}

struct AuditPins: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "pins",
            abstract: t("ตรวจหมุด: นอกเขต อปท. ที่ (0,0) นอกประเทศ ละติจูด/ลองจิจูดสลับ ซ้อนกัน ที่จุดกึ่งกลาง ถนนสั้น/ยาวผิดปกติ โครงการยังไม่ปักหมุด",
                        "audit pins: outside the LAO, at (0,0), outside Thailand, lat/lon swapped, stacked, at a centroid, roads too short/long, unpinned projects"))
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp(t("เฉพาะ อปท. ในจังหวัดรหัสนี้ เช่น 63", "only LAOs of the province with this code, e.g. 63")))
    var province: String?

    @Option(name: .long, help: ArgumentHelp(t("เฉพาะ อปท. รหัสนี้", "only the LAO with this code")))
    var lao: String?

    @Option(name: .long, help: ArgumentHelp(t("เฉพาะปีงบประมาณ (พ.ศ.)", "only this plan year (Buddhist era)")))
    var year: String?

    @Option(name: .long, help: ArgumentHelp(t("หมุดซ้อนกันตั้งแต่กี่โครงการจึงรายงาน (ค่าเริ่มต้น 3)", "report stacks of at least this many projects (default 3)")))
    var stackMin: Int = 3

    @Option(name: .long, help: ArgumentHelp(t("ระยะ (ม.) ที่ถือว่าซ้อนกัน (ค่าเริ่มต้น 5)", "distance (m) within which pins are stacked (default 5)")))
    var stackRadius: Double = 5

    @Option(name: .long, help: ArgumentHelp(t("ระยะ (ม.) จากจุดกึ่งกลางเขตหรือตำบล (ค่าเริ่มต้น 1)", "distance (m) from an LAO's or tambon's centroid (default 1)")))
    var centroidRadius: Double = 1

    @Option(name: .long, help: ArgumentHelp(t("ถนนสั้นกว่านี้ (ม.) ผิดปกติ (ค่าเริ่มต้น 10)", "roads shorter than this (m) are suspect (default 10)")))
    var roadMin: Double = 10

    @Option(name: .long, help: ArgumentHelp(t("ระยะคลาดเคลื่อนที่ยอมให้ (ม.) ค่าเริ่มต้นตาม pin.tolerance_m", "tolerance (m); default the store's pin.tolerance_m")))
    var tolerance: Double?

    @Flag(name: .long, help: ArgumentHelp(t("ไม่รายงานโครงการที่ยังไม่ปักหมุด", "do not report unpinned projects")))
    var noCompleteness = false

    @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text, json หรือ geojson", "output format: text, json or geojson")))
    var format: AuditFormat = .text

    @Option(name: .long, help: ArgumentHelp(t("เขียนผลลัพธ์ลงไฟล์แทนหน้าจอ", "write the output to this file instead of standard output")))
    var out: String?

    func run() throws {
        var o = PinAuditOptions(provinceCode: province, laoCode: lao, planYear: try year.map { try PlanYear.be($0, field: "--year") })
        o.stackMin = stackMin; o.stackRadiusM = stackRadius; o.centroidRadiusM = centroidRadius; o.roadMinM = roadMin
        o.toleranceM = tolerance; o.completeness = !noCompleteness
        let audits = RunAudits(store: try global.openStore(readOnly: true), context: try global.context(by: nil))
        try audits.checkPins(o)   // bad input before any output
        try streamAudit(format: format, out: out, subject: "pins", scope: PinAuditor.scope(o), minAreaM2: 0) { emit in
            try audits.pins(o, emit: emit)
        }
    }
}
