import ArgumentParser
import EPlanDomain
import Foundation

struct Report: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "report",
                             abstract: t("รายงานสำหรับสำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด", "reports for the provincial local administration office"),
                             subcommands: [Status.self])
    }

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, html }

    struct Status: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: t("สถานะการบันทึกข้อมูล e-Plan ของทุก อปท. ในจังหวัด (วิสัยทัศน์ ยุทธศาสตร์ แผน 3 ปี อนุมัติ สัญญา เบิกจ่าย หมุด)",
                                             "every LAO's e-Plan data-entry status in a province (vision, strategies, 3-year plan, approvals, contracts, disbursement, pins)"))
        }

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp(t("รหัสจังหวัด เช่น 63", "province code, e.g. 63")))
        var province: String

        @Option(name: .long, help: ArgumentHelp(t("ปีแรกของแผน (พ.ศ.) เช่น 2560: คอลัมน์แผนเป็นปีนั้นและอีกสองปีถัดไป",
                                                   "first plan year (BE), e.g. 2560: the plan columns are it and the next two years")))
        var year: String

        @Option(name: .customLong("as-of"), help: ArgumentHelp(t("นับเฉพาะที่บันทึกภายในวันนี้: 2559-10-03, 03/10/2559 หรือ 2016-10-03",
                                                                  "count only what was recorded by this day: 2559-10-03, 03/10/2559 or 2016-10-03")))
        var asOf: String?

        @Option(name: .long, help: ArgumentHelp(t("รูปแบบ: text, csv (UTF-8 มี BOM) หรือ html (หน้าสำหรับพิมพ์)",
                                                   "format: text, csv (UTF-8 with BOM) or html (a page to print)")))
        var format: Format = .text

        @Option(name: .long, help: ArgumentHelp(t("เขียนลงไฟล์ (ทั้งไฟล์หรือไม่เขียนเลย)", "write to this file (all of it or nothing)")))
        var out: String?

        func run() throws {
            let y: Int
            switch PlanYear.parse(year) {
            case .year(let v): y = v
            case .christianEra(let v):
                throw CLIError(Message(th: "\(year) เป็นปี ค.ศ. ปีของแผนต้องเป็น พ.ศ. (หมายถึง \(v + 543) หรือไม่?)",
                                       en: "\(year) is a Christian-era year; plan years are Buddhist era (did you mean \(v + 543)?)"))
            case .invalid:
                throw CLIError(Message(th: "'\(year)' ไม่ใช่ปี พ.ศ. 4 หลัก (เช่น 2560)", en: "'\(year)' is not a 4-digit Buddhist-era year (e.g. 2560)"))
            }
            var date: CalendarDate? = nil
            if let raw = asOf {
                guard let d = CalendarDate.parseLenient(raw) else {
                    throw CLIError(Message(th: "--as-of '\(raw)' ไม่ใช่วันที่ (เช่น 2559-10-03, 03/10/2559 หรือ 2016-10-03)",
                                           en: "--as-of '\(raw)' is not a date (e.g. 2559-10-03, 03/10/2559 or 2016-10-03)"))
                }
                date = d
            }
            let code = ThaiText.asciiDigits(province.trimmingCharacters(in: .whitespaces))
            let store = try global.openStore(readOnly: true)
            let report = try StatusReport.make(store: store, provinceCode: code, year: y, asOf: date)
            let lang = Language.current
            let text: String
            switch format {
            case .text: text = StatusReportFormat.text(report, lang)
            case .csv: text = StatusReportFormat.csv(report, lang)
            case .html: text = StatusReportFormat.html(report, lang)
            }
            if let out {
                try AtomicFile.write(text, to: out)
                printNote(t("เขียน \(out) แล้ว (\(report.rows.count) อปท.)", "wrote \(out) (\(report.rows.count) LAOs)"))
            } else {
                print(text, terminator: "")
            }
        }
    }
}
