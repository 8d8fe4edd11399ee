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
                f.location.map { String(format: "%.6f, %.6f", $0.y, $0.x) } ?? "",
                f.message.text(lang),
            ])
        }
        let widths = (0..<head.count).map { c in rows.map { TextWidth.of($0[c]) }.max() ?? 0 }
        var lines: [String] = []
        for (n, row) in rows.enumerated() {
            let cells = row.enumerated().map { c, s in
                c == head.count - 1 ? s : TextWidth.pad(s, to: widths[c], right: c == 0 || c == 4)
            }
            lines.append(cells.joined(separator: "  "))
            if header && n == 0 { lines.append(widths.dropLast().map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "  ──────") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func tableLabel(_ t: String, _ lang: Language) -> String {
        if let l = BoundaryLevel(rawValue: t) { return lang == .th ? l.nameTH : l.rawValue }
        if t == "lao" { return lang == .th ? "อปท." : "LAO" }
        if t == "pin" { return lang == .th ? "หมุด" : "pin" }
        return t
    }

    /// The finding's fields as JSON members (shared by the JSON and GeoJSON forms).
    static func members(_ f: Finding) -> [String] {
        var m = [
            "\"kind\":\(JSONText.string(f.kind.rawValue))",
            "\"table\":\(JSONText.string(f.table))",
            "\"codes\":[\(f.codes.map(JSONText.string).joined(separator: ","))]",
            "\"message_th\":\(JSONText.string(f.message.th))",
            "\"message_en\":\(JSONText.string(f.message.en))",
            "\"lon\":\(f.location.map { JSONText.number($0.x, decimals: 7) } ?? "null")",
            "\"lat\":\(f.location.map { JSONText.number($0.y, decimals: 7) } ?? "null")",
            "\"area_m2\":\(f.areaM2.map { JSONText.number($0, decimals: 2) } ?? "null")",
        ]
        if let n = f.feature { m.append("\"feature\":\(n)") }
        for x in f.measures {
            // Coordinates (…_lat, …_lon) as precisely as locations; other numbers to 4 decimals.
            let decimals = x.name.hasSuffix("_lat") || x.name.hasSuffix("_lon") ? 7 : 4
            m.append("\(JSONText.string(x.name)):\(JSONText.number(x.value, decimals: decimals))")
        }
        for x in f.labels { m.append("\(JSONText.string(x.name)):\(JSONText.string(x.value))") }
        return m
    }

    public static func json(_ r: AuditReport) -> String { render(r, .json, .th) }

    /// RFC 7946 FeatureCollection: the problem's shape (or its point), properties as in JSON
    /// with the codes also joined as text (QGIS shows arrays poorly).
    /// (The terminal table shows at most three codes of a finding: JSON and GeoJSON carry all.)
    public static func geoJSON(_ r: AuditReport) -> String { render(r, .geojson, .th) }

    static func jsonFinding(_ f: Finding) -> String { "{" + members(f).joined(separator: ",") + "}" }

    static func geoJSONFeature(_ f: Finding) -> String {
        let g = f.geometry ?? f.location.map { .point($0) }
        let geometry = g.map { GeoJSONGeometry.encode($0) } ?? "null"
        let props = members(f) + ["\"codes_text\":\(JSONText.string(f.codes.joined(separator: ",")))"]
        return "{\"type\":\"Feature\",\"properties\":{\(props.joined(separator: ","))},\"geometry\":\(geometry)}"
    }
}

public enum AuditOutputFormat: String, Sendable, CaseIterable {
    case text, json, geojson
}

/// Writes an audit's findings as they are found, in any of the three forms, through
/// `write` (a buffered file or standard output): memory holds one block of table rows at
/// most, never the report. JSON and GeoJSON open the array at `begin`, add one element per
/// finding and close it, with the totals, at `finish` (the JSON object carries `count`,
/// `counts` and `clean` after `findings`). The text table is aligned per block of
/// `blockSize` rows; an audit with fewer findings prints exactly one aligned table.
public final class AuditStreamWriter {
    public static let blockSize = 1000
    public let format: AuditOutputFormat
    let subject: String, scope: Message, minAreaM2: Double, lang: Language
    private let write: (String) throws -> Void
    private var block: [Finding] = []
    public private(set) var count = 0
    public private(set) var counts: [FindingKind: Int] = [:]
    private var rowsWritten = 0

    public init(format: AuditOutputFormat, subject: String, scope: Message, minAreaM2: Double, lang: Language = Language.current,
                write: @escaping (String) throws -> Void) {
        self.format = format; self.subject = subject; self.scope = scope; self.minAreaM2 = minAreaM2; self.lang = lang
        self.write = write
    }

    public func begin() throws {
        switch format {
        case .text: try write(scope.text(lang) + "\n")
        case .json:
            try write("{\"subject\":\(JSONText.string(subject)),\"scope_th\":\(JSONText.string(scope.th)),"
                      + "\"scope_en\":\(JSONText.string(scope.en)),\"min_area_m2\":\(JSONText.number(minAreaM2, decimals: 4)),\"findings\":[")
        case .geojson: try write("{\"type\":\"FeatureCollection\",\"features\":[")
        }
    }

    public func add(_ f: Finding) throws {
        count += 1
        counts[f.kind, default: 0] += 1
        switch format {
        case .text:
            block.append(f)
            if block.count >= Self.blockSize { try flushBlock() }
        case .json: try write((count == 1 ? "\n" : ",\n") + AuditOutput.jsonFinding(f))
        case .geojson: try write((count == 1 ? "\n" : ",\n") + AuditOutput.geoJSONFeature(f))
        }
    }

    private func flushBlock() throws {
        guard !block.isEmpty else { return }
        try write(AuditOutput.tableRows(block, number: rowsWritten + 1, header: rowsWritten == 0, lang))
        rowsWritten += block.count
        block.removeAll(keepingCapacity: true)
    }

    /// Counts per kind, in kind order, kinds found only.
    public var orderedCounts: [(FindingKind, Int)] { FindingKind.allCases.compactMap { k in counts[k].map { (k, $0) } } }

    public func finish(unitsChecked: Int) throws {
        switch format {
        case .text:
            try flushBlock()
            try write(summary(unitsChecked) + "\n")
        case .json:
            let c = orderedCounts.map { "\(JSONText.string($0.0.rawValue)):\($0.1)" }.joined(separator: ",")
            try write("\n],\"clean\":\(count == 0),\"units_checked\":\(unitsChecked),\"count\":\(count),\"counts\":{\(c)}}\n")
        case .geojson: try write("\n]}\n")
        }
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
