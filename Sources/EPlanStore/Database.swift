import CSQLite
import Foundation

/// One SQLite connection. It owns its `sqlite3*`; cached statements are finalized and the
/// connection closed in deinit. Not thread-safe: use one `Database` per thread or task.
public final class Database {
    public struct Options: Sendable {
        public var path: String
        public var readOnly: Bool
        /// Create the file when it does not exist (ignored when `readOnly`).
        public var create: Bool
        /// How long to wait for another connection's lock, in milliseconds.
        public var busyTimeout: Int32
        public init(path: String, readOnly: Bool = false, create: Bool = true, busyTimeout: Int32 = 5000) {
            self.path = path; self.readOnly = readOnly; self.create = create; self.busyTimeout = busyTimeout
        }
    }

    let handle: OpaquePointer
    public let options: Options
    private var cache: [String: Statement] = [:]

    public convenience init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        try self.init(Options(path: path, readOnly: readOnly, create: create))
    }

    public init(_ options: Options) throws {
        self.options = options
        let path = options.path
        let creating = options.create && !options.readOnly
        try Database.checkFile(path, writable: !options.readOnly, creating: creating)

        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if creating { flags |= SQLITE_OPEN_CREATE }
        let db = try Database.connect(options, flags: flags)
        handle = db
        // From here on deinit closes the handle if a later step throws.
        if !options.readOnly && sqlite3_db_readonly(db, "main") == 1 {
            // SQLite silently falls back to read-only when the file is not writable.
            throw DatabaseError(kind: .readOnly, code: SQLITE_READONLY,
                                sqliteMessage: "file opened read-only", path: path)
        }
        do {
            try execute("PRAGMA foreign_keys = ON")
            if !options.readOnly { try execute("PRAGMA journal_mode = WAL") }
        } catch let e as DatabaseError {
            throw DatabaseError(kind: e.kind, code: e.code, sqliteMessage: e.sqliteMessage, sql: e.sql, path: path)
        }
        try SpatialFunctions.register(on: db)
    }

    /// Opens the file and reads its schema (the first real read: a non-database fails here,
    /// NOTADB). Should the file have been replaced meanwhile (`eplan init --force` renames a
    /// new store over the path while this open waited for its lock), the connection would
    /// hold the old file while writing a -wal the new one would find by name: open again.
    private static func connect(_ options: Options, flags: Int32) throws -> OpaquePointer {
        var attempt = 0
        while true {
            var db: OpaquePointer?
            var rc = sqlite3_open_v2(Database.fileName(options.path), &db, flags, nil)
            if rc == SQLITE_OK, let db {
                sqlite3_extended_result_codes(db, 1)
                sqlite3_busy_timeout(db, options.busyTimeout)
                rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil)
                var moved: Int32 = 0
                if rc == SQLITE_OK { _ = sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) }
                if rc == SQLITE_OK && (moved == 0 || attempt == 2) { return db }
            }
            let error = DatabaseError(connection: db, code: rc, sql: nil, path: options.path)
            sqlite3_close_v2(db)  // sqlite hands back a handle even on failure
            if rc != SQLITE_OK { throw error }
            attempt += 1
        }
    }

    /// The name handed to SQLite. This SQLite reads names starting with "file:" as URIs
    /// (SQLITE_USE_URI), which could name another file than the one checked or set
    /// `mode=`/`immutable=`: such a name is made a plain relative path, as SQLite advises.
    static func fileName(_ path: String) -> String {
        path.hasPrefix("file:") ? "./" + path : path
    }

    deinit {
        cache.removeAll()  // finalizes the cached statements first
        sqlite3_close_v2(handle)
    }

    /// Clear errors for the cases SQLite reports vaguely (CANTOPEN) or not at all
    /// (we run as root in containers, where permission bits are not enforced for us).
    private static func checkFile(_ path: String, writable: Bool, creating: Bool) throws {
        if path == ":memory:" || path.isEmpty { return }
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: path)
        // A FIFO would block the first read for ever; a device or directory is no database.
        var st = stat()
        if exists, stat(path, &st) == 0 { try StoreFile.refuseNonRegular(path, mode: st.st_mode) }
        if !exists && !creating {
            throw DatabaseError(kind: .missingFile, code: SQLITE_CANTOPEN, sqliteMessage: "no such file", path: path)
        }
        guard writable else { return }
        func readOnlyByMode(_ p: String) -> Bool {
            guard let mode = (try? fm.attributesOfItem(atPath: p))?[.posixPermissions] as? NSNumber else { return false }
            return mode.intValue & 0o222 == 0 || !fm.isWritableFile(atPath: p)
        }
        if exists && readOnlyByMode(path) {
            throw DatabaseError(kind: .readOnly, code: SQLITE_READONLY, sqliteMessage: "file is read-only", path: path)
        }
        // WAL needs to create -wal and -shm files beside the database.
        let dir = (path as NSString).deletingLastPathComponent
        if readOnlyByMode(dir.isEmpty ? "." : dir) {
            throw DatabaseError(kind: .readOnly, code: SQLITE_READONLY,
                                sqliteMessage: "directory is read-only", path: path)
        }
    }

    // MARK: Running SQL

    /// Runs one or more statements without arguments (schema, pragmas).
    /// The linked SQLite library's version ("3.40.1").
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let text = err.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(err)
            throw DatabaseError(kind: DatabaseError.kind(for: rc, connection: handle), code: sqlite3_extended_errcode(handle),
                                sqliteMessage: text, sql: sql)
        }
    }

    /// Runs one statement with arguments through the statement cache.
    public func execute(_ sql: String, _ args: [SQLValue]) throws {
        // A cached statement keeps the last caller's bindings: start from none.
        let statement = try cached(sql)
        statement.clearBindings()
        try statement.execute(args)
    }

    /// A new statement owned by the caller.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: handle, sql: sql)
    }

    /// A statement kept for reuse by this connection, reset and ready; for hot paths.
    /// While the cached one is mid-query (a nested query of the same SQL), a fresh one is returned.
    public func cached(_ sql: String) throws -> Statement {
        if let s = cache[sql] {
            if sqlite3_stmt_busy(s.handle) != 0 { return try prepare(sql) }
            return s
        }
        let s = try prepare(sql)
        cache[sql] = s
        return s
    }

    /// Runs a query (cached statement), calling `row` for each result row.
    public func query(_ sql: String, _ args: [SQLValue] = [], row: (Row) throws -> Void) throws {
        let s = try cached(sql)
        defer { s.reset() }
        try s.bind(args)
        let r = Row(statement: s)
        while try s.step() { try row(r) }
    }

    /// The first column of the first row, or `.null` when there is no row.
    public func scalar(_ sql: String, _ args: [SQLValue] = []) throws -> SQLValue {
        var result = SQLValue.null
        var seen = false
        try query(sql, args) { r in
            if !seen { result = r.value(0); seen = true }
        }
        return result
    }

    /// How long this connection waits for another connection's lock before SQLITE_BUSY, from
    /// now on (the open used `options.busyTimeout`).
    public func waitForLocks(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: Transactions

    /// Runs `body` in one transaction: committed when it returns, rolled back when anything
    /// throws, so an import is all or nothing. BEGIN IMMEDIATE takes the write lock up front
    /// (no deadlock upgrading a read lock). Nested calls become savepoints.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            try execute("SAVEPOINT eplan_nested")
            do {
                let result = try body()
                try execute("RELEASE eplan_nested")
                return result
            } catch {
                try? execute("ROLLBACK TO eplan_nested; RELEASE eplan_nested")
                throw error
            }
        }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // A failed COMMIT may already have rolled back; ignore "no transaction is active".
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body`'s reads as one read transaction: one snapshot for all of them, and one
    /// WAL read lock taken and dropped instead of one per statement (while a writer commits
    /// every few milliseconds, each of those also found the WAL moved and emptied this
    /// connection's page cache). Inside a transaction already, `body` simply runs in it.
    @discardableResult
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try cached("BEGIN").execute()
        do {
            let result = try body()
            try cached("COMMIT").execute()
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    // MARK: Schema version

    /// `PRAGMA user_version`: the schema version migrations have reached.
    public func userVersion() throws -> Int {
        Int(try scalar("PRAGMA user_version").int64 ?? 0)
    }

    public func setUserVersion(_ v: Int) throws {
        try execute("PRAGMA user_version = \(v)")
    }

    /// `PRAGMA application_id`: which program's file this is (`StoreFile.applicationID` for ours).
    public func applicationID() throws -> Int32 {
        Int32(truncatingIfNeeded: try scalar("PRAGMA application_id").int64 ?? 0)
    }

    public func setApplicationID(_ id: Int32) throws {
        try execute("PRAGMA application_id = \(id)")
    }
}
