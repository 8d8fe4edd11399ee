import Foundation

/// Streams projects with their current pins and budget attributes as GeoJSON (RFC 7946),
/// GeoJSON text sequences (RFC 8142) or CSV with WKT.
///
/// The store's rows (`EPlanStoring.projectExportRows`; for SQLite one query over the current
/// pin, the project and its LAO, see `ProjectExportCursor`) are stepped one at a time, with
/// `--bbox` re-tested on the exact MBR in the BLOB header. The LAO's names and its amphoe and
/// province names repeat for every project of the LAO, so that block is encoded once per LAO
/// beforehand (keyed by the LAO key each row carries) instead of joined on every row. Each
/// row is written as it is stepped — text and geometry BLOB read in place from the store's
/// memory — into one reused buffer handed to `write(2)` in 1 MiB chunks, so memory does not
/// grow with the number of features.
public final class ProjectExporter {
    /// A property of every feature: its key and how it is written (the store gives its value).
    public typealias Column = ProjectExportColumn

    /// The feature properties, in order (CSV adds `wkt` last).
    public static var columns: [Column] { ProjectExportCursor.columns }

    /// The properties that describe the project's LAO (lao_code … province_th).
    static let laoBlock = ProjectExportCursor.laoBlock

    /// Each LAO's block of properties, encoded once (JSON members or CSV fields, each with its
    /// leading comma), by LAO rowid: the LAO joined with its amphoe and province names. With
    /// `ids`, only those LAOs (a page's own, when its rows are known before they are written).
    func laoFragments(json: Bool, only ids: [Int64]? = nil) throws -> (bytes: [UInt8], ranges: [Int64: Range<Int>]) {
        let cols = ProjectExporter.columns
        var w = ByteWriter(capacity: 1 << 16)
        var ranges: [Int64: Range<Int>] = [:]
        try store.forEachExportLAO(only: ids) { id, text in
            let start = w.count
            for i in ProjectExporter.laoBlock {
                w.byte(UInt8(ascii: ","))
                if json { w.append(Array("\"\(cols[i].key)\":".utf8)) }
                if let t = text(i), let p = t.baseAddress {
                    if json { writeJSONString(p, t.count, into: &w) } else { writeCSVField(p, t.count, into: &w) }
                } else if json {
                    w.literal("null")
                }
            }
            ranges[id] = start..<w.count
        }
        return (w.array, ranges)
    }

    /// The query checked against the store: the store's filter (codes only, every value
    /// known to exist) and whether unpinned projects come too.
    public struct Resolved: Equatable, Sendable {
        public var filter: ProjectFilter
        public var includeUnpinned: Bool
        public var bbox: Envelope? { filter.bbox }
    }

    public struct Summary: Sendable {
        public var features: Int
        public var pinned: Int
        public var bytes: Int
    }

    public let store: any EPlanStoring
    public let format: ExportFormat
    public let precision: Int

    public init(store: any EPlanStoring, format: ExportFormat = .geojson, precision: Int = 7) throws {
        guard (0...15).contains(precision) else { throw ExportError(.badPrecision(precision)) }
        self.store = store; self.format = format; self.precision = precision
    }

    // MARK: Validation

    /// Checks every filter against the store (see `ProjectQuery.resolve`). Call before any output is opened.
    public func resolve(_ q: ProjectQuery) throws -> Resolved {
        Resolved(filter: try q.resolve(in: store), includeUnpinned: q.includeUnpinned)
    }

    // MARK: Writing

    /// Runs the export for a resolved filter into `output` (not committed: the caller commits
    /// or discards). Returns how many features were written.
    public func export(_ r: Resolved, to output: ExportOutput) throws -> Summary {
        let rows = try store.projectExportRows(r.filter, includeUnpinned: r.includeUnpinned)
        // SQLite's cursor: the loop is specialised for it and its accessors inline (the
        // zero-copy path); another backend's rows go through the generic loop.
        if let cursor = rows as? ProjectExportCursor { return try export(rows: cursor, r, to: output) }
        return try export(rows: rows, r, to: output)
    }

    /// Writes `rows` (selected by `r`) into `output`: the header, one feature or line per
    /// row (the exact `--bbox` test first), the footer; flushed in chunks of about 1 MiB.
    func export<Rows: ProjectExportRows>(rows: Rows, _ r: Resolved, to output: ExportOutput) throws -> Summary {
        let pieces = try ConstantPieces(columns: ProjectExporter.columns, lao: try laoFragments(json: format != .csv))
        let geometry = BlobGeometryWriter(syntax: format == .csv ? .wkt : .geoJSON, precision: precision)
        var summary = Summary(features: 0, pinned: 0, bytes: 0)
        try output.withWriter { w in
            writeHeader(&w)
            try pieces.withPointers { p in
                var row = RowWriter(exporter: self, pieces: p, geometry: geometry)
                while try rows.step() {
                    let geom = rows.geometry
                    // The exact envelope test for --bbox (no geometry: only with --include-unpinned).
                    if let bbox = r.bbox, let geom, let e = try? BlobGeometryWriter.envelope(geom), !e.intersects(bbox) { continue }
                    let mark = w.count
                    do {
                        let pinned = format == .csv ? try row.csv(rows, geom, into: &w)
                                                    : try row.json(rows, geom, first: summary.features == 0, into: &w)
                        if pinned { summary.pinned += 1 }
                    } catch is SpatiaLiteBlobError {
                        w.count = mark
                        throw ExportError(.badGeometry(project: rows.code ?? "?"))
                    }
                    summary.features += 1
                    if w.count >= ExportOutput.chunkSize { try output.flush(&w) }
                }
            }
            if format == .geojson { w.literal(summary.features == 0 ? "]}\n" : "\n]}\n") }
            try output.flush(&w)
        }
        summary.bytes = output.bytesWritten
        return summary
    }

    private func writeHeader(_ w: inout ByteWriter) {
        switch format {
        case .geojson: w.literal(#"{"type":"FeatureCollection","features":["#)
        case .geojsonseq: break
        case .csv:
            w.append([0xEF, 0xBB, 0xBF])
            w.append(Array((ProjectExporter.columns.map(\.key) + ["wkt"]).joined(separator: ",").utf8))
            w.literal("\r\n")
        }
    }

    /// The pieces every row repeats, encoded once: the keys (`,"key":`) end to end with their
    /// ends, each column's kind, and each LAO's block of names.
    struct ConstantPieces {
        var keyBytes: [UInt8] = [], keyEnds: [Int] = [], kinds: [UInt8] = []
        let laoBytes: [UInt8]
        let laoRanges: [Int64: Range<Int>]

        init(columns: [Column], lao: (bytes: [UInt8], ranges: [Int64: Range<Int>])) throws {
            for (i, c) in columns.enumerated() {
                keyBytes += Array(((i == 0 ? "" : ",") + "\"\(c.key)\":").utf8)
                keyEnds.append(keyBytes.count)
            }
            kinds = columns.map {
                switch $0.kind { case .text: return 0; case .integer: return 1; case .real: return 2; case .boolean: return 3; case .percent: return 4 }
            }
            (laoBytes, laoRanges) = lao
        }

        struct Pointers {
            let keys: UnsafeBufferPointer<UInt8>, keyEnds: UnsafeBufferPointer<Int>, kinds: UnsafeBufferPointer<UInt8>
            let lao: UnsafeBufferPointer<UInt8>, laoRanges: [Int64: Range<Int>]
        }

        /// The arrays' memory, held still for the body.
        func withPointers<T>(_ body: (Pointers) throws -> T) rethrows -> T {
            try keyBytes.withUnsafeBufferPointer { k in
                try keyEnds.withUnsafeBufferPointer { e in
                    try kinds.withUnsafeBufferPointer { c in
                        try laoBytes.withUnsafeBufferPointer { l in
                            try body(Pointers(keys: k, keyEnds: e, kinds: c, lao: l, laoRanges: laoRanges))
                        }
                    }
                }
            }
        }
    }

    /// Writes one row as a GeoJSON feature or a CSV line, straight from the row's memory.
    struct RowWriter {
        let exporter: ProjectExporter
        let pieces: ConstantPieces.Pointers
        let geometry: BlobGeometryWriter
        let real = DecimalWriter(precision: 6, keepPoint: true)
        let percent = DecimalWriter(precision: 2, keepPoint: true)  // (v * 100).rounded(), as roundedProgress
        var lastLAO: Int64 = -1, lastRange = 0..<0
        let restStart = ProjectExporter.laoBlock.upperBound + 1     // first property after the LAO block

        init(exporter: ProjectExporter, pieces: ConstantPieces.Pointers, geometry: BlobGeometryWriter) {
            self.exporter = exporter; self.pieces = pieces; self.geometry = geometry
        }

        /// Column i's key, `,"key":`.
        @inline(__always) func key(_ i: Int, _ w: inout ByteWriter) {
            let start = i == 0 ? 0 : pieces.keyEnds[i - 1]
            w.bytes(pieces.keys.baseAddress! + start, pieces.keyEnds[i] - start)
        }

        /// One feature; true when it has a geometry.
        @inline(__always)
        mutating func json<Rows: ProjectExportRows>(_ rows: Rows, _ geom: UnsafeRawBufferPointer?, first: Bool,
                                                    into w: inout ByteWriter) throws -> Bool {
            let seq = exporter.format == .geojsonseq
            if seq { w.byte(0x1E) } else if first { w.byte(0x0A) } else { w.literal(",\n") }
            w.literal(#"{"type":"Feature","id":"#)
            exporter.jsonText(rows.text(0), &w)
            w.literal(#","geometry":"#)
            if let geom { try geometry.write(geom, into: &w) } else { w.literal("null") }
            w.literal(#","properties":{"#)
            key(0, &w)
            exporter.jsonText(rows.text(0), &w)
            laoBlock(rows, json: true, &w)
            for i in restStart..<pieces.kinds.count {
                key(i, &w)
                let k = pieces.kinds[i]
                if k == 0 { exporter.jsonText(rows.text(i), &w); continue }
                if rows.isNull(i) { w.literal("null"); continue }
                exporter.writeValue(k, i, rows, real, percent, into: &w)
            }
            w.literal("}}")
            if seq { w.byte(0x0A) }
            return geom != nil
        }

        /// One CSV line (CRLF), the geometry as quoted WKT last; true when it has one.
        @inline(__always)
        mutating func csv<Rows: ProjectExportRows>(_ rows: Rows, _ geom: UnsafeRawBufferPointer?, into w: inout ByteWriter) throws -> Bool {
            exporter.csvText(rows.text(0), &w)
            laoBlock(rows, json: false, &w)
            for i in restStart..<pieces.kinds.count {
                w.byte(UInt8(ascii: ","))
                let k = pieces.kinds[i]
                if k == 0 { exporter.csvText(rows.text(i), &w); continue }
                if rows.isNull(i) { continue }
                exporter.writeValue(k, i, rows, real, percent, into: &w)
            }
            w.byte(UInt8(ascii: ","))
            if let geom {
                // WKT holds ", " between positions: always quoted.
                w.byte(0x22)
                try geometry.write(geom, into: &w)
                w.byte(0x22)
            }
            w.literal("\r\n")
            return geom != nil
        }

        /// The LAO block from the cache; when the LAO row is missing, its code and nulls.
        @inline(__always)
        mutating func laoBlock<Rows: ProjectExportRows>(_ rows: Rows, json: Bool, _ w: inout ByteWriter) {
            if let id = rows.laoID {
                if id != lastLAO, let r = pieces.laoRanges[id] { lastLAO = id; lastRange = r }
                if id == lastLAO {
                    w.bytes(pieces.lao.baseAddress! + lastRange.lowerBound, lastRange.count)
                    return
                }
            }
            for i in ProjectExporter.laoBlock {
                if json {
                    key(i, &w)
                    if i == ProjectExporter.laoBlock.lowerBound { exporter.jsonText(rows.text(i), &w) } else { w.literal("null") }
                } else {
                    w.byte(UInt8(ascii: ","))
                    if i == ProjectExporter.laoBlock.lowerBound { exporter.csvText(rows.text(i), &w) }
                }
            }
        }
    }

    /// A column that is not text and not NULL, written alike in JSON and CSV: an integer, a
    /// decimal, a percentage (two decimals, as stored) or a boolean.
    @inline(__always)
    func writeValue<Rows: ProjectExportRows>(_ kind: UInt8, _ i: Int, _ rows: Rows, _ real: DecimalWriter,
                                                     _ percent: DecimalWriter, into w: inout ByteWriter) {
        switch kind {
        case 1: writeInteger(rows.int64(i), into: &w)
        case 2: real.write(rows.double(i), into: &w)
        case 4: percent.write(rows.double(i), into: &w)
        default: if rows.int64(i) != 0 { w.literal("true") } else { w.literal("false") }
        }
    }

    /// A text value as a JSON string (NULL as null).
    @inline(__always)
    func jsonText(_ t: UnsafeBufferPointer<UInt8>?, _ w: inout ByteWriter) {
        guard let t, let p = t.baseAddress else { w.literal("null"); return }
        writeJSONString(p, t.count, into: &w)
    }

    /// A text value as a CSV field (NULL as an empty field).
    @inline(__always)
    func csvText(_ t: UnsafeBufferPointer<UInt8>?, _ w: inout ByteWriter) {
        if let t, let p = t.baseAddress { writeCSVField(p, t.count, into: &w) }
    }

    /// Resolves, opens the output (a temporary file beside `path`, or standard output when
    /// nil), exports and commits; on any error the temporary file is removed.
    public func export(_ filter: ProjectQuery, toPath path: String?) throws -> Summary {
        let resolved = try resolve(filter)
        let output = try path.map { try ExportOutput.atomicFile($0) } ?? ExportOutput.standardOutput()
        do {
            let summary = try export(resolved, to: output)
            try output.commit()
            return summary
        } catch {
            output.discard()
            throw error
        }
    }
}
