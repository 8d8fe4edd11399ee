import Foundation
import EPlanGeometry

/// A pin batch's rows: each pin's version decided as it is added (its project's highest
/// version + 1, from `latest`), its row held and inserted with the next ones, many rows to
/// one INSERT. One statement run per pin cost more than the row itself: SQLite opens a
/// statement journal and, for the table's `CHECK (status IN (…))`, builds an ephemeral
/// table on every run; a run of `rowsPerInsert` rows pays that once.
///
/// What the file holds at the end is what one INSERT per pin leaves: the same ids in the
/// same order (given explicitly from the table's highest, inside the batch's write
/// transaction), the same versions, and only each project's last version current (a pin
/// followed by its project's next one in the same INSERT is written not current rather than
/// updated after; a stored current pin is retired by UPDATE as before). Every row still goes
/// through the table's constraints and triggers.
final class PinBatchRows {
    static let rowsPerInsert = 50
    let db: Database
    private let next: Statement, retire: Statement, insert: Statement
    private(set) var added = 0
    private(set) var extent: Envelope?
    /// Set from the `DeferredPinIndex.from`th pin on, when the store's triggers are SpatiaLite's.
    private(set) var deferred: DeferredPinIndex?
    /// Set at the same pin, when the store's geometry triggers are the schema's.
    private(set) var checks: DeferredPinChecks?
    private let deferFrom: Int, rebuildFactor: Int
    /// Each project's highest version, as far as the batch knows it: read before the first pin
    /// for the hinted projects (0: none yet), else at the project's first pin, then kept up
    /// as the batch adds (inside the batch's write transaction no one else adds a version).
    private var latest: [String: Int] = [:]
    /// The rows not inserted yet (id first, then `PinRow`'s columns), and which of them is
    /// each project's latest.
    private var pending: [[SQLValue]] = []
    private var pendingLatest: [String: Int] = [:]
    private var nextID: Int64
    /// A pin written not current because its project's next version followed it.
    private var superseded = false
    /// A failed INSERT loses the rows held with it: the batch refuses to go on.
    private var failure: (any Error)?

    init(_ db: Database, deferFrom: Int, rebuildFactor: Int) throws {
        self.db = db; self.deferFrom = deferFrom; self.rebuildFactor = rebuildFactor
        next = try db.prepare("SELECT coalesce(max(version), 0) FROM pin WHERE project_code = ?")
        retire = try db.prepare("UPDATE pin SET is_current = 0 WHERE project_code = ? AND is_current = 1")
        insert = try db.prepare(Self.insertSQL(rows: Self.rowsPerInsert))
        nextID = (try db.scalar("SELECT coalesce(max(id), 0) FROM pin").int64 ?? 0) + 1
        pending.reserveCapacity(Self.rowsPerInsert)
    }

    static func insertSQL(rows: Int) -> String {
        let row = "(?, \(PinRow.Column.placeholders))"
        return "INSERT INTO pin (id, \(PinRow.Column.list())) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// What a failed INSERT reports: the one row's statement, as one INSERT per pin did.
    static let oneRowSQL = "INSERT INTO pin (\(PinRow.Column.list())) VALUES (\(PinRow.Column.placeholders))"
    private static let isCurrentSlot = 1 + Int(PinRow.Column.is_current.rawValue)

    /// The highest version of each of `projects`, in one pass over the (project_code,
    /// version) index when the store holds no more pins than some times the batch's
    /// projects, else by one index seek per project (a national store's millions of pins
    /// are not read for a batch of a few thousand).
    func readVersions(of projects: Set<String>) throws {
        guard !projects.isEmpty else { return }
        latest.reserveCapacity(projects.count)
        for code in projects where latest[code] == nil { latest[code] = 0 }
        if Int(nextID - 1) <= Self.scanFactor * projects.count {  // max(id): at least the row count
            let all = try db.prepare("SELECT project_code, max(version) FROM pin GROUP BY project_code")
            while try all.step() {
                if let code = all.string(0), latest[code] != nil { latest[code] = Int(all.int64(1)) }
            }
        } else {
            for code in projects { latest[code] = try highestVersion(code) }
        }
    }

    /// A scan of the pin index costs about what a few seeks cost per row.
    static let scanFactor = 4

    private func highestVersion(_ code: String) throws -> Int {
        next.reset()
        defer { next.reset() }
        try next.bindText(code, at: 1)
        return try next.step() ? Int(next.int64(0)) : 0
    }

    func add(_ pin: PinRecord) throws -> PinRecord {
        if let failure { throw failure }
        if added == deferFrom {
            try flush()  // the rows held so far go through the triggers, as they were added before
            deferred = try DeferredPinIndex(db, rebuildFactor: rebuildFactor)
            checks = try DeferredPinChecks(db, firstID: nextID)
        }
        let code = pin.projectCode
        let version = try (latest[code] ?? highestVersion(code)) + 1
        if let k = pendingLatest[code] {
            pending[k][Self.isCurrentSlot] = .integer(0)
            superseded = true
        } else if version > 1 {
            // Version 1: the project has no pin yet, so none to retire.
            try retire.execute([.text(code)])
        }
        let blob = SpatiaLiteBlob.encode(pin.geometry, srid: Store.srid)
        let id = nextID
        pending.append([.integer(id)] + PinRow.values(pin, version: version, blob: blob))
        pendingLatest[code] = pending.count - 1
        latest[code] = version
        nextID += 1
        if let e = try blob.flatMap({ try SpatiaLiteBlob.envelope(of: $0) }) {
            if extent == nil { extent = e } else { extent?.expand(e) }
            deferred?.add(id: id, e)
        }
        added += 1
        if pending.count == Self.rowsPerInsert { try flush() }
        var stored = pin
        stored.version = version
        stored.isCurrent = true
        return stored
    }

    /// Inserts the rows held (at the batch's end, before the triggers come back).
    func flush() throws {
        if let failure { throw failure }
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        pendingLatest.removeAll(keepingCapacity: true)
        do {
            let statement = try rows.count == Self.rowsPerInsert ? insert : db.prepare(Self.insertSQL(rows: rows.count))
            statement.reset()
            defer { statement.reset() }
            var k: Int32 = 1
            for row in rows {
                for v in row { try statement.bind(v, at: k); k += 1 }
            }
            while try statement.step() {}
            if superseded { try stampUpdate() }
        } catch let e as DatabaseError {
            let f = DatabaseError(kind: e.kind, code: e.code, sqliteMessage: e.sqliteMessage, sql: Self.oneRowSQL, path: e.path)
            failure = f
            throw f
        } catch {
            failure = error
            throw error
        }
    }

    /// What SpatiaLite's update trigger (`tmu_pin_geom`) stamps when a pin is retired by
    /// UPDATE, for the versions written not current instead (when the store has it).
    private func stampUpdate() throws {
        superseded = false
        guard try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'tmu_pin_geom'").int64 == 1 else { return }
        try db.execute("""
            UPDATE geometry_columns_time SET last_update = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE Lower(f_table_name) = Lower('pin') AND Lower(f_geometry_column) = Lower('geom')
            """)
    }
}
