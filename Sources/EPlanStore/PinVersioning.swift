/// What both backends' connections run: statements with parameters, and one value back.
protocol SQLRunning {
    func execute(_ sql: String, _ args: [SQLValue]) throws
    func scalar(_ sql: String, _ args: [SQLValue]) throws -> SQLValue
    /// The first column of every row, in order.
    func firstColumn(_ sql: String, _ args: [SQLValue]) throws -> [String?]
}

extension Database: SQLRunning {
    func firstColumn(_ sql: String, _ args: [SQLValue]) throws -> [String?] {
        var out: [String?] = []
        try query(sql, args) { out.append($0.string(0)) }
        return out
    }
}

extension PGConnection: SQLRunning {
    func firstColumn(_ sql: String, _ args: [SQLValue]) throws -> [String?] {
        try query(sql, args).map { $0.string(0) }
    }
}

extension PinRecord {
    /// The rule of a new version, written once for both backends (inside the caller's
    /// transaction, which on PostgreSQL holds the project's row lock): the project's next
    /// version number, and the previous current pin retired. Returns the record as stored;
    /// the caller inserts its row with its backend's geometry encoding.
    func nextVersion(in db: some SQLRunning) throws -> PinRecord {
        let next = Int(try db.scalar("SELECT coalesce(max(version), 0) + 1 FROM pin WHERE project_code = ?",
                                     [.text(projectCode)]).int64 ?? 1)
        try db.execute("UPDATE pin SET is_current = 0 WHERE project_code = ? AND is_current = 1", [.text(projectCode)])
        var stored = self
        stored.version = next
        stored.isCurrent = true
        return stored
    }
}
