import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Laos: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "laos",
                             abstract: t("ทะเบียน อปท. (อบจ. เทศบาล อบต.) และเขตพื้นที่", "the LAO registry (อบจ., municipalities, อบต.) and jurisdictions"),
                             subcommands: [Import.self, List.self, Show.self, SetFacts.self])
    }

    struct Import: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "import", abstract: t("นำเข้า อปท. จาก CSV (เขตคำนวณจากตำบล) หรือ GeoJSON (เขตเป็นรูปหลายเหลี่ยม) ทั้งหมดหรือไม่นำเข้าเลย",
                                             "import LAOs from CSV (jurisdiction derived from tambons) or GeoJSON (polygons), all or nothing"))
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp(t("ไฟล์ CSV หรือ GeoJSON", "CSV or GeoJSON file")))
        var file: String

        @Option(name: .long, help: ArgumentHelp(t("GeoJSON พื้นที่ของเทศบาลที่ครอบคลุมบางส่วนของตำบล (lao_code, synthetic)",
                                                   "GeoJSON areas of municipalities covering part of a tambon (lao_code, synthetic)")))
        var areas: String?

        @Flag(name: .long, help: ArgumentHelp(t("ปรับปรุง อปท. ที่มีรหัสอยู่แล้ว", "update LAOs whose code is already in the store")))
        var replace = false

        func run() throws {
            let report = try LAORegistry(store: try global.openStore(), context: try global.context(by: nil))
                .importFile(file, areasPath: areas, replace: replace)
            printLAOImportSummary(report)
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "list", abstract: t("รายชื่อ อปท.", "list LAOs"))
        }

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp(t("รหัสจังหวัด เช่น 63", "province code, e.g. 63")))
        var province: String?

        @Option(name: .long, help: ArgumentHelp(t("รหัสอำเภอ เช่น 6306", "amphoe code, e.g. 6306")))
        var amphoe: String?

        @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text, json หรือ csv", "output format: text, json or csv")))
        var format: ListFormat = .text

        func run() throws {
            let list = try LAORegistry(store: try global.openStore(readOnly: true), context: try global.context(by: nil))
                .list(provinceCode: province, amphoeCode: amphoe)
            switch format {
            case .json: print("[" + list.map(LAOOutput.json).joined(separator: ",\n") + "]")
            case .csv: print(LAOOutput.csv(list), terminator: "")
            case .text: print(LAOOutput.table(list))
            }
        }
    }

    struct Show: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "show", abstract: t("รายละเอียดของ อปท. หนึ่งแห่ง", "one LAO in full"))
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp(t("รหัส อปท.", "LAO code")))
        var code: String

        @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text หรือ json", "output format: text or json")))
        var format: OutputFormat = .text

        func run() throws {
            let s = try LAORegistry(store: try global.openStore(readOnly: true), context: try global.context(by: nil)).show(code)
            switch format {
            case .json: print(LAOOutput.json(s))
            case .text: print(LAOOutput.detail(s))
            }
        }
    }
}

func printLAOImportSummary(_ r: LAORegistryReport) {
    let syn = r.synthetic.isEmpty ? "" : t(", พื้นที่สังเคราะห์ \(r.synthetic.count)", ", \(r.synthetic.count) synthetic")
    print(t("นำเข้า อปท. \(r.count) แห่ง (ใหม่ \(r.inserted.count), ปรับปรุง \(r.replaced.count)\(syn), แผนพัฒนา \(r.plans)) จาก \(r.source)",
            "imported \(r.count) LAOs (\(r.inserted.count) new, \(r.replaced.count) updated\(syn), \(r.plans) development plans) from \(r.source)"))
}

enum LAOOutput {
    static func km2(_ m2: Double) -> String { String(format: "%.2f", m2 / 1e6) }

    static func typeLabel(_ type: LAOType) -> String { t(type.shortTH, type.nameEN) }

    static func table(_ list: [LAOSummary]) -> String {
        let header = [t("รหัส", "code"), t("ชื่อ", "name"), t("ประเภท", "type"), t("อำเภอ", "amphoe"),
                      t("ตำบล", "tambons"), t("พื้นที่ กม.²", "area km²"), ""]
        var rows = [header]
        for s in list {
            let r = s.record
            rows.append([r.code, Language.current == .th ? r.displayTH : (r.nameEN ?? r.displayTH), typeLabel(r.type),
                         s.amphoe.map { Language.current == .th || $0.en.isEmpty ? $0.th : $0.en } ?? "—",
                         "\(r.tambons.count)", km2(s.areaSquareMetres),
                         r.synthetic ? t(LAOSummary.syntheticMark, "≈ synthetic") : ""])
        }
        let widths = (0..<header.count).map { c in rows.map { TextWidth.of($0[c]) }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { c, cell in TextWidth.pad(cell, to: widths[c], right: c == 4 || c == 5) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        lines.append(t("รวม \(list.count) แห่ง", "\(list.count) LAOs"))
        if list.contains(where: \.record.synthetic) {
            lines.append(t("≈ สังเคราะห์ = \(LAOSummary.syntheticNote.th)", "≈ synthetic = \(LAOSummary.syntheticNote.en)"))
        }
        return lines.joined(separator: "\n")
    }

    static func detail(_ s: LAOSummary) -> String {
        let r = s.record
        var lines: [String] = []
        var pairs: [(String, String)] = [
            (t("รหัส", "code"), r.code),
            (t("ชื่อ", "name"), r.nameTH),
            (t("ชื่อย่อ", "short name"), r.shortTH ?? "—"),
            (t("ชื่ออังกฤษ", "English name"), r.nameEN ?? "—"),
            (t("ประเภท", "type"), "\(r.type.shortTH) (\(r.type.nameEN))"),
            (t("จังหวัด", "province"), r.provinceCode),
            (t("อำเภอ", "amphoe"), r.amphoeCode.map { c in "\(c)" + (s.amphoe.map { " \($0.th)" } ?? "") } ?? "—"),
            (t("เขตพื้นที่", "coverage"), coverageText(r.coverage)),
            (t("พื้นที่", "area"), km2(s.areaSquareMetres) + t(" ตร.กม.", " km²")),
            (t("สังเคราะห์", "synthetic"), r.synthetic ? t("ใช่ — \(LAOSummary.syntheticNote.th)", "yes — \(LAOSummary.syntheticNote.en) (\(LAOSummary.syntheticNote.th))") : t("ไม่ใช่", "no")),
            (t("วิสัยทัศน์", "vision"), s.vision ? t("มีแล้ว", "recorded") + (r.visionRecordedOn.map { " (\($0))" } ?? "") : t("ยังไม่มี", "not recorded")),
            (t("ยุทธศาสตร์", "strategies"), r.strategies.map(String.init) ?? "—"),
        ]
        for p in s.plans {
            let approval = p.approved ? t("อนุมัติแล้ว", "approved") + (p.approvedOn.map { " \($0)" } ?? t(" (ไม่ทราบวันที่)", " (date unknown)"))
                                      : t("ยังไม่อนุมัติ", "not approved")
            pairs.append((t("แผนพัฒนา", "development plan"), "\(p.firstYear)–\(p.lastYear) \(approval)"))
        }
        pairs.append((t("ที่มา", "source"), r.source ?? "—"))
        let width = pairs.map { TextWidth.of($0.0) }.max() ?? 0
        lines = pairs.map { TextWidth.pad($0.0, to: width) + "  " + $0.1 }
        lines.append(t("ตำบล (\(r.tambons.count)):", "tambons (\(r.tambons.count)):"))
        for tb in r.tambons {
            let name = s.tambonNames[tb.code].map { Language.current == .th || $0.en.isEmpty ? $0.th : "\($0.en) (\($0.th))" } ?? "?"
            lines.append("  \(tb.code) \(name) " + (tb.whole ? t("ทั้งตำบล", "whole") : t("บางส่วน", "part")))
        }
        return lines.joined(separator: "\n")
    }

    static func coverageText(_ c: LAOCoverage) -> String {
        switch c {
        case .province: return t("ทั้งจังหวัด (province)", "the province (province)")
        case .whole: return t("ทั้งตำบล หักเทศบาลในตำบล (whole)", "whole tambons less municipalities in them (whole)")
        case .part: return t("บางส่วนของตำบล (part)", "part of tambons (part)")
        case .polygon: return t("รูปหลายเหลี่ยมที่นำเข้า (polygon)", "imported polygons (polygon)")
        }
    }

    static func json(_ s: LAOSummary) -> String {
        let r = s.record
        func str(_ v: String?) -> String { v.map(JSONText.string) ?? "null" }
        let tambons = r.tambons.map { tb in
            "{\"code\":\(JSONText.string(tb.code)),\"name_th\":\(str(s.tambonNames[tb.code]?.th)),\"name_en\":\(str(s.tambonNames[tb.code]?.en)),\"whole\":\(tb.whole)}"
        }.joined(separator: ",")
        let plans = s.plans.map { p in
            "{\"first_year\":\(p.firstYear),\"last_year\":\(p.lastYear),\"approved\":\(p.approved),\"approved_on\":\(str(p.approvedOn))}"
        }.joined(separator: ",")
        var fields = [
            "\"code\":\(JSONText.string(r.code))", "\"type\":\(JSONText.string(r.type.rawValue))",
            "\"type_th\":\(JSONText.string(r.type.shortTH))", "\"name_th\":\(JSONText.string(r.nameTH))",
            "\"short_th\":\(str(r.shortTH))", "\"name_en\":\(str(r.nameEN))",
            "\"amphoe_code\":\(str(r.amphoeCode))", "\"amphoe_th\":\(str(s.amphoe?.th))",
            "\"province_code\":\(JSONText.string(r.provinceCode))", "\"coverage\":\(JSONText.string(r.coverage.rawValue))",
            "\"area_m2\":\(JSONText.number(s.areaSquareMetres, decimals: 0))",
            "\"area_km2\":\(JSONText.number(s.areaSquareMetres / 1e6, decimals: 3))",
            "\"synthetic\":\(r.synthetic)",
        ]
        if r.synthetic { fields.append("\"synthetic_note\":\(JSONText.string(LAOSummary.syntheticNote.th + " / " + LAOSummary.syntheticNote.en))") }
        fields += ["\"vision\":\(s.vision)", "\"vision_recorded_on\":\(str(r.visionRecordedOn))",
                   "\"strategies\":\(r.strategies.map(String.init) ?? "null")", "\"source\":\(str(r.source))",
                   "\"tambons\":[\(tambons)]", "\"dev_plans\":[\(plans)]"]
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func csv(_ list: [LAOSummary]) -> String {
        let q = CSVTable.quote
        var out = "code,type,name_th,short_th,name_en,amphoe_code,province_code,tambons,coverage,area_km2,synthetic\n"
        for s in list {
            let r = s.record
            out += [r.code, r.type.shortTH, r.nameTH, r.shortTH ?? "", r.nameEN ?? "", r.amphoeCode ?? "", r.provinceCode,
                    r.tambons.map(\.code).joined(separator: " "), r.coverage.rawValue,
                    JSONText.number(s.areaSquareMetres / 1e6, decimals: 3), r.synthetic ? "yes" : "no"].map(q).joined(separator: ",") + "\n"
        }
        return out
    }
}
