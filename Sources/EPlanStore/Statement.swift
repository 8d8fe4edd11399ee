import CSQLite
import Foundation

/// A value SQLite stores: the five storage classes.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var int64: Int64? {
        switch self {
        case .integer(let v): return v
        case .real(let v): return Int64(exactly: v)
        default: return nil
        }
    }
    public var double: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        default: return nil
        }
    }
    public var string: String? { if case .text(let s) = self { return s } else { return nil } }
    public var isNull: Bool { self == .null }
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
                    ExpressibleByStringLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    /// Optional Swift values become NULL when absent.
    public init(_ v: String?) { self = v.map { .text($0) } ?? .null }
    public init(_ v: Double?) { self = v.map { .real($0) } ?? .null }
    public init(_ v: Int64?) { self = v.map { .integer($0) } ?? .null }
    public init(_ v: Int?) { self = v.map { .integer(Int64($0)) } ?? .null }
    public init(_ v: Bool) { self = .integer(v ? 1 : 0) }
    public init(_ v: [UInt8]?) { self = v.map { .blob($0) } ?? .null }
}

/// One prepared statement. It owns its `sqlite3_stmt*` and finalizes it in deinit.
/// It does not keep the `Database` alive: `sqlite3_close_v2` defers closing the connection
/// until the last statement is finalized, so a statement outliving its database stays safe.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String

    init(connection: OpaquePointer, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection, sql, -1, 0, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            sqlite3_finalize(stmt)
            throw DatabaseError(connection: connection, code: rc, sql: sql)
        }
        self.handle = stmt
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    private var connection: OpaquePointer? { sqlite3_db_handle(handle) }

    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK { throw DatabaseError(connection: connection, code: rc, sql: sql) }
    }

    // MARK: Binding

    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// Binds one value; `index` counts from 1 as in SQLite.
    public func bind(_ value: SQLValue, at index: Int32) throws {
        switch value {
        case .null: try check(sqlite3_bind_null(handle, index))
        case .integer(let v): try check(sqlite3_bind_int64(handle, index, v))
        case .real(let v): try check(sqlite3_bind_double(handle, index, v))
        case .text(let s): try bindText(s, at: index)
        case .blob(let b): try b.withUnsafeBytes { try bindBlob($0, at: index) }
        }
    }

    /// Binds by name, written with its prefix as in the SQL (":code", "@code", "$code").
    public func bind(_ value: SQLValue, named name: String) throws {
        let index = sqlite3_bind_parameter_index(handle, name)
        guard index > 0 else {
            throw DatabaseError(kind: .sql, code: SQLITE_RANGE,
                                sqliteMessage: "no parameter named \(name)", sql: sql)
        }
        try bind(value, at: index)
    }

    /// Binds a text with its byte length, straight from the string's own UTF-8 (no C string
    /// made, no strlen; SQLite copies the bytes once). A NUL inside the text is refused: the
    /// readers refuse it first with the line and field (CSVTable); this is the backstop, kept
    /// so that every other SQLite client, which reads TEXT as a C string, sees all of it.
    public func bindText(_ text: String, at index: Int32) throws {
        var s = text  // `withUTF8` makes a bridged string contiguous; Swift's own already are
        try s.withUTF8 { try bindText(UnsafeRawBufferPointer($0), at: index, text: text) }
    }

    private func bindText(_ u: UnsafeRawBufferPointer, at index: Int32, text: String) throws {
        guard let base = u.baseAddress, u.count > 0 else {
            // An empty text needs a non-nil pointer, or SQLite binds NULL.
            return try check(sqlite3_bind_text(handle, index, "", 0, csqlite_transient()))
        }
        if memchr(base, 0, u.count) != nil {
            throw DatabaseError(kind: .constraint, code: SQLITE_CONSTRAINT,
                                sqliteMessage: "text holds a NUL character (byte 0): '\(text.prefix { $0 != "\0" })…'", sql: sql)
        }
        try check(sqlite3_bind_text64(handle, index, base.assumingMemoryBound(to: CChar.self), UInt64(u.count),
                                      csqlite_transient(), UInt8(SQLITE_UTF8)))
    }

    /// Binds bytes without building an intermediate array (SQLite copies them).
    public func bindBlob(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        // A zero-length blob needs a non-nil pointer, or SQLite stores NULL.
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        try check(sqlite3_bind_blob(handle, index, base, Int32(bytes.count), csqlite_transient()))
    }

    /// Clears old bindings and binds `values` to parameters 1…n.
    public func bind(_ values: [SQLValue]) throws {
        sqlite3_clear_bindings(handle)
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    // MARK: Stepping

    /// Advances one row: true when a row is ready to read, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            // Reset so the statement is reusable and the error is not reported twice.
            sqlite3_reset(handle)
            throw DatabaseError(connection: connection, code: rc, sql: sql)
        }
    }

    /// Rewinds for another run; bindings are kept.
    public func reset() { sqlite3_reset(handle) }

    public func clearBindings() { sqlite3_clear_bindings(handle) }

    /// Resets and runs to completion, binding `values` first when given
    /// (with none, bindings made earlier by `bind` are used).
    public func execute(_ values: [SQLValue] = []) throws {
        reset()
        defer { reset() }
        if !values.isEmpty { try bind(values) }
        while try step() {}
    }

    // MARK: Columns

    public var columnCount: Int32 { sqlite3_column_count(handle) }
    public func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(handle, i)) }
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }
    public func string(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, i) else { return nil }
        return String(cString: p)
    }
    public func blob(_ i: Int32) -> [UInt8]? {
        withBlob(i) { $0.map { Array($0) } }
    }
    /// Reads a blob column in place; the buffer is valid only inside `body`.
    public func withBlob<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        guard sqlite3_column_type(handle, i) != SQLITE_NULL else { return try body(nil) }
        let p = sqlite3_column_blob(handle, i)
        let n = Int(sqlite3_column_bytes(handle, i))
        return try body(UnsafeRawBufferPointer(start: p, count: n))
    }
    public func value(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(int64(i))
        case SQLITE_FLOAT: return .real(double(i))
        case SQLITE_TEXT: return .text(string(i) ?? "")
        case SQLITE_BLOB: return .blob(blob(i) ?? [])
        default: return .null
        }
    }
}

/// The current row of a running query; valid only inside the row closure.
public struct Row {
    public let statement: Statement
    public var count: Int32 { statement.columnCount }
    public func isNull(_ i: Int32) -> Bool { statement.isNull(i) }
    public func int64(_ i: Int32) -> Int64 { statement.int64(i) }
    public func int(_ i: Int32) -> Int { Int(statement.int64(i)) }
    public func double(_ i: Int32) -> Double { statement.double(i) }
    public func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
    public func string(_ i: Int32) -> String? { statement.string(i) }
    public func blob(_ i: Int32) -> [UInt8]? { statement.blob(i) }
    public func withBlob<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        try statement.withBlob(i, body)
    }
    public func value(_ i: Int32) -> SQLValue { statement.value(i) }
    public subscript(_ i: Int32) -> SQLValue { statement.value(i) }
}
