import EPlanGeometry
import Foundation

/// The store on PostgreSQL 15 + PostGIS 3: the same records, rules and answers as the SQLite
/// `Store`, for a national deployment (many writers, several service processes, replicas).
/// One connection per instance, used from one thread at a time like `Store`.
///
/// Adding a method of `EPlanStoring`: write its SQL here beside the SQLite one, with `?`
/// placeholders, `SQLValue` arguments and the shared row decoders (`Columns`), selecting a
/// geometry as `ST_AsBinary(x) AS geom` and writing one as `ST_GeomFromWKB(?, 4326)`.
public final class PostgresStore {
    let db: PGConnection
    public let location: PostgresLocation
    public let readOnly: Bool
    /// `store copy`'s integer columns per table (see `insertRows`).
    var copyIntegerColumns: [String: Set<String>] = [:]

    /// Connects and brings the schema up to date (`create`: an empty database gets it; a
    /// read-only open refuses a store that needs migrating, as SQLite's does).
    public init(location: PostgresLocation, readOnly: Bool = false, create: Bool = false) throws {
        self.location = location
        self.readOnly = readOnly
        let (connection, fresh) = try PGConnection.checkOut(location, readOnly: readOnly)
        db = connection
        guard fresh else { return }
        try migrate(create: create)
        if readOnly { try db.script("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") }
    }

    /// The connection serves the next store of this location (see `ConnectionPool`).
    deinit { db.release(readOnly: readOnly) }

    private init(connection: PGConnection, location: PostgresLocation) {
        self.db = connection; self.location = location; self.readOnly = false
    }

    /// `eplan init` on PostgreSQL: the schema (anew with `force`) and whatever `load` writes,
    /// in ONE transaction: a failure leaves the database as it was, and other sessions see
    /// the old store or the new one, never a half-made one. Returns the schema version.
    public static func create(at location: PostgresLocation, force: Bool, load: (PostgresStore) throws -> Void) throws -> Int {
        let store = PostgresStore(connection: try PGConnection(location), location: location)
        try store.db.transaction {
            try store.db.execute("SELECT pg_advisory_xact_lock(7734)")
            if try store.schemaVersion() != nil {
                guard force else { throw PostgresStoreError(.exists(location.display)) }
                try store.dropAll()
            }
            try store.createSchema()
            try load(store)
        }
        return PostgresSchema.latestVersion
    }

    /// The schema version recorded, nil when the database holds no eplan store.
    public func schemaVersion() throws -> Int? {
        guard try db.scalar("SELECT to_regclass('eplan_schema') IS NOT NULL").int64 == 1 else { return nil }
        return Int(try db.scalar("SELECT coalesce(max(version), 0) FROM eplan_schema").int64 ?? 0)
    }

    /// Applies the missing steps in ONE transaction under an advisory lock, so two processes
    /// opening a new database at once migrate it once.
    private func migrate(create: Bool) throws {
        let known = PostgresSchema.latestVersion
        let found = try schemaVersion()
        if let found, found > known { throw StoreError(.schemaTooNew(found: found, known: known)) }
        if found == known { return }
        if found == nil && !create { throw PostgresStoreError(.noStore(location.display)) }
        if readOnly { throw StoreError(.needsMigration(found: found ?? 0, known: known)) }
        try db.transaction {
            try db.execute("SELECT pg_advisory_xact_lock(7734)")
            try db.script(PostgresSchema.marker)
            let current = Int(try db.scalar("SELECT coalesce(max(version), 0) FROM eplan_schema").int64 ?? 0)
            for step in PostgresSchema.steps where step.version > current {
                try db.script(step.sql)
                try db.execute("INSERT INTO eplan_schema (version, name) VALUES (?, ?)",
                               [.integer(Int64(step.version)), .text(step.name)])
            }
        }
    }

    /// Drops every eplan table (for `eplan init --force`), inside the caller's transaction.
    public func dropAll() throws {
        try db.script(PostgresSchema.tables.map { "DROP TABLE IF EXISTS \($0) CASCADE;" }.joined(separator: "\n"))
    }

    /// Creates the schema anew in an open transaction (after `dropAll`).
    public func createSchema() throws {
        try db.script(PostgresSchema.marker)
        for step in PostgresSchema.steps {
            try db.script(step.sql)
            try db.execute("INSERT INTO eplan_schema (version, name) VALUES (?, ?)", [.integer(Int64(step.version)), .text(step.name)])
        }
    }

    /// Runs `body` all or nothing (nested calls become savepoints).
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    /// Every table's row count, for `eplan store copy` and tests.
    public func rowCounts() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in PostgresSchema.tables where t != "eplan_schema" {
            out[t] = Int(try db.scalar("SELECT count(*) FROM \(t)").int64 ?? 0)
        }
        return out
    }

    /// A geometry for `ST_GeomFromWKB(?, 4326)`.
    static func wkb(_ g: Geometry?) -> SQLValue { SQLValue(g.flatMap(WKB.encode)) }

    /// `cols` as a select list with `geom` read as WKB (see `PGRow`).
    static func select<C: ColumnSet>(_: C.Type, _ alias: String? = nil) -> String {
        C.allCases.map { c in
            let name = (alias.map { $0 + "." } ?? "") + c.name
            return c.name == "geom" ? "ST_AsBinary(\(name), 'NDR') AS geom" : name
        }.joined(separator: ", ")
    }

    /// `(?, ?, …)` with `ST_GeomFromWKB(?, 4326)` in the geometry's place.
    static func placeholders<C: ColumnSet>(_: C.Type) -> String {
        C.allCases.map { $0.name == "geom" ? "ST_GeomFromWKB(?, 4326)" : "?" }.joined(separator: ", ")
    }
}

/// Failures of the PostgreSQL backend that are not SQL errors.
public struct PostgresStoreError: UserFacingError {
    public enum Kind: Equatable, Sendable {
        /// The database holds no eplan store (and the command does not create one).
        case noStore(String)
        /// The command needs the SQLite store (what it does is not yet written for PostgreSQL).
        case sqliteOnly(command: String)
        /// `eplan init` found a store there without `--force`.
        case exists(String)
        /// Every connection of the pool (`pool_max`) stayed in use for `pool_timeout` seconds.
        case poolExhausted(max: Int, waited: Double)
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var message: Message {
        switch kind {
        case .noStore(let db):
            return Message(th: "ฐานข้อมูล \(db) ยังไม่มีข้อมูล eplan (สร้างด้วย eplan init --db \(db))",
                           en: "the database \(db) holds no eplan store (create one with eplan init --db \(db))")
        case .sqliteOnly(let command):
            return Message(th: "\(command) ยังใช้ได้กับฐานข้อมูลไฟล์ SQLite เท่านั้น ยังไม่รองรับ PostgreSQL",
                           en: "\(command) works on an SQLite store file only; PostgreSQL is not supported for it yet")
        case .poolExhausted(let max, let waited):
            let s = String(format: "%g", waited)
            return Message(th: "การเชื่อมต่อ PostgreSQL ทั้ง \(max) ช่อง (pool_max) ถูกใช้งานอยู่นานกว่า \(s) วินาที กรุณาลองใหม่ภายหลัง",
                           en: "all \(max) PostgreSQL connections (pool_max) stayed in use for \(s) s; try again shortly")
        case .exists(let db):
            return Message(th: "มีฐานข้อมูล eplan ใน \(db) อยู่แล้ว ใช้ --force เพื่อสร้างใหม่ (ข้อมูลเดิมจะถูกลบ)",
                           en: "\(db) already holds an eplan store; use --force to create it anew (its data will be deleted)")
        }
    }
}
