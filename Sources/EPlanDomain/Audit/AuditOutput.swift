import Foundation

/// The three forms of an audit report: a terminal table, JSON for scripts, and GeoJSON
/// (one feature per finding) for a map in QGIS.
public enum AuditOutput {
    /// A finding's codes for a table cell: all of a few, else the first three and how many more.
    static func shortList(_ codes: [String]) -> String {
        codes.count <= 3 ? codes.joined(separator: " ")
            : codes.prefix(3).joined(separator: " ") + " … (+\(codes.count - 3))"
    }

    /// An aligned table, in the current language, with a summary line.
    public static func text(_ r: AuditReport, _ lang: Language = Language.current) -> String {
        render(r, .text, lang)
    }

    /// A whole report through the streaming writer, as one string.
    static func render(_ r: AuditReport, _ format: AuditOutputFormat, _ lang: Language) -> String {
        var out = ""
        let w = AuditStreamWriter(format: format, subject: r.subject, scope: r.scope, minAreaM2: r.minAreaM2, lang: lang) { out += $0 }
        // Appending to a string cannot fail.
        try? w.begin()
        for f in r.findings { try? w.add(f) }
        try? w.finish(unitsChecked: r.unitsChecked)
        if out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    /// Table rows of a block of findings, aligned among themselves; `number` is the first row's #.
    static func tableRows(_ block: [Finding], number: Int, header: Bool, _ lang: Language) -> String {
        let th = lang == .th
        let head = th ? ["#", "ประเภท", "ระดับ", "รหัส", "พื้นที่ (ตร.ม.)", "ตำแหน่ง (ละติจูด, ลองจิจูด)", "รายละเอียด"]
                      : ["#", "kind", "level", "codes", "area (m²)", "location (lat, lon)", "details"]
        var rows: [[String]] = header ? [head] : []
        for (i, f) in block.enumerated() {
            rows.append([
                String(number + i),
                f.kind.label.text(lang),
                tableLabel(f.table, lang),
                f.codes.isEmpty ? (f.feature.map { "#\($0)" } ?? "—") : shortList(f.codes),
                f.areaM2.map { String(format: "%.1f", $0) } ?? "",
                f.location.map { fixed6($0.y) + ", " + fixed6($0.x) } ?? "",
                f.message.text(lang),
            ])
        }
        // The last column (the message) is never padded: its width is not needed.
        var cache: [String: Int] = [:]
        let cellWidths = rows.map { row in row.dropLast().map { cellWidth($0, &cache) } }
        let widths = (0..<(head.count - 1)).map { c in cellWidths.map { $0[c] }.max() ?? 0 } + [0]
        var out = ""
        for (n, row) in rows.enumerated() {
            for (c, cell) in row.enumerated() {
                if c == head.count - 1 { out += cell; break }
                let gap = String(repeating: " ", count: max(0, widths[c] - cellWidths[n][c]))
                out += c == 0 || c == 4 ? gap + cell : cell + gap
                out += "  "
            }
            out += "\n"
            if header && n == 0 { out += widths.dropLast().map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "  ──────\n" }
        }
        return out
    }

    /// `String(format: "%.6f")` without a format call (a million rows): six decimals, kept.
    static func fixed6(_ v: Double) -> String {
        let d = v * 1e6, scaled = d.rounded()
        // Near a half the product's own rounding may differ from printf's exact decimal.
        guard v.isFinite, abs(scaled) < 9e15, abs(abs(d - d.rounded(.down)) - 0.5) > 1e-4 else { return String(format: "%.6f", v) }
        let u = UInt64(abs(scaled))
        let frac = String(u % 1_000_000)
        return (scaled < 0 ? "-" : "") + String(u / 1_000_000) + "." + String(repeating: "0", count: 6 - frac.count) + frac
    }

    /// `TextWidth.of`, at once for printable ASCII (codes, numbers) and once per distinct
    /// other text in a block (kinds and levels repeat on every row).
    static func cellWidth(_ s: String, _ cache: inout [String: Int]) -> Int {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s.utf8.count }
        if let w = cache[s] { return w }
        let w = TextWidth.of(s)
        cache[s] = w
        return w
    }

    static func tableLabel(_ t: String, _ lang: Language) -> String {
        if let l = BoundaryLevel(rawValue: t) { return lang == .th ? l.nameTH : l.rawValue }
        if t == "lao" { return lang == .th ? "อปท." : "LAO" }
        if t == "pin" { return lang == .th ? "หมุด" : "pin" }
        return t
    }

    static let lonLat = DecimalWriter(precision: 7), area = DecimalWriter(precision: 2), measure = DecimalWriter(precision: 4)

    /// A JSON string of any text (Thai kept as is) into `w`.
    static func writeString(_ s: String, _ w: inout ByteWriter) {
        var s = s
        s.withUTF8 { b in
            if let p = b.baseAddress { writeJSONString(p, b.count, into: &w) } else { w.literal("\"\"") }
        }
    }

    /// The finding's fields as JSON members (shared by the JSON and GeoJSON forms), written
    /// as bytes: a million findings go out without a string or a format call per number.
    static func writeMembers(_ f: Finding, _ w: inout ByteWriter) {
        w.literal("\"kind\":"); writeString(f.kind.rawValue, &w)
        w.literal(",\"table\":"); writeString(f.table, &w)
        w.literal(",\"codes\":[")
        for (i, c) in f.codes.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            writeString(c, &w)
        }
        w.literal("],\"message_th\":"); writeString(f.message.th, &w)
        w.literal(",\"message_en\":"); writeString(f.message.en, &w)
        w.literal(",\"lon\":"); number(f.location?.x, lonLat, &w)
        w.literal(",\"lat\":"); number(f.location?.y, lonLat, &w)
        w.literal(",\"area_m2\":"); number(f.areaM2, area, &w)
        if let n = f.feature { w.literal(",\"feature\":"); writeInteger(Int64(n), into: &w) }
        for x in f.measures {
            // Coordinates (…_lat, …_lon) as precisely as locations; other numbers to 4 decimals.
            w.byte(UInt8(ascii: ",")); writeString(x.name, &w); w.byte(UInt8(ascii: ":"))
            number(x.value, x.name.hasSuffix("_lat") || x.name.hasSuffix("_lon") ? lonLat : measure, &w)
        }
        for x in f.labels {
            w.byte(UInt8(ascii: ",")); writeString(x.name, &w); w.byte(UInt8(ascii: ":")); writeString(x.value, &w)
        }
    }

    /// A number (null when absent or not finite), trailing zeros trimmed.
    static func number(_ v: Double?, _ d: DecimalWriter, _ w: inout ByteWriter) {
        guard let v, v.isFinite else { w.literal("null"); return }
        d.write(v == 0 ? 0 : v, into: &w)
    }

    static func writeJSONFinding(_ f: Finding, _ w: inout ByteWriter) {
        w.byte(UInt8(ascii: "{")); writeMembers(f, &w); w.byte(UInt8(ascii: "}"))
    }

    static func writeGeoJSONFeature(_ f: Finding, _ w: inout ByteWriter) {
        w.literal("{\"type\":\"Feature\",\"properties\":{")
        writeMembers(f, &w)
        w.literal(",\"codes_text\":"); writeString(f.codes.joined(separator: ","), &w)
        w.literal("},\"geometry\":")
        if let g = f.geometry ?? f.location.map({ .point($0) }) {
            var bytes: [UInt8] = []
            GeoJSONGeometry.encode(g, into: &bytes)
            w.append(bytes)
        } else {
            w.literal("null")
        }
        w.byte(UInt8(ascii: "}"))
    }

    public static func json(_ r: AuditReport) -> String { render(r, .json, .th) }

    /// RFC 7946 FeatureCollection: the problem's shape (or its point), properties as in JSON
    /// with the codes also joined as text (QGIS shows arrays poorly).
    /// (The terminal table shows at most three codes of a finding: JSON and GeoJSON carry all.)
    public static func geoJSON(_ r: AuditReport) -> String { render(r, .geojson, .th) }

}

public enum AuditOutputFormat: String, Sendable, CaseIterable {
    case text, json, geojson
}

/// Writes an audit's findings as they are found, in any of the three forms: bytes gather
/// in a buffer handed to `flush` (which writes and empties it: a file, standard output)
/// whenever it holds `flushBytes`, so memory holds about one chunk and one block of table
/// rows, never the report. JSON and GeoJSON open the array at `begin`, add one element per
/// finding and close it, with the totals, at `finish` (the JSON object carries `count`,
/// `counts` and `clean` after `findings`). The text table is aligned per block of
/// `blockSize` rows; an audit with fewer findings prints exactly one aligned table.
public final class AuditStreamWriter {
    public static let blockSize = 1000
    public let format: AuditOutputFormat
    let subject: String, scope: Message, minAreaM2: Double, lang: Language
    private let flushBytes: Int
    private let flush: (inout ByteWriter) throws -> Void
    private var buffer: ByteWriter
    private var block: [Finding] = []
    public private(set) var count = 0
    public private(set) var counts: [FindingKind: Int] = [:]
    private var rowsWritten = 0

    public init(format: AuditOutputFormat, subject: String, scope: Message, minAreaM2: Double, lang: Language = Language.current,
                flushBytes: Int = 1 << 20, flush: @escaping (inout ByteWriter) throws -> Void) {
        self.format = format; self.subject = subject; self.scope = scope; self.minAreaM2 = minAreaM2; self.lang = lang
        self.flushBytes = flushBytes; self.flush = flush
        buffer = ByteWriter(capacity: min(flushBytes, 1 << 20) + 64 * 1024)
    }

    /// Collects the text in a string (tests, small reports).
    public convenience init(format: AuditOutputFormat, subject: String, scope: Message, minAreaM2: Double,
                            lang: Language = Language.current, flushBytes: Int = 1 << 20, write: @escaping (String) -> Void) {
        self.init(format: format, subject: subject, scope: scope, minAreaM2: minAreaM2, lang: lang, flushBytes: flushBytes) { w in
            write(String(decoding: UnsafeBufferPointer(start: w.base, count: w.count), as: UTF8.self))
            w.removeAll()
        }
    }



    private func text(_ s: String) { buffer.append(Array(s.utf8)) }

    private func flushIfFull() throws {
        if buffer.count >= flushBytes { try flush(&buffer); buffer.removeAll() }
    }

    public func begin() throws {
        switch format {
        case .text: text(scope.text(lang) + "\n")
        case .json:
            buffer.literal("{\"subject\":"); AuditOutput.writeString(subject, &buffer)
            buffer.literal(",\"scope_th\":"); AuditOutput.writeString(scope.th, &buffer)
            buffer.literal(",\"scope_en\":"); AuditOutput.writeString(scope.en, &buffer)
            buffer.literal(",\"min_area_m2\":"); AuditOutput.number(minAreaM2, AuditOutput.measure, &buffer)
            buffer.literal(",\"findings\":[")
        case .geojson: buffer.literal("{\"type\":\"FeatureCollection\",\"features\":[")
        }
        try flushIfFull()
    }

    public func add(_ f: Finding) throws {
        count += 1
        counts[f.kind, default: 0] += 1
        switch format {
        case .text:
            block.append(f)
            if block.count >= Self.blockSize { try flushBlock() }
        case .json:
            buffer.literal(count == 1 ? "\n" : ",\n")
            AuditOutput.writeJSONFinding(f, &buffer)
        case .geojson:
            buffer.literal(count == 1 ? "\n" : ",\n")
            AuditOutput.writeGeoJSONFeature(f, &buffer)
        }
        try flushIfFull()
    }

    private func flushBlock() throws {
        guard !block.isEmpty else { return }
        text(AuditOutput.tableRows(block, number: rowsWritten + 1, header: rowsWritten == 0, lang))
        rowsWritten += block.count
        block.removeAll(keepingCapacity: true)
    }

    /// Counts per kind, in kind order, kinds found only.
    public var orderedCounts: [(FindingKind, Int)] { FindingKind.allCases.compactMap { k in counts[k].map { (k, $0) } } }

    /// Closes the output and hands out the rest.
    public func finish(unitsChecked: Int) throws {
        switch format {
        case .text:
            try flushBlock()
            text(summary(unitsChecked) + "\n")
        case .json:
            let c = orderedCounts.map { "\"\($0.0.rawValue)\":\($0.1)" }.joined(separator: ",")
            text("\n],\"clean\":\(count == 0),\"units_checked\":\(unitsChecked),\"count\":\(count),\"counts\":{\(c)}}\n")
        case .geojson: text("\n]}\n")
        }
        try flush(&buffer)
        buffer.removeAll()
    }

    func summary(_ unitsChecked: Int) -> String {
        let th = lang == .th
        let minArea = String(format: "%g", minAreaM2)
        let checked = subject == "pins" ? (th ? "ตรวจ \(unitsChecked) หมุด" : "\(unitsChecked) pins checked")
            : (th ? "ตรวจ \(unitsChecked) หน่วย, ไม่นับพื้นที่เล็กกว่า \(minArea) ตร.ม." : "\(unitsChecked) units checked, areas under \(minArea) m² ignored")
        if count == 0 { return th ? "ไม่พบปัญหา (\(checked))" : "no findings (\(checked))" }
        let list = orderedCounts.map { "\($0.0.label.text(lang)) \($0.1)" }.joined(separator: ", ")
        return th ? "พบ \(count) รายการ: \(list) (\(checked))" : "\(count) findings: \(list) (\(checked))"
    }
}
