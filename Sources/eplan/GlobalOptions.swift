import ArgumentParser
import EPlanApp
import EPlanDomain
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Options every command takes: where the store is and which language to speak.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(t("ไฟล์ฐานข้อมูล หรือ postgresql://ผู้ใช้@เครื่อง/ฐานข้อมูล (ค่าเริ่มต้น ./eplan.sqlite หรือ $EPLAN_DB)",
                                               "database file, or postgresql://user@host/dbname (default ./eplan.sqlite, or $EPLAN_DB)")))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(t("ภาษาของข้อความ: th หรือ en", "message language: th or en")))
    var lang: String = Language.current.rawValue

    var databasePath: String {
        db ?? GlobalOptions.databaseOverride ?? ProcessInfo.processInfo.environment["EPLAN_DB"] ?? "eplan.sqlite"
    }

    func validate() throws {
        guard Language(rawValue: lang) != nil else {
            throw ValidationError(t("--lang ต้องเป็น th หรือ en (ได้ '\(lang)')", "--lang must be th or en (got '\(lang)')"))
        }
    }

    /// Set from `--db` wherever it stood on the command line.
    /// nonisolated(unsafe): written once in `main` before any command runs, then only read.
    nonisolated(unsafe) static var databaseOverride: String?

    /// Takes `--lang X`, `--lang=X`, `--db X` and `--db=X` out of the arguments. The
    /// language is needed before parsing (help text is bilingual), and both options are
    /// global, so they may stand before the subcommand too. An unknown language is left
    /// in place for the parser to refuse.
    static func extractGlobals(_ args: [String]) -> (rest: [String], language: Language?, db: String?) {
        var rest: [String] = []
        var language: Language? = nil
        var db: String? = nil
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { rest.append(contentsOf: args[i...]); break }
            if a == "--lang", i + 1 < args.count, let l = Language(rawValue: args[i + 1]) {
                language = l; i += 2; continue
            }
            if a.hasPrefix("--lang="), let l = Language(rawValue: String(a.dropFirst(7))) {
                language = l; i += 1; continue
            }
            if a == "--db", i + 1 < args.count { db = args[i + 1]; i += 2; continue }
            if a.hasPrefix("--db=") { db = String(a.dropFirst(5)); i += 1; continue }
            rest.append(a); i += 1
        }
        return (rest, language, db)
    }

    static func languageFromEnvironment() -> Language? {
        ProcessInfo.processInfo.environment["EPLAN_LANG"].flatMap(Language.init(rawValue:))
    }

    /// `--db` / `EPLAN_DB` parsed once: an SQLite file or a PostgreSQL database.
    var location: StoreLocation { get throws { try StoreLocation.parse(databasePath) } }

    /// Opens the store, SQLite or PostgreSQL (every command comes through here).
    func openStore(create: Bool = false, readOnly: Bool = false) throws -> any AnyStore {
        let location = try self.location
        guard case .sqlite = location else {
            do {
                return try location.open(readOnly: readOnly, create: create)
            } catch let e as StoreError {
                // As for a file: a store from an older eplan is upgraded on first use.
                guard readOnly, case .needsMigration = e.kind else { throw e }
                _ = try location.open(readOnly: false, create: false)
                return try location.open(readOnly: true, create: false)
            }
        }
        return try openSQLite(create: create, readOnly: readOnly)
    }

    /// How long a writing command waits for the file's write lock (ms). The service answers
    /// within SQLite's default 5 s (then 503: a client retries); a person or a script at the
    /// command line would rather wait than redo the command: under the service's load or
    /// dozens of `eplan pin` at once, 5 s of SQLite's polling can be lost to other writers.
    static let commandLineLockWait: Int32 = 30_000

    /// Opens the SQLite store (a file that is not one is refused unchanged, exit 3), upgrading an
    /// older one first. Files a killed `eplan init` or export left beside it are removed on the way.
    func openSQLite(create: Bool = false, readOnly: Bool = false) throws -> Store {
        if !databasePath.isEmpty, let target = AtomicFile.resolvingLinks(databasePath) {
            StaleFiles.removeLeftovers(of: target)
        }
        do {
            let store = try Store(path: databasePath, readOnly: readOnly, create: create)
            if !readOnly { store.database.waitForLocks(milliseconds: GlobalOptions.commandLineLockWait) }
            return store
        } catch let e as StoreError {
            // A store from an older eplan is upgraded on first use, even by a reading command.
            guard readOnly, case .needsMigration = e.kind else { throw e }
            _ = try Store(path: databasePath, readOnly: false, create: false)
            return try Store(path: databasePath, readOnly: true, create: false)
        }
    }

    /// The person at this command line as the use cases' actor: `--by`, else `$EPLAN_USER`,
    /// else the OS account.
    func context(by: String?) throws -> RequestContext {
        RequestContext(actor: try Actor.local(by ?? GlobalOptions.osUser()), language: Language.current)
    }

    static func osUser() -> String {
        if let name = ProcessInfo.processInfo.environment["EPLAN_USER"], !name.isEmpty { return name }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name {
            let s = String(cString: name)
            if !s.isEmpty { return s }
        }
        return ProcessInfo.processInfo.environment["USER"] ?? "eplan"
    }
}
