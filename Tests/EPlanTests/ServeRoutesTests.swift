import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanServer

/// The project, pin-listing, audit and import routes over real HTTP: each role against its
/// own LAO, another LAO of its province and another province, every answer checked, and
/// nothing written by a refusal.
final class ServeRoutesTests: ServeTestCase {
    /// The accounts of the matrix: three LAO roles of Nam Ruem (06630108, Tak), the Tak
    /// provincial office, an admin, and the provincial office of province 50.
    static let accounts: [(String, [String])] = [
        ("eng", ["--role", "engineer", "--lao", "06630108"]), ("plan", ["--role", "planner", "--lao", "06630108"]),
        ("fin", ["--role", "finance", "--lao", "06630108"]), ("tak", ["--role", "province", "--province", "63"]),
        ("admin", ["--role", "admin"]), ("prov50", ["--role", "province", "--province", "50"]),
    ]

    /// The pin fixture (P1, R1 of Nam Ruem; W1 of Mae Sot, both Tak) and C1, a project of an
    /// LAO of province 50; a bearer header per account.
    func routesFixture() throws -> (db: String, auth: [String: String]) {
        let db = try pinFixture()
        let store = try openStore(db)
        try store.insertLAOs([LAORecord(code: "05500101", type: .sao, nameTH: "องค์การบริหารส่วนตำบลทดสอบ",
                                        provinceCode: "50", coverage: .whole)], replace: false)
        try store.insertProjects([ProjectRecord(code: "C1", laoCode: "05500101", planYear: 2561, nameTH: "ถนนลูกรัง",
                                                kind: .road, recordedOn: "2025-01-01")], replace: false, by: "fixture")
        try store.addDevPlan(laoCode: "05500101", firstYear: 2560, lastYear: 2562, approvedOn: nil)
        var auth: [String: String] = [:]
        for (name, args) in Self.accounts {
            try addUser(db, name, args)
            auth[name] = "Authorization: Bearer " + (try token(db, name))
        }
        return (db, auth)
    }

    func codes(_ r: Reply, _ key: String = "code") -> [String] {
        let list = (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [[String: Any]] ?? []
        return list.compactMap { $0[key] as? String ?? (($0["project"] as? [String: Any])?["code"] as? String) }.sorted()
    }

    /// A body from a file, with its own headers (curl; the base's `http` sends JSON).
    func upload(_ server: Running, _ path: String, file: String, headers: [String] = []) throws -> Reply {
        let bodyFile = self.path("reply-\(UUID().uuidString)")
        var args = ["-s", "-X", "POST", "-o", bodyFile, "-w", "%{http_code}", "--data-binary", "@" + file, "-H", "Accept-Language: en"]
        for h in headers { args += ["-H", h] }
        let r = try run("curl", args + [server.base + path])
        let body = (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? ""
        let type = body.hasPrefix("{\"type\":\"urn:eplan:problem") ? "application/problem+json" : "application/json; charset=utf-8"
        return Reply(status: Int(r.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, headers: ["content-type": type], body: body)
    }

    func stageLogCount(_ db: String) throws -> Int {
        let store = try openStore(db, readOnly: true)
        return try ["P1", "R1", "W1", "C1"].map { try store.stageLog(code: $0).count }.reduce(0, +)
    }

    // MARK: Reads

    /// `GET /projects/{code}`: each role × own LAO, another LAO, another province, unknown.
    func testProjectShowMatrix() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db)
        let expected: [String: [String: Int]] = [
            "eng": ["P1": 200, "W1": 403, "C1": 403, "NOPE": 404], "plan": ["P1": 200, "W1": 403, "C1": 403, "NOPE": 404],
            "fin": ["P1": 200, "W1": 403, "C1": 403, "NOPE": 404], "tak": ["P1": 200, "W1": 200, "C1": 403, "NOPE": 404],
            "admin": ["P1": 200, "W1": 200, "C1": 200, "NOPE": 404], "prov50": ["P1": 403, "W1": 403, "C1": 200, "NOPE": 404],
        ]
        for (who, answers) in expected {
            for (code, status) in answers {
                let r = try http(server, "GET", "/api/v1/projects/\(code)", headers: [auth[who]!, "Accept-Language: en"])
                switch status {
                case 200:
                    XCTAssertEqual(r.status, 200, "\(who) \(code): \(r.body)")
                    XCTAssertEqual(r.json["code"] as? String, code)
                case 403: assertProblem(r, 403, "forbidden", field: "project")
                default: assertProblem(r, 404, "not-found", field: "project")
                }
            }
        }
        let shown = try http(server, "GET", "/api/v1/projects/P1", headers: [auth["eng"]!])
        let cli = try eplan(["projects", "show", "P1", "--format", "json", "--db", db])
        XCTAssertEqual(cli.status, 0, cli.err)
        XCTAssertEqual(shown.json as NSDictionary, try JSONSerialization.jsonObject(with: Data(cli.out.utf8)) as? NSDictionary, "the CLI's JSON")
        XCTAssertEqual(try http(server, "GET", "/api/v1/projects/P1").status, 401)
    }

    /// `GET /projects` and `GET /pins`: each account sees its own scope; naming another LAO
    /// or province is 403 naming the parameter; the answer is the CLI's listing.
    func testListingsAreLimitedToTheAccountsScope() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db)
        func get(_ who: String, _ path: String) throws -> Reply { try http(server, "GET", path, headers: [auth[who]!, "Accept-Language: en"]) }
        let scopes = ["eng": ["P1", "R1"], "plan": ["P1", "R1"], "fin": ["P1", "R1"], "tak": ["P1", "R1", "W1"],
                      "admin": ["C1", "P1", "R1", "W1"], "prov50": ["C1"]]
        for (who, expected) in scopes {
            let r = try get(who, "/api/v1/projects")
            XCTAssertEqual(r.status, 200, r.body)
            XCTAssertEqual(codes(r), expected, who)
        }
        let cli = try eplan(["projects", "list", "--format", "json", "--lao", "06630108", "--db", db])
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(cli.out.utf8)) as? NSArray,
                       try JSONSerialization.jsonObject(with: Data(try get("eng", "/api/v1/projects").body.utf8)) as? NSArray, "the CLI's JSON")
        XCTAssertEqual(codes(try get("eng", "/api/v1/projects?kind=road")), ["R1"], "the CLI's filters")
        XCTAssertEqual(codes(try get("tak", "/api/v1/projects?lao=03630601")), ["W1"])
        XCTAssertEqual(codes(try get("eng", "/api/v1/projects?province=63")), ["P1", "R1"], "its own province")
        for (who, path, field) in [("eng", "/api/v1/projects?lao=03630601", "lao"), ("fin", "/api/v1/projects?lao=05500101", "lao"),
                                   ("tak", "/api/v1/projects?lao=05500101", "lao"), ("prov50", "/api/v1/projects?province=63", "province"),
                                   ("plan", "/api/v1/pins?lao=03630601", "lao"), ("prov50", "/api/v1/pins?lao=06630108", "lao")] {
            assertProblem(try get(who, path), 403, "forbidden", field: field)
        }
        assertProblem(try get("eng", "/api/v1/projects?yaer=2568"), 400, "bad-input", field: "yaer")
        assertProblem(try get("eng", "/api/v1/projects?stage=done"), 400, "bad-input", field: "stage")
        assertProblem(try get("eng", "/api/v1/pins?status=bogus"), 400, "bad-input", field: "status")

        XCTAssertEqual(try http(server, "POST", "/api/v1/projects/P1/pins", body: #"{"location":"\#(insideNamRuem)"}"#, headers: [auth["eng"]!]).status, 201)
        XCTAssertEqual(codes(try get("eng", "/api/v1/pins")), ["P1"])
        XCTAssertEqual(codes(try get("tak", "/api/v1/pins?status=valid")), ["P1"])
        XCTAssertEqual(codes(try get("prov50", "/api/v1/pins")), [])
        XCTAssertEqual(codes(try get("eng", "/api/v1/pins?unpinned=true")), ["R1"])
        XCTAssertEqual(codes(try get("admin", "/api/v1/pins?unpinned=true")), ["C1", "R1", "W1"])
        let pins = try get("eng", "/api/v1/pins")
        let cliPins = try eplan(["pins", "list", "--format", "json", "--lao", "06630108", "--db", db, "--lang", "en"])
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(cliPins.out.utf8)) as? NSArray,
                       try JSONSerialization.jsonObject(with: Data(pins.body.utf8)) as? NSArray, "the CLI's JSON")
    }

    // MARK: PATCH

    /// Finance staff change budget, contract and disbursement, planning staff the plan
    /// fields, both of their own LAO only; every refusal writes nothing.
    func testPatchMatrixWritesNothingOnRefusal() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db)
        func patch(_ who: String, _ code: String, _ body: String) throws -> Reply {
            try http(server, "PATCH", "/api/v1/projects/\(code)", body: body, headers: [auth[who]!, "Accept-Language: en"])
        }
        // The first field refused is named, in the order of `projects update`'s options.
        let money = #"{"contract_amount":950000,"contract_signed":"15/12/2567"}"#
        let refusals: [(String, String, String, Int, String?)] = [
            ("fin", "W1", money, 403, "contract_signed"), ("fin", "C1", money, 403, "contract_signed"), ("fin", "NOPE", money, 404, "project"),
            ("fin", "P1", #"{"progress":50}"#, 403, "progress"), ("plan", "P1", money, 403, "contract_signed"),
            ("plan", "W1", #"{"progress":50}"#, 403, "progress"), ("eng", "P1", money, 403, "contract_signed"),
            ("tak", "P1", money, 403, "contract_signed"), ("admin", "P1", #"{"progress":50}"#, 403, "progress"),
            ("prov50", "C1", money, 403, "contract_signed"),
            ("fin", "P1", #"{"contract_amount":true}"#, 400, "contract_amount"), ("fin", "P1", #"{"by":"x","disbursed":1}"#, 400, "by"),
            ("plan", "P1", #"{"progress":"120"}"#, 400, "progress"), ("fin", "P1", #"{"contract_amount":"#, 400, "body"),
            ("fin", "P1", "{}", 400, nil),
        ]
        for (who, code, body, status, field) in refusals {
            let r = try patch(who, code, body)
            assertProblem(r, status, status == 403 ? "forbidden" : status == 404 ? "not-found" : "bad-input", field: field)
        }
        XCTAssertEqual(try stageLogCount(db), 0, "no refusal wrote a change")
        XCTAssertNil(try openStore(db, readOnly: true).project(code: "P1")?.contractAmount)

        let paid = try patch("fin", "P1", money)
        XCTAssertEqual(paid.status, 200, paid.body)
        XCTAssertEqual((paid.json["project"] as? [String: Any])?["contract_amount"] as? Double, 950_000)
        let planned = try patch("plan", "P1", #"{"progress":"๕๐"}"#)
        XCTAssertEqual(planned.status, 200, planned.body)
        let log = try openStore(db, readOnly: true).stageLog(code: "P1")
        XCTAssertEqual(Set(log.map(\.changedBy)), ["fin", "plan"], "the account is who changes it")
        XCTAssertEqual(try openStore(db, readOnly: true).project(code: "P1")?.progress, 50)
        XCTAssertEqual(try patch("tak", "W1", #"{"progress":1}"#).status, 403)
        let big = #"{"progress":""# + String(repeating: "1", count: (1 << 20) + 10) + #""}"#
        assertProblem(try patch("plan", "P1", big), 413, "too-large")
    }

    // MARK: Audits

    func testAuditsForTheProvincialOfficeAndAdminsOnly() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db)
        func get(_ who: String, _ path: String) throws -> Reply { try http(server, "GET", path, headers: [auth[who]!, "Accept-Language: en"]) }
        for who in ["eng", "plan", "fin"] {
            assertProblem(try get(who, "/api/v1/audits/pins"), 403, "forbidden")
            assertProblem(try get(who, "/api/v1/audits/boundaries?level=province"), 403, "forbidden")
        }
        assertProblem(try get("tak", "/api/v1/audits/pins?province=50"), 403, "forbidden")
        assertProblem(try get("prov50", "/api/v1/audits/pins?province=63"), 403, "forbidden")
        assertProblem(try get("prov50", "/api/v1/audits/boundaries?level=province&province=63"), 403, "forbidden")
        assertProblem(try get("tak", "/api/v1/audits/pins?format=text"), 400, "bad-input", field: "format")
        assertProblem(try get("tak", "/api/v1/audits/pins?stack_min=x"), 400, "bad-input", field: "stack_min")
        assertProblem(try get("tak", "/api/v1/audits/boundaries?level=county"), 400, "bad-input", field: "level")

        let own = try get("tak", "/api/v1/audits/pins")
        XCTAssertEqual(own.status, 200, own.body)
        XCTAssertEqual(own.json["subject"] as? String, "pins")
        let cli = try eplan(["audit", "pins", "--province", "63", "--format", "json", "--db", db, "--lang", "en"])
        XCTAssertEqual(own.json as NSDictionary, try JSONSerialization.jsonObject(with: Data(cli.out.utf8)) as? NSDictionary, "the CLI's audit")
        XCTAssertEqual(try get("admin", "/api/v1/audits/pins?province=63").status, 200)
        let geo = try get("admin", "/api/v1/audits/pins?province=63&format=geojson")
        XCTAssertEqual(geo.json["type"] as? String, "FeatureCollection", geo.body)
        let boundaries = try get("tak", "/api/v1/audits/boundaries?level=province")
        XCTAssertEqual(boundaries.status, 200, boundaries.body)
        XCTAssertNotNil(boundaries.json["findings"] as? [Any], boundaries.body)
    }

    // MARK: Imports

    func projectCSV(_ rows: [String]) -> String {
        "code,lao_code,plan_year,name,kind,budget\n" + rows.joined(separator: "\n") + "\n"
    }

    /// A plan CSV over HTTP: all or nothing as on the CLI, planning staff for their LAO's
    /// rows, admins for any; every refusal writes nothing.
    func testProjectImportAllOrNothing() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db)
        let count = { try self.storedProjectCount(db) }
        let before = try count()
        let mine = try writeFile("mine.csv", projectCSV(["N1,06630108,2561,ถนนคอนกรีต,road,100000", "N2,06630108,2561,อาคาร,building,5000"]))
        let mixed = try writeFile("mixed.csv", projectCSV(["N3,06630108,2561,ถนน,road,1000", "N4,03630601,2561,ถนน,road,1000"]))
        let bad = try writeFile("bad.csv", projectCSV(["N5,06630108,2561,ถนน,road,1000", "N6,06630108,2561,ถนน,rocket,1000"]))
        let other = try writeFile("other.csv", projectCSV(["N7,05500101,2561,ถนน,road,1000"]))
        for who in ["eng", "fin", "tak", "prov50"] { assertProblem(try upload(server, "/api/v1/projects/import", file: mine, headers: [auth[who]!]), 403, "forbidden") }
        assertProblem(try upload(server, "/api/v1/projects/import", file: mixed, headers: [auth["plan"]!]), 403, "forbidden")
        let refused = try upload(server, "/api/v1/projects/import", file: bad, headers: [auth["plan"]!])
        assertProblem(refused, 400, "bad-input", field: "body")
        XCTAssertTrue(refused.json["detail"].map { "\($0)" }?.contains("rocket") == true, refused.body)
        XCTAssertFalse(refused.body.contains("eplan-upload"), "our temporary directory is not named: \(refused.body)")
        assertProblem(try upload(server, "/api/v1/projects/import?replace=maybe", file: mine, headers: [auth["plan"]!]), 400, "bad-input", field: "replace")
        XCTAssertEqual(try count(), before, "nothing written by a refusal")

        let ok = try upload(server, "/api/v1/projects/import", file: mine, headers: [auth["plan"]!, "Content-Type: text/csv"])
        XCTAssertEqual(ok.status, 201, ok.body)
        XCTAssertEqual(ok.json["inserted"] as? Int, 2)
        XCTAssertEqual(try upload(server, "/api/v1/projects/import", file: other, headers: [auth["admin"]!]).status, 201, "admins import any LAO's")
        XCTAssertEqual(try count(), before + 3)
        XCTAssertEqual(try openStore(db, readOnly: true).project(code: "N1")?.laoCode, "06630108")
    }

    /// Imports take up to 50 MiB, every other route 1 MiB; over either is a 413 problem.
    func testImportBodiesUpTo50MiBOthers1MiB() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db)
        // 2 MiB: over the 1 MiB of other routes, read in full here (a bad CSV, not 413).
        let twoMiB = try writeFile("two.csv", projectCSV(["N1,06630108,2561," + String(repeating: "ก", count: 700_000) + ",road,1"]))
        let r = try upload(server, "/api/v1/projects/import", file: twoMiB, headers: [auth["plan"]!])
        XCTAssertNotEqual(r.status, 413, r.body)
        XCTAssertTrue([201, 400].contains(r.status), r.body)
        let huge = path("huge.gpx")
        XCTAssertTrue(FileManager.default.createFile(atPath: huge, contents: Data(count: (50 << 20) + 1)))
        assertProblem(try upload(server, "/api/v1/pins/import?format=gpx", file: huge, headers: [auth["eng"]!]), 413, "too-large", field: "body")
        assertProblem(try upload(server, "/api/v1/projects/import", file: huge, headers: [auth["plan"]!]), 413, "too-large", field: "body")
        XCTAssertEqual(try pinCount(db), 0)
    }

    func gpx(_ points: [(String, String)]) -> String {
        let wpts = points.map { name, at -> String in
            let p = at.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return "  <wpt lat=\"\(p[0])\" lon=\"\(p[1])\"><name>\(name)</name></wpt>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <gpx version="1.1" creator="eplan tests" xmlns="http://www.topografix.com/GPX/1/1">
            \(wpts.joined(separator: "\n"))
            </gpx>

            """
    }

    /// Issue 12's upload: one field file, all or nothing unless skip_bad, the account pins
    /// (its LAO's projects only), the file's name kept in the history.
    func testPinImportUpload() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db)
        let good = try writeFile("site.gpx", gpx([("P1", insideNamRuem)]))
        let mixed = try writeFile("mixed.gpx", gpx([("P1", insideNamRuem), ("W1", insideMaeSot)]))
        let broken = try writeFile("broken.gpx", "not xml at all <<<")
        func post(_ who: String, _ query: String, _ file: String, _ headers: [String] = []) throws -> Reply {
            try upload(server, "/api/v1/pins/import" + query, file: file, headers: [auth[who]!] + headers)
        }
        assertProblem(try post("eng", "", good), 400, "bad-input", field: "format")
        assertProblem(try post("eng", "?format=shp", good), 400, "bad-input", field: "format")
        assertProblem(try post("eng", "?filename=site.shp", good), 400, "bad-input", field: "filename")
        assertProblem(try post("eng", "?format=gpx&match=guess", good), 400, "bad-input", field: "match")
        let held = try post("eng", "?format=gpx", mixed)
        assertProblem(held, 400, "bad-input", field: "body")
        let report = try XCTUnwrap(held.json["import"] as? [String: Any], held.body)
        XCTAssertEqual(report["good"] as? Int, 1)
        XCTAssertEqual(report["bad"] as? Int, 1, "W1 is another LAO's")
        for who in ["plan", "fin", "prov50"] { assertProblem(try post(who, "?format=gpx", good), 400, "bad-input", field: "body") }
        let unreadable = try post("eng", "?filename=field.gpx", broken)
        assertProblem(unreadable, 400, "bad-input", field: "body")
        XCTAssertTrue(unreadable.body.contains("field.gpx: malformed XML at line 1"), unreadable.body)
        XCTAssertFalse(unreadable.body.contains("eplan-upload"), unreadable.body)
        XCTAssertEqual(try post("eng", "?format=gpx&dry_run=true", good).status, 200)
        XCTAssertEqual(try pinCount(db), 0, "nothing stored by a refusal or a dry run")

        let stored = try post("eng", "?filename=site.gpx", good, ["Content-Type: application/gpx+xml"])
        XCTAssertEqual(stored.status, 201, stored.body)
        XCTAssertEqual(stored.json["stored"] as? Int, 1)
        let skipped = try post("tak", "?skip_bad=true", mixed, ["Content-Type: application/gpx+xml"])
        XCTAssertEqual(skipped.status, 201, skipped.body)
        XCTAssertEqual(skipped.json["stored"] as? Int, 2, "the provincial office pins every LAO of its province")
        let history = try openStore(db, readOnly: true).pinHistory(projectCode: "P1")
        XCTAssertEqual(history.map(\.pinnedBy), ["eng", "tak"], "the account is the pinner")
        XCTAssertTrue(history.first?.rawInput.contains("site.gpx") == true, "the file's name is kept: \(history.first?.rawInput ?? "")")
        XCTAssertFalse(history.first?.rawInput.contains("eplan-upload") == true, "not our directory")
    }

    // MARK: Limits

    /// Expired sessions are deleted from the store when someone logs in.
    func testExpiredSessionsAreDeletedAtLogin() throws {
        try sqliteOnly("an expired session written with the test's own SQL")
        let (db, _) = try routesFixture()
        let store = try Store(path: db)
        let account = try XCTUnwrap(try store.account(named: "eng"))
        try store.database.execute("""
            INSERT INTO account_session (id_hash, account_id, csrf_token, created_at, expires_at)
              VALUES ('old', \(account.id), 'x', '2020-01-01T00:00:00Z', '2020-01-01T12:00:00Z')
            """)
        let server = try serve(db)
        let login = try http(server, "POST", "/api/v1/login", body: #"{"name":"eng","password":"\#(password)"}"#)
        XCTAssertEqual(login.status, 200, login.body)
        var ids: [String] = []
        try Store(path: db, readOnly: true).database.query("SELECT id_hash FROM account_session") { ids.append($0.string(0) ?? "") }
        XCTAssertEqual(ids.count, 1, "the new session only")
        XCTAssertFalse(ids.contains("old"))
    }

    /// A client that connects and never finishes its headers is cut off after the header
    /// timeout (1 s here), while others are served.
    func testUnfinishedHeadersAreCutOff() throws {
        let (db, auth) = try routesFixture()
        let server = try serve(db, ["--header-timeout", "1"])
        let port = server.base.split(separator: ":").last.map(String.init) ?? ""
        let script = """
            import socket
            s = socket.create_connection(("127.0.0.1", \(port)))
            s.sendall(b"GET /api/v1/where?at=16.92,99.21 HTTP/1.1\\r\\nHost: x\\r\\n")
            s.settimeout(30)  # well under the idle timeout (60 s): only the header timeout closes it
            try:
                print("closed" if s.recv(1) == b"" else "answered")
            except socket.timeout:
                print("still open")
            except ConnectionResetError:
                print("closed")
            """
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        slow.arguments = ["python3", "-c", script]
        let out = Pipe()
        slow.standardOutput = out
        try slow.run()
        XCTAssertEqual(try http(server, "GET", "/api/v1/where?at=16.92,99.21", headers: [auth["eng"]!]).status, 200)
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        slow.waitUntilExit()
        XCTAssertEqual(said.trimmingCharacters(in: .whitespacesAndNewlines), "closed")
    }
}

/// The rules behind those routes, at the use-case level (the CLI's file holder is `local`
/// and keeps every right).
final class UseCaseScopeTests: CLITestCase {
    func context(_ role: Actor.Role, lao: String? = nil, province: String? = nil) -> RequestContext {
        RequestContext(actor: Actor(name: "u-\(role.rawValue)", role: role, laoCode: lao, provinceCode: province), language: .en)
    }

    func failure(_ body: () throws -> Void) -> AppError? {
        do { try body(); return nil } catch { return error as? AppError }
    }

    func testFinanceAndPlanningStaffEachSetTheirOwnFields() throws {
        let db = try pinFixture()
        func update(_ c: RequestContext, _ input: ProjectStageInput) throws {
            _ = try UpdateProjectStages(store: try openStore(db), context: c).run(code: "P1", input)
        }
        let fin = context(.finance, lao: "06630108"), plan = context(.planner, lao: "06630108")
        let planByFinance = failure { try update(fin, ProjectStageInput(disbursed: "10", progress: "10")) }
        XCTAssertEqual(planByFinance?.kind, .forbidden)
        XCTAssertEqual(planByFinance?.field, "progress")
        let moneyByPlanner = failure { try update(plan, ProjectStageInput(planApproved: "01/10/2560", contractAmount: "5")) }
        XCTAssertEqual(moneyByPlanner?.kind, .forbidden)
        XCTAssertEqual(moneyByPlanner?.field, "contract_amount")
        XCTAssertTrue(try openStore(db, readOnly: true).stageLog(code: "P1").isEmpty, "nothing written by a refusal")
        XCTAssertNil(failure { try update(fin, ProjectStageInput(contractAmount: "5")) })
        XCTAssertNil(failure { try update(plan, ProjectStageInput(progress: "10")) })
        XCTAssertNil(failure { try update(self.context(.local), ProjectStageInput(planApproved: "01/10/2560", disbursed: "1")) })
        let bad = failure { try update(plan, ProjectStageInput(progress: "120")) }
        XCTAssertEqual(bad?.kind, .badInput)
        XCTAssertEqual(bad?.field, "progress", "the field at fault, by its key")
    }

    func testReadsAreLimitedToTheActorsScope() throws {
        let db = try pinFixture()
        let store = try openStore(db)
        let codes = { (c: RequestContext, q: ProjectQuery) in try ListProjects(store: store, context: c).run(q).map(\.code).sorted() }
        XCTAssertEqual(try codes(context(.engineer, lao: "06630108"), ProjectQuery()), ["P1", "R1"])
        XCTAssertEqual(try codes(context(.province, province: "63"), ProjectQuery()), ["P1", "R1", "W1"])
        XCTAssertEqual(try ListProjects(store: store).run(ProjectQuery()).count, 3, "the command line reads everything")
        XCTAssertEqual(failure { _ = try codes(self.context(.finance, lao: "06630108"), ProjectQuery(lao: "03630601")) }?.field, "lao")
        XCTAssertEqual(failure { _ = try ShowProject(store: store, context: self.context(.planner, lao: "06630108")).run(code: "W1") }?.kind, .forbidden)
        XCTAssertEqual(failure { _ = try ShowProject(store: store, context: self.context(.planner, lao: "06630108")).run(code: "NOPE") }?.kind, .notFound)
        XCTAssertEqual(try ListPins(store: store, context: context(.engineer, lao: "06630108")).unpinned(ProjectQuery()).map(\.code).sorted(), ["P1", "R1"])
    }

    func testAdminsImportProjectsForAnyLAO() throws {
        let db = try initStore()
        let csv = path("plan.csv")
        try "code,lao_code,plan_year,name,kind,budget\nX1,06630606,2561,ถนน,road,1000\nX2,06630108,2560,ถนน,road,1000\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let importAs = { (c: RequestContext) in try ImportProjects(store: try self.openStore(db), context: c).run(ImportProjects.Request(path: csv)) }
        XCTAssertEqual(failure { _ = try importAs(self.context(.province, province: "63")) }?.kind, .forbidden)
        XCTAssertNil(failure { _ = try importAs(self.context(.admin)) })
        XCTAssertEqual(try storedProjectCount(db), 2)
    }
}
