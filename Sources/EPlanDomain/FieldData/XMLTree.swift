import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML file read whole into a small element tree (GPX and KML files from the field are
/// kilobytes to a few megabytes). Names are local (a `gpx:` or `kml:` prefix is dropped);
/// each element keeps the line it starts on, for messages.
public final class XMLElementNode {
    public let name: String
    public let attributes: [String: String]
    public let line: Int
    public internal(set) var children: [XMLElementNode] = []
    public internal(set) var text = ""

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name; self.attributes = attributes; self.line = line
    }

    public func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }
    public func all(_ name: String) -> [XMLElementNode] { children.filter { $0.name == name } }
    /// The trimmed text of the child `name`, nil when absent or blank.
    public func childText(_ name: String) -> String? {
        guard let t = child(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }
}

public enum XMLTree {
    /// The root element of `path`; malformed XML is reported with its line and column.
    public static func read(_ path: String) throws -> XMLElementNode {
        try read(data: try RegularFile.read(path), path: path)
    }

    /// `path` names the document in messages (a KMZ's "site.kmz!doc.kml").
    public static func read(data: Data, path: String) throws -> XMLElementNode {
        let parser = XMLParser(data: data)
        let builder = Builder(parser)
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        guard parser.parse(), let root = builder.root else {
            // Where libxml2 stopped first (the parser's own position has moved on to the end by now).
            let (line, column) = builder.errorAt ?? (parser.lineNumber, parser.columnNumber)
            let why = Self.reason((parser.parserError as NSError?)?.code)
            throw FieldDataError(th: "\(path): XML ไม่ถูกต้อง ที่บรรทัด \(line) คอลัมน์ \(column): \(why.th)",
                                 en: "\(path): malformed XML at line \(line), column \(column): \(why.en)")
        }
        return root
    }

    /// Foundation's messages for XML errors are empty on Linux ("the operation could not be
    /// completed"): the common ones in words, the rest by libxml2's code.
    static func reason(_ code: Int?) -> Message {
        switch code {
        case nil: return Message(th: "ไม่มีองค์ประกอบราก", en: "no root element")
        case 4?: return Message(th: "ไฟล์ว่างหรือจบก่อนเอกสารครบ", en: "the file is empty or ends before the document does")
        case 9?: return Message(th: "มีอักขระที่ใช้ใน XML ไม่ได้", en: "a character XML does not allow")
        case 23?, 68?: return Message(th: "ใช้ & โดยไม่ได้เขียนเป็น &amp;", en: "an & not written as &amp;")
        case 38?, 39?, 40?, 41?: return Message(th: "แอตทริบิวต์เขียนผิด (ไม่มีเครื่องหมายคำพูดหรือซ้ำ)", en: "a malformed attribute (unquoted or repeated)")
        case 73?, 74?, 77?: return Message(th: "แท็กปิดไม่ครบหรือเอกสารจบก่อนปิดแท็ก", en: "a tag left unclosed, or the document ends inside one")
        case 76?: return Message(th: "แท็กปิดไม่ตรงกับแท็กเปิด", en: "an end tag does not match its start tag")
        case 5?, 85?: return Message(th: "มีข้อความหลังจบเอกสาร", en: "text after the end of the document")
        case let c?: return Message(th: "ข้อผิดพลาด XML รหัส \(c) ของ libxml2", en: "libxml2 XML error \(c)")
        }
    }

    private final class Builder: NSObject, XMLParserDelegate {
        unowned let parser: XMLParser
        var stack: [XMLElementNode] = []
        var root: XMLElementNode?
        var errorAt: (Int, Int)?
        init(_ parser: XMLParser) { self.parser = parser }

        func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let local = name.split(separator: ":").last.map(String.init) ?? name
            let node = XMLElementNode(name: local, attributes: attributes, line: p.lineNumber)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
        }

        func parser(_ p: XMLParser, parseErrorOccurred error: Error) {
            if errorAt == nil { errorAt = (p.lineNumber, p.columnNumber) }
        }

        func parser(_ p: XMLParser, foundCharacters string: String) { stack.last?.text += string }

        func parser(_ p: XMLParser, foundCDATA data: Data) {
            stack.last?.text += String(decoding: data, as: UTF8.self)
        }
    }
}
