import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Report: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "report",
                             abstract: t("รายงานสำหรับสำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด", "reports for the provincial local administration office"),
                             subcommands: [Status.self])
    }

    typealias Format = StatusReportRequest.Format

    struct Status: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "status", abstract: t("สถานะการบันทึกข้อมูล e-Plan ของทุก อปท. ในจังหวัด (วิสัยทัศน์ ยุทธศาสตร์ แผน 3 ปี อนุมัติ สัญญา เบิกจ่าย หมุด)",
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
            let request = StatusReportRequest(provinceCode: province, year: try PlanYear.be(year, field: "--year"),
                                              asOf: try asOf.map { try StatusReportRequest.asOfDate($0, field: "--as-of") })
            let store = try global.openStore(readOnly: true)
            let report = try MakeStatusReport(store: store).run(request)
            let text = MakeStatusReport.render(report, as: format, Language.current)
            if let out {
                try AtomicFile.write(text, to: out)
                printNote(t("เขียน \(out) แล้ว (\(report.rows.count) อปท.)", "wrote \(out) (\(report.rows.count) LAOs)"))
            } else {
                print(text, terminator: "")
            }
        }
    }
}

extension StatusReportRequest.Format: ExpressibleByArgument {}
