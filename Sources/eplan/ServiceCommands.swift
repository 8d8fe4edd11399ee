import ArgumentParser
import EPlanApp
import EPlanDomain
import EPlanServer
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `eplan serve`: the HTTP service on the store, until SIGTERM or SIGINT.
struct Serve: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "serve", abstract: t("ให้บริการ HTTP (API สำหรับปักหมุดด้วยบัญชีผู้ใช้) บนฐานข้อมูลนี้",
                                         "run the HTTP service (the pin API with accounts) on this store"),
                             discussion: t("พิมพ์ที่อยู่ที่รับฟังเมื่อพร้อม (พอร์ต 0 = ให้ระบบเลือก) หยุดด้วย SIGTERM หรือ Ctrl-C",
                                           "Prints the address it listens on once ready (port 0: the system picks one). Stop with SIGTERM or Ctrl-C."))
    }

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: ArgumentHelp(t("ที่อยู่ HOST:PORT ที่รับฟัง", "HOST:PORT to listen on")))
    var listen = "127.0.0.1:8080"
    @Option(name: .long, help: ArgumentHelp(t("ที่อยู่ที่ผู้ใช้เข้าถึงบริการ (https ทำให้คุกกี้เป็น Secure)", "the URL users reach the service at (https makes the cookie Secure)")))
    var publicURL: String?
    @Option(name: .long, help: ArgumentHelp(t("วินาทีที่การเชื่อมต่อใหม่ต้องส่งส่วนหัวคำขอแรกให้ครบ (ค่าเริ่มต้น 10)",
                                               "seconds a new connection has to send its first request's headers (default 10)")))
    var headerTimeout: Double = 10
    @Option(name: .long, help: ArgumentHelp(t("วินาทีที่การเชื่อมต่อซึ่งไม่มีคำขอถูกปิด (ค่าเริ่มต้น 60)",
                                               "seconds after which a connection without requests is closed (default 60)")))
    var idleTimeout: Double = 60
    @Flag(name: .long, help: ArgumentHelp(t("ให้อ่านชุดข้อมูล OGC API (/ogc) ได้โดยไม่ต้องเข้าสู่ระบบ (แผนพัฒนาเป็นเอกสารสาธารณะ)",
                                           "open read access to the OGC API collections (/ogc) without login (development plans are public records)")))
    var publicRead = false
    @Option(name: .long, help: ArgumentHelp(t("วินาทีที่เชื่อโทเค็นหรือรหัสผ่าน Basic ที่ตรวจแล้วโดยไม่ตรวจซ้ำ (ค่าเริ่มต้น 10, 0 ถึง 30): นานที่สุดที่โทเค็นที่ถูกเพิกถอนหรือบัญชีที่ถูกระงับยังใช้ได้",
                                               "seconds a verified bearer token or Basic password is trusted without checking again (default 10, 0 to 30): the longest a revoked token or a disabled account still works")))
    var credentialCache: Double = 10
    @Option(name: .long, help: ArgumentHelp(t("จำนวนหน้ารายการ OGC ที่ทำไว้ล่วงหน้าให้ไคลเอนต์ที่ไล่ตามลิงก์ next (ค่าเริ่มต้น 8, 0 ถึง 64; 0 = ไม่ทำ)",
                                               "OGC item pages made ahead for clients that follow next links (default 8, 0 to 64; 0: none)")))
    var pagesAhead = ServerConfig.defaultPagesAhead

    func run() throws {
        let (host, port) = try Self.parseListen(listen)
        guard headerTimeout.isFinite, headerTimeout > 0, headerTimeout <= 3600 else {
            throw CLIError(Message(th: "--header-timeout ต้องเป็นวินาที มากกว่า 0 ถึง 3600 (ได้ \(headerTimeout))",
                                   en: "--header-timeout must be seconds, above 0 up to 3600 (got \(headerTimeout))"))
        }
        guard idleTimeout.isFinite, idleTimeout > 0, idleTimeout <= 3600 else {
            throw CLIError(Message(th: "--idle-timeout ต้องเป็นวินาที มากกว่า 0 ถึง 3600 (ได้ \(idleTimeout))",
                                   en: "--idle-timeout must be seconds, above 0 up to 3600 (got \(idleTimeout))"))
        }
        guard credentialCache.isFinite, credentialCache >= 0, credentialCache <= 30 else {
            throw CLIError(Message(th: "--credential-cache ต้องเป็นวินาที 0 ถึง 30 (ได้ \(credentialCache))",
                                   en: "--credential-cache must be seconds, 0 to 30 (got \(credentialCache))"))
        }
        guard (0...64).contains(pagesAhead) else {
            throw CLIError(Message(th: "--pages-ahead ต้องเป็นจำนวนเต็ม 0 ถึง 64 (ได้ \(pagesAhead))",
                                   en: "--pages-ahead must be a whole number from 0 to 64 (got \(pagesAhead))"))
        }
        _ = try global.openStore()  // refuses a missing or foreign file with the CLI's own message
        var settings = ServerConfig(storePath: global.databasePath, host: host, port: port, publicURL: publicURL)
        settings.headerTimeoutSeconds = headerTimeout
        settings.idleTimeoutSeconds = idleTimeout
        settings.publicRead = publicRead
        settings.credentialCacheSeconds = credentialCache
        settings.pagesAheadCapacity = pagesAhead
        let config = settings
        // Not on PostgreSQL: its store waits for PostgresNIO's futures synchronously, which NIO
        // forbids on an event-loop thread (it traps), and its requests go to `offload` anyway.
        if !(try StoreLocation.parse(global.databasePath)).isPostgres { _ = EPlanServer.runTasksOnEventLoops() }
        let failure = ServeFailure()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await EPlanServer.run(config) { address in
                    // Unbuffered: whoever started us (a test, a supervisor) reads the address at once.
                    let line = t("กำลังให้บริการที่ http://\(address) (หยุดด้วย Ctrl-C)", "listening on http://\(address) (stop with Ctrl-C)")
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            } catch {
                let text = "\(error)"
                failure.text.withLock { $0 = text }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.text.withLock({ $0 }) {
            throw CLIError(Message(th: "เริ่มหรือให้บริการที่ \(listen) ไม่ได้: \(error)", en: "cannot serve on \(listen): \(error)"))
        }
    }

    /// `HOST:PORT`, `[v6]:PORT`; the port 0 to 65535.
    static func parseListen(_ raw: String) throws -> (String, Int) {
        guard let colon = raw.lastIndex(of: ":") else { throw badListen(raw) }
        var host = String(raw[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(raw[raw.index(after: colon)...]), (0...65535).contains(port) else { throw badListen(raw) }
        return (host, port)
    }

    static func badListen(_ raw: String) -> CLIError {
        CLIError(Message(th: "--listen ต้องเป็น HOST:PORT เช่น 127.0.0.1:8080 (ได้ '\(raw)')", en: "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '\(raw)')"))
    }
}

/// Why the server stopped other than by a signal, as text (an error is not Sendable).
private final class ServeFailure: Sendable {
    let text = Mutex<String?>(nil)
}

/// The file holder's context for account management on the command line.
private func localContext() throws -> RequestContext {
    RequestContext(actor: try Actor.local(GlobalOptions.osUser()), language: Language.current)
}

/// A password from standard input (`--password-stdin`: its first line) or typed at the
/// terminal twice, never echoed.
private func readPassword(fromStdin: Bool) throws -> String {
    if fromStdin {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIError(Message(th: "--password-stdin: ไม่ได้รับรหัสผ่านทางอินพุตมาตรฐาน", en: "--password-stdin: no password on standard input"))
        }
        return line
    }
    guard isatty(0) != 0, let first = getpass(t("รหัสผ่าน: ", "password: ")).map({ String(cString: $0) }),
          let second = getpass(t("ยืนยันรหัสผ่าน: ", "password again: ")).map({ String(cString: $0) }) else {
        throw CLIError(Message(th: "ไม่มีเทอร์มินัลให้พิมพ์รหัสผ่าน: ใช้ --password-stdin", en: "no terminal to type a password at: use --password-stdin"))
    }
    guard first == second else { throw CLIError(Message(th: "รหัสผ่านสองครั้งไม่ตรงกัน", en: "the two passwords differ")) }
    return first
}

/// `eplan users add|list|passwd|disable`.
struct Users: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "users", abstract: t("บัญชีผู้ใช้ของบริการ HTTP", "the HTTP service's accounts"),
                             subcommands: [Add.self, List.self, Passwd.self, Disable.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "add", abstract: t("เพิ่มบัญชี", "add an account")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ชื่อบัญชี", "account name"))) var name: String
        @Option(name: .long, help: ArgumentHelp("engineer|planner|finance|province|admin")) var role: String
        @Option(name: .long, help: ArgumentHelp(t("รหัส อปท. (engineer, planner, finance)", "LAO code (engineer, planner, finance)"))) var lao: String?
        @Option(name: .long, help: ArgumentHelp(t("รหัสจังหวัด (province)", "province code (province)"))) var province: String?
        @Flag(name: .long, help: ArgumentHelp(t("อ่านรหัสผ่านจากอินพุตมาตรฐาน", "read the password from standard input"))) var passwordStdin = false

        func run() throws {
            let accounts = ManageAccounts(store: try global.openStore(), context: try localContext())
            try accounts.checkScope(role: role, laoCode: lao, provinceCode: province)
            let password = try readPassword(fromStdin: passwordStdin)
            try accounts.add(AddAccountRequest(name: name, role: role, laoCode: lao, provinceCode: province, password: password))
            print(t("เพิ่มบัญชี \(name) (\(role)) แล้ว", "account \(name) (\(role)) added"))
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "list", abstract: t("รายการบัญชี", "list the accounts")) }
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let accounts = try ManageAccounts(store: try global.openStore(readOnly: true), context: try localContext()).list()
            print(t("บัญชี: \(accounts.count)", "accounts: \(accounts.count)"))
            for a in accounts {
                let scope = a.laoCode.map { t("อปท. ", "LAO ") + $0 } ?? a.provinceCode.map { t("จังหวัด ", "province ") + $0 } ?? "-"
                print("  \(a.name)  \(a.role)  \(scope)" + (a.disabled ? t("  (ระงับ)", "  (disabled)") : ""))
            }
        }
    }

    struct Passwd: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "passwd", abstract: t("ตั้งรหัสผ่านใหม่", "set a new password")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ชื่อบัญชี", "account name"))) var name: String
        @Flag(name: .long, help: ArgumentHelp(t("อ่านรหัสผ่านจากอินพุตมาตรฐาน", "read the password from standard input"))) var passwordStdin = false
        func run() throws {
            let store = try global.openStore()
            try ManageAccounts(store: store, context: try localContext()).setPassword(name: name, password: try readPassword(fromStdin: passwordStdin))
            print(t("ตั้งรหัสผ่านของ \(name) แล้ว", "password of \(name) set"))
        }
    }

    struct Disable: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "disable", abstract: t("ระงับบัญชี (ปิดการเข้าสู่ระบบและเพิกถอนโทเค็น)", "disable an account (ends its sessions, revokes its tokens)"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ชื่อบัญชี", "account name"))) var name: String
        func run() throws {
            try ManageAccounts(store: try global.openStore(), context: try localContext()).disable(name: name)
            print(t("ระงับบัญชี \(name) แล้ว", "account \(name) disabled"))
        }
    }
}

/// `eplan tokens create|list|revoke`.
struct Tokens: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "tokens", abstract: t("โทเค็น API (Authorization: Bearer) ของบัญชี", "API tokens (Authorization: Bearer) of accounts"),
                             subcommands: [Create.self, List.self, Revoke.self])
    }

    struct Create: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "create", abstract: t("สร้างโทเค็น (แสดงครั้งเดียว)", "create a token (shown once)")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ชื่อบัญชี", "account name"))) var name: String
        @Option(name: .long, help: ArgumentHelp(t("อายุ เช่น 90d", "lifetime, e.g. 90d"))) var expires = "90d"
        func run() throws {
            let days = try ManageAccounts.days(expires, field: "--expires")
            let created = try ManageAccounts(store: try global.openStore(), context: try localContext()).createToken(name: name, days: days)
            // The token on its own line (for scripts); it is not stored and cannot be shown again.
            print(created.token)
            let note = t("โทเค็นหมายเลข \(created.id) ของ \(name) หมดอายุ \(created.expiresAt) (แสดงครั้งเดียว เก็บไว้ให้ดี)",
                         "token \(created.id) of \(name), expires \(created.expiresAt) (shown once: keep it safe)")
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "list", abstract: t("รายการโทเค็น", "list the tokens")) }
        @OptionGroup var global: GlobalOptions
        func run() throws {
            let tokens = try ManageAccounts(store: try global.openStore(readOnly: true), context: try localContext()).tokens()
            let now = AccountClock.iso(Date())
            print(t("โทเค็น: \(tokens.count)", "tokens: \(tokens.count)"))
            for k in tokens {
                let state = k.revokedAt != nil ? t("เพิกถอนแล้ว", "revoked") : k.expiresAt <= now ? t("หมดอายุ", "expired") : t("ใช้ได้", "active")
                print("  \(k.id)  \(k.accountName)  \(k.createdAt)  \(k.expiresAt)  \(state)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "revoke", abstract: t("เพิกถอนโทเค็น", "revoke a token")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("หมายเลขโทเค็น", "token id"))) var id: Int64
        func run() throws {
            try ManageAccounts(store: try global.openStore(), context: try localContext()).revokeToken(id: id)
            print(t("เพิกถอนโทเค็น \(id) แล้ว", "token \(id) revoked"))
        }
    }
}
