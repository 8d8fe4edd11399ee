import Foundation
import XCTest
import EPlanStore

/// The store backend the backend-independent tests run on. `scripts/test` runs them twice:
/// once on SQLite files (the default), once with `EPLAN_TEST_BACKEND=postgresql` on fresh
/// PostgreSQL + PostGIS databases of the throwaway cluster named by `EPLAN_TEST_PG`.
enum TestBackend {
    case sqlite
    case postgres(PostgresLocation)

    static let current: TestBackend = {
        let env = ProcessInfo.processInfo.environment
        guard env["EPLAN_TEST_BACKEND"] == "postgresql" else { return .sqlite }
        // A PostgreSQL run without a cluster is a broken setup, not a reason to skip quietly.
        guard let url = env["EPLAN_TEST_PG"], let location = try? PostgresLocation(url: url) else {
            preconditionFailure("EPLAN_TEST_BACKEND=postgresql needs EPLAN_TEST_PG, a postgresql:// URL (scripts/test sets both)")
        }
        return .postgres(location)
    }()

    var isPostgres: Bool { if case .postgres = self { return true } else { return false } }
}

/// Fresh PostgreSQL databases for tests, each copied from a template that `eplan init` made
/// once per set of init arguments (an init loads boundaries and registry: seconds on
/// PostgreSQL, where a copy from a template takes a fraction of one).
final class PostgresTestDatabases: @unchecked Sendable {
    static let shared = PostgresTestDatabases()
    private let lock = NSLock()
    private var templates: [String: String] = [:]
    private static let bin = "/usr/lib/postgresql/15/bin"

    /// A new database copied from the template for `initArguments`, made by `makeTemplate`
    /// (given the template's URL) the first time these arguments are seen.
    func database(server: PostgresLocation, initArguments: [String],
                  makeTemplate: (String) throws -> Void) throws -> String {
        lock.lock(); defer { lock.unlock() }
        let key = initArguments.joined(separator: "\u{1F}")
        let template: String
        if let known = templates[key] {
            template = known
        } else {
            template = "eplan_tmpl_\(templates.count)_\(ProcessInfo.processInfo.processIdentifier)"
            try Self.tool("createdb", server, [template])
            try makeTemplate(Self.url(server, template))
            templates[key] = template
        }
        let name = "eplan_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.tool("createdb", server, ["-T", template, name])
        return Self.url(server, name)
    }

    /// An empty database (no schema): for tests that create their store themselves.
    func emptyDatabase(server: PostgresLocation) throws -> String {
        let name = "eplan_e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.tool("createdb", server, [name])
        return Self.url(server, name)
    }

    /// Drops a test database (its server connections are closed by then).
    func drop(_ url: String) {
        guard let location = try? PostgresLocation(url: url) else { return }
        _ = try? Self.tool("dropdb", location, ["--force", "--if-exists", location.database])
    }

    static func url(_ server: PostgresLocation, _ database: String) -> String {
        if let folder = server.socketFolder {
            return "postgresql://\(server.user)@/\(database)?host=\(folder)&port=\(server.port)"
        }
        return "postgresql://\(server.user)@\(server.host ?? "localhost"):\(server.port)/\(database)"
    }

    @discardableResult
    private static func tool(_ name: String, _ server: PostgresLocation, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "\(bin)/\(name)")
        p.arguments = ["-h", server.socketFolder ?? server.host ?? "localhost", "-p", String(server.port), "-U", server.user] + args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "PostgresTestDatabases", code: Int(p.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(name) \(args.joined(separator: " ")): \(message)"])
        }
        return message
    }
}
