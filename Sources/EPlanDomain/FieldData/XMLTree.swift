import Foundation

/// An XML file read whole into a small element tree (GPX and KML files from the field are
/// kilobytes to tens of megabytes). Names are local (a `gpx:` or `kml:` prefix is dropped);
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
        guard let t = child(name).map({ Trim.spacesAndNewlines($0.text) }), !t.isEmpty else { return nil }
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
        try read(data: data, path: path, detach: nil)
    }

    /// The root of `path`, its children handed to `detach` one by one as each ends (and not
    /// kept in the root): memory holds one child at a time, not the whole tree.
    public static func read(_ path: String, detach: @escaping (XMLElementNode) -> Void) throws -> XMLElementNode {
        try read(data: try RegularFile.read(path), path: path, detach: detach)
    }

    /// Read from the file's bytes where they are (no second copy of a file of tens of MB).
    static func read(data: Data, path: String, detach: ((XMLElementNode) -> Void)?) throws -> XMLElementNode {
        try data.withUnsafeBytes { raw in try read(buffer: raw.bindMemory(to: UInt8.self), path: path, detach: detach) }
    }

    public static func read(bytes: [UInt8], path: String, detach: ((XMLElementNode) -> Void)? = nil) throws -> XMLElementNode {
        try bytes.withUnsafeBufferPointer { try read(buffer: $0, path: path, detach: detach) }
    }

    /// Read by `XMLReader` (our own: no libxml2), errors as "line L, column C: why".
    static func read(buffer b: UnsafeBufferPointer<UInt8>, path: String, detach: ((XMLElementNode) -> Void)?) throws -> XMLElementNode {
        let outcome = XMLReader.parse(b, detach: detach).mapError { failure -> FieldDataError in
            let (line, column) = XMLReader.position(of: failure.offset, in: b)
            return FieldDataError(th: "\(path): XML ไม่ถูกต้อง ที่บรรทัด \(line) คอลัมน์ \(column): \(failure.reason.th)",
                                  en: "\(path): malformed XML at line \(line), column \(column): \(failure.reason.en)")
        }
        return try outcome.get()
    }
}
