import Foundation

// Accounts, tokens, sessions and the login audit on PostgreSQL (AccountSchema.swift's SQL):
// sessions and login throttles live in the database, so server processes share them.
extension PostgresStore: AccountStoring {
    private static let columns = "id, name, role, lao_code, province_code, password_hash, disabled, created_at"
    private static let aColumns = columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    private static func account(_ r: PGRow) -> AccountRecord {
        AccountRecord(id: r.int64(0), name: r.string(1) ?? "", role: r.string(2) ?? "", laoCode: r.string(3),
                      provinceCode: r.string(4), passwordHash: r.string(5), disabled: r.int64(6) != 0, createdAt: r.string(7) ?? "")
    }

    /// Whether an UPDATE/DELETE … RETURNING 1 touched a row.
    private func changed(_ sql: String, _ args: [SQLValue]) throws -> Bool { try !rows(sql + " RETURNING 1", args).isEmpty }

    public func addAccount(name: String, role: String, laoCode: String?, provinceCode: String?, passwordHash: String?, at now: Date) throws -> Bool {
        try changed("""
            INSERT INTO account (name, role, lao_code, province_code, password_hash, disabled, created_at)
            VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (name) DO NOTHING
            """, [.text(name), .text(role), SQLValue(laoCode), SQLValue(provinceCode), SQLValue(passwordHash), .text(AccountClock.iso(now))])
    }

    public func account(named name: String) throws -> AccountRecord? {
        try rows("SELECT \(Self.columns) FROM account WHERE name = ?", [.text(name)]).first.map(Self.account)
    }

    public func accounts() throws -> [AccountRecord] {
        try rows("SELECT \(Self.columns) FROM account ORDER BY name").map(Self.account)
    }

    public func setPasswordHash(account name: String, _ hash: String) throws -> Bool {
        try changed("UPDATE account SET password_hash = ? WHERE name = ?", [.text(hash), .text(name)])
    }

    public func disableAccount(_ name: String, at now: Date) throws -> Bool {
        try db.transaction {
            guard try changed("UPDATE account SET disabled = 1 WHERE name = ?", [.text(name)]) else { return false }
            try db.execute("DELETE FROM account_session WHERE account_id = (SELECT id FROM account WHERE name = ?)", [.text(name)])
            try db.execute("UPDATE account_token SET revoked_at = ? WHERE revoked_at IS NULL AND account_id = (SELECT id FROM account WHERE name = ?)",
                           [.text(AccountClock.iso(now)), .text(name)])
            return true
        }
    }

    public func addToken(account id: Int64, tokenHash: String, at now: Date, expires: Date) throws -> Int64 {
        try db.scalar("INSERT INTO account_token (account_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id",
                      [.integer(id), .text(tokenHash), .text(AccountClock.iso(now)), .text(AccountClock.iso(expires))]).int64 ?? 0
    }

    public func tokens() throws -> [TokenRecord] {
        try rows("""
            SELECT t.id, a.name, t.created_at, t.expires_at, t.revoked_at FROM account_token t JOIN account a ON a.id = t.account_id ORDER BY t.id
            """).map { r in
            TokenRecord(id: r.int64(0), accountName: r.string(1) ?? "", createdAt: r.string(2) ?? "",
                        expiresAt: r.string(3) ?? "", revokedAt: r.string(4))
        }
    }

    public func revokeToken(id: Int64, at now: Date) throws -> Bool {
        try changed("UPDATE account_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.text(AccountClock.iso(now)), .integer(id)])
    }

    public func accountForToken(hash: String, at now: Date) throws -> AccountRecord? {
        try db.preparedQuery("""
            SELECT \(Self.aColumns) FROM account_token t JOIN account a ON a.id = t.account_id
            WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND a.disabled = 0
            """, [.text(hash), .text(AccountClock.iso(now))]).first.map(Self.account)
    }

    public func addSession(idHash: String, account id: Int64, csrfToken: String, at now: Date, expires: Date) throws {
        try db.execute("INSERT INTO account_session (id_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                       [.text(idHash), .integer(id), .text(csrfToken), .text(AccountClock.iso(now)), .text(AccountClock.iso(expires))])
    }

    public func deleteSession(idHash: String) throws -> Bool {
        try changed("DELETE FROM account_session WHERE id_hash = ?", [.text(idHash)])
    }

    public func accountForSession(idHash: String, at now: Date) throws -> (account: AccountRecord, csrfToken: String)? {
        try rows("""
            SELECT \(Self.aColumns), s.csrf_token FROM account_session s JOIN account a ON a.id = s.account_id
            WHERE s.id_hash = ? AND s.expires_at > ? AND a.disabled = 0
            """, [.text(idHash), .text(AccountClock.iso(now))]).first.map { (Self.account($0), $0.string(8) ?? "") }
    }

    public func recordAccountEvent(_ event: String, account: String?, address: String?, detail: String?, at now: Date) throws {
        try db.execute("INSERT INTO account_audit (at, event, account, address, detail) VALUES (?, ?, ?, ?, ?)",
                       [.text(AccountClock.iso(now)), .text(event), SQLValue(account), SQLValue(address), SQLValue(detail)])
    }

    public func accountEventTimes(_ event: String, account: String?, address: String?, since: Date) throws -> [String] {
        try rows("""
            SELECT at FROM account_audit WHERE event = ?1 AND at > ?2
                AND ((?3::text IS NOT NULL AND account = ?3) OR (?4::text IS NOT NULL AND address = ?4))
            ORDER BY at
            """, [.text(event), .text(AccountClock.iso(since)), SQLValue(account), SQLValue(address)]).map { $0.string(0) ?? "" }
    }

    public func accountEvents(limit: Int) throws -> [(at: String, event: String, account: String?, address: String?, detail: String?)] {
        try rows("SELECT at, event, account, address, detail FROM account_audit ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))]).map { r in
            (r.string(0) ?? "", r.string(1) ?? "", r.string(2), r.string(3), r.string(4))
        }
    }
}
