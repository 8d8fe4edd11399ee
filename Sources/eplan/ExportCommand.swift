import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Export: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "export", 
            abstract: t("ส่งออกโครงการพร้อมหมุดปัจจุบันและข้อมูลงบประมาณ สำหรับ QGIS และ GIS อื่น",
                        "export projects with their current pins and budget attributes, for QGIS and other GIS"),
            subcommands: [ExportGeoJSON.self],
            defaultSubcommand: ExportGeoJSON.self)
    }
}

extension ExportFormat: ExpressibleByArgument {}

struct ExportGeoJSON: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "geojson",
            abstract: t("เขียน GeoJSON (RFC 7946), GeoJSON sequence (RFC 8142) หรือ CSV พร้อม WKT",
                        "write GeoJSON (RFC 7946), GeoJSON text sequences (RFC 8142) or CSV with WKT"),
            discussion: t(
                "หนึ่งฟีเจอร์ต่อโครงการ: id คือรหัสโครงการ พิกัดลองจิจูด/ละติจูด (EPSG:4326)\n\n"
                + "ขั้นของโครงการ (--stage) คือขั้นที่ไปถึงไกลที่สุด: completed (มีวันแล้วเสร็จหรือความก้าวหน้า 100%), "
                + "disbursed (มีวันหรือยอดเบิกจ่าย), contracted (มีวันลงนามหรือวงเงินสัญญา), budget-approved, plan-approved, planned\n\n"
                + "--bbox เลือกโครงการที่กรอบของหมุดตัดกับกรอบที่ให้ (ผ่าน R*Tree)\n\n"
                + "ไฟล์ผลลัพธ์เขียนแบบ atomic: ถ้าเกิดข้อผิดพลาดจะไม่มีไฟล์ค้างอยู่",
                "One feature per project: id is the project code; lon/lat (EPSG:4326).\n\n"
                + "A project's stage (--stage) is the furthest it has reached: completed (a completion date or 100% progress), "
                + "disbursed (a disbursement date or amount), contracted (a signing date or contract amount), "
                + "budget-approved, plan-approved, planned.\n\n"
                + "--bbox selects projects whose pin's box meets the box (through the R*Tree).\n\n"
                + "The output file is written atomically: after an error no partial file is left."))
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp(t("รูปแบบ: geojson, geojsonseq หรือ csv", "format: geojson, geojsonseq or csv")))
    var format: ExportFormat = .geojson

    @Option(name: [.short, .long], help: ArgumentHelp(t("ไฟล์ผลลัพธ์ (ค่าเริ่มต้น: standard output)", "output file (default: standard output)")))
    var out: String?

    @Option(name: .long, help: ArgumentHelp(t("จำนวนตำแหน่งทศนิยมของพิกัด (0–15)", "decimals of coordinates (0–15)")))
    var precision: Int = 7

    @OptionGroup var filter: ProjectFilterOptions

    @Flag(name: .long, help: ArgumentHelp(t("รวมโครงการที่ยังไม่ปักหมุด (geometry เป็น null)",
                                             "include projects not yet pinned (null geometry)")))
    var includeUnpinned = false

    func run() throws {
        // Everything is checked before any output exists.
        let request = ExportRequest(query: try filter.query(includeUnpinned: includeUnpinned), format: format, precision: precision, outputPath: out)
        let store = try global.openStore(readOnly: true)
        let summary = try ExportProjects(store: store).run(request)
        if let out {
            printNote(t("ส่งออก \(summary.features) โครงการ (ปักหมุดแล้ว \(summary.pinned)) ไปที่ \(out)",
                        "exported \(summary.features) projects (\(summary.pinned) pinned) to \(out)"))
        }
    }
}
