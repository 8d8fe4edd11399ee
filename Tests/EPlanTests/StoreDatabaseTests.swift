import XCTest
@testable import EPlanStore
import EPlanGeometry
import CSQLite

/// A fresh temporary directory per test, removed afterwards.
class StoreTestCase: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("eplan-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String = "test.sqlite") -> String { dir.appendingPathComponent(name).path }

    /// Runs a command-line tool; skips the test when it is not installed.
    func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let search = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let exe = search.map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("\(tool) is not installed; install it (spatialite-bin / gdal-bin) to run this interoperability test")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A python3 that can `import qgis.core` (Debian's python3-qgis is for /usr/bin/python3,
    /// which another python3 earlier on PATH may hide), or a skip that says what to install.
    func qgisPython() throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        for exe in ["/usr/bin/python3"] + path where FileManager.default.isExecutableFile(atPath: exe) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["-c", "import qgis.core"]
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run(); p.waitUntilExit()
            if p.terminationStatus == 0 { return exe }
        }
        throw XCTSkip("no python3 with QGIS (install python3-qgis and qgis-providers: scripts/setup): QGIS test skipped")
    }

    func expectError<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> Error? {
        do { _ = try body(); XCTFail("expected an error", file: file, line: line); return nil } catch { return error }
    }
}

final class StoreDatabaseTests: StoreTestCase {
    /// The POSIX locks this process holds on `path`'s inode, from /proc/locks.
    private func locksHeld(on path: String) throws -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else { return -1 }
        let me = String(getpid()), inode = ":\(st.st_ino) "
        let text = try String(contentsOfFile: "/proc/locks", encoding: .utf8)
        return text.split(separator: "\n").filter { $0.contains(" \(me) ") && ($0 + " ").contains(inode) }.count
    }

    /// Opening a store the process has open already must not take that connection's locks:
    /// closing any descriptor of a file drops every POSIX lock the process holds on it, so
    /// the header is read once per file, not at every open (the server keeps connections open).
    func testOpeningAnOpenStoreAgainKeepsTheLocksOfTheFirst() throws {
        guard FileManager.default.fileExists(atPath: "/proc/locks") else { throw XCTSkip("no /proc/locks here") }
        let file = path()
        let first = try Store(path: file, create: true)
        try first.database.transaction {
            try first.setSetting("probe", "1")
            let held = try locksHeld(on: file)
            XCTAssertGreaterThan(held, 0, "a write transaction holds locks on the store file")
            _ = try Store(path: file)   // identifies the file again, then opens a second connection
            XCTAssertEqual(try locksHeld(on: file), held, "the first connection's locks are still held")
        }
    }

    func testBindAndReadEveryType() throws {
        let db = try Database(path: path())
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
        let s = try db.prepare("INSERT INTO t VALUES (:i, :r, :s, :b, :n)")
        try s.bind(.integer(Int64.max), named: ":i")
        try s.bind(.real(13.75), named: ":r")
        try s.bind(.text("ตำบลบางรัก"), named: ":s")
        try s.bind(.blob([0, 1, 255]), named: ":b")
        try s.bind(nil, named: ":n")
        XCTAssertFalse(try s.step())
        var seen = 0
        try db.query("SELECT i, r, s, b, n FROM t WHERE i = ?", [.integer(Int64.max)]) { row in
            XCTAssertEqual(row.int64(0), Int64.max)
            XCTAssertEqual(row.double(1), 13.75)
            XCTAssertEqual(row.string(2), "ตำบลบางรัก")
            XCTAssertEqual(row.blob(3), [0, 1, 255])
            XCTAssertTrue(row.isNull(4))
            XCTAssertEqual(row[4], .null)
            seen += 1
        }
        XCTAssertEqual(seen, 1)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t"), .integer(1))
        XCTAssertEqual(try db.scalar("SELECT i FROM t WHERE 0"), .null)
        // Index binding, reset and reuse.
        let q = try db.prepare("SELECT ? + ?")
        for k in 1...3 {
            q.reset()
            try q.bind(.integer(Int64(k)), at: 1); try q.bind(.real(0.5), at: 2)
            XCTAssertTrue(try q.step())
            XCTAssertEqual(q.double(0), Double(k) + 0.5)
        }
        XCTAssertEqual(try db.scalar("PRAGMA journal_mode"), .text("wal"))
        XCTAssertEqual(try db.scalar("PRAGMA foreign_keys"), .integer(1))
    }

    func testStatementCacheSurvivesNestedQueries() throws {
        let db = try Database(path: path())
        try db.execute("CREATE TABLE t (x INTEGER)")
        let insert = try db.cached("INSERT INTO t VALUES (?)")
        XCTAssertTrue(insert === (try db.cached("INSERT INTO t VALUES (?)")))
        for i in 1...3 { try insert.execute([.integer(Int64(i))]) }
        var pairs: [String] = []
        try db.query("SELECT x FROM t ORDER BY x") { outer in
            let a = outer.int64(0)
            try db.query("SELECT x FROM t ORDER BY x") { inner in pairs.append("\(a)\(inner.int64(0))") }
        }
        XCTAssertEqual(pairs, ["11", "12", "13", "21", "22", "23", "31", "32", "33"])
    }

    func testErrorCarriesSQLiteMessageCodeAndSQL() throws {
        let db = try Database(path: path())
        let e = try XCTUnwrap(expectError(try db.execute("SELEC 1")) as? DatabaseError)
        XCTAssertTrue(e.sqliteMessage.contains("syntax error"), e.sqliteMessage)
        XCTAssertEqual(e.sql, "SELEC 1")
        XCTAssertEqual(e.code, SQLITE_ERROR)
        XCTAssertTrue(e.message.th.hasPrefix("คำสั่งฐานข้อมูลผิดพลาด"))
        XCTAssertTrue(e.message.en.contains("syntax error"))

        try db.execute("CREATE TABLE u (k TEXT UNIQUE)")
        try db.execute("INSERT INTO u VALUES (?)", ["a"])
        let c = try XCTUnwrap(expectError(try db.execute("INSERT INTO u VALUES (?)", ["a"])) as? DatabaseError)
        XCTAssertEqual(c.kind, .constraint)
        XCTAssertEqual(c.code, 2067)  // SQLITE_CONSTRAINT_UNIQUE
        XCTAssertTrue(c.sqliteMessage.contains("UNIQUE constraint failed: u.k"), c.sqliteMessage)
    }

    func testTransactionRollsBackOnThrow() throws {
        struct Boom: Error {}
        let db = try Database(path: path())
        try db.execute("CREATE TABLE t (x INTEGER)")
        XCTAssertThrowsError(try db.transaction {
            for i in 0..<100 { try db.execute("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) }
            throw Boom()
        })
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t"), .integer(0))
        XCTAssertFalse(db.isInTransaction)
        // A nested failure undoes only the inner part.
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (1)")
            _ = try? db.transaction { try db.execute("INSERT INTO t VALUES (2)"); throw Boom() }
        }
        XCTAssertEqual(try db.scalar("SELECT group_concat(x) FROM t"), .text("1"))
    }

    func testMissingFileWhenNotCreating() throws {
        let e = try XCTUnwrap(expectError(try Database(path: path("absent.sqlite"), create: false)) as? DatabaseError)
        XCTAssertEqual(e.kind, .missingFile)
        XCTAssertTrue(e.message.th.hasPrefix("เปิดฐานข้อมูลไม่ได้: ไม่พบไฟล์"), e.message.th)
        XCTAssertTrue(e.message.en.contains("absent.sqlite"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("absent.sqlite")))
    }

    func testReadOnlyFileOpenedForWriting() throws {
        _ = try Store(path: path())
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path())
        let e = try XCTUnwrap(expectError(try Store(path: path())) as? DatabaseError)
        XCTAssertEqual(e.kind, .readOnly)
        XCTAssertTrue(e.message.th.hasPrefix("เขียนฐานข้อมูลไม่ได้"), e.message.th)
        XCTAssertTrue(e.message.en.contains("read-only"))
        // Reading it is still fine.
        let store = try Store(path: path(), readOnly: true)
        XCTAssertEqual(try store.count(level: .tambon), 0)
    }

    func testReadOnlyDirectory() throws {
        let sub = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o555])
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sub.path) }
        let e = try XCTUnwrap(expectError(try Store(path: sub.appendingPathComponent("x.sqlite").path)) as? DatabaseError)
        XCTAssertEqual(e.kind, .readOnly)
        XCTAssertTrue(e.sqliteMessage.contains("directory"))
    }

    func testNotADatabaseFile() throws {
        try (Data("this is a GeoJSON file, not SQLite. ".utf8) + Data(count: 200)).write(to: URL(fileURLWithPath: path()))
        for readOnly in [false, true] {
            let e = try XCTUnwrap(expectError(try Store(path: path(), readOnly: readOnly)) as? DatabaseError)
            XCTAssertEqual(e.kind, .notADatabase)
            XCTAssertEqual(e.code & 0xFF, SQLITE_NOTADB)
            XCTAssertTrue(e.sqliteMessage.contains("not a database"), e.sqliteMessage)
            XCTAssertTrue(e.message.th.contains("ไม่ใช่ฐานข้อมูล SQLite"))
        }
    }

    func testMigrationsAreIdempotentAndAtomic() throws {
        // Relative to the shipped schema, so a new step does not break this test.
        let latest = Store.latestVersion
        let runs = RunCounter()
        let steps = Store.migrations + [Migration(version: latest + 1, name: "extra") { db in
            runs.add()
            try db.execute("CREATE TABLE extra (x)")
        }]
        _ = try Store(path: path(), readOnly: false, create: true, migrations: steps)
        _ = try Store(path: path(), readOnly: false, create: true, migrations: steps)
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(try Store(path: path(), readOnly: true, create: false, migrations: steps).schemaVersion(), latest + 1)

        // A failing step leaves the file as it was, version included.
        let broken = steps + [Migration(version: latest + 2, name: "broken", sql: "CREATE TABLE y (a); SELEC")]
        XCTAssertThrowsError(try Store(path: path(), readOnly: false, create: true, migrations: broken))
        let db = try Database(path: path())
        XCTAssertEqual(try db.userVersion(), latest + 1)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'y'"), .integer(0))

        // A file from a newer program is refused, not damaged.
        let e = try XCTUnwrap(expectError(try Store(path: path())) as? StoreError)
        XCTAssertEqual(e.kind, .schemaTooNew(found: latest + 1, known: latest))
    }

    func testMbrFunctionsReadTheHeader() throws {
        let db = try Database(path: ":memory:")
        let blob = try XCTUnwrap(SpatiaLiteBlob.encode(.polygon(StoreSamples.withHole), srid: 4326))
        try db.query("SELECT MbrMinX(?1), MbrMinY(?1), MbrMaxX(?1), MbrMaxY(?1), MbrMinX(NULL), MbrMinX(x'00')",
                     [.blob(blob)]) { r in
            XCTAssertEqual([r.double(0), r.double(1), r.double(2), r.double(3)], [102, 15, 104.5, 17.25])
            XCTAssertTrue(r.isNull(4)); XCTAssertTrue(r.isNull(5))
        }
    }
}

/// Counts a migration step's runs (the step is a @Sendable closure).
/// @unchecked: the count is only touched under the lock.
final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
