import EPlanGeometry
import Foundation

/// A store's tables row by row, for `eplan store copy`: every column the two layouts share,
/// ids and time stamps included, so the copy is the same store (same exports, reports,
/// logs, accounts). Geometry columns (`geom`) travel as SpatiaLite BLOBs from either reader.
public protocol StoreTables: AnyObject {
    /// The table's column names, nil when the table does not exist.
    func tableColumns(_ table: String) throws -> [String]?
    /// Every row of `table` (`columns` in that order), streamed.
    func forEachRow(_ table: String, columns: [String], _ body: ([SQLValue]) throws -> Void) throws
    /// Inserts rows as they were (ids kept).
    func insertRows(_ table: String, columns: [String], _ rows: [[SQLValue]]) throws
    /// After the last insert: SQLite's layer statistics, PostgreSQL's identity sequences.
    func finishCopy(tables: [String]) throws
}

/// Copies one store into another, all or nothing: the target is written in one transaction
/// (PostgreSQL) or built beside its path and renamed into place (SQLite).
public enum StoreCopy {
    /// Parents before children (foreign keys hold at every insert).
    public static let tables = ["province", "amphoe", "tambon", "boundary_import", "setting", "lao", "lao_tambon", "dev_plan",
                                "project", "project_stage_log", "pin", "boundary_original",
                                "account", "account_token", "account_session", "account_audit"]
    static let batch = 500

    /// Copies every table of `source` into `target` (inside the caller's transaction);
    /// returns the rows copied per table, in `tables` order.
    public static func copy(from source: any StoreTables, to target: any StoreTables) throws -> [(table: String, rows: Int)] {
        var counts: [(String, Int)] = []
        for table in tables {
            guard let from = try source.tableColumns(table), let to = try target.tableColumns(table) else { continue }
            let columns = from.filter(to.contains)
            var pending: [[SQLValue]] = [], n = 0
            try source.forEachRow(table, columns: columns) { row in
                pending.append(row); n += 1
                if pending.count == batch { try target.insertRows(table, columns: columns, pending); pending.removeAll(keepingCapacity: true) }
            }
            if !pending.isEmpty { try target.insertRows(table, columns: columns, pending) }
            counts.append((table, n))
        }
        try target.finishCopy(tables: tables)
        return counts
    }
}

extension Store: StoreTables {
    public func tableColumns(_ table: String) throws -> [String]? {
        var out: [String] = []
        try database.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) { out.append($0.string(0) ?? "") }
        return out.isEmpty ? nil : out
    }

    public func forEachRow(_ table: String, columns: [String], _ body: ([SQLValue]) throws -> Void) throws {
        let n = Int32(columns.count)
        try database.query("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY rowid") { row in
            try body((0..<n).map { row.value($0) })
        }
    }

    public func insertRows(_ table: String, columns: [String], _ rows: [[SQLValue]]) throws {
        let insert = try database.cached("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
        for r in rows {
            try insert.bind(r)
            defer { insert.reset() }
            try insert.step()
        }
    }

    public func finishCopy(tables: [String]) throws {
        for t in ["province", "amphoe", "tambon", "lao", "pin"] { try database.refreshLayerStatistics(table: t, column: "geom") }
    }
}

extension PostgresStore: StoreTables {
    public func tableColumns(_ table: String) throws -> [String]? {
        let names = try rows("""
            SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
            ORDER BY ordinal_position
            """, [.text(table)]).map { $0.string(0) ?? "" }
        return names.isEmpty ? nil : names
    }

    /// Streams through a cursor, a batch at a time.
    public func forEachRow(_ table: String, columns: [String], _ body: ([SQLValue]) throws -> Void) throws {
        let list = columns.map { $0 == "geom" ? "ST_AsBinary(geom, 'NDR') AS geom" : $0 }.joined(separator: ", ")
        try db.beginOwnTransaction()
        defer { try? db.endOwnTransaction() }
        let order = columns.contains("id") ? " ORDER BY id" : ""
        try db.execute("DECLARE eplan_export NO SCROLL CURSOR FOR SELECT \(list) FROM \(table)\(order)")
        while true {
            let batch = try db.query("FETCH 2000 FROM eplan_export")
            if batch.isEmpty { break }
            for r in batch { try body(r.values) }
        }
    }

    /// One `COPY … FROM STDIN` per batch (text format, written here): no statement to parse
    /// and plan with thousands of parameters, as the multi-row INSERT it replaces had (0.28x
    /// ogr2ogr's rate). Inside the copy's one transaction, so still all or nothing; ids kept
    /// (COPY writes the identity column's value as given).
    public func insertRows(_ table: String, columns: [String], _ rows: [[SQLValue]]) throws {
        guard !rows.isEmpty else { return }
        let integers = try integerColumns(table)
        var text: [UInt8] = []
        text.reserveCapacity(rows.count * columns.count * 16)
        for r in rows {
            for (i, value) in r.enumerated() {
                if i > 0 { text.append(0x09) }
                try PostgresStore.copyText(value, column: columns[i], integer: integers.contains(columns[i]), into: &text)
            }
            text.append(0x0A)
        }
        try db.copy(into: table, columns: columns, text)
    }

    /// The table's integer columns (a real read from SQLite that holds a whole number is
    /// written as one: COPY does not cast "3.0" to an integer as a bound parameter is).
    /// Read once per table: `information_schema` is slow to ask, and it was asked for every
    /// batch of 500 rows (455 times for the 100,000-project fixture).
    private func integerColumns(_ table: String) throws -> Set<String> {
        if let known = copyIntegerColumns[table] { return known }
        let found = Set(try rows("""
            SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
            AND data_type IN ('smallint', 'integer', 'bigint')
            """, [.text(table)]).compactMap { $0.string(0) })
        copyIntegerColumns[table] = found
        return found
    }

    /// One value in COPY's text format: `\N` for NULL; texts with backslash, tab, newline and
    /// carriage return escaped; reals as Swift writes them (the shortest text that reads back
    /// to the same double); a geometry (a SpatiaLite BLOB) as hex EWKB with its SRID, as the
    /// column's typmod wants; any other BLOB as bytea hex.
    static func copyText(_ value: SQLValue, column: String, integer: Bool, into out: inout [UInt8]) throws {
        switch value {
        case .null: out += [0x5C, 0x4E]
        case .integer(let v): out += Array(String(v).utf8)
        case .real(let v):
            if integer, v.rounded() == v, abs(v) < 9.2e18 { out += Array(String(Int64(v)).utf8) } else { out += Array("\(v)".utf8) }
        case .text(let s):
            for b in s.utf8 {
                switch b {
                case 0x5C: out += [0x5C, 0x5C]
                case 0x09: out += [0x5C, 0x74]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                default: out.append(b)
                }
            }
        case .blob(let b):
            guard column == "geom" else { out += [0x5C, 0x5C, 0x78]; hex(b, into: &out); return }
            guard let wkb = WKB.encode(try SpatiaLiteBlob.decode(b).geometry) else { out += [0x5C, 0x4E]; return }
            hex(ewkb(wkb, srid: UInt32(Store.srid)), into: &out)
        }
    }

    /// WKB (little endian, as `WKB.encode` writes it) with PostGIS's SRID flag and the SRID.
    static func ewkb(_ wkb: [UInt8], srid: UInt32) -> [UInt8] {
        guard wkb.count >= 5 else { return wkb }
        var out = Array(wkb[0..<5])
        out[4] |= 0x20
        withUnsafeBytes(of: srid.littleEndian) { out += $0 }
        out += wkb[5...]
        return out
    }

    private static func hex(_ bytes: [UInt8], into out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out.reserveCapacity(out.count + bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    }

    /// Identity sequences continue after the copied ids.
    public func finishCopy(tables: [String]) throws {
        for t in tables where try tableColumns(t)?.contains("id") == true && t != "account_session" {
            try db.execute("SELECT setval(pg_get_serial_sequence('\(t)', 'id'), coalesce((SELECT max(id) FROM \(t)), 0) + 1, false)")
        }
    }
}
