import Foundation

/// The status report as people read it: the seed's cells (blank vs 0 as printed there),
/// as a terminal table, a CSV (UTF-8 with BOM, for Excel) or a printable HTML page.
public enum StatusReportFormat {
    /// "รายงานสถานะการทำงานของแต่ละอปท. จังหวัดตาก ปี 2560"
    public static func title(_ r: StatusReport, _ lang: Language) -> String {
        lang == .th ? "รายงานสถานะการทำงานของแต่ละอปท. จังหวัด\(r.provinceTH) ปี \(r.year)"
                    : "Status of each LAO's e-Plan work, \(r.provinceEN.isEmpty ? r.provinceTH : r.provinceEN) province, plan year \(r.year)"
    }

    /// "ข้อมูล ณ 03/10/2559" (today when no as-of date).
    public static func asOfLine(_ r: StatusReport, _ lang: Language) -> String {
        let d = r.asOf ?? CalendarDate.today()
        return lang == .th ? "ข้อมูล ณ \(d.thai)" : "data as of \(d.iso)"
    }

    public static func headers(_ r: StatusReport, _ lang: Language) -> [String] {
        let y = r.years
        if lang == .th {
            return ["ที่", "อปท.", "อำเภอ", "วิสัยทัศน์", "ยุทธศาสตร์", "แผน \(y[0])", "แผน \(y[1])", "แผน \(y[2])",
                    "อนุมัติแผน", "วันอนุมัติแผน", "อนุมัติงบประมาณ", "ลงนามสัญญา", "เบิกจ่าย", "ดำเนินการ 100%",
                    "ปักหมุดแล้ว", "หมุดถูกต้อง", "หมุดนอกเขต/ค้าง"]
        }
        return ["no", "LAO", "amphoe", "vision", "strategies", "plan \(y[0])", "plan \(y[1])", "plan \(y[2])",
                "plan approved", "approved on", "budget approved", "contract signed", "disbursed", "completed 100%",
                "pinned", "pins valid", "pins outside/stale"]
    }

    /// Columns holding numbers (right-aligned).
    public static let numericColumns: Set<Int> = [0, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16]

    static func count(_ n: Int) -> String { n == 0 ? "" : ThaiText.grouped(Int64(n)) }

    /// One LAO's cells, blank where the seed prints blank: plan counts of 0; budget,
    /// contract, disbursed and completed when no project has its budget approved (then 0s).
    public static func cells(_ row: StatusReportRow, number: Int, _ lang: Language) -> [String] {
        let th = lang == .th
        let stagesShown = row.budgetApproved > 0
        func stage(_ n: Int) -> String { stagesShown ? String(n) : "" }
        let date = row.planApprovedOn.flatMap { CalendarDate(iso: $0) }.map { th ? $0.thai : $0.iso } ?? ""
        return [String(number), th ? row.shortTH : (row.nameEN ?? row.shortTH),
                th ? row.amphoeTH : (row.amphoeEN.isEmpty ? row.amphoeTH : row.amphoeEN),
                row.vision ? (th ? "ทำแล้ว" : "done") : "-",
                row.strategies.map(String.init) ?? "",
                count(row.planProjects[0]), count(row.planProjects[1]), count(row.planProjects[2]),
                row.planApproved ? (th ? "ทำแล้ว" : "approved") : (th ? "ยังไม่อนุมัติ" : "not approved"), date,
                stage(row.budgetApproved), stage(row.contractSigned), stage(row.disbursed), stage(row.completed),
                String(row.pinned), String(row.pinsValid), String(row.pinsOutsideOrStale)]
    }

    /// "รวม 69 อปท." and the totals, numbers grouped by thousands as the seed prints them.
    public static func totalCells(_ r: StatusReport, _ lang: Language) -> [String] {
        let t = r.total
        func g(_ n: Int) -> String { ThaiText.grouped(Int64(n)) }
        return ["", lang == .th ? "รวม \(t.laos) อปท." : "total \(t.laos) LAOs", "", g(t.vision), g(t.strategies),
                g(t.planProjects[0]), g(t.planProjects[1]), g(t.planProjects[2]), g(t.planApproved), "",
                g(t.budgetApproved), g(t.contractSigned), g(t.disbursed), g(t.completed),
                g(t.pinned), g(t.pinsValid), g(t.pinsOutsideOrStale)]
    }

    public static func bodyRows(_ r: StatusReport, _ lang: Language) -> [[String]] {
        r.rows.enumerated().map { cells($1, number: $0 + 1, lang) }
    }

    // MARK: text

    public static func text(_ r: StatusReport, _ lang: Language) -> String {
        let header = headers(r, lang)
        let rows = bodyRows(r, lang) + [totalCells(r, lang)]
        let widths = header.indices.map { i in ([header] + rows).map { TextWidth.of($0[i]) }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var s = cells.indices.map { TextWidth.pad(cells[$0], to: widths[$0], right: numericColumns.contains($0)) }
                .joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [title(r, lang), asOfLine(r, lang), "", line(header),
                   widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.dropLast().map(line)
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out.append(line(rows.last!))
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: CSV

    /// UTF-8 with a byte-order mark, CRLF, one header row, the LAO rows, the total row.
    public static func csv(_ r: StatusReport, _ lang: Language) -> String {
        var out = "\u{FEFF}" + CSVTable.line(headers(r, lang)) + "\r\n"
        for row in bodyRows(r, lang) + [totalCells(r, lang)] { out += CSVTable.line(row) + "\r\n" }
        return out
    }

    // MARK: HTML

    static func escape(_ s: String) -> String { HTMLText.escape(s) }

    /// A self-contained page to print: A4 landscape, Thai fonts, bordered table, the
    /// title and the as-of line, numbers right-aligned, header repeated on each page.
    public static func html(_ r: StatusReport, _ lang: Language) -> String {
        func cellsHTML(_ cells: [String], tag: String) -> String {
            cells.enumerated().map { i, c in
                let cls = numericColumns.contains(i) && tag == "td" ? " class=\"n\"" : ""
                return "<\(tag)\(cls)>\(escape(c))</\(tag)>"
            }.joined()
        }
        let synthetic = lang == .th
            ? "หมายเหตุ: รายละเอียดโครงการในข้อมูลตั้งต้นเป็นข้อมูลสังเคราะห์ เฉพาะจำนวน วันที่ และข้อมูลของ อปท. มาจากรายงาน ณ 03/10/2559"
            : "Note: the default data's project details are synthetic; only the counts, dates and LAO facts come from the 03/10/2559 report."
        var page = """
            <!DOCTYPE html>
            <html lang="\(lang == .th ? "th" : "en")">
            <head>
            <meta charset="utf-8">
            <title>\(escape(title(r, lang)))</title>
            <style>
            @page { size: A4 landscape; margin: 10mm; }
            body { font-family: "TH Sarabun New", "Sarabun", "Noto Sans Thai", "Leelawadee UI", "Tahoma", sans-serif; font-size: 10pt; margin: 0; }
            h1 { font-size: 14pt; margin: 0 0 2pt 0; text-align: center; }
            p.asof { margin: 0 0 6pt 0; text-align: center; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #000; padding: 1pt 3pt; vertical-align: top; }
            th { background: #eee; font-weight: bold; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            thead { display: table-header-group; }
            tr { page-break-inside: avoid; }
            tfoot td { font-weight: bold; }
            p.note { font-size: 8pt; color: #444; }
            </style>
            </head>
            <body>
            <h1>\(escape(title(r, lang)))</h1>
            <p class="asof">\(escape(asOfLine(r, lang)))</p>
            <table>
            <thead><tr>\(cellsHTML(headers(r, lang), tag: "th"))</tr></thead>
            <tbody>

            """
        for row in bodyRows(r, lang) { page += "<tr>\(cellsHTML(row, tag: "td"))</tr>\n" }
        page += """
            </tbody>
            <tfoot><tr>\(cellsHTML(totalCells(r, lang), tag: "td"))</tr></tfoot>
            </table>
            <p class="note">\(escape(synthetic))</p>
            </body>
            </html>

            """
        return page
    }
}
