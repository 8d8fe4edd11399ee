import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain
@testable import EPlanServer

/// The pin write path under load: acknowledged pins survive kill -9, the command line
/// writes the same store while the server takes pins, and a group commit keeps the pins of
/// a batch apart.
final class ServeDurabilityTests: ServeTestCase {
    /// Clients posting pins at once over keep-alive connections (Python's http.client, one
    /// connection per thread) until their connection fails; each 201 is printed as
    /// "ack PROJECT VERSION" the moment it arrives.
    func startClients(_ server: Running, token: String, threads: Int, perThread: Int) throws -> (Process, Pipe) {
        let port = server.base.split(separator: ":").last.map(String.init) ?? ""
        let script = """
            import http.client, json, sys, threading
            pins = [("P1", "\(insideNamRuem)"), ("R1", "\(insideNamRuem)"), ("W1", "\(insideMaeSot)")]
            lock = threading.Lock()
            def client(k):
                conn = http.client.HTTPConnection("127.0.0.1", \(port), timeout=30)
                for i in range(\(perThread)):
                    code, where = pins[(k + i) % len(pins)]
                    try:
                        conn.request("POST", f"/api/v1/projects/{code}/pins", json.dumps({"location": where}),
                                     {"Authorization": "Bearer \(token)", "Content-Type": "application/json"})
                        r = conn.getresponse()
                        body = r.read()
                    except Exception:
                        return
                    with lock:
                        if r.status == 201:
                            print("ack", code, json.loads(body)["version"], flush=True)
                        else:
                            print("status", r.status, body[:200], flush=True)
            ts = [threading.Thread(target=client, args=(k,)) for k in range(\(threads))]
            for t in ts: t.start()
            for t in ts: t.join()
            print("done", flush=True)
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    /// The clients' complete lines so far, read on until `until` says stop (or they end).
    final class Lines {
        let pipe: Pipe
        var text = ""
        var lines: [String] = []
        init(_ pipe: Pipe) { self.pipe = pipe }
        @discardableResult func read(until: ([String]) -> Bool) -> [String] {
            while !until(lines) {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
                // Only whole lines: a line cut by the pipe would read as another version.
                guard let cut = text.lastIndex(of: "\n") else { continue }
                lines += text[..<cut].split(separator: "\n").map(String.init)
                text = String(text[text.index(after: cut)...])
            }
            return lines
        }
    }

    static func acknowledged(_ lines: [String]) -> [(code: String, version: Int)] {
        lines.compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 3, f[0] == "ack", let v = Int(f[2]) else { return nil }
            return (String(f[1]), v)
        }
    }

    /// Every version of a project from 1 up, exactly one of them current.
    func assertHistoriesWhole(_ db: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let store = try Store(path: db, readOnly: true)
        for code in ["P1", "R1", "W1"] {
            let history = try store.pinHistory(projectCode: code)
            XCTAssertEqual(history.map(\.version), history.indices.map { $0 + 1 }, code, file: file, line: line)
            XCTAssertEqual(history.filter(\.isCurrent).count, history.isEmpty ? 0 : 1, code, file: file, line: line)
            XCTAssertEqual(history.last?.isCurrent ?? true, true, "the newest is current", file: file, line: line)
        }
        // The spatial index as SpatiaLite's triggers keep it (the server's writer does their
        // work itself): one entry per pin, holding the pin's box.
        let db = store.database
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM pin WHERE geom IS NOT NULL AND id NOT IN (SELECT pkid FROM idx_pin_geom)").int64, 0,
                       "every pin in the R*Tree", file: file, line: line)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM idx_pin_geom WHERE pkid NOT IN (SELECT id FROM pin)").int64, 0,
                       "no entry without its pin", file: file, line: line)
        XCTAssertEqual(try db.scalar("""
            SELECT count(*) FROM pin p JOIN idx_pin_geom r ON r.pkid = p.id
            WHERE r.xmin > MbrMinX(p.geom) OR r.xmax < MbrMaxX(p.geom) OR r.ymin > MbrMinY(p.geom) OR r.ymax < MbrMaxY(p.geom)
            """).int64, 0, "each entry holds its pin's box", file: file, line: line)
    }

    func integrityCheck(_ db: String) throws -> String {
        let store = try Store(path: db)
        return try store.database.scalar("PRAGMA integrity_check").string ?? ""
    }

    /// kill -9 of the server while many clients pin: every pin answered 201 is in the store
    /// afterwards (the answer waits for the commit, and the commit syncs the WAL), and the
    /// store is whole.
    func testKillNineUnderLoadKeepsEveryAcknowledgedPin() throws {
        let db = try pinFixture()
        try addUser(db, "tak", ["--role", "province", "--province", "63"])
        let token = try token(db, "tak")
        let server = try serve(db)
        let (clients, out) = try startClients(server, token: token, threads: 16, perThread: 100_000)
        let reader = Lines(out)
        reader.read { Self.acknowledged($0).count >= 300 }
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        let lines = reader.read { $0.last == "done" }
        clients.waitUntilExit()
        XCTAssertEqual(server.process.terminationReason, .uncaughtSignal)
        XCTAssertFalse(lines.contains { $0.hasPrefix("status") }, lines.filter { $0.hasPrefix("status") }.prefix(3).joined(separator: "\n"))
        let acks = Self.acknowledged(lines)
        XCTAssertGreaterThanOrEqual(acks.count, 300)

        XCTAssertEqual(try integrityCheck(db), "ok")
        let store = try Store(path: db, readOnly: true)
        var stored: [String: Set<Int>] = [:]
        for code in ["P1", "R1", "W1"] {
            stored[code] = Set(try store.pinHistory(projectCode: code).filter { $0.pinnedBy == "tak" }.map(\.version))
        }
        let lost = acks.filter { !(stored[$0.code]?.contains($0.version) ?? false) }
        XCTAssertTrue(lost.isEmpty, "\(lost.count) of \(acks.count) acknowledged pins are missing, e.g. \(lost.prefix(5))")
        XCTAssertEqual(Set(acks.map { "\($0.code) \($0.version)" }).count, acks.count, "no version was acknowledged twice")
        try assertHistoriesWhole(db)
    }

    /// `eplan pin` in processes of its own while the server takes pins: both land, versions
    /// stay whole, and no client gets a 500 (a busy store would be a 503).
    func testCommandLinePinsWhileTheServerTakesPins() throws {
        let db = try pinFixture()
        try addUser(db, "tak", ["--role", "province", "--province", "63"])
        let token = try token(db, "tak")
        let server = try serve(db)
        let (clients, out) = try startClients(server, token: token, threads: 8, perThread: 40)
        var cli = 0
        for i in 0..<6 {
            let r = try eplan(["pin", "--db", db, ["P1", "R1", "W1"][i % 3], i % 3 == 2 ? insideMaeSot : insideNamRuem, "--by", "somchai"])
            XCTAssertEqual(r.status, 0, r.err)
            cli += r.status == 0 ? 1 : 0
        }
        let lines = Lines(out).read { $0.last == "done" }
        clients.waitUntilExit()
        XCTAssertEqual(lines.filter { $0.hasPrefix("status") }, [], "every request was answered 201")
        let acks = Self.acknowledged(lines)
        XCTAssertEqual(acks.count, 8 * 40)
        let store = try Store(path: db, readOnly: true)
        var byServer = 0, byCLI = 0
        for code in ["P1", "R1", "W1"] {
            let history = try store.pinHistory(projectCode: code)
            byServer += history.filter { $0.pinnedBy == "tak" }.count
            byCLI += history.filter { $0.pinnedBy == "somchai" }.count
        }
        XCTAssertEqual(byServer, acks.count, "the authenticated account is recorded for every server pin")
        XCTAssertEqual(byCLI, cli)
        try assertHistoriesWhole(db)
        XCTAssertEqual(server.stop(), 0)
    }

    /// The group commit's store write: pins of several projects in one transaction get their
    /// versions in order; a pin that fails (its project is gone) is undone alone: the batch,
    /// tried first without a savepoint per pin, is undone and done again pin by pin, and
    /// nothing of the first try is left (three rows, P1's versions 1 and 2).
    func testOneFailingPinDoesNotSinkItsBatch() throws {
        let db = try pinFixture()
        let store = try Store(path: db)
        func record(_ code: String, _ by: String) -> PinRecord {
            PinRecord(projectCode: code, pinnedAt: "2026-11-30T12:00:00Z", pinnedBy: by, rawInput: insideNamRuem, inputCRS: 4326,
                      status: .valid, toleranceM: 30, geometry: .point(Coordinate(99.2177229, 16.9199105)))
        }
        let results = try store.addPins([record("P1", "a"), record("NOPE", "b"), record("P1", "c"), record("W1", "d")])
        XCTAssertEqual(results.count, 4)
        XCTAssertEqual(try results[0].get().version, 1)
        XCTAssertThrowsError(try results[1].get()) { XCTAssertEqual(($0 as? DatabaseError)?.kind, .constraint, "\($0)") }
        XCTAssertEqual(try results[2].get().version, 2)
        XCTAssertEqual(try results[3].get().version, 1)
        XCTAssertEqual(try store.pinHistory(projectCode: "P1").map(\.pinnedBy), ["a", "c"])
        XCTAssertEqual(try store.currentPin(projectCode: "P1")?.pinnedBy, "c")
        XCTAssertEqual(try store.pinCount(), 3)
        XCTAssertFalse(store.database.isInTransaction)
    }

    /// The group commit grows the layer statistics once per batch: the count and extent
    /// are those of the pins stored (not of one that failed), as a full recount says; after
    /// another client's write, the next batch recounts.
    func testABatchKeepsTheLayerStatisticsTrue() throws {
        let db = try pinFixture()
        let store = try Store(path: db)
        func record(_ code: String, _ x: Double, _ y: Double) -> PinRecord {
            PinRecord(projectCode: code, pinnedAt: "2026-11-30T12:00:00Z", pinnedBy: "t", rawInput: "\(y), \(x)", inputCRS: 4326,
                      status: .valid, toleranceM: 30, geometry: .point(Coordinate(x, y)))
        }
        func statistics() throws -> [SQLValue] {
            var out: [SQLValue] = []
            try store.database.query("""
                SELECT row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y FROM geometry_columns_statistics
                WHERE f_table_name = 'pin' AND f_geometry_column = 'geom'
                """) { r in out = (0..<5).map { r.value(Int32($0)) } }
            return out
        }
        _ = try store.addPins([record("P1", 99.0, 16.5)])
        let first = try statistics()
        XCTAssertEqual(first.first, .integer(1))
        let results = try store.addPins([record("P1", 98.5, 16.0), record("NOPE", 120, 30), record("W1", 99.5, 17.25)])
        XCTAssertEqual(results.map { (try? $0.get()) != nil }, [true, false, true])
        XCTAssertEqual(try statistics(), [.integer(3), .real(98.5), .real(16.0), .real(99.5), .real(17.25)])
        // Another client writes (the tm*_ triggers stamp it): the next batch counts the table again.
        try store.database.execute("""
            INSERT INTO pin (project_code, version, is_current, pinned_at, pinned_by, raw_input, input_crs, status, tolerance_m, geom)
            SELECT 'W1', 9, 0, 'now', 'other', 'x', 4326, 'valid', 30, geom FROM pin WHERE project_code = 'P1' AND version = 1
            """)
        // Its stamp is later than the statistics even within the same millisecond.
        try store.database.execute("UPDATE geometry_columns_time SET last_insert = '2999-01-01T00:00:00.000Z' WHERE f_table_name = 'pin'")
        _ = try store.addPins([record("P1", 99.25, 16.25)])
        let recounted = try statistics()
        XCTAssertEqual(recounted, [.integer(5), .real(98.5), .real(16.0), .real(99.5), .real(17.25)])
        try store.refreshLayerStatistics(table: "pin")
        XCTAssertEqual(try statistics(), recounted, "a full recount agrees")
    }

    /// Token and session expiries are compared as text: the hand-written clock must write
    /// exactly what ISO8601DateFormatter wrote (UTC, whole seconds, truncated).
    func testAccountClockWritesAsTheISOFormatter() {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        for seconds in [0, 1, 59.999, 86_399.5, 951_782_400, 1_796_053_528.75, 4_102_444_799] as [Double] {
            let d = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(AccountClock.iso(d), f.string(from: d), "\(seconds)")
        }
    }

    /// The service's check and the command line's pin are one use case: `check` stores
    /// nothing and names the account; `run` stores what `check` decided.
    func testCheckDecidesWhatRunStores() throws {
        let db = try pinFixture()
        let store = try Store(path: db)
        let context = EPlanApp.RequestContext(actor: Actor(name: "eng", role: .engineer, laoCode: "06630108"), language: .en)
        let cache = PreparedGeometryCache(), geos = GEOSContext()
        let use = PinProject(store: store, context: context, geos: geos, prepared: cache)
        let checked = try use.check(PinRequest(projectCode: "P1", location: .typed([insideNamRuem])))
        XCTAssertEqual(checked.record?.pinnedBy, "eng")
        XCTAssertEqual(try store.pinCount(), 0, "check stores nothing")
        let refused = try use.check(PinRequest(projectCode: "P1", location: .typed([insideMaeSot])))
        XCTAssertNil(refused.record, "a refusal not forced is not to be stored")
        XCTAssertTrue(refused.result(stored: nil).isRefusal)
        XCTAssertNil(try use.check(PinRequest(projectCode: "P1", location: .typed([insideNamRuem]), dryRun: true)).record)
        // A changed jurisdiction is seen by the next check on the same cache.
        let maeSot = try XCTUnwrap(try store.boundary(level: .tambon, code: "630601")?.geometry)
        try store.setJurisdiction(laoCode: "06630108", maeSot)
        XCTAssertNotNil(try use.check(PinRequest(projectCode: "P1", location: .typed([insideMaeSot]))).record)
        let stored = try PinProject(store: store, context: context).run(PinRequest(projectCode: "P1", location: .typed([insideMaeSot])))
        XCTAssertEqual(stored.stored?.version, 1)
        XCTAssertEqual(stored.stored?.pinnedBy, "eng")
    }
}
