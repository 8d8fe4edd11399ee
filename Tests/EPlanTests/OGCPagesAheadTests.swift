import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanStore
@testable import EPlanServer

/// OGC item pages made ahead (`OGCPagesAhead`): while a client reads a page, the server makes
/// the next one; the client's next request gets it, byte for byte what it would have been
/// made then, unless something was committed in between or the reader's scope differs.
extension OGCTests {
    /// A page's bytes without its time stamp (the one part that differs between two answers).
    func timeless(_ body: String) -> String {
        body.replacingOccurrences(of: #""timeStamp":"[^"]*""#, with: #""timeStamp":"""#, options: .regularExpression)
    }

    func madeAhead(_ r: Reply) -> Bool { r.headers["server-timing"]?.hasPrefix("ahead") ?? false }

    func nextPath(_ server: Running, _ r: Reply) throws -> String? {
        guard let href = (r.json["links"] as? [[String: Any]])?.first(where: { $0["rel"] as? String == "next" })?["href"] as? String else { return nil }
        XCTAssertTrue(href.hasPrefix(server.base), href)
        return String(href.dropFirst(server.base.count))
    }

    /// Every page after the first is made ahead, and each is the page a server that makes
    /// none answers.
    func testPagesAreMadeAheadForAClientThatPages() throws {
        let f = try fixture(projects: 240)
        let ahead = try serve(f.db, ["--public-read"]), plain = try serve(f.db, ["--public-read", "--pages-ahead", "0"])
        var path: String? = "/ogc/collections/project-points/items?limit=20"
        var pages = 0, made = 0, ids = 0
        while let p = path {
            let a = try http(ahead, "GET", p), b = try http(plain, "GET", p)
            XCTAssertEqual(a.status, 200, a.body)
            XCTAssertEqual(a.headers["content-type"], "application/geo+json")
            XCTAssertEqual(timeless(a.body).replacingOccurrences(of: ahead.base, with: ""), timeless(b.body).replacingOccurrences(of: plain.base, with: ""), "page \(pages + 1)")
            XCTAssertFalse(madeAhead(b), "--pages-ahead 0 makes none")
            if madeAhead(a) { made += 1 }
            ids += (a.json["features"] as? [Any])?.count ?? 0
            pages += 1
            path = try nextPath(ahead, a)
        }
        XCTAssertEqual(ids, f.counts["project-points"])
        XCTAssertGreaterThan(pages, 3)
        XCTAssertEqual(made, pages - 1, "every page after the first was made ahead")
        // HTML pages are for people: none is made ahead.
        let html = try http(ahead, "GET", "/ogc/collections/project-points/items?limit=20&f=html")
        let second = try http(ahead, "GET", try XCTUnwrap(try nextPath(ahead, try http(ahead, "GET", "/ogc/collections/project-points/items?limit=20"))) + "&f=html")
        XCTAssertEqual(html.status, 200)
        XCTAssertFalse(madeAhead(second))

        let refused = try eplan(["serve", "--db", f.db, "--listen", "127.0.0.1:0", "--pages-ahead", "65", "--lang", "en"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.err.contains("--pages-ahead must be a whole number from 0 to 64 (got 65)"), refused.err)
    }

    /// The pages of a box (sorted from the R*Tree) and of the whole layer are made ahead by
    /// reading on from the page before's statement, not by querying anew; each is the page a
    /// server that makes none answers.
    func testPagesMadeAheadReadOnFromThePageBefore() throws {
        let f = try fixture(projects: 240)
        let ahead = try serve(f.db, ["--public-read"]), plain = try serve(f.db, ["--public-read", "--pages-ahead", "0"])
        let store = try Store(path: f.db, readOnly: true)
        let box = try XCTUnwrap(try store.lao(code: f.laos[1])?.jurisdiction?.envelope)
        // The smallest page size that has the box's pages sorted from the R*Tree (smaller pages walk the code index).
        let limit = try XCTUnwrap((2...40).first { try store.boxPlan(ProjectFeatureQuery(filter: ProjectFilter(bbox: box), kind: .point, pageSize: $0)) == .rtreeFirst })
        for first in ["/ogc/collections/project-points/items?limit=\(limit)&bbox=\(box.minX),\(box.minY),\(box.maxX),\(box.maxY)",
                      "/ogc/collections/project-points/items?limit=25"] {
            var path: String? = first
            var pages = 0, readOn = 0
            while let p = path {
                let a = try http(ahead, "GET", p), b = try http(plain, "GET", p)
                XCTAssertEqual(a.status, 200, a.body)
                XCTAssertEqual(timeless(a.body).replacingOccurrences(of: ahead.base, with: ""),
                               timeless(b.body).replacingOccurrences(of: plain.base, with: ""), "page \(pages + 1) of \(first)")
                if a.headers["server-timing"]?.contains("read on from the page before") == true { readOn += 1 }
                pages += 1
                path = try nextPath(ahead, a)
            }
            XCTAssertGreaterThanOrEqual(pages, 3, "a page read on from a page itself read on: \(first)")
            XCTAssertEqual(readOn, pages - 1, "every page after the first read on from the one before: \(first)")
        }
    }

    /// The rows a page made ahead leaves open for the page after it hold a read transaction:
    /// they are given up after `rowsKeptFor` when no client asks, so SQLite's checkpoints can
    /// then go past them.
    func testRowsLeftOpenAreGivenUpSoon() throws {
        let f = try fixture(projects: 240)
        let ahead = try serve(f.db, ["--public-read"])
        XCTAssertEqual(try http(ahead, "GET", "/ogc/collections/project-points/items?limit=10").status, 200)
        Thread.sleep(forTimeInterval: 0.5)  // page 2 made ahead; its rows left open for page 3
        let store = try Store(path: f.db)
        try store.database.execute("INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at) VALUES ('W00001', ?, 2568, 'x', 'road', '2025-01-01', '2025-01-01')",
                                   [.text(f.laos[0])])
        // Waiting for no lock, a reader's old snapshot makes TRUNCATE busy at once.
        store.database.waitForLocks(milliseconds: 0)
        func truncated() throws -> Bool { try store.database.scalar("PRAGMA wal_checkpoint(TRUNCATE)").int64 == 0 }
        XCTAssertFalse(try truncated(), "the open rows hold the snapshot of page 1")
        Thread.sleep(forTimeInterval: Double(OGCPagesAhead.rowsKeptFor.components.seconds) + 1)
        XCTAssertTrue(try truncated(), "given up after \(OGCPagesAhead.rowsKeptFor)")
    }

    /// A commit after a page was made ahead (here by another process's connection) drops it:
    /// the client gets the page as it is now. Without the commit, the same page is made ahead.
    func testAPageMadeAheadIsNotGivenAfterACommit() throws {
        let f = try fixture(projects: 240)
        let ahead = try serve(f.db, ["--public-read"]), plain = try serve(f.db, ["--public-read", "--pages-ahead", "0"])
        let first = "/ogc/collections/project-points/items?limit=20"
        let second = try XCTUnwrap(try nextPath(ahead, try http(ahead, "GET", first)))
        let unchanged = try http(ahead, "GET", second)
        XCTAssertTrue(madeAhead(unchanged), "nothing committed: the page made ahead is given")
        let code = try XCTUnwrap(((unchanged.json["features"] as? [[String: Any]])?[5])?["id"] as? String)

        // The page is made ahead again; then that project's pin moves, from another connection.
        XCTAssertEqual(try http(ahead, "GET", first).status, 200)
        Thread.sleep(forTimeInterval: 0.5)
        let store = try Store(path: f.db)
        let pin = try XCTUnwrap(try store.currentPin(projectCode: code))
        guard case .point(let c) = pin.geometry else { return XCTFail("\(code) is a point pin") }
        var moved = pin
        moved.geometry = .point(Coordinate(c.x + 0.0001, c.y))
        moved.pinnedAt = PinText.timestamp(Date())
        try store.addPin(moved)

        let after = try http(ahead, "GET", second)
        XCTAssertFalse(madeAhead(after), "a commit since: the page is made anew")
        XCTAssertEqual(timeless(after.body).replacingOccurrences(of: ahead.base, with: ""),
                       timeless(try http(plain, "GET", second).body).replacingOccurrences(of: plain.base, with: ""))
        XCTAssertNotEqual(timeless(after.body), timeless(unchanged.body), "the moved pin is in the page")
    }

    /// A page made ahead for one account's scope is never given to a reader of another scope
    /// asking the same address.
    func testPagesMadeAheadAreKeptPerScope() throws {
        let f = try fixture(projects: 120)
        try addUser(f.db, "eng", ["--role", "engineer", "--lao", f.laos[0]])
        try addUser(f.db, "tak", ["--role", "province", "--province", "63"])
        let ahead = try serve(f.db), plain = try serve(f.db, ["--pages-ahead", "0"])
        let eng = basic("eng", password), tak = basic("tak", password)
        let first = "/ogc/collections/project-points/items?limit=5"
        // Each account's first password check on each server is audited (a commit, which
        // drops the pages made before it); the checks after it come from the credential cache.
        for server in [ahead, plain] {
            for account in [eng, tak] { XCTAssertEqual(try http(server, "GET", "/ogc/collections/provinces/items?limit=1", headers: [account]).status, 200) }
        }
        let second = try XCTUnwrap(try nextPath(ahead, try http(ahead, "GET", first, headers: [eng])))
        Thread.sleep(forTimeInterval: 0.5)

        let province = try http(ahead, "GET", second, headers: [tak])
        XCTAssertEqual(province.status, 200, province.body)
        XCTAssertFalse(madeAhead(province), "the engineer's page is not the province's")
        XCTAssertEqual(timeless(province.body).replacingOccurrences(of: ahead.base, with: ""),
                       timeless(try http(plain, "GET", second, headers: [tak]).body).replacingOccurrences(of: plain.base, with: ""))
        let laos = Set((province.json["features"] as? [[String: Any]] ?? []).compactMap { ($0["properties"] as? [String: Any])?["lao_code"] as? String })
        XCTAssertGreaterThan(laos.count, 1, "the province's page holds other LAOs' pins")

        let own = try http(ahead, "GET", second, headers: [eng])
        XCTAssertTrue(madeAhead(own), "the engineer's own next page was made ahead")
        XCTAssertEqual(timeless(own.body).replacingOccurrences(of: ahead.base, with: ""),
                       timeless(try http(plain, "GET", second, headers: [eng]).body).replacingOccurrences(of: plain.base, with: ""))
    }

    /// The LAOs' blocks of project features are encoded once for the pages read on one
    /// connection, and again after another connection commits (here: an LAO renamed).
    func testLAOBlocksAreKeptBetweenPagesUntilACommit() throws {
        let f = try fixture(projects: 30)
        let store = try Store(path: f.db), blocks = ExportLAOBlocks()
        func page(_ blocks: ExportLAOBlocks?) throws -> String {
            let (page, _) = try ReadFeatures(store: store, scope: .all, laoBlocks: blocks).items(.projectPoints, FeatureItemsQuery(limit: 100))
            var bytes: [UInt8] = []
            while let chunk = try page.nextChunk() { bytes += chunk }
            return String(decoding: bytes, as: UTF8.self)
        }
        let plain = try page(nil)
        XCTAssertEqual(try page(blocks), plain)
        XCTAssertEqual(try page(blocks), plain)
        XCTAssertEqual(blocks.encoded, 1, "kept for the second page")

        try Store(path: f.db).database.execute("UPDATE lao SET name_th = 'ชื่อใหม่ของอปท.' WHERE code = ?", [.text(f.laos[0])])
        let renamed = try page(blocks)
        XCTAssertEqual(blocks.encoded, 2, "encoded again after the commit")
        XCTAssertTrue(renamed.contains("ชื่อใหม่ของอปท."))
        XCTAssertEqual(renamed, try page(nil))
    }
}
