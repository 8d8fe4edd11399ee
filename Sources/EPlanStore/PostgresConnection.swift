import EPlanGeometry
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One PostgreSQL connection used synchronously, as `EPlanStoring` is: every call blocks the
/// calling thread until PostgresNIO's answer arrives on the bridge's own event loop (never
/// one of Hummingbird's, and callers are never on an event loop: the server calls the store
/// from `offload`'s Dispatch queue). SQL is written with SQLite's `?` / `?N` placeholders and
/// `SQLValue` arguments, so the PostGIS queries read like the SQLite ones beside them.
final class PGConnection {
    /// The bridge's event loop, for every connection of the process: one thread is plenty
    /// for I/O that callers wait on.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let logger: Logger = {
        var l = Logger(label: "eplan.postgres")
        l.logLevel = .critical
        return l
    }()

    let location: PostgresLocation
    private let connection: PostgresConnection
    /// Open transactions and savepoints (0: autocommit).
    private(set) var depth = 0

    init(_ location: PostgresLocation) throws {
        self.location = location
        var config: PostgresConnection.Configuration
        if let socket = location.socketPath {
            config = .init(unixSocketPath: socket, username: location.user, password: location.password, database: location.database)
        } else {
            config = .init(host: location.host ?? "localhost", port: location.port, username: location.user,
                           password: location.password, database: location.database, tls: try PGConnection.tls(location))
        }
        config.options.additionalStartupParameters = [("application_name", location.applicationName)]
        do {
            connection = try PostgresConnection.connect(on: PGConnection.eventLoops.next(), configuration: config,
                                                        id: 1, logger: PGConnection.logger).wait()
        } catch {
            throw PGConnection.error(error, sql: nil, location: location)
        }
    }

    /// The TLS of a TCP connection, as libpq's `sslmode`: `prefer`/`require` encrypt without
    /// checking the certificate, `verify-ca` checks its chain (`sslrootcert`, else the
    /// system's authorities), `verify-full` its host name too.
    static func tls(_ location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        guard location.tls != .disable else { return .disable }
        var c = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable, .prefer, .require: c.certificateVerification = .none
        case .verifyCA: c.certificateVerification = .noHostnameVerification
        case .verifyFull: c.certificateVerification = .fullVerification
        }
        if let root = location.rootCertificate { c.trustRoots = .file(root) }
        do {
            let context = try NIOSSLContext(configuration: c)
            return location.tls == .prefer ? .prefer(context) : .require(context)
        } catch {
            throw DatabaseError(kind: .cannotOpen, code: 0, sqliteMessage: "TLS: \(error)", sql: nil, path: location.display)
        }
    }

    /// Closed before it goes (PostgresNIO requires it); the last owner is never an event loop.
    deinit {
        let closing: EventLoopFuture<Void> = connection.close()
        try? closing.wait()
        if pooled { PGConnection.pool.closed(location) }
    }

    // MARK: The pool

    /// The connections of the process, bounded per location (see `ConnectionPool`).
    static let pool = ConnectionPool()
    /// Set when the connection failed below SQL (closed, unreachable): never reused.
    private(set) var broken = false
    /// Counted in `pool` (opened through `checkOut`): its end frees a place there.
    var pooled = false

    /// A connection for a store of `location`: an idle one of the same mode, or (fresh)
    /// a new one while fewer than `location.poolMax` are open; else waits up to
    /// `location.poolTimeout` seconds for one, then refuses (the server answers 503).
    static func checkOut(_ location: PostgresLocation, readOnly: Bool) throws -> (connection: PGConnection, fresh: Bool) {
        if let idle = try pool.take(location, readOnly: readOnly) { return (idle, false) }
        do {
            let c = try PGConnection(location)
            c.pooled = true
            return (c, true)
        } catch {
            pool.closed(location)
            throw error
        }
    }

    /// Offers this connection for reuse when it is clean (no transaction open, not broken).
    func release(readOnly: Bool) {
        readAhead = nil
        guard pooled, depth == 0, !broken else { return }
        PGConnection.pool.put(self, readOnly: readOnly)
    }

    // MARK: Queries

    /// Statements sent on this connection so far: a value read ahead is good only until the next.
    private(set) var statementsRun = 0
    /// Values one statement read beside its own answer (`PostgresStore.projectRef`), for the
    /// calls that would each ask for one next: taken only while no other statement has run
    /// on this connection since, so each is what its own query would have read then.
    private var readAhead: (after: Int, values: ReadAhead)?

    struct ReadAhead {
        var laoCode: String
        var laoVersion: String?
        var setting: (key: String, value: String?)
        /// The store's boundary generation, for the place index a pin's check asks for next.
        var generation: BoundaryGeneration?
    }

    func keepReadAhead(_ values: ReadAhead) { readAhead = (statementsRun, values) }
    func forgetReadAhead() { readAhead = nil }

    /// The version read ahead for LAO `code`, once (outer nil: none kept).
    func takeLAOVersion(_ code: String) -> String?? {
        guard let r = readAhead, r.after == statementsRun, r.values.laoCode == code else { return nil }
        readAhead?.values.laoCode = ""  // once
        return .some(r.values.laoVersion)
    }

    /// The boundary generation read ahead, once (nil: none kept).
    func takeBoundaryGeneration() -> BoundaryGeneration? {
        guard let r = readAhead, r.after == statementsRun, let g = r.values.generation else { return nil }
        readAhead?.values.generation = nil  // once
        return g
    }

    /// The setting `key` read ahead (outer nil: none kept).
    func takeSetting(_ key: String) -> String?? {
        guard let r = readAhead, r.after == statementsRun, r.values.setting.key == key else { return nil }
        return .some(r.values.setting.value)
    }

    /// Runs one statement and returns its rows, materialized (see `PGRow`).
    @discardableResult
    func query(_ sql: String, _ args: [SQLValue] = []) throws -> [PGRow] {
        statementsRun += 1
        let (text, binds) = try PGConnection.prepare(sql, args)
        do {
            let result = try connection.query(PostgresQuery(unsafeSQL: text, binds: binds), logger: PGConnection.logger).wait()
            return try result.rows.map { try PGRow($0) }
        } catch {
            throw failed(error, sql: sql)
        }
    }

    /// The statements every request runs (a project's row, an LAO's, a setting, the boundary
    /// generation, a token's account), prepared once per connection: PostgreSQL then plans
    /// them once instead of on every call (planning was half of the database's CPU per served
    /// pin: `pg_stat_statements`, 0.5 ms a pin). Parameters are texts only: PostgreSQL infers
    /// each `$n`'s type from the statement, and a text is read as any type it compares with.
    private var preparedStatements: [String: PreparedQuery] = [:]

    func preparedQuery(_ sql: String, _ args: [SQLValue]) throws -> [PGRow] {
        statementsRun += 1
        var binds: [PostgresData] = []
        for a in args {
            guard case .text(let s) = a else { throw PGConnection.malformed("a prepared statement takes text parameters only: \(sql)") }
            binds.append(PostgresData(string: s))
        }
        do {
            let statement: PreparedQuery
            if let known = preparedStatements[sql] {
                statement = known
            } else {
                statement = try connection.prepare(query: try PGConnection.prepare(sql, []).0).wait()
                preparedStatements[sql] = statement
            }
            return try statement.execute(binds).wait().map { try PGRow($0, binary: true) }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw failed(error, sql: sql)
        }
    }

    /// Runs a statement prepared on this connection at its first use (typed parameters, e.g.
    /// arrays: `PinBatchStatement`) and returns its rows. PostgresNIO runs these as async
    /// only: a task runs it while this thread waits, as for COPY (never on an event loop).
    func run<S: PostgresPreparedStatement>(_ statement: S) throws -> [S.Row] {
        statementsRun += 1
        let connection = self.connection
        let outcome = Self.waitForTask {
            var rows: [S.Row] = []
            for try await row in try await connection.execute(statement, logger: PGConnection.logger) { rows.append(row) }
            return rows
        }
        do {
            return try outcome.get()
        } catch {
            throw failed(error, sql: S.sql)
        }
    }

    /// Runs one statement and returns its rows as PostgresNIO gives them (binary cells).
    func records(_ sql: String, _ args: [SQLValue]) throws -> [PostgresRow] {
        statementsRun += 1
        let (text, binds) = try PGConnection.prepare(sql, args)
        do {
            return try connection.query(PostgresQuery(unsafeSQL: text, binds: binds), logger: PGConnection.logger).wait().rows
        } catch {
            throw failed(error, sql: sql)
        }
    }

    /// `COPY table (columns) FROM STDIN` with `text` (COPY's text format), in the open
    /// transaction if there is one. PostgresNIO's COPY is async only: it runs as a task while
    /// this thread waits, as for every other statement (never on an event loop).
    func copy(into table: String, columns: [String], _ text: [UInt8]) throws {
        statementsRun += 1
        let connection = self.connection, data = ByteBuffer(bytes: text)
        let outcome = Self.waitForTask {
            try await connection.copyFrom(table: table, columns: columns, logger: PGConnection.logger) { writer in
                try await writer.write(data)
            }
        }
        if case .failure(let error) = outcome { throw failed(error, sql: "COPY \(table) FROM STDIN") }
    }

    /// Runs PostgresNIO's async-only calls (COPY, typed prepared statements) as a task while
    /// this thread waits for it (never an event loop's thread: the store is used off them).
    private static func waitForTask<T>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let outcome = TaskOutcome<T>(), done = DispatchSemaphore(value: 0)
        Task {
            do { outcome.result = .success(try await work()) } catch { outcome.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return outcome.result
    }

    /// Sends a statement without parameters and returns at once (a cursor's next FETCH,
    /// asked for while the current batch is read); `rows(of:sql:)` waits for it.
    func submit(_ sql: String) -> EventLoopFuture<PostgresQueryResult> {
        statementsRun += 1
        return connection.query(PostgresQuery(unsafeSQL: sql), logger: PGConnection.logger)
    }

    /// The rows of a statement sent with `submit`, as PostgresNIO gives them (binary cells).
    func rows(of result: EventLoopFuture<PostgresQueryResult>, sql: String) throws -> [PostgresRow] {
        do { return try result.wait().rows } catch { throw failed(error, sql: sql) }
    }

    /// An answer that is not what the query asked for (a bug of ours or a protocol surprise).
    static func malformed(_ what: String) -> DatabaseError {
        DatabaseError(kind: .sql, code: 0, sqliteMessage: "PostgreSQL: \(what)", sql: nil, path: nil)
    }

    /// The error as the store's own, marking the connection broken when it failed below SQL.
    private func failed(_ error: any Error, sql: String?) -> DatabaseError {
        if (error as? PSQLError)?.serverInfo == nil { broken = true }
        return PGConnection.error(error, sql: sql, location: location)
    }

    func execute(_ sql: String, _ args: [SQLValue] = []) throws { try query(sql, args) }

    /// The first column of the first row, `.null` when there is none.
    func scalar(_ sql: String, _ args: [SQLValue] = []) throws -> SQLValue {
        try query(sql, args).first?.values.first ?? .null
    }

    /// Several statements (schema steps), without parameters, one after the other.
    func script(_ sql: String) throws {
        for statement in PGConnection.statements(sql) { try query(statement) }
    }

    /// `sql` split at the semicolons outside quotes, empty statements dropped.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = [], current = "", quote: Character? = nil
        for c in sql {
            if let q = quote { if c == q { quote = nil } } else if c == "'" || c == "\"" { quote = c }
            if c == ";" && quote == nil { out.append(current); current = ""; continue }
            current.append(c)
        }
        out.append(current)
        return out.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Runs `body` all or nothing; nested calls become savepoints, as in `Database.transaction`.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        let savepoint = depth == 0 ? nil : "eplan_sp\(depth)"
        try script(savepoint.map { "SAVEPOINT \($0)" } ?? "BEGIN")
        depth += 1
        do {
            let value = try body()
            depth -= 1
            try script(savepoint.map { "RELEASE SAVEPOINT \($0)" } ?? "COMMIT")
            return value
        } catch {
            depth -= 1
            do { try script(savepoint.map { "ROLLBACK TO SAVEPOINT \($0); RELEASE SAVEPOINT \($0)" } ?? "ROLLBACK") } catch { broken = true }
            throw error
        }
    }

    /// For a cursor that outlives one call: a transaction of its own when none is open
    /// (`endOwnTransaction` commits it), else the open one (the cursor is closed at the end).
    private var ownTransaction = false
    func beginOwnTransaction() throws {
        if depth == 0 { try script("BEGIN"); ownTransaction = true }
        depth += 1
    }
    func endOwnTransaction() throws {
        depth -= 1
        if depth == 0 && ownTransaction { ownTransaction = false; try script("COMMIT") } else { try script("CLOSE eplan_export") }
    }

    // MARK: SQLite-style SQL to PostgreSQL's

    /// `?` → `$1`, `$2`…; `?N` → `$N` (outside quotes), and the arguments as binds. On the
    /// UTF-8 bytes: done per Character it cost a quarter of a served pin's CPU (a pin sends a
    /// dozen statements).
    static func prepare(_ sql: String, _ args: [SQLValue]) throws -> (String, PostgresBindings) {
        var out: [UInt8] = []
        var next = 0, quote: UInt8? = nil, i = 0
        let bytes = Array(sql.utf8)
        out.reserveCapacity(bytes.count + 8)
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if let q = quote { out.append(c); if c == q { quote = nil }; continue }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") { quote = c; out.append(c); continue }
            guard c == UInt8(ascii: "?") else { out.append(c); continue }
            var j = i
            while j < bytes.count, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") { j += 1 }
            out.append(UInt8(ascii: "$"))
            if j == i { next += 1; out += String(next).utf8 } else { out += bytes[i..<j] }
            i = j
        }
        let text = String(decoding: out, as: UTF8.self)
        var binds = PostgresBindings(capacity: args.count)
        for a in args {
            switch a {
            case .null: binds.appendNull()
            case .integer(let v): binds.append(v)
            case .real(let v): binds.append(v)
            case .text(let s): binds.append(s)
            case .blob(let b): binds.append(ByteBuffer(bytes: b))
            }
        }
        return (text, binds)
    }

    /// PostgreSQL's failures in the store's own error type, so the CLI's exit codes and the
    /// service's problem answers are the same on both backends.
    static func error(_ error: any Error, sql: String?, location: PostgresLocation) -> DatabaseError {
        guard let e = error as? PSQLError else {
            return DatabaseError(kind: .cannotOpen, code: 0, sqliteMessage: "\(error)", sql: sql, path: location.display)
        }
        guard let info = e.serverInfo else {
            // No answer from the server: it is down, unreachable, or refused us (the cause,
            // e.g. "Connection refused" or TLS's "CERTIFICATE_VERIFY_FAILED", tells which).
            let cause = e.underlying.map { " (\($0))" } ?? ""
            return DatabaseError(kind: sql == nil ? .cannotOpen : .busy, code: 0,
                                 sqliteMessage: "PostgreSQL: \(e.code)\(cause)", sql: nil, path: location.display)
        }
        let state = info[.sqlState] ?? ""
        let text = "PostgreSQL \(state): \(info[.message] ?? "")" + (info[.detail].map { " (\($0))" } ?? "")
        let kind: DatabaseError.Kind
        switch state {
        case let s where s.hasPrefix("23"): kind = .constraint
        case "40001", "40P01", "55P03", "57014": kind = .busy
        case "53100": kind = .diskFull
        case "25006", "42501": kind = .readOnly
        case "3D000", "28000", "28P01": kind = .cannotOpen
        default: kind = .sql
        }
        return DatabaseError(kind: kind, code: 0, sqliteMessage: text, sql: kind == .sql ? sql : nil,
                             path: kind == .cannotOpen ? location.display : nil)
    }
}

/// What a task left for the thread that waited for it (written before the signal, read after).
private final class TaskOutcome<T>: @unchecked Sendable {
    var result: Result<T, any Error> = .failure(CancellationError())
}

/// A PostgreSQL result row as plain values, read like SQLite's: booleans and integers as
/// integers, every geometry column (selected as WKB under a name ending in `geom`) already
/// in the SpatiaLite BLOB form the shared decoders read.
struct PGRow: RowReading {
    let values: [SQLValue]

    init(values: [SQLValue]) { self.values = values }

    /// `binary`: the cells are binary whatever the row says. PostgresNIO asks for every result
    /// in binary, but a statement prepared through `prepare(query:)` keeps the formats of its
    /// Describe (text), so its rows must be read as the bytes really are.
    init(_ row: PostgresRow, binary: Bool = false) throws {
        var out: [SQLValue] = []
        out.reserveCapacity(row.count)
        for cell in row {
            var c = cell
            if binary { c.format = .binary }
            out.append(try PGRow.value(c))
        }
        values = out
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric: return .real(Double(try cell.decode(String.self)) ?? 0)
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            guard cell.columnName.hasSuffix("geom") else { return .blob(bytes) }
            return SQLValue(SpatiaLiteBlob.encode(try WKB.decode(bytes), srid: Store.srid))
        default: return .text(try cell.decode(String.self))
        }
    }

    func isNull(_ i: Int32) -> Bool { values[Int(i)] == .null }
    func int64(_ i: Int32) -> Int64 { values[Int(i)].int64 ?? 0 }
    func double(_ i: Int32) -> Double { values[Int(i)].double ?? 0 }
    func string(_ i: Int32) -> String? {
        switch values[Int(i)] {
        case .text(let s): return s
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        default: return nil
        }
    }
    func withBlob<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        guard case .blob(let b) = values[Int(i)] else { return try body(nil) }
        return try b.withUnsafeBytes { try body($0) }
    }
}

/// The connections of the process per location, in use or idle: at most `poolMax` open
/// (`pool_max` in the URL), so a busy `eplan serve` queues its requests instead of opening
/// connections without bound until PostgreSQL refuses them all. A caller finding them all
/// in use waits (`pool_timeout`) for one to be given back or closed, then gets a clear
/// refusal (the store is unavailable: HTTP 503, CLI exit 3), never a hang.
final class ConnectionPool: @unchecked Sendable {
    /// Idle connections kept per location and mode.
    static let idlePerMode = 16
    private struct Place { var open = 0; var idle: [Bool: [PGConnection]] = [:] }
    private let condition = NSCondition()
    private var places: [String: Place] = [:]

    /// An idle connection of the mode, or nil when the caller may open a new one (its place
    /// is counted already: `closed` gives it back if the opening fails).
    func take(_ location: PostgresLocation, readOnly: Bool) throws -> PGConnection? {
        let key = location.display
        let deadline = Date(timeIntervalSinceNow: location.poolTimeout)
        var evicted: PGConnection?
        // Kept alive until after the unlock below, so it closes outside the lock (its deinit
        // comes back here).
        defer { withExtendedLifetime(evicted) {} }
        condition.lock(); defer { condition.unlock() }
        while true {
            if let c = places[key, default: Place()].idle[readOnly]?.popLast() { return c }
            if places[key, default: Place()].open < location.poolMax {
                places[key, default: Place()].open += 1
                return nil
            }
            // All open, some idle in the other mode: one of those makes room.
            if let other = places[key]?.idle[!readOnly]?.popLast() {
                other.pooled = false
                evicted = other
                return nil
            }
            if !condition.wait(until: deadline) {
                throw PostgresStoreError(.poolExhausted(max: location.poolMax, waited: location.poolTimeout))
            }
        }
    }

    /// Keeps `c` for the next store of its location and mode (closes it when enough are idle).
    func put(_ c: PGConnection, readOnly: Bool) {
        condition.lock()
        let key = c.location.display
        if places[key, default: Place()].idle[readOnly, default: []].count < ConnectionPool.idlePerMode {
            places[key, default: Place()].idle[readOnly, default: []].append(c)
            condition.signal()
        }
        condition.unlock()
    }

    /// A counted connection went away (or could not be opened): its place is free.
    func closed(_ location: PostgresLocation) {
        condition.lock()
        places[location.display, default: Place()].open -= 1
        condition.signal()
        condition.unlock()
    }
}
