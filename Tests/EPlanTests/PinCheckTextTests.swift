import Foundation
import XCTest
import EPlanCRS
@testable import EPlanApp

/// The shortcuts a served pin's check takes over its typed text give what the full reading
/// gives, for every form a client may send.
final class PinCheckTextTests: XCTestCase {
    /// The reading without the shortcut (the code as it was before it).
    func fullReading(_ texts: [String]) -> (text: String, isGeoJSON: Bool)? {
        guard texts.count == 1 else { return nil }
        let text = CoordinateParser.visible(texts[0]).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{") { return (text, true) }
        let upper = text.uppercased()
        if ["POINT", "LINESTRING", "POLYGON", "MULTI"].contains(where: { upper.hasPrefix($0) }) { return (text, false) }
        return nil
    }

    func testGeometryTextShortcutAgreesWithTheFullReading() {
        let inputs = ["16.7, 98.5", "-16.7 98.5", "+16.7 98.5", " \t16.7,98.5\n", "\u{200B}16.7, 98.5", "47N 453809 1848266",
                      "47QMV5380948266", "16°43'00\"N 98°34'00\"E", "N16 E98", "ละติจูด 16.7 ลองจิจูด 98.5", "",
                      "POINT (98.5 16.7)", "point(98.5 16.7)", " \u{200B}\u{FEFF}LINESTRING (1 2, 3 4)", "Polygon ((0 0, 1 0, 1 1, 0 0))",
                      "MULTIPOINT ((1 2))", "\n{\"type\": \"Point\", \"coordinates\": [98.5, 16.7]}", "\u{00A0}POINT (1 2)",
                      "\u{3000}{\"type\": \"Point\"}", "ｐOINT (1 2)", "lat 16.7 lon 98.5", "mgrs"]
        for text in inputs {
            let fast = PinProject.singleGeometryText([text]), full = fullReading([text])
            XCTAssertEqual(fast?.text, full?.text, text)
            XCTAssertEqual(fast?.isGeoJSON, full?.isGeoJSON, text)
        }
        XCTAssertNil(PinProject.singleGeometryText(["POINT (1 2)", "3 4"]))
    }

    func testCodeTrimmingShortcutAgreesWithFoundation() {
        for code in ["P1", " P1", "P1 ", "\tP1", "P 1", "", " ", "โครงการ1", "\u{3000}P1\u{3000}", "P1\u{00A0}"] {
            XCTAssertEqual(PinProject.trimmed(code), code.trimmingCharacters(in: .whitespaces), code)
        }
    }
}
