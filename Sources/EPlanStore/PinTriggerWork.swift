import CSQLite
import EPlanGeometry

/// The service's pin writer stores its batches with SQLite's triggers off for its own
/// connection (`SQLITE_DBCONFIG_ENABLE_TRIGGER`) and does their work itself, the same work:
/// - `gii_pin_geom`: the row's box into the R*Tree (any stale entry of its id out first),
///   read from the BLOB's header as MbrMinX…MbrMaxY read it, and bound as numbers rather than
///   found by five SQL function calls a row;
/// - `ggi_pin_geom` and `pin_geom_kind_insert` (BEFORE INSERT, RAISE): the batch's rows asked
///   the same rules in one statement at its end (`DeferredPinChecks.violationSQL`). A row that
///   breaks them fails the batch, which `Store.addPins` then redoes pin by pin with the
///   triggers on: that pin fails alone, with the trigger's own error, as before;
/// - `tmi_pin_geom` and `tmu_pin_geom`: geometry_columns_time stamped once a batch.
/// The store's other triggers on these tables do nothing for what the writer runs: `giu_`
/// acts only when a row's id or geometry changes (retiring a pin changes `is_current`),
/// `ggu_` and `pin_geom_kind_update` only on UPDATE OF geom, `gid_` and `tmd_` on DELETE; the
/// name checks of geometry_columns_time and geometry_columns_statistics on INSERT, or UPDATE
/// of the name columns, which the writer writes only as 'pin' and 'geom'.
///
/// That holds for the triggers this schema writes, so the store's triggers on those tables
/// are compared with them, again whenever the schema changes (`PRAGMA schema_version`): on
/// any difference (a trigger added by hand, or SpatiaLite's own written by its
/// CreateSpatialIndex) SQLite fires the store's triggers as always.
///
/// Why: with 12 pins to a commit, the triggers were 45% of a pin's insert (a Python loop of
/// the writer's statements on the bench store: 120 → 77 µs a pin), and the writer is the
/// service's bottleneck (busy 96–98% of the time under load).
final class PinTriggerWork {
    private let db: Database
    /// The schema version at which the store's triggers were last compared, and the answer.
    private var comparedAt: Int64?
    private var matches = false
    /// Whether SQLite fires the triggers on this connection (its default).
    private var firing = true

    init(_ db: Database) { self.db = db }

    /// Inside a batch's transaction, before its first pin: the batch that does the trigger
    /// work (the triggers off), or nil when SQLite is to fire them (the store's differ, or
    /// `viaTriggers`: a batch redone pin by pin). Switching expires the connection's prepared
    /// statements, which SQLite prepares again on their next use: it happens only when a
    /// batch is redone.
    func begin(viaTriggers: Bool) throws -> Batch? {
        let version = try db.scalar("PRAGMA schema_version").int64 ?? 0
        if comparedAt != version {
            matches = try Self.storeTriggersMatch(db)
            comparedAt = version
        }
        let own = matches && !viaTriggers
        try fire(!own)
        return own ? Batch(db) : nil
    }

    private func fire(_ on: Bool) throws {
        guard on != firing else { return }
        let rc = csqlite_enable_triggers(db.handle, on ? 1 : 0)
        if rc != SQLITE_OK { throw DatabaseError(connection: db.handle, code: rc, sql: "SQLITE_DBCONFIG_ENABLE_TRIGGER \(on ? 1 : 0)") }
        firing = on
    }

    /// One batch's share of the triggers' work.
    final class Batch {
        private let db: Database
        private var firstID: Int64?
        private var retired = false

        init(_ db: Database) { self.db = db }

        private static let removeEntry = "DELETE FROM \"idx_pin_geom\" WHERE pkid = ?"
        private static let addEntry = "INSERT INTO \"idx_pin_geom\" (pkid, xmin, xmax, ymin, ymax) VALUES (?, ?, ?, ?, ?)"

        /// After a pin's row is in: `gii_pin_geom`'s work for row `id` (its geometry's box:
        /// nil when it has none), and whether a current pin was retired before it (`tmu_`).
        func inserted(id: Int64, box: Envelope?, retired: Bool) throws {
            if firstID == nil { firstID = id }
            if retired { self.retired = true }
            try db.execute(Self.removeEntry, [.integer(id)])
            if let e = box {
                try db.execute(Self.addEntry, [.integer(id), .real(e.minX), .real(e.maxX), .real(e.minY), .real(e.maxY)])
            }
        }

        /// The BEFORE INSERT rules over the batch's rows (their ids only grow inside the
        /// batch's write transaction), then the time stamps.
        func finish() throws {
            guard let firstID else { return }
            if let bad = try db.scalar(DeferredPinChecks.violationSQL, [.integer(firstID)]).int64 {
                throw DatabaseError(kind: .constraint, code: SQLITE_CONSTRAINT,
                                    sqliteMessage: "pin row \(bad) breaks the pin table's geometry rules", sql: PinBatchRows.oneRowSQL)
            }
            try db.execute(Self.stamp("last_insert"), [])
            if retired { try db.execute(Self.stamp("last_update"), []) }
        }

        /// `tmi_pin_geom`'s and `tmu_pin_geom`'s statement.
        private static func stamp(_ field: String) -> String {
            """
            UPDATE geometry_columns_time SET \(field) = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE Lower(f_table_name) = Lower('pin') AND Lower(f_geometry_column) = Lower('geom')
            """
        }
    }

    // MARK: Which triggers

    /// The tables the writer writes (the R*Tree's shadow tables included).
    static let tables = ["pin", "geometry_columns_time", "geometry_columns_statistics",
                         "idx_pin_geom", "idx_pin_geom_node", "idx_pin_geom_rowid", "idx_pin_geom_parent"]

    /// Every trigger this schema writes on those tables, by name, as sqlite_master keeps it.
    static let expected: [String: String] = {
        let scripts = [Database.spatialIndexTriggersSQL(table: "pin", column: "geom"),
                       Database.constraintTriggersSQL(table: "pin", column: "geom"),
                       VectorMetadataSchema.pinRulesSQL, Database.metadataNameTriggersSQL]
        var out: [String: String] = [:]
        for t in scripts.flatMap(triggerStatements) where tables.contains(t.table) { out[t.name] = t.sql }
        return out
    }()

    static func storeTriggersMatch(_ db: Database) throws -> Bool {
        var found: [String: String] = [:]
        let list = tables.map { "'\($0)'" }.joined(separator: ", ")
        try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) IN (\(list))") { r in
            found[r.string(0) ?? ""] = r.string(1) ?? ""
        }
        return found == expected
    }

    /// The CREATE TRIGGER statements of `script`: name, table and text as SQLite stores it
    /// ("CREATE TRIGGER " and the statement from its name to END: IF NOT EXISTS and the
    /// semicolon are not kept).
    static func triggerStatements(_ script: String) -> [(name: String, table: String, sql: String)] {
        var out: [(String, String, String)] = []
        var rest = script[...]
        while let create = rest.range(of: "CREATE TRIGGER ") {
            var start = create.upperBound
            if script[start...].hasPrefix("IF NOT EXISTS ") { start = script.index(start, offsetBy: "IF NOT EXISTS ".count) }
            guard let end = script.range(of: "\nEND;", range: start..<script.endIndex) else { break }
            let body = script[start..<end.lowerBound]
            let name = body.prefix { $0 != " " && $0 != "\n" }.trimmingQuotes
            let head = body.components(separatedBy: "FOR EACH ROW")[0]
            let table = (head.components(separatedBy: " ON ").last ?? "").split(whereSeparator: \.isWhitespace).first.map { $0.trimmingQuotes } ?? ""
            out.append((name, table, "CREATE TRIGGER " + body + "\nEND"))
            rest = script[end.upperBound...]
        }
        return out
    }
}

private extension Substring {
    var trimmingQuotes: String {
        var s = self
        while let c = s.first, c == "\"" || c == "'" { s.removeFirst() }
        while let c = s.last, c == "\"" || c == "'" { s.removeLast() }
        return String(s)
    }
}
