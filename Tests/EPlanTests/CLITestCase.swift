import Foundation
import XCTest
@testable import EPlanDomain
import EPlanStore

/// Runs the real `eplan` binary (built next to the test bundle) on real files.
class CLITestCase: StoreTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var geodata: String { repoRoot.appendingPathComponent("geodata").path }
    static var takDir: String { geodata + "/tak" }

    /// ../shared/geodata, or a skip that says why.
    func sharedGeodata() throws -> String {
        let dir = Self.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/geodata").path
        guard FileManager.default.fileExists(atPath: dir + "/thailand-tambon.geojson") else {
            throw XCTSkip("../shared/geodata is absent (a user's clone has none): national-data test skipped")
        }
        return dir
    }

    var eplanPath: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first(where: { $0.hasSuffix(".xctest") }) ?? CommandLine.arguments[0])
        var dir = bundle.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("eplan").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return Self.repoRoot.appendingPathComponent(".build/debug/eplan").path
    }

    /// Runs eplan with `args`; stdin is empty; EPLAN_DB and EPLAN_LANG are not inherited.
    @discardableResult
    func eplan(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["EPLAN_DB"] = nil
        environment["EPLAN_LANG"] = nil
        environment["EPLAN_GEODATA"] = Self.geodata
        for (k, v) in env { environment[k] = v }
        return try runCapturingInFiles(eplanPath, args, environment: environment)
    }

    /// Runs a program with its output in files, not pipes: a daemon it starts (a database
    /// server) keeps whatever descriptors it inherited, and a pipe would then never end.
    func runCapturingInFiles(_ executable: String, _ args: [String], environment: [String: String]? = nil)
        throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let environment { p.environment = environment }
        let outURL = dir.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        // A file that could not be made fails the FileHandle below, with its reason.
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out; p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close(); try err.close()
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        return (p.terminationStatus, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }

    /// A store made by `eplan init` (Tak by default), without the default plan's 27,239
    /// synthetic projects unless `plan` (they take seconds to load in a debug build).
    /// On the PostgreSQL pass (`TestBackend`) the store is a fresh database instead, and the
    /// returned text its `postgresql://` URL: tests pass it to `--db` and `openStore` alike.
    func initStore(_ extra: [String] = [], plan: Bool = false) throws -> String {
        let args = extra + (plan ? [] : ["--no-plan"])
        guard case .postgres(let server) = TestBackend.current else {
            let db = path()
            let r = try eplan(["init", "--db", db] + args)
            XCTAssertEqual(r.status, 0, r.err)
            return db
        }
        let db = try PostgresTestDatabases.shared.database(server: server, initArguments: args) { template in
            let r = try eplan(["init", "--db", template] + args)
            guard r.status == 0 else { throw XCTSkip("eplan init on PostgreSQL failed: \(r.err)") }
        }
        postgresDatabases.append(db)
        return db
    }

    /// A location for a store the test creates itself: a file here, or an empty PostgreSQL
    /// database on the PostgreSQL pass.
    func newStoreLocation(_ name: String = "test.sqlite") throws -> String {
        guard case .postgres(let server) = TestBackend.current else { return path(name) }
        let db = try PostgresTestDatabases.shared.emptyDatabase(server: server)
        postgresDatabases.append(db)
        return db
    }

    /// The store at `db` (a file or a URL from `initStore`), through the one factory eplan uses.
    func openStore(_ db: String, readOnly: Bool = false) throws -> any AnyStore {
        try StoreLocation.parse(db).open(readOnly: readOnly)
    }

    /// Every pin version of every project, counted through the store protocol.
    func storedPinCount(_ db: String) throws -> Int {
        let store = try openStore(db, readOnly: true)
        return try store.projectCodes().reduce(0) { $0 + (try store.pinHistory(projectCode: $1).count) }
    }

    func storedProjectCount(_ db: String) throws -> Int { try openStore(db, readOnly: true).projectCodes().count }

    /// Skips the rest of a test on the PostgreSQL pass: it checks the SQLite file itself.
    func sqliteOnly(_ why: String) throws {
        if TestBackend.current.isPostgres { throw XCTSkip("SQLite-only (\(why)); runs on the SQLite pass") }
    }

    /// The databases this test made on the PostgreSQL pass, dropped when it ends.
    var postgresDatabases: [String] = []

    override func tearDownWithError() throws {
        postgresDatabases.forEach(PostgresTestDatabases.shared.drop)
        postgresDatabases = []
        try super.tearDownWithError()
    }

    func writeFile(_ name: String, _ text: String) throws -> String {
        let p = path(name)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
}
