import Foundation

/// Streams projects with their current pins and budget attributes as GeoJSON (RFC 7946),
/// GeoJSON text sequences (RFC 8142) or CSV with WKT.
///
/// One SQL query joins the current pin, the project, its LAO and the amphoe and province
/// names, with every filter bound as a parameter; each row is written as it is stepped into
/// the output's reusable buffer (text and BLOB columns read in place), so memory does not
/// grow with the number of features.
public final class ProjectExporter {
    /// A property of every feature: its key, the SQL giving it, and how it is written.
    public struct Column: Sendable {
        public enum Kind: Sendable { case text, integer, real, boolean }
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
        Column(key: "stage", sql: ProjectStage.sqlExpression, kind: .text),
        Column(key: "plan_approved_on", sql: "p.plan_approved_on", kind: .text),
        Column(key: "budget_approved_on", sql: "p.budget_approved_on", kind: .text),
        Column(key: "contract_signed_on", sql: "p.contract_signed_on", kind: .text),
        Column(key: "contract_amount", sql: "p.contract_amount", kind: .real),
        Column(key: "disbursed_amount", sql: "p.disbursed_amount", kind: .real),
        Column(key: "disbursed_on", sql: "p.disbursed_on", kind: .text),
        Column(key: "progress", sql: "p.progress", kind: .real),
        Column(key: "completed_on", sql: "p.completed_on", kind: .text),
        Column(key: "pin_status", sql: "g.status", kind: .text),
        Column(key: "pin_version", sql: "g.version", kind: .integer),
        Column(key: "pinned_at", sql: "g.pinned_at", kind: .text),
        Column(key: "pinned_by", sql: "g.pinned_by", kind: .text),
        Column(key: "synthetic", sql: "p.synthetic", kind: .boolean),
    ]

    /// The filter checked against the store: codes only, every value known to exist.
    public struct Resolved: Equatable, Sendable {
        public var provinceCode: String?
        public var amphoeCode: String?
        public var laoCode: String?
        public var year: Int?
        public var stage: ProjectStage?
        public var funding: FundingSource?
        public var bbox: Envelope?
        public var includeUnpinned: Bool
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

    /// Checks every filter against the store (unknown codes, a year no plan covers) and
    /// turns names into codes. Call before any output is opened.
    public func resolve(_ f: ExportFilter) throws -> Resolved {
        let db = store.database
        var r = Resolved(provinceCode: nil, amphoeCode: nil, laoCode: nil, year: f.year, stage: f.stage,
                         funding: f.funding, bbox: f.bbox, includeUnpinned: f.includeUnpinned)
        func codes(_ sql: String, _ args: [SQLValue]) throws -> [String] {
            var out: [String] = []
            try db.query(sql, args) { row in if let c = row.string(0), !out.contains(c) { out.append(c) } }
            return out
        }
        if let raw = f.province {
            let s = ThaiText.normalized(ThaiText.asciiDigits(raw))
            let bare = s.hasPrefix("จังหวัด") ? String(s.dropFirst("จังหวัด".count)) : s
            var found = try codes("SELECT code FROM province WHERE code = ?1 OR name_th = ?1 OR name_th = ?2 OR lower(name_en) = lower(?1)",
                                  [.text(s), .text(bare)])
            if found.isEmpty { found = try codes("SELECT province_code FROM lao WHERE province_code = ?", [.text(s)]) }
            guard let code = found.first else { throw ExportError(.unknownProvince(raw)) }
            r.provinceCode = code
        }
        if let raw = f.amphoe {
            let s = ThaiText.normalized(ThaiText.asciiDigits(raw))
            let bare = s.hasPrefix("อำเภอ") ? String(s.dropFirst("อำเภอ".count)) : s
            var found = try codes("SELECT code FROM amphoe WHERE code = ?1", [.text(s)])
            if found.isEmpty {
                found = try codes("""
                    SELECT code FROM amphoe WHERE (name_th = ?1 OR name_th = ?2 OR lower(name_en) = lower(?1))
                        AND (?3 IS NULL OR province_code = ?3) ORDER BY code
                    """, [.text(s), .text(bare), SQLValue(r.provinceCode)])
            }
            if found.isEmpty { found = try codes("SELECT amphoe_code FROM lao WHERE amphoe_code = ?", [.text(s)]) }
            guard !found.isEmpty else { throw ExportError(.unknownAmphoe(raw)) }
            guard found.count == 1 else { throw ExportError(.ambiguousAmphoe(raw, found)) }
            r.amphoeCode = found[0]
            if let p = r.provinceCode {
                let inProvince = try codes("""
                    SELECT code FROM amphoe WHERE code = ?1 AND province_code = ?2
                    UNION SELECT amphoe_code FROM lao WHERE amphoe_code = ?1 AND province_code = ?2
                    """, [.text(found[0]), .text(p)])
                if inProvince.isEmpty { throw ExportError(.amphoeNotInProvince(amphoe: found[0], province: p)) }
            }
        }
        if let raw = f.lao {
            let s = ThaiText.asciiDigits(raw).trimmingCharacters(in: .whitespaces)
            guard try !codes("SELECT code FROM lao WHERE code = ?", [.text(s)]).isEmpty else {
                throw ExportError(.unknownLAO(raw))
            }
            r.laoCode = s
        }
        if let y = f.year {
            let covered = try db.scalar("""
                SELECT count(*) FROM dev_plan d JOIN lao l ON l.code = d.lao_code
                WHERE ?1 BETWEEN d.first_year AND d.last_year
                  AND (?2 IS NULL OR l.province_code = ?2) AND (?3 IS NULL OR l.amphoe_code = ?3)
                  AND (?4 IS NULL OR l.code = ?4)
                """, [.integer(Int64(y)), SQLValue(r.provinceCode), SQLValue(r.amphoeCode), SQLValue(r.laoCode)])
            if (covered.int64 ?? 0) == 0 { throw ExportError(.noPlanForYear(y)) }
        }
        return r
    }

    // MARK: The query

    /// The SELECT for `r` and its arguments, in bind order.
    public static func query(_ r: Resolved) -> (sql: String, args: [SQLValue]) {
        var clauses: [String] = [], args: [SQLValue] = []
        if let p = r.provinceCode { clauses.append("l.province_code = ?"); args.append(.text(p)) }
        if let a = r.amphoeCode { clauses.append("l.amphoe_code = ?"); args.append(.text(a)) }
        if let c = r.laoCode { clauses.append("p.lao_code = ?"); args.append(.text(c)) }
        if let y = r.year { clauses.append("p.plan_year = ?"); args.append(.integer(Int64(y))) }
        if let s = r.stage { clauses.append("(\(ProjectStage.sqlExpression)) = ?"); args.append(.text(s.rawValue)) }
        if let f = r.funding { clauses.append("p.funding = ?"); args.append(.text(f.rawValue)) }
        if let b = r.bbox {
            // The R*Tree's float boxes are rounded outward: exact test on the BLOB's MBR follows in Swift.
            let inBox = "g.id IN (SELECT pkid FROM idx_pin_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)"
            clauses.append(r.includeUnpinned ? "(g.id IS NULL OR \(inBox))" : inBox)
            args += [.real(b.maxX), .real(b.minX), .real(b.maxY), .real(b.minY)]
        }
        let from = r.includeUnpinned
            ? "project p LEFT JOIN pin g ON g.project_code = p.code AND g.is_current = 1"
            : "pin g JOIN project p ON p.code = g.project_code"
        if !r.includeUnpinned { clauses.insert("g.is_current = 1", at: 0) }
        let sql = """
            SELECT \(columns.map(\.sql).joined(separator: ", ")), g.geom
            FROM \(from)
            LEFT JOIN lao l ON l.code = p.lao_code
            LEFT JOIN amphoe a ON a.code = l.amphoe_code
            LEFT JOIN province v ON v.code = l.province_code
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
        let columns = ProjectExporter.columns
        let geomIndex = Int32(columns.count)
        let geometry = BlobGeometryWriter(syntax: format == .csv ? .wkt : .geoJSON, precision: precision)
        let real = DecimalWriter(precision: 6, keepPoint: true)
        let bbox = r.bbox

        // Constant pieces, encoded once.
        let keys: [[UInt8]] = columns.enumerated().map { i, c in Array(((i == 0 ? "" : ",") + "\"\(c.key)\":").utf8) }
        let kinds = columns.map(\.kind)
        let featureStart = Array(#"{"type":"Feature","id":"#.utf8)
        let geometryKey = Array(#","geometry":"#.utf8)
        let propertiesKey = Array(#","properties":{"#.utf8)
        let null = Array("null".utf8)

        var summary = Summary(features: 0, pinned: 0, bytes: 0)
        var buf = output.buffer
        output.buffer = []
        defer { output.buffer = buf }

        switch format {
        case .geojson: buf.append(contentsOf: #"{"type":"FeatureCollection","features":["#.utf8)
        case .geojsonseq: break
        case .csv:
            buf.append(contentsOf: [0xEF, 0xBB, 0xBF])
            buf.append(contentsOf: (columns.map(\.key) + ["wkt"]).joined(separator: ",").utf8)
            buf.append(contentsOf: [0x0D, 0x0A])
        }

        while try stmt.step() {
            // The exact envelope test for --bbox (NULL geometry only reaches here with --include-unpinned).
            if let bbox {
                let keep = try stmt.withBlob(geomIndex) { blob -> Bool in
                    guard let blob, !blob.isEmpty else { return true }
                    guard let e = try? BlobGeometryWriter.envelope(blob) else { return true }
                    return e.intersects(bbox)
                }
                if !keep { continue }
            }
            let mark = buf.count
            do {
                switch format {
                case .geojson, .geojsonseq:
                    if format == .geojsonseq { buf.append(0x1E) } else { buf.append(contentsOf: summary.features == 0 ? [0x0A] : [0x2C, 0x0A]) }
                    buf.append(contentsOf: featureStart)
                    stmt.withText(0) { t in
                        if let t { writeJSONString(t, into: &buf) } else { buf.append(contentsOf: null) }
                    }
                    buf.append(contentsOf: geometryKey)
                    let pinned = try stmt.withBlob(geomIndex) { blob -> Bool in
                        guard let blob, !blob.isEmpty else { buf.append(contentsOf: null); return false }
                        try geometry.write(blob, into: &buf)
                        return true
                    }
                    if pinned { summary.pinned += 1 }
                    buf.append(contentsOf: propertiesKey)
                    for i in 0..<columns.count {
                        let c = Int32(i)
                        buf.append(contentsOf: keys[i])
                        if stmt.isNull(c) { buf.append(contentsOf: null); continue }
                        switch kinds[i] {
                        case .text: stmt.withText(c) { writeJSONString($0!, into: &buf) }
                        case .integer: writeInteger(stmt.int64(c), into: &buf)
                        case .real: real.write(stmt.double(c), into: &buf)
                        case .boolean: buf.append(contentsOf: stmt.int64(c) != 0 ? "true".utf8 : "false".utf8)
                        }
                    }
                    buf.append(contentsOf: "}}".utf8)
                    if format == .geojsonseq { buf.append(0x0A) }
                case .csv:
                    for i in 0..<columns.count {
                        let c = Int32(i)
                        if i > 0 { buf.append(UInt8(ascii: ",")) }
                        if stmt.isNull(c) { continue }
                        switch kinds[i] {
                        case .text: stmt.withText(c) { writeCSVField($0!, into: &buf) }
                        case .integer: writeInteger(stmt.int64(c), into: &buf)
                        case .real: real.write(stmt.double(c), into: &buf)
                        case .boolean: buf.append(contentsOf: stmt.int64(c) != 0 ? "true".utf8 : "false".utf8)
                        }
                    }
                    buf.append(UInt8(ascii: ","))
                    let pinned = try stmt.withBlob(geomIndex) { blob -> Bool in
                        guard let blob, !blob.isEmpty else { return false }
                        // WKT holds ", " between positions: always quoted.
                        buf.append(UInt8(ascii: "\""))
                        try geometry.write(blob, into: &buf)
                        buf.append(UInt8(ascii: "\""))
                        return true
                    }
                    if pinned { summary.pinned += 1 }
                    buf.append(contentsOf: [0x0D, 0x0A])
                }
            } catch is BlobGeometryWriter.Malformed {
                buf.removeSubrange(mark...)
                throw ExportError(.badGeometry(project: stmt.string(0) ?? "?"))
            }
            summary.features += 1
            if buf.count >= ExportOutput.chunkSize {
                swap(&buf, &output.buffer)
                try output.flush()
                swap(&buf, &output.buffer)
            }
        }
        if format == .geojson { buf.append(contentsOf: summary.features == 0 ? "]}\n".utf8 : "\n]}\n".utf8) }
        swap(&buf, &output.buffer)
        try output.flush()
        swap(&buf, &output.buffer)
        summary.bytes = output.bytesWritten
        return summary
    }

    /// Resolves, opens the output (a temporary file beside `path`, or standard output when
    /// nil), exports and commits; on any error the temporary file is removed.
    public func export(_ filter: ExportFilter, toPath path: String?) throws -> Summary {
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
