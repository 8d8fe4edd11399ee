import Crypto
import EPlanDomain
import Foundation
import HummingbirdBcrypt

/// The secrets of accounts: bcrypt for passwords, SHA-256 for tokens and session ids
/// (256-bit random values need no slow hash: they cannot be guessed).
public enum Secrets {
    /// bcrypt's cost: 2^12 rounds, about a quarter second on this class of machine.
    public static let bcryptCost: UInt8 = 12

    public static func hashPassword(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    public static func verifyPassword(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// Lower-case hex. Once per authenticated request: written out by hand, as
    /// `String(format:)` per byte cost more than the hash itself; hashed from the text's own
    /// bytes (no `Data` copy) and written straight into the string.
    public static func sha256Hex(_ text: String) -> String {
        var text = text
        return text.withUTF8 { sha256Hex(bytes: $0) }
    }

    /// `sha256Hex` of UTF-8 bytes at hand (a token read in place from a header).
    public static func sha256Hex(bytes: UnsafeBufferPointer<UInt8>) -> String {
        let digest = SHA256.hash(data: UnsafeRawBufferPointer(bytes))
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { out in
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
            var i = 0
            for byte in digest {
                out[i] = hex(byte >> 4)
                out[i + 1] = hex(byte & 15)
                i += 2
            }
            return i
        }
    }

    /// 256 random bits from the system's CSPRNG, base64url without padding (43 characters).
    public static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension Actor {
    /// The actor of a stored account; nil for a role this program does not know.
    public init?(account: AccountRecord) {
        guard let role = Role(rawValue: account.role), role != .local else { return nil }
        self.init(name: account.name, role: role, laoCode: account.laoCode, provinceCode: account.provinceCode)
    }
}

/// What `users add` asks for.
public struct AddAccountRequest: Sendable {
    public var name: String
    public var role: String
    public var laoCode: String?
    public var provinceCode: String?
    public var password: String
    public init(name: String, role: String, laoCode: String? = nil, provinceCode: String? = nil, password: String) {
        self.name = name; self.role = role; self.laoCode = laoCode; self.provinceCode = provinceCode; self.password = password
    }
}

/// A token as created: the secret is shown once, only its hash is kept.
public struct CreatedToken: Sendable {
    public let id: Int64
    public let token: String
    public let expiresAt: String
}

/// `users …` and `tokens …`: the service's accounts. Only the file holder (CLI) and admins
/// manage them; every change is written to the account audit.
public struct ManageAccounts {
    let store: any AnyStore
    let context: RequestContext
    public init(store: any AnyStore, context: RequestContext) { self.store = store; self.context = context }

    static let roles = ["engineer", "planner", "finance", "province", "admin"]

    public func add(_ request: AddAccountRequest) throws {
        do {
            try authorize()
            let name = try Self.checkName(request.name)
            let (lao, province) = try scope(role: request.role, lao: request.laoCode, province: request.provinceCode)
            try Self.checkPassword(request.password)
            let hash = Secrets.hashPassword(request.password)
            guard try store.addAccount(name: name, role: request.role, laoCode: lao, provinceCode: province, passwordHash: hash, at: Date()) else {
                throw AppError(.badInput, Message(th: "มีบัญชีชื่อ \(name) อยู่แล้ว", en: "an account named \(name) exists already"), field: "name")
            }
            try audit("account_added", name, detail: "role=\(request.role)" + (lao.map { " lao=\($0)" } ?? "") + (province.map { " province=\($0)" } ?? ""))
        } catch { throw AppError.classify(error) }
    }

    /// The role and its LAO or province checked on their own: the CLI asks this before it
    /// reads a password, so a wrong option is said before anyone types one.
    public func checkScope(role: String, laoCode: String?, provinceCode: String?) throws {
        do { try authorize(); _ = try scope(role: role, lao: laoCode, province: provinceCode) } catch { throw AppError.classify(error) }
    }

    public func list() throws -> [AccountRecord] {
        do { try authorize(); return try store.accounts() } catch { throw AppError.classify(error) }
    }

    public func setPassword(name: String, password: String) throws {
        do {
            try authorize()
            try Self.checkPassword(password)
            guard try store.setPasswordHash(account: name, Secrets.hashPassword(password)) else { throw Self.unknownAccount(name) }
            try audit("password_changed", name)
        } catch { throw AppError.classify(error) }
    }

    public func disable(name: String) throws {
        do {
            try authorize()
            guard try store.disableAccount(name, at: Date()) else { throw Self.unknownAccount(name) }
            try audit("account_disabled", name)
        } catch { throw AppError.classify(error) }
    }

    /// A new token for an account, valid for `days`.
    public func createToken(name: String, days: Int) throws -> CreatedToken {
        do {
            try authorize()
            guard let account = try store.account(named: name), !account.disabled else { throw Self.unknownAccount(name) }
            let token = Secrets.randomToken(), now = Date()
            let expires = now.addingTimeInterval(Double(days) * 86_400)
            let id = try store.addToken(account: account.id, tokenHash: Secrets.sha256Hex(token), at: now, expires: expires)
            try audit("token_created", name, detail: "token=\(id)")
            return CreatedToken(id: id, token: token, expiresAt: AccountClock.iso(expires))
        } catch { throw AppError.classify(error) }
    }

    public func tokens() throws -> [TokenRecord] {
        do { try authorize(); return try store.tokens() } catch { throw AppError.classify(error) }
    }

    public func revokeToken(id: Int64) throws {
        do {
            try authorize()
            guard try store.revokeToken(id: id, at: Date()) else {
                throw AppError(.notFound, Message(th: "ไม่พบโทเค็นหมายเลข \(id) (หรือถูกเพิกถอนแล้ว)", en: "no token \(id) (or it is revoked already)"), field: "id")
            }
            try audit("token_revoked", nil, detail: "token=\(id)")
        } catch { throw AppError.classify(error) }
    }

    /// `--expires 90d`: a number of days (the `d` is optional), 1 to 3650.
    public static func days(_ raw: String, field: String) throws -> Int {
        let t = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard let n = Int(t.hasSuffix("d") ? String(t.dropLast()) : t), (1...3650).contains(n) else {
            throw AppError(.badInput, Message(th: "\(field) ต้องเป็นจำนวนวัน 1 ถึง 3650 เช่น 90d (ได้ '\(raw)')",
                                              en: "\(field) must be a number of days, 1 to 3650, e.g. 90d (got '\(raw)')"), field: field)
        }
        return n
    }

    private func authorize() throws {
        guard context.actor.role == .local || context.actor.role == .admin else {
            throw AppError(.forbidden, Message(th: "บัญชี \(context.actor.name) ไม่มีสิทธิ์จัดการบัญชีผู้ใช้", en: "account \(context.actor.name) may not manage accounts"))
        }
    }

    private func audit(_ event: String, _ account: String?, detail: String? = nil) throws {
        try store.recordAccountEvent(event, account: account, address: nil, detail: "by=\(context.actor.name)" + (detail.map { " " + $0 } ?? ""), at: Date())
    }

    /// The LAO or province an account is bound to, as its role requires.
    private func scope(role: String, lao: String?, province: String?) throws -> (String?, String?) {
        guard Self.roles.contains(role) else {
            throw AppError(.badInput, Message(th: "--role ต้องเป็น \(Self.roles.joined(separator: ", ")) (ได้ '\(role)')",
                                              en: "--role must be \(Self.roles.joined(separator: ", ")) (got '\(role)')"), field: "--role")
        }
        let lao = lao.map { ThaiText.asciiDigits($0.trimmingCharacters(in: .whitespaces)) }
        let province = province.map { ThaiText.asciiDigits($0.trimmingCharacters(in: .whitespaces)) }
        switch role {
        case "engineer", "planner", "finance":
            guard let lao, province == nil else {
                throw AppError(.badInput, Message(th: "บทบาท \(role) ต้องระบุ --lao รหัส อปท. (และไม่ใช่ --province)",
                                                  en: "role \(role) needs --lao CODE (and not --province)"), field: "--lao")
            }
            guard try store.lao(code: lao) != nil else {
                throw AppError(.notFound, Message(th: "ไม่พบ อปท. รหัส \(lao)", en: "no LAO with code \(lao)"), field: "--lao")
            }
            return (lao, nil)
        case "province":
            guard let province, lao == nil, province.count == 2, province.allSatisfy(\.isASCII), Int(province) != nil else {
                throw AppError(.badInput, Message(th: "บทบาท province ต้องระบุ --province รหัสจังหวัด 2 หลัก (และไม่ใช่ --lao)",
                                                  en: "role province needs --province with a 2-digit province code (and not --lao)"), field: "--province")
            }
            return (nil, province)
        default:
            guard lao == nil, province == nil else {
                throw AppError(.badInput, Message(th: "บทบาท admin ไม่ผูกกับ อปท. หรือจังหวัด", en: "role admin is not bound to an LAO or province"), field: "--role")
            }
            return (nil, nil)
        }
    }

    static func checkName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64, !name.contains(":"), name.unicodeScalars.allSatisfy({ !CharacterSet.whitespacesAndNewlines.contains($0) && !CharacterSet.controlCharacters.contains($0) }) else {
            throw AppError(.badInput, Message(th: "ชื่อบัญชีต้องไม่ว่าง ไม่มีช่องว่างหรือ ':' และยาวไม่เกิน 64 ตัวอักษร (ได้ '\(raw)')",
                                              en: "an account name must be non-empty, without spaces or ':', at most 64 characters (got '\(raw)')"), field: "name")
        }
        return name
    }

    static func checkPassword(_ password: String) throws {
        // bcrypt reads at most 72 bytes: a longer password would be silently cut.
        guard password.utf8.count >= 10, password.utf8.count <= 72 else {
            throw AppError(.badInput, Message(th: "รหัสผ่านต้องยาว 10 ถึง 72 ไบต์", en: "a password must be 10 to 72 bytes long"), field: "password")
        }
    }

    static func unknownAccount(_ name: String) -> AppError {
        AppError(.notFound, Message(th: "ไม่พบบัญชี \(name) (หรือถูกระงับแล้ว)", en: "no account \(name) (or it is disabled)"), field: "name")
    }
}
