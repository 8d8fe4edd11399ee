import Foundation
import XCTest
@testable import EPlanDomain

/// Our own XML reader (Sources/EPlanDomain/FieldData/XMLReader.swift), which replaced
/// Foundation's XMLParser and with it libxml2 and the system ICU in every `eplan` process.
final class XMLReaderTests: XCTestCase {
    func tree(_ text: String) throws -> XMLElementNode { try XMLTree.read(bytes: Array(text.utf8), path: "t.xml") }

    /// The English message of a malformed document.
    func failure(_ text: String) -> String { failure(bytes: Array(text.utf8)) }
    func failure(bytes: [UInt8]) -> String {
        do {
            let root = try XMLTree.read(bytes: bytes, path: "t.xml")
            return "read <\(root.name)>"
        } catch let e as FieldDataError {
            XCTAssertTrue(e.message.th.hasPrefix("t.xml: XML ไม่ถูกต้อง ที่บรรทัด "), e.message.th)
            return e.message.en
        } catch { return "\(error)" }
    }

    func testDeclarationCommentsInstructionsDoctypeAndCDATA() throws {
        let root = try tree("""
            <?xml version="1.0" encoding="UTF-8" standalone="no" ?>
            <!-- written by hand -->
            <!DOCTYPE gpx [ <!ENTITY x "a > b ] c"> ]>
            <?xml-stylesheet href="s.xsl"?>
            <gpx:gpx xmlns:gpx="http://www.topografix.com/GPX/1/1" version='1.1'>
              <!-- a comment -->
              <gpx:wpt lat="16.9" lon='99.2'><?pi inside?><name><![CDATA[<P1> & "x"]]></name></gpx:wpt>
              <wpt lat="1" lon="2"/>
            </gpx:gpx>
            <!-- after the root -->

            """)
        XCTAssertEqual(root.name, "gpx")
        XCTAssertEqual(root.attributes["version"], "1.1")
        XCTAssertEqual(root.attributes["xmlns:gpx"], "http://www.topografix.com/GPX/1/1")
        XCTAssertEqual(root.line, 5)
        XCTAssertEqual(root.all("wpt").map(\.line), [7, 8])
        XCTAssertEqual(root.all("wpt")[0].attributes, ["lat": "16.9", "lon": "99.2"])
        XCTAssertEqual(root.all("wpt")[0].childText("name"), "<P1> & \"x\"")
        XCTAssertEqual(root.all("wpt")[1].children.count, 0)
    }

    func testEntitiesCharacterReferencesAndWhiteSpace() throws {
        let root = try tree("<a t=\"x&amp;y&#9;&#x0E01;\n\tz\" q='&quot;&apos;'>&lt;&gt;&amp;&apos;&quot; &#3585;&#x1F600;\r\nend<b/>tail</a>")
        XCTAssertEqual(root.attributes["t"], "x&y\tก  z")   // literal line break and tab → spaces, &#9; kept
        XCTAssertEqual(root.attributes["q"], "\"'")
        XCTAssertEqual(root.text, "<>&'\" ก😀\nendtail")
    }

    func testUTF8WithAndWithoutBOMAndThaiNames() throws {
        let body = "<kml><ชื่อ>อบต.น้ำรึม</ชื่อ></kml>"
        XCTAssertEqual(try tree(body).childText("ชื่อ"), "อบต.น้ำรึม")
        let withBOM = try XMLTree.read(bytes: [0xEF, 0xBB, 0xBF] + Array(body.utf8), path: "t.xml")
        XCTAssertEqual(withBOM.childText("ชื่อ"), "อบต.น้ำรึม")
        XCTAssertTrue(failure(bytes: [0xFF, 0xFE, 0x3C, 0x00]).contains("encoded as UTF-16, but only UTF-8 is read"))
        XCTAssertEqual(failure("<?xml version=\"1.0\" encoding=\"windows-874\"?>\n<a/>"),
                       "t.xml: malformed XML at line 1, column 1: the file is encoded as windows-874, but only UTF-8 is read (save the file as UTF-8)")
        // TIS-620 bytes (ก = 0xA1) in a file that says nothing of its encoding.
        XCTAssertEqual(failure(bytes: Array("<a>\nx".utf8) + [0xA1] + Array("</a>".utf8)),
                       "t.xml: malformed XML at line 2, column 2: the bytes are not UTF-8 (save the file as UTF-8)")
    }

    /// Columns count characters, as an editor shows them, not bytes.
    func testMalformedDocumentsNameLineAndColumn() {
        XCTAssertEqual(failure("<a>\n  <b>ก</c>\n</a>"),
                       "t.xml: malformed XML at line 2, column 11: an end tag does not match its start tag: </c> where <b> (line 2) is open")
        XCTAssertEqual(failure("<gpx>\n<wpt lat=\"1\">\n"),
                       "t.xml: malformed XML at line 3, column 1: a tag left unclosed, or the document ends inside one: <wpt> (line 2)")
        XCTAssertEqual(failure("<gpx><wpt lat=\"16.9"),
                       "t.xml: malformed XML at line 1, column 20: a tag left unclosed, or the document ends inside one: <wpt> (line 1)")
        XCTAssertEqual(failure("<a>x &nbsp; y</a>"),
                       "t.xml: malformed XML at line 1, column 6: an unknown entity &nbsp; (only &lt; &gt; &amp; &apos; &quot; and &#…; are read — entities declared in a DOCTYPE are not expanded)")
        XCTAssertEqual(failure("<a>\nR&D</a>"), "t.xml: malformed XML at line 2, column 2: an & not written as &amp;")
        XCTAssertEqual(failure("<a>&#0;</a>"), "t.xml: malformed XML at line 1, column 4: the character reference &#0; is not a character XML allows")
        XCTAssertEqual(failure("<a>&#xD800;</a>"), "t.xml: malformed XML at line 1, column 4: the character reference &#xD800; is not a character XML allows")
        XCTAssertEqual(failure("<a/>\n<b/>"), "t.xml: malformed XML at line 2, column 1: text after the end of the document")
        XCTAssertEqual(failure("<a/>junk"), "t.xml: malformed XML at line 1, column 5: text after the end of the document")
        XCTAssertEqual(failure("<a x=1/>"), "t.xml: malformed XML at line 1, column 6: a malformed attribute (unquoted or repeated)")
        XCTAssertEqual(failure("<a x='1' x='2'/>"), "t.xml: malformed XML at line 1, column 10: a malformed attribute (unquoted or repeated)")
        XCTAssertEqual(failure("<a>\u{1}</a>"), "t.xml: malformed XML at line 1, column 4: a character XML does not allow")
        XCTAssertEqual(failure(""), "t.xml: malformed XML at line 1, column 1: no root element")
        XCTAssertEqual(failure("  <!-- only a comment -->\n"), "t.xml: malformed XML at line 2, column 1: no root element")
        XCTAssertEqual(failure("<a><!-- open</a>"), "t.xml: malformed XML at line 1, column 4: a comment <!-- not closed with -->")
        XCTAssertEqual(failure("<a><![CDATA[x</a>"), "t.xml: malformed XML at line 1, column 4: a CDATA section not closed with ]]>")
        XCTAssertEqual(failure("hello <a/>"), "t.xml: malformed XML at line 1, column 1: text before the root element")
    }

    /// A DOCTYPE's entities are never expanded: neither a billion laughs nor an external file.
    func testDoctypeEntitiesAreNotExpanded() {
        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for k in 1...9 { laughs += " <!ENTITY lol\(k) \"" + String(repeating: "&lol\(k - 1 == 0 ? "" : String(k - 1));", count: 10) + "\">\n" }
        laughs += "]>\n<lolz>&lol9;</lolz>"
        XCTAssertEqual(failure(laughs), "t.xml: malformed XML at line 14, column 7: an unknown entity &lol9; (only &lt; &gt; &amp; &apos; &quot; and &#…; are read — entities declared in a DOCTYPE are not expanded)")
        let xxe = "<!DOCTYPE gpx [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]><gpx>&secret;</gpx>"
        XCTAssertTrue(failure(xxe).contains("an unknown entity &secret;"), failure(xxe))
    }

    /// Nesting is read without recursion, up to a depth no GPX or KML comes near; deeper is
    /// refused (a tree a million levels deep would overflow the stack when freed).
    func testDeepNesting() throws {
        let n = XMLReader.maxDepth
        let root = try tree(String(repeating: "<a>", count: n) + "x" + String(repeating: "</a>", count: n))
        var node = root, depth = 1
        while let c = node.children.first { node = c; depth += 1 }
        XCTAssertEqual(depth, n)
        XCTAssertEqual(node.text, "x")
        let deeper = String(repeating: "<a>", count: 1_000_000)
        XCTAssertEqual(failure(deeper), "t.xml: malformed XML at line 1, column \(3 * n + 1): elements nested more than \(n) deep")
    }

    /// No source file imports FoundationXML any more: libxml2 (and the system ICU it pulls)
    /// is no longer loaded by `eplan`.
    func testNoSourceImportsFoundationXML() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
        guard let files = FileManager.default.enumerator(atPath: sources.path) else { return XCTFail("no Sources at \(sources.path)") }
        var swiftFiles = 0
        for case let f as String in files where f.hasSuffix(".swift") {
            swiftFiles += 1
            let text = try String(contentsOfFile: sources.appendingPathComponent(f).path, encoding: .utf8)
            XCTAssertFalse(text.contains("import FoundationXML"), "\(f) imports FoundationXML")
            XCTAssertFalse(text.contains("XMLParser("), "\(f) uses Foundation's XMLParser")
        }
        XCTAssertGreaterThan(swiftFiles, 50)
    }
}
