import Foundation

/// A spreadsheet of field readings: a code column (and/or a name column), and the location
/// as either latitude/longitude columns, zone/easting/northing columns, one coordinate
/// column in any form `eplan pin` reads (lat/lon, DMS, "47N 453809 1848266", MGRS, Thai
/// digits), or a WKT column. Rows sharing a code and carrying a `seq` column make one line,
/// in `seq` order (a road read point by point).
public enum FieldCSVReader {
    static let codeColumns = ["code", "project", "project_code", "รหัส", "รหัสโครงการ"]
    static let nameColumns = ["name_th", "name", "ชื่อ", "ชื่อโครงการ"]
    static let latColumns = ["lat", "latitude", "ละติจูด"]
    static let lonColumns = ["lon", "lng", "long", "longitude", "ลองจิจูด"]
    static let coordinateColumns = ["coordinate", "coordinates", "coord", "position", "พิกัด"]
    static let wktColumns = ["wkt", "geometry", "geom"]
    static let seqColumns = ["seq", "sequence", "ลำดับ"]

    struct Columns {
        var header: [String]
        func index(_ names: [String]) -> Int? { header.firstIndex { names.contains($0) } }
    }

    public static func read(_ path: String, parser: CoordinateParser = CoordinateParser()) throws -> [FieldItem] {
        let table = try CSVTable.read(path: path)
        let cols = Columns(header: table.header.fields.map { ThaiText.normalized($0).lowercased() })
        let location = try locationReader(cols, path: path)
        guard cols.index(codeColumns) != nil || cols.index(nameColumns) != nil else {
            throw FieldDataError(th: "\(path): ไม่มีคอลัมน์รหัสโครงการ (code) หรือชื่อโครงการ (name)",
                                 en: "\(path): no project code column (code) or name column (name)")
        }
        let rows = table.nonBlankRows
        guard !rows.isEmpty else { throw FieldDataError.empty(path, Message(th: "แถวข้อมูล", en: "data rows")) }
        let items = rows.map { row -> FieldItem in
            let cell = { (i: Int?) -> String? in
                guard let i, i < row.fields.count else { return nil }
                let v = Trim.spacesAndNewlines(row.fields[i])
                return v.isEmpty ? nil : v
            }
            var fields: [String: String] = [:]
            for (i, h) in cols.header.enumerated() { if let v = cell(i) { fields[h] = v } }
            var item = FieldItem(file: path, place: "line \(row.line)", line: row.line, code: cell(cols.index(codeColumns)),
                                 name: cell(cols.index(nameColumns)), fields: fields, shape: nil)
            do { item.shape = try location(cell, parser) } catch let e as UserFacingError {
                item.problem = Message(th: "บรรทัด \(row.line): \(e.message.th)", en: "line \(row.line): \(e.message.en)")
            } catch { item.problem = Message(th: "บรรทัด \(row.line): \(error)", en: "line \(row.line): \(error)") }
            return item
        }
        guard let seq = cols.index(seqColumns) else { return items }
        return joinLines(items, seqColumn: cols.header[seq])
    }

    typealias Cell = (Int?) -> String?

    /// How a row's location is read, decided once from the header.
    private static func locationReader(_ cols: Columns, path: String) throws -> (Cell, CoordinateParser) throws -> FieldItem.Shape {
        if let lat = cols.index(latColumns), let lon = cols.index(lonColumns) {
            return { cell, parser in .parsed([try parser.parse("\(try need(cell(lat), "lat")), \(try need(cell(lon), "lon"))")]) }
        }
        if let z = cols.index(["zone", "utm_zone", "โซน"]), let e = cols.index(["easting", "e", "x"]), let n = cols.index(["northing", "n", "y"]) {
            return { cell, parser in
                var zone = try need(cell(z), "zone")
                if zone.allSatisfy({ $0.isNumber }) { zone += "N" }  // Thailand is north of the equator
                return .parsed([try parser.parse("\(zone) \(try need(cell(e), "easting")) \(try need(cell(n), "northing"))")])
            }
        }
        if let c = cols.index(coordinateColumns) {
            return { cell, parser in .parsed([try parser.parse(try need(cell(c), cols.header[c]))]) }
        }
        if let w = cols.index(wktColumns) {
            return { cell, _ in .wkt(try need(cell(w), cols.header[w])) }
        }
        throw FieldDataError(th: "\(path): ไม่มีคอลัมน์พิกัด: ต้องมี lat และ lon, zone easting northing, coordinate หรือ wkt",
                             en: "\(path): no coordinate columns: it needs lat and lon, zone easting northing, coordinate, or wkt")
    }

    private static func need(_ v: String?, _ column: String) throws -> String {
        guard let v else { throw FieldDataError(th: "คอลัมน์ \(column) ว่าง", en: "the \(column) column is empty") }
        return v
    }

    /// Rows with one code and a sequence number become one line, ordered by it; rows with
    /// no sequence number stay points. The line is placed at its first row.
    static func joinLines(_ items: [FieldItem], seqColumn: String) -> [FieldItem] {
        var out: [FieldItem] = []
        var groups: [String: Int] = [:]     // code → index in `out`
        var members: [Int: [(Double, FieldItem)]] = [:]
        for item in items {
            guard let code = item.code, let s = item.fields[seqColumn] else { out.append(item); continue }
            guard let n = ThaiText.number(s) else {
                var bad = item
                bad.problem = Message(th: "บรรทัด \(item.line ?? 0): ลำดับ (\(seqColumn)) '\(s)' ไม่ใช่ตัวเลข",
                                      en: "line \(item.line ?? 0): the sequence (\(seqColumn)) '\(s)' is not a number")
                out.append(bad); continue
            }
            if let g = groups[code] { members[g, default: []].append((n, item)); continue }
            groups[code] = out.count
            members[out.count] = [(n, item)]
            out.append(item)
        }
        for (i, rows) in members where rows.count > 1 {
            out[i] = line(of: rows.sorted { $0.0 < $1.0 }.map(\.1))
        }
        return out
    }

    private static func line(of rows: [FieldItem]) -> FieldItem {
        var item = rows[0]
        let lines = rows.compactMap(\.line)
        item.place = "lines \(lines.min() ?? 0)–\(lines.max() ?? 0)"
        if let bad = rows.first(where: { $0.problem != nil }) { item.problem = bad.problem; item.shape = nil; return item }
        var points: [ParsedCoordinate] = []
        for r in rows {
            guard case .parsed(let ps)? = r.shape else {
                item.problem = Message(th: "บรรทัด \(r.line ?? 0): เส้นที่ต่อจากหลายแถวต้องให้พิกัดเป็นจุด ไม่ใช่ WKT",
                                       en: "line \(r.line ?? 0): a line joined from rows needs a point per row, not WKT")
                item.shape = nil
                return item
            }
            points += ps
        }
        item.shape = .parsed(points)
        return item
    }
}
