import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

extension Laos {
    /// `eplan laos set CODE --vision yes|no [--on DATE] --strategies N`: the LAO facts the
    /// status report reads (the registry CSV's vision/vision_recorded_on/strategies columns
    /// set them on import).
    struct SetFacts: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "set", abstract: t("บันทึกข้อมูลของ อปท.: วิสัยทัศน์ (ทำแล้วหรือยัง และวันที่) และจำนวนยุทธศาสตร์",
                                             "set an LAO's facts: vision (recorded or not, and when) and number of strategies"))
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp(t("รหัส อปท.", "LAO code")))
        var code: String

        @Option(name: .long, help: ArgumentHelp(t("บันทึกวิสัยทัศน์แล้ว: yes หรือ no", "vision recorded: yes or no")))
        var vision: String?

        @Option(name: .long, help: ArgumentHelp(t("วันที่บันทึกวิสัยทัศน์ (ค่าเริ่มต้น: วันนี้)", "the day the vision was recorded (default: today)")))
        var on: String?

        @Option(name: .long, help: ArgumentHelp(t("จำนวนยุทธศาสตร์การพัฒนา (- = ลบ)", "number of development strategies (- clears it)")))
        var strategies: String?

        func run() throws {
            guard vision != nil || strategies != nil || on != nil else {
                throw CLIError(Message(th: "ระบุ --vision และ/หรือ --strategies", en: "give --vision and/or --strategies"))
            }
            var facts = LAOFacts()
            if let v = vision {
                guard let b = LAOFacts.bool(v) else {
                    throw CLIError(Message(th: "--vision '\(v)' ต้องเป็น yes หรือ no", en: "--vision '\(v)' must be yes or no"))
                }
                facts.vision = b
            }
            if let raw = on {
                guard let d = CalendarDate.parseLenient(raw) else {
                    throw CLIError(Message(th: "--on '\(raw)' ไม่ใช่วันที่ (เช่น 29/06/2559 หรือ 2016-06-29)",
                                           en: "--on '\(raw)' is not a date (e.g. 29/06/2559 or 2016-06-29)"))
                }
                guard facts.vision != false else {
                    throw CLIError(Message(th: "--on ใช้กับ --vision yes เท่านั้น", en: "--on goes with --vision yes only"))
                }
                if facts.vision == nil { facts.vision = true }
                facts.visionRecordedOn = d
            }
            if let s = strategies {
                if s.trimmingCharacters(in: .whitespaces) == "-" {
                    facts.strategies = .some(nil)
                } else {
                    guard let n = Int(ThaiText.asciiDigits(s).trimmingCharacters(in: .whitespaces)), n >= 0 else {
                        throw CLIError(Message(th: "--strategies '\(s)' ต้องเป็นจำนวนเต็มตั้งแต่ 0", en: "--strategies '\(s)' must be a whole number ≥ 0"))
                    }
                    facts.strategies = .some(n)
                }
            }
            let s = try LAORegistry(store: try global.openStore(), context: try global.context(by: nil)).setFacts(self.code, facts)
            let code = s.record.code
            let visionText = s.vision ? t("มีแล้ว", "recorded") + (s.record.visionRecordedOn.map { " (\($0))" } ?? "") : t("ยังไม่มี", "not recorded")
            print(t("\(s.record.displayTH) (\(code)): วิสัยทัศน์ \(visionText), ยุทธศาสตร์ \(s.record.strategies.map(String.init) ?? "—")",
                    "\(s.record.nameEN ?? s.record.displayTH) (\(code)): vision \(visionText), strategies \(s.record.strategies.map(String.init) ?? "—")"))
        }
    }
}
