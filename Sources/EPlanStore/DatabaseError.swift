import CSQLite
#if canImport(Glibc)
import Glibc
#endif
import EPlanGeometry

/// An error from SQLite, carrying SQLite's own words so a report can be searched for,
/// plus a bilingual sentence for the person reading it.
public struct DatabaseError: UserFacingError {
    public enum Kind: Sendable, Equatable {
        /// The file does not exist and the caller asked not to create it.
        case missingFile
        /// The file or its directory cannot be written, but writing was asked for.
        case readOnly
        /// The file exists but is not an SQLite database (SQLITE_NOTADB).
        case notADatabase
        /// Any other failure to open.
        case cannotOpen
        /// A constraint (UNIQUE, NOT NULL, CHECK, FOREIGN KEY, a trigger's RAISE) refused a change.
        case constraint
        /// Another connection held a lock longer than the busy timeout.
        case busy
        /// The disk (or the user's quota) is full: SQLITE_FULL, or an I/O error whose cause was ENOSPC.
        case diskFull
        /// Any other SQL failure.
        case sql
    }

    public let kind: Kind
    /// SQLite's extended result code (0 when the error came from our own checks).
    public let code: Int32
    /// `sqlite3_errmsg` text, or our own English description when SQLite said nothing.
    public let sqliteMessage: String
    /// The statement at fault, when there is one.
    public let sql: String?
    /// The database file, when the error is about opening it.
    public let path: String?

    public init(kind: Kind, code: Int32, sqliteMessage: String, sql: String? = nil, path: String? = nil) {
        self.kind = kind; self.code = code; self.sqliteMessage = sqliteMessage; self.sql = sql; self.path = path
    }

    /// Builds the error from the connection's current error state.
    init(connection: OpaquePointer?, code: Int32, sql: String?, path: String? = nil) {
        let text = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        self.init(kind: DatabaseError.kind(for: code, connection: connection), code: extended, sqliteMessage: text, sql: sql, path: path)
    }

    /// As `kind(for:)`, and a write that failed for want of space but came back as "disk I/O
    /// error" (a WAL or journal write, an fsync) is `.diskFull`: the OS error says what it was.
    static func kind(for code: Int32, connection: OpaquePointer?) -> Kind {
        if code & 0xFF == SQLITE_IOERR, let c = connection, [ENOSPC, EDQUOT].contains(sqlite3_system_errno(c)) { return .diskFull }
        return kind(for: code)
    }

    static func kind(for code: Int32) -> Kind {
        switch code & 0xFF {
        case SQLITE_NOTADB: return .notADatabase
        case SQLITE_READONLY: return .readOnly
        case SQLITE_CONSTRAINT: return .constraint
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy
        case SQLITE_CANTOPEN: return .cannotOpen
        case SQLITE_FULL: return .diskFull
        default: return .sql
        }
    }

    public var message: Message {
        let file = path.map { " (\($0))" } ?? ""
        let detail = sqliteMessage + (sql.map { " — SQL: \($0)" } ?? "")
        switch kind {
        case .missingFile:
            return Message(th: "เปิดฐานข้อมูลไม่ได้: ไม่พบไฟล์\(file)",
                           en: "cannot open database: file not found\(file)")
        case .readOnly:
            return Message(th: "เขียนฐานข้อมูลไม่ได้: ไฟล์หรือโฟลเดอร์เป็นแบบอ่านอย่างเดียว\(file): \(detail)",
                           en: "cannot write database: the file or its folder is read-only\(file): \(detail)")
        case .notADatabase:
            return Message(th: "เปิดฐานข้อมูลไม่ได้: ไฟล์นี้ไม่ใช่ฐานข้อมูล SQLite\(file): \(detail)",
                           en: "cannot open database: the file is not an SQLite database\(file): \(detail)")
        case .cannotOpen:
            return Message(th: "เปิดฐานข้อมูลไม่ได้\(file): \(detail)",
                           en: "cannot open database\(file): \(detail)")
        case .constraint:
            return Message(th: "ข้อมูลขัดกับข้อกำหนดของฐานข้อมูล: \(detail)",
                           en: "data violates a database constraint: \(detail)")
        case .busy:
            return Message(th: "ฐานข้อมูลถูกใช้งานอยู่ กรุณาลองใหม่: \(detail)",
                           en: "database is busy, try again: \(detail)")
        case .diskFull:
            return Message(th: "ดิสก์เต็ม: บันทึกลงฐานข้อมูล\(file)ไม่ได้ การเปลี่ยนแปลงนี้ไม่ถูกบันทึก — ลบไฟล์ที่ไม่ใช้ หรือย้ายฐานข้อมูลไปยังดิสก์ที่มีที่ว่าง แล้วลองใหม่ (\(detail))",
                           en: "disk full: cannot write to the database\(file); this change was not saved — free some space or move the database to a disk with room, then try again (\(detail))")
        case .sql:
            return Message(th: "คำสั่งฐานข้อมูลผิดพลาด: \(detail)",
                           en: "database error: \(detail)")
        }
    }
}
