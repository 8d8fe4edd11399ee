import NIOCore
import PostgresNIO

/// Rows stepped through `DECLARE … CURSOR` / `FETCH` inside a read transaction of their
/// own (committed at the end, or when the cursor is dropped): the client holds one or two
/// batches, whatever the result's size.
///
/// Why it is shaped this way (the export of millions of pins runs through it):
/// - The next batch is asked for as soon as one arrives, so PostgreSQL and the bridge's
///   event loop fill it while this thread writes the current one.
/// - Batches are sized by bytes (about `batchBytes`), not rows: pins are small, boundaries
///   large, and the memory stays flat for both.
/// - Each row comes as ONE binary record (`SELECT ROW(q.*) FROM (sql) q`), its fields
///   copied once into an arena owned here (texts as they are, numbers decoded on demand,
///   every `bytea` column — a geometry selected as `ST_AsBinary(…, 'NDR')` — transcoded
///   from WKB to the SpatiaLite BLOB the shared writers read), valid until the next step,
///   as SQLite's column pointers are. No Swift values per row.
final class PGCursor {
    static let batchBytes = 8 << 20
    static let firstBatch = 256, maxBatch = 50_000

    private let db: PGConnection
    private var rows: [PostgresRow] = []
    private var index = -1
    private var pending: EventLoopFuture<PostgresQueryResult>?
    private var batchSize = PGCursor.firstBatch
    private var open = true
    private var rowsSeen = 0, bytesSeen = 0
    /// The result came whole (`init(whole: true)`): every row is in hand before the first step.
    private var isWhole = false

    private struct Cell { var start = 0; var count = -1; var type: PostgresDataType; var isText = false }
    private var cells: [Cell] = []
    private var arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    private var used = 0

    /// `whole`: the result is small and bounded (a page with its `LIMIT`): its rows come in
    /// one query, read the same way, with no cursor.
    init(db: PGConnection, sql: String, args: [SQLValue], whole: Bool = false) throws {
        self.db = db
        if whole {
            rows = try db.records("SELECT ROW(q.*) FROM (\(sql)) q", args)
            open = false
            isWhole = true
            return
        }
        try db.beginOwnTransaction()
        do {
            // The subquery keeps its ORDER BY (PostgreSQL does not pull up a sorted subquery).
            try db.execute("DECLARE eplan_export NO SCROLL CURSOR FOR SELECT ROW(q.*) FROM (\(sql)) q", args)
        } catch {
            try? db.endOwnTransaction()
            throw error
        }
        pending = db.submit(fetch)
    }

    deinit {
        if let pending { _ = try? pending.wait() }
        if open { try? db.endOwnTransaction() }
        arena.deallocate()
    }

    private var fetch: String { "FETCH \(batchSize) FROM eplan_export" }

    func step() throws -> Bool {
        index += 1
        if index >= rows.count {
            guard open, let next = pending else { return try finish() }
            pending = nil
            rows = []
            rows = try db.rows(of: next, sql: "FETCH FROM eplan_export")
            index = 0
            if rows.count == batchSize {
                resize()
                pending = db.submit(fetch)
            }
            if rows.isEmpty { return try finish() }
        }
        try load(rows[index])
        return true
    }

    private func finish() throws -> Bool {
        if open { open = false; try db.endOwnTransaction() }
        return false
    }

    /// The next batch's rows: about `batchBytes` at the sizes seen so far (four times the
    /// last before any row was read).
    private func resize() {
        let target = rowsSeen > 0 ? PGCursor.batchBytes / max(bytesSeen / rowsSeen, 1) : batchSize * 4
        batchSize = min(max(target, PGCursor.firstBatch), PGCursor.maxBatch)
    }

    // MARK: Reading the current row

    /// The row's one cell, a record (`ROW(q.*)`, in binary: a field count, then each
    /// field's type OID, length (-1: NULL) and bytes), laid out in the arena field by field.
    /// One cell a row instead of one a column: PostgresNIO makes a `PostgresCell` per cell.
    private func load(_ row: PostgresRow) throws {
        cells.removeAll(keepingCapacity: true)
        used = 0
        guard let cell = row.first, let record = cell.bytes, cell.format == .binary else {
            throw PGConnection.malformed("a cursor row is not a binary record")
        }
        reserve(record.readableBytes + 64)
        var fallback: [(Int, PostgresDataType, ByteBuffer)] = []
        try record.withUnsafeReadableBytes { raw in
            guard raw.count >= 4 else { throw PGConnection.malformed("a cursor row is truncated") }
            let n = Int(Int32(bigEndian: raw.loadUnaligned(as: Int32.self)))
            var at = 4
            for i in 0..<n {
                guard at + 8 <= raw.count else { throw PGConnection.malformed("a cursor row is truncated") }
                let type = PostgresDataType(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                let length = Int(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: at + 4, as: Int32.self)))
                at += 8
                guard length >= 0 else { cells.append(Cell(type: type)); continue }
                guard at + length <= raw.count else { throw PGConnection.malformed("a cursor row is truncated") }
                let field = UnsafeRawBufferPointer(rebasing: raw[at..<(at + length)])
                at += length
                if type == .bytea {
                    cells.append(Cell(start: used, count: try appendGeometry(field), type: type))
                } else if PGCursor.isRaw(type) {
                    cells.append(Cell(start: used, count: append(field), type: type, isText: PGCursor.isTextual(type)))
                } else {
                    // Anything else (numeric, dates…) as PostgreSQL's text, as `PGRow` reads it.
                    fallback.append((i, type, ByteBuffer(bytes: field)))
                    cells.append(Cell(type: .text, isText: true))
                }
            }
        }
        for (i, type, bytes) in fallback {
            let text = ByteBuffer(string: try PostgresCell(bytes: bytes, dataType: type, format: .binary, columnName: "", columnIndex: i)
                .decode(String.self))
            let n = text.readableBytes
            reserve(n)
            text.withUnsafeReadableBytes { _ = append($0) }
            cells[i].start = used - n; cells[i].count = n
        }
        rowsSeen += 1
        bytesSeen += used
    }

    /// Types whose binary form is read as is: texts (UTF-8), byte strings, integers, floats, booleans.
    private static func isRaw(_ t: PostgresDataType) -> Bool {
        isTextual(t) || t == .bytea || t == .int2 || t == .int4 || t == .int8 || t == .float4 || t == .float8 || t == .bool
    }
    private static func isTextual(_ t: PostgresDataType) -> Bool { t == .text || t == .varchar || t == .bpchar || t == .name }

    /// Room for `n` more bytes (offsets stay valid; pointers are only made after `load`).
    private func reserve(_ n: Int) {
        guard used + n > arena.count else { return }
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: max(arena.count * 2, used + n), alignment: 8)
        grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: arena[0..<used]))
        arena.deallocate()
        arena = grown
    }

    private func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = bytes.count
        reserve(n)
        UnsafeMutableRawBufferPointer(rebasing: arena[used..<(used + n)]).copyMemory(from: bytes)
        used += n
        return n
    }

    /// WKB to a SpatiaLite BLOB in the arena (0 bytes, read as nil, for an empty geometry).
    private func appendGeometry(_ wkb: UnsafeRawBufferPointer) throws -> Int {
        let capacity = WKB.spatiaLiteCapacity(wkbCount: wkb.count)
        reserve(capacity)
        if let n = WKB.transcode(wkb, srid: Store.srid, into: UnsafeMutableRawBufferPointer(rebasing: arena[used..<(used + capacity)])) {
            used += n
            return n
        }
        let general = SpatiaLiteBlob.encode(try WKB.decode(Array(wkb)), srid: Store.srid) ?? []
        return general.withUnsafeBytes { append($0) }
    }

    private func bytes(_ c: Int32) -> UnsafeRawBufferPointer? {
        let cell = cells[Int(c)]
        guard cell.count >= 0 else { return nil }
        return UnsafeRawBufferPointer(rebasing: arena[cell.start..<(cell.start + cell.count)])
    }

    func isNull(_ c: Int32) -> Bool { cells[Int(c)].count < 0 }

    /// Column `c`'s distinct integers over every row of a whole result (NULLs left out), read
    /// from the records' field headers without loading the rows; nil for a streamed result.
    /// A page asks which LAOs its rows name before writing them (see `ProjectExportRows`).
    func wholeInt64s(_ c: Int) throws -> [Int64]? {
        guard isWhole else { return nil }
        var seen = Set<Int64>()
        for row in rows {
            guard let cell = row.first, let record = cell.bytes, cell.format == .binary else {
                throw PGConnection.malformed("a page row is not a binary record")
            }
            if let v = try record.withUnsafeReadableBytes({ try PGCursor.int64Field(c, of: $0) }) { seen.insert(v) }
        }
        return seen.sorted()
    }

    /// Field `c` of a binary record when it is a non-NULL integer, found by skipping the
    /// fields before it (each: type OID, length, bytes).
    private static func int64Field(_ c: Int, of raw: UnsafeRawBufferPointer) throws -> Int64? {
        guard raw.count >= 4, c < Int(Int32(bigEndian: raw.loadUnaligned(as: Int32.self))) else {
            throw PGConnection.malformed("a page row is truncated")
        }
        var at = 4
        for i in 0...c {
            guard at + 8 <= raw.count else { throw PGConnection.malformed("a page row is truncated") }
            let type = PostgresDataType(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            let length = Int(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: at + 4, as: Int32.self)))
            at += 8
            guard i == c else { at += max(length, 0); continue }
            guard length >= 0 else { return nil }
            guard at + length <= raw.count else { throw PGConnection.malformed("a page row is truncated") }
            switch (type, length) {
            case (.int8, 8): return Int64(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self))
            case (.int4, 4): return Int64(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            default: throw PGConnection.malformed("a page row's field \(c) is not an integer")
            }
        }
        return nil
    }

    /// Column `c`'s text, nil for NULL.
    func text(_ c: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard cells[Int(c)].isText, let b = bytes(c) else { return nil }
        return b.assumingMemoryBound(to: UInt8.self)
    }

    /// Column `c`'s BLOB (a geometry column arrives as a SpatiaLite BLOB), nil for NULL or empty.
    func blob(_ c: Int32) -> UnsafeRawBufferPointer? {
        guard let b = bytes(c), !b.isEmpty else { return nil }
        return b
    }

    /// Column `c` as an integer (booleans 0/1, reals truncated, texts parsed), 0 for NULL.
    func int64(_ c: Int32) -> Int64 {
        guard let b = bytes(c) else { return 0 }
        switch cells[Int(c)].type {
        case .bool: return b.first.map { Int64($0) } ?? 0
        case .int2 where b.count == 2: return Int64(Int16(bigEndian: b.loadUnaligned(as: Int16.self)))
        case .int4 where b.count == 4: return Int64(Int32(bigEndian: b.loadUnaligned(as: Int32.self)))
        case .int8 where b.count == 8: return Int64(bigEndian: b.loadUnaligned(as: Int64.self))
        case .float4, .float8: let d = double(c); return d.isFinite ? Int64(d) : 0
        default: return string(c).flatMap { Int64($0) } ?? 0
        }
    }

    /// Column `c` as a real, 0 for NULL.
    func double(_ c: Int32) -> Double {
        guard let b = bytes(c) else { return 0 }
        switch cells[Int(c)].type {
        case .float8 where b.count == 8: return Double(bitPattern: UInt64(bigEndian: b.loadUnaligned(as: UInt64.self)))
        case .float4 where b.count == 4: return Double(Float(bitPattern: UInt32(bigEndian: b.loadUnaligned(as: UInt32.self))))
        case .bool, .int2, .int4, .int8: return Double(int64(c))
        default: return string(c).flatMap { Double($0) } ?? 0
        }
    }

    /// Column `c` as a String (numbers written out), nil for NULL or a BLOB.
    func string(_ c: Int32) -> String? {
        if let t = text(c) { return String(decoding: t, as: UTF8.self) }
        guard !isNull(c) else { return nil }
        switch cells[Int(c)].type {
        case .bool, .int2, .int4, .int8: return String(int64(c))
        case .float4, .float8: return String(double(c))
        default: return nil
        }
    }
}
