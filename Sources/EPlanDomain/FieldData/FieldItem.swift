import Foundation

/// One location read from a field file (a GPX waypoint, a KML placemark, a CSV row…),
/// before it is matched to a project or checked: where it sits in the file, the text it
/// is matched by, and its shape.
public struct FieldItem: Sendable {
    /// How the location was given.
    public enum Shape: Sendable {
        /// Longitude/latitude on WGS 84, as GPX, KML and GeoJSON always are.
        case wgs84(Geometry)
        /// Coordinate texts read by `CoordinateParser` (any form the CLI reads), in order:
        /// one point, or the vertices of a line.
        case parsed([ParsedCoordinate])
        /// A WKT text (lon/lat unless the text says otherwise).
        case wkt(String)
    }

    /// The file as named on the command line.
    public var file: String
    /// Where in the file: "wpt[3]", "Placemark[2]", "line 5", "features[0]".
    public var place: String
    /// The line the item starts on, when the format has lines.
    public var line: Int?
    /// The code (GPX/KML name, CSV code column, GeoJSON `code`) as found.
    public var code: String?
    /// The item's own name (GPX/KML `<name>`, a `name` column or property).
    public var name: String?
    /// Other fields (KML ExtendedData, GeoJSON properties, CSV columns) as text.
    public var fields: [String: String]
    /// Nil when the item could not be read; `problem` then says why.
    public var shape: Shape?
    public var problem: Message?

    public init(file: String, place: String, line: Int? = nil, code: String? = nil, name: String? = nil,
                fields: [String: String] = [:], shape: Shape?, problem: Message? = nil) {
        self.file = file; self.place = place; self.line = line; self.code = code; self.name = name
        self.fields = fields; self.shape = shape; self.problem = problem
    }

    /// "site.gpx#wpt[3]@41" (the base name: the history must not depend on where the file
    /// was; "@41" the line, unless the place is a line already, as a CSV row's is).
    public var source: String {
        let at = place.hasPrefix("line") ? "" : line.map { "@\($0)" } ?? ""
        return Self.baseName(file) + "#" + place + at
    }

    /// NSString's `lastPathComponent` ("/tmp/a/site.gpx" → "site.gpx", "dir/" → "dir", "/" →
    /// "/"), without bridging to NSString (some 8,000 instructions, once per item of an import).
    static func baseName(_ path: String) -> String {
        let u = path.utf8
        guard let lastKept = u.lastIndex(where: { $0 != UInt8(ascii: "/") }) else { return path.isEmpty ? "" : "/" }
        let head = u[...lastKept]
        let start = head.lastIndex(of: UInt8(ascii: "/")).map { u.index(after: $0) } ?? u.startIndex
        return String(decoding: u[start...lastKept], as: UTF8.self)
    }

    /// The text the item is matched by: its code, else its name.
    public func key(byName: Bool) -> String? {
        let k = byName ? (fields["name_th"] ?? name ?? code) : (code ?? name)
        guard let k, !Trim.isBlank(k) else { return nil }
        return k
    }
}

/// A field file that cannot be read at all; the message names the file and where.
public struct FieldDataError: UserFacingError {
    public let message: Message
    public init(th: String, en: String) { message = Message(th: th, en: en) }

    static func empty(_ path: String, _ what: Message) -> FieldDataError {
        FieldDataError(th: "\(path): ไม่มี\(what.th) จึงไม่มีตำแหน่งให้นำเข้า", en: "\(path): no \(what.en), so there is nothing to import")
    }
}

/// Reads any field file by its extension (.gpx, .kml, .kmz, .geojson/.json, .csv).
public enum FieldFile {
    public static let extensions = ["gpx", "kml", "kmz", "geojson", "json", "csv", "jpg", "jpeg"]

    public static func read(_ path: String, parser: CoordinateParser = CoordinateParser()) throws -> [FieldItem] {
        switch (path as NSString).pathExtension.lowercased() {
        case "gpx": return try GPXReader.read(path)
        case "kml": return try KMLReader.read(path)
        case "geojson", "json": return try FieldGeoJSONReader.read(path)
        case "csv": return try FieldCSVReader.read(path, parser: parser)
        case "kmz": return try KMLReader.readKMZ(path)
        case "jpg", "jpeg": return try PhotoReader.read(path)
        default:
            throw FieldDataError(th: "\(path): ไม่รู้จักชนิดไฟล์ (ต้องเป็น .gpx, .kml, .kmz, .geojson, .csv หรือภาพ .jpg)",
                                 en: "\(path): unknown kind of file (it must be .gpx, .kml, .kmz, .geojson, .csv or a .jpg photo)")
        }
    }
}
