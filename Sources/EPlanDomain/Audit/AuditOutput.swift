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
        let th = lang == .th
        var lines: [String] = [r.scope.text(lang)]
        let minArea = String(format: "%g", r.minAreaM2)
        let pins = r.subject == "pins"
        let checked = pins ? (th ? "ตรวจ \(r.unitsChecked) หมุด" : "\(r.unitsChecked) pins checked")
                           : (th ? "ตรวจ \(r.unitsChecked) หน่วย, ไม่นับพื้นที่เล็กกว่า \(minArea) ตร.ม." : "\(r.unitsChecked) units checked, areas under \(minArea) m² ignored")
        if r.findings.isEmpty {
            lines.append(th ? "ไม่พบปัญหา (\(checked))" : "no findings (\(checked))")
            return lines.joined(separator: "\n")
        }
        let header = th ? ["#", "ประเภท", "ระดับ", "รหัส", "พื้นที่ (ตร.ม.)", "ตำแหน่ง (ละติจูด, ลองจิจูด)", "รายละเอียด"]
                        : ["#", "kind", "level", "codes", "area (m²)", "location (lat, lon)", "details"]
        var rows: [[String]] = [header]
        for (i, f) in r.findings.enumerated() {
            rows.append([
                String(i + 1),
                f.kind.label.text(lang),
                tableLabel(f.table, lang),
                f.codes.isEmpty ? (f.feature.map { "#\($0)" } ?? "—") : shortList(f.codes),
                f.areaM2.map { String(format: "%.1f", $0) } ?? "",
                f.location.map { String(format: "%.6f, %.6f", $0.y, $0.x) } ?? "",
                f.message.text(lang),
            ])
        }
        let widths = (0..<header.count).map { c in rows.map { TextWidth.of($0[c]) }.max() ?? 0 }
        for (n, row) in rows.enumerated() {
            let cells = row.enumerated().map { c, s in
                c == header.count - 1 ? s : TextWidth.pad(s, to: widths[c], right: c == 0 || c == 4)
            }
            lines.append(cells.joined(separator: "  "))
            if n == 0 { lines.append(widths.dropLast().map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "  ──────") }
        }
        let summary = r.counts.map { "\($0.0.label.text(lang)) \($0.1)" }.joined(separator: ", ")
        lines.append(th ? "พบ \(r.findings.count) รายการ: \(summary) (\(checked))"
                        : "\(r.findings.count) findings: \(summary) (\(checked))")
        return lines.joined(separator: "\n")
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

    public static func json(_ r: AuditReport) -> String {
        let counts = r.counts.map { "\(JSONText.string($0.0.rawValue)):\($0.1)" }.joined(separator: ",")
        var out = "{\"subject\":\(JSONText.string(r.subject)),\"scope_th\":\(JSONText.string(r.scope.th)),"
        out += "\"scope_en\":\(JSONText.string(r.scope.en)),\"clean\":\(r.isClean),\"units_checked\":\(r.unitsChecked),"
        out += "\"min_area_m2\":\(JSONText.number(r.minAreaM2, decimals: 4)),\"count\":\(r.findings.count),\"counts\":{\(counts)},"
        out += "\"findings\":[\n"
        out += r.findings.map { "{" + members($0).joined(separator: ",") + "}" }.joined(separator: ",\n")
        out += "\n]}"
        return out
    }

    /// RFC 7946 FeatureCollection: the problem's shape (or its point), properties as in JSON
    /// with the codes also joined as text (QGIS shows arrays poorly).
    /// (The terminal table shows at most three codes of a finding: JSON and GeoJSON carry all.)
    public static func geoJSON(_ r: AuditReport) -> String {
        var out = "{\"type\":\"FeatureCollection\",\"features\":[\n"
        out += r.findings.map { f -> String in
            let g = f.geometry ?? f.location.map { .point($0) }
            let geometry = g.map { GeoJSONGeometry.encode($0) } ?? "null"
            let props = members(f) + ["\"codes_text\":\(JSONText.string(f.codes.joined(separator: ",")))"]
            return "{\"type\":\"Feature\",\"properties\":{\(props.joined(separator: ","))},\"geometry\":\(geometry)}"
        }.joined(separator: ",\n")
        out += "\n]}"
        return out
    }
}
