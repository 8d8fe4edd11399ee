import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanStore

/// Two `eplan serve` processes on one PostgreSQL database: sessions and failed-login
/// throttles are shared through the database, and one process killed (-9) loses nothing
/// the other acknowledged. Skipped without `EPLAN_TEST_PG` (scripts/test sets it).
final class PostgresServeTests: ServeTestCase {
    func testTwoServersShareSessionsThrottlesAndPins() throws {
        guard let pg = ProcessInfo.processInfo.environment["EPLAN_TEST_PG"], !pg.isEmpty else {
            throw XCTSkip("EPLAN_TEST_PG is unset: no PostgreSQL + PostGIS database to test on (scripts/test starts one)")
        }
        let created = try eplan(["init", "--db", pg, "--force", "--no-plan"])
        XCTAssertEqual(created.status, 0, created.err)
        guard case .postgres(let location) = try StoreLocation.parse(pg) else { return XCTFail("not PostgreSQL") }
        let store = try PostgresStore(location: location)
        try store.insertProjects([ProjectRecord(code: "P1", laoCode: "06630108", planYear: 2560, nameTH: "อาคาร", kind: .building)],
                                 replace: false, by: "test")
        try addUser(pg, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let a = try serve(pg), b = try serve(pg)

        // A session made by one process is honoured by the other.
        let login = try http(a, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"\#(password)"}"#)
        XCTAssertEqual(login.status, 200, login.body)
        let cookie = "Cookie: " + (login.headers["set-cookie"]?.split(separator: ";").first.map(String.init) ?? "")
        let csrf = try XCTUnwrap(login.json["csrf_token"] as? String)
        let body = #"{"location":"\#(insideNamRuem)"}"#
        let first = try http(b, "POST", "/api/v1/projects/P1/pins", body: body, headers: [cookie, "X-CSRF-Token: " + csrf])
        XCTAssertEqual(first.status, 201, first.body)
        XCTAssertEqual(first.json["version"] as? Int, 1)
        let second = try http(a, "POST", "/api/v1/projects/P1/pins", body: body, headers: [cookie, "X-CSRF-Token: " + csrf])
        XCTAssertEqual(second.json["version"] as? Int, 2, second.body)

        // One process killed outright: the other keeps serving, and both acknowledged pins are there.
        kill(a.process.processIdentifier, SIGKILL)
        a.process.waitUntilExit()
        let history = try http(b, "GET", "/api/v1/projects/P1/pins", headers: [cookie])
        XCTAssertEqual(history.status, 200, history.body)
        let versions = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(history.body.utf8)) as? [[String: Any]])
        XCTAssertEqual(versions.count, 2)
        XCTAssertEqual(try store.pinHistory(projectCode: "P1").map(\.version), [1, 2])

        // Failed logins counted across processes: five wrong anywhere lock the account everywhere.
        let c = try serve(pg)
        for server in [b, c, b, c, b] {
            assertProblem(try http(server, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"wrong password!"}"#), 401, "unauthenticated")
        }
        assertProblem(try http(c, "POST", "/api/v1/login", body: #"{"name":"somchai","password":"\#(password)"}"#), 429, "too-many-attempts")
        XCTAssertEqual(try store.accountEvents().filter { $0.event == "login_failed" }.count, 5)
    }

    /// OGC API – Features on PostgreSQL: the same collections, counts, pages and geometry as
    /// on the SQLite file with the same content.
    func testOGCItemsOnPostgreSQLMatchSQLite() throws {
        guard let pg = ProcessInfo.processInfo.environment["EPLAN_TEST_PG"], !pg.isEmpty else {
            throw XCTSkip("EPLAN_TEST_PG is unset: no PostgreSQL + PostGIS database to test on (scripts/test starts one)")
        }
        let file = try initStore(plan: false)
        for db in [pg, file] {
            if db == pg { XCTAssertEqual(try eplan(["init", "--db", pg, "--force", "--no-plan"]).status, 0) }
            let csv = try writeFile("p.csv", "code,lao_code,plan_year,name,kind,budget\nP1,06630108,2560,อาคาร,building,100000\nP2,03630601,2560,ถนน,road,200000\nP3,03630601,2560,อาคาร 2,building,300000\n")
            XCTAssertEqual(try eplan(["projects", "import", csv, "--db", db]).status, 0)
            XCTAssertEqual(try eplan(["pin", "P1", insideNamRuem, "--db", db, "--by", "t"]).status, 0)
            XCTAssertEqual(try eplan(["pin", "P3", insideMaeSot, "--db", db, "--by", "t"]).status, 0)
            XCTAssertEqual(try eplan(["pin", "P2", "16.726455, 98.578715", "16.7270, 98.5790", "--db", db, "--by", "t"]).status, 0)
        }
        let onPG = try serve(pg, ["--public-read"]), onFile = try serve(file, ["--public-read"])
        func page(_ s: Running, _ path: String) throws -> [String: Any] {
            let r = try http(s, "GET", path)
            XCTAssertEqual(r.status, 200, r.body)
            return r.json
        }
        for collection in ["tambons", "laos", "project-points", "project-lines"] {
            let a = try page(onPG, "/ogc/collections/\(collection)/items?limit=10000")
            let b = try page(onFile, "/ogc/collections/\(collection)/items?limit=10000")
            XCTAssertEqual(a["numberReturned"] as? Int, b["numberReturned"] as? Int, collection)
            let ids = { (j: [String: Any]) in ((j["features"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } }
            XCTAssertEqual(ids(a), ids(b), collection)
            XCTAssertFalse(ids(a).isEmpty, collection)
        }
        // A box alone (the pins' page first, then their projects), a project filter, both.
        for query in ["bbox=98.5,16.6,99.3,17.0", "lao_code=03630601", "bbox=98.5,16.6,99.3,17.0&lao_code=03630601", "bbox=100,10,100.1,10.1"] {
            let ids = { (j: [String: Any]) in ((j["features"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } }
            let a = try page(onPG, "/ogc/collections/project-points/items?limit=1000&" + query)
            XCTAssertEqual(ids(a), ids(try page(onFile, "/ogc/collections/project-points/items?limit=1000&" + query)), query)
            if query.hasPrefix("bbox=98") { XCTAssertFalse(ids(a).isEmpty, query) }
        }
        // Keyset pages: two points, one a page, chained by `next`.
        let first = try page(onPG, "/ogc/collections/project-points/items?limit=1")
        let next = try XCTUnwrap((first["links"] as? [[String: Any]])?.first { $0["rel"] as? String == "next" }?["href"] as? String)
        let path = String(next[try XCTUnwrap(next.range(of: "/ogc/")).lowerBound...])
        let second = try page(onPG, path)
        let code = { (j: [String: Any]) in ((j["features"] as? [[String: Any]])?.first?["id"] as? String) ?? "" }
        XCTAssertEqual([code(first), code(second)], ["P1", "P3"])
        let single = try http(onPG, "GET", "/ogc/collections/project-lines/items/P2")
        XCTAssertEqual(single.status, 200, single.body)
        XCTAssertTrue(single.body.contains("LineString"), single.body)
        let extent = try page(onPG, "/ogc/collections/tambons")
        XCTAssertNotNil(((extent["extent"] as? [String: Any])?["spatial"] as? [String: Any])?["bbox"], "an extent from PostGIS")
    }
    /// `eplan serve` on PostgreSQL keeps within `pool_max` connections however many requests
    /// come at once: the extra ones wait their turn and are answered (nothing refused).
    func testServerKeepsWithinItsConnectionPool() throws {
        guard let pg = ProcessInfo.processInfo.environment["EPLAN_TEST_PG"], !pg.isEmpty else {
            throw XCTSkip("EPLAN_TEST_PG is unset: no PostgreSQL + PostGIS database to test on (scripts/test starts one)")
        }
        XCTAssertEqual(try eplan(["init", "--db", pg, "--force", "--no-plan"]).status, 0)
        let name = "eplan-serve-pool-test"
        let server = try serve(pg + "&pool_max=3&pool_timeout=60&application_name=\(name)", ["--public-read"])
        // 24 requests at once (curl in parallel), half of them boundary pages.
        let script = "for i in $(seq 24); do if [ $((i % 2)) -eq 0 ]; then p='/ogc/collections/tambons/items?limit=50'; else p=/ogc/collections; fi; "
            + "curl -s -o /dev/null -w '%{http_code}\\n' \"\(server.base)$p\" & done; wait"
        let r = try run("bash", ["-c", script])
        XCTAssertEqual(r.out.split(separator: "\n").map(String.init), Array(repeating: "200", count: 24), r.err)
        guard case .postgres(let location) = try StoreLocation.parse(pg) else { return XCTFail(pg) }
        let open = try PostgresStore(location: location).db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(name)'")
        XCTAssertLessThanOrEqual(open.int64 ?? 99, 3, "the server's connections stay within pool_max")
        XCTAssertGreaterThan(open.int64 ?? 0, 0)
    }
}
