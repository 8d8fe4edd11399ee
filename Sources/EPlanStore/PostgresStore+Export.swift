import EPlanGeometry
import Foundation

// The export's rows from PostgreSQL through a server-side cursor: the same SELECT as
// SQLite's (`ProjectExportCursor.query`), fetched a batch at a time, so the client holds
// one batch whatever the export's size.
extension PostgresStore {
    public func projectExportRows(_ filter: ProjectFilter, includeUnpinned: Bool) throws -> any ProjectExportRows {
        let (sql, args) = ProjectExportCursor.query(filter, includeUnpinned: includeUnpinned, dialect: .postgis)
        let select = sql.replacingOccurrences(of: ", g.geom\n", with: ", ST_AsBinary(g.geom, 'NDR') AS geom\n")
        return try PostgresExportRows(db: db, sql: select, args: args)
    }

    public func forEachExportLAO(only ids: [Int64]?, _ body: (_ id: Int64, _ text: (Int) -> UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        let first = ProjectExportCursor.laoBlock.lowerBound
        for r in try rows(ProjectExportCursor.laoBlockQuery(only: ids)) {
            let texts = (1..<r.values.count).map { r.string(Int32($0)).map { Array($0.utf8) } }
            try withTextPointers(texts) { pointers in
                try body(r.int64(0)) { p in pointers[p - first] }
            }
        }
    }
}

/// Calls `body` with each text's bytes as a pointer valid during the call (nil for NULL).
private func withTextPointers<T>(_ texts: [[UInt8]?], _ body: ([UnsafeBufferPointer<UInt8>?]) throws -> T) rethrows -> T {
    let total = texts.reduce(0) { $0 + ($1?.count ?? 0) }
    let arena = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(total, 1))
    defer { arena.deallocate() }
    var pointers: [UnsafeBufferPointer<UInt8>?] = []
    var offset = 0
    for t in texts {
        guard let t else { pointers.append(nil); continue }
        let slice = UnsafeMutableBufferPointer(rebasing: arena[offset..<(offset + t.count)])
        _ = slice.initialize(from: t)
        pointers.append(UnsafeBufferPointer(slice))
        offset += t.count
    }
    return try body(pointers)
}

/// The export's rows (and the OGC API's project pages) through a `PGCursor`.
final class PostgresExportRows: ProjectExportRows {
    private let cursor: PGCursor

    init(db: PGConnection, sql: String, args: [SQLValue], whole: Bool = false) throws {
        cursor = try PGCursor(db: db, sql: sql, args: args, whole: whole)
    }

    func step() throws -> Bool { try cursor.step() }

    var laoID: Int64? { cursor.isNull(ProjectExportCursor.laoIDColumn) ? nil : cursor.int64(ProjectExportCursor.laoIDColumn) }
    func isNull(_ property: Int) -> Bool { cursor.isNull(ProjectExportCursor.column(property)) }
    func text(_ property: Int) -> UnsafeBufferPointer<UInt8>? { cursor.text(ProjectExportCursor.column(property)) }
    func int64(_ property: Int) -> Int64 { cursor.int64(ProjectExportCursor.column(property)) }
    func double(_ property: Int) -> Double { cursor.double(ProjectExportCursor.column(property)) }
    var geometry: UnsafeRawBufferPointer? { cursor.blob(ProjectExportCursor.geomColumn) }
    var code: String? { cursor.string(0) }
    func laoIDsAhead() throws -> [Int64]? { try cursor.wholeInt64s(Int(ProjectExportCursor.laoIDColumn)) }
}
