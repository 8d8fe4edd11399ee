import Foundation

/// Schema step 6: the service's accounts, their API tokens and login sessions, and the
/// audit of logins and account changes. Secrets are never stored: passwords as bcrypt
/// hashes, tokens and session ids as SHA-256 hashes (hex), so a copy of the file logs no one in.
/// Sessions live here (not in one server's memory) so several server processes can share them.
enum AccountSchema {
    static let migration = Migration(version: 6, name: "service accounts, tokens, sessions and their audit") { db in
        try db.execute("""
            CREATE TABLE account (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('engineer', 'planner', 'finance', 'province', 'admin')),
                lao_code TEXT,
                province_code TEXT,
                password_hash TEXT,
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL);
            CREATE TABLE account_token (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES account (id),
                token_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                revoked_at TEXT);
            CREATE TABLE account_session (
                id_hash TEXT PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES account (id),
                csrf_token TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL);
            CREATE TABLE account_audit (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                event TEXT NOT NULL,
                account TEXT,
                address TEXT,
                detail TEXT);
            CREATE INDEX account_audit_event_at ON account_audit (event, at);
            """)
    }
}

/// One service account as stored.
public struct AccountRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: String
    public var laoCode: String?
    public var provinceCode: String?
    public var passwordHash: String?
    public var disabled: Bool
    public var createdAt: String
}

/// One API token as stored (its hash never leaves the store).
public struct TokenRecord: Sendable, Equatable {
    public var id: Int64
    public var accountName: String
    public var createdAt: String
    public var expiresAt: String
    public var revokedAt: String?
}

/// Times in the account tables: UTC ISO 8601, so text order is time order.
public enum AccountClock {
    /// UTC, whole seconds, as `ISO8601DateFormatter` writes it ("2026-11-30T15:45:28Z"), but
    /// by hand: making that formatter cost ~600k instructions, more than the token lookup
    /// it served on every authenticated request.
    public static func iso(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        guard gmtime_r(&seconds, &t) != nil else { return "1970-01-01T00:00:00Z" }
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))T\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))Z"
    }
}

extension Store {
    private static let accountColumns = "id, name, role, lao_code, province_code, password_hash, disabled, created_at"
    /// The same, of table alias `a` (made once: per request it cost more than the query).
    private static let accountColumnsOfA = accountColumns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    private static func account(_ r: Row) -> AccountRecord {
        AccountRecord(id: r.int64(0), name: r.string(1) ?? "", role: r.string(2) ?? "", laoCode: r.string(3),
                      provinceCode: r.string(4), passwordHash: r.string(5), disabled: r.int64(6) != 0, createdAt: r.string(7) ?? "")
    }

    /// Adds an account; false when the name is taken.
    public func addAccount(name: String, role: String, laoCode: String?, provinceCode: String?, passwordHash: String?, at now: Date) throws -> Bool {
        if try account(named: name) != nil { return false }
        try database.execute("""
            INSERT INTO account (name, role, lao_code, province_code, password_hash, disabled, created_at)
            VALUES (?, ?, ?, ?, ?, 0, ?)
            """, [.text(name), .text(role), SQLValue(laoCode), SQLValue(provinceCode), SQLValue(passwordHash), .text(AccountClock.iso(now))])
        return true
    }

    public func account(named name: String) throws -> AccountRecord? {
        var found: AccountRecord?
        try database.query("SELECT \(Store.accountColumns) FROM account WHERE name = ?", [.text(name)]) { found = Store.account($0) }
        return found
    }

    public func accounts() throws -> [AccountRecord] {
        var out: [AccountRecord] = []
        try database.query("SELECT \(Store.accountColumns) FROM account ORDER BY name") { out.append(Store.account($0)) }
        return out
    }

    /// Sets a password hash; false when no such account.
    public func setPasswordHash(account name: String, _ hash: String) throws -> Bool {
        try database.execute("UPDATE account SET password_hash = ? WHERE name = ?", [.text(hash), .text(name)])
        return database.changes == 1
    }

    /// Disables an account and ends its sessions and tokens; false when no such account.
    public func disableAccount(_ name: String, at now: Date) throws -> Bool {
        let db = database
        return try db.transaction {
            try db.execute("UPDATE account SET disabled = 1 WHERE name = ?", [.text(name)])
            guard db.changes == 1 else { return false }
            try db.execute("DELETE FROM account_session WHERE account_id = (SELECT id FROM account WHERE name = ?)", [.text(name)])
            try db.execute("UPDATE account_token SET revoked_at = ? WHERE revoked_at IS NULL AND account_id = (SELECT id FROM account WHERE name = ?)",
                           [.text(AccountClock.iso(now)), .text(name)])
            return true
        }
    }

    /// Stores a token's hash; returns its id.
    public func addToken(account id: Int64, tokenHash: String, at now: Date, expires: Date) throws -> Int64 {
        try database.execute("INSERT INTO account_token (account_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
                             [.integer(id), .text(tokenHash), .text(AccountClock.iso(now)), .text(AccountClock.iso(expires))])
        return database.lastInsertRowID
    }

    public func tokens() throws -> [TokenRecord] {
        var out: [TokenRecord] = []
        try database.query("""
            SELECT t.id, a.name, t.created_at, t.expires_at, t.revoked_at FROM account_token t JOIN account a ON a.id = t.account_id ORDER BY t.id
            """) { r in
            out.append(TokenRecord(id: r.int64(0), accountName: r.string(1) ?? "", createdAt: r.string(2) ?? "",
                                   expiresAt: r.string(3) ?? "", revokedAt: r.string(4)))
        }
        return out
    }

    /// Revokes a token; false when no such token or already revoked.
    public func revokeToken(id: Int64, at now: Date) throws -> Bool {
        try database.execute("UPDATE account_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.text(AccountClock.iso(now)), .integer(id)])
        return database.changes == 1
    }

    /// The enabled account a live (not expired, not revoked) token belongs to.
    public func accountForToken(hash: String, at now: Date) throws -> AccountRecord? {
        var found: AccountRecord?
        try database.query("""
            SELECT \(Store.accountColumnsOfA)
            FROM account_token t JOIN account a ON a.id = t.account_id
            WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND a.disabled = 0
            """, [.text(hash), .text(AccountClock.iso(now))]) { found = Store.account($0) }
        return found
    }

    /// A new session. Expired sessions are deleted first: a login is when the table is
    /// written anyway, so it never grows with sessions nobody can use.
    public func addSession(idHash: String, account id: Int64, csrfToken: String, at now: Date, expires: Date) throws {
        try database.execute("DELETE FROM account_session WHERE expires_at <= ?", [.text(AccountClock.iso(now))])
        try database.execute("INSERT INTO account_session (id_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                             [.text(idHash), .integer(id), .text(csrfToken), .text(AccountClock.iso(now)), .text(AccountClock.iso(expires))])
    }

    /// Ends a session (logout); false when there was none.
    public func deleteSession(idHash: String) throws -> Bool {
        try database.execute("DELETE FROM account_session WHERE id_hash = ?", [.text(idHash)])
        return database.changes == 1
    }

    /// The enabled account of a live session, and the session's CSRF token.
    public func accountForSession(idHash: String, at now: Date) throws -> (account: AccountRecord, csrfToken: String)? {
        var found: (AccountRecord, String)?
        try database.query("""
            SELECT \(Store.accountColumnsOfA), s.csrf_token
            FROM account_session s JOIN account a ON a.id = s.account_id
            WHERE s.id_hash = ? AND s.expires_at > ? AND a.disabled = 0
            """, [.text(idHash), .text(AccountClock.iso(now))]) { found = (Store.account($0), $0.string(8) ?? "") }
        return found
    }

    /// Appends to the audit of logins and account changes.
    public func recordAccountEvent(_ event: String, account: String?, address: String?, detail: String? = nil, at now: Date) throws {
        try database.execute("INSERT INTO account_audit (at, event, account, address, detail) VALUES (?, ?, ?, ?, ?)",
                             [.text(AccountClock.iso(now)), .text(event), SQLValue(account), SQLValue(address), SQLValue(detail)])
    }

    /// Times (oldest first) of `event` since `since` for this account or this address.
    public func accountEventTimes(_ event: String, account: String?, address: String?, since: Date) throws -> [String] {
        var out: [String] = []
        try database.query("""
            SELECT at FROM account_audit WHERE event = ? AND at > ? AND ((? IS NOT NULL AND account = ?) OR (? IS NOT NULL AND address = ?))
            ORDER BY at
            """, [.text(event), .text(AccountClock.iso(since)), SQLValue(account), SQLValue(account), SQLValue(address), SQLValue(address)]) {
            out.append($0.string(0) ?? "")
        }
        return out
    }

    /// The audit, newest first.
    public func accountEvents(limit: Int = 100) throws -> [(at: String, event: String, account: String?, address: String?, detail: String?)] {
        var out: [(String, String, String?, String?, String?)] = []
        try database.query("SELECT at, event, account, address, detail FROM account_audit ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))]) { r in
            out.append((r.string(0) ?? "", r.string(1) ?? "", r.string(2), r.string(3), r.string(4)))
        }
        return out
    }
}
