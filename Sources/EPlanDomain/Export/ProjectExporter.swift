import CSQLite
import Foundation

/// Streams projects with their current pins and budget attributes as GeoJSON (RFC 7946),
/// GeoJSON text sequences (RFC 8142) or CSV with WKT.
///
/// One SQL query joins the current pin, the project and its LAO, with every filter bound as
/// a parameter (`--bbox` through the R*Tree `idx_pin_geom`, then the exact MBR in the BLOB
/// header). The LAO's names and its amphoe and province names repeat for every project of the
/// LAO, so a small query encodes that block once per LAO beforehand (keyed by the LAO rowid
/// the main query returns) instead of joining amphoe and province on every row. Each row is
/// written as it is stepped — text and geometry BLOB read in place from SQLite's column
/// memory — into one reused buffer handed to `write(2)` in 1 MiB chunks, so memory does not
/// grow with the number of features.
public final class ProjectExporter {
    /// A property of every feature: its key, the SQL giving it, and how it is written.
    public struct Column: Sendable {
        /// `percent`: a real written to 0.01, the rounding the stage rule uses (`ProjectRecord.roundedProgress`).
        public enum Kind: Sendable { case text, integer, real, boolean, percent }
        public let key: String
        let sql: String
        public let kind: Kind
    }

    /// The feature properties, in order (CSV adds `wkt` last).
    public static let columns: [Column] = [
        Column(key: "code", sql: "p.code", kind: .text),
        Column(key: "lao_code", sql: "p.lao_code", kind: .text),
        Column(key: "lao_name_th", sql: "l.name_th", kind: .text),
        Column(key: "lao_name_en", sql: "l.name_en", kind: .text),
        Column(key: "amphoe_code", sql: "l.amphoe_code", kind: .text),
        Column(key: "amphoe_th", sql: "a.name_th", kind: .text),
        Column(key: "province_code", sql: "l.province_code", kind: .text),
        Column(key: "province_th", sql: "v.name_th", kind: .text),
        Column(key: "plan_year", sql: "p.plan_year", kind: .integer),
        Column(key: "plan_year_ce", sql: "p.plan_year - 543", kind: .integer),
        Column(key: "name_th", sql: "p.name_th", kind: .text),
        Column(key: "strategy", sql: "p.strategy", kind: .text),
        Column(key: "kind", sql: "p.kind", kind: .text),
        Column(key: "budget", sql: "p.budget", kind: .real),
        Column(key: "funding", sql: "p.funding", kind: .text),
        Column(key: "stage", sql: ProjectStage.sqlExpression(), kind: .text),
        Column(key: "plan_approved_on", sql: "p.plan_approved_on", kind: .text),
        Column(key: "budget_approved_on", sql: "p.budget_approved_on", kind: .text),
        Column(key: "contract_signed_on", sql: "p.contract_signed_on", kind: .text),
        Column(key: "contract_amount", sql: "p.contract_amount", kind: .real),
        Column(key: "disbursed_amount", sql: "p.disbursed_amount", kind: .real),
        Column(key: "disbursed_on", sql: "p.disbursed_on", kind: .text),
        Column(key: "progress", sql: "p.progress", kind: .percent),
        Column(key: "completed_on", sql: "p.completed_on", kind: .text),
        Column(key: "pin_status", sql: "g.status", kind: .text),
        Column(key: "pin_version", sql: "g.version", kind: .integer),
        Column(key: "pinned_at", sql: "g.pinned_at", kind: .text),
        Column(key: "pinned_by", sql: "g.pinned_by", kind: .text),
        Column(key: "synthetic", sql: "p.synthetic", kind: .boolean),
    ]

    /// The properties that describe the project's LAO (lao_code … province_th).
    static let laoBlock = 1...7

    /// Each LAO's block of properties, encoded once (JSON members or CSV fields, each with its
    /// leading comma), by LAO rowid: the LAO joined with its amphoe and province names.
    func laoFragments(json: Bool) throws -> (bytes: [UInt8], ranges: [Int64: Range<Int>]) {
        let cols = ProjectExporter.columns[ProjectExporter.laoBlock]
        var w = ByteWriter(capacity: 1 << 16)
        defer { w.deallocate() }
        var ranges: [Int64: Range<Int>] = [:]
        let stmt = try store.database.prepare("""
            SELECT l.id, l.code, \(cols.dropFirst().map(\.sql).joined(separator: ", "))
            FROM lao l LEFT JOIN amphoe a ON a.code = l.amphoe_code LEFT JOIN province v ON v.code = l.province_code
            """)
        let h = stmt.rawHandle
        while try stmt.step() {
            let start = w.count
            for (i, c) in cols.enumerated() {
                let col = Int32(i + 1)
                w.byte(UInt8(ascii: ","))
                if json { w.append(Array("\"\(c.key)\":".utf8)) }
                if let p = sqlite3_column_text(h, col) {
                    let n = Int(sqlite3_column_bytes(h, col))
                    if json { writeJSONString(p, n, into: &w) } else { writeCSVField(p, n, into: &w) }
                } else if json {
                    w.literal("null")
                }
            }
            ranges[sqlite3_column_int64(h, 0)] = start..<w.count
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

    public let store: Store
    public let format: ExportFormat
    public let precision: Int

    public init(store: Store, format: ExportFormat = .geojson, precision: Int = 7) throws {
        guard (0...15).contains(precision) else { throw ExportError(.badPrecision(precision)) }
        self.store = store; self.format = format; self.precision = precision
    }

    // MARK: Validation

    /// Checks every filter against the store (see `ProjectQuery.resolve`). Call before any output is opened.
    public func resolve(_ q: ProjectQuery) throws -> Resolved {
        Resolved(filter: try q.resolve(in: store), includeUnpinned: q.includeUnpinned)
    }

    // MARK: The query

    /// The SELECT for `r` and its arguments, in bind order.
    public static func query(_ r: Resolved) -> (sql: String, args: [SQLValue]) {
        var (clauses, args) = r.filter.conditions(currentPin: "g", keepUnpinned: r.includeUnpinned)
        let from = r.includeUnpinned
            ? "project p LEFT JOIN pin g ON g.project_code = p.code AND g.is_current = 1"
            : "pin g JOIN project p ON p.code = g.project_code"
        if !r.includeUnpinned { clauses.insert("g.is_current = 1", at: 0) }
        // The LAO block (lao_code … province_th) comes from `laoFragments`, keyed by l.id: the
        // names repeat for every project of an LAO, so they are encoded once, not joined per row.
        let selected = [columns[0].sql, "l.id", "p.lao_code"] + columns[(laoBlock.upperBound + 1)...].map(\.sql)
        let sql = """
            SELECT \(selected.joined(separator: ", ")), g.geom
            FROM \(from)
            LEFT JOIN lao l ON l.code = p.lao_code
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            ORDER BY p.code
            """
        return (sql, args)
    }

    // MARK: Writing

    /// Runs the export for a resolved filter into `output` (not committed: the caller commits
    /// or discards). Returns how many features were written.
    public func export(_ r: Resolved, to output: ExportOutput) throws -> Summary {
        let (sql, args) = ProjectExporter.query(r)
        let stmt = try store.database.prepare(sql)
        try stmt.bind(args)
        let h = stmt.rawHandle
        let columns = ProjectExporter.columns
        let columnCount = Int32(columns.count)
        let restStart = ProjectExporter.laoBlock.upperBound + 1      // first property after the LAO block
        let shift = Int32(restStart - 3)                              // its result column is 3
        let geomIndex = columnCount - shift
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
                        if sqlite3_column_type(h, 1) != SQLITE_NULL {
                            let id = sqlite3_column_int64(h, 1)
                            if id != lastLAO, let r = fragments[id] { lastLAO = id; lastRange = r }
                            if id == lastLAO {
                                w.bytes(fragment.baseAddress! + lastRange.lowerBound, lastRange.count)
                                return
                            }
                        }
                        for i in ProjectExporter.laoBlock {
                            if json {
                                w.bytes(keyBase.baseAddress! + keyEnd[i - 1], keyEnd[i] - keyEnd[i - 1])
                                if i == ProjectExporter.laoBlock.lowerBound { text(h, 2, &w) } else { w.literal("null") }
                            } else {
                                w.byte(UInt8(ascii: ","))
                                if i == ProjectExporter.laoBlock.lowerBound, let p = sqlite3_column_text(h, 2) {
                                    writeCSVField(p, Int(sqlite3_column_bytes(h, 2)), into: &w)
                                }
                            }
                        }
                    }
                    while try stmt.step() {
                        let blob = sqlite3_column_blob(h, geomIndex)
                        let blobCount = Int(sqlite3_column_bytes(h, geomIndex))
                        let geom: UnsafeRawBufferPointer? = blob == nil || blobCount == 0
                            ? nil : UnsafeRawBufferPointer(start: blob, count: blobCount)
                        // The exact envelope test for --bbox (no geometry: only with --include-unpinned).
                        if let bbox, let geom, let e = try? BlobGeometryWriter.envelope(geom), !e.intersects(bbox) { continue }
                        let mark = w.count
                        do {
                            if json {
                                if format == .geojsonseq { w.byte(0x1E) } else if summary.features == 0 { w.byte(0x0A) } else { w.literal(",\n") }
                                w.literal(#"{"type":"Feature","id":"#)
                                text(h, 0, &w)
                                w.literal(#","geometry":"#)
                                if let geom { try geometry.write(geom, into: &w); summary.pinned += 1 } else { w.literal("null") }
                                w.literal(#","properties":{"#)
                                w.bytes(keyBase.baseAddress!, keyEnd[0])
                                text(h, 0, &w)
                                laoBlock(&w)
                                for i in restStart..<Int(columnCount) {
                                    let c = Int32(i) - shift
                                    w.bytes(keyBase.baseAddress! + keyEnd[i - 1], keyEnd[i] - keyEnd[i - 1])
                                    let k = kind[i]
                                    if k == 0 { text(h, c, &w); continue }
                                    if sqlite3_column_type(h, c) == SQLITE_NULL { w.literal("null"); continue }
                                    switch k {
                                    case 1: writeInteger(sqlite3_column_int64(h, c), into: &w)
                                    case 2: real.write(sqlite3_column_double(h, c), into: &w)
                                    case 4: percent.write(sqlite3_column_double(h, c), into: &w)
                                    default: if sqlite3_column_int64(h, c) != 0 { w.literal("true") } else { w.literal("false") }
                                    }
                                }
                                w.literal("}}")
                                if format == .geojsonseq { w.byte(0x0A) }
                            } else {
                                if let p = sqlite3_column_text(h, 0) { writeCSVField(p, Int(sqlite3_column_bytes(h, 0)), into: &w) }
                                laoBlock(&w)
                                for i in restStart..<Int(columnCount) {
                                    let c = Int32(i) - shift
                                    w.byte(UInt8(ascii: ","))
                                    if sqlite3_column_type(h, c) == SQLITE_NULL { continue }
                                    switch kind[i] {
                                    case 0:
                                        let p = sqlite3_column_text(h, c)!
                                        writeCSVField(p, Int(sqlite3_column_bytes(h, c)), into: &w)
                                    case 1: writeInteger(sqlite3_column_int64(h, c), into: &w)
                                    case 2: real.write(sqlite3_column_double(h, c), into: &w)
                                    case 4: percent.write(sqlite3_column_double(h, c), into: &w)
                                    default: if sqlite3_column_int64(h, c) != 0 { w.literal("true") } else { w.literal("false") }
                                    }
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
                            throw ExportError(.badGeometry(project: stmt.string(0) ?? "?"))
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

    /// A TEXT column as a JSON string (NULL as null).
    @inline(__always)
    private func text(_ h: OpaquePointer, _ c: Int32, _ w: inout ByteWriter) {
        guard let p = sqlite3_column_text(h, c) else { w.literal("null"); return }
        writeJSONString(p, Int(sqlite3_column_bytes(h, c)), into: &w)
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
