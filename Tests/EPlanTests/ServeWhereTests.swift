import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanDomain

/// `GET /where` from the server's in-memory place index, and the short-lived cache of
/// verified credentials: the answers stay the CLI's, byte for byte, and what changes in the
/// store (boundaries, tokens, accounts) is seen by the server within the stated bounds.
final class ServeWhereTests: ServeTestCase {
    func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? text
    }

    /// `eplan where --format json` on the same store, without its line end (the JSON is
    /// printed for a point outside every unit too, with exit code 4).
    func cliWhere(_ db: String, _ at: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try eplan(["where", "--db", db, "--format", "json", at])
        XCTAssertTrue(r.status == 0 || r.status == 4, "exit \(r.status): \(r.err)", file: file, line: line)  // 4: outside every unit
        return r.out.trimmingCharacters(in: .newlines)
    }

    func assertSameAsCLI(_ server: Running, _ db: String, _ at: String, _ auth: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try cliWhere(db, at, file: file, line: line)
        // Twice: the first may build the index, the second is answered from it.
        for _ in 0..<2 {
            let r = try http(server, "GET", "/api/v1/where?at=" + query(at), headers: [auth])
            XCTAssertEqual(r.status, 200, r.body, file: file, line: line)
            XCTAssertEqual(r.body, expected, "GET /where and eplan where differ for '\(at)'", file: file, line: line)
        }
    }

    /// `eplan boundaries import` (another process) of Tak's tambons with tambon `code` renamed.
    func importTambons(_ db: String, renaming code: String, to name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fields = BoundaryFields.defaults(for: .tambon)
        var fc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(Self.takDir)/tak-tambon.geojson"))) as? [String: Any])
        var features = try XCTUnwrap(fc["features"] as? [[String: Any]])
        let k = try XCTUnwrap(features.firstIndex { ($0["properties"] as? [String: Any])?[fields.code] as? String == code })
        var properties = try XCTUnwrap(features[k]["properties"] as? [String: Any])
        properties[fields.nameTH] = name
        features[k]["properties"] = properties
        fc["features"] = features
        let renamed = path("renamed.geojson")
        try JSONSerialization.data(withJSONObject: fc).write(to: URL(fileURLWithPath: renamed))
        let imported = try eplan(["boundaries", "import", renamed, "--level", "tambon", "--db", db])
        XCTAssertEqual(imported.status, 0, imported.err, file: file, line: line)
    }

    /// The first vertex of Tak's first tambon: on its border (shared with a neighbour or the
    /// province's edge), where the first unit in code order must win, as on the CLI.
    func borderPoint() throws -> String {
        let fc = try GeoJSONFile.readFeatureCollection(path: "\(Self.takDir)/tak-tambon.geojson")
        let geometry = try GeoJSONGeometry.decode(XCTUnwrap(fc.features.first?["geometry"]))
        guard case .multiPolygon(let polygons) = geometry.asMulti, let p = polygons.first?.exterior.first else {
            throw XCTSkip("Tak's first tambon is not a polygon")
        }
        return "\(p.y), \(p.x)"
    }

    func testWhereAnswersAsTheCLIByteForByte() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let auth = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let points = [insideNamRuem, insideMaeSot, "16.7167 98.5667", "47N 453809 1848266", "47QMV5380948266",
                      "16°43'00\"N 98°34'00\"E", "13.7563, 100.5018", try borderPoint()]
        for at in points { try assertSameAsCLI(server, db, at, auth) }
        assertProblem(try http(server, "GET", "/api/v1/where?at=" + query("99.9, 199"), headers: [auth, "Accept-Language: en"]), 400, "bad-input")
    }

    /// Boundaries imported or repaired while the server runs (here by other processes and
    /// connections) are in the very next answer: each request checks the store's boundary
    /// generation before it trusts the index.
    func testBoundariesChangedWhileServingAreSeenByTheNextRequest() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let auth = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let before = try http(server, "GET", "/api/v1/where?at=" + query(insideNamRuem), headers: [auth])
        XCTAssertEqual(before.status, 200, before.body)
        let code = try XCTUnwrap((before.json["tambon"] as? [String: Any])?["code"] as? String)

        // `eplan boundaries import`: the same tambons, one renamed.
        try importTambons(db, renaming: code, to: "ตำบลทดสอบการนำเข้า")
        let renamed = try http(server, "GET", "/api/v1/where?at=" + query(insideNamRuem), headers: [auth])
        XCTAssertEqual((renamed.json["tambon"] as? [String: Any])?["name_th"] as? String, "ตำบลทดสอบการนำเข้า", renamed.body)
        try assertSameAsCLI(server, db, insideNamRuem, auth)

        // A repair (the unit's geometry replaced, its original kept): the point leaves it.
        let far = Geometry.polygon(Polygon(exterior: [Coordinate(x: 100, y: 10), Coordinate(x: 100.01, y: 10), Coordinate(x: 100.01, y: 10.01),
                                                      Coordinate(x: 100, y: 10.01), Coordinate(x: 100, y: 10)]))
        try Store(path: db).replaceBoundaryGeometry(level: .tambon, code: code, with: far, repair: "test")
        let repaired = try http(server, "GET", "/api/v1/where?at=" + query(insideNamRuem), headers: [auth])
        XCTAssertEqual(repaired.status, 200, repaired.body)
        XCTAssertNotEqual((repaired.json["tambon"] as? [String: Any])?["code"] as? String, code, repaired.body)
        try assertSameAsCLI(server, db, insideNamRuem, auth)
    }

    /// After a quiet spell the server trusts the index while the store's files look unchanged
    /// (`StoreFiles`), without asking the store: a boundary import or a small repair (only
    /// the write-ahead log written) by another process must still be in the next answer.
    func testBoundariesChangedAfterAQuietSpellAreSeenByTheNextRequest() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let auth = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        func tambon() throws -> [String: Any]? {
            let r = try http(server, "GET", "/api/v1/where?at=" + query(insideNamRuem), headers: [auth])
            XCTAssertEqual(r.status, 200, r.body)
            return r.json["tambon"] as? [String: Any]
        }
        func quietSpell() throws {
            Thread.sleep(forTimeInterval: StoreFiles.settledAfter + 0.3)
            _ = try tambon(); _ = try tambon()  // the index found current, then trusted on the files alone
        }
        let code = try XCTUnwrap(try tambon()?["code"] as? String)

        try quietSpell()
        try importTambons(db, renaming: code, to: "ตำบลหลังช่วงเงียบ")
        XCTAssertEqual(try tambon()?["name_th"] as? String, "ตำบลหลังช่วงเงียบ", "an import after a quiet spell is seen at once")

        try quietSpell()
        let far = Geometry.polygon(Polygon(exterior: [Coordinate(x: 100, y: 10), Coordinate(x: 100.01, y: 10), Coordinate(x: 100.01, y: 10.01),
                                                      Coordinate(x: 100, y: 10.01), Coordinate(x: 100, y: 10)]))
        try Store(path: db).replaceBoundaryGeometry(level: .tambon, code: code, with: far, repair: "test")
        XCTAssertNotEqual(try tambon()?["code"] as? String, code, "a repair after a quiet spell is seen at once")
        try assertSameAsCLI(server, db, insideNamRuem, auth)
    }

    /// A pin's "where it lies" (`found`: tambon, amphoe) comes from the same boundaries in
    /// memory as `GET /where`, current for the store: the CLI's answer, and after a boundary
    /// import by another process, the new one.
    func testPinsPlaceFollowsBoundariesChangedWhileServing() throws {
        let db = try pinFixture()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let auth = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let body = "{\"location\": \"\(insideNamRuem)\", \"dry_run\": true}"
        func found(_ r: Reply) -> [String: Any]? { (r.json["found"] as? [String: Any]) }
        let before = try http(server, "POST", "/api/v1/projects/P1/pins", body: body, headers: [auth, "Content-Type: application/json"])
        XCTAssertEqual(before.status, 200, before.body)
        let cli = try eplan(["pin", "P1", insideNamRuem, "--dry-run", "--format", "json", "--db", db])
        let cliFound = (try JSONSerialization.jsonObject(with: Data(cli.out.utf8)) as? [String: Any])?["found"] as? [String: Any]
        XCTAssertEqual(found(before).map { NSDictionary(dictionary: $0) }, cliFound.map { NSDictionary(dictionary: $0) }, cli.out)
        let code = try XCTUnwrap((found(before)?["tambon"] as? [String: Any])?["code"] as? String, before.body)

        try importTambons(db, renaming: code, to: "ตำบลทดสอบหมุด")
        let after = try http(server, "POST", "/api/v1/projects/P1/pins", body: body, headers: [auth, "Content-Type: application/json"])
        XCTAssertEqual((found(after)?["tambon"] as? [String: Any])?["name_th"] as? String, "ตำบลทดสอบหมุด", after.body)
    }

    /// With `--credential-cache 1`, a revoked token, a disabled account and an old Basic
    /// password all stop working within a second (each was verified, so remembered, first).
    func testRevokedDisabledAndChangedCredentialsAreRefusedWithinTheBound() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        try addUser(db, "malee", ["--role", "engineer", "--lao", "06630108"])
        let revoked = try token(db, "somchai"), other = try token(db, "malee")
        let server = try serve(db, ["--credential-cache", "1"])
        let path = "/api/v1/where?at=" + query(insideNamRuem)
        for h in ["Authorization: Bearer " + revoked, "Authorization: Bearer " + other, basic("somchai", password)] {
            XCTAssertEqual(try http(server, "GET", path, headers: [h]).status, 200)
            XCTAssertEqual(try http(server, "GET", path, headers: [h]).status, 200, "remembered")
        }
        XCTAssertEqual(try eplan(["tokens", "revoke", "1", "--db", db]).status, 0)
        XCTAssertEqual(try eplan(["users", "disable", "malee", "--db", db]).status, 0)
        try changePassword(db, "somchai", to: "a brand new password")
        // Past the bound (not a speed check: what is asserted is the refusal after it).
        Thread.sleep(forTimeInterval: 1.5)
        for h in ["Authorization: Bearer " + revoked, "Authorization: Bearer " + other, basic("somchai", password)] {
            assertProblem(try http(server, "GET", path, headers: [h, "Accept-Language: en"]), 401, "unauthenticated", field: "Authorization")
        }
        XCTAssertEqual(try http(server, "GET", path, headers: [basic("somchai", "a brand new password")]).status, 200)
    }

    /// `--credential-cache 0` asks the store on every request: a revoked token is refused at
    /// once. The bound is limited to 30 seconds.
    func testWithoutTheCacheARevokedTokenIsRefusedAtOnce() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let t = try token(db, "somchai")
        let server = try serve(db, ["--credential-cache", "0"])
        let path = "/api/v1/where?at=" + query(insideNamRuem)
        XCTAssertEqual(try http(server, "GET", path, headers: ["Authorization: Bearer " + t]).status, 200)
        XCTAssertEqual(try eplan(["tokens", "revoke", "1", "--db", db]).status, 0)
        assertProblem(try http(server, "GET", path, headers: ["Authorization: Bearer " + t]), 401, "unauthenticated")
        let tooLong = try eplan(["serve", "--db", db, "--listen", "127.0.0.1:0", "--credential-cache", "31", "--lang", "en"])
        XCTAssertEqual(tooLong.status, 1)
        XCTAssertTrue(tooLong.err.contains("--credential-cache must be seconds, 0 to 30"), tooLong.err)
        let noIdle = try eplan(["serve", "--db", db, "--listen", "127.0.0.1:0", "--idle-timeout", "0", "--lang", "en"])
        XCTAssertEqual(noIdle.status, 1)
        XCTAssertTrue(noIdle.err.contains("--idle-timeout must be seconds, above 0 up to 3600"), noIdle.err)
    }

    /// Raw HTTP/1.1 on one keep-alive connection: every request written at once (pipelined)
    /// or each after the previous answer, each answer read in turn as
    /// [status, [[name, value]…] without Date, Date, body].
    func rawExchange(_ server: Running, _ requests: [(path: String, headers: [String])], pipelined: Bool) throws -> [[Any]] {
        let wire = requests.map { r in "GET \(r.path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + r.headers.map { $0 + "\r\n" }.joined() + "\r\n" }
        return try wireExchange(server, wire, pipelined: pipelined)
    }

    /// `rawExchange` for requests written out whole (any method, fields and body); with
    /// `chunk`, each write is that many bytes, 20 ms apart (so heads arrive in pieces).
    func wireExchange(_ server: Running, _ wire: [String], pipelined: Bool, chunk: Int = 0) throws -> [[Any]] {
        let port = try XCTUnwrap(server.base.split(separator: ":").last.map(String.init))
        let script = """
            import json, socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pipelined, chunk, requests = sys.argv[2] == "true", int(sys.argv[3]), sys.argv[4:]
            def send(text):
                data = text.encode()
                if chunk == 0: return s.sendall(data)
                for i in range(0, len(data), chunk):
                    s.sendall(data[i:i + chunk]); time.sleep(0.02)
            if pipelined: send("".join(requests))
            f = s.makefile("rb")
            out = []
            for r in requests:
                if not pipelined: send(r)
                status = int(f.readline().split()[1])
                fields, date, length = [], "", 0
                while True:
                    line = f.readline().decode().rstrip("\\r\\n")
                    if not line: break
                    name, value = line.split(":", 1)
                    if name.lower() == "date": date = value.strip(); continue
                    fields.append([name.lower(), value.strip()])
                    if name.lower() == "content-length": length = int(value)
                out.append([status, fields, date, f.read(length).decode()])
            print(json.dumps(out))
            """
        let r = try run("python3", ["-c", script, port, pipelined ? "true" : "false", String(chunk)] + wire)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[Any]], r.err)
    }

    /// The common GET /where is answered in the connection's pipeline once the token is
    /// remembered (see WhereFastPath): the same status, headers in the same order (Date aside),
    /// the same body as Hummingbird's answer to the first request, which verified the token.
    func testPipelineAnswerHasHummingbirdsHeadersAndBody() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let bearer = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let path = "/api/v1/where?at=" + query(insideNamRuem)
        let answers = try rawExchange(server, [(path, [bearer]), (path, [bearer]), (path, [bearer])], pipelined: false)
        XCTAssertEqual(answers.count, 3)
        let first = try XCTUnwrap(answers.first)
        XCTAssertEqual(first[0] as? Int, 200)
        for later in answers.dropFirst() {
            XCTAssertEqual(later[0] as? Int, 200)
            XCTAssertEqual("\(later[1])", "\(first[1])", "the same headers in the same order")
            XCTAssertEqual(later[3] as? String, first[3] as? String)
        }
        let names = (first[1] as? [[String]])?.map { $0[0] } ?? []
        XCTAssertEqual(names, ["content-type", "content-length", "server"])
        for a in answers {
            let date = a[2] as? String ?? ""
            XCTAssertNotNil(date.range(of: #"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$"#,
                                    options: .regularExpression), date)
        }
        XCTAssertEqual(first[3] as? String, try cliWhere(db, insideNamRuem))
    }

    /// The common query written plain (`?at=16.9,99.2`, read without Hummingbird's URI in the
    /// pipeline) and the same point percent-encoded get Hummingbird's answer byte for byte,
    /// on one connection (the credential's key kept from one request to the next).
    func testPlainQueryAnswerIsHummingbirdsAndTheCLIs() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let bearer = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let text = insideNamRuem.replacingOccurrences(of: " ", with: "")
        let plain = "/api/v1/where?at=" + text, encoded = "/api/v1/where?at=" + query(text)
        XCTAssertNotEqual(plain, encoded)
        let answers = try rawExchange(server, [(plain, [bearer]), (plain, [bearer]), (encoded, [bearer]), (plain, [bearer])], pipelined: false)
        XCTAssertEqual(answers.map { $0[0] as? Int }, [200, 200, 200, 200])
        for later in answers.dropFirst() {
            XCTAssertEqual("\(later[1])", "\(answers[0][1])", "the same headers in the same order")
            XCTAssertEqual(later[3] as? String, answers[0][3] as? String)
        }
        XCTAssertEqual(answers[0][3] as? String, try cliWhere(db, text))
    }

    /// Pipelined requests are answered in their order when some are answered in the pipeline
    /// and others by Hummingbird (a bad token, a point outside every unit, no `at`, a cookie).
    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let bearer = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let nam = "/api/v1/where?at=" + query(insideNamRuem), maeSot = "/api/v1/where?at=" + query(insideMaeSot)
        let outside = "/api/v1/where?at=" + query("13.7563, 100.5018")
        XCTAssertEqual(try http(server, "GET", nam, headers: [bearer]).status, 200)  // the token is remembered
        let requests: [(path: String, headers: [String])] = [
            (nam, [bearer]), (maeSot, ["Authorization: Bearer not-a-token"]), (maeSot, [bearer]), (outside, [bearer]),
            ("/api/v1/where", [bearer]), (nam, ["Cookie: eplan_session=unknown"]), (maeSot, [bearer]), (nam, [bearer]),
        ]
        let answers = try rawExchange(server, requests, pipelined: true)
        XCTAssertEqual(answers.map { $0[0] as? Int }, [200, 401, 200, 200, 400, 401, 200, 200])
        XCTAssertEqual(answers[0][3] as? String, try cliWhere(db, insideNamRuem))
        XCTAssertEqual(answers[2][3] as? String, try cliWhere(db, insideMaeSot))
        XCTAssertEqual(answers[3][3] as? String, try cliWhere(db, "13.7563, 100.5018"))
        XCTAssertEqual(answers[6][3] as? String, try cliWhere(db, insideMaeSot))
        XCTAssertEqual(answers[7][3] as? String, try cliWhere(db, insideNamRuem))
        XCTAssertTrue((answers[4][3] as? String ?? "").contains("urn:eplan:problem:bad-input"))
    }

    /// Requests read from the connection's bytes (see WhereOnTheWire) in every shape they
    /// arrive in: heads in pieces of 3 bytes, requests with a body between common ones (the
    /// decoder takes the connection over from there), and HTTP/1.0. All are answered, in
    /// order, as Hummingbird answers them.
    func testHeadsInPiecesBodiesAndOldVersionsAreAnsweredInOrder() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let bearer = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let nam = "/api/v1/where?at=" + query(insideNamRuem), maeSot = "/api/v1/where?at=" + query(insideMaeSot)
        func get(_ path: String, _ fields: [String] = [bearer], version: String = "1.1") -> String {
            "GET \(path) HTTP/\(version)\r\nHost: 127.0.0.1\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
        }
        XCTAssertEqual(try http(server, "GET", nam, headers: [bearer]).status, 200)  // the token is remembered
        let (namJSON, maeSotJSON) = (try cliWhere(db, insideNamRuem), try cliWhere(db, insideMaeSot))

        let pieces = try wireExchange(server, [get(nam), get(maeSot), get(nam, ["Authorization: Bearer nope"]), get(nam)],
                                      pipelined: false, chunk: 3)
        XCTAssertEqual(pieces.map { $0[0] as? Int }, [200, 200, 401, 200])
        XCTAssertEqual(pieces.map { $0[3] as? String }[0...1], [namJSON, maeSotJSON])
        XCTAssertEqual(pieces[3][3] as? String, namJSON)
        let pipelinedPieces = try wireExchange(server, [get(nam), get(maeSot), get(nam)], pipelined: true, chunk: 5)
        XCTAssertEqual(pipelinedPieces.map { $0[3] as? String }, [namJSON, maeSotJSON, namJSON])

        let login = #"{"name":"somchai","password":"not the password"}"#
        let post = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(login.utf8.count)\r\n\r\n" + login
        let chunked = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(login.utf8.count, radix: 16) + "\r\n" + login + "\r\n0\r\n\r\n"
        for mode in [true, false] {
            let mixed = try wireExchange(server, [get(nam), post, get(maeSot), chunked, get(nam), get(nam, version: "1.0")], pipelined: mode)
            XCTAssertEqual(mixed.map { $0[0] as? Int }, [200, 401, 200, 401, 200, 200], "pipelined: \(mode)")
            XCTAssertEqual(mixed.map { $0[3] as? String }[4...5], [namJSON, namJSON])
            XCTAssertEqual(mixed[2][3] as? String, maeSotJSON)
            XCTAssertTrue((mixed[1][3] as? String ?? "").contains("urn:eplan:problem:unauthenticated"), "\(mixed[1])")
        }
    }

    /// A connection whose requests are answered before decoding is busy, not idle: it
    /// outlives the header and idle timeouts (1 s each here) while it sends a request every
    /// 0.3 s for 3 s, and is closed once it stops (the idle timeout counts those answers).
    func testBusyConnectionOutlivesTheTimeoutsAndIsClosedOnceIdle() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let bearer = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db, ["--idle-timeout", "1", "--header-timeout", "1"])
        let port = try XCTUnwrap(server.base.split(separator: ":").last.map(String.init))
        let request = "GET /api/v1/where?at=" + query(insideNamRuem) + " HTTP/1.1\r\nHost: x\r\n" + bearer + "\r\n\r\n"
        // Remembered on another connection: this one's first request is answered before decoding too.
        XCTAssertEqual(try http(server, "GET", "/api/v1/where?at=" + query(insideNamRuem), headers: [bearer]).status, 200)
        let script = """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            f = s.makefile("rb")
            statuses = []
            for i in range(10):
                s.sendall(sys.argv[2].encode())
                statuses.append(f.readline().split()[1].decode())
                length = 0
                while True:
                    line = f.readline()
                    if line in (b"\\r\\n", b""): break
                    if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
                f.read(length)
                time.sleep(0.3)
            s.settimeout(20)
            try:
                closed = s.recv(1) == b""
            except ConnectionResetError:
                closed = True
            except socket.timeout:
                closed = False
            print(" ".join(statuses), "closed" if closed else "open")
            """
        let r = try run("python3", ["-c", script, port, request])
        XCTAssertEqual(r.out.trimmingCharacters(in: .whitespacesAndNewlines), Array(repeating: "200", count: 10).joined(separator: " ") + " closed", r.err)
    }

    /// A client that writes 8,000 requests while it reads answers slowly: answers written
    /// before decoding pile up unread, the connection is handed to Hummingbird (which holds
    /// back reading) and every answer still arrives, in order.
    func testAnswersNotReadHandTheConnectionOverInOrder() throws {
        let db = try initStore()
        try addUser(db, "somchai", ["--role", "engineer", "--lao", "06630108"])
        let bearer = "Authorization: Bearer " + (try token(db, "somchai"))
        let server = try serve(db)
        let port = try XCTUnwrap(server.base.split(separator: ":").last.map(String.init))
        let nam = "/api/v1/where?at=" + query(insideNamRuem), maeSot = "/api/v1/where?at=" + query(insideMaeSot)
        XCTAssertEqual(try http(server, "GET", nam, headers: [bearer]).status, 200)  // the token is remembered
        let script = """
            import hashlib, socket, sys, threading
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            paths, n = sys.argv[2:4], 8000
            wire = "".join(f"GET {paths[i % 2]} HTTP/1.1\\r\\nHost: x\\r\\n{sys.argv[4]}\\r\\n\\r\\n" for i in range(n)).encode()
            threading.Thread(target=s.sendall, args=(wire,), daemon=True).start()
            f = s.makefile("rb")
            bodies = [[], []]
            for i in range(n):
                status = f.readline().split()[1]
                length = 0
                while True:
                    line = f.readline()
                    if line == b"\\r\\n": break
                    if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
                bodies[i % 2].append(f.read(length) if status == b"200" else b"status " + status)
            print(len(set(bodies[0])), len(set(bodies[1])))
            print(bodies[0][0].decode())
            print(bodies[1][0].decode())
            """
        let r = try run("python3", ["-c", script, port, nam, maeSot, bearer])
        let lines = r.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "1 1", "every answer to a path the same: \(r.err)")
        XCTAssertEqual(lines.dropFirst().first, try cliWhere(db, insideNamRuem))
        XCTAssertEqual(lines.dropFirst(2).first, try cliWhere(db, insideMaeSot))
    }
}

