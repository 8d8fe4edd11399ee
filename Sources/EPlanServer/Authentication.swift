import EPlanApp
import EPlanDomain
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Who is asking: a session cookie (with its CSRF token on writes), a bearer token, or
/// HTTP Basic. Password checks are limited: 5 failures for one account or one address
/// within 15 minutes answer 429 until the oldest of them is 15 minutes old. Failures and
/// logins are written to the store's account audit, so several server processes share the limit.
final class Authenticator: Sendable {
    static let sessionCookie = "eplan_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let failureLimit = 5
    static let failureWindow: Double = 15 * 60
    /// At most this many verified credentials are remembered (memory stays bounded).
    static let verifiedLimit = 10_000

    let config: ServerConfig
    /// Verified credentials, trusted for `config.credentialCacheSeconds` without asking the
    /// store again (a token lookup per request, or a bcrypt per request for Basic, which
    /// would use up the cores): "t" + SHA-256 of a bearer token (what the store keeps too) or
    /// "b" + SHA-256 of Basic's "name:password" → the account, and when it was verified.
    /// Never a secret itself. So a revoked or expired token, a disabled account or a changed
    /// password is refused at the latest that many seconds after the change (no server is
    /// told of a change made with the CLI).
    private let verified = Mutex<[String: (actor: Actor, at: ContinuousClock.Instant)]>([:])

    init(config: ServerConfig) { self.config = config }

    /// The actor of a request, or a problem (401, 403 for a missing CSRF token, 429).
    func authenticate(_ request: Request, address: String?) async throws -> Actor {
        if let header = request.headers[.authorization] {
            let (scheme, value) = Self.schemeAndValue(header)
            switch scheme {
            case "bearer": return try await bearer(value)
            case "basic": return try await basic(value, address: address)
            default: throw Self.unauthenticated(Message(th: "รองรับ Authorization แบบ Bearer และ Basic เท่านั้น", en: "only Bearer and Basic authorization are supported"))
            }
        }
        if let session = Self.cookie(Self.sessionCookie, in: request) {
            return try await cookie(session, request: request)
        }
        throw Self.unauthenticated(Message(th: "ต้องเข้าสู่ระบบ (POST /api/v1/login) หรือส่ง Authorization: Bearer หรือ Basic",
                                           en: "log in (POST /api/v1/login) or send Authorization: Bearer or Basic"))
    }

    /// The key under which an Authorization header's credential is remembered ("t" or "b" +
    /// SHA-256, see `verified`), nil when it cannot be one. Depends on the header's text alone,
    /// so a connection may keep it for its next requests with the same header (SHA-256 and the
    /// header's split were a fifth of a `GET /where` answered in the pipeline).
    static func credentialKey(_ header: String) -> String? {
        if let known = recentKeys.withLock({ $0[header] }) { return known }
        guard let key = computedCredentialKey(header) else { return nil }
        recentKeys.withLock { keys in
            if keys.count >= maxRecentKeys { keys.removeAll(keepingCapacity: true) }
            keys[header] = key
        }
        return key
    }

    /// The keys of the last headers seen (at most `maxRecentKeys`, then forgotten at once):
    /// clients that share connections (a proxy, the bench's 77 tokens over 32 connections)
    /// change headers from one request to the next, and a SHA-256 costs more than the look-up.
    private static let recentKeys = Mutex<[String: String]>([:])
    private static let maxRecentKeys = 4096

    private static func computedCredentialKey(_ header: String) -> String? {
        // The common "Bearer " and a token, read as bytes: what the general split gives for it.
        var contiguous = header
        let common: String?? = contiguous.withUTF8 { u in
            guard u.count == 7 + 43, isBearerScheme(u) else {
                return .none  // not the common form: read below
            }
            let token = UnsafeBufferPointer(rebasing: u[7...])
            guard isWellFormedToken(token) else { return .some(nil) }  // a bearer, but not a token
            return .some("t" + Secrets.sha256Hex(bytes: token))
        }
        if let common { return common }
        let (scheme, value) = schemeAndValue(header)
        switch scheme {
        case "bearer":
            guard isWellFormedToken(value) else { return nil }
            return "t" + Secrets.sha256Hex(value)
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8), text.contains(":") else { return nil }
            return "b" + Secrets.sha256Hex(text)
        default:
            return nil
        }
    }

    private func bearer(_ token: String) async throws -> Actor {
        guard Self.isWellFormedToken(token) else {
            throw Self.unauthenticated(Message(th: "โทเค็นผิดรูปแบบ", en: "the token is malformed"))
        }
        let hash = Secrets.sha256Hex(token), config = self.config
        if let actor = remembered("t" + hash) { return actor }
        let account = try await config.stores.read { try $0.store.accountForToken(hash: hash, at: Date()) }
        guard let account, let actor = Actor(account: account) else {
            throw Self.unauthenticated(Message(th: "โทเค็นไม่ถูกต้อง หมดอายุ หรือถูกเพิกถอนแล้ว", en: "the token is unknown, expired or revoked"))
        }
        remember("t" + hash, actor)
        return actor
    }

    /// The actor of a credential (by `credentialKey`) verified less than
    /// `credentialCacheSeconds` ago, as `authenticate` would answer it without asking the
    /// store; nil otherwise (then `authenticate` decides).
    func remembered(_ key: String) -> Actor? {
        let ttl = Duration.seconds(config.credentialCacheSeconds), now = ContinuousClock.now
        guard ttl > .zero else { return nil }
        return verified.withLock { cache in
            guard let hit = cache[key] else { return nil }
            if now - hit.at < ttl { return hit.actor }
            cache[key] = nil
            return nil
        }
    }

    private func remember(_ key: String, _ actor: Actor) {
        let ttl = Duration.seconds(config.credentialCacheSeconds), now = ContinuousClock.now
        guard ttl > .zero else { return }
        verified.withLock { cache in
            if cache.count >= Self.verifiedLimit {
                cache = cache.filter { now - $0.value.at < ttl }
                if cache.count >= Self.verifiedLimit { cache.removeAll() }
            }
            cache[key] = (actor, now)
        }
    }

    private func basic(_ encoded: String, address: String?) async throws -> Actor {
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else {
            throw Self.unauthenticated(Message(th: "ข้อมูล Basic ผิดรูปแบบ", en: "malformed Basic credentials"))
        }
        let name = String(text[..<colon]), password = String(text[text.index(after: colon)...])
        let key = "b" + Secrets.sha256Hex(text)
        if let actor = remembered(key) { return actor }
        let account = try await verifyPassword(name: name, password: password, address: address, how: "basic")
        guard let actor = Actor(account: account) else { throw Self.badCredentials() }
        remember(key, actor)
        return actor
    }

    private func cookie(_ session: String, request: Request) async throws -> Actor {
        let hash = Secrets.sha256Hex(session), config = self.config
        let found = try await config.stores.read { try $0.store.accountForSession(idHash: hash, at: Date()) }
        guard let found, let actor = Actor(account: found.account) else {
            throw Self.unauthenticated(Message(th: "การเข้าสู่ระบบหมดอายุหรือไม่ถูกต้อง โปรดเข้าสู่ระบบใหม่", en: "the session is expired or unknown; log in again"))
        }
        // A cookie is sent by the browser on its own: a write must also prove it comes
        // from our page by echoing the session's CSRF token.
        if ![.get, .head, .options].contains(request.method) {
            guard let echoed = request.headers[Self.csrfHeader], Self.constantTimeEqual(echoed, found.csrfToken) else {
                throw Problem(.csrf, Message(th: "การเขียนด้วยคุกกี้ต้องส่ง X-CSRF-Token ที่ได้จากการเข้าสู่ระบบ",
                                             en: "a write with the session cookie must send the X-CSRF-Token given at login"), field: "X-CSRF-Token")
            }
        }
        return actor
    }

    /// A new session for a correct name and password.
    func login(name: String, password: String, address: String?) async throws -> (session: String, csrf: String, account: AccountRecord, expires: String) {
        let account = try await verifyPassword(name: name, password: password, address: address, how: "login")
        let session = Secrets.randomToken(), csrf = Secrets.randomToken(), config = self.config
        let expires = Date().addingTimeInterval(config.sessionSeconds)
        try await offload {
            try config.openStore().addSession(idHash: Secrets.sha256Hex(session), account: account.id, csrfToken: csrf, at: Date(), expires: expires)
        }
        return (session, csrf, account, AccountClock.iso(expires))
    }

    /// Ends the request's cookie session, if it came with one (the CSRF check has passed).
    func logout(_ request: Request, actor: Actor, address: String?) async throws {
        guard let session = Self.cookie(Self.sessionCookie, in: request) else { return }
        let hash = Secrets.sha256Hex(session), config = self.config
        try await offload {
            let store = try config.openStore()
            if try store.deleteSession(idHash: hash) {
                try store.recordAccountEvent("logout", account: actor.name, address: address, at: Date())
            }
        }
    }

    /// bcrypt check with the failure limit; success and failure are audited.
    func verifyPassword(name: String, password: String, address: String?, how: String) async throws -> AccountRecord {
        let config = self.config
        let outcome: Result<AccountRecord, Problem> = try await offload {
            let store = try config.openStore(), now = Date()
            if let retry = try Self.retryAfter(store, name: name, address: address, now: now) { return .failure(Self.tooMany(retry)) }
            let account = try store.account(named: name)
            // Without an account, still spend one bcrypt: the time must not tell which names exist.
            let ok = Secrets.verifyPassword(password, hash: account?.passwordHash ?? Self.dummyHash)
            guard ok, let account, !account.disabled else {
                try store.recordAccountEvent("login_failed", account: name, address: address, detail: how, at: now)
                return .failure(Self.badCredentials())
            }
            try store.recordAccountEvent("login", account: name, address: address, detail: how, at: now)
            return .success(account)
        }
        return try outcome.get()
    }

    /// Seconds until another try is allowed, or nil when under the limit.
    private static func retryAfter(_ store: any AnyStore, name: String, address: String?, now: Date) throws -> Int? {
        let since = now.addingTimeInterval(-failureWindow)
        let byAccount = try store.accountEventTimes("login_failed", account: name, address: nil, since: since)
        let byAddress = address == nil ? [] : try store.accountEventTimes("login_failed", account: nil, address: address, since: since)
        let f = ISO8601DateFormatter()
        let waits = [byAccount, byAddress].filter { $0.count >= failureLimit }.compactMap { times -> Double? in
            // The failure that must age out for the count to drop below the limit.
            guard let d = f.date(from: times[times.count - failureLimit]) else { return nil }
            return d.addingTimeInterval(failureWindow).timeIntervalSince(now)
        }
        guard let wait = waits.max() else { return nil }
        return max(1, Int(wait.rounded(.up)))
    }

    /// A bcrypt hash of a random text: for names with no account.
    private static let dummyHash = Secrets.hashPassword(Secrets.randomToken())

    /// The scheme (lower-cased) and the credentials of an Authorization header: the text up to
    /// the first space, and the rest trimmed of whitespace. Once per request: an ASCII value
    /// with nothing to trim (every token) skips Foundation's trimming, which cost more than
    /// the rest of the authentication together.
    static func schemeAndValue(_ header: String) -> (scheme: String, value: String) {
        let parts = header.split(separator: " ", maxSplits: 1)
        let scheme = parts.first?.lowercased() ?? ""
        guard parts.count == 2 else { return (scheme, "") }
        let rest = parts[1].utf8
        func plain(_ b: UInt8?) -> Bool { b.map { $0 > 0x20 && $0 < 0x7F } ?? false }
        if plain(rest.first) && plain(rest.last) { return (scheme, String(parts[1])) }
        return (scheme, parts[1].trimmingCharacters(in: .whitespaces))
    }

    /// 43 characters of base64url. Compared as bytes: `CharacterSet.alphanumerics` built a
    /// set per character (~38k instructions per request).
    static func isWellFormedToken(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { isWellFormedToken($0) }  // over the bytes: `utf8.allSatisfy` took ~40 a byte
    }

    /// "Bearer " in any letter case, at the start of `header`.
    static func isBearerScheme(_ header: UnsafeBufferPointer<UInt8>) -> Bool {
        let scheme: StaticString = "bearer "
        guard header.count >= 7 else { return false }
        for i in 0..<7 {
            let want = scheme.utf8Start[i], got = header[i]
            guard got == want || (want != 0x20 && got | 0x20 == want) else { return false }
        }
        return true
    }

    static func isWellFormedToken(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.count == 43 && utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2, kv[0] == name { return kv[1] }
            }
        }
        return nil
    }

    static func unauthenticated(_ detail: Message) -> Problem {
        Problem(.unauthenticated, detail, field: "Authorization", headers: [.wwwAuthenticate: "Bearer, Basic realm=\"eplan\", charset=\"UTF-8\""])
    }

    static func badCredentials() -> Problem {
        unauthenticated(Message(th: "ชื่อบัญชีหรือรหัสผ่านไม่ถูกต้อง", en: "wrong account name or password"))
    }

    static func tooMany(_ seconds: Int) -> Problem {
        Problem(.tooManyAttempts, Message(th: "เข้าสู่ระบบผิด \(failureLimit) ครั้งภายใน 15 นาที ลองใหม่ได้ใน \(seconds) วินาที",
                                          en: "\(failureLimit) failed logins within 15 minutes; try again in \(seconds) seconds"),
                headers: [.retryAfter: String(seconds)])
    }
}

/// Sets the context's actor for every route below it, or answers 401/403/429.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = EPlanRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.actor = try await authenticator.authenticate(request, address: context.address)
        return try await next(request, context)
    }
}
