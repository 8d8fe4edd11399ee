import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Plans: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "plans", abstract: t("แผนพัฒนาท้องถิ่นของ อปท. (ช่วงปี พ.ศ.)", "LAOs' development plans (BE year ranges)"),
                             subcommands: [Add.self, List.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "add", abstract: t("เพิ่มแผนพัฒนาของ อปท.", "add an LAO's development plan"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("รหัส อปท.", "LAO code"))) var lao: String
        @Option(name: .long, help: ArgumentHelp(t("ช่วงปี พ.ศ. เช่น 2560-2562", "BE years, e.g. 2560-2562"))) var years: String
        @Option(name: .long, help: ArgumentHelp(t("วันอนุมัติแผน", "plan approval date"))) var approved: String?

        func run() throws {
            let years = try PlanYear.beRange(self.years, field: "--years")
            let approvedOn = try approved.map { raw -> CalendarDate in
                guard let d = CalendarDate.parseLenient(raw) else {
                    throw AppError(.badInput, Message(th: "--approved: '\(raw)' ไม่ใช่วันที่ (เช่น 03/10/2559)",
                                                      en: "--approved: '\(raw)' is not a date (e.g. 03/10/2559)"), field: "--approved")
                }
                return d
            }
            let plan = try DevelopmentPlans(store: try global.openStore(), context: try global.context(by: nil))
                .add(laoCode: lao, years: years, approvedOn: approvedOn)
            print(t("เพิ่มแผนพัฒนา \(plan.years) ของ อปท. \(plan.laoCode) แล้ว", "added development plan \(plan.years) of LAO \(plan.laoCode)"))
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "list", abstract: t("รายการแผนพัฒนา", "list development plans"))
        }
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp(t("รหัส อปท.", "LAO code"))) var lao: String?
        @Option(name: .long, help: ArgumentHelp(t("รูปแบบ: text หรือ json", "format: text or json"))) var format: OutputFormat = .text

        func run() throws {
            let store = try global.openStore(readOnly: true)
            let plans = try DevelopmentPlans(store: store, context: try global.context(by: nil)).list(laoCode: lao)
            switch format {
            case .json:
                print("[" + plans.map {
                    "{\"lao_code\":\(JSONText.string($0.laoCode)),\"first_year\":\($0.firstYear),\"last_year\":\($0.lastYear),\"approved_on\":\($0.approvedOn.map(JSONText.string) ?? "null")}"
                }.joined(separator: ",") + "]")
            case .text:
                if plans.isEmpty { print(t("ไม่มีแผนพัฒนา", "no development plans")); return }
                let names = Dictionary(try store.laos().map { ($0.code, $0.displayTH) }, uniquingKeysWith: { a, _ in a })
                let rows = plans.map { [$0.laoCode, names[$0.laoCode] ?? "", $0.years, ProjectOutput.date($0.approvedOn)] }
                let header = [t("รหัส อปท.", "LAO code"), t("อปท.", "LAO"), t("ปี", "years"), t("อนุมัติ", "approved")]
                let widths = header.indices.map { i in ([header] + rows).map { TextWidth.of($0[i]) }.max() ?? 0 }
                for r in [header] + rows {
                    print(r.indices.map { TextWidth.pad(r[$0], to: widths[$0]) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
                }
            }
        }
    }
}
