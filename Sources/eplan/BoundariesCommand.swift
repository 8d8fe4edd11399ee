import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Boundaries: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "boundaries", abstract: t("ขอบเขตการปกครอง (จังหวัด อำเภอ ตำบล)", "administrative boundaries (province, amphoe, tambon)"),
                             subcommands: [Import.self, Repair.self])
    }

    struct Import: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "import", abstract: t("นำเข้าขอบเขตจากไฟล์ GeoJSON (แทนที่ระดับนั้นทั้งหมด)",
                                             "import boundaries from a GeoJSON file (replaces that level whole)"))
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp(t("ไฟล์ GeoJSON FeatureCollection", "GeoJSON FeatureCollection file")))
        var file: String

        @Option(name: .long, help: ArgumentHelp(t("ระดับ: province, amphoe หรือ tambon", "level: province, amphoe or tambon")))
        var level: String

        @Flag(name: .long, help: ArgumentHelp(t("ปฏิเสธทั้งไฟล์ถ้ามีรูปเรขาคณิตไม่ถูกต้อง", "refuse the whole file if any geometry is invalid")))
        var strict = false

        @Flag(name: .long, help: ArgumentHelp(t("ยอมให้หน่วยที่ไม่มีในไฟล์หายไปจากฐานข้อมูล", "let units the file does not have disappear from the store")))
        var replace = false

        @Option(name: .long, help: ArgumentHelp(t("ฟิลด์รหัส", "code field")))
        var fieldCode: String?
        @Option(name: .long, help: ArgumentHelp(t("ฟิลด์รหัสหน่วยแม่ (อำเภอของตำบล, จังหวัดของอำเภอ)", "parent code field (a tambon's amphoe, an amphoe's province)")))
        var fieldParent: String?
        @Option(name: .long, help: ArgumentHelp(t("ฟิลด์รหัสจังหวัด", "province code field")))
        var fieldProvince: String?
        @Option(name: .long, help: ArgumentHelp(t("ฟิลด์ชื่อภาษาไทย", "Thai name field")))
        var fieldNameTh: String?
        @Option(name: .long, help: ArgumentHelp(t("ฟิลด์ชื่อภาษาอังกฤษ", "English name field")))
        var fieldNameEn: String?

        func run() throws {
            let lvl = try BoundaryMaintenance.levels(level, field: "--level", allowAll: false)[0]
            var fields = BoundaryFields.defaults(for: lvl)
            if let f = fieldCode { fields.code = f }
            if let f = fieldParent { fields.parentCode = f }
            if let f = fieldProvince { fields.provinceCode = f }
            if let f = fieldNameTh { fields.nameTH = f }
            if let f = fieldNameEn { fields.nameEN = f }
            let request = BoundaryMaintenance.ImportRequest(path: file, level: lvl, fields: fields, strict: strict, replace: replace)
            let report = try BoundaryMaintenance(store: try global.openStore(), context: try global.context(by: nil))
                .importFile(request, confirm: { plan in Progress.finish(); printNote(plan.summary.text(Language.current)) },
                            progress: Progress.reporter(level: lvl))
            Progress.finish()
            printImportSummary(report)
        }
    }
}
