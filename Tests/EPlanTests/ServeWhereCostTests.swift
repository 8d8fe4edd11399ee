import Foundation
import XCTest
@testable import EPlanApp
@testable import EPlanCRS
@testable import EPlanGeometry
@testable import EPlanServer

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
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.125, 1e-320]
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
}
