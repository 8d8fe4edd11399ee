import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Projects: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "projects", abstract: t("โครงการตามแผนพัฒนา: นำเข้า แสดง ปรับสถานะ", "development-plan projects: import, list, show, update stages"),
                             subcommands: [Import.self, Template.self, List.self, Show.self, Update.self])
    }

    struct Import: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "import", abstract: t("นำเข้าโครงการจากไฟล์ CSV (ทั้งไฟล์หรือไม่นำเข้าเลย)",
                                             "import projects from a CSV file (all or nothing)"),
                                 discussion: t("คอลัมน์: ดู README หรือ eplan projects template", "columns: see the README or eplan projects template"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ไฟล์ CSV (UTF-8)", "CSV file (UTF-8)"))) var file: String
        @Flag(name: .long, help: ArgumentHelp(t("นำเข้าเฉพาะบรรทัดที่ถูกต้อง บรรทัดที่ผิดเขียนลงไฟล์ rejects", "import the good lines only; write the bad ones to a rejects file")))
        var skipBad = false
        @Option(name: .long, help: ArgumentHelp(t("ไฟล์บรรทัดที่ไม่นำเข้า (ค่าเริ่มต้น FILE.rejects.csv)", "rejects file (default FILE.rejects.csv)")))
        var rejects: String?
        @Flag(name: .long, help: ArgumentHelp(t("แทนที่โครงการที่มีรหัสเดียวกันอยู่แล้ว", "replace projects already stored with the same code")))
        var replace = false
        @Option(name: .long, help: ArgumentHelp(t("ชื่อผู้นำเข้า (บันทึกในประวัติ)", "who imports (recorded in the stage log)")))
        var by: String?

        func run() throws {
            let request = ImportProjects.Request(path: file, skipBad: skipBad, rejectsPath: rejects, replace: replace)
            let report = try ImportProjects(store: try global.openStore(), context: try global.context(by: by)).run(request)
            for w in report.warnings { printNote(w.text()) }
            print(t("นำเข้า \(report.inserted + report.replaced) โครงการจาก \(report.path)" + (report.replaced > 0 ? " (แทนที่ \(report.replaced))" : ""),
                    "imported \(report.inserted + report.replaced) projects from \(report.path)" + (report.replaced > 0 ? " (\(report.replaced) replaced)" : "")))
            if let r = report.rejectsPath {
                for e in report.errors { printNote(e.text()) }
                print(t("ไม่นำเข้า \(report.rejectedLines) บรรทัด พร้อมเหตุผลใน \(r)", "\(report.rejectedLines) lines not imported; they are in \(r) with reasons"))
            }
        }
    }

    struct Template: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "template", abstract: t("เขียนไฟล์ CSV หัวตารางเปล่า (หัวภาษาไทย; --lang en เป็นภาษาอังกฤษ)",
                                             "write a header-only CSV (Thai headers; English with --lang en)"))
        }
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp(t("ไฟล์ที่จะเขียน (ค่าเริ่มต้น: หน้าจอ)", "file to write (default: standard output)")))
        var out: String?

        func run() throws {
            let text = ProjectColumn.template(Language.current)
            if let out {
                try AtomicFile.write(text, to: out)
                printNote(t("เขียน \(out) แล้ว", "wrote \(out)"))
            } else {
                print(text, terminator: "")
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "list", abstract: t("รายการโครงการ", "list projects"))
        }
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: ProjectFilterOptions
        @Option(name: .long, help: ArgumentHelp(t("รูปแบบ: text, json หรือ csv", "format: text, json or csv"))) var format: ListFormat = .text

        func run() throws {
            let query = try filter.query()
            let store = try global.openStore(readOnly: true)
            let projects = try ListProjects(store: store).run(query)
            let names = Dictionary(try store.laos().map { ($0.code, $0.displayTH) }, uniquingKeysWith: { a, _ in a })
            switch format {
            case .json: print("[" + projects.map { ProjectOutput.json($0, laoName: names[$0.laoCode]) }.joined(separator: ",\n") + "]")
            case .csv: print(ProjectOutput.csv(projects), terminator: "")
            case .text: print(ProjectOutput.table(projects, names: names))
            }
        }
    }

    struct Show: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "show", abstract: t("รายละเอียดโครงการและประวัติการปรับสถานะ", "a project's details and stage history"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("รหัสโครงการ", "project code"))) var code: String
        @Option(name: .long, help: ArgumentHelp(t("รูปแบบ: text หรือ json", "format: text or json"))) var format: OutputFormat = .text

        func run() throws {
            let shown = try ShowProject(store: try global.openStore(readOnly: true)).run(code: code)
            let (p, lao, log) = (shown.project, shown.lao, shown.log)
            switch format {
            case .json: print(ProjectOutput.json(p, laoName: lao?.displayTH, log: log))
            case .text: print(ProjectOutput.detail(p, lao: lao, log: log))
            }
        }
    }

    struct Update: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "update", abstract: t("ปรับสถานะโครงการ (บันทึกทุกการเปลี่ยนแปลง)", "update a project's stages (every change is logged)"),
                                 discussion: t("วันที่เป็น พ.ศ. หรือ ค.ศ. ก็ได้ เช่น 03/10/2559; ใส่ - เพื่อล้างค่า",
                                               "dates in BE or CE, e.g. 03/10/2559; - clears a value"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("รหัสโครงการ", "project code"))) var code: String
        @Option(name: .long, help: ArgumentHelp(t("วันอนุมัติแผน", "plan approval date"))) var planApproved: String?
        @Option(name: .long, help: ArgumentHelp(t("วันอนุมัติงบประมาณ", "budget approval date"))) var budgetApproved: String?
        @Option(name: .long, help: ArgumentHelp(t("วันลงนามสัญญา", "contract signing date"))) var contractSigned: String?
        @Option(name: .long, help: ArgumentHelp(t("วงเงินสัญญา (บาท)", "contract amount (baht)"))) var contractAmount: String?
        @Option(name: .long, help: ArgumentHelp(t("เบิกจ่ายสะสม (บาท)", "amount disbursed so far (baht)"))) var disbursed: String?
        @Option(name: .long, help: ArgumentHelp(t("วันเบิกจ่าย", "disbursement date"))) var disbursedOn: String?
        @Option(name: .long, help: ArgumentHelp(t("ความก้าวหน้า (%)", "progress (%)"))) var progress: String?
        @Option(name: .long, help: ArgumentHelp(t("วันแล้วเสร็จ (ความก้าวหน้าเป็น 100% ถ้าไม่ระบุ --progress)", "completion date (sets progress to 100% unless --progress is given)"))) var completed: String?
        @Option(name: .long, help: ArgumentHelp(t("ชื่อผู้ปรับ (ค่าเริ่มต้น $USER)", "who makes the change (default $USER)"))) var by: String?

        func run() throws {
            let input = ProjectStageInput(planApproved: planApproved, budgetApproved: budgetApproved, contractSigned: contractSigned,
                                          contractAmount: contractAmount, disbursed: disbursed, disbursedOn: disbursedOn,
                                          progress: progress, completed: completed)
            let result = try UpdateProjectStages(store: try global.openStore(), context: try global.context(by: by)).run(code: code, input)
            let (code, log, warnings) = (result.code, result.log, result.warnings)
            for w in warnings { printNote(t("คำเตือน: ", "warning: ") + w.text()) }
            if log.isEmpty { print(t("โครงการ \(code): ไม่มีค่าใดเปลี่ยน", "project \(code): nothing changed")); return }
            print(t("ปรับโครงการ \(code) แล้ว:", "updated project \(code):"))
            for e in log { print("  \(ProjectOutput.fieldLabel(e.field)): \(e.oldValue ?? "—") → \(e.newValue ?? "—")") }
        }
    }
}



enum ProjectOutput {
    static func kind(_ k: ProjectKind) -> String { t(k.labelTH, k.labelEN) }
    static func funding(_ f: FundingSource?) -> String { f.map { t($0.labelTH, $0.labelEN) } ?? "" }
    static func stage(_ s: ProjectStage) -> String { t(s.labelTH, s.labelEN) }
    static func date(_ iso: String?) -> String {
        guard let iso else { return "—" }
        return CalendarDate(iso: iso)?.display() ?? iso
    }
    static func money(_ v: Double?) -> String { v.map(ThaiText.baht) ?? "—" }

    static func fieldLabel(_ field: String) -> String {
        guard let c = ProjectColumn(rawValue: field) else { return field }
        return c.header(Language.current)
    }

    static func table(_ ps: [ProjectRecord], names: [String: String]) -> String {
        if ps.isEmpty { return t("ไม่มีโครงการ", "no projects") }
        let header = [t("รหัส", "code"), t("อปท.", "LAO"), t("ปี", "year"), t("ชื่อโครงการ", "name"),
                      t("ประเภท", "kind"), t("งบประมาณ (บาท)", "budget (baht)"), t("ขั้น", "stage")]
        func clip(_ s: String, _ w: Int) -> String {
            if TextWidth.of(s) <= w { return s }
            var out = ""
            for ch in s { if TextWidth.of(out + String(ch)) > w - 1 { break }; out.append(ch) }
            return out + "…"
        }
        var rows = ps.map { p in
            [p.code, names[p.laoCode] ?? p.laoCode, "\(p.planYear)", clip(p.nameTH, 48), kind(p.kind), money(p.budget), stage(p.stage)]
        }
        let total = ps.compactMap(\.budget).reduce(0, +)
        rows.append(["", "", "", t("รวม \(ps.count) โครงการ", "\(ps.count) projects"), "", ThaiText.baht(total), ""])
        let widths = header.indices.map { i in ([header] + rows).map { TextWidth.of($0[i]) }.max() ?? 0 }
        func line(_ r: [String]) -> String {
            var s = r.indices.map { TextWidth.pad(r[$0], to: widths[$0], right: $0 == 5 || $0 == 2) }.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.dropLast().map(line)
        out.append(line(rows.last!))
        return out.joined(separator: "\n")
    }

    static func csv(_ ps: [ProjectRecord]) -> String {
        let cols = ProjectColumn.allCases.filter { $0 != .note }
        var out = "\u{FEFF}" + CSVTable.line(cols.map { $0.header(Language.current) }) + "\r\n"
        func num(_ v: Double?) -> String { v.map { JSONText.number($0, decimals: 2) } ?? "" }
        for p in ps {
            let values: [String] = cols.map { c in
                switch c {
                case .code: return p.code
                case .laoCode: return p.laoCode
                case .planYear: return "\(p.planYear)"
                case .name: return p.nameTH
                case .strategy: return p.strategy ?? ""
                case .kind: return kind(p.kind)
                case .budget: return num(p.budget)
                case .funding: return funding(p.funding)
                case .planApprovedOn: return p.planApprovedOn ?? ""
                case .budgetApprovedOn: return p.budgetApprovedOn ?? ""
                case .contractSignedOn: return p.contractSignedOn ?? ""
                case .contractAmount: return num(p.contractAmount)
                case .disbursedAmount: return num(p.disbursedAmount)
                case .disbursedOn: return p.disbursedOn ?? ""
                case .progress: return num(p.progress)
                case .completedOn: return p.completedOn ?? ""
                case .recordedOn: return p.recordedOn ?? ""
                case .synthetic: return p.synthetic ? t("ใช่", "yes") : ""
                case .note: return ""
                }
            }
            out += CSVTable.line(values) + "\r\n"
        }
        return out
    }

    static func json(_ p: ProjectRecord, laoName: String?, log: [ProjectStageLogEntry]? = nil) -> String {
        p.json(laoName: laoName, log: log)
    }

    static func detail(_ p: ProjectRecord, lao: LAORecord?, log: [ProjectStageLogEntry]) -> String {
        let rows: [(String, String)] = [
            (t("รหัสโครงการ", "code"), p.code),
            (t("ชื่อโครงการ", "name"), p.nameTH + (p.synthetic ? t(" (ข้อมูลสมมุติ)", " (synthetic)") : "")),
            (t("อปท.", "LAO"), lao.map { "\($0.displayTH) (\(p.laoCode))" } ?? p.laoCode),
            (t("ปีงบประมาณ", "plan year"), "\(p.planYear)"),
            (t("ยุทธศาสตร์", "strategy"), p.strategy ?? "—"),
            (t("ประเภทงาน", "kind"), kind(p.kind) + t(" (หมุดแบบ \(p.kind.expectedGeometry.rawValue))", " (pinned as a \(p.kind.expectedGeometry.rawValue))")),
            (t("งบประมาณ", "budget"), money(p.budget) + t(" บาท", " baht")),
            (t("แหล่งเงิน", "funding"), p.funding == nil ? "—" : funding(p.funding)),
            (t("อนุมัติแผน", "plan approved"), date(p.planApprovedOn)),
            (t("อนุมัติงบประมาณ", "budget approved"), date(p.budgetApprovedOn)),
            (t("ลงนามสัญญา", "contract signed"), date(p.contractSignedOn) + (p.contractAmount.map { t(" วงเงิน ", ", amount ") + ThaiText.baht($0) + t(" บาท", " baht") } ?? "")),
            (t("เบิกจ่าย", "disbursed"), p.disbursedAmount.map { ThaiText.baht($0) + t(" บาท", " baht") + (p.disbursedOn.map { " (\(date($0)))" } ?? "") } ?? "—"),
            (t("ความก้าวหน้า", "progress"), p.progress.map { JSONText.number($0, decimals: 2) + "%" } ?? "—"),
            (t("แล้วเสร็จ", "completed"), date(p.completedOn)),
            (t("ขั้น", "stage"), stage(p.stage)),
        ]
        let w = rows.map { TextWidth.of($0.0) }.max() ?? 0
        var out = rows.map { TextWidth.pad($0.0, to: w) + "  " + $0.1 }
        if !log.isEmpty {
            out.append(t("ประวัติการปรับสถานะ:", "stage history:"))
            for e in log {
                out.append("  \(e.changedAt)  \(e.changedBy)  \(fieldLabel(e.field)): \(e.oldValue ?? "—") → \(e.newValue ?? "—")")
            }
        }
        return out.joined(separator: "\n")
    }
}
