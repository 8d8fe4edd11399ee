import Foundation

/// The service's accounts, tokens, sessions and login audit as the use cases and the server
/// see them (see `AccountSchema`): in the store, so several server processes share them.
/// `Store` (SQLite) and `PostgresStore` implement it.
public protocol AccountStoring: AnyObject {
    func addAccount(name: String, role: String, laoCode: String?, provinceCode: String?, passwordHash: String?, at now: Date) throws -> Bool
    func account(named name: String) throws -> AccountRecord?
    func accounts() throws -> [AccountRecord]
    func setPasswordHash(account name: String, _ hash: String) throws -> Bool
    func disableAccount(_ name: String, at now: Date) throws -> Bool
    func addToken(account id: Int64, tokenHash: String, at now: Date, expires: Date) throws -> Int64
    func tokens() throws -> [TokenRecord]
    func revokeToken(id: Int64, at now: Date) throws -> Bool
    func accountForToken(hash: String, at now: Date) throws -> AccountRecord?
    func addSession(idHash: String, account id: Int64, csrfToken: String, at now: Date, expires: Date) throws
    func deleteSession(idHash: String) throws -> Bool
    func accountForSession(idHash: String, at now: Date) throws -> (account: AccountRecord, csrfToken: String)?
    func recordAccountEvent(_ event: String, account: String?, address: String?, detail: String?, at now: Date) throws
    func accountEventTimes(_ event: String, account: String?, address: String?, since: Date) throws -> [String]
    func accountEvents(limit: Int) throws -> [(at: String, event: String, account: String?, address: String?, detail: String?)]
}

extension AccountStoring {
    public func recordAccountEvent(_ event: String, account: String?, address: String?, at now: Date) throws {
        try recordAccountEvent(event, account: account, address: address, detail: nil, at: now)
    }
    public func accountEvents() throws -> [(at: String, event: String, account: String?, address: String?, detail: String?)] {
        try accountEvents(limit: 100)
    }
}

/// A whole store: what every command and the server open through `StoreLocation.open`.
public typealias AnyStore = EPlanStoring & AccountStoring

extension Store: AccountStoring {}

extension StoreLocation {
    /// Opens the store here (the one factory of every command and of `eplan serve`).
    /// `create`: an SQLite file is created, a PostgreSQL database gets the schema.
    public func open(readOnly: Bool = false, create: Bool = false) throws -> any AnyStore {
        switch self {
        case .sqlite(let path): return try Store(path: path, readOnly: readOnly, create: create)
        case .postgres(let p): return try PostgresStore(location: p, readOnly: readOnly, create: create)
        }
    }
}
