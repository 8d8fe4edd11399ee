import Synchronization
/// One declaration per table gives both the SELECT list and every read, so a column cannot
/// be read at the wrong index: each case is named exactly as its SQL column, and its raw
/// value (assigned by declaration order, from 0) is its position in the list.
protocol ColumnSet: CaseIterable, RawRepresentable where RawValue == Int32, AllCases == [Self] {}

extension ColumnSet {
    /// The SQL column name: the case's own name.
    var name: String { ColumnNames.of(Self.self)[Int(rawValue)] }

    /// "code, lao_code, …", each prefixed with `alias.` when given, in declaration order.
    static func list(_ alias: String? = nil) -> String {
        allCases.map { (alias.map { $0 + "." } ?? "") + $0.name }.joined(separator: ", ")
    }

    /// "?, ?, …": one parameter per column.
    static var placeholders: String { allCases.map { _ in "?" }.joined(separator: ", ") }
}

/// Each column set's case names, found once per process: `String(describing:)` of an enum
/// case asks the runtime's reflection (~100,000 instructions a name), and every query
/// writes its column list, so a server would pay it on every request.
enum ColumnNames {
    private static let cache = Mutex<[ObjectIdentifier: [String]]>([:])

    static func of<C: ColumnSet>(_ type: C.Type) -> [String] {
        if let hit = cache.withLock({ $0[ObjectIdentifier(type)] }) { return hit }
        // Positions are the raw values (a test checks), so the list is indexed by them.
        let names = C.allCases.map { String(describing: $0) }
        cache.withLock { $0[ObjectIdentifier(type)] = names }
        return names
    }
}

/// A result row as the decoders read it: SQLite's `Row` in place, or a PostgreSQL row
/// (`PGRow`) whose geometry column already holds the SpatiaLite form.
protocol RowReading {
    func isNull(_ i: Int32) -> Bool
    func int64(_ i: Int32) -> Int64
    func double(_ i: Int32) -> Double
    func string(_ i: Int32) -> String?
    func withBlob<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T
}

extension Row: RowReading {}

extension RowReading {
    func int(_ i: Int32) -> Int { Int(int64(i)) }
    func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
}

/// The current row read through a table's `ColumnSet`, starting `offset` columns into the
/// result (a join selects one table's list after another's).
struct Columns<C: ColumnSet> {
    let row: any RowReading
    var offset: Int32 = 0

    init(_ row: any RowReading, offset: Int32 = 0) { self.row = row; self.offset = offset }

    @inline(__always) private func i(_ c: C) -> Int32 { c.rawValue + offset }
    func isNull(_ c: C) -> Bool { row.isNull(i(c)) }
    func string(_ c: C) -> String? { row.string(i(c)) }
    func text(_ c: C) -> String { row.string(i(c)) ?? "" }
    func int(_ c: C) -> Int { row.int(i(c)) }
    func int64(_ c: C) -> Int64 { row.int64(i(c)) }
    func optionalInt(_ c: C) -> Int? { row.isNull(i(c)) ? nil : row.int(i(c)) }
    func bool(_ c: C) -> Bool { row.int64(i(c)) != 0 }
    func double(_ c: C) -> Double { row.double(i(c)) }
    func optionalDouble(_ c: C) -> Double? { row.optionalDouble(i(c)) }
    func withBlob<T>(_ c: C, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T { try row.withBlob(i(c), body) }
}
