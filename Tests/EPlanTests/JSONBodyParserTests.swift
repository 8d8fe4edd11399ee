import Foundation
import XCTest
@testable import EPlanServer

/// How bodies were read before `JSONBodyParser`: Foundation's JSONDecoder, each value's type
/// found by trying them in turn. The reference the parser must agree with.
private struct DecodedJSON: Decodable {
    let value: JSONValue

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = .null }
        else if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let n = try? c.decode(Double.self) { value = .number(n) }
        else if let s = try? c.decode(String.self) { value = .string(s) }
        else if let a = try? c.decode([DecodedJSON].self) { value = .array(a.map(\.value)) }
        else { value = .object(try c.decode([String: DecodedJSON].self).mapValues(\.value)) }
    }
}

/// A request body is read by `JSONBodyParser`, straight from its bytes; it must answer as
/// Foundation's `JSONDecoder` (which read bodies before) does, on good and broken JSON alike.
final class JSONBodyParserTests: XCTestCase {
    private func reference(_ bytes: [UInt8]) -> JSONValue? {
        (try? JSONDecoder().decode(DecodedJSON.self, from: Data(bytes)))?.value
    }

    private func parsed(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBytes { JSONValue.parse($0) }
    }

    static let good = [
        #"{}"#, #"[]"#, #"{"location": "16.9199105, 99.2177229"}"#, #" {"a" : [1, 2.5, -0, 1e3, 1E+3, -1.5e-3, 0.000001], "b": {"c": null}} "#,
        #"{"dry_run": true, "force": false, "tolerance_m": 30}"#, #"{"n": 123456789012345678901234567890}"#,
        #"{"s": "อบต.น้ำรึม \"quoted\" \\ \/ \b\f\n\r\t \u0e19\u0E49 \ud83d\ude00 \u0000"}"#,
        "{\"tab\":\t\"x\"\r\n}", #"true"#, #"false"#, #"null"#, #""x""#, #"3"#, #"-12.75e+2"#, #"[[[[[]]]]]"#,
        #"{"a": 1, "a": 2}"#, #"{"":""}"#, #"["\u00e9", "é"]"#,
        // Not RFC 8259, but JSONDecoder reads them, so clients may have sent them.
        "[1,]", #"{"a":1,}"#, "[1 , ]",
    ]
    static let broken = [
        "", " ", "{", "}", #"{"a":}"#, "[,]", "{,}", "[1,,]", "01", "1.", ".5", "+1", "NaN", "Infinity", "tru", "nul",
        #""\x""#, #""a"#, "\"a\u{01}b\"", #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "1e400", "-1e999",
        #"{"a" 1}"#, "[1 2]", "// c\n{}", "{} {}", "[1]]", #"{a: 1}"#, "'a'", #""\u12""#, #""\u12G4""#, "-", "1e", "1e+",
        #"{"a":tRue}"#, "[", "[1,", #"{"a""#,
    ]

    func testParsesAsJSONDecoderDoes() {
        for text in Self.good + Self.broken {
            let bytes = Array(text.utf8)
            XCTAssertEqual(parsed(bytes), reference(bytes), text)
        }
        for text in Self.good { XCTAssertNotNil(parsed(Array(text.utf8)), text) }
        for text in Self.broken { XCTAssertNil(parsed(Array(text.utf8)), text) }
        // Raw bytes that are not UTF-8, inside a string and outside; a UTF-8 byte order mark.
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xE0, 0xB8, 0x22], [0x5B, 0xC3, 0x5D], [0xEF, 0xBB, 0xBF, 0x7B, 0x7D]] {
            XCTAssertEqual(parsed(bytes), reference(bytes), "\(bytes)")
        }
        XCTAssertEqual(parsed(Array(#"{"s": "\ud83d\ude00"}"#.utf8)), .object(["s": .string("😀")]))
        XCTAssertEqual(parsed(Array(#"[true, 1]"#.utf8)), .array([.bool(true), .number(1)]), "a boolean is never a number")
    }

    /// Nesting is bounded: a body of a million brackets is refused, not a stack overflow.
    func testDeepNestingIsRefused() {
        XCTAssertNotNil(parsed(Array((String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).utf8)))
        XCTAssertNil(parsed(Array((String(repeating: "[", count: 513) + String(repeating: "]", count: 513)).utf8)))
        XCTAssertNil(parsed(Array(String(repeating: "[{\"a\":", count: 200_000).utf8)))
    }
}
