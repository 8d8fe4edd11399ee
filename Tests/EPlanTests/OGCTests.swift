import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanServer
@testable import EPlanStore

/// OGC API – Features at /ogc (issue 11), through the real clients: curl, GDAL's OAPIF
/// driver (ogrinfo) and QGIS headless (python3-qgis), on a real `eplan serve`.
final class OGCTests: ServeTestCase {
    /// Projects of three Tak LAOs: most pinned as points, every fifth as a line, every
    /// seventh as a polygon, every eleventh not pinned; every third pinned twice (one
    /// current). `pinned_at` is a day apart from 2026-01-01 on.
    struct Fixture {
        let db: String
        let laos: [String]
        /// Current pins by collection, and by LAO.
        var counts: [String: Int] = [:]
        var perLAO: [String: [String: Int]] = [:]
    }

    static let projectCollections = ["project-points", "project-lines", "project-polygons"]

    func fixture(projects n: Int = 240) throws -> Fixture {
        let db = try initStore()
        let store = try Store(path: db)
        let laos = Array(try store.laos(provinceCode: "63").filter { $0.jurisdiction != nil }.prefix(3))
        XCTAssertEqual(laos.count, 3)
        var f = Fixture(db: db, laos: laos.map(\.code))
        try store.transaction {
            for i in 0..<n {
                let lao = laos[i % 3], code = String(format: "T%05d", i)
                try store.database.execute("""
                    INSERT INTO project (code, lao_code, plan_year, name_th, kind, budget, recorded_on, updated_at)
                    VALUES (?, ?, 2568, ?, 'road', 150000.5, '2025-01-01', '2025-01-01')
                    """, [.text(code), .text(lao.code), .text("โครงการ <ทดสอบ> \(i) & \"เครื่องหมาย\"")])
                if i % 11 == 10 { continue }
                let (collection, geometry) = Self.geometry(i, in: try XCTUnwrap(lao.jurisdiction?.envelope))
                for version in 0..<(i % 3 == 0 ? 2 : 1) {
                    let at = PinText.timestamp(Date(timeIntervalSince1970: 1_767_225_600 + Double(i) * 86_400 + Double(version)))
                    try store.addPin(PinRecord(projectCode: code, pinnedAt: at, pinnedBy: "test", rawInput: "test", inputCRS: 4326,
                                               status: .valid, toleranceM: 0, geometry: geometry))
                }
                f.counts[collection, default: 0] += 1
                f.perLAO[lao.code, default: [:]][collection, default: 0] += 1
            }
        }
        return f
    }

    /// The i-th pin's collection and geometry, inside the box `e`.
    static func geometry(_ i: Int, in e: Envelope) -> (String, Geometry) {
        let fx = Double(i % 17) / 17, fy = Double(i % 13) / 13
        let x = e.minX + (e.maxX - e.minX) * (0.1 + 0.8 * fx), y = e.minY + (e.maxY - e.minY) * (0.1 + 0.8 * fy)
        let d = 0.001
        if i % 7 == 0 {
            let ring = [Coordinate(x, y), Coordinate(x + d, y), Coordinate(x + d, y + d), Coordinate(x, y + d), Coordinate(x, y)]
            return ("project-polygons", .polygon(Polygon(exterior: ring)))
        }
        if i % 5 == 0 { return ("project-lines", .lineString([Coordinate(x, y), Coordinate(x + d, y + d)])) }
        return ("project-points", .point(Coordinate(x, y)))
    }

    func storeCount(_ db: String, _ sql: String) throws -> Int {
        Int(try Store(path: db, readOnly: true).database.scalar(sql).int64 ?? -1)
    }

    /// Follows `next` links from `path` to the end: every feature id, in order.
    func walk(_ server: Running, _ path: String, headers: [String] = []) throws -> (ids: [String], pages: Int) {
        var ids: [String] = [], pages = 0
        var url: String? = server.base + path
        while let u = url, pages < 1000 {
            let r = try http(server, "GET", String(u.dropFirst(server.base.count)), headers: headers)
            XCTAssertEqual(r.status, 200, r.body)
            XCTAssertEqual(r.headers["content-type"], "application/geo+json")
            let features = try XCTUnwrap(r.json["features"] as? [[String: Any]], r.body)
            XCTAssertEqual(r.json["numberReturned"] as? Int, features.count)
            ids += features.compactMap { $0["id"] as? String }
            pages += 1
            url = (r.json["links"] as? [[String: Any]])?.first { $0["rel"] as? String == "next" }?["href"] as? String
            if let next = url { XCTAssertTrue(next.hasPrefix(server.base), "next is absolute: \(next)") }
        }
        return (ids, pages)
    }

    // MARK: Curl

    func testLandingConformanceCollectionsAndAPI() throws {
        let f = try fixture(projects: 30)
        let server = try serve(f.db, ["--public-url", "https://gis.example.org/eplan/"])
        let landing = try http(server, "GET", "/ogc")
        XCTAssertEqual(landing.status, 200)
        let links = try XCTUnwrap(landing.json["links"] as? [[String: Any]])
        let rels = Dictionary(links.map { ($0["rel"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(rels["self"]?["href"] as? String, "https://gis.example.org/eplan/ogc")
        XCTAssertEqual(rels["service-desc"]?["type"] as? String, "application/vnd.oai.openapi+json;version=3.0")
        XCTAssertEqual(rels["conformance"]?["href"] as? String, "https://gis.example.org/eplan/ogc/conformance")
        XCTAssertEqual(rels["data"]?["href"] as? String, "https://gis.example.org/eplan/ogc/collections")
        let conf = try http(server, "GET", "/ogc/conformance").json["conformsTo"] as? [String] ?? []
        for c in ["core", "geojson", "oas30", "html"] { XCTAssertTrue(conf.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/\(c)"), c) }

        // Without credentials and without --public-read: 401 asking for Basic.
        let refused = try http(server, "GET", "/ogc/collections")
        assertProblem(refused, 401, "unauthenticated")
        XCTAssertTrue(refused.headers["www-authenticate"]?.contains("Basic") ?? false)

        try addUser(f.db, "admin1", ["--role", "admin"])
        let auth = basic("admin1", password)
        let list = try http(server, "GET", "/ogc/collections", headers: [auth])
        XCTAssertEqual(list.status, 200, list.body)
        let collections = try XCTUnwrap(list.json["collections"] as? [[String: Any]])
        XCTAssertEqual(collections.compactMap { $0["id"] as? String },
                       ["provinces", "amphoes", "tambons", "laos", "project-points", "project-lines", "project-polygons"])
        for c in collections {
            let bbox = (((c["extent"] as? [String: Any])?["spatial"] as? [String: Any])?["bbox"] as? [[Double]])?.first
            XCTAssertEqual(bbox?.count, 4, "\(c["id"] ?? "") has an extent")
            if let b = bbox { XCTAssertTrue(b[0] > 97 && b[2] < 100 && b[1] > 15 && b[3] < 18.5, "Tak's box: \(b)") }
        }
        let one = try http(server, "GET", "/ogc/collections/project-lines", headers: [auth])
        XCTAssertEqual(one.json["id"] as? String, "project-lines")

        // The OpenAPI document: exactly the router's /ogc routes, and the limit's default and maximum.
        let api = try http(server, "GET", "/ogc/api")
        XCTAssertEqual(api.headers["content-type"], "application/vnd.oai.openapi+json;version=3.0")
        XCTAssertEqual(api.json["openapi"] as? String, "3.0.3")
        let paths = Set((api.json["paths"] as? [String: Any] ?? [:]).keys.map { $0 == "/" ? "/ogc" : "/ogc" + $0 })
        let routed = Set(EPlanRoutes.router(ServerConfig(storePath: f.db)).routes.map(\.path.description).filter { $0.hasPrefix("/ogc") })
        XCTAssertEqual(paths, routed)
        let limit = ((api.json["components"] as? [String: Any])?["parameters"] as? [String: Any])?["limit"] as? [String: Any]
        let schema = limit?["schema"] as? [String: Any]
        XCTAssertEqual(schema?["default"] as? Int, 100)
        XCTAssertEqual(schema?["maximum"] as? Int, 10_000)
    }

    func testPagingWalksEveryFeatureOnceWithoutOffset() throws {
        let f = try fixture()
        let server = try serve(f.db, ["--public-read"])
        for collection in Self.projectCollections {
            let walked = try walk(server, "/ogc/collections/\(collection)/items?limit=7")
            XCTAssertEqual(walked.ids.count, f.counts[collection], collection)
            XCTAssertEqual(Set(walked.ids).count, walked.ids.count, "each feature once: \(collection)")
            XCTAssertEqual(walked.ids, walked.ids.sorted(), "in code order")
            XCTAssertEqual(walked.pages, ((f.counts[collection] ?? 0) + 6) / 7, "no empty last page")
        }
        let store = try storeCount(f.db, "SELECT count(*) FROM pin WHERE is_current = 1")
        XCTAssertEqual(f.counts.values.reduce(0, +), store, "the three collections hold every current pin")
        let tambons = try walk(server, "/ogc/collections/tambons/items?limit=10")
        XCTAssertEqual(tambons.ids.count, try storeCount(f.db, "SELECT count(*) FROM tambon"))

        // A page's features: the export's properties, RFC 7946 geometry, the counts.
        let page = try http(server, "GET", "/ogc/collections/project-points/items?lao_code=\(f.laos[0])&limit=3")
        let first = try XCTUnwrap((page.json["features"] as? [[String: Any]])?.first)
        let props = try XCTUnwrap(first["properties"] as? [String: Any])
        XCTAssertEqual(Set(props.keys), Set(ProjectExporter.columns.map(\.key)))
        XCTAssertEqual(props["budget"] as? Double, 150000.5)
        XCTAssertEqual((first["geometry"] as? [String: Any])?["type"] as? String, "Point")
        XCTAssertEqual(page.json["numberMatched"] as? Int, f.perLAO[f.laos[0]]?["project-points"], "cheap per LAO")
        // Every page counts the whole selection, not what is left after its key.
        let second = try http(server, "GET", try XCTUnwrap(try nextPath(server, page)))
        XCTAssertEqual(second.status, 200, second.body)
        XCTAssertEqual(second.json["numberMatched"] as? Int, f.perLAO[f.laos[0]]?["project-points"], "the same on the next page")
        XCTAssertNil(try http(server, "GET", "/ogc/collections/project-points/items?limit=3").json["numberMatched"], "left out when not cheap")
    }

    func testLimitClampedAndBadParametersAreProblems() throws {
        let f = try fixture(projects: 30)
        let server = try serve(f.db, ["--public-read"])
        let big = try http(server, "GET", "/ogc/collections/project-points/items?limit=50000")
        XCTAssertEqual(big.status, 200, big.body)
        XCTAssertEqual(big.json["numberReturned"] as? Int, f.counts["project-points"], "clamped to 10,000, not refused")
        let items = "/ogc/collections/project-points/items"
        for (query, field) in [("limit=0", "limit"), ("limit=ten", "limit"), ("bbox=1,2,3", "bbox"), ("bbox=99,17,98,16", "bbox"),
                               ("bbox=1,2,3,400", "bbox"), ("datetime=yesterday", "datetime"), ("datetime=2026-02-01/2026-01-01", "datetime"),
                               ("datetime=../..", "datetime"), ("next=%21%21", "next"), ("plan_year=2025", "plan_year"),
                               ("stage=nope", "stage"), ("bbox-crs=EPSG:4326&bbox=1,2,3,4", "bbox-crs"), ("f=xml", "f")] {
            assertProblem(try http(server, "GET", items + "?" + query), 400, "bad-input", field: field)
        }
        assertProblem(try http(server, "GET", "/ogc/collections/provinces/items?stage=done"), 400, "bad-input", field: "stage")
        assertProblem(try http(server, "GET", "/ogc/collections/roads/items"), 404, "not-found")
        assertProblem(try http(server, "GET", "/ogc/collections/roads"), 404, "not-found")
        assertProblem(try http(server, "GET", items + "/NOPE"), 404, "not-found")
        assertProblem(try http(server, "GET", items + "/T00005"), 404, "not-found")  // T00005 is a line
        let line = try http(server, "GET", "/ogc/collections/project-lines/items/T00005")
        XCTAssertEqual(line.status, 200, line.body)
        XCTAssertEqual(line.headers["content-type"], "application/geo+json")
        XCTAssertEqual(line.json["id"] as? String, "T00005")
        XCTAssertEqual((line.json["geometry"] as? [String: Any])?["type"] as? String, "LineString")
        XCTAssertEqual(try http(server, "GET", "/ogc/collections/tambons/items/630108").json["id"] as? String, "630108")
    }

    /// Pages are read on the server's pooled connections (issue 11's throughput): a page cut
    /// by its client mid-stream, or one that ends with more to come, gives its connection
    /// back with no read left open, so every later page sees a pin written since, and the
    /// same page is the same bytes however often it is asked.
    func testPooledConnectionsAfterCutPagesSeeNewPins() throws {
        let f = try fixture(projects: 2400)
        let server = try serve(f.db, ["--public-read"])
        let all = "/ogc/collections/project-points/items?limit=10000"
        let whole = try http(server, "GET", all)
        XCTAssertGreaterThan(whole.body.utf8.count, 1 << 20, "more than one chunk")
        for _ in 0..<6 {
            let cut = Process()
            cut.executableURL = URL(fileURLWithPath: "/bin/sh")
            cut.arguments = ["-c", "curl -s '\(server.base)\(all)' | head -c 65536 > /dev/null"]
            try cut.run()
            cut.waitUntilExit()
            XCTAssertEqual(try http(server, "GET", "/ogc/collections/project-points/items?limit=2").status, 200)
        }
        let before = try walk(server, "/ogc/collections/project-points/items?limit=500").ids
        XCTAssertEqual(before.count, f.counts["project-points"])
        XCTAssertFalse(before.contains("T00010"))

        // T00010 (never pinned) pinned as a point by another connection, after those pages.
        let store = try Store(path: f.db)
        let lao = try XCTUnwrap(try store.laos(provinceCode: "63").first { $0.code == f.laos[10 % 3] }?.jurisdiction?.envelope)
        try store.addPin(PinRecord(projectCode: "T00010", pinnedAt: PinText.timestamp(Date()), pinnedBy: "test", rawInput: "test",
                                   inputCRS: 4326, status: .valid, toleranceM: 0, geometry: Self.geometry(1, in: lao).1))
        for _ in 0..<4 {
            XCTAssertEqual(try walk(server, "/ogc/collections/project-points/items?limit=500").ids, (before + ["T00010"]).sorted())
        }
        func features(_ body: String) -> Substring { body[..<(body.range(of: "\"timeStamp\"")?.lowerBound ?? body.endIndex)] }
        let again = try http(server, "GET", all).body, once = try http(server, "GET", all).body
        XCTAssertEqual(features(again), features(once))
        XCTAssertGreaterThan(again.utf8.count, whole.body.utf8.count)
    }

    func testBBoxDatetimeAndPropertyFilters() throws {
        let f = try fixture()
        let server = try serve(f.db, ["--public-read"])
        let store = try Store(path: f.db, readOnly: true)
        let box = try XCTUnwrap(try store.lao(code: f.laos[1])?.jurisdiction?.envelope)
        let bbox = "\(box.minX),\(box.minY),\(box.maxX),\(box.maxY)"
        // Expected: the current points whose exact box meets it (from the pin BLOBs' own headers).
        let expected = try storeCount(f.db, """
            SELECT count(*) FROM pin WHERE is_current = 1 AND GeometryType(geom) IN ('POINT', 'MULTIPOINT')
              AND MbrMaxX(geom) >= \(box.minX) AND MbrMinX(geom) <= \(box.maxX) AND MbrMaxY(geom) >= \(box.minY) AND MbrMinY(geom) <= \(box.maxY)
            """)
        XCTAssertGreaterThan(expected, 0)
        XCTAssertEqual(try walk(server, "/ogc/collections/project-points/items?limit=5&bbox=\(bbox)").ids.count, expected)

        // Project i was pinned on 2026-01-01 + i days: the 21st to the 30th hold projects 20…29 (T00021 is unpinned).
        let days = try walk(server, "/ogc/collections/project-points/items?datetime=2026-01-21T00:00:00Z/2026-01-30").ids
        let expectedDays = (20...29).filter { $0 % 11 != 10 && $0 % 7 != 0 && $0 % 5 != 0 }.map { String(format: "T%05d", $0) }
        XCTAssertEqual(days, expectedDays)
        let open = try walk(server, "/ogc/collections/project-points/items?datetime=../2026-01-03T00:00:00.000Z&limit=1000").ids
        XCTAssertEqual(open, ["T00001", "T00002"], "T00000 is a polygon; T00002 was pinned at exactly the end (inclusive)")
        let lao = try walk(server, "/ogc/collections/project-points/items?lao_code=\(f.laos[2])&plan_year=\("๒๕๖๘".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&kind=road").ids
        XCTAssertEqual(lao.count, f.perLAO[f.laos[2]]?["project-points"])
        XCTAssertEqual(try walk(server, "/ogc/collections/project-points/items?plan_year=2569").ids, [])
        XCTAssertEqual(try walk(server, "/ogc/collections/laos/items?amphoe_code=6301").ids.count,
                       try storeCount(f.db, "SELECT count(*) FROM lao WHERE amphoe_code = '6301'"))
    }

    /// A box around every pin (what QGIS asks for zoomed out) is walked down the code index,
    /// not sorted whole on every page (16 s a page on 1,000,000 pins before); a box holding
    /// few pins starts from the R*Tree. Both plans select the same features, and so do the
    /// pages a client walks.
    func testBoxPagesWalkInCodeOrderWhenTheBoxHoldsMany() throws {
        let f = try fixture()
        let store = try Store(path: f.db, readOnly: true)
        let whole = try XCTUnwrap(try store.pinExtent(.point))
        let one = try XCTUnwrap(try store.lao(code: f.laos[1])?.jurisdiction?.envelope)
        let tiny = Envelope(minX: one.minX, minY: one.minY, maxX: one.minX + 1e-6, maxY: one.minY + 1e-6)
        func query(_ box: Envelope, pageSize: Int) -> ProjectFeatureQuery {
            ProjectFeatureQuery(filter: ProjectFilter(bbox: box), kind: .point, pageSize: pageSize)
        }
        func plan(_ q: ProjectFeatureQuery) throws -> String {
            let (sql, args) = q.select(.sqlite, boxPlan: try store.boxPlan(q))
            var steps: [String] = []
            let stmt = try store.database.prepare("EXPLAIN QUERY PLAN " + sql)
            try stmt.bind(args)
            while try stmt.step() { steps.append(stmt.string(3) ?? "") }
            return steps.joined(separator: "; ")
        }
        XCTAssertEqual(try store.boxPlan(query(whole, pageSize: 10)), .codeOrder)
        let walked = try plan(query(whole, pageSize: 10))
        XCTAssertFalse(walked.contains("TEMP B-TREE"), walked)
        XCTAssertEqual(try store.boxPlan(query(tiny, pageSize: 10)), .rtreeFirst)
        XCTAssertEqual(try store.boxPlan(query(whole, pageSize: 10_000)), .rtreeFirst, "a page as big as the box: one sort")
        // From the R*Tree, only the matches' rowids and codes are sorted (in the sub-query);
        // the joins read the rows the page steps through, in that order, with no second sort.
        let narrow = try plan(query(tiny, pageSize: 10))
        XCTAssertTrue(narrow.contains("CO-ROUTINE"), narrow)
        XCTAssertEqual(narrow.components(separatedBy: "TEMP B-TREE").count, 2, narrow)
        for box in [whole, one, tiny] {
            var codes: [BoxPlan: [String]] = [:]
            for p in [BoxPlan.rtreeFirst, .codeOrder] {
                let (sql, args) = query(box, pageSize: 10).select(.sqlite, boxPlan: p)
                let stmt = try store.database.prepare(sql)
                try stmt.bind(args)
                while try stmt.step() { codes[p, default: []].append(stmt.string(0) ?? "") }
            }
            XCTAssertEqual(codes[.rtreeFirst], codes[.codeOrder], "\(box)")
            XCTAssertEqual(codes[.rtreeFirst], codes[.rtreeFirst]?.sorted(), "\(box)")
        }
        let server = try serve(f.db, ["--public-read"])
        let bbox = "\(whole.minX),\(whole.minY),\(whole.maxX),\(whole.maxY)"
        XCTAssertEqual(try walk(server, "/ogc/collections/project-points/items?limit=7&bbox=\(bbox)").ids.count, f.counts["project-points"])
    }

    func testAccountsReadTheirScope() throws {
        let f = try fixture(projects: 60)
        try addUser(f.db, "eng", ["--role", "engineer", "--lao", f.laos[0]])
        try addUser(f.db, "tak", ["--role", "province", "--province", "63"])
        let server = try serve(f.db)
        let bearer = "Authorization: Bearer " + (try token(f.db, "eng"))
        let own = try walk(server, "/ogc/collections/project-points/items", headers: [bearer]).ids
        XCTAssertEqual(own.count, f.perLAO[f.laos[0]]?["project-points"], "an engineer reads its LAO's pins")
        assertProblem(try http(server, "GET", "/ogc/collections/project-points/items?lao_code=\(f.laos[1])", headers: [bearer]), 403, "forbidden", field: "lao_code")
        XCTAssertEqual(try walk(server, "/ogc/collections/provinces/items", headers: [bearer]).ids.count,
                       try storeCount(f.db, "SELECT count(*) FROM province"), "boundaries for any account")
        let province = try walk(server, "/ogc/collections/project-points/items", headers: [basic("tak", password)]).ids
        XCTAssertEqual(province.count, f.counts["project-points"])
        assertProblem(try http(server, "GET", "/ogc/collections/project-points/items", headers: [basic("tak", "wrong")]), 401, "unauthenticated")
    }

    func testHTMLPagesInThaiAndEnglishEscaped() throws {
        let f = try fixture(projects: 12)
        let server = try serve(f.db, ["--public-read"])
        let landing = try http(server, "GET", "/ogc", headers: ["Accept: text/html,application/xhtml+xml"])
        XCTAssertEqual(landing.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertTrue(landing.body.contains("ชุดข้อมูล"), landing.body)
        XCTAssertTrue(try http(server, "GET", "/ogc?f=html&lang=en").body.contains("Collections"))
        XCTAssertTrue(try http(server, "GET", "/ogc/collections?f=html", headers: ["Accept-Language: en"]).body.contains("Subdistricts"))
        let items = try http(server, "GET", "/ogc/collections/project-points/items?f=html")
        XCTAssertEqual(items.status, 200)
        XCTAssertTrue(items.body.contains("โครงการ &lt;ทดสอบ&gt; 1 &amp; &quot;เครื่องหมาย&quot;"), "escaped")
        XCTAssertFalse(items.body.contains("<ทดสอบ>"))
        let item = try http(server, "GET", "/ogc/collections/project-points/items/T00001?f=html")
        XCTAssertTrue(item.body.contains("T00001") && item.body.contains("&lt;ทดสอบ&gt;"), item.body)
    }

    /// `datetime` as stored `pinned_at` bounds: offsets to UTC, a second or a day as a whole, open ends.
    func testDatetimeBounds() throws {
        XCTAssertEqual(try FeatureDateTime.bounds("2026-01-21T07:00:00+07:00").0, "2026-01-21T00:00:00.000Z")
        XCTAssertEqual(try FeatureDateTime.bounds("2026-01-21T07:00:00+07:00").1, "2026-01-21T00:00:00.999Z")
        XCTAssertEqual(try FeatureDateTime.bounds("2026-01-21T00:00:00.439Z").1, "2026-01-21T00:00:00.439Z")
        XCTAssertEqual(try FeatureDateTime.bounds("2026-01-21").1, "2026-01-21T23:59:59.999Z")
        let open = try FeatureDateTime.bounds("../2026-01-21")
        XCTAssertNil(open.0)
        XCTAssertEqual(open.1, "2026-01-21T23:59:59.999Z")
        XCTAssertNil(try FeatureDateTime.bounds("2026-01-21T00:00:00Z/..").1)
        for bad in ["2026-13-01", "21/01/2026", "2026-01-21T25:00:00Z", "../..", "2026-02-01/2026-01-01", "a/b/c"] {
            XCTAssertThrowsError(try FeatureDateTime.bounds(bad), bad) { XCTAssertEqual(($0 as? AppError)?.field, "datetime") }
        }
    }

    // MARK: GDAL and QGIS

    /// ogrinfo with environment variables (GDAL's HTTP options).
    func ogrinfo(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        _ = try run("ogrinfo", ["--version"])  // skips when GDAL is absent
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["ogrinfo"] + args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func featureCount(_ text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Feature Count:") }) else { return nil }
        return Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
    }

    func testGDALReadsEveryCollectionPublicAndWithBasicAuth() throws {
        let f = try fixture()
        let expected = f.counts.merging(["provinces": try storeCount(f.db, "SELECT count(*) FROM province"),
                                         "amphoes": try storeCount(f.db, "SELECT count(*) FROM amphoe"),
                                         "tambons": try storeCount(f.db, "SELECT count(*) FROM tambon"),
                                         "laos": try storeCount(f.db, "SELECT count(*) FROM lao")]) { a, _ in a }
        let open = try serve(f.db, ["--public-read"])
        for (collection, count) in expected.sorted(by: { $0.key < $1.key }) {
            let r = try ogrinfo(["-ro", "-so", "OAPIF:\(open.base)/ogc", collection])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(featureCount(r.out), count, "\(collection): \(r.out) \(r.err)")
        }
        // -spat: GDAL sends bbox; the count is the store's exact one.
        let box = try XCTUnwrap(try Store(path: f.db, readOnly: true).lao(code: f.laos[1])?.jurisdiction?.envelope)
        let inBox = try storeCount(f.db, """
            SELECT count(*) FROM pin WHERE is_current = 1 AND GeometryType(geom) IN ('POINT', 'MULTIPOINT')
              AND MbrMaxX(geom) >= \(box.minX) AND MbrMinX(geom) <= \(box.maxX) AND MbrMaxY(geom) >= \(box.minY) AND MbrMinY(geom) <= \(box.maxY)
            """)
        let spat = try ogrinfo(["-ro", "-so", "-spat", "\(box.minX)", "\(box.minY)", "\(box.maxX)", "\(box.maxY)", "OAPIF:\(open.base)/ogc", "project-points"])
        XCTAssertEqual(featureCount(spat.out), inBox, spat.out + spat.err)

        // Without --public-read: refused without credentials, read with Basic.
        try addUser(f.db, "gis", ["--role", "admin"])
        let closed = try serve(f.db)
        let refused = try ogrinfo(["-ro", "-so", "OAPIF:\(closed.base)/ogc", "project-points"])
        XCTAssertNotEqual(refused.status, 0)
        let withAuth = try ogrinfo(["-ro", "-so", "OAPIF:\(closed.base)/ogc", "project-points"],
                                   env: ["GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": "gis:\(password)"])
        XCTAssertEqual(withAuth.status, 0, withAuth.err)
        XCTAssertEqual(featureCount(withAuth.out), f.counts["project-points"])
    }

    func testQGISLoadsEveryCollection() throws {
        let f = try fixture()
        let server = try serve(f.db, ["--public-read"])
        let python = try qgisPython()
        let script = try writeFile("ogc-qgis.py", """
            import sys, json
            from qgis.core import QgsApplication, QgsVectorLayer
            QgsApplication.setPrefixPath("/usr", True)
            app = QgsApplication([], False)
            app.initQgis()
            for name in sys.argv[2:]:
                layer = QgsVectorLayer("url='%s' typename='%s'" % (sys.argv[1], name), name, "OAPIF")
                # Without numberMatched, QGIS knows the count once it has read the pages.
                features = len(list(layer.getFeatures())) if layer.isValid() else -1
                print(json.dumps({"name": name, "valid": layer.isValid(), "count": layer.featureCount() if layer.isValid() else -1,
                                  "features": features}), flush=True)
            """)
        let collections = ["tambons", "laos"] + Self.projectCollections
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, server.base + "/ogc"] + collections
        var env = ProcessInfo.processInfo.environment
        env["QT_QPA_PLATFORM"] = "offscreen"
        env["XDG_RUNTIME_DIR"] = dir.path
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: e, as: UTF8.self))
        let rows = String(decoding: o, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        XCTAssertEqual(rows.count, collections.count, String(decoding: e, as: UTF8.self))
        for row in rows {
            let name = row["name"] as? String ?? ""
            let expected = try f.counts[name] ?? storeCount(f.db, "SELECT count(*) FROM \(name.dropLast())")
            XCTAssertEqual(row["valid"] as? Bool, true, name)
            XCTAssertEqual(row["features"] as? Int, expected, "\(name): every feature read")
            XCTAssertEqual(row["count"] as? Int, expected, "\(name): QGIS's feature count")
        }
    }
}
