import EPlanGeometry
import Foundation

// Projects, plans, pins and settings on PostgreSQL: the SQLite methods' SQL (Projects.swift,
// Pins.swift, LAOFactsSchema.swift) with PostGIS geometry and row locks where writers meet.
extension PostgresStore {
    func rows(_ sql: String, _ args: [SQLValue] = []) throws -> [PGRow] { try db.query(sql, args) }

    // MARK: Projects

    public func project(code: String) throws -> ProjectRecord? {
        try fetchProjects("WHERE p.code = ?", [.text(code)]).first
    }

    /// The hot path's statements, written once (see `PGConnection.prepare`).
    static let insertPinSQL = "INSERT INTO pin (\(PinRow.Column.list())) VALUES (\(PostgresStore.placeholders(PinRow.Column.self)))"

    /// With the project's row, its LAO's row version, the pin tolerance setting and the
    /// boundary generation, which a pin's check asks for next (`lao(code:)`, `pinToleranceM()`,
    /// the service's place index: `boundaryGeneration()`): one round trip instead of four per
    /// served pin. They are kept only until the connection's next statement.
    /// Outside a transaction the read goes with the others waiting at the moment, in one
    /// statement (`ProjectRefReads`).
    public func projectRef(code: String) throws -> ProjectRef? {
        guard let row = try projectRefRow(code: code) else { return nil }
        let ref = ProjectRefRow.decode(Columns(row), defaultKind: "other")
        let n = Int32(ProjectRefRow.Column.allCases.count)
        db.keepReadAhead(.init(laoCode: ref.laoCode, laoVersion: row.string(n), setting: (Store.pinToleranceKey, row.string(n + 1)),
                               generation: BoundaryGeneration(imports: row.int64(n + 2), repairs: row.int64(n + 3))))
        return ref
    }

    public func forgetReadAhead() { db.forgetReadAhead() }

    private func projectRefRow(code: String) throws -> PGRow? {
        let alone = { try self.projectRefRows([code]).first }
        guard db.depth == 0 else { return try alone() }
        switch try ProjectRefReads.group(for: location).read(code, with: projectRefRows) {
        case .found(let row): return row
        case .none: return nil
        case .alone: return try alone()
        }
    }

    /// The rows of `codes` (the project's code first), one statement for one code or a group's.
    private func projectRefRows(_ codes: [String]) throws -> [PGRow] {
        try db.preparedQuery(PostgresStore.projectRefAheadSQL, [.text(Store.pinToleranceKey), .text(PGConnection.textArrayLiteral(codes))])
    }

    /// The codes go as one text parameter cast to an array, so one prepared statement serves
    /// a caller alone and a group (`ProjectRefReads`).
    static let projectRefAheadSQL = """
        SELECT \(ProjectRefRow.Column.list("p")),
               (SELECT \(PostgresStore.laoVersionSQL("l")) FROM lao l WHERE l.code = p.lao_code),
               (SELECT value FROM setting WHERE key = ?),
               (SELECT max(id) FROM boundary_import), (SELECT max(id) FROM boundary_original)
        FROM project p WHERE p.code = ANY ((?::text)::text[])
        """

    public func projects(filter: ProjectFilter) throws -> [ProjectRecord] {
        let (clauses, args) = filter.conditions(dialect: .postgis)
        return try fetchProjects(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), args)
    }

    private func fetchProjects(_ whereSQL: String, _ args: [SQLValue]) throws -> [ProjectRecord] {
        try rows("""
            SELECT \(ProjectRow.Column.list("p")) FROM project p LEFT JOIN lao l ON l.code = p.lao_code
            \(whereSQL) ORDER BY p.lao_code, p.plan_year, p.code
            """, args).map { ProjectRow.decode(Columns($0)) }
    }

    public func stageLog(code: String) throws -> [ProjectStageLogEntry] {
        try rows("SELECT \(StageLogRow.Column.list()) FROM project_stage_log WHERE project_code = ? ORDER BY id",
                 [.text(code)]).map { StageLogRow.decode(Columns($0)) }
    }

    public func allProjectRefs() throws -> [ProjectRef] {
        try rows("SELECT code, lao_code, kind, plan_year, name_th FROM project ORDER BY code").map { r in
            ProjectRef(code: r.string(0) ?? "", laoCode: r.string(1) ?? "", kind: r.string(2) ?? "other",
                       planYear: r.int(3), nameTH: r.string(4) ?? "")
        }
    }

    public func projectCodes() throws -> Set<String> {
        Set(try rows("SELECT code FROM project").map { $0.string(0) ?? "" })
    }

    /// As `Store.insertProjects` (the same checks, in the same order, so the same first
    /// error), a chunk at a time: one query finds the chunk's stored codes and LAOs, one
    /// multi-row INSERT writes its new projects (the bulk load's rate).
    @discardableResult
    public func insertProjects(_ records: [ProjectRecord], replace: Bool, by: String) throws -> Int {
        let now = Store.timestamp(), today = Store.todayTH()
        var replaced = 0, seen = Set<String>()
        try db.transaction {
            for start in stride(from: 0, to: records.count, by: 500) {
                let chunk = records[start..<min(start + 500, records.count)]
                let stored = try existing("project", chunk.map(\.code))
                let laos = try existing("lao", Array(Set(chunk.map(\.laoCode))))
                var fresh: [SQLValue] = [], freshCount = 0
                for var r in chunk {
                    r.progress = r.progress.map(ProjectRecord.roundedProgress)
                    guard seen.insert(r.code).inserted else { throw ProjectStoreError(.duplicateCode(r.code)) }
                    if let v = r.violations().first { throw v }
                    guard laos.contains(r.laoCode) else { throw ProjectStoreError(.unknownLAO(r.laoCode)) }
                    if stored.contains(r.code), let old = try project(code: r.code) {
                        guard replace else { throw ProjectStoreError(.duplicateCode(r.code)) }
                        try replaceProject(r, old: old, now: now, today: today, by: by)
                        replaced += 1
                    } else {
                        fresh += ProjectRow.values(r, recordedOn: r.recordedOn ?? today, now: now)
                        freshCount += 1
                    }
                }
                guard freshCount > 0 else { continue }
                let row = "(\(ProjectRow.Column.placeholders))"
                try db.execute("INSERT INTO project (\(ProjectRow.Column.list())) VALUES "
                               + Array(repeating: row, count: freshCount).joined(separator: ", "), fresh)
            }
        }
        return replaced
    }

    /// Which of `codes` the table holds (by its `code`).
    private func existing(_ table: String, _ codes: [String]) throws -> Set<String> {
        guard !codes.isEmpty else { return [] }
        let marks = codes.map { _ in "?" }.joined(separator: ", ")
        return Set(try rows("SELECT code FROM \(table) WHERE code IN (\(marks))", codes.map { .text($0) }).map { $0.string(0) ?? "" })
    }

    /// Updates a stored project in place (pins keep pointing at it), logging changed stages.
    private func replaceProject(_ r: ProjectRecord, old: ProjectRecord, now: String, today: String, by: String) throws {
        let values = ProjectRow.values(r, recordedOn: old.recordedOn ?? today, now: now)
        let sets = ProjectRow.Column.allCases.dropFirst().map { "\($0.name) = ?" }.joined(separator: ", ")
        try db.execute("UPDATE project SET \(sets) WHERE code = ?", Array(values.dropFirst()) + [.text(r.code)])
        for f in ProjectStageField.allCases where f.get(old) != f.get(r) {
            try logStage(r.code, f.rawValue, f.get(old), f.get(r), at: now, by: by)
        }
    }

    private func logStage(_ code: String, _ field: String, _ old: SQLValue, _ new: SQLValue, at: String, by: String) throws {
        try db.execute("""
            INSERT INTO project_stage_log (project_code, field, old_value, new_value, changed_at, changed_by)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(code), .text(field), Store.logText(old), Store.logText(new), .text(at), .text(by)])
    }

    @discardableResult
    public func updateStages(code: String, changes: [ProjectStageChange], by: String) throws -> [ProjectStageLogEntry] {
        let now = Store.timestamp()
        return try db.transaction {
            // The row lock makes concurrent stage updates of one project take turns.
            _ = try rows("SELECT 1 FROM project WHERE code = ? FOR UPDATE", [.text(code)])
            guard let old = try project(code: code) else { throw ProjectStoreError(.unknownProject(code)) }
            var new = old
            for c in changes { c.field.set(&new, c.value) }
            new.progress = new.progress.map(ProjectRecord.roundedProgress)
            if let v = new.violations().first { throw v }
            let changed = ProjectStageField.allCases.filter { $0.get(old) != $0.get(new) }
            if changed.isEmpty { return [] }
            let sets = changed.map { "\($0.rawValue) = ?" }.joined(separator: ", ")
            try db.execute("UPDATE project SET \(sets), updated_at = ? WHERE code = ?",
                           changed.map { $0.get(new) } + [.text(now), .text(code)])
            for f in changed { try logStage(code, f.rawValue, f.get(old), f.get(new), at: now, by: by) }
            return Array(try stageLog(code: code).suffix(changed.count))
        }
    }

    // MARK: Development plans

    public func devPlans(laoCode: String?) throws -> [DevPlan] {
        let whereSQL = laoCode == nil ? "" : "WHERE lao_code = ?"
        return try rows("SELECT \(DevPlanRow.Column.list()) FROM dev_plan \(whereSQL) ORDER BY lao_code, first_year",
                        laoCode.map { [.text($0)] } ?? []).map { DevPlanRow.decode(Columns($0)) }
    }

    @discardableResult
    public func addDevPlan(laoCode: String, firstYear: Int, lastYear: Int, approvedOn: String?) throws -> DevPlan {
        guard (2400...2800).contains(firstYear), (2400...2800).contains(lastYear), firstYear <= lastYear,
              lastYear - firstYear < 10 else {
            throw ProjectStoreError(.badPlanYears(first: firstYear, last: lastYear))
        }
        return try db.transaction {
            // Locking the LAO row serializes plan additions of one LAO (the overlap check).
            guard try !rows("SELECT 1 FROM lao WHERE code = ? FOR UPDATE", [.text(laoCode)]).isEmpty else {
                throw ProjectStoreError(.unknownLAO(laoCode))
            }
            if let o = try devPlans(laoCode: laoCode).first(where: { $0.firstYear <= lastYear && firstYear <= $0.lastYear }) {
                throw ProjectStoreError(.overlappingPlan(lao: laoCode, years: o.years))
            }
            let id = try db.scalar("""
                INSERT INTO dev_plan (lao_code, first_year, last_year, approved_on, recorded_on, approved)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                """, [.text(laoCode), .integer(Int64(firstYear)), .integer(Int64(lastYear)), SQLValue(approvedOn),
                      .text(Store.todayTH()), SQLValue(approvedOn != nil)])
            return DevPlan(id: id.int64 ?? 0, laoCode: laoCode, firstYear: firstYear, lastYear: lastYear,
                           approvedOn: approvedOn, recordedOn: Store.todayTH(), approved: approvedOn != nil)
        }
    }

    public func upsertDevPlan(_ p: DevPlanRecord) throws {
        let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
        try db.execute("""
            INSERT INTO dev_plan (lao_code, first_year, last_year, approved, approved_on, recorded_on)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (lao_code, first_year) DO UPDATE SET
                last_year = excluded.last_year, approved = excluded.approved, approved_on = excluded.approved_on
            """, [.text(p.laoCode), SQLValue(p.firstYear), SQLValue(p.lastYear), SQLValue(p.approved),
                  SQLValue(p.approvedOn), .text(String(today))])
    }

    // MARK: Pins

    /// A new version, race-free across processes: the project's row lock makes writers of
    /// one project take turns, and `UNIQUE (project_code, version)` stays the backstop.
    @discardableResult
    public func addPin(_ pin: PinRecord) throws -> PinRecord {
        try db.transaction {
            _ = try rows("SELECT 1 FROM project WHERE code = ? FOR UPDATE", [.text(pin.projectCode)])
            let stored = try pin.nextVersion(in: db)
            try db.execute(PostgresStore.insertPinSQL, PinRow.values(pin, version: stored.version, blob: WKB.encode(pin.geometry)))
            return stored
        }
    }

    /// The service's group commit on PostgreSQL: ONE statement for the whole batch
    /// (`PinBatchStatement`), which gives the versions pin-by-pin would give, several pins of
    /// one project in the batch included. Outside a transaction it commits on its own (no
    /// BEGIN and COMMIT round trips). Should it meet another process's pins of the same
    /// projects (its snapshot predates them: a unique key refuses the batch, nothing stored),
    /// it runs once more; should it fail again, the batch is written pin by pin, each in its
    /// savepoint (one bad pin fails alone). A pin of a project that is not stored (deleted
    /// since its check) is then tried alone and fails as `addPin` fails.
    public func addPins(_ pins: [PinRecord]) throws -> [Result<PinRecord, any Error>] {
        guard !pins.isEmpty else { return [] }
        let statement = PinBatchStatement(pins: pins)
        for attempt in 1...2 {
            do {
                let rows = try db.depth == 0 ? db.run(statement) : db.transaction { try db.run(statement) }
                return zip(pins, statement.results(rows)).map { pin, stored in stored.map { .success($0) } ?? Result { try addPin(pin) } }
            } catch let e as DatabaseError where e.kind == .constraint && attempt == 1 {
                continue
            } catch let e as DatabaseError where e.kind == .constraint || e.kind == .sql {
                break
            }
        }
        return try addPinsOneByOne(pins)
    }

    /// The batch pin by pin in one transaction, each in its savepoint. Its projects are locked
    /// first, all of them, in the order the batch statement locks them (`ORDER BY code`): taken
    /// pin by pin in the batch's order and held to the end, they could meet another process's
    /// batch in the other order, and PostgreSQL would end one of them as deadlocked (seen under
    /// load: a whole batch answered 503).
    func addPinsOneByOne(_ pins: [PinRecord]) throws -> [Result<PinRecord, any Error>] {
        let codes = Array(Set(pins.map(\.projectCode)))
        return try db.transaction {
            let list = Array(repeating: "?", count: codes.count).joined(separator: ", ")
            _ = try rows("SELECT code FROM project WHERE code IN (\(list)) ORDER BY code FOR UPDATE", codes.map { .text($0) })
            return pins.map { pin in Result { try self.addPin(pin) } }
        }
    }

    public func pinHistory(projectCode: String) throws -> [PinRecord] {
        try fetchPins("WHERE project_code = ? ORDER BY version", [.text(projectCode)])
    }

    public func currentPin(projectCode: String) throws -> PinRecord? {
        try fetchPins("WHERE project_code = ? AND is_current = 1", [.text(projectCode)]).first
    }

    private func fetchPins(_ whereSQL: String, _ args: [SQLValue]) throws -> [PinRecord] {
        try rows("SELECT \(PostgresStore.select(PinRow.Column.self)) FROM pin \(whereSQL)", args)
            .map { try PinRow.decode(Columns($0)) }
    }

    public func currentPins(_ filter: PinFilter) throws -> [PinListing] {
        var (clauses, args) = filter.projects.conditions(currentPin: "pin", dialect: .postgis)
        clauses.insert("pin.is_current = 1", at: 0)
        if let s = filter.status { clauses.append("pin.status = ?"); args.append(.text(s.rawValue)) }
        return try rows("""
            SELECT \(PostgresStore.select(PinRow.Column.self, "pin")), \(ProjectRefRow.Column.list("p"))
            FROM pin JOIN project p ON p.code = pin.project_code LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND ")) ORDER BY p.code
            """, args).map { row in
            PinListing(project: ProjectRefRow.decode(Columns(row, offset: Int32(PinRow.Column.allCases.count))),
                       pin: try PinRow.decode(Columns(row)))
        }
    }

    public func unpinnedProjects(_ filter: PinFilter) throws -> [ProjectRef] {
        var projects = filter.projects
        projects.bbox = nil
        var (clauses, args) = projects.conditions(dialect: .postgis)
        clauses.insert("NOT EXISTS (SELECT 1 FROM pin WHERE pin.project_code = p.code AND pin.is_current = 1)", at: 0)
        return try rows("""
            SELECT \(ProjectRefRow.Column.list("p"))
            FROM project p LEFT JOIN lao l ON l.code = p.lao_code
            WHERE \(clauses.joined(separator: " AND ")) ORDER BY p.code
            """, args).map { ProjectRefRow.decode(Columns($0)) }
    }

    // MARK: Settings

    public func setting(_ key: String) throws -> String? {
        if let value = db.takeSetting(key) { return value }  // read with a project's row (`projectRef`)
        return try db.preparedQuery("SELECT value FROM setting WHERE key = ?", [.text(key)]).first?.values.first?.string
    }

    public func setSetting(_ key: String, _ value: String?) throws {
        if let value {
            try db.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           [.text(key), .text(value)])
        } else {
            try db.execute("DELETE FROM setting WHERE key = ?", [.text(key)])
        }
    }

    public func pinToleranceM() throws -> Double {
        guard let s = try setting(Store.pinToleranceKey), let v = Double(s), v.isFinite, v >= 0 else {
            return Store.defaultPinToleranceM
        }
        return v
    }

    /// Every commit is durable on PostgreSQL (synchronous_commit): nothing to skip.
    public func skipCheckpointOnClose() throws {}
}
