import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanStore
import EPlanApp

/// The same commands on both backends, SQLite and PostgreSQL + PostGIS, give the same
/// answers: verdicts and messages, byte-identical exports, identical reports and listings.
/// PostgreSQL comes from `EPLAN_TEST_PG` (a `postgresql://` URL of a database the tests
/// may wipe), which `scripts/test` sets for a throwaway cluster of its own.
final class PostgresBackendTests: CLITestCase {
    /// The test database; the test is skipped (with the reason) when none is given.
    func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["EPLAN_TEST_PG"], !url.isEmpty else {
            throw XCTSkip("EPLAN_TEST_PG is unset: no PostgreSQL + PostGIS database to test on (scripts/test starts one)")
        }
        return url
    }

    /// A new empty store in the test database (`eplan init --force`): its URL and location.
    func freshPostgres() throws -> (url: String, location: PostgresLocation) {
        let pg = try postgresURL()
        _ = try run(["init", "--db", pg, "--force", "--no-plan"])
        guard case .postgres(let location) = try StoreLocation.parse(pg) else {
            throw NSError(domain: "PostgresBackendTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "EPLAN_TEST_PG is not a PostgreSQL URL: \(pg)"])
        }
        return (pg, location)
    }

    /// The second database `eplan store copy` writes into (same cluster).
    func copyURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["EPLAN_TEST_PG_COPY"], !url.isEmpty else {
            throw XCTSkip("EPLAN_TEST_PG_COPY is unset: no second PostgreSQL database (scripts/test makes one)")
        }
        return url
    }

    func latLon(_ c: Coordinate) -> String { String(format: "%.7f, %.7f", c.y, c.x) }

    func run(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int32, out: String, err: String) {
        let r = try eplan(args)
        XCTAssertEqual(r.status, 0, "eplan \(args.joined(separator: " ")): \(r.err)", file: file, line: line)
        return r
    }

    // MARK: - the location

    func testLocationsParseAsLibpqNamesThem() throws {
        XCTAssertEqual(try StoreLocation.parse("eplan.sqlite"), .sqlite(path: "eplan.sqlite"))
        guard case .postgres(let tcp) = try StoreLocation.parse("postgresql://ann:secret@db.example:5433/eplan") else {
            return XCTFail("not PostgreSQL")
        }
        XCTAssertEqual([tcp.user, tcp.host, tcp.database], ["ann", "db.example", "eplan"])
        XCTAssertEqual(tcp.password, "secret")
        XCTAssertEqual(tcp.port, 5433)
        XCTAssertFalse(tcp.display.contains("secret"))
        guard case .postgres(let socket) = try StoreLocation.parse("postgresql:///eplan_test?host=/tmp/pg&user=bob") else {
            return XCTFail("not PostgreSQL")
        }
        XCTAssertEqual(socket.socketPath, "/tmp/pg/.s.PGSQL.5432")
        XCTAssertEqual(socket.user, "bob")
        XCTAssertNil(socket.host)
        XCTAssertThrowsError(try StoreLocation.parse("postgresql://ann@db/")) { e in
            XCTAssertEqual((e as? StoreLocationError)?.problem, .noDatabase)
            XCTAssertTrue((e as? StoreLocationError)?.message.en.contains("no database name") ?? false, "\(e)")
        }
        XCTAssertThrowsError(try StoreLocation.parse("postgresql://ann@db/x?colour=red")) { e in
            XCTAssertEqual((e as? StoreLocationError)?.problem, .unknownParameter("colour"))
        }
    }

    /// Geometries travel to PostGIS as WKB: every kind comes back the same, bit for bit.
    /// SQLite's placeholders become PostgreSQL's, outside quotes only (read byte by byte).
    func testPlaceholdersBecomePostgresParameters() throws {
        let (text, _) = try PGConnection.prepare(#"SELECT ?, ?3, '?', "a?" FROM t WHERE x = ? AND y = 'ก?' AND z = ?12"#, [])
        XCTAssertEqual(text, #"SELECT $1, $3, '?', "a?" FROM t WHERE x = $2 AND y = 'ก?' AND z = $12"#)
    }

    func testWKBRoundTripsEveryGeometryKind() throws {
        let a = Coordinate(98.5667123456789, 16.7167000000001), b = Coordinate(98.6, 16.8), c = Coordinate(98.7, 16.7)
        let ring = [a, b, c, a]
        let kinds: [Geometry] = [
            .point(a), .lineString([a, b, c]), .polygon(Polygon(exterior: ring)), .multiPoint([a, b]),
            .multiLineString([[a, b], [b, c]]), .multiPolygon([Polygon(exterior: ring), Polygon(exterior: ring.reversed())]),
            .geometryCollection([.point(a), .lineString([a, b])]),
        ]
        for g in kinds {
            let bytes = try XCTUnwrap(WKB.encode(g))
            XCTAssertEqual(try WKB.decode(bytes), g)
        }
        XCTAssertNil(WKB.encode(.multiPolygon([])))
        XCTAssertThrowsError(try WKB.decode([1, 1, 0, 0]))
        // Big-endian WKB (as some clients write it) reads too: POINT(1 2).
        XCTAssertEqual(try WKB.decode([0, 0, 0, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]), .point(Coordinate(1, 2)))
    }

    /// The export reads PostGIS's WKB as SpatiaLite BLOBs without building geometries: the
    /// bytes are those of the general path (decode, then encode) for every kind, and what
    /// the fast path does not take (collections, big endian, truncated) is left to that path.
    func testWKBTranscodesToTheGeneralPathsSpatiaLiteBlob() throws {
        let a = Coordinate(98.5667123456789, 16.7167000000001), b = Coordinate(98.6, 16.8), c = Coordinate(-98.7, -16.7)
        let ring = [a, b, c, a]
        let kinds: [Geometry] = [
            .point(a), .lineString([a, b, c]), .polygon(Polygon(exterior: ring)), .multiPoint([a, b]),
            .multiLineString([[a, b], [b, c]]), .multiPolygon([Polygon(exterior: ring), Polygon(exterior: ring.reversed())]),
        ]
        func transcoded(_ wkb: [UInt8]) -> [UInt8]? {
            var out = [UInt8](repeating: 0, count: WKB.spatiaLiteCapacity(wkbCount: wkb.count))
            let n = wkb.withUnsafeBytes { w in out.withUnsafeMutableBytes { WKB.transcode(w, srid: Store.srid, into: $0) } }
            return n.map { Array(out[..<$0]) }
        }
        for g in kinds {
            let wkb = try XCTUnwrap(WKB.encode(g))
            XCTAssertEqual(transcoded(wkb), SpatiaLiteBlob.encode(try WKB.decode(wkb), srid: Store.srid), "\(g.type)")
        }
        XCTAssertNil(transcoded(try XCTUnwrap(WKB.encode(.geometryCollection([.point(a), .lineString([a, b])])))))
        XCTAssertNil(transcoded([0, 0, 0, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]))
        let line = try XCTUnwrap(WKB.encode(.lineString([a, b, c])))
        XCTAssertNil(transcoded(Array(line.dropLast(3))))
        XCTAssertNil(transcoded(line + [0]))
    }

    /// An unreachable server is a store failure (exit 3) with both languages, not a crash.
    func testAnUnreachableServerIsAStoreError() throws {
        let r = try eplan(["projects", "list", "--db", "postgresql:///nowhere?host=\(dir.path)"])
        XCTAssertEqual(r.status, 3, r.out + r.err)
        XCTAssertTrue(r.err.contains("cannot open database") || r.err.contains("เปิดฐานข้อมูลไม่ได้"), r.err)
    }

    // MARK: - the same answers

    func testBothBackendsGiveTheSameAnswers() throws {
        let pg = try postgresURL()
        let sqlite = path("same.sqlite")
        _ = try run(["init", "--db", sqlite])
        let created = try run(["init", "--db", pg, "--force"])
        XCTAssertTrue(created.out.contains("27,239"), created.out)
        let centroid = try maeSotCentroid(sqlite)
        // The same pins on both: inside, outside (refused, then forced), a road, a second version.
        let pins: [[String]] = [
            ["03630601-60-0002", latLon(centroid)],
            ["06630108-60-0001", latLon(centroid), "--force"],
            ["03630601-60-0005", latLon(centroid), latLon(Coordinate(centroid.x + 0.001, centroid.y))],
            ["03630601-60-0002", latLon(Coordinate(centroid.x + 0.0005, centroid.y))],
        ]
        for db in [sqlite, pg] {
            for p in pins { _ = try run(["pin", "--db", db, "--by", "tester"] + p) }
        }
        let refused = [sqlite, pg].map { try? eplan(["--lang", "en", "pin", "--db", $0, "06630108-60-0002", latLon(centroid)]) }
        XCTAssertEqual(refused[0]?.status, refused[1]?.status)
        XCTAssertNotEqual(refused[0]?.status, 0)
        XCTAssertEqual(refused[0]?.out, refused[1]?.out)
        XCTAssertEqual(refused[0]?.err, refused[1]?.err)
        XCTAssertTrue((refused[1]?.out ?? "").contains("outside") || (refused[1]?.err ?? "").contains("outside"))
        try assertSameOutput(sqlite, pg, ["export", "--format", "geojson"], "GeoJSON export")
        try assertSameOutput(sqlite, pg, ["export", "--format", "csv", "--include-unpinned"], "CSV export")
        try assertSameOutput(sqlite, pg, ["export", "--format", "geojson", "--bbox", "98.4,16.6,98.7,16.8"], "bbox export")
        try assertSameOutput(sqlite, pg, ["report", "status", "--province", "63", "--year", "2560", "--as-of", "2559-10-03"], "status report")
        try assertSameOutput(sqlite, pg, ["report", "status", "--province", "63", "--year", "2560", "--format", "csv"], "status report CSV")
        try assertSameOutput(sqlite, pg, ["pins", "list"], "pins list")
        try assertSameOutput(sqlite, pg, ["pins", "history", "03630601-60-0002"], "pin history")
        try assertSameOutput(sqlite, pg, ["projects", "list", "--lao", "03630601"], "projects list")
        try assertSameOutput(sqlite, pg, ["where", latLon(centroid)], "where")
        try assertSameOutput(sqlite, pg, ["laos", "list"], "LAO list")
    }

    /// The same command on two stores prints the same bytes. `maskTimes`: each backend's
    /// pins were made at their own moment, so time stamps (ISO or as printed) are masked;
    /// copies (`store copy`) are compared unmasked.
    func assertSameOutput(_ one: String, _ other: String, _ args: [String], _ what: String, maskTimes: Bool = true,
                          file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try eplan(["--lang", "en"] + args + ["--db", one]), b = try eplan(["--lang", "en"] + args + ["--db", other])
        XCTAssertEqual(a.status, 0, "\(what) on \(one): \(a.err)", file: file, line: line)
        XCTAssertEqual(b.status, 0, "\(what) on \(other): \(b.err)", file: file, line: line)
        XCTAssertFalse(a.out.isEmpty, "\(what): empty", file: file, line: line)
        func masked(_ s: String) -> String {
            guard maskTimes else { return s }
            return s.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, with: "<time>", options: .regularExpression)
                .replacingOccurrences(of: #"\d\d?:\d\d(:\d\d)?"#, with: "<hh:mm>", options: .regularExpression)
        }
        let x = masked(a.out), y = masked(b.out)
        XCTAssertTrue(x == y, "\(what) differs:\n--- \(one)\n\(x.prefix(1500))\n--- \(other)\n\(y.prefix(1500))", file: file, line: line)
    }

    // MARK: - store copy

    /// SQLite → PostgreSQL → SQLite and → a second PostgreSQL database: every copy gives
    /// byte-identical exports and the same report (time stamps and all: rows are copied as they are).
    func testStoreCopyRoundTripGivesIdenticalExports() throws {
        let pg = try postgresURL(), pg2 = try copyURL()
        let original = path("original.sqlite"), back = path("back.sqlite")
        _ = try run(["init", "--db", original])
        let centroid = try maeSotCentroid(original)
        _ = try run(["pin", "--db", original, "03630601-60-0002", latLon(centroid)])
        _ = try run(["pin", "--db", original, "03630601-60-0002", latLon(Coordinate(centroid.x + 0.0005, centroid.y))])
        _ = try run(["pin", "--db", original, "03630601-60-0005", latLon(centroid), latLon(Coordinate(centroid.x + 0.001, centroid.y))])
        let toPG = try run(["--lang", "en", "store", "copy", original, pg, "--force"])
        XCTAssertTrue(toPG.out.contains("project: 27,239 rows"), toPG.out)
        XCTAssertTrue(toPG.out.contains("pin: 3 rows"), toPG.out)
        XCTAssertTrue(toPG.out.contains("copied"), toPG.out)
        _ = try run(["store", "copy", pg, back])
        _ = try run(["store", "copy", pg, pg2, "--force"])
        // A second copy onto the same file is refused without --force, the file kept.
        let again = try eplan(["store", "copy", pg, back])
        XCTAssertNotEqual(again.status, 0)
        for other in [pg, back, pg2] {
            try assertSameOutput(original, other, ["export", "--format", "geojson"], "GeoJSON export", maskTimes: false)
            try assertSameOutput(original, other, ["export", "--format", "csv", "--include-unpinned"], "CSV export", maskTimes: false)
            try assertSameOutput(original, other, ["report", "status", "--province", "63", "--year", "2560"], "status report", maskTimes: false)
            try assertSameOutput(original, other, ["pins", "history", "03630601-60-0002"], "pin history", maskTimes: false)
        }
        // The copy continues where the original did: the next pin is version 3 on every store.
        for db in [original, pg] {
            let next = try run(["--lang", "en", "pin", "--db", db, "03630601-60-0002", latLon(centroid), "--format", "json"])
            XCTAssertTrue(next.out.contains(#""version":3"#) || next.out.contains(#""version" : 3"#), next.out)
        }
    }

    /// `store copy` writes PostgreSQL with COPY (text format, written by us): texts with the
    /// characters COPY escapes, NULLs, reals that have no short decimal form and geometries
    /// (EWKB with the column's SRID) arrive as they were.
    func testStoreCopyWritesAwkwardValuesThroughCopy() throws {
        let pg = try postgresURL()
        var out: [UInt8] = []
        for v: SQLValue in [.text("a\tb\nc\\d\re"), .null, .real(0.1), .real(3), .integer(-7)] {
            try PostgresStore.copyText(v, column: "x", integer: v == .real(3), into: &out)
            out.append(0x7C)
        }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "a\\tb\\nc\\\\d\\re|\\N|0.1|3|-7|")
        XCTAssertEqual(PostgresStore.ewkb([1, 1, 0, 0, 0] + Array(repeating: 0, count: 16), srid: 4326).prefix(9),
                       [1, 1, 0, 0, 0x20, 0xE6, 0x10, 0, 0])
        let file = path("awkward.sqlite")
        _ = try run(["init", "--db", file, "--no-plan"])
        let store = try Store(path: file)
        let name = "ถนน\tสาย 1\nช่วง \\ 2\r"
        try store.insertProjects([ProjectRecord(code: "AW-1", laoCode: "03630601", planYear: 2560, nameTH: name, kind: .road, budget: 0.1)],
                                 replace: false, by: "t")
        let ring = [Coordinate(98.57, 16.71), Coordinate(98.58, 16.71), Coordinate(98.58, 16.72), Coordinate(98.57, 16.71)]
        try store.addPin(PinRecord(projectCode: "AW-1", pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t\\u", rawInput: "a\tb", inputCRS: 4326,
                                   status: .valid, toleranceM: 30, geometry: .polygon(Polygon(exterior: ring))))
        let copied = try run(["--lang", "en", "store", "copy", file, pg, "--force"])
        XCTAssertTrue(copied.out.contains("project: 1 rows") || copied.out.contains("project: 1 row"), copied.out)
        guard case .postgres(let location) = try StoreLocation.parse(pg) else { return XCTFail("not PostgreSQL") }
        let target = try PostgresStore(location: location)
        XCTAssertEqual(try target.project(code: "AW-1"), try store.project(code: "AW-1"))
        XCTAssertEqual(try target.pinHistory(projectCode: "AW-1"), try store.pinHistory(projectCode: "AW-1"))
        XCTAssertEqual(try target.count(level: .tambon), try store.count(level: .tambon))
        XCTAssertEqual(try target.lao(code: "03630601")?.jurisdiction, try store.lao(code: "03630601")?.jurisdiction)
    }

    func maeSotCentroid(_ db: String) throws -> Coordinate {
        let store = try Store(path: db, readOnly: true)
        let j = try XCTUnwrap(try store.lao(code: "03630601")?.jurisdiction)
        return try XCTUnwrap(try GEOSGeometry(j, context: GEOSContext()).centroid)
    }

    // MARK: - the store on PostgreSQL

    /// The schema keeps one current pin per project, unique versions, and foreign keys.
    func testThePostGISSchemaKeepsTheRules() throws {
        let (pg, location) = try freshPostgres()
        let store = try PostgresStore(location: location)
        XCTAssertEqual(try store.schemaVersion(), Store.latestVersion)
        XCTAssertEqual(try store.count(level: .tambon), try Store(path: try initStore(), readOnly: true).count(level: .tambon))
        let record = ProjectRecord(code: "T-1", laoCode: "03630601", planYear: 2560, nameTH: "ถนน", kind: .road)
        try store.insertProjects([record], replace: false, by: "test")
        XCTAssertThrowsError(try store.insertProjects([ProjectRecord(code: "T-2", laoCode: "99999999", planYear: 2560, nameTH: "x", kind: .other)],
                                                      replace: false, by: "test"))
        let pin = PinRecord(projectCode: "T-1", pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "x", inputCRS: 4326,
                            status: .valid, toleranceM: 30, geometry: .lineString([Coordinate(98.57, 16.71), Coordinate(98.58, 16.72)]))
        XCTAssertEqual(try store.addPin(pin).version, 1)
        XCTAssertEqual(try store.addPin(pin).version, 2)
        XCTAssertEqual(try store.pinHistory(projectCode: "T-1").map(\.isCurrent), [false, true])
        XCTAssertEqual(try store.currentPin(projectCode: "T-1")?.geometry, pin.geometry)
        XCTAssertEqual(try store.rowCounts()["pin"], 2)
        // A failing transaction leaves nothing behind.
        XCTAssertThrowsError(try store.transaction {
            try store.addPin(pin)
            throw StoreError(.unknownBoundary(code: "x", level: .tambon))
        })
        XCTAssertEqual(try store.pinHistory(projectCode: "T-1").count, 2)
        // A second init without --force is refused (exit 3), the store kept.
        let again = try eplan(["init", "--db", pg, "--no-plan"])
        XCTAssertEqual(again.status, 3, again.err)
        XCTAssertTrue(again.err.contains("--force"), again.err)
        XCTAssertEqual(try store.pinHistory(projectCode: "T-1").count, 2)
    }

    /// The service's group commit (`addPins`) gives on PostgreSQL, where the whole batch is
    /// written by a few statements, what pin-by-pin gives on SQLite: the next versions (two
    /// pins of one project in a batch included), one current pin each, and a pin of a project
    /// that is not stored failing alone.
    func testPinBatchesGiveTheSameVersionsOnBothBackends() throws {
        let pg = try postgresURL(), file = path("batch.sqlite")
        _ = try run(["init", "--db", pg, "--force", "--no-plan"])
        _ = try run(["init", "--db", file, "--no-plan"])
        guard case .postgres(let location) = try StoreLocation.parse(pg) else { return XCTFail("not PostgreSQL") }
        let stores: [any EPlanStoring] = [try Store(path: file), try PostgresStore(location: location)]
        func pin(_ code: String, _ x: Double) -> PinRecord {
            PinRecord(projectCode: code, pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "x", inputCRS: 4326,
                      status: .valid, toleranceM: 30, geometry: .point(Coordinate(x, 16.7)))
        }
        var answers: [[String]] = []
        for store in stores {
            try store.insertProjects(["B-1", "B-2"].map { ProjectRecord(code: $0, laoCode: "03630601", planYear: 2560, nameTH: "ถนน", kind: .road) },
                                     replace: false, by: "t")
            _ = try store.addPin(pin("B-1", 98.50))
            let results = try store.addPins([pin("B-1", 98.51), pin("B-2", 98.52), pin("NONE", 98.53), pin("B-1", 98.54)])
            answers.append(results.map { r in (try? r.get()).map { "\($0.projectCode) v\($0.version)" } ?? "failed" })
            XCTAssertEqual(try store.pinHistory(projectCode: "B-1").map(\.isCurrent), [false, false, true])
            XCTAssertEqual(try store.pinHistory(projectCode: "B-1").map(\.geometry), [98.50, 98.51, 98.54].map { pin("B-1", $0).geometry })
            XCTAssertEqual(try store.currentPin(projectCode: "B-2")?.version, 1)
        }
        XCTAssertEqual(answers[0], ["B-1 v2", "B-2 v1", "failed", "B-1 v3"])
        XCTAssertEqual(answers[1], answers[0])
    }

    /// Eight `eplan pin` processes on one project at once: eight versions, 1…8, one current.
    /// The group commit's pin-by-pin fallback locks its projects in code order first, as the
    /// batch statement does: another transaction that holds D-A and then wants D-B (the batch
    /// statement's order) waits for nothing, where the fallback taking D-B first (the batch's
    /// order) ended one of the two as deadlocked.
    func testPinByPinFallbackLocksInTheBatchStatementsOrder() throws {
        let (_, location) = try freshPostgres()
        let store = try PostgresStore(location: location)
        try store.insertProjects(["D-A", "D-B"].map { ProjectRecord(code: $0, laoCode: "03630601", planYear: 2560, nameTH: "อาคาร", kind: .building) },
                                 replace: false, by: "test")
        let j = try XCTUnwrap(try store.lao(code: "03630601")?.jurisdiction)
        let c = try XCTUnwrap(try GEOSGeometry(j, context: GEOSContext()).centroid)
        func pin(_ code: String) -> PinRecord {
            PinRecord(projectCode: code, pinnedAt: "2026-12-01T00:00:00Z", pinnedBy: "t", rawInput: "pin", inputCRS: 4326,
                      status: .valid, toleranceM: 30, geometry: .point(c))
        }
        let holding = DispatchSemaphore(value: 0)
        let otherResult = LockedBox<Result<Void, any Error>?>(nil)
        let thread = Thread {
            otherResult.set(Result {
                let other = try PostgresStore(location: location)
                try other.transaction {
                    _ = try other.rows("SELECT 1 FROM project WHERE code = 'D-A' FOR UPDATE")
                    holding.signal()
                    Thread.sleep(forTimeInterval: 0.5)  // the fallback meanwhile takes what it can
                    _ = try other.rows("SELECT 1 FROM project WHERE code = 'D-B' FOR UPDATE")
                }
            })
        }
        thread.start()
        guard holding.wait(timeout: .now() + 30) == .success else { return XCTFail("the other transaction: \(String(describing: otherResult.get()))") }
        let results = try store.addPinsOneByOne([pin("D-B"), pin("D-A")])
        while otherResult.get() == nil { Thread.sleep(forTimeInterval: 0.05) }
        if case .failure(let e)? = otherResult.get() { XCTFail("the other transaction: \(e)") }
        XCTAssertEqual(results.map { (try? $0.get())?.version }, [1, 1])
        XCTAssertEqual(try store.pinHistory(projectCode: "D-B").count, 1)
    }

    func testConcurrentPinsGetDistinctVersions() throws {
        let (pg, location) = try freshPostgres()
        let store = try PostgresStore(location: location)
        try store.insertProjects([ProjectRecord(code: "C-1", laoCode: "03630601", planYear: 2560, nameTH: "อาคาร", kind: .building)],
                                 replace: false, by: "test")
        let j = try XCTUnwrap(try store.lao(code: "03630601")?.jurisdiction)
        let c = try XCTUnwrap(try GEOSGeometry(j, context: GEOSContext()).centroid)
        // Eight processes started before any is waited for.
        var running: [(Process, URL)] = []
        for i in 0..<8 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: eplanPath)
            p.arguments = ["--lang", "en", "pin", "--db", pg, "C-1", latLon(Coordinate(c.x + Double(i) * 1e-5, c.y))]
            let errURL = dir.appendingPathComponent("pin-\(i).err")
            XCTAssertTrue(FileManager.default.createFile(atPath: errURL.path, contents: nil))
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: errURL)
            try p.run()
            running.append((p, errURL))
        }
        for (p, errURL) in running {
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
        }
        let history = try store.pinHistory(projectCode: "C-1")
        XCTAssertEqual(history.map(\.version), Array(1...8))
        XCTAssertEqual(history.filter(\.isCurrent).map(\.version), [8])
    }

    /// `boundaries repair --make-valid` on PostgreSQL: the same broken tambon (a bowtie part)
    /// repaired on both backends gives the same report, the same kept original and the same
    /// repaired geometry, and a second repair has nothing to do.
    func testBoundaryRepairGivesTheSameResultOnBothBackends() throws {
        let pg = try postgresURL()
        let file = try initStore(plan: false)
        _ = try run(["init", "--db", pg, "--force", "--no-plan"])
        var fs = try GeoJSONFile.readFeatureCollection(path: "\(CLITestCase.takDir)/tak-tambon.geojson").features
        // Just outside Tak, near its amphoe (farther away the import refuses it).
        let c = Coordinate(99.6, 16.4), d = 0.005
        let bowtie = Polygon(exterior: [Coordinate(c.x - d, c.y - d), Coordinate(c.x + d, c.y + d),
                                        Coordinate(c.x + d, c.y - d), Coordinate(c.x - d, c.y + d), Coordinate(c.x - d, c.y - d)])
        guard let geometry = fs[0]["geometry"], case .multiPolygon(let parts) = try GeoJSONGeometry.decode(geometry).asMulti,
              let code = (fs[0]["properties"] as? [String: Any])?["tambon_code"] as? String else { return XCTFail("Tak's first tambon") }
        let broken = Geometry.multiPolygon(parts + [bowtie])
        fs[0]["geometry"] = try JSONSerialization.jsonObject(with: Data(GeoJSONGeometry.encode(broken).utf8))
        let input = path("broken-tambon.geojson")
        try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": fs]).write(to: URL(fileURLWithPath: input))

        var reports: [String] = []
        for db in [file, pg] {
            _ = try run(["boundaries", "import", input, "--level", "tambon", "--db", db])
            let r = try run(["--lang", "en", "boundaries", "repair", "--make-valid", "--db", db])
            XCTAssertTrue(r.out.contains("repaired tambon \(code)"), r.out)
            reports.append(r.out)
            XCTAssertTrue(try run(["--lang", "en", "boundaries", "repair", "--make-valid", "--db", db]).out.contains("no invalid"))
        }
        XCTAssertEqual(reports[0], reports[1])
        guard case .postgres(let location) = try StoreLocation.parse(pg) else { return XCTFail(pg) }
        let stores: [any EPlanStoring] = [try Store(path: file), try PostgresStore(location: location)]
        let originals = try stores.map { try $0.boundaryOriginals(level: .tambon) }
        XCTAssertEqual(originals[0].map(\.code), [code])
        XCTAssertEqual(originals[0].first?.geometry, try GeoJSONGeometry.decode(try XCTUnwrap(fs[0]["geometry"])).asMulti)
        XCTAssertEqual(originals[0].map(\.geometry), originals[1].map(\.geometry))
        XCTAssertEqual(originals[0].map(\.invalidReason), originals[1].map(\.invalidReason))
        XCTAssertEqual(originals[1].map(\.repair), ["make-valid"])
        let repaired = try stores.map { try XCTUnwrap(try $0.boundary(level: .tambon, code: code)) }
        XCTAssertEqual(repaired[0].geometry, repaired[1].geometry)
        XCTAssertTrue(repaired[1].isValid)
        XCTAssertTrue(try GEOSGeometry(repaired[1].geometry, context: GEOSContext()).isValid)
        let audits = try [file, pg].map { try eplan(["audit", "boundaries", "--format", "json", "--level", "tambon", "--db", $0]) }
        XCTAssertEqual(audits[0].out, audits[1].out)
        XCTAssertFalse(audits[1].out.contains("invalid_geometry"), audits[1].out)
    }

    /// The process's connections to one database are bounded (`pool_max`): a store opened
    /// while all are in use waits for one to be given back, and after `pool_timeout` is
    /// refused with a clear message (a store failure: HTTP 503, CLI exit 3).
    func testConnectionPoolIsBoundedAndQueues() throws {
        // The second database: no other test of this process keeps connections to it.
        let url = try copyURL()
        _ = try run(["init", "--db", url, "--force", "--no-plan"])
        guard case .postgres(let location) = try StoreLocation.parse(url + "&pool_max=2&pool_timeout=0.2&application_name=eplan-pool-test"),
              case .postgres(let patient) = try StoreLocation.parse(url + "&pool_max=2&pool_timeout=30&application_name=eplan-pool-test")
        else { return XCTFail(url) }
        var held: [PostgresStore?] = [try PostgresStore(location: location), try PostgresStore(location: location)]
        XCTAssertThrowsError(try PostgresStore(location: location)) { e in
            XCTAssertEqual((e as? PostgresStoreError)?.kind, .poolExhausted(max: 2, waited: 0.2))
            XCTAssertEqual(AppError.classify(e).kind, .store)
            XCTAssertTrue(AppError.classify(e).message.en.contains("all 2 PostgreSQL connections (pool_max)"), "\(e)")
        }
        // A caller that finds them all in use waits in line and gets the one given back.
        final class Queued: @unchecked Sendable { var store: PostgresStore?; var error: (any Error)? }
        let queued = Queued(), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do { queued.store = try PostgresStore(location: patient) } catch { queued.error = error }
            done.signal()
        }
        held[1] = nil
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        let third = try XCTUnwrap(queued.store, "\(String(describing: queued.error))")
        let open = try third.db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'eplan-pool-test'")
        XCTAssertEqual(open.int64, 2, "never more than pool_max connections")
        withExtendedLifetime(held) {}
    }

    /// The pin check's LAO read keeps the row it read (the jurisdiction is large) while the
    /// row's version is the same, and sees another connection's change at once: a new
    /// jurisdiction, new tambons, the LAO gone.
    func testLAOReadsSeeAnotherConnectionsChangeAtOnce() throws {
        let (_, location) = try freshPostgres()
        let reader = try PostgresStore(location: location), writer = try PostgresStore(location: location)
        let before = try XCTUnwrap(try reader.lao(code: "03630601"))
        XCTAssertEqual(try reader.lao(code: "03630601"), before, "read again, unchanged")
        var changed = before
        let ring = [Coordinate(98.5, 16.6), Coordinate(98.6, 16.6), Coordinate(98.6, 16.7), Coordinate(98.5, 16.6)]
        changed.jurisdiction = .multiPolygon([Polygon(exterior: ring)])
        changed.tambons = Array(before.tambons.prefix(1))
        try writer.insertLAOs([changed], replace: true)
        let after = try XCTUnwrap(try reader.lao(code: "03630601"))
        XCTAssertEqual(after.jurisdiction, changed.jurisdiction)
        XCTAssertEqual(after.tambons, changed.tambons)
        XCTAssertEqual(after, try writer.lao(code: "03630601"))
        try writer.db.execute("DELETE FROM lao_tambon WHERE lao_code = '03630601'")
        XCTAssertEqual(try reader.lao(code: "03630601")?.tambons, [], "a change of the tambon rows alone is seen too")
        try writer.db.execute("DELETE FROM lao WHERE code = '03630601'")
        XCTAssertNil(try reader.lao(code: "03630601"))
    }

    /// `projectRef` reads its LAO's row version and the pin tolerance with the project's row,
    /// for the calls a pin's check makes next; they serve only until the connection's next
    /// statement, and never after `forgetReadAhead` (which a server calls between requests).
    func testValuesReadWithAProjectServeOnlyTheCallsRightAfter() throws {
        let (_, location) = try freshPostgres()
        let reader = try PostgresStore(location: location), writer = try PostgresStore(location: location)
        try writer.db.execute("""
            INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at)
            VALUES ('RA1', '03630601', 2569, 'ทดสอบ', 'building', '2026-01-01', '2026-01-01')
            """)
        let key = Store.pinToleranceKey
        XCTAssertEqual(try reader.projectRef(code: "RA1")?.laoCode, "03630601")
        XCTAssertEqual(try reader.pinToleranceM(), try writer.pinToleranceM(), "the tolerance read ahead is the store's")
        XCTAssertEqual(try reader.lao(code: "03630601"), try writer.lao(code: "03630601"), "the LAO by the version read ahead")

        _ = try reader.projectRef(code: "RA1")
        try writer.setSetting(key, "77")
        reader.forgetReadAhead()
        XCTAssertEqual(try reader.pinToleranceM(), 77, "forgotten (between requests): read again")

        _ = try reader.projectRef(code: "RA1")
        try writer.setSetting(key, "88")
        _ = try reader.project(code: "RA1")  // another statement on this connection
        XCTAssertEqual(try reader.pinToleranceM(), 88, "a statement in between ends what was read ahead")

        // This connection changes the LAO after the read-ahead: its next read sees the change.
        let before = try XCTUnwrap(try reader.lao(code: "03630601"))
        _ = try reader.projectRef(code: "RA1")
        var changed = before
        changed.tambons = Array(before.tambons.prefix(1))
        try reader.insertLAOs([changed], replace: true)
        XCTAssertEqual(try reader.lao(code: "03630601")?.tambons, changed.tambons)
        XCTAssertNil(try reader.projectRef(code: "NO-SUCH"), "an unknown project is nil")
    }

    /// A served pin's check asks for the boundary generation (is the place index current?)
    /// right after the project's row: that row's read brings it along, so the check costs one
    /// round trip. It is the store's generation at that read, taken once; any statement in
    /// between, or a second ask, reads it anew (another connection's import is seen).
    func testBoundaryGenerationComesWithTheProjectsRow() throws {
        let (_, location) = try freshPostgres()
        let reader = try PostgresStore(location: location), writer = try PostgresStore(location: location)
        try writer.insertProjects([ProjectRecord(code: "G1", laoCode: "03630601", planYear: 2569, nameTH: "ถนน", kind: .road)],
                                  replace: false, by: "t")
        func importLevel() throws {
            try writer.db.execute("INSERT INTO boundary_import (level, source, feature_count, imported_at) VALUES ('tambon', 't', 1, 'now')")
        }
        try importLevel()
        _ = try reader.projectRef(code: "G1")
        let sent = reader.db.statementsRun
        XCTAssertEqual(try reader.boundaryGeneration(), try writer.boundaryGeneration())
        XCTAssertEqual(reader.db.statementsRun, sent, "read with the project's row: no statement of its own")

        try importLevel()
        XCTAssertEqual(try reader.boundaryGeneration(), try writer.boundaryGeneration(), "asked again: read anew, the import seen")
        XCTAssertEqual(reader.db.statementsRun, sent + 1)

        _ = try reader.projectRef(code: "G1")
        try importLevel()
        _ = try reader.project(code: "G1")  // another statement on this connection
        XCTAssertEqual(try reader.boundaryGeneration(), try writer.boundaryGeneration(), "a statement in between: read anew")

        _ = try reader.projectRef(code: "G1")
        try importLevel()
        reader.forgetReadAhead()
        XCTAssertEqual(try reader.boundaryGeneration(), try writer.boundaryGeneration(), "forgotten between requests: read anew")
    }

    /// Project reads that arrive while one is running go together in the next ONE statement
    /// (`ProjectRefReads`), each caller getting its own row; a failed group read sends each
    /// waiting caller to read alone, and only the one that ran it sees the failure.
    func testProjectReadsWaitingForOneRunTogether() throws {
        let group = ProjectRefReads()
        let firstRunning = DispatchSemaphore(value: 0), releaseFirst = DispatchSemaphore(value: 0)
        final class Calls: @unchecked Sendable {
            let lock = NSLock(); var reads: [[String]] = []; var outcomes: [String: String] = [:]
            func add(_ codes: [String]) { lock.withLock { reads.append(codes.sorted()) } }
            func got(_ code: String, _ o: ProjectRefReads.Outcome) {
                lock.withLock {
                    switch o {
                    case .found(let row): outcomes[code] = row.string(0) ?? "?"
                    case .none: outcomes[code] = "none"
                    case .alone: outcomes[code] = "alone"
                    }
                }
            }
        }
        let calls = Calls()
        let read: @Sendable ([String]) throws -> [PGRow] = { codes in
            calls.add(codes)
            if codes == ["A"] { firstRunning.signal(); releaseFirst.wait() }
            return codes.filter { $0 != "NONE" }.map { PGRow(values: [.text($0)]) }
        }
        let done = DispatchGroup()
        func start(_ code: String) {
            DispatchQueue.global().async(group: done) { if let o = try? group.read(code, with: read) { calls.got(code, o) } }
        }
        start("A")
        firstRunning.wait()
        for code in ["B", "C", "B", "NONE"] { start(code) }
        while group.queuedCount < 4 { usleep(1000) }  // all four queued behind A's read
        releaseFirst.signal()
        done.wait()
        XCTAssertEqual(calls.reads, [["A"], ["B", "C", "NONE"]], "the four waiting reads went as one (the same code once)")
        XCTAssertEqual(calls.outcomes, ["A": "A", "B": "B", "C": "C", "NONE": "none"])

        struct Broken: Error {}
        let failing = ProjectRefReads()
        XCTAssertThrowsError(try failing.read("X") { _ in throw Broken() }) { XCTAssertTrue($0 is Broken) }
        guard case .found = try failing.read("Y", with: read) else { return XCTFail("the group works after a failed read") }
    }

    /// On PostgreSQL, many threads reading projects at once each get their own row (codes
    /// with quotes, backslashes, commas and braces included: the array parameter's quoting),
    /// an unknown code nil; inside a transaction a caller reads alone and sees its own rows.
    func testConcurrentProjectReadsGetTheirOwnRows() throws {
        let (_, location) = try freshPostgres()
        let codes = (0..<40).map { "R-\($0)" } + ["Q\"1", "B\\S", "C,M", "{BR}", "ช่าง ๑"]
        let writer = try PostgresStore(location: location)
        try writer.insertProjects(codes.map { ProjectRecord(code: $0, laoCode: "03630601", planYear: 2569, nameTH: "ถนน \($0)", kind: .road) },
                                  replace: false, by: "t")
        final class Found: @unchecked Sendable { let lock = NSLock(); var names: [String: String] = [:]; var errors: [String] = [] }
        let found = Found()
        DispatchQueue.concurrentPerform(iterations: 16) { t in
            do {
                let store = try PostgresStore(location: location)
                for (i, code) in (codes + ["NO-SUCH"]).enumerated() where i % 16 == t || i % 3 == t % 3 {
                    let ref = try store.projectRef(code: code)
                    found.lock.withLock { found.names[code] = ref?.nameTH ?? "nil" }
                }
            } catch { found.lock.withLock { found.errors.append("\(error)") } }
        }
        XCTAssertEqual(found.errors, [])
        XCTAssertEqual(found.names, Dictionary(uniqueKeysWithValues: codes.map { ($0, "ถนน \($0)") } + [("NO-SUCH", "nil")]))

        try writer.transaction {
            try writer.insertProjects([ProjectRecord(code: "TX-1", laoCode: "03630601", planYear: 2569, nameTH: "ใหม่", kind: .road)],
                                      replace: false, by: "t")
            XCTAssertEqual(try writer.projectRef(code: "TX-1")?.nameTH, "ใหม่", "its own uncommitted row")
            XCTAssertNil(try PostgresStore(location: location).projectRef(code: "TX-1"), "not yet for others")
        }
    }

    /// The service's group commit on PostgreSQL is ONE statement for the whole batch, outside
    /// a transaction ONE round trip in all, with the versions pin-by-pin gives.
    func testGroupCommitIsOneStatement() throws {
        let (_, location) = try freshPostgres()
        let store = try PostgresStore(location: location)
        try store.insertProjects(["S-1", "S-2"].map { ProjectRecord(code: $0, laoCode: "03630601", planYear: 2560, nameTH: "ถนน", kind: .road) },
                                 replace: false, by: "t")
        func pin(_ code: String, _ x: Double) -> PinRecord {
            PinRecord(projectCode: code, pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "x", inputCRS: 4326,
                      status: .valid, toleranceM: 30, distanceOutsideM: 1.5, foundTambonCode: "630601",
                      messages: [Message(th: "ก", en: "a")], geometry: .point(Coordinate(x, 16.7)))
        }
        _ = try store.addPin(pin("S-1", 98.50))
        let sent = store.db.statementsRun
        let results = try store.addPins([pin("S-1", 98.51), pin("S-2", 98.52), pin("S-1", 98.53)]).map { try $0.get() }
        XCTAssertEqual(store.db.statementsRun, sent + 1, "one statement, committed on its own")
        XCTAssertEqual(results.map(\.version), [2, 1, 3])
        XCTAssertEqual(results.map(\.isCurrent), [false, true, true])
        let history = try store.pinHistory(projectCode: "S-1")
        XCTAssertEqual(history.map(\.version), [1, 2, 3])
        XCTAssertEqual(history.map(\.isCurrent), [false, false, true])
        XCTAssertEqual(history.last, results.last, "stored as answered: every column, the geometry and the messages")
        XCTAssertEqual(try store.currentPin(projectCode: "S-2"), results[1])
    }

    /// A batch that waited for another process's lock on its project reads the last versions
    /// from before that process's pins: the unique version refuses it (nothing stored) and it
    /// runs once more, then gets the next versions. No version is given twice, one pin is current.
    func testGroupCommitAfterAnotherWritersPinsRunsAgain() throws {
        let (_, location) = try freshPostgres()
        let first = try PostgresStore(location: location), second = try PostgresStore(location: location)
        let watcher = try PostgresStore(location: location)
        try first.insertProjects([ProjectRecord(code: "W-1", laoCode: "03630601", planYear: 2560, nameTH: "ถนน", kind: .road)],
                                 replace: false, by: "t")
        func pin(_ x: Double) -> PinRecord {
            PinRecord(projectCode: "W-1", pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "x", inputCRS: 4326,
                      status: .valid, toleranceM: 30, geometry: .point(Coordinate(x, 16.7)))
        }
        _ = try first.addPin(pin(98.50))
        // Another writer's pin v2, as `addPin` writes it, not yet committed: the project's row stays locked.
        try first.db.script("BEGIN")
        try first.db.execute("SELECT 1 FROM project WHERE code = 'W-1' FOR UPDATE")
        try first.db.execute("UPDATE pin SET is_current = 0 WHERE project_code = 'W-1' AND is_current = 1")
        try first.db.execute(PostgresStore.insertPinSQL, PinRow.values(pin(98.51), version: 2, blob: WKB.encode(pin(98.51).geometry)))
        let sent = second.db.statementsRun
        final class Outcome: @unchecked Sendable { var results: [Result<PinRecord, any Error>] = []; var failure: (any Error)? }
        let done = DispatchSemaphore(value: 0), outcome = Outcome()
        nonisolated(unsafe) let writer = second
        let batch = [pin(98.52), pin(98.53)]
        DispatchQueue.global().async {
            do { outcome.results = try writer.addPins(batch) } catch { outcome.failure = error }
            done.signal()
        }
        // Until the second writer waits for the lock (its snapshot taken before the commit).
        let waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        for _ in 0..<3000 {
            if try watcher.db.scalar(waiting).int64 == 1 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertEqual(try watcher.db.scalar(waiting).int64, 1, "the second writer waits for the first's lock")
        try first.db.script("COMMIT")
        done.wait()
        XCTAssertNil(outcome.failure)
        XCTAssertEqual(try outcome.results.map { try $0.get().version }, [3, 4])
        XCTAssertEqual(second.db.statementsRun, sent + 2, "refused once, then run again")
        let history = try watcher.pinHistory(projectCode: "W-1")
        XCTAssertEqual(history.map(\.version), [1, 2, 3, 4])
        XCTAssertEqual(history.filter(\.isCurrent).map(\.version), [4])
    }

    /// An OGC page on PostgreSQL is ONE query planned for its rows: `LIMIT` (the page and one
    /// more) in its SQL, so the planner picks the plan for that many rows and makes no more,
    /// and no cursor (a cursor is planned for a tenth of an unknown total: with a box, a walk
    /// of the whole current-pin index, 8 s a page nationally). The box test in SQL is as exact
    /// as the page's own, so the limit never leaves a page short: a pin just outside the box
    /// (inside the index's rounding) is not among the rows.
    func testOGCPageIsOneQueryPlannedForItsRows() throws {
        let (_, location) = try freshPostgres()
        let store = try PostgresStore(location: location)
        let box = Envelope(minX: 98.5, minY: 16.5, maxX: 98.6, maxY: 16.6)
        let places = [("A", Coordinate(98.6000001, 16.55)), ("B", Coordinate(98.55, 16.55)), ("C", Coordinate(98.56, 16.56)),
                      ("D", Coordinate(98.57, 16.57))]
        try store.insertProjects(places.map { ProjectRecord(code: $0.0, laoCode: "03630601", planYear: 2560, nameTH: "ถนน", kind: .road) },
                                 replace: false, by: "test")
        for (code, c) in places {
            try store.addPin(PinRecord(projectCode: code, pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "x", inputCRS: 4326,
                                       status: .valid, toleranceM: 30, geometry: .point(c)))
        }
        let q = ProjectFeatureQuery(filter: ProjectFilter(bbox: box), kind: .point, pageSize: 1)
        let parallel = try store.db.scalar("SHOW max_parallel_workers_per_gather")
        let rows = try store.projectFeatureRows(q)
        XCTAssertEqual(try store.db.scalar("SHOW max_parallel_workers_per_gather"), parallel, "a page leaves the connection's settings as they were")
        XCTAssertEqual(try store.db.scalar("SELECT count(*) FROM pg_cursors WHERE name = 'eplan_export'").int64, 0, "a page opens no cursor")
        var codes: [String] = []
        while try rows.step() { codes.append(rows.code ?? "") }
        XCTAssertEqual(codes, ["B", "C"], "the page's pin and one more, both inside the box, exactly")
        let (sql, args) = q.select(.postgis)
        let plan = try store.db.query("EXPLAIN " + sql, args).compactMap { $0.string(0) }
        XCTAssertTrue(plan.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("->  Limit") || $0.hasPrefix("Limit") },
                      plan.joined(separator: "\n"))
        // Through the use case: pages of one chained by `next`, none short.
        var after: String? = nil, seen: [String] = []
        repeat {
            var items = FeatureItemsQuery(limit: 1)
            items.bbox = box
            items.afterCode = after
            let (page, _) = try ReadFeatures(store: store, scope: .all).items(.projectPoints, items)
            while try page.nextChunk() != nil {}
            seen += page.lastCode.map { [$0] } ?? []
            after = page.hasMore ? page.lastCode : nil
        } while after != nil
        XCTAssertEqual(seen, ["B", "C", "D"])
    }

    /// A PostgreSQL page names its LAOs before its rows are written (they came whole), so it
    /// encodes only those LAOs' property blocks instead of all 7,445 nationally, and writes
    /// the same bytes as with every LAO's block: a box page's pages, walked, give every pin once.
    func testOGCPageEncodesOnlyItsOwnLAOsAndWritesTheSameBytes() throws {
        let (_, location) = try freshPostgres()
        let store = try PostgresStore(location: location)
        let laos = Array(try store.laos(provinceCode: "63", amphoeCode: nil).filter { $0.jurisdiction != nil }.prefix(3))
        XCTAssertEqual(laos.count, 3)
        let box = Envelope(minX: 98.0, minY: 15.0, maxX: 100.0, maxY: 18.0)
        var codes: [String] = []
        for i in 0..<30 {
            let code = String(format: "L%03d", i), lao = laos[i % 3]
            try store.insertProjects([ProjectRecord(code: code, laoCode: lao.code, planYear: 2560, nameTH: "ถนน \"\(i)\"", kind: .road)],
                                     replace: false, by: "test")
            // Every fourth outside the box (and so not on its pages).
            let c = i % 4 == 3 ? Coordinate(101.5, 14.0) : Coordinate(98.1 + Double(i) * 0.05, 15.5 + Double(i) * 0.07)
            try store.addPin(PinRecord(projectCode: code, pinnedAt: "2026-11-30T00:00:00Z", pinnedBy: "t", rawInput: "x", inputCRS: 4326,
                                       status: .valid, toleranceM: 30, geometry: .point(c)))
            if i % 4 != 3 { codes.append(code) }
        }
        let ids = try laos.map { try XCTUnwrap(try store.db.scalar("SELECT id FROM lao WHERE code = ?", [.text($0.code)]).int64) }
        // A page of the first two projects names their two LAOs only; the block query gives just those.
        let two = try store.projectFeatureRows(ProjectFeatureQuery(filter: ProjectFilter(bbox: box), kind: .point, pageSize: 1))
        XCTAssertEqual(try two.laoIDsAhead(), ids.prefix(2).sorted())
        var named: [Int64] = []
        try store.forEachExportLAO(only: [ids[1]]) { id, text in
            named.append(id)
            XCTAssertEqual(text(ProjectExportCursor.laoBlock.lowerBound).map { String(decoding: $0, as: UTF8.self) }, laos[1].code)
        }
        XCTAssertEqual(named, [ids[1]])
        // Every page, written with its own LAOs' blocks and with every LAO's: the same bytes.
        var after: String?, walked: [String] = []
        repeat {
            let q = ProjectFeatureQuery(filter: ProjectFilter(bbox: box), kind: .point, afterCode: after, pageSize: 7)
            let own = try FeaturePage(store: store, projects: try store.projectFeatureRows(q), limit: 7, bbox: box)
            let every = try FeaturePage(store: store, projects: RowsThroughProtocol(try store.projectFeatureRows(q)), limit: 7, bbox: box)
            var a: [UInt8] = [], b: [UInt8] = []
            while let chunk = try own.nextChunk() { a += chunk }
            while let chunk = try every.nextChunk() { b += chunk }
            XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
            XCTAssertTrue(String(decoding: a, as: UTF8.self).contains(#""lao_name_th":""#))
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(("[" + String(decoding: a, as: UTF8.self) + "]").utf8)) as? [[String: Any]])
            walked += json.compactMap { $0["id"] as? String }
            after = own.hasMore ? own.lastCode : nil
        } while after != nil
        XCTAssertEqual(walked, codes, "every pin in the box once, in code order")
    }

    /// The pin and boundary audits run on PostgreSQL too, with the same findings as on the file.
    func testAuditsGiveTheSameFindingsOnBothBackends() throws {
        let pg = try postgresURL()
        let file = try initStore(plan: false)
        _ = try run(["init", "--db", pg, "--force", "--no-plan"])
        let csv = try writeFile("audit.csv", "code,lao_code,plan_year,name,kind,budget\nA1,06630108,2560,อาคาร,building,100000\nA2,03630601,2560,อาคาร 2,building,200000\nA3,03630601,2560,ยังไม่ปัก,building,300000\n")
        for db in [pg, file] {
            XCTAssertEqual(try eplan(["projects", "import", csv, "--db", db]).status, 0)
            XCTAssertEqual(try eplan(["pin", "A1", "16.9199105, 99.2177229", "--db", db, "--by", "t"]).status, 0)
            // Outside its LAO, kept for review: the audit must find it.
            XCTAssertEqual(try eplan(["pin", "A2", "16.9199105, 99.2177229", "--force", "--db", db, "--by", "t"]).status, 0)
        }
        for args in [["audit", "pins", "--format", "json"], ["audit", "boundaries", "--format", "json", "--level", "amphoe"]] {
            let onPG = try eplan(args + ["--db", pg]), onFile = try eplan(args + ["--db", file])
            XCTAssertEqual(onPG.status, onFile.status, onPG.err)
            XCTAssertEqual(onPG.out, onFile.out, args.joined(separator: " "))
            XCTAssertFalse(onPG.out.isEmpty)
        }
        XCTAssertEqual(try eplan(["audit", "pins", "--db", pg]).status, 5, "findings end with exit status 5")
    }
}

/// A value shared between a test and a thread it starts.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
}
