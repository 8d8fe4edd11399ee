import EPlanGeometry
import Foundation

/// Where the store is, parsed once from `--db` / `EPLAN_DB`: an SQLite file (the embedded
/// default) or a PostgreSQL + PostGIS database named by a `postgresql://` URL.
public enum StoreLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// `postgresql://…` or `postgres://…` is a PostgreSQL database; anything else a file path.
    public static func parse(_ text: String) throws -> StoreLocation {
        let lower = text.lowercased()
        guard lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") else { return .sqlite(path: text) }
        return .postgres(try PostgresLocation(url: text))
    }

    /// For messages: the path, or the URL without its password.
    public var display: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let p): return p.display
        }
    }

    public var isPostgres: Bool { if case .postgres = self { return true } else { return false } }
}

/// A PostgreSQL database as libpq's URLs name it: `postgresql://user:password@host:port/dbname`,
/// or a Unix socket by its folder, `postgresql:///dbname?host=/run/postgresql` (a host that
/// starts with "/" is a socket folder). Missing parts fall back as in libpq: `$PGUSER`, else
/// the OS account; `$PGPASSWORD`; `$PGHOST`, else the socket folder /var/run/postgresql.
public struct PostgresLocation: Equatable, Sendable {
    public var user: String
    public var password: String?
    /// A TCP host name or address; nil when `socketFolder` is used.
    public var host: String?
    public var port: Int
    /// The folder holding `.s.PGSQL.<port>`.
    public var socketFolder: String?
    public var database: String
    /// At most this many connections of the process to this database (`pool_max`, default
    /// 32); a caller finding them all in use waits `poolTimeout` seconds (`pool_timeout`,
    /// default 10) before the store is refused as unavailable.
    public var poolMax = 32
    /// What PostgreSQL shows for these connections (`pg_stat_activity.application_name`).
    public var applicationName = "eplan"
    /// TLS over TCP, as libpq's `sslmode` (a Unix socket never uses it).
    public enum TLSMode: String, Sendable { case disable, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full" }
    public var tls = TLSMode.disable
    /// The certificate authorities to trust (`sslrootcert`, a PEM file); else the system's.
    public var rootCertificate: String?
    public var poolTimeout = 10.0

    public init(url text: String) throws {
        let env = ProcessInfo.processInfo.environment
        guard let c = URLComponents(string: text) else { throw StoreLocationError(text: text, problem: .notAURL) }
        var params: [String: String] = [:]
        for q in c.queryItems ?? [] { params[q.name] = q.value ?? "" }
        let known: Set = ["host", "port", "user", "password", "dbname", "sslmode", "application_name", "connect_timeout",
                           "pool_max", "pool_timeout", "sslrootcert"]
        if let unknown = params.keys.sorted().first(where: { !known.contains($0) }) {
            throw StoreLocationError(text: text, problem: .unknownParameter(unknown))
        }
        let path = c.percentEncodedPath.hasPrefix("/") ? String(c.percentEncodedPath.dropFirst()) : c.percentEncodedPath
        let db = params["dbname"] ?? path.removingPercentEncoding ?? path
        guard !db.isEmpty, !db.contains("/") else { throw StoreLocationError(text: text, problem: .noDatabase) }
        database = db
        user = params["user"] ?? c.user.flatMap { $0.isEmpty ? nil : $0 } ?? env["PGUSER"] ?? PostgresLocation.osUser()
        password = params["password"] ?? c.password ?? env["PGPASSWORD"]
        let portText = params["port"] ?? c.port.map(String.init) ?? env["PGPORT"] ?? "5432"
        guard let p = Int(portText), (1...65535).contains(p) else { throw StoreLocationError(text: text, problem: .badPort(portText)) }
        port = p
        let h = params["host"] ?? c.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding } ?? env["PGHOST"] ?? "/var/run/postgresql"
        if h.hasPrefix("/") { socketFolder = h; host = nil } else { host = h; socketFolder = nil }
        if let name = params["application_name"], !name.isEmpty { applicationName = name }
        if let m = params["pool_max"] {
            guard let n = Int(m), n >= 1 else { throw StoreLocationError(text: text, problem: .badPoolSetting("pool_max", m)) }
            poolMax = n
        }
        if let t = params["pool_timeout"] {
            guard let s = Double(t), s >= 0, s.isFinite else { throw StoreLocationError(text: text, problem: .badPoolSetting("pool_timeout", t)) }
            poolTimeout = s
        }
        rootCertificate = params["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        switch params["sslmode"] ?? env["PGSSLMODE"] ?? "disable" {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer
        // As libpq: `require` with a root certificate checks the chain too.
        case "require": tls = rootCertificate == nil ? .require : .verifyCA
        case "verify-ca": tls = .verifyCA
        case "verify-full": tls = .verifyFull
        case let mode: throw StoreLocationError(text: text, problem: .tlsUnsupported(mode))
        }
    }

    /// The socket file itself, for a socket location.
    public var socketPath: String? { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The URL without the password.
    public var display: String {
        if let socketFolder { return "postgresql://\(user)@/\(database)?host=\(socketFolder)" + (port == 5432 ? "" : "&port=\(port)") }
        return "postgresql://\(user)@\(host ?? "")\(port == 5432 ? "" : ":\(port)")/\(database)"
    }

    static func osUser() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    }
}

/// A `postgresql://` location that cannot be used, said in both languages.
public struct StoreLocationError: UserFacingError {
    public enum Problem: Equatable, Sendable {
        case notAURL, noDatabase, badPort(String), unknownParameter(String), tlsUnsupported(String)
        case badPoolSetting(String, String)
    }
    public let text: String
    public let problem: Problem

    public var message: Message {
        let shown = text.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
        switch problem {
        case .notAURL:
            return Message(th: "--db \(shown): อ่าน URL ของ PostgreSQL ไม่ได้ (ตัวอย่าง postgresql://ผู้ใช้@เครื่อง/ฐานข้อมูล)",
                           en: "--db \(shown): not a PostgreSQL URL (e.g. postgresql://user@host/dbname)")
        case .noDatabase:
            return Message(th: "--db \(shown): ไม่ได้ระบุชื่อฐานข้อมูล (postgresql://ผู้ใช้@เครื่อง/ฐานข้อมูล)",
                           en: "--db \(shown): no database name (postgresql://user@host/dbname)")
        case .badPort(let p):
            return Message(th: "--db \(shown): พอร์ต '\(p)' ไม่ถูกต้อง (1–65535)", en: "--db \(shown): port '\(p)' is not valid (1–65535)")
        case .unknownParameter(let p):
            return Message(th: "--db \(shown): ไม่รู้จักพารามิเตอร์ '\(p)' (ใช้ได้: host, port, user, password, dbname, sslmode, pool_max, pool_timeout)",
                           en: "--db \(shown): unknown parameter '\(p)' (known: host, port, user, password, dbname, sslmode, pool_max, pool_timeout)")
        case .badPoolSetting(let name, let value):
            return Message(th: "--db \(shown): \(name)=\(value) ไม่ถูกต้อง (pool_max เป็นจำนวนเต็มตั้งแต่ 1, pool_timeout เป็นวินาทีตั้งแต่ 0)",
                           en: "--db \(shown): \(name)=\(value) is not valid (pool_max is a whole number from 1, pool_timeout seconds from 0)")
        case .tlsUnsupported(let m):
            return Message(th: "--db \(shown): ไม่รู้จัก sslmode=\(m) (ใช้ได้: disable, allow, prefer, require, verify-ca, verify-full)",
                           en: "--db \(shown): unknown sslmode=\(m) (known: disable, allow, prefer, require, verify-ca, verify-full)")
        }
    }
}
