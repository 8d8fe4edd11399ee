import Foundation

/// The pin geometry checks of a large batch (`ggi_pin_geom`: SpatiaLite's geometry type and
/// SRID rule; `pin_geom_kind_insert`: a 2D point, line or polygon), and the pin table's CHECK
/// constraints (version, is_current, status), run once over the batch's
/// rows at its end, as one statement, rather than by the two BEFORE INSERT triggers row by
/// row: a trigger program per row cost some 40% of a pin's insert (100,000 pins: about a
/// second in spatialite's own shell, a tenth of that for the one statement).
///
/// The guarantee is the triggers': no row that breaks either rule is ever committed. The
/// triggers are dropped inside the batch's transaction and created again from their own
/// text before it ends (another connection never sees the table without them; a batch
/// undone undoes their removal too); the statement asks each row exactly what the trigger
/// asked `NEW`, and a row that fails is put through the restored triggers once more, so
/// that the batch fails with their own error (same message, same code) and is undone whole,
/// as the row's INSERT failed it before.
final class DeferredPinChecks {
    static let geometryTrigger = "ggi_pin_geom"
    static let kindTrigger = PinKindCheck.name
    private let db: Database
    private let saved: [String]
    /// The first id inserted without the triggers (the batch's ids only grow).
    private let firstID: Int64

    /// Nil (the triggers stay) unless both triggers are the ones the schema writes (the kind
    /// trigger possibly as `PinKindCheck` rewrote it): the statement below is their rule only then.
    init?(_ db: Database, firstID: Int64) throws {
        var sql: [String: String] = [:]
        try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pin'") { r in
            if let name = r.string(0), let text = r.string(1) { sql[name] = text }
        }
        guard let geometry = sql[Self.geometryTrigger], geometry == Self.schemaGeometryTrigger,
              let kind = sql[Self.kindTrigger], Self.schemaKindTriggers.contains(kind) else { return nil }
        self.db = db; self.firstID = firstID
        saved = [geometry, kind]
        for name in [Self.geometryTrigger, Self.kindTrigger] { try db.execute("DROP TRIGGER \"\(name)\"") }
        // The table's CHECKs likewise: SQLite 3.40 builds the ephemeral table of `status IN
        // (…)` anew for every row of an INSERT (a b-tree cleared, three rows inserted). The
        // pragma is the connection's, not the transaction's: `restoreTableChecks` puts it back
        // whatever becomes of the batch (the batch calls it on every way out).
        if try Self.tableChecksAreTheSchemas(db) {
            try db.execute("PRAGMA ignore_check_constraints = ON")
            checksIgnored = true
        }
    }

    private var checksIgnored = false

    /// The pin table's CHECK constraints, as `PlanSchema` writes them: the statement below
    /// asks exactly these, so they are left to it only when the table has these and no other.
    static let tableChecks = ["CHECK (version >= 1)", "CHECK (is_current IN (0, 1))", "CHECK (status IN ('valid', 'warning', 'outside'))"]

    static func tableChecksAreTheSchemas(_ db: Database) throws -> Bool {
        guard let sql = try db.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'pin'").string else { return false }
        return sql.components(separatedBy: "CHECK").count == tableChecks.count + 1 && tableChecks.allSatisfy { sql.contains($0) }
    }

    /// The connection checks CHECK constraints again (idempotent).
    func restoreTableChecks() throws {
        guard checksIgnored else { return }
        checksIgnored = false
        try db.execute("PRAGMA ignore_check_constraints = OFF")
    }

    /// The triggers as `Database.constraintTriggersSQL` and `VectorMetadataSchema.pinRulesSQL`
    /// write them (SQLite keeps a CREATE TRIGGER's text as written, without its semicolon).
    static let schemaGeometryTrigger = statement(Database.constraintTriggersSQL(table: "pin", column: "geom"),
                                                 from: "CREATE TRIGGER \"\(geometryTrigger)\"")
    static let schemaKindTriggers: Set<String> = {
        let stored = statement(VectorMetadataSchema.pinRulesSQL, from: "CREATE TRIGGER \(kindTrigger) ")
        return Set([stored] + [PinKindCheck.rewritten(stored)].compactMap { $0 })
    }()

    /// The statement of `script` that starts with `prefix`, up to its closing `END`.
    static func statement(_ script: String, from prefix: String) -> String {
        guard let start = script.range(of: prefix), let end = script.range(of: "\nEND;", range: start.upperBound..<script.endIndex) else { return "" }
        return String(script[start.lowerBound..<end.lowerBound]) + "\nEND"
    }

    /// Each rule as the trigger words it, `NEW` being the row: the kind trigger (created
    /// last, so SQLite fires it first) then the geometry constraint; then the table's CHECKs
    /// (a CHECK fails only when its expression is false: NOT of NULL selects nothing).
    /// The trigger's lookup of pin.geom's row of geometry_columns is made once (`gc`), not
    /// once per row: it ran Lower() over every row of geometry_columns for each pin. The
    /// rule asked of each row is the same: the geometry type of a pin.geom row whose type
    /// and SRID the geometry meets, NULL when none does.
    static let violationSQL = """
        WITH gc AS MATERIALIZED (SELECT geometry_type, srid FROM geometry_columns
            WHERE Lower(f_table_name) = Lower('pin') AND Lower(f_geometry_column) = Lower('geom'))
        SELECT id FROM pin WHERE id >= ? AND (
            (geom IS NOT NULL AND coalesce(GeometryType(geom), '') NOT IN (\(VectorMetadataSchema.pinKinds)))
            OR (SELECT geometry_type FROM gc WHERE GeometryConstraints(pin."geom", geometry_type, srid) = 1) IS NULL
            OR NOT (version >= 1) OR NOT (is_current IN (0, 1)) OR NOT (status IN ('valid', 'warning', 'outside')))
        ORDER BY id LIMIT 1
        """

    /// The triggers back, then the batch's rows checked by their rule; a row that breaks it
    /// fails the batch with the triggers' own error.
    func finish() throws {
        try restoreTableChecks()
        for sql in saved { try db.execute(sql) }
        guard let bad = try db.scalar(Self.violationSQL, [.integer(firstID)]).int64 else { return }
        let columns = PinRow.Column.list()
        do {
            try db.execute("INSERT INTO pin (\(columns)) SELECT \(columns) FROM pin WHERE id = ?", [.integer(bad)])
        } catch let e as DatabaseError {
            throw DatabaseError(kind: e.kind, code: e.code, sqliteMessage: e.sqliteMessage, sql: PinBatchRows.oneRowSQL, path: e.path)
        }
        // Not refused again (cannot happen: same rule, same row): refused all the same.
        throw DatabaseError(kind: .constraint, code: 0, sqliteMessage: "pin.geom violates Geometry constraint [geom-type or SRID not allowed]",
                            sql: PinBatchRows.oneRowSQL)
    }
}
