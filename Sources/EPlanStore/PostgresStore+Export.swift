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

    public func forEachExportLAO(_ body: (_ id: Int64, _ text: (Int) -> UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        let block = ProjectExportCursor.columns[ProjectExportCursor.laoBlock]
        let first = ProjectExportCursor.laoBlock.lowerBound
        for r in try rows("""
            SELECT l.id, l.code, \(block.dropFirst().map(\.sql).joined(separator: ", "))
            FROM lao l LEFT JOIN amphoe a ON a.code = l.amphoe_code LEFT JOIN province v ON v.code = l.province_code
            """) {
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

/// Rows stepped through `DECLARE … CURSOR` / `FETCH` inside a read transaction of their
/// own (committed at the end, or when the cursor is dropped): the client holds one batch,
/// whatever the result's size. The current row's texts and BLOBs are copied into memory
/// owned here, valid until the next step (as SQLite's column pointers are).
final class PGCursor {
    static let batch = 2000
    private let db: PGConnection
    private var batch: [PGRow] = []
    private var index = -1
    private var open = true
    private var arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    private var spans: [Range<Int>?] = []

    init(db: PGConnection, sql: String, args: [SQLValue]) throws {
        self.db = db
        try db.beginOwnTransaction()
        do {
            try db.execute("DECLARE eplan_export NO SCROLL CURSOR FOR \(sql)", args)
        } catch {
            try? db.endOwnTransaction()
            throw error
        }
    }

    deinit {
        if open { try? db.endOwnTransaction() }
        arena.deallocate()
    }

    func step() throws -> Bool {
        index += 1
        if index >= batch.count {
            guard open else { return false }
            batch = try db.query("FETCH \(PGCursor.batch) FROM eplan_export")
            index = 0
            if batch.isEmpty {
                open = false
                try db.endOwnTransaction()
                return false
            }
        }
        copyRow(batch[index])
        return true
    }

    /// Lays the row's texts and BLOB end to end in `arena`, growing it when needed.
    private func copyRow(_ r: PGRow) {
        var needed = 0
        for v in r.values {
            if case .text(let s) = v { needed += s.utf8.count } else if case .blob(let b) = v { needed += b.count }
        }
        if needed > arena.count {
            arena.deallocate()
            arena = UnsafeMutableRawBufferPointer.allocate(byteCount: needed * 2, alignment: 8)
        }
        spans.removeAll(keepingCapacity: true)
        var offset = 0
        for v in r.values {
            switch v {
            case .text(let s):
                let n = s.utf8.count
                _ = UnsafeMutableRawBufferPointer(rebasing: arena[offset..<(offset + n)]).copyBytes(from: s.utf8)
                spans.append(offset..<(offset + n)); offset += n
            case .blob(let b):
                b.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: arena[offset..<(offset + b.count)]).copyMemory(from: $0) }
                spans.append(offset..<(offset + b.count)); offset += b.count
            default: spans.append(nil)
            }
        }
    }

    var row: PGRow { batch[index] }

    /// Column `c`'s text, nil for NULL.
    func text(_ c: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let span = spans[Int(c)] else { return nil }
        return UnsafeRawBufferPointer(rebasing: arena[span]).assumingMemoryBound(to: UInt8.self)
    }

    /// Column `c`'s BLOB (a geometry column arrives as a SpatiaLite BLOB), nil for NULL or empty.
    func blob(_ c: Int32) -> UnsafeRawBufferPointer? {
        guard let span = spans[Int(c)], !span.isEmpty else { return nil }
        return UnsafeRawBufferPointer(rebasing: arena[span])
    }
}

/// The export's rows (and the OGC API's project pages) through a `PGCursor`.
final class PostgresExportRows: ProjectExportRows {
    private let cursor: PGCursor

    init(db: PGConnection, sql: String, args: [SQLValue]) throws {
        cursor = try PGCursor(db: db, sql: sql, args: args)
    }

    func step() throws -> Bool { try cursor.step() }
    private var row: PGRow { cursor.row }

    var laoID: Int64? { row.isNull(ProjectExportCursor.laoIDColumn) ? nil : row.int64(ProjectExportCursor.laoIDColumn) }
    func isNull(_ property: Int) -> Bool { row.isNull(ProjectExportCursor.column(property)) }
    func text(_ property: Int) -> UnsafeBufferPointer<UInt8>? { cursor.text(ProjectExportCursor.column(property)) }
    func int64(_ property: Int) -> Int64 { row.int64(ProjectExportCursor.column(property)) }
    func double(_ property: Int) -> Double { row.double(ProjectExportCursor.column(property)) }
    var geometry: UnsafeRawBufferPointer? { cursor.blob(ProjectExportCursor.geomColumn) }
    var code: String? { row.string(0) }
}
