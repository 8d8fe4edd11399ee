import Foundation
import EPlanGeometry

extension Store {
    /// `pins import`'s pins in ONE transaction, each stored as `addPin` stores it (its
    /// project's next version, current, the previous current pin retired) but without what
    /// `addPin` repeats per pin: a savepoint, the layer-statistics query and update, and
    /// the statements found again by their text. Here the statements are prepared once,
    /// the rows inserted many to a statement (`PinBatchRows`), and the statistics brought
    /// up to date once, at the end. From the thousandth pin on, the spatial index and the
    /// time stamp are also brought up to date once, at the end (`DeferredPinIndex`),
    /// instead of by the triggers row by row, and the rows' geometry checked once by the
    /// geometry triggers' rules (`DeferredPinChecks`).
    /// The versions of the hinted `projects` are read in one pass before the first pin.
    public func withPinBatch<T>(projects: Set<String>?, _ body: (_ add: (PinRecord) throws -> PinRecord) throws -> T) throws -> T {
        try withPinBatch(projects: projects, deferFrom: DeferredPinIndex.from, body)
    }

    /// The batch, deferring the spatial index from the `deferFrom`th pin (0: from the
    /// first), the R*Tree rebuilt when it holds at most `rebuildFactor` times the new pins.
    func withPinBatch<T>(projects: Set<String>? = nil, deferFrom: Int, rebuildFactor: Int = DeferredPinIndex.rebuildFactor,
                         _ body: (_ add: (PinRecord) throws -> PinRecord) throws -> T) throws -> T {
        let db = database
        return try db.withStatementJournalsInMemory { try db.transaction {
            // Asked before our own writes stamp geometry_columns_time.
            let statisticsCurrent = try db.layerStatisticsAreCurrent(table: "pin", column: "geom")
            let kindCheck = try PinKindCheck(db)
            let batch = try PinBatchRows(db, deferFrom: deferFrom, rebuildFactor: rebuildFactor)
            // The connection's CHECK pragma back on every way out (a batch undone included).
            defer { try? batch.checks?.restoreTableChecks() }
            if let projects { try batch.readVersions(of: projects) }
            let result = try body { try batch.add($0) }
            try batch.flush()
            try batch.deferred?.finish()
            try batch.checks?.finish()
            try kindCheck?.restore()
            if batch.added > 0 {
                if statisticsCurrent {
                    try db.extendLayerStatistics(table: "pin", column: "geom", by: batch.extent, rows: batch.added)
                } else {
                    try db.refreshLayerStatistics(table: "pin", column: "geom")
                }
            }
            return result
        } }
    }
}

extension Database {
    /// Runs `body` (a transaction) with SQLite's statement journals in memory. Each pin's
    /// INSERT fires triggers that may RAISE, so SQLite keeps a journal of the pages the
    /// statement changes to undo it alone; with temp_store at its default that journal
    /// spills to a temporary file (/var/tmp/etilqs_…), written page by page for every pin
    /// (strace: 108,000 writes for 10,000 pins). temp_store can only change outside a
    /// transaction; it is put back after.
    func withStatementJournalsInMemory<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        let before = try scalar("PRAGMA temp_store").int64 ?? 0
        if before == 2 { return try body() }
        try execute("PRAGMA temp_store = MEMORY")
        defer { try? execute("PRAGMA temp_store = \(before)") }
        return try body()
    }
}

/// The pin table's R*Tree and insert time stamp kept up to date once per batch rather
/// than by SpatiaLite's per-row triggers (`gii_pin_geom`: an R*Tree insert, some 30 µs a
/// pin; `tmi_pin_geom`: an UPDATE of geometry_columns_time per pin). The two triggers are
/// dropped inside the batch's transaction and created again, from their own text, at its
/// end: another connection never sees the table without them, and a batch rolled back
/// rolls their removal back too. The geometry checks (ggi_, the pin kinds) still run per row.
final class DeferredPinIndex {
    /// A batch defers from its thousandth pin on: fewer are quicker through the triggers.
    static let from = 1_000
    /// Rebuilding costs some 1-2 µs per entry of the whole tree, an insert some 30 µs.
    static let rebuildFactor = 8
    static let triggers = ["gii_pin_geom", "tmi_pin_geom"]
    static let rtree = "idx_pin_geom"
    private let db: Database
    private let saved: [String]
    private let rebuildFactor: Int
    private var entries: [RTreeEntry] = []

    /// Nil (the triggers stay) when the store's triggers are not the ones expected (a store
    /// whose spatial index was rewritten by hand or another tool keeps its own rules).
    init?(_ db: Database, rebuildFactor: Int) throws {
        var sql: [String: String] = [:]
        try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pin'") { r in
            if let name = r.string(0), let text = r.string(1) { sql[name] = text }
        }
        guard let index = sql[Self.triggers[0]], index.contains(Self.rtree), let stamp = sql[Self.triggers[1]],
              stamp.contains("geometry_columns_time"), try Self.rtreeIsStandard(db) else { return nil }
        self.db = db; self.rebuildFactor = rebuildFactor
        saved = [index, stamp]
        for name in Self.triggers { try db.execute("DROP TRIGGER \"\(name)\"") }
    }

    /// The rtree module's own table with its three shadow tables.
    private static func rtreeIsStandard(_ db: Database) throws -> Bool {
        try db.scalar("""
            SELECT count(*) FROM sqlite_master WHERE name IN ('\(rtree)_node', '\(rtree)_rowid', '\(rtree)_parent')
                OR (name = '\(rtree)' AND sql LIKE '%USING rtree(pkid, xmin, xmax, ymin, ymax)%')
            """).int64 == 4
    }

    func add(id: Int64, _ e: Envelope) { entries.append(RTreeEntry(id: id, e)) }

    /// What the two triggers would have done, then the triggers back. The R*Tree is built
    /// anew, packed, when it held at most `rebuildFactor` times the batch; else its entries are
    /// inserted one by one (the tree of a large store costs more to rewrite).
    func finish() throws {
        if !entries.isEmpty {
            let tree = RTreeBulkLoad(db: db, table: Self.rtree)
            let existing = Int(try db.scalar("SELECT count(*) FROM \"\(Self.rtree)_rowid\"").int64 ?? 0)
            if existing <= rebuildFactor * entries.count {
                let ids = Set(entries.map(\.id))
                try tree.replace(with: try tree.entries().filter { !ids.contains($0.id) } + entries)
            } else {
                try insertOneByOne()
            }
            try db.execute("""
                UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE Lower(f_table_name) = Lower('pin') AND Lower(f_geometry_column) = Lower('geom')
                """)
        }
        for sql in saved { try db.execute(sql) }
    }

    /// As the trigger does it: any stale entry of the row's id out, the row's box in.
    private func insertOneByOne() throws {
        let delete = try db.prepare("DELETE FROM \"\(Self.rtree)\" WHERE pkid = ?")
        let insert = try db.prepare("INSERT INTO \"\(Self.rtree)\" (pkid, xmin, xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)")
        for e in entries {
            try delete.execute([.integer(e.id)])
            try insert.execute([.integer(e.id), .real(Double(e.minX)), .real(Double(e.maxX)), .real(Double(e.minY)), .real(Double(e.maxY))])
        }
    }
}

/// The pin kind rule (`pin_geom_kind_insert`: a 2D point, line or polygon) for the batch's
/// inserts, checked by SQLite exactly as before but written as a CASE rather than `NOT IN
/// (six kinds)`: SQLite builds an ephemeral table for that IN list on every run of the
/// trigger (a b-tree created, a page zeroed, six rows inserted: some 33,000 instructions,
/// a third of a pin's insert). Same condition, same RAISE, same message; the stored
/// trigger is put back from its own text at the end of the batch's transaction (a batch
/// rolled back rolls the swap back too; no other connection writes meanwhile).
final class PinKindCheck {
    static let name = "pin_geom_kind_insert"
    private let db: Database
    private let saved: String

    /// Nil (the stored trigger stays) unless the trigger is the one the schema writes.
    init?(_ db: Database) throws {
        guard let sql = try db.scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [.text(Self.name)]).string,
              let rewritten = Self.rewritten(sql) else { return nil }
        self.db = db
        saved = sql
        try db.execute("DROP TRIGGER \"\(Self.name)\"")
        try db.execute(rewritten)
    }

    /// The trigger's text with its `NOT IN (…)` list made a CASE of the same kinds; nil when
    /// the text is not the schema's.
    static func rewritten(_ sql: String) -> String? {
        let list = VectorMetadataSchema.pinKinds
        let notIn = "coalesce(GeometryType(NEW.geom), '') NOT IN (\(list))"
        guard sql.hasPrefix("CREATE TRIGGER \(name) BEFORE INSERT ON pin"), sql.components(separatedBy: notIn).count == 2 else { return nil }
        let kinds = list.components(separatedBy: ", ").map { "WHEN \($0) THEN 0" }.joined(separator: " ")
        return sql.replacingOccurrences(of: notIn, with: "CASE coalesce(GeometryType(NEW.geom), '') \(kinds) ELSE 1 END")
    }

    func restore() throws {
        try db.execute("DROP TRIGGER \"\(Self.name)\"")
        try db.execute(saved)
    }
}
