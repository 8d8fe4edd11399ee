import ArgumentParser
import EPlanDomain
import Foundation

/// Options every command takes: where the store is and which language to speak.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(t("ไฟล์ฐานข้อมูล (ค่าเริ่มต้น ./eplan.sqlite หรือ $EPLAN_DB)",
                                               "database file (default ./eplan.sqlite, or $EPLAN_DB)")))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(t("ภาษาของข้อความ: th หรือ en", "message language: th or en")))
    var lang: String = Language.current.rawValue

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["EPLAN_DB"] ?? "eplan.sqlite"
    }

    func validate() throws {
        guard Language(rawValue: lang) != nil else {
            throw ValidationError(t("--lang ต้องเป็น th หรือ en (ได้ '\(lang)')", "--lang must be th or en (got '\(lang)')"))
        }
    }

    /// The language is needed before parsing (help text is bilingual), so it is read
    /// from the raw arguments first: `--lang en`, `--lang=en`, else $EPLAN_LANG.
    static func languageFromArguments(_ args: [String]) -> Language? {
        for (i, a) in args.enumerated() {
            if a == "--lang", i + 1 < args.count { return Language(rawValue: args[i + 1]) }
            if a.hasPrefix("--lang=") { return Language(rawValue: String(a.dropFirst(7))) }
        }
        return ProcessInfo.processInfo.environment["EPLAN_LANG"].flatMap(Language.init(rawValue:))
    }

    func openStore(create: Bool = false, readOnly: Bool = false) throws -> Store {
        try Store(path: databasePath, create: create, readOnly: readOnly)
    }
}
