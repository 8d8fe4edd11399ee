import EPlanGeometry
import NIOCore
import PostgresNIO

/// The service's group commit on PostgreSQL as ONE prepared statement: the batch's pins go as
/// one array per column, and the statement locks their projects (in code order, so two
/// processes' batches never deadlock), retires their current pins, numbers the new versions
/// (max + 1, + 2… in batch order; the last of a project is its current pin) and inserts them.
/// One round trip, parsed and planned once per connection, where the batch took six
/// statements (BEGIN, the locks, the last versions, the retirement, a multi-row INSERT
/// parsed and planned anew for each batch size, COMMIT).
///
/// The statement reads the last versions with the snapshot it started with: when it had to
/// wait for another transaction's lock on a project, that transaction's new pins are not among
/// them, and the insert fails on `UNIQUE (project_code, version)` (or the one current pin per
/// project): nothing of the batch is stored, and `addPins` runs it again (a new snapshot).
struct PinBatchStatement: PostgresPreparedStatement {
    /// The columns sent, in `PinRow` order: all but those the statement works out.
    static let sent = PinRow.Column.allCases.filter { $0 != .version && $0 != .is_current }

    /// The element type of a sent column's array.
    static func type(_ c: PinRow.Column) -> PGArray.Element {
        switch c {
        case .input_crs: return .int4
        case .tolerance_m, .distance_outside_m, .outside_fraction: return .float8
        case .geom: return .bytea
        default: return .text
        }
    }

    static let sql: String = {
        let names = sent.map(\.name)
        let arrays = sent.enumerated().map { i, c in "$\(i + 1)::\(type(c).sqlName)[]" }.joined(separator: ", ")
        let code = "$\(1 + (sent.firstIndex(of: .project_code) ?? 0))::text[]"
        let values = PinRow.Column.allCases.map { c in c == .geom ? "ST_GeomFromWKB(geom, 4326)" : c.name }.joined(separator: ", ")
        // `retired` is read (counted) before any row is inserted: the previous current pins
        // are retired before the new ones meet the one-current-pin index.
        return """
            WITH input AS (
                SELECT * FROM unnest(\(arrays)) WITH ORDINALITY AS i(\(names.joined(separator: ", ")), n)
            ), locked AS (
                SELECT code FROM project WHERE code = ANY (\(code)) ORDER BY code FOR UPDATE
            ), retired AS (
                UPDATE pin SET is_current = 0 FROM locked WHERE pin.project_code = locked.code AND pin.is_current = 1 RETURNING 1
            ), numbered AS (
                SELECT i.*, coalesce((SELECT max(version) FROM pin WHERE pin.project_code = i.project_code), 0)
                            + row_number() OVER (PARTITION BY i.project_code ORDER BY i.n) AS version,
                       CASE WHEN i.n = max(i.n) OVER (PARTITION BY i.project_code) THEN 1 ELSE 0 END AS is_current
                FROM input i WHERE i.project_code IN (SELECT code FROM locked)
            )
            INSERT INTO pin (\(PinRow.Column.list()))
            SELECT \(values) FROM numbered, (SELECT count(*) FROM retired) r
            RETURNING project_code, version
            """
    }()

    static var bindingDataTypes: [PostgresDataType] { sent.map { type($0).arrayType } }

    typealias Row = (String, Int)
    let pins: [PinRecord]

    func makeBindings() throws -> PostgresBindings {
        let rows = pins.map { PinRow.values($0, version: 0, blob: WKB.encode($0.geometry)) }
        var binds = PostgresBindings(capacity: Self.sent.count)
        for c in Self.sent {
            try binds.append(PGArray(element: Self.type(c), values: rows.map { $0[Int(c.rawValue)] }))
        }
        return binds
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode((String, Int).self) }

    /// Each pin as stored, in batch order; nil for a pin whose project is not stored (no row
    /// came back for it). The versions of one project came back in the order they were given.
    func results(_ rows: [Row]) -> [PinRecord?] {
        var versions: [String: [Int]] = [:]
        for (code, version) in rows { versions[code, default: []].append(version) }
        for code in versions.keys { versions[code]?.sort(by: >) }  // popped from the end: smallest first
        var out: [PinRecord?] = []
        var left = versions.mapValues(\.count)
        for pin in pins {
            guard let version = versions[pin.projectCode]?.popLast() else { out.append(nil); continue }
            var record = pin
            record.version = version
            left[pin.projectCode, default: 0] -= 1
            record.isCurrent = left[pin.projectCode] == 0
            out.append(record)
        }
        return out
    }
}

/// A one-dimensional PostgreSQL array in its binary form (`array_send`: dimensions, then each
/// element's length and bytes, -1 for NULL): what `unnest($n::type[])` reads.
struct PGArray: PostgresThrowingDynamicTypeEncodable {
    enum Element {
        case text, int4, float8, bytea
        var sqlName: String {
            switch self {
            case .text: return "text"
            case .int4: return "int4"
            case .float8: return "float8"
            case .bytea: return "bytea"
            }
        }
        var type: PostgresDataType {
            switch self {
            case .text: return .text
            case .int4: return .int4
            case .float8: return .float8
            case .bytea: return .bytea
            }
        }
        var arrayType: PostgresDataType {
            switch self {
            case .text: return .textArray
            case .int4: return .int4Array
            case .float8: return .float8Array
            case .bytea: return .byteaArray
            }
        }
    }
    let element: Element
    let values: [SQLValue]

    var psqlType: PostgresDataType { element.arrayType }
    var psqlFormat: PostgresFormat { .binary }

    func encode<E: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<E>) throws {
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(values.contains(.null) ? 1 : 0))
        buffer.writeInteger(Int32(bitPattern: element.type.rawValue))
        buffer.writeInteger(Int32(values.count))
        buffer.writeInteger(Int32(1))
        for v in values { try write(v, into: &buffer) }
    }

    /// One element; a value of another kind than the element's is a bug of ours.
    private func write(_ v: SQLValue, into buffer: inout ByteBuffer) throws {
        switch (element, v) {
        case (_, .null):
            buffer.writeInteger(Int32(-1))
        case (.text, .text(let s)):
            buffer.writeInteger(Int32(s.utf8.count))
            buffer.writeString(s)
        case (.int4, .integer(let i)):
            buffer.writeInteger(Int32(4))
            buffer.writeInteger(Int32(truncatingIfNeeded: i))
        case (.float8, .real(let d)):
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(d.bitPattern)
        case (.float8, .integer(let i)):
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(Double(i).bitPattern)
        case (.bytea, .blob(let b)):
            buffer.writeInteger(Int32(b.count))
            buffer.writeBytes(b)
        default:
            throw PGConnection.malformed("a \(v) in an array of \(element.sqlName)")
        }
    }
}
