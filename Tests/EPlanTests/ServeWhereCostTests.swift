import Foundation
import HTTPTypes
import HummingbirdCore
import XCTest
@testable import EPlanApp
@testable import EPlanCRS
@testable import EPlanDomain
@testable import EPlanGeometry
@testable import EPlanServer
import EPlanStore

/// The cheaper ways a `GET /where` is now read, authenticated and written (callgrind: they
/// cost more than the place look-up itself): each gives exactly what the general code gives,
/// checked here against it on many inputs.
final class ServeWhereCostTests: XCTestCase {
    /// A fixed pseudo-random sequence (the same inputs on every run).
    struct Sequence {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    func decimalTexts() -> [String] {
        var texts = ["16.7167,98.5667", "16.7167, 98.5667", "-16.7, 98.5", "+16.7 ,98.5", "016.70,098.50", "0,0",
                     "-0.0,-0", "90,180", "90.0000001,180", "-90,-180.5", "1234,98", "16.7,1848000", "0016.7,98.5",
                     "0000,98.5", "16.,98.5", ".5,98.5", "16.7,98.5,", "16.7,,98.5", " 16.7,98.5", "16.7,98.5 ",
                     "16.7 98.5", "N16.7,98.5", "16.7,98.5E", "- 16.7,98.5", "16.7,+-98.5", "16,7,98,5",
                     "16.7167,\t98.5667", "13.749874,100.503113", "16.7167,   98.5667", "๑๖.๗,๙๘.๕", "16.7;98.5",
                     "1e1,98.5", "16.7,98.5.1", ",", "", "16.7,", ",98.5", "999,9", "-181,16", "16.7167,98.5667\n"]
        var r = Sequence()
        for _ in 0..<3000 {
            func value(_ limit: Int) -> String {
                let sign = ["", "", "-", "+"][r.next(4)]
                let int = String(r.next(limit + 20))
                let zeros = String(repeating: "0", count: r.next(5) == 0 ? r.next(3) : 0)
                let frac = r.next(4) == 0 ? "" : "." + String((0..<(1 + r.next(9))).map { _ in Character(String(r.next(10))) })
                return sign + zeros + int + frac
            }
            let spaces = [("", ""), ("", " "), (" ", ""), ("  ", "  ")][r.next(4)]
            texts.append(value(90) + spaces.0 + "," + spaces.1 + value(180))
        }
        return texts
    }

    /// Two decimal degrees and a comma are read without the lexer: the same point, the same
    /// raw text, to the last bit; everything else (and every refusal) still goes through it.
    func testPlainDecimalPairReadsAsTheGeneralParser() throws {
        var taken = 0
        for lonFirst in [false, true] {
            let parser = CoordinateParser(longitudeFirst: lonFirst)
            for text in decimalTexts() {
                let general = Result { try parser.parseAnyForm(text) }
                if let fast = parser.plainDecimalPair(text) {
                    taken += 1
                    let expected = try general.get()
                    XCTAssertEqual(fast, expected, text)
                    XCTAssertEqual(fast.native.x.bitPattern, expected.native.x.bitPattern, text)
                    XCTAssertEqual(fast.native.y.bitPattern, expected.native.y.bitPattern, text)
                }
                switch (Result { try parser.parse(text) }, general) {
                case (.success(let a), .success(let b)): XCTAssertEqual(a, b, text)
                case (.failure(let a), .failure(let b)): XCTAssertEqual("\(a)", "\(b)", text)
                default: XCTFail("parse and the general parser disagree on '\(text)'")
                }
            }
        }
        XCTAssertGreaterThan(taken, 2000, "the common form takes the short way")
        XCTAssertNotNil(CoordinateParser().plainDecimalPair("13.749874,100.503113"))
    }

    /// Numbers as `String(format: "%.Nf")` wrote them.
    func testFixedDecimalsAsStringFormat() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1.5, 2.5, 0.05, 0.00000005, 0.00000015, 0.00000025, 0.000000049999,
                                98.5667, -98.5667, 16.71670005, 100.50311349999999, 1e21, -1e300, 123456789.123456789,
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.125, .leastNonzeroMagnitude * 2024 /* 1e-320, a subnormal */]
        var r = Sequence()
        for _ in 0..<3000 {
            let scale = pow(10.0, Double(r.next(12)) - 6)
            values.append((Double(r.next(1_000_000_007)) / 1_000_000_007 - 0.3) * scale)
        }
        for v in values {
            for d in [0, 1, 2, 6, 7, 9, 17] {
                XCTAssertEqual(JSONText.fixed(v, decimals: d), String(format: "%.\(d)f", v), "\(v) with \(d) decimals")
            }
        }
        XCTAssertEqual(JSONText.number(98.5667, decimals: 7), "98.5667")
        XCTAssertEqual(JSONText.number(-0.00000001, decimals: 7), "0")
        XCTAssertEqual(JSONText.number(.nan, decimals: 7), "null")
    }

    /// Texts without a character to escape are quoted whole; the others escaped as before.
    func testStringsQuotedAsBefore() {
        XCTAssertEqual(JSONText.string("ตำบลแม่สอด"), "\"ตำบลแม่สอด\"")
        XCTAssertEqual(JSONText.string(""), "\"\"")
        XCTAssertEqual(JSONText.string("Mae Sot / แม่สอด 😀"), "\"Mae Sot / แม่สอด 😀\"")
        XCTAssertEqual(JSONText.string("a\"b\\c\nd\re\tf\u{1}g\u{1F}"), "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001f\"")
    }

    /// The token check and the Authorization header's split, as Foundation's character sets
    /// and trimming answered them.
    func testAuthorizationReadAsBefore() {
        func wellFormedBefore(_ token: String) -> Bool {
            token.count == 43 && token.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" }
        }
        func splitBefore(_ header: String) -> (String, String) {
            let parts = header.split(separator: " ", maxSplits: 1).map(String.init)
            return (parts.first?.lowercased() ?? "", parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        let token = Secrets.randomToken()
        let tokens = [token, token + "x", String(token.dropLast()), String(token.dropLast()) + "é", String(token.dropLast()) + "=",
                      String(repeating: "ก", count: 43), String(repeating: "-", count: 43), String(repeating: "_", count: 43),
                      String(repeating: "a", count: 42) + " ", String(repeating: "e", count: 42) + "e\u{301}", "", "٣" + String(token.dropFirst())]
        for t in tokens { XCTAssertEqual(Authenticator.isWellFormedToken(t), wellFormedBefore(t), t) }
        let headers = ["Bearer " + token, "bearer  " + token, "BEARER " + token + " ", "Bearer\t" + token, "Basic dXNlcjpwYXNz",
                       "Bearer", "Bearer ", " Bearer x", "Bearer \u{00A0}tok\u{00A0}", "Bearer \ttok\t", "Bearer a b", "Bearer é", "",
                       "Bearer x\u{3000}", "Bearer \u{7F}x"]
        for h in headers {
            let (scheme, value) = Authenticator.schemeAndValue(h), (schemeBefore, valueBefore) = splitBefore(h)
            XCTAssertEqual(scheme, schemeBefore, h)
            XCTAssertEqual(value, valueBefore, h)
        }
    }

    /// Numbers from Swift's shortest digits where that gives printf's text, printf elsewhere:
    /// `number` writes what it wrote before (`printed`) for every value and decimal count.
    func testNumberFromShortestDigitsAsPrintf() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1.5, 2.5, 0.05, 0.00000005, 0.00000015, 0.00000025, 0.000000049999,
                                98.5667, -98.5667, 16.71670005, 100.50311349999999, 1e21, -1e300, 123456789.123456789,
                                999_999.999_999_999, 1e6, -1e6, 999_999.5, 0.0001, 0.00001, 1e-7, 1e-9, 1e-10, 5e-10,
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.125, .leastNonzeroMagnitude * 2024 /* 1e-320 */, 0.1 + 0.2, 16.0, 100]
        var r = Sequence()
        for _ in 0..<4000 {
            let scale = pow(10.0, Double(r.next(14)) - 8)
            values.append((Double(r.next(1_000_000_007)) / 1_000_000_007 - 0.3) * scale)
            // Coordinates as clients type them: up to 9 decimals, read back as a double.
            let digits = r.next(10)
            let text = String(r.next(181)) + (digits == 0 ? "" : "." + String((0..<digits).map { _ in Character(String(r.next(10))) }))
            values.append(Double(text) ?? 0)
            values.append(-(Double(text) ?? 0))
        }
        var shortCut = 0
        for v in values {
            for d in [0, 1, 2, 6, 7, 9, 10, 17] {
                if JSONText.shortest(v, decimals: d) != nil { shortCut += 1 }
                XCTAssertEqual(JSONText.number(v, decimals: d), JSONText.printed(v, decimals: d), "\(v) with \(d) decimals")
            }
        }
        XCTAssertGreaterThan(shortCut, 10_000, "typed coordinates take the short way")
        XCTAssertEqual(JSONText.number(-0.00000001, decimals: 7), "0")
        XCTAssertEqual(JSONText.number(.infinity, decimals: 7), "null")
    }

    /// `where`'s JSON, as the array of fields joined wrote it before, for answers with and
    /// without units, a nearest unit, texts to escape, and other CRSs.
    func testWhereJSONAsBefore() throws {
        func before(_ w: WhereResult) -> String {
            func unit(_ u: AdminUnit?) -> String {
                guard let u else { return "null" }
                return "{\"code\":\(JSONText.string(u.code)),\"name_th\":\(JSONText.string(u.nameTH)),\"name_en\":\(JSONText.string(u.nameEN))}"
            }
            let a = w.answer
            var fields = [
                "\"input\":\(JSONText.string(w.input.raw))", "\"input_crs\":\"EPSG:\(w.input.crs.epsg)\"",
                "\"lon\":\(JSONText.printed(a.point.x, decimals: 7))", "\"lat\":\(JSONText.printed(a.point.y, decimals: 7))",
                "\"inside\":\(a.isInside)", "\"province\":\(unit(a.province))", "\"amphoe\":\(unit(a.amphoe))", "\"tambon\":\(unit(a.tambon))",
            ]
            if let n = a.nearest {
                fields.append("\"nearest\":{\"level\":\"\(n.unit.level.rawValue)\",\"unit\":\(unit(n.unit)),\"distance_m\":\(JSONText.printed(n.distanceMetres, decimals: 1))}")
            } else {
                fields.append("\"nearest\":null")
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        func unit(_ level: BoundaryLevel, _ code: String, _ th: String, _ en: String?) -> AdminUnit {
            AdminUnit(BoundaryRecord(level: level, code: code, parentCode: nil, provinceCode: "63", nameTH: th, nameEN: en,
                                     geometry: .multiPolygon([])))
        }
        let units = [unit(.province, "63", "ตาก", "Tak"), unit(.amphoe, "6306", "แม่สอด", nil),
                     unit(.tambon, "630601", "แม่\"สอด\\\n", "Mae \"Sot\"\t😀")]
        let inputs = [ParsedCoordinate(raw: "16.7167,98.5667", crs: .wgs84, native: Coordinate(98.5667, 16.7167)),
                      ParsedCoordinate(raw: "47N 453809 \"1848266\"", crs: try CRS(epsg: 32647), native: Coordinate(453809, 1848266))]
        let points = [Coordinate(98.5667, 16.7167), Coordinate(-0.0, 1e-9), Coordinate(100.50311349999999, 13.749874), Coordinate(.nan, 1e7)]
        var checked = 0
        for input in inputs {
            for point in points {
                for mask in 0..<8 {
                    var answer = PlaceAnswer(point: point)
                    if mask & 1 != 0 { answer.province = units[0] }
                    if mask & 2 != 0 { answer.amphoe = units[1] }
                    if mask & 4 != 0 { answer.tambon = units[2] }
                    for nearest in [nil, NearestUnit(unit: units[2], distanceMetres: 1234.56, closestPoint: point)] {
                        answer.nearest = nearest
                        let w = WhereResult(input: input, answer: answer)
                        XCTAssertEqual(w.json(), before(w))
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, 128)
    }

    /// The common `?at=` query read directly, everything else by Hummingbird's URI: the
    /// same request either way, or the same refusal.
    func testWhereQueryReadAsHummingbird() {
        let values = ["16.7167,98.5667", "13.749874,100.503113", "-16.7,-98.5", "16.7", ",", "-", "1,2,3", "16.7%2C98.5",
                      "16.7167%2C%2098.5667", "16.7+98.5", "47N%20453809%201848266", "16.7,98.5&crs=EPSG:4326",
                      "16.7,98.5&lon_first=true", "16.7,98.5#frag", "16.7,98.5&at=1,2", "", "%", "16.7,98.5&"]
        var paths = ["/api/v1/where", "/api/v1/where?", "/api/v1/where?crs=EPSG:32647&at=1,2", "/api/v1/where?lon_first=true&at=98.5,16.7",
                     "/api/v1/where?at", "/api/v1/where?at=", "/api/v1/where?AT=16,98", "/api/v1/where?at=16.7,98.5?at=1"]
        paths += values.map { "/api/v1/where?at=" + $0 }
        for path in paths {
            let fast = Result { try WhereFastPath.whereRequest(path) }, general = Result { try EPlanRoutes.whereRequest(URI(path)) }
            switch (fast, general) {
            case (.success(let a), .success(let b)):
                XCTAssertEqual(a.coordinate, b.coordinate, path)
                XCTAssertEqual(a.crs, b.crs, path)
                XCTAssertEqual(a.longitudeFirst, b.longitudeFirst, path)
            case (.failure(let a), .failure(let b)): XCTAssertEqual("\(a)", "\(b)", path)
            default: XCTFail("the short way and Hummingbird's URI disagree on '\(path)'")
            }
        }
    }

    /// The pipeline answers only a GET of the route with exactly one Authorization header and
    /// no Connection header; the credential's cache key is what the route's check computes.
    func testPipelineTakesOnlyPlainRequests() throws {
        func head(_ fields: [(String, String)], _ method: HTTPRequest.Method = .get, _ path: String = "/api/v1/where?at=16.7,98.5") -> HTTPRequest {
            var h = HTTPFields()
            for (name, value) in fields { h.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            return HTTPRequest(method: method, scheme: nil, authority: "localhost", path: path, headerFields: h)
        }
        let token = Secrets.randomToken()
        XCTAssertEqual(WhereFastPath.mayAnswer(head([("Authorization", "Bearer " + token)])), "Bearer " + token)
        XCTAssertEqual(WhereFastPath.mayAnswer(head([("Host", "x"), ("authorization", "Basic dXNlcjpwYXNz"), ("Accept", "*/*")])), "Basic dXNlcjpwYXNz")
        XCTAssertEqual(WhereFastPath.mayAnswer(head([("Authorization", "Bearer x")], .get, "/api/v1/where")), "Bearer x")
        XCTAssertNil(WhereFastPath.mayAnswer(head([])))
        XCTAssertNil(WhereFastPath.mayAnswer(head([("Cookie", "eplan_session=x")])))
        XCTAssertNil(WhereFastPath.mayAnswer(head([("Authorization", "Bearer " + token), ("Connection", "close")])))
        XCTAssertNil(WhereFastPath.mayAnswer(head([("Connection", "keep-alive"), ("Authorization", "Bearer " + token)])))
        XCTAssertNil(WhereFastPath.mayAnswer(head([("Authorization", "Bearer " + token), ("Authorization", "Bearer " + token)])))
        XCTAssertNil(WhereFastPath.mayAnswer(head([("Authorization", "Bearer " + token)], .post, "/api/v1/where?at=16.7,98.5")))
        XCTAssertNil(WhereFastPath.mayAnswer(head([("Authorization", "Bearer " + token)], .get, "/api/v1/wherever?at=1,2")))
        XCTAssertEqual(Authenticator.credentialKey("Bearer " + token), "t" + Secrets.sha256Hex(token))
        XCTAssertEqual(Authenticator.credentialKey("bearer  " + token + " "), "t" + Secrets.sha256Hex(token))
        XCTAssertEqual(Authenticator.credentialKey("Basic dXNlcjpwYXNz"), "b" + Secrets.sha256Hex("user:pass"))
        XCTAssertNil(Authenticator.credentialKey("Bearer " + token + "x"))
        XCTAssertNil(Authenticator.credentialKey("Basic bm9jb2xvbg=="))
        XCTAssertNil(Authenticator.credentialKey("Digest x"))
    }

    /// Request heads read from the connection's bytes (`WhereOnTheWire`): the route's common
    /// GET is read whole, at every split point it is incomplete, and everything the decoder
    /// must read (a body, another version, a folded or malformed line, bare line ends) is left to it.
    func testWireHeadsReadOnlyWhatTheyMay() {
        func scan(_ text: String, maxHead: Int = WhereOnTheWire.maxHead) -> WireRequestHead.Scan {
            Array(text.utf8).withUnsafeBytes { WireRequestHead.scan($0, maxHead: maxHead) }
        }
        func head(_ text: String) -> WireRequestHead? {
            if case .head(let h) = scan(text) { return h }
            return nil
        }
        let token = "Bearer " + Secrets.randomToken()
        let common = "GET /api/v1/where?at=16.7,98.5 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: \(token)\r\nAccept: */*\r\n\r\n"
        XCTAssertEqual(head(common), WireRequestHead(length: common.utf8.count, isGet: true, target: "/api/v1/where?at=16.7,98.5",
                                                     authorization: token, plain: true))
        XCTAssertEqual(head(common)?.mayBeAnswered, true)
        let bytes = Array(common.utf8)
        for cut in 0..<bytes.count {
            XCTAssertEqual(bytes[..<cut].withUnsafeBytes { WireRequestHead.scan($0, maxHead: 8192) }, .incomplete, "cut at \(cut)")
        }
        // Followed by the next request: only the first is read.
        XCTAssertEqual(head(common + common)?.length, common.utf8.count)
        // Field names in any case; spaces and tabs around values.
        XCTAssertEqual(head("GET /api/v1/where?at=1,2 HTTP/1.1\r\naUtHoRiZaTiOn:\t \(token) \r\n\r\n")?.authorization, token)
        // Read, but for Hummingbird to answer.
        for text in ["GET /api/v1/where?at=1,2 HTTP/1.1\r\nAuthorization: \(token)\r\nConnection: keep-alive\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nAuthorization: \(token)\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nExpect: 100-continue\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nUpgrade: h2c\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nHost: x\r\n\r\n",
                     "HEAD /api/v1/where?at=1,2 HTTP/1.1\r\nAuthorization: \(token)\r\n\r\n",
                     "DELETE /api/v1/where?at=1,2 HTTP/1.1\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/wherever?at=1,2 HTTP/1.1\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /ogc/collections HTTP/1.1\r\nAuthorization: \(token)\r\n\r\n"] {
            let h = head(text)
            XCTAssertNotNil(h, text)
            XCTAssertEqual(h?.mayBeAnswered, false, text)
        }
        // Left to the decoder with everything after it.
        for text in ["POST /api/v1/login HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nContent-Length: 0\r\nAuthorization: \(token)\r\n\r\n",
                     "POST /api/v1/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.0\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/2.0\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2  HTTP/1.1\r\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nAuthorization: Bearer\r\n x\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nAuthorization : \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nAuthorization: a\u{01}b\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\nAuthorization: \(token)\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nHost: a\rb\r\n\r\n",
                     "GET /api/v1/where?at=1,2 HTTP/1.1\r\nNoColon\r\n\r\n",
                     "\r\nGET /api/v1/where?at=1,2 HTTP/1.1\r\n\r\n",
                     "G(T /api/v1/where?at=1,2 HTTP/1.1\r\n\r\n"] {
            XCTAssertEqual(scan(text), .notRead, text)
        }
        // A head that has not ended within the limit, or ended past it.
        XCTAssertEqual(scan("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100), maxHead: 64), .notRead)
        XCTAssertEqual(scan(common, maxHead: common.utf8.count - 1), .notRead)
        XCTAssertNotEqual(scan(common, maxHead: common.utf8.count), .notRead)
    }

    /// The credential's key read as bytes for "Bearer " and a token: the key the general split
    /// gives, for every spelling of the scheme and tokens good and bad.
    func testBearerKeyAsTheGeneralSplit() {
        func general(_ header: String) -> String? {
            let (scheme, value) = Authenticator.schemeAndValue(header)
            guard scheme == "bearer" else { return scheme == "basic" ? Authenticator.credentialKey(header) : nil }
            return Authenticator.isWellFormedToken(value) ? "t" + Secrets.sha256Hex(value) : nil
        }
        let token = Secrets.randomToken()
        var headers: [String] = []
        for scheme in ["Bearer", "bearer", "BEARER", "BeArEr", "Bearer ", " Bearer", "Bearer\t", "Bearerx", "Beare", "B\u{0}arer", "Bearer\u{0}"] {
            for t in [token, String(token.dropLast()), token + "x", " " + String(token.dropFirst()), String(token.dropLast()) + " ",
                      String(token.dropLast()) + "=", String(token.dropLast()) + "é", String(repeating: "-", count: 43)] {
                headers.append(scheme + " " + t)
                headers.append(scheme + t)
            }
        }
        var shortWay = 0
        for h in headers {
            if h.utf8.count == 50 { shortWay += 1 }
            XCTAssertEqual(Authenticator.credentialKey(h), general(h), h.debugDescription)
        }
        XCTAssertGreaterThan(shortWay, 20)
    }

    /// SHA-256 in hex from the text's bytes, as coreutils' sha256sum writes it.
    func testSHA256HexAsSha256sum() throws {
        func sha256sum(_ text: String) throws -> String {
            let p = Process(), input = Pipe(), output = Pipe()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            p.standardInput = input
            p.standardOutput = output
            try p.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
        }
        for text in ["", "a", "abc", Secrets.randomToken(), "ตำบลแม่สอด", String(repeating: "x", count: 1000), "user:pass"] {
            XCTAssertEqual(Secrets.sha256Hex(text), try sha256sum(text), text)
        }
        XCTAssertEqual(Secrets.sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Secrets.sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
