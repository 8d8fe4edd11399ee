import EPlanGeometry

extension Store {
    /// `pins import`'s pins in ONE transaction, each stored as `addPin` stores it (its
    /// project's next version, current, the previous current pin retired) but without what
    /// `addPin` repeats per pin: a savepoint, the layer-statistics query and update, and
    /// the statements found again by their text. Here the three statements are prepared
    /// once and the statistics brought up to date once, at the end.
    public func withPinBatch<T>(_ body: (_ add: (PinRecord) throws -> PinRecord) throws -> T) throws -> T {
        let db = database
        return try db.transaction {
            // Asked before our own writes stamp geometry_columns_time.
            let statisticsCurrent = try db.layerStatisticsAreCurrent(table: "pin", column: "geom")
            let batch = try PinBatchStatements(db)
            let result = try body { try batch.add($0) }
            if batch.added > 0 {
                if statisticsCurrent {
                    try db.extendLayerStatistics(table: "pin", column: "geom", by: batch.extent, rows: batch.added)
                } else {
                    try db.refreshLayerStatistics(table: "pin", column: "geom")
                }
            }
            return result
        }
    }
}

/// The prepared statements of a pin batch, and what it added (for the statistics).
private final class PinBatchStatements {
    let next: Statement, retire: Statement, insert: Statement
    private(set) var added = 0
    private(set) var extent: Envelope?

    init(_ db: Database) throws {
        next = try db.prepare("SELECT coalesce(max(version), 0) + 1 FROM pin WHERE project_code = ?")
        retire = try db.prepare("UPDATE pin SET is_current = 0 WHERE project_code = ? AND is_current = 1")
        insert = try db.prepare("INSERT INTO pin (\(PinRow.Column.list())) VALUES (\(PinRow.Column.placeholders))")
    }

    func add(_ pin: PinRecord) throws -> PinRecord {
        let code = SQLValue.text(pin.projectCode)
        next.reset()
        defer { next.reset() }
        try next.bind([code])
        let version = try next.step() ? Int(next.int64(0)) : 1
        next.reset()
        // Version 1: the project has no pin yet, so none to retire.
        if version > 1 { try retire.execute([code]) }
        let blob = SpatiaLiteBlob.encode(pin.geometry, srid: Store.srid)
        try insert.execute(PinRow.values(pin, version: version, blob: blob))
        if let e = try blob.flatMap({ try SpatiaLiteBlob.envelope(of: $0) }) {
            if extent == nil { extent = e } else { extent?.expand(e) }
        }
        added += 1
        var stored = pin
        stored.version = version
        stored.isCurrent = true
        return stored
    }
}
