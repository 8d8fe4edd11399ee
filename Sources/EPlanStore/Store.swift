import EPlanGeometry

/// One step of the schema. `PRAGMA user_version` records the last step applied.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    let apply: @Sendable (Database) throws -> Void

    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { try $0.execute(sql) }
    }

    public init(version: Int, name: String, _ apply: @escaping @Sendable (Database) throws -> Void) {
        self.version = version; self.name = name; self.apply = apply
    }
}

/// Errors about the store's contents rather than SQLite itself.
public struct StoreError: UserFacingError {
    public enum Kind: Equatable, Sendable {
        /// The file was written by a newer eplan (its schema version is higher than ours).
        case schemaTooNew(found: Int, known: Int)
        /// A read-only open found a file that still needs migrating.
        case needsMigration(found: Int, known: Int)
        /// The file is not an eplan store (another program's database, a GeoPackage, a FIFO…);
        /// it was left exactly as it was.
        case notAStore(path: String, what: StoreFile.Kind)
        /// A boundary's geometry is not a polygon or multipolygon.
        case notPolygonal(code: String, type: GeometryType)
        /// An amphoe without its province code, or a tambon without its amphoe or province code.
        case missingParent(code: String, level: BoundaryLevel)
        /// A record of one level was handed to another level's import.
        case wrongLevel(code: String, expected: BoundaryLevel, found: BoundaryLevel)
        /// No unit of that level has the code.
        case unknownBoundary(code: String, level: BoundaryLevel)
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var message: Message {
        switch kind {
        case let .schemaTooNew(found, known):
            return Message(th: "ฐานข้อมูลสร้างจาก eplan รุ่นใหม่กว่า (สคีมา \(found) แต่รุ่นนี้รู้จักถึง \(known)) กรุณาปรับรุ่นโปรแกรม",
                           en: "database was written by a newer eplan (schema \(found), this version knows up to \(known)); please upgrade")
        case let .needsMigration(found, known):
            return Message(th: "ฐานข้อมูลต้องปรับสคีมา (\(found) → \(known)) แต่เปิดแบบอ่านอย่างเดียว",
                           en: "database needs a schema upgrade (\(found) → \(known)) but was opened read-only")
        case let .notAStore(path, what):
            if what == .noPath {
                return Message(th: "ไม่ได้ระบุไฟล์ฐานข้อมูล (--db หรือ EPLAN_DB เป็นค่าว่าง)",
                               en: "no database file named (--db or EPLAN_DB is empty)")
            }
            return Message(th: "\(path) \(what.label.th) ไม่ใช่ฐานข้อมูล eplan จึงไม่ได้เปิดใช้และไม่ได้แก้ไขไฟล์",
                           en: "\(path) is \(what.label.en), not an eplan store; it was left unchanged")
        case let .notPolygonal(code, type):
            return Message(th: "ขอบเขต \(code) ต้องเป็นรูปหลายเหลี่ยม แต่ได้ \(type.wktName)",
                           en: "boundary \(code) must be a polygon, got \(type.wktName)")
        case let .missingParent(code, level):
            return Message(th: "\(level.nameTH) \(code) ไม่มีรหัสหน่วยปกครองที่สังกัด",
                           en: "\(level.rawValue) \(code) has no parent code")
        case let .wrongLevel(code, expected, found):
            return Message(th: "ขอบเขต \(code) เป็นระดับ \(found.nameTH) ไม่ใช่ \(expected.nameTH)",
                           en: "boundary \(code) is a \(found.rawValue), not a \(expected.rawValue)")
        case let .unknownBoundary(code, level):
            return Message(th: "ไม่พบ\(level.nameTH)รหัส \(code)", en: "no \(level.rawValue) with code \(code)")
        }
    }
}

/// The eplan database file: opens or creates it, brings its schema up to date, owns the connection.
public final class Store {
    public let database: Database
    /// This store's file while it is open here (see `StoreFile.opened`).
    private var openFile: StoreFile.FileID?
    /// Set on the service's pin writer (`doPinTriggerWork`): its batches do the pin
    /// table's trigger work themselves.
    var pinTriggerWork: PinTriggerWork?
    public var path: String { database.options.path }

    /// The schema, oldest first. Never edit a shipped step; append a new one.
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "spatial metadata and administrative boundaries") { db in
            try db.createSpatialMetadata()
            for level in BoundaryLevel.allCases {
                try db.execute(level.createTableSQL)
                try db.createGeometryColumn(table: level.table, column: "geom", type: .multiPolygon, srid: 4326)
            }
            try db.execute("""
                CREATE INDEX amphoe_province ON amphoe (province_code);
                CREATE INDEX tambon_amphoe ON tambon (amphoe_code);
                CREATE INDEX tambon_province ON tambon (province_code);
                CREATE TABLE boundary_import (
                    id INTEGER PRIMARY KEY,
                    level TEXT NOT NULL CHECK (level IN ('province', 'amphoe', 'tambon')),
                    source TEXT NOT NULL,
                    feature_count INTEGER NOT NULL,
                    imported_at TEXT NOT NULL);
                """)
        },
        PlanSchema.migration,
        LAOFactsSchema.migration,
        RepairSchema.migration,
        VectorMetadataSchema.migration,
        AccountSchema.migration,
    ]

    public static var latestVersion: Int { migrations.last?.version ?? 0 }

    public convenience init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        try self.init(path: path, readOnly: readOnly, create: create, migrations: Store.migrations)
    }

    /// Refuses a file that is not an eplan store before anything can write to it (see `StoreFile`).
    public init(path: String, readOnly: Bool, create: Bool, migrations: [Migration]) throws {
        _ = try StoreFile.identify(path, create: create && !readOnly)
        database = try Database(path: path, readOnly: readOnly, create: create)
        try Store.migrate(database, migrations, readOnly: readOnly)
        // While this connection is open, another open of the file in this process does not
        // read the header again (which would drop this connection's locks).
        if try database.applicationID() == StoreFile.applicationID { openFile = StoreFile.opened(path) }
    }

    deinit { if let openFile { StoreFile.closed(openFile) } }

    /// Applies every step above the file's version in ONE transaction, with our marker
    /// (`StoreFile.applicationID`): a failing step leaves the file exactly as it was.
    /// Reopening an up-to-date file does nothing; an up-to-date store from before the marker
    /// is read as it is and marked by the first read-write open.
    static func migrate(_ db: Database, _ migrations: [Migration], readOnly: Bool) throws {
        let known = migrations.map(\.version).max() ?? 0
        let found = try db.userVersion()
        if found > known { throw StoreError(.schemaTooNew(found: found, known: known)) }
        let marked = try db.applicationID() == StoreFile.applicationID
        if found == known && (marked || readOnly) { return }
        if readOnly { throw StoreError(.needsMigration(found: found, known: known)) }
        try db.transaction {
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let current = try db.userVersion()
            for m in migrations.sorted(by: { $0.version < $1.version }) where m.version > current {
                try m.apply(db)
                try db.setUserVersion(m.version)
            }
            try db.setApplicationID(StoreFile.applicationID)
        }
    }

    public func schemaVersion() throws -> Int { try database.userVersion() }

    /// SQLite's `PRAGMA data_version`: it moves whenever another connection commits (this
    /// connection's own commits do not move it).
    public func dataVersion() throws -> Int64? { try database.scalar("PRAGMA data_version").int64 }

    /// `PRAGMA mmap_size`: SQLite reads the file's pages in place from the system's file
    /// cache instead of copying each into its own small cache (2 MB) with `pread`. Why: an
    /// OGC page of a box looks up a thousand pins, projects and LAOs by key, missed that
    /// cache on most pages, and spent an eighth of its time copying pages in the kernel
    /// (perf). Pages of the write-ahead log are still read with `pread`. The price SQLite
    /// documents: an I/O error while reading the map is a signal, not an error code.
    public func mapForReading(upTo bytes: Int) throws { try database.execute("PRAGMA mmap_size = \(bytes)") }
}
