import CSQLite
import EPlanGeometry
import Foundation

/// How a pin fared against its LAO's jurisdiction when it was stored.
public enum PinStatus: String, Sendable, CaseIterable {
    /// Inside the jurisdiction, or within the tolerance of it.
    case valid
    /// Accepted with a warning (e.g. a point for a road).
    case warning
    /// Outside: stored only when forced, for an analyst to review.
    case outside

    public var label: Message {
        switch self {
        case .valid: return Message(th: "ถูกต้อง", en: "valid")
        case .warning: return Message(th: "มีคำเตือน", en: "warning")
        case .outside: return Message(th: "นอกเขต", en: "outside")
        }
    }
}

/// One version of a project's pin. Versions are never changed once stored: a new pin is a
/// new row, and the previous one merely stops being current.
public struct PinRecord: Equatable, Sendable {
    public var projectCode: String
    /// 1, 2, …; assigned by `Store.addPin` (the value passed in is ignored).
    public var version: Int
    public var isCurrent: Bool
    /// ISO 8601 (UTC).
    public var pinnedAt: String
    public var pinnedBy: String
    /// The input exactly as typed (coordinate texts, WKT, GeoJSON or a file's text).
    public var rawInput: String
    /// EPSG code of the CRS the input came in.
    public var inputCRS: Int
    public var status: PinStatus
    public var toleranceM: Double
    /// Metres outside the jurisdiction (0 or nil when inside).
    public var distanceOutsideM: Double?
    /// For lines (by length) and polygons (by area): the share outside, 0…1.
    public var outsideFraction: Double?
    public var foundLAOCode: String?
    public var foundTambonCode: String?
    public var foundAmphoeCode: String?
    /// The validation's messages, both languages.
    public var messages: [Message]
    /// EPSG:4326 (x = lon, y = lat).
    public var geometry: Geometry

    public init(projectCode: String, version: Int = 0, isCurrent: Bool = true, pinnedAt: String, pinnedBy: String,
                rawInput: String, inputCRS: Int, status: PinStatus, toleranceM: Double,
                distanceOutsideM: Double? = nil, outsideFraction: Double? = nil, foundLAOCode: String? = nil,
                foundTambonCode: String? = nil, foundAmphoeCode: String? = nil, messages: [Message] = [],
                geometry: Geometry) {
        self.projectCode = projectCode; self.version = version; self.isCurrent = isCurrent
        self.pinnedAt = pinnedAt; self.pinnedBy = pinnedBy; self.rawInput = rawInput; self.inputCRS = inputCRS
        self.status = status; self.toleranceM = toleranceM; self.distanceOutsideM = distanceOutsideM
        self.outsideFraction = outsideFraction; self.foundLAOCode = foundLAOCode
        self.foundTambonCode = foundTambonCode; self.foundAmphoeCode = foundAmphoeCode
        self.messages = messages; self.geometry = geometry
    }
}

/// The few project fields pinning needs (the full project API lives with the project import).
public struct ProjectRef: Equatable, Sendable {
    public var code: String
    public var laoCode: String
    /// road, building, water or other.
    public var kind: String
    /// Buddhist-era plan year.
    public var planYear: Int
    public var nameTH: String

    public init(code: String, laoCode: String, kind: String, planYear: Int, nameTH: String) {
        self.code = code; self.laoCode = laoCode; self.kind = kind; self.planYear = planYear; self.nameTH = nameTH
    }
}

/// Which current pins (or unpinned projects) to list: the projects' filter and the pin's status.
public struct PinFilter: Equatable, Sendable {
    public var projects: ProjectFilter
    public var status: PinStatus?

    public init(_ projects: ProjectFilter = ProjectFilter(), status: PinStatus? = nil) {
        self.projects = projects; self.status = status
    }

    public init(laoCode: String? = nil, amphoeCode: String? = nil, planYear: Int? = nil, status: PinStatus? = nil) {
        self.init(ProjectFilter(laoCode: laoCode, amphoeCode: amphoeCode, planYear: planYear), status: status)
    }
}

/// A current pin with the project it belongs to.
public struct PinListing: Equatable, Sendable {
    public var project: ProjectRef
    public var pin: PinRecord
}

extension Store {
    /// The default tolerance (metres) for GPS error at borders when the store sets none.
    public static let defaultPinToleranceM = 30.0
    public static let pinToleranceKey = "pin.tolerance_m"

    public func projectRef(code: String) throws -> ProjectRef? {
        var out: ProjectRef?
        try database.query("SELECT \(ProjectRefRow.Column.list()) FROM project WHERE code = ?", [.text(code)]) { row in
            out = ProjectRefRow.decode(Columns(row), defaultKind: "other")
        }
        return out
    }

    // MARK: settings

    public func setting(_ key: String) throws -> String? {
        try database.scalar("SELECT value FROM setting WHERE key = ?", [.text(key)]).string
    }

    /// Sets `key` to `value`, or removes it when `value` is nil.
    public func setSetting(_ key: String, _ value: String?) throws {
        if let value {
            try database.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 [.text(key), .text(value)])
        } else {
            try database.execute("DELETE FROM setting WHERE key = ?", [.text(key)])
        }
    }

    public func settings() throws -> [(key: String, value: String)] {
        var out: [(String, String)] = []
        try database.query("SELECT key, value FROM setting ORDER BY key") { out.append(($0.string(0) ?? "", $0.string(1) ?? "")) }
        return out
    }

    /// The store's pin tolerance, or the default when unset or unreadable.
    public func pinToleranceM() throws -> Double {
        guard let s = try setting(Store.pinToleranceKey), let v = Double(s), v.isFinite, v >= 0 else {
            return Store.defaultPinToleranceM
        }
        return v
    }

    /// For one-shot writers (`eplan pin`): the commit itself is durable (WAL with
    /// synchronous=FULL syncs the log at commit), but closing does not also checkpoint the
    /// WAL into the database file (two more fsyncs); the next writer's automatic
    /// checkpoint folds it in. Readers (sqlite3, spatialite, QGIS) read the WAL as usual.
    public func skipCheckpointOnClose() throws {
        try database.execute("PRAGMA synchronous = FULL")
        _ = csqlite_no_checkpoint_on_close(database.handle, 1)
    }

    // MARK: pins

    /// Stores a new version in ONE transaction: the previous current pin (if any) stops being
    /// current, the new row gets version max+1 and is current. Older rows are never otherwise
    /// touched. Returns the record as stored.
    @discardableResult
    public func addPin(_ pin: PinRecord) throws -> PinRecord {
        let db = database
        return try db.transaction {
            // Asked before our own writes stamp geometry_columns_time.
            let statisticsCurrent = try db.layerStatisticsAreCurrent(table: "pin", column: "geom")
            let (stored, envelope) = try insertPin(pin)
            try updatePinStatistics(current: statisticsCurrent, rows: 1, extent: envelope)
            return stored
        }
    }

    /// Several pins in ONE transaction (one fsync for all: the service's group commit); a
    /// pin that fails is undone alone and its error is its result. When SQLite itself
    /// abandoned the transaction (disk full, I/O error) the whole batch fails: nothing of it
    /// is stored. The layer statistics are asked and grown once per batch, not per pin (they
    /// cost as much as the pin's own rows).
    ///
    /// The service's pins were checked just before, so a pin that fails here is rare: the
    /// batch goes first without a savepoint per pin (two statements more per pin, and a
    /// journal of every page the pin changes). Only when one fails is the batch undone and
    /// done again pin by pin, each in a savepoint of its own.
    public func addPins(_ pins: [PinRecord]) throws -> [Result<PinRecord, any Error>] {
        do {
            return try addPins(pins, eachInSavepoint: false)
        } catch let error as DatabaseError where error.kind == .busy || error.kind == .diskFull {
            throw error  // the same again would only wait or fail the same way
        } catch {
            return try addPins(pins, eachInSavepoint: true)
        }
    }

    /// The batch in one transaction; without `eachInSavepoint` the first pin that fails
    /// undoes it all (its error thrown).
    private func addPins(_ pins: [PinRecord], eachInSavepoint: Bool) throws -> [Result<PinRecord, any Error>] {
        let db = database
        return try db.transaction {
            // The service's writer does the triggers' work itself; a batch redone pin by pin
            // goes through the triggers, so that a failing pin fails with their own error.
            let work = try pinTriggerWork?.begin(viaTriggers: eachInSavepoint)
            let statisticsCurrent = try db.layerStatisticsAreCurrent(table: "pin", column: "geom")
            var out: [Result<PinRecord, any Error>] = []
            out.reserveCapacity(pins.count)
            var added = 0
            var extent: Envelope?
            for pin in pins {
                do {
                    let (stored, envelope) = eachInSavepoint ? try db.transaction { try insertPin(pin) } : try insertPin(pin, work)
                    added += 1
                    if let e = envelope { if extent == nil { extent = e } else { extent?.expand(e) } }
                    out.append(.success(stored))
                } catch {
                    guard eachInSavepoint, db.isInTransaction else { throw error }
                    out.append(.failure(error))
                }
            }
            if added > 0 {
                try work?.finish()
                try updatePinStatistics(current: statisticsCurrent, rows: added, extent: extent)
            }
            return out
        }
    }

    /// Built once: the statement cache finds it by its text.
    private static let insertPinSQL = "INSERT INTO pin (\(PinRow.Column.list())) VALUES (\(PinRow.Column.placeholders))"

    /// The rows of one new version (inside the caller's transaction): the stored record and
    /// its geometry's envelope (nil: NULL or empty), for the layer statistics.
    /// With `work`, the triggers' share too (they are off on this connection).
    private func insertPin(_ pin: PinRecord, _ work: PinTriggerWork.Batch? = nil) throws -> (PinRecord, Envelope?) {
        let stored = try pin.nextVersion(in: database)
        let retired = database.changes > 0  // nextVersion's last statement retires the current pin
        let blob = SpatiaLiteBlob.encode(pin.geometry, srid: Store.srid)
        try database.execute(Self.insertPinSQL, PinRow.values(pin, version: stored.version, blob: blob))
        let box = try blob.flatMap { try SpatiaLiteBlob.envelope(of: $0) }
        try work?.inserted(id: database.lastInsertRowID, box: box, retired: retired)
        return (stored, box)
    }

    /// For the service's one pin writer, a connection that writes nothing but pins: its
    /// batches do the pin table's trigger work themselves (see `PinTriggerWork`).
    public func doPinTriggerWork() {
        if pinTriggerWork == nil { pinTriggerWork = PinTriggerWork(database) }
    }

    /// `rows` pin rows more: cheap when nobody else wrote since the last refresh (count +
    /// rows, extent grown: eplan never deletes pins), else a full refresh as UpdateLayerStatistics.
    private func updatePinStatistics(current: Bool, rows: Int, extent: Envelope?) throws {
        guard current else { return try database.refreshLayerStatistics(table: "pin", column: "geom") }
        try database.extendLayerStatistics(table: "pin", column: "geom", by: extent, rows: rows)
    }

    /// Every version of a project's pin, oldest first.
    public func pinHistory(projectCode: String) throws -> [PinRecord] {
        try fetchPins("SELECT \(PinRow.Column.list()) FROM pin WHERE project_code = ? ORDER BY version", [.text(projectCode)])
    }

    public func currentPin(projectCode: String) throws -> PinRecord? {
        try fetchPins("SELECT \(PinRow.Column.list()) FROM pin WHERE project_code = ? AND is_current = 1", [.text(projectCode)]).first
    }

    public func pinCount() throws -> Int {
        Int(try database.scalar("SELECT count(*) FROM pin").int64 ?? 0)
    }

    /// Current pins with their projects, by project code.
    public func currentPins(_ filter: PinFilter = PinFilter()) throws -> [PinListing] {
        var out: [PinListing] = []
        try forEachCurrentPin(filter) { out.append($0) }
        return out
    }

    /// Current pins with their projects, by project code, one at a time: a million pins
    /// pass through without being held (the pin audit streams them).
    public func forEachCurrentPin(_ filter: PinFilter = PinFilter(), _ body: (PinListing) throws -> Void) throws {
        var (clauses, args) = filter.projects.conditions(currentPin: "pin")
        clauses.insert("pin.is_current = 1", at: 0)
        if let s = filter.status { clauses.append("pin.status = ?"); args.append(.text(s.rawValue)) }
        let sql = """
            SELECT \(PinRow.Column.list("pin")), \(ProjectRefRow.Column.list("p"))
            FROM pin JOIN project p ON p.code = pin.project_code LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND ")) ORDER BY p.code
            """
        try database.query(sql, args) { row in
            let pin = try PinRow.decode(Columns(row))
            let p = ProjectRefRow.decode(Columns(row, offset: Int32(PinRow.Column.allCases.count)))
            try body(PinListing(project: p, pin: pin))
        }
    }

    /// Projects without a current pin (status and box in the filter do not apply), by code.
    public func unpinnedProjects(_ filter: PinFilter = PinFilter()) throws -> [ProjectRef] {
        var out: [ProjectRef] = []
        try forEachUnpinnedProject(filter) { out.append($0) }
        return out
    }

    /// Projects without a current pin, by code, one at a time.
    public func forEachUnpinnedProject(_ filter: PinFilter = PinFilter(), _ body: (ProjectRef) throws -> Void) throws {
        var projects = filter.projects
        projects.bbox = nil
        var (clauses, args) = projects.conditions()
        clauses.insert("NOT EXISTS (SELECT 1 FROM pin WHERE pin.project_code = p.code AND pin.is_current = 1)", at: 0)
        try database.query("""
            SELECT \(ProjectRefRow.Column.list("p"))
            FROM project p LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND ")) ORDER BY p.code
            """, args) { row in
            try body(ProjectRefRow.decode(Columns(row)))
        }
    }

    private func fetchPins(_ sql: String, _ args: [SQLValue]) throws -> [PinRecord] {
        var out: [PinRecord] = []
        try database.query(sql, args) { out.append(try PinRow.decode(Columns($0))) }
        return out
    }

    /// Messages as a JSON array of {"th": …, "en": …}.
    static func encodeMessages(_ messages: [Message]) -> String? {
        if messages.isEmpty { return nil }
        // Written by hand: JSONSerialization's first use costs a pin ~5 million instructions
        // of runtime type checks. The text is the same: keys sorted, UTF-8 kept.
        // Into bytes, made a String once (String appends cost some 700 instructions each,
        // six per message, once per pin of an import).
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(messages.reduce(2) { $0 + $1.en.utf8.count + $1.th.utf8.count + 20 })
        for (i, m) in messages.enumerated() {
            out.append(contentsOf: (i == 0 ? "{\"en\":" : ",{\"en\":").utf8)
            JSONText.append(m.en, to: &out)
            out.append(contentsOf: ",\"th\":".utf8)
            JSONText.append(m.th, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeMessages(_ text: String?) -> [Message] {
        guard let text, let data = text.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data) as? [[String: String]] else {
            return text.map { [Message(th: $0, en: $0)] } ?? []
        }
        return array.map { Message(th: $0["th"] ?? "", en: $0["en"] ?? "") }
    }
}
