import EPlanGeometry
import Synchronization
import Foundation

// Boundaries, LAOs, the project filter's look-ups and the status report on PostgreSQL: the
// SQL of Boundaries.swift, LAOs.swift, Store+Scope.swift and Store+Report.swift, with the
// GiST index (`&&`) where SQLite uses its R*Tree. Box hits are re-tested on the exact box
// decoded from the row, as SQLite's are, so both backends return the same units.
extension PostgresStore {
    // MARK: Boundaries

    private func boundarySelect(_ level: BoundaryLevel) -> String { PostgresStore.boundarySelects[level] ?? "" }

    /// Written once per level: a pin's check reads two levels, and building the text each
    /// time showed in its profile.
    private static let boundarySelects: [BoundaryLevel: String] = Dictionary(uniqueKeysWithValues: BoundaryLevel.allCases.map { level in
        let list = BoundaryRow.Column.allCases.map { c in
            c == .geom ? "ST_AsBinary(geom, 'NDR') AS geom" : BoundaryRow.expression(c, level)
        }
        return (level, "SELECT \(list.joined(separator: ", ")) FROM \(level.table)")
    })

    private func fetchBoundaries(_ level: BoundaryLevel, _ whereSQL: String, _ args: [SQLValue],
                                 keep: ((Envelope) -> Bool)? = nil) throws -> [BoundaryRecord] {
        try rows("\(boundarySelect(level)) \(whereSQL) ORDER BY code", args).compactMap {
            try BoundaryRow.decode(Columns($0), level: level, keep: keep)
        }
    }

    public func boundary(level: BoundaryLevel, code: String) throws -> BoundaryRecord? {
        try fetchBoundaries(level, "WHERE code = ?", [.text(code)]).first
    }

    public func boundaries(level: BoundaryLevel, intersecting e: Envelope?) throws -> [BoundaryRecord] {
        guard let e else { return try fetchBoundaries(level, "", []) }
        return try fetchBoundaries(level, "WHERE geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)",
                                   [.real(e.minX), .real(e.minY), .real(e.maxX), .real(e.maxY)]) { $0.intersects(e) }
    }

    public func candidates(level: BoundaryLevel, containing point: Coordinate) throws -> [BoundaryRecord] {
        try fetchBoundaries(level, "WHERE geom && ST_MakeEnvelope(?1, ?2, ?1, ?2, 4326)",
                            [.real(point.x), .real(point.y)]) { $0.contains(point) }
    }

    public func count(level: BoundaryLevel) throws -> Int {
        Int(try db.scalar("SELECT count(*) FROM \(level.table)").int64 ?? 0)
    }

    public func boundaryNames(level: BoundaryLevel) throws -> [String: BoundaryName] {
        var out: [String: BoundaryName] = [:]
        for r in try rows("SELECT code, name_th, name_en FROM \(level.table)") {
            out[r.string(0) ?? ""] = BoundaryName(th: r.string(1) ?? "", en: r.string(2) ?? "")
        }
        return out
    }

    public func tambonParents() throws -> [String: TambonParents] {
        var out: [String: TambonParents] = [:]
        for r in try rows("SELECT code, amphoe_code, province_code FROM tambon") {
            out[r.string(0) ?? ""] = TambonParents(amphoeCode: r.string(1) ?? "", provinceCode: r.string(2) ?? "")
        }
        return out
    }

    /// Each unit's exact bounding box, by code (PostGIS computes it; no geometry travels).
    public func boundaryEnvelopes(level: BoundaryLevel) throws -> [String: Envelope] {
        var out: [String: Envelope] = [:]
        for r in try rows("""
            SELECT code, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM \(level.table) WHERE geom IS NOT NULL
            """) {
            out[r.string(0) ?? ""] = Envelope(minX: r.double(1), minY: r.double(2), maxX: r.double(3), maxY: r.double(4))
        }
        return out
    }

    /// As `Store.replaceBoundaries`: one transaction, the level's rows replaced by what
    /// `body` writes, the import logged. The table is locked first: two imports take turns.
    @discardableResult
    public func replaceBoundaries(level: BoundaryLevel, source: String, _ body: (BoundaryWriter) throws -> Void) throws -> Int {
        let now = ISO8601DateFormatter().string(from: Date())
        return try db.transaction {
            try db.execute("LOCK TABLE \(level.table) IN EXCLUSIVE MODE")
            let previous = Set(try rows("SELECT code FROM \(level.table)").map { $0.string(0) ?? "" })
            try db.execute("DELETE FROM \(level.table)")
            // `insertSQL`'s columns, the geometry (sixth from the end) from WKB.
            let sql = level.insertSQL.replacingOccurrences(of: "?, ?, ?, ?, ?, ?)", with: "ST_GeomFromWKB(?, 4326), ?, ?, ?, ?, ?)")
            let writer = BoundaryWriter(level: level, previous: previous) { values, multi in
                var v = values + [.text(now)]
                v[values.count - 5] = PostgresStore.wkb(multi)
                try self.db.execute(sql, v)
            }
            try body(writer)
            try db.execute("INSERT INTO boundary_import (level, source, feature_count, imported_at) VALUES (?, ?, ?, ?)",
                           [.text(level.rawValue), .text(source), .integer(Int64(writer.count)), .text(now)])
            return writer.count
        }
    }

    // MARK: LAOs

    /// `prepared`: the statement is one every pin runs (see `PGConnection.preparedQuery`).
    private func fetchLAOs(_ whereSQL: String, _ args: [SQLValue], prepared: Bool = false) throws -> [LAORecord] {
        let sql = "\(PostgresStore.laoSelect) \(whereSQL) ORDER BY code"
        var out = try (prepared ? db.preparedQuery(sql, args) : rows(sql, args)).map { try LAORow.decode(Columns($0)) }
        if out.isEmpty { return out }
        var tambons: [String: [LAOTambon]] = [:]
        let only = out.count == 1 ? "WHERE lao_code = ?" : ""
        let tambonSQL = "SELECT lao_code, tambon_code, whole FROM lao_tambon \(only) ORDER BY lao_code, tambon_code"
        let tambonArgs: [SQLValue] = out.count == 1 ? [.text(out[0].code)] : []
        for r in try (prepared ? db.preparedQuery(tambonSQL, tambonArgs) : rows(tambonSQL, tambonArgs)) {
            tambons[r.string(0) ?? "", default: []].append(LAOTambon(code: r.string(1) ?? "", whole: r.int64(2) != 0))
        }
        for i in out.indices { out[i].tambons = tambons[out[i].code] ?? [] }
        return out
    }

    /// The row version of LAO `alias` (its `xmin` and its tambon rows'), in one text.
    static func laoVersionSQL(_ alias: String) -> String {
        """
        \(alias).xmin::text || '/' || coalesce((SELECT string_agg(t.xmin::text || ':' || t.tambon_code, ',' ORDER BY t.tambon_code)
                                                FROM lao_tambon t WHERE t.lao_code = \(alias).code), '')
        """
    }

    private static let laoSelect = "SELECT \(PostgresStore.select(LAORow.Column.self)) FROM lao"

    /// Every pin reads its project's LAO: the authorization needs its province, the check its
    /// jurisdiction (a tambon's outline, often tens of kilobytes that PostgreSQL detoasted,
    /// sent and we decoded for each pin). Read again only when the row's version (`xmin`, of
    /// the LAO and of its tambon rows) is not the one kept: one small query otherwise.
    public func lao(code: String) throws -> LAORecord? {
        let key = location.display + "\n" + code
        let read: String?? = db.takeLAOVersion(code)  // read with the project's row (`projectRef`)
        guard let version = try read ?? db.preparedQuery("SELECT \(Self.laoVersionSQL("l")) FROM lao l WHERE l.code = ?",
                                                         [.text(code)]).first?.string(0) else {
            LAORowCache.shared.forget(key)
            return nil
        }
        if let known = LAORowCache.shared.record(key, version: version) { return known }
        // Read after the version: a change in between leaves a newer row under an older
        // version, read again next time (never an older row under a newer version).
        let record = try fetchLAOs("WHERE code = ?", [.text(code)], prepared: true).first
        if let record { LAORowCache.shared.keep(key, record, version: version) }
        return record
    }

    public func laos(provinceCode: String?, amphoeCode: String?) throws -> [LAORecord] {
        var clauses: [String] = [], args: [SQLValue] = []
        if let p = provinceCode { clauses.append("province_code = ?"); args.append(.text(p)) }
        if let a = amphoeCode { clauses.append("amphoe_code = ?"); args.append(.text(a)) }
        return try fetchLAOs(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), args)
    }

    public func laoCandidates(containing point: Coordinate) throws -> [LAORecord] {
        try fetchLAOs("WHERE geom && ST_MakeEnvelope(?1, ?2, ?1, ?2, 4326)", [.real(point.x), .real(point.y)])
    }

    public func laoExists(_ code: String) throws -> Bool {
        !(try db.scalar("SELECT 1 FROM lao WHERE code = ?", [.text(code)])).isNull
    }

    public func laoCodes() throws -> Set<String> { Set(try rows("SELECT code FROM lao").map { $0.string(0) ?? "" }) }

    public func insertLAOs(_ records: [LAORecord], replace: Bool) throws {
        let now = ISO8601DateFormatter().string(from: Date())
        try db.transaction {
            var seen = Set<String>()
            for r in records {
                guard seen.insert(r.code).inserted else { throw LAOStoreError(.duplicateCode(r.code)) }
                let values = try laoValues(r)
                if try laoExists(r.code) {
                    guard replace else { throw LAOStoreError(.duplicateCode(r.code)) }
                    try db.execute("DELETE FROM lao_tambon WHERE lao_code = ?", [.text(r.code)])
                    let sets = LAORow.Column.allCases.dropFirst()
                        .map { "\($0.name) = \($0 == .geom ? "ST_GeomFromWKB(?, 4326)" : "?")" }.joined(separator: ", ")
                    try db.execute("UPDATE lao SET \(sets), updated_at = ? WHERE code = ?",
                                   Array(values.dropFirst()) + [.text(now), .text(r.code)])
                } else {
                    try db.execute("""
                        INSERT INTO lao (\(LAORow.Column.list()), updated_at) VALUES (\(PostgresStore.placeholders(LAORow.Column.self)), ?)
                        """, values + [.text(now)])
                }
                for t in r.tambons {
                    try db.execute("INSERT INTO lao_tambon (lao_code, tambon_code, whole) VALUES (?, ?, ?)",
                                   [.text(r.code), .text(t.code), SQLValue(t.whole)])
                }
            }
        }
    }

    private func laoValues(_ r: LAORecord) throws -> [SQLValue] {
        if let g = r.jurisdiction {
            switch g {
            case .polygon, .multiPolygon: break
            default: throw LAOStoreError(.notPolygonal(code: r.code))
            }
        }
        return LAORow.values(r, blob: PostgresStore.wkb(r.jurisdiction?.asMulti))
    }

    public func setLAOVision(code: String, _ vision: Bool) throws {
        guard try !rows("UPDATE lao SET vision = ? WHERE code = ? RETURNING 1", [SQLValue(vision), .text(code)]).isEmpty else {
            throw LAOStoreError(.unknownLAO(code))
        }
    }

    public func laoVision(code: String) throws -> Bool? {
        try db.scalar("SELECT vision FROM lao WHERE code = ?", [.text(code)]).int64.map { $0 != 0 }
    }

    public func setLAOFacts(code: String, vision: Bool?, visionRecordedOn: String?, strategies: Int??) throws {
        try db.transaction {
            guard try laoExists(code) else { throw LAOStoreError(.unknownLAO(code)) }
            if let v = vision {
                let on: SQLValue = v ? SQLValue(visionRecordedOn) : .null
                try db.execute("UPDATE lao SET vision = ?, vision_recorded_on = ? WHERE code = ?", [SQLValue(v), on, .text(code)])
            }
            if let s = strategies {
                try db.execute("UPDATE lao SET strategies = ? WHERE code = ?", [SQLValue(s), .text(code)])
            }
        }
    }
}

/// LAO rows with the row version they were read at (see `PostgresStore.lao(code:)`), shared
/// by every connection of the process (a server's many pooled connections each pin any LAO).
/// Bounded: a national store has some 7,850 LAOs.
final class LAORowCache: Sendable {
    static let shared = LAORowCache()
    static let limit = 8_192
    /// By database (`PostgresLocation.display`) and LAO code.
    private let entries = Mutex<[String: (version: String, record: LAORecord)]>([:])

    func record(_ key: String, version: String) -> LAORecord? {
        entries.withLock { e in e[key].flatMap { $0.version == version ? $0.record : nil } }
    }

    func keep(_ key: String, _ record: LAORecord, version: String) {
        entries.withLock { e in
            if e.count >= LAORowCache.limit { e.removeAll(keepingCapacity: true) }
            e[key] = (version, record)
        }
    }

    func forget(_ key: String) { _ = entries.withLock { $0.removeValue(forKey: key) } }
}
