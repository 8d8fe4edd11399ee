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
    /// leading comma), by LAO rowid: the LAO joined with its amphoe and province names.
    func laoFragments(json: Bool) throws -> (bytes: [UInt8], ranges: [Int64: Range<Int>]) {
        let cols = ProjectExporter.columns
        var w = ByteWriter(capacity: 1 << 16)
        defer { w.deallocate() }
        var ranges: [Int64: Range<Int>] = [:]
        try store.forEachExportLAO { id, text in
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

    /// Writes `rows` (selected by `r`) into `output`.
    func export<Rows: ProjectExportRows>(rows: Rows, _ r: Resolved, to output: ExportOutput) throws -> Summary {
        let columns = ProjectExporter.columns
        let restStart = ProjectExporter.laoBlock.upperBound + 1      // first property after the LAO block
        let columnCount = columns.count
        let geometry = BlobGeometryWriter(syntax: format == .csv ? .wkt : .geoJSON, precision: precision)
        let real = DecimalWriter(precision: 6, keepPoint: true)
        let percent = DecimalWriter(precision: 2, keepPoint: true)  // (v * 100).rounded(), as roundedProgress
        let bbox = r.bbox
        let json = format != .csv

        // Constant pieces, encoded once: the keys (",\"key\":") end to end, with their ends.
        var keyBytes: [UInt8] = [], keyEnds: [Int] = []
        for (i, c) in columns.enumerated() {
            keyBytes += Array(((i == 0 ? "" : ",") + "\"\(c.key)\":").utf8)
            keyEnds.append(keyBytes.count)
        }
        let kinds: [UInt8] = columns.map {
            switch $0.kind { case .text: return 0; case .integer: return 1; case .real: return 2; case .boolean: return 3; case .percent: return 4 }
        }

        let (fragmentBytes, fragments) = try laoFragments(json: json)
        var lastLAO: Int64 = -1, lastRange = 0..<0

        var summary = Summary(features: 0, pinned: 0, bytes: 0)
        var w = output.writer
        defer { output.writer = w }

        switch format {
        case .geojson: w.literal(#"{"type":"FeatureCollection","features":["#)
        case .geojsonseq: break
        case .csv:
            w.append([0xEF, 0xBB, 0xBF])
            w.append(Array((columns.map(\.key) + ["wkt"]).joined(separator: ",").utf8))
            w.literal("\r\n")
        }

        try keyBytes.withUnsafeBufferPointer { keyBase in
            try keyEnds.withUnsafeBufferPointer { keyEnd in
                try kinds.withUnsafeBufferPointer { kind in
                  try fragmentBytes.withUnsafeBufferPointer { fragment in
                    /// The LAO block from the cache; when the LAO row is missing, its code and nulls.
                    func laoBlock(_ w: inout ByteWriter) {
                        if let id = rows.laoID {
                            if id != lastLAO, let r = fragments[id] { lastLAO = id; lastRange = r }
                            if id == lastLAO {
                                w.bytes(fragment.baseAddress! + lastRange.lowerBound, lastRange.count)
                                return
                            }
                        }
                        for i in ProjectExporter.laoBlock {
                            if json {
                                w.bytes(keyBase.baseAddress! + keyEnd[i - 1], keyEnd[i] - keyEnd[i - 1])
                                if i == ProjectExporter.laoBlock.lowerBound { jsonText(rows.text(i), &w) } else { w.literal("null") }
                            } else {
                                w.byte(UInt8(ascii: ","))
                                if i == ProjectExporter.laoBlock.lowerBound { csvText(rows.text(i), &w) }
                            }
                        }
                    }
                    while try rows.step() {
                        let geom = rows.geometry
                        // The exact envelope test for --bbox (no geometry: only with --include-unpinned).
                        if let bbox, let geom, let e = try? BlobGeometryWriter.envelope(geom), !e.intersects(bbox) { continue }
                        let mark = w.count
                        do {
                            if json {
                                if format == .geojsonseq { w.byte(0x1E) } else if summary.features == 0 { w.byte(0x0A) } else { w.literal(",\n") }
                                w.literal(#"{"type":"Feature","id":"#)
                                jsonText(rows.text(0), &w)
                                w.literal(#","geometry":"#)
                                if let geom { try geometry.write(geom, into: &w); summary.pinned += 1 } else { w.literal("null") }
                                w.literal(#","properties":{"#)
                                w.bytes(keyBase.baseAddress!, keyEnd[0])
                                jsonText(rows.text(0), &w)
                                laoBlock(&w)
                                for i in restStart..<columnCount {
                                    w.bytes(keyBase.baseAddress! + keyEnd[i - 1], keyEnd[i] - keyEnd[i - 1])
                                    let k = kind[i]
                                    if k == 0 { jsonText(rows.text(i), &w); continue }
                                    if rows.isNull(i) { w.literal("null"); continue }
                                    writeValue(k, i, rows, real, percent, into: &w)
                                }
                                w.literal("}}")
                                if format == .geojsonseq { w.byte(0x0A) }
                            } else {
                                csvText(rows.text(0), &w)
                                laoBlock(&w)
                                for i in restStart..<columnCount {
                                    w.byte(UInt8(ascii: ","))
                                    let k = kind[i]
                                    if k == 0 { csvText(rows.text(i), &w); continue }
                                    if rows.isNull(i) { continue }
                                    writeValue(k, i, rows, real, percent, into: &w)
                                }
                                w.byte(UInt8(ascii: ","))
                                if let geom {
                                    // WKT holds ", " between positions: always quoted.
                                    w.byte(0x22)
                                    try geometry.write(geom, into: &w)
                                    w.byte(0x22)
                                    summary.pinned += 1
                                }
                                w.literal("\r\n")
                            }
                        } catch is SpatiaLiteBlobError {
                            w.count = mark
                            throw ExportError(.badGeometry(project: rows.code ?? "?"))
                        }
                        summary.features += 1
                        if w.count >= ExportOutput.chunkSize { try output.flush(&w) }
                    }
                  }
                }
            }
        }
        if format == .geojson {
            if summary.features == 0 { w.literal("]}\n") } else { w.literal("\n]}\n") }
        }
        try output.flush(&w)
        summary.bytes = output.bytesWritten
        return summary
    }

    /// A column that is not text and not NULL, written alike in JSON and CSV: an integer, a
    /// decimal, a percentage (two decimals, as stored) or a boolean.
    @inline(__always)
    private func writeValue<Rows: ProjectExportRows>(_ kind: UInt8, _ i: Int, _ rows: Rows, _ real: DecimalWriter,
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
    private func jsonText(_ t: UnsafeBufferPointer<UInt8>?, _ w: inout ByteWriter) {
        guard let t, let p = t.baseAddress else { w.literal("null"); return }
        writeJSONString(p, t.count, into: &w)
    }

    /// A text value as a CSV field (NULL as an empty field).
    @inline(__always)
    private func csvText(_ t: UnsafeBufferPointer<UInt8>?, _ w: inout ByteWriter) {
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
