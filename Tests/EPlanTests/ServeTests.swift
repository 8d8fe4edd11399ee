import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanServer
import Hummingbird

/// The service's core: login, tokens, Basic, limits, the pin route and its authorization.
final class ServeTests: ServeTestCase {
    // MARK: Tests

    func testLoginCookieAndCSRFGuardWrites() throws {
        let db = try pinFixture()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let server = try serve(db)
        let login = try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"\#(password)"}"#)
        XCTAssertEqual(login.status, 200, login.body)
        let cookieHeader = try XCTUnwrap(login.headers["set-cookie"])
        XCTAssertTrue(cookieHeader.contains("HttpOnly") && cookieHeader.contains("SameSite=Strict"), cookieHeader)
        XCTAssertFalse(cookieHeader.contains("Secure"), "plain http without --public-url https")
        let cookie = "Cookie: " + (cookieHeader.split(separator: ";").first.map(String.init) ?? "")
        let csrf = try XCTUnwrap(login.json["csrf_token"] as? String)
        XCTAssertEqual(login.json["role"] as? String, "engineer")

        let pinBody = #"{"location":"\#(insideNamRuem)"}"#
        let noCSRF = try http(server, "POST", "/api/v1/projects/P1/pins", body: pinBody, headers: [cookie])
        assertProblem(noCSRF, 403, "csrf", field: "X-CSRF-Token")
        let wrongCSRF = try http(server, "POST", "/api/v1/projects/P1/pins", body: pinBody, headers: [cookie, "X-CSRF-Token: " + String(csrf.reversed())])
        assertProblem(wrongCSRF, 403, "csrf")
        XCTAssertEqual(try pinCount(db), 0, "nothing written without the CSRF token")

        let stored = try http(server, "POST", "/api/v1/projects/P1/pins", body: pinBody, headers: [cookie, "X-CSRF-Token: " + csrf])
        XCTAssertEqual(stored.status, 201, stored.body)
        XCTAssertEqual(stored.json["version"] as? Int, 1)
        XCTAssertEqual(stored.json["stored"] as? Bool, true)
        let history = try http(server, "GET", "/api/v1/projects/P1/pins", headers: [cookie])
        XCTAssertEqual(history.status, 200, history.body)
        let versions = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(history.body.utf8)) as? [[String: Any]])
        XCTAssertEqual(versions.first?["pinned_by"] as? String, "somchai", "the account pins, not a --by")

        XCTAssertEqual(try http(server, "GET", "/api/v1/where?at=16.92,99.21").status, 401, "no credentials")
        assertProblem(try http(server, "POST", "/api/v1/logout", headers: [cookie]), 403, "csrf")
        let logout = try http(server, "POST", "/api/v1/logout", headers: [cookie, "X-CSRF-Token: " + csrf])
        XCTAssertEqual(logout.status, 204, logout.body)
        XCTAssertTrue(logout.headers["set-cookie"]?.contains("Max-Age=0") == true)
        assertProblem(try http(server, "GET", "/api/v1/projects/P1/pins", headers: [cookie]), 401, "unauthenticated")
        XCTAssertEqual(server.stop(), 0, "SIGTERM stops it gracefully")
    }

    func testSecureCookieBehindHTTPS() throws {
        let db = try initStore()
        try addUser(db, "admin1", ["--role", "admin"])
        let server = try serve(db, ["--public-url", "https://eplan.example.org"])
        let login = try http(server, "POST", "/api/v1/login", body: #"{"name":"admin1","password":"\#(password)"}"#)
        XCTAssertEqual(login.status, 200, login.body)
        XCTAssertTrue(login.headers["set-cookie"]?.contains("; Secure") == true, login.headers.description)
    }

    func testBearerTokensExpiredRevokedMalformed() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let good = try token(db, "somchai"), revoked = try token(db, "somchai")
        XCTAssertEqual(try eplan(["tokens", "revoke", "2", "--db", db]).status, 0)
        // An expired token: the CLI gives at least a day, so write one in the past directly.
        let expired = Secrets.randomToken()
        let store = try openStore(db)
        let account = try XCTUnwrap(try store.account(named: "somchai"))
        _ = try store.addToken(account: account.id, tokenHash: Secrets.sha256Hex(expired), at: Date(timeIntervalSinceNow: -7200),
                               expires: Date(timeIntervalSinceNow: -3600))
        let list = try eplan(["tokens", "list", "--db", db, "--lang", "en"])
        XCTAssertTrue(list.out.contains("revoked") && list.out.contains("expired") && list.out.contains("active"), list.out)
        XCTAssertFalse(list.out.contains(good), "a token is shown once only")

        let server = try serve(db)
        let ok = try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: ["Authorization: Bearer " + good])
        XCTAssertEqual(ok.status, 200, ok.body)
        XCTAssertEqual(ok.json["inside"] as? Bool, true)
        for bad in [revoked, expired, "not-a-token", String(good.dropLast()) + (good.hasSuffix("A") ? "B" : "A")] {
            let r = try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: ["Authorization: Bearer " + bad, "Accept-Language: en"])
            assertProblem(r, 401, "unauthenticated", field: "Authorization")
            XCTAssertNotNil(r.headers["www-authenticate"])
        }
        let thai = try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: ["Authorization: Bearer nope"])
        XCTAssertEqual(thai.json["detail"] as? String, "โทเค็นผิดรูปแบบ", "Thai unless Accept-Language: en")
    }

    func testBasicAuthAndFiveWrongPasswordsGive429() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let server = try serve(db)
        XCTAssertEqual(try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: [basic("somchai", password)]).status, 200)
        XCTAssertEqual(try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: [basic("somchai", password)]).status, 200, "cached")
        for _ in 0..<4 {
            let r = try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"wrong password!"}"#)
            assertProblem(r, 401, "unauthenticated")
        }
        assertProblem(try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: [basic("somchai", "wrong again!!")]), 401, "unauthenticated")
        let locked = try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"\#(password)"}"#)
        assertProblem(locked, 429, "too-many-attempts")
        let retry = try XCTUnwrap(Int(locked.headers["retry-after"] ?? ""))
        XCTAssertTrue((1...900).contains(retry), "\(retry)")
        let audit = try openStore(db, readOnly: true).accountEvents()
        XCTAssertEqual(audit.filter { $0.event == "login_failed" }.count, 5)
        XCTAssertTrue(audit.contains { $0.event == "account_added" && $0.account == "somchai" })
    }

    func testPinAuthorizationMatrixWritesNothingOnRefusal() throws {
        let db = try pinFixture()
        let users: [(String, [String])] = [
            ("eng", ["--role", "engineer", "--lao", "06630108"]), ("prov", ["--role", "province", "--province", "63"]),
            ("prov50", ["--role", "province", "--province", "50"]), ("plan", ["--role", "planner", "--lao", "06630108"]),
        ]
        var bearer: [String: String] = [:]
        for (name, args) in users {
            try addUser(db, name, args)
            bearer[name] = "Authorization: Bearer " + (try token(db, name))
        }
        let server = try serve(db)
        func pin(_ who: String, _ code: String, _ body: String) throws -> Reply {
            try http(server, "POST", "/api/v1/projects/\(code)/pins", body: body, headers: [bearer[who]!, "Accept-Language: en"])
        }
        let inside = #"{"location":"\#(insideNamRuem)"}"#
        let outside = #"{"location":"\#(insideMaeSot)"}"#

        assertProblem(try pin("eng", "W1", outside), 403, "forbidden")          // another LAO
        assertProblem(try pin("eng", "P1", #"{"location":"\#(insideMaeSot)","force":true}"#), 403, "forbidden")
        assertProblem(try pin("prov50", "P1", inside), 403, "forbidden")       // another province
        assertProblem(try pin("plan", "P1", inside), 403, "forbidden")         // planners do not pin
        assertProblem(try pin("eng", "NOPE", inside), 404, "not-found", field: "project")
        assertProblem(try pin("eng", "P1", #"{"location":"99.9, 199"}"#), 400, "bad-input")
        assertProblem(try pin("eng", "P1", #"{"location":"\#(insideNamRuem)","dry_run":"yes"}"#), 400, "bad-input", field: "dry_run")
        assertProblem(try pin("eng", "P1", #"{"location":"\#(insideNamRuem)","by":"someone"}"#), 400, "bad-input", field: "by")
        let refused = try pin("eng", "P1", outside)
        assertProblem(refused, 422, "pin-refused", field: "location")
        XCTAssertEqual((refused.json["pin"] as? [String: Any])?["stored"] as? Bool, false, refused.body)
        XCTAssertEqual(try pinCount(db), 0, "no refusal wrote a pin")

        let dry = try pin("eng", "P1", #"{"location":"\#(insideNamRuem)","dry_run":true}"#)
        XCTAssertEqual(dry.status, 200, dry.body)
        XCTAssertEqual(try pinCount(db), 0, "a dry run stores nothing")

        XCTAssertEqual(try pin("eng", "P1", inside).status, 201)
        XCTAssertEqual(try pin("prov", "W1", outside).status, 201, "the provincial office pins in its province")
        let forced = try pin("prov", "P1", #"{"locations":["\#(insideMaeSot)"],"force":true}"#)
        XCTAssertEqual(forced.status, 201, forced.body)
        XCTAssertEqual(forced.json["status"] as? String, "outside", "stored for review")
        let history = try openStore(db, readOnly: true).pinHistory(projectCode: "P1")
        XCTAssertEqual(history.map(\.pinnedBy), ["eng", "prov"])
        XCTAssertEqual(try pinCount(db, "W1"), 1)

        assertProblem(try http(server, "GET", "/api/v1/projects/W1/pins", headers: [bearer["plan"]!]), 403, "forbidden")
        XCTAssertEqual(try http(server, "GET", "/api/v1/projects/W1/pins", headers: [bearer["prov"]!]).status, 200)
    }

    func testOversizedBodyAndMalformedJSONAreProblems() throws {
        let db = try pinFixture()
        try addUser(db, "eng", ["--role", "engineer", "--lao", "06630108"])
        let auth = "Authorization: Bearer " + (try token(db, "eng"))
        let server = try serve(db)
        let big = #"{"location":""# + String(repeating: "1", count: (1 << 20) + 10) + #""}"#
        assertProblem(try http(server, "POST", "/api/v1/projects/P1/pins", body: big, headers: [auth]), 413, "too-large")
        let malformed = try http(server, "POST", "/api/v1/projects/P1/pins", body: #"{"location": "16.9, 99.2""#, headers: [auth, "Accept-Language: en"])
        assertProblem(malformed, 400, "bad-input", field: "body")
        XCTAssertEqual(malformed.json["title"] as? String, "Bad input")
        XCTAssertEqual(try pinCount(db), 0)
        assertProblem(try http(server, "GET", "/api/v1/nowhere", headers: [auth]), 404, "no-route")
    }

    /// A store locked by another writer past SQLite's busy timeout (5 s) is a 503 problem,
    /// never a 500, and nothing is written; once the lock is gone the same pin is stored.
    func testLockedStoreIsServiceUnavailableNotInternalError() throws {
        try sqliteOnly("an SQLite file locked by another process")
        let db = try pinFixture()
        try addUser(db, "eng", ["--role", "engineer", "--lao", "06630108"])
        let auth = "Authorization: Bearer " + (try token(db, "eng"))
        let server = try serve(db)
        let body = #"{"location":"\#(insideNamRuem)"}"#
        let holder = try Database(path: db)
        try holder.execute("BEGIN IMMEDIATE")
        let busy = try http(server, "POST", "/api/v1/projects/P1/pins", body: body, headers: [auth, "Accept-Language: en"])
        assertProblem(busy, 503, "store-unavailable")
        XCTAssertEqual(busy.headers["retry-after"], "5")
        try holder.execute("ROLLBACK")
        XCTAssertEqual(try pinCount(db), 0)
        XCTAssertEqual(try http(server, "POST", "/api/v1/projects/P1/pins", body: body, headers: [auth]).status, 201)
    }

    /// The export over HTTP is the CLI's export, limited to the account's LAO or province.
    func testExportIsTheCLIsLimitedToTheAccountsScope() throws {
        let db = try pinFixture()
        var bearer: [String: String] = [:]
        for (name, args) in [("eng", ["--role", "engineer", "--lao", "06630108"]), ("tak", ["--role", "province", "--province", "63"])] {
            try addUser(db, name, args)
            bearer[name] = "Authorization: Bearer " + (try token(db, name))
        }
        let server = try serve(db)
        XCTAssertEqual(try http(server, "POST", "/api/v1/projects/P1/pins", body: #"{"location":"\#(insideNamRuem)"}"#, headers: [bearer["eng"]!]).status, 201)
        for (who, cliFilter) in [("eng", ["--lao", "06630108"]), ("tak", ["--province", "63"])] {
            let cli = try eplan(["export", "geojson", "--db", db, "--format", "csv", "--include-unpinned"] + cliFilter)
            XCTAssertEqual(cli.status, 0, cli.err)
            let r = try http(server, "GET", "/api/v1/export?format=csv&include_unpinned=true", headers: [bearer[who]!])
            XCTAssertEqual(r.status, 200, r.body)
            XCTAssertEqual(r.headers["content-type"], "text/csv; charset=utf-8")
            XCTAssertEqual(r.body, cli.out, who)
        }
        let geojson = try http(server, "GET", "/api/v1/export", headers: [bearer["eng"]!])
        let features = (geojson.json["features"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        XCTAssertEqual(features, ["P1"], "only the engineer's LAO, pinned projects only")
        assertProblem(try http(server, "GET", "/api/v1/export?lao=03630601", headers: [bearer["eng"]!]), 403, "forbidden", field: "lao")
        assertProblem(try http(server, "GET", "/api/v1/export?province=50", headers: [bearer["tak"]!]), 403, "forbidden", field: "province")
        assertProblem(try http(server, "GET", "/api/v1/export?stage=done", headers: [bearer["tak"]!]), 400, "bad-input", field: "stage")
        assertProblem(try http(server, "GET", "/api/v1/export?format=shp", headers: [bearer["tak"]!]), 400, "bad-input", field: "format")
    }

    /// Clients that send half a request and stall (here 4 of them, more than the cores) do
    /// not hold up anyone else: each waits for its body without occupying a thread.
    func testStalledClientsDoNotBlockOthers() throws {
        let db = try pinFixture()
        try addUser(db, "eng", ["--role", "engineer", "--lao", "06630108"])
        let bearer = "Authorization: Bearer " + (try token(db, "eng"))
        let server = try serve(db)
        let port = server.base.split(separator: ":").last.map(String.init) ?? ""
        let script = """
            import socket, sys
            held = []
            for _ in range(4):
                s = socket.create_connection(("127.0.0.1", \(port)))
                s.sendall(b"POST /api/v1/projects/P1/pins HTTP/1.1\\r\\nHost: x\\r\\n\(bearer)\\r\\nContent-Type: application/json\\r\\nContent-Length: 100\\r\\n\\r\\n{\\"loc")
                held.append(s)
            print("stalled", flush=True)
            sys.stdin.read()
            """
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        slow.arguments = ["python3", "-c", script]
        let input = Pipe(), out = Pipe()
        slow.standardInput = input
        slow.standardOutput = out
        try slow.run()
        defer { try? input.fileHandleForWriting.close(); slow.waitUntilExit() }
        let said = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        XCTAssertTrue(said.contains("stalled"), "the stalled clients are connected: \(said)")
        for _ in 0..<3 {
            XCTAssertEqual(try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: [bearer]).status, 200)
        }
        XCTAssertEqual(try http(server, "POST", "/api/v1/projects/P1/pins", body: #"{"location":"\#(insideNamRuem)"}"#, headers: [bearer]).status, 201)
        XCTAssertEqual(try pinCount(db), 1, "the stalled requests stored nothing")
    }

    /// The OpenAPI document lists exactly the router's routes, and the server serves it.
    func testOpenAPIDocumentMatchesTheRouter() throws {
        let router = EPlanRoutes.router(ServerConfig(storePath: path()))
        // The /ogc routes have their own document (/ogc/api, OGCTests).
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" }.filter { !$0.contains(" /ogc") })
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, item in
            item.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        })
        XCTAssertEqual(routed, documented)
        XCTAssertEqual(doc["openapi"] as? String, "3.0.3")

        let server = try serve(try initStore())
        let served = try http(server, "GET", "/api/v1/openapi.json")
        XCTAssertEqual(served.status, 200)
        XCTAssertEqual(served.json["openapi"] as? String, "3.0.3")
    }

    /// The report over HTTP is byte for byte the CLI's, for the provincial office of its province only.
    func testStatusReportForTheProvincialOfficeOnly() throws {
        let db = try initStore()  // the registry's plans suffice for the report
        var bearer: [String: String] = [:]
        for (name, args) in [("tak", ["--role", "province", "--province", "63"]), ("cm", ["--role", "province", "--province", "50"]),
                             ("eng", ["--role", "engineer", "--lao", "06630108"]), ("root", ["--role", "admin"])] {
            try addUser(db, name, args)
            bearer[name] = "Authorization: Bearer " + (try token(db, name))
        }
        let server = try serve(db)
        let query = "/api/v1/reports/status?province=63&year=2560&as_of=03/10/2559&format=csv"
        let cli = try eplan(["report", "status", "--db", db, "--province", "63", "--year", "2560", "--as-of", "03/10/2559", "--format", "csv"])
        XCTAssertEqual(cli.status, 0, cli.err)
        for who in ["tak", "root"] {
            let r = try http(server, "GET", query, headers: [bearer[who]!])
            XCTAssertEqual(r.status, 200, r.body)
            XCTAssertEqual(r.headers["content-type"], "text/csv; charset=utf-8")
            XCTAssertEqual(r.body, cli.out, who)
        }
        assertProblem(try http(server, "GET", query, headers: [bearer["cm"]!]), 403, "forbidden", field: "province")
        assertProblem(try http(server, "GET", query, headers: [bearer["eng"]!]), 403, "forbidden", field: "province")
        assertProblem(try http(server, "GET", "/api/v1/reports/status?province=63&year=2017", headers: [bearer["tak"]!]), 400, "bad-input", field: "year")
        assertProblem(try http(server, "GET", "/api/v1/where", headers: [bearer["tak"]!]), 400, "bad-input", field: "at")
    }

    func testUsersCommandsCheckRolesAndDisable() throws {
        let db = try initStore()
        let bad = try eplan(["users", "add", "x", "--role", "chief", "--db", db, "--password-stdin", "--lang", "en"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("--role must be"), bad.err)
        let noLAO = try eplan(["users", "add", "x", "--role", "engineer", "--db", db, "--password-stdin", "--lang", "en"])
        XCTAssertEqual(noLAO.status, 1, "an engineer needs --lao (checked before the password is read)")
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let list = try eplan(["users", "list", "--db", db, "--lang", "en"])
        XCTAssertTrue(list.out.contains("somchai  engineer  LAO 06630108"), list.out)
        let hash = try XCTUnwrap(try openStore(db, readOnly: true).account(named: "somchai")?.passwordHash)
        XCTAssertTrue(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"), "bcrypt, cost 12")
        let t = try token(db, "somchai")
        let server = try serve(db)
        // `users passwd` with the new password on standard input: the old one stops working.
        try changePassword(db, "somchai", to: "a brand new password")
        assertProblem(try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"\#(password)"}"#), 401, "unauthenticated")
        XCTAssertEqual(try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"a brand new password"}"#).status, 200)
        assertProblem(try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":12}"#), 400, "bad-input", field: "password")
        XCTAssertEqual(try eplan(["users", "disable", "somchai", "--db", db]).status, 0)
        assertProblem(try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: ["Authorization: Bearer " + t]), 401, "unauthenticated")
        assertProblem(try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"\#(password)"}"#), 401, "unauthenticated")
        let audit = try openStore(db, readOnly: true).accountEvents().map(\.event)
        XCTAssertTrue(audit.contains("account_disabled") && audit.contains("token_created") && audit.contains("password_changed"), "\(audit)")
    }
}
