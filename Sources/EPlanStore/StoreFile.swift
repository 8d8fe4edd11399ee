import CSQLite
import EPlanGeometry
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What the file named as the store is, found BEFORE anything writes to it: opening a file
/// read-write switches it to WAL and migrating adds our tables, so another program's file
/// must be recognised and refused first. Only the header bytes are read, and — for a file
/// without our marker — the schema through a read-only connection.
public enum StoreFile {
    /// `PRAGMA application_id` of every eplan store: 'EPLN' (0x45504C4E). Written when a store
    /// is created and when an older eplan store (made before the marker) is upgraded.
    public static let applicationID: Int32 = 0x4550_4C4E

    /// The last schema version eplan wrote without the marker (stores made before it existed).
    static let lastUnmarkedVersion = 4

    /// GeoPackage's application ids: 'GPKG' (1.2 and later), 'GP10', 'GP11' (1.0, 1.1).
    static let geoPackageIDs: Set<UInt32> = [0x4750_4B47, 0x4750_3130, 0x4750_3131]

    /// What opening may go on with.
    public enum Identity: Equatable, Sendable {
        /// Nothing there yet (missing, zero-length, or an SQLite file without any schema): migrations make it a store.
        case new
        /// Carries our marker.
        case eplan
        /// Made by eplan before the marker existed: recognised by its tables; upgraded on write.
        case olderEplan
    }

    /// What a refused file is.
    public enum Kind: Equatable, Sendable {
        case noPath, directory, fifo, device, socket
        case emptyFile, emptySQLite, geoPackage, spatiaLite
        case otherSQLite(applicationID: UInt32)
    }

    /// Identifies `path` without changing it; throws for anything that is not (or cannot become) an eplan store.
    public static func identify(_ path: String, create: Bool) throws -> Identity {
        if path == ":memory:" { return .new }
        guard !path.isEmpty else { throw StoreError(.notAStore(path: path, what: .noPath)) }
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return .new }  // Database says "not found" when it may not create
            throw DatabaseError(kind: .cannotOpen, code: SQLITE_CANTOPEN, sqliteMessage: String(cString: strerror(errno)), path: path)
        }
        try refuseNonRegular(path, mode: st.st_mode)
        if st.st_size == 0 && sidecarSize(path + "-wal") == 0 {
            if create { return .new }
            throw StoreError(.notAStore(path: path, what: .emptyFile))
        }
        let file = FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        if openStores.withLock({ $0[file] != nil }) { return .eplan }
        guard let header = readHeader(path) else {
            throw DatabaseError(kind: .notADatabase, code: SQLITE_NOTADB, sqliteMessage: "file is not a database", path: path)
        }
        let appID = header.applicationID
        if appID == UInt32(bitPattern: applicationID) { return .eplan }
        if geoPackageIDs.contains(appID) { throw StoreError(.notAStore(path: path, what: .geoPackage)) }
        if appID != 0 { throw StoreError(.notAStore(path: path, what: .otherSQLite(applicationID: appID))) }
        return try inspectSchema(path, create: create)
    }

    /// A FIFO would block the open, a device or directory is no database: refuse them by type.
    public static func refuseNonRegular(_ path: String, mode: mode_t) throws {
        let what: Kind
        switch mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: what = .directory
        case S_IFIFO: what = .fifo
        case S_IFCHR, S_IFBLK: what = .device
        default: what = .socket
        }
        throw StoreError(.notAStore(path: path, what: what))
    }

    private static func sidecarSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    struct Header { var applicationID: UInt32 }

    /// A file by device and inode: a store replaced under the same name is a new file.
    struct FileID: Hashable { let device: UInt64; let inode: UInt64 }

    /// The eplan stores this process has open, with how many connections each. A file open
    /// here is not identified again by reading its header. Why: closing any descriptor of a
    /// file drops every POSIX lock this process holds on it, SQLite's own included. The server
    /// keeps connections open (a pool and the pin writer); reading the header through
    /// open/close for each new connection pulled their locks away, and a later connection
    /// then ran WAL recovery under them ("disk I/O error"). Counted per open file only: an
    /// inode is reused once its file is gone, and then the header must be read again.
    private static let openStores = Mutex<[FileID: Int]>([:])

    /// Counts a connection to `path` (an eplan store); nil when the file cannot be found.
    static func opened(_ path: String) -> FileID? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let file = FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        openStores.withLock { $0[file, default: 0] += 1 }
        return file
    }

    static func closed(_ file: FileID) {
        openStores.withLock { stores in
            let left = (stores[file] ?? 1) - 1
            stores[file] = left > 0 ? left : nil
        }
    }

    /// The 100-byte SQLite header, or nil when the file does not start with one.
    /// O_NONBLOCK: should the file have become a FIFO since `stat`, the read does not hang.
    static func readHeader(_ path: String) -> Header? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: 100)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 100, 0) }
        guard n == 100, Array(bytes[0..<16]) == Array("SQLite format 3\0".utf8) else { return nil }
        let id = bytes[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Header(applicationID: id)
    }

    /// A file without an application id: ours from before the marker, empty, or someone else's.
    /// Read through a read-only connection (it sees a WAL not yet checkpointed, too).
    private static func inspectSchema(_ path: String, create: Bool) throws -> Identity {
        let db = try Database(path: path, readOnly: true, create: false)
        if try db.applicationID() == applicationID { return .eplan }
        let version = try db.userVersion()
        var tables: Set<String> = []
        try db.query("SELECT name FROM sqlite_master WHERE type = 'table'") { tables.insert($0.string(0) ?? "") }
        let objects = try db.scalar("SELECT count(*) FROM sqlite_master").int64 ?? 0
        if objects == 0 && version == 0 {
            if create { return .new }
            throw StoreError(.notAStore(path: path, what: .emptySQLite))
        }
        if (1...lastUnmarkedVersion).contains(version), try isOlderEplan(db, tables: tables, version: version) {
            return .olderEplan
        }
        let what: Kind
        if tables.contains("gpkg_contents") || tables.contains("gpkg_spatial_ref_sys") { what = .geoPackage }
        else if tables.contains("geometry_columns") && tables.contains("spatial_ref_sys") { what = .spatiaLite }
        else { what = .otherSQLite(applicationID: 0) }
        throw StoreError(.notAStore(path: path, what: what))
    }

    /// The columns eplan's own tables have had since the schema step that made them.
    static func expectedColumns(version: Int) -> [String: Set<String>] {
        let unit: Set<String> = ["id", "code", "name_th", "name_en", "is_valid", "invalid_reason",
                                 "invalid_x", "invalid_y", "imported_at", "geom"]
        var expected: [String: Set<String>] = [
            "province": unit,
            "amphoe": unit.union(["province_code"]),
            "tambon": unit.union(["amphoe_code", "province_code"]),
            "boundary_import": ["id", "level", "source", "feature_count", "imported_at"],
            "geometry_columns": ["f_table_name", "f_geometry_column", "geometry_type", "srid"],
        ]
        if version >= 2 {
            expected["setting"] = ["key", "value"]
            expected["lao"] = ["id", "code", "type", "name_th", "province_code", "coverage", "geom"]
            expected["project"] = ["id", "code", "lao_code", "plan_year", "name_th", "kind"]
            expected["pin"] = ["id", "project_code", "version", "is_current", "pinned_at", "pinned_by",
                               "raw_input", "input_crs", "status", "tolerance_m", "geom"]
        }
        if version >= 4 { expected["boundary_original"] = ["level", "code", "geom", "invalid_reason", "repair", "replaced_at"] }
        return expected
    }

    private static func isOlderEplan(_ db: Database, tables: Set<String>, version: Int) throws -> Bool {
        for (table, columns) in expectedColumns(version: version) {
            guard tables.contains(table) else { return false }
            var found: Set<String> = []
            try db.query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { found.insert($0.string(0) ?? "") }
            guard columns.isSubset(of: found) else { return false }
        }
        return true
    }
}

extension StoreFile.Kind {
    /// What the file is, as the refusal names it.
    var label: Message {
        switch self {
        case .noPath: return Message(th: "ไม่ได้ระบุชื่อไฟล์", en: "no file name")
        case .directory: return Message(th: "เป็นโฟลเดอร์", en: "a directory")
        case .fifo: return Message(th: "เป็นไปป์ (FIFO)", en: "a named pipe (FIFO)")
        case .device: return Message(th: "เป็นอุปกรณ์ (device)", en: "a device")
        case .socket: return Message(th: "เป็นซ็อกเก็ตหรือไฟล์พิเศษ", en: "a socket or other special file")
        case .emptyFile: return Message(th: "เป็นไฟล์ว่าง (0 ไบต์)", en: "an empty file (0 bytes)")
        case .emptySQLite: return Message(th: "เป็นฐานข้อมูล SQLite ที่ไม่มีตารางใดเลย", en: "an SQLite database with no tables")
        case .geoPackage: return Message(th: "เป็นไฟล์ GeoPackage", en: "a GeoPackage")
        case .spatiaLite: return Message(th: "เป็นฐานข้อมูล SpatiaLite ที่ไม่ได้สร้างโดย eplan",
                                         en: "a SpatiaLite database not made by eplan")
        case let .otherSQLite(id):
            let tag = id == 0 ? "" : String(format: " (application_id 0x%08X)", id)
            return Message(th: "เป็นฐานข้อมูล SQLite ของโปรแกรมอื่น\(tag)", en: "an SQLite database of another program\(tag)")
        }
    }
}

extension StoreFile {
    /// Runs `body` (the rename that puts a new store in place of the store at `path`) while
    /// the old store can hurt no one: checkpointed and switched out of WAL (refused, busy,
    /// when another connection has it open), then held EXCLUSIVE with its -wal and -shm
    /// removed. SQLite finds a -wal by name and would lay the old pages over the new file.
    public static func whileReplacing(_ path: String, _ body: () throws -> Void) throws {
        let old = try Database(path: path, readOnly: false, create: false)
        let mode = try old.scalar("PRAGMA journal_mode = DELETE").string ?? ""
        guard mode == "delete" else {
            throw DatabaseError(kind: .busy, code: SQLITE_BUSY, sqliteMessage: "the old store is open in another process", path: path)
        }
        try old.execute("BEGIN EXCLUSIVE; SELECT count(*) FROM sqlite_master")
        // Rollback mode and our exclusive lock: no connection can be using a -wal or -shm now.
        for s in ["-wal", "-shm"] { unlink(path + s) }
        defer { try? old.execute("ROLLBACK") }
        try body()
    }
}
