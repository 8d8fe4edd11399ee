import Foundation

/// KML 2.2 as Google Earth writes it: Placemarks anywhere under Document and Folders, each
/// with a Point, LineString, Polygon (holes kept) or a MultiGeometry of one kind. The
/// placemark's `<name>` is the code or name matched; ExtendedData (Data/value and
/// SchemaData/SimpleData) are kept as fields, so a `code` field wins over the name.
public enum KMLReader {
    public static func read(_ path: String) throws -> [FieldItem] {
        try items(try XMLTree.read(path), path: path)
    }

    /// A KMZ: the zip's root `doc.kml`, else its first `.kml` member (as Google Earth reads it).
    public static func readKMZ(_ path: String) throws -> [FieldItem] {
        let zip = try ZipArchive(bytes: Array(try RegularFile.read(path)), path: path)
        let kmls = zip.entries.filter { $0.name.lowercased().hasSuffix(".kml") }
        guard let doc = kmls.first(where: { $0.name.lowercased() == "doc.kml" }) ?? kmls.first else {
            throw FieldDataError(th: "\(path): ไม่มีไฟล์ KML ใน KMZ (มี \(zip.entries.prefix(5).map(\.name).joined(separator: ", ")))",
                                 en: "\(path): the KMZ holds no KML file (it holds \(zip.entries.prefix(5).map(\.name).joined(separator: ", ")))")
        }
        let root = try XMLTree.read(data: Data(try zip.data(doc)), path: path + "!" + doc.name)
        return try items(root, path: path)
    }

    private static func items(_ root: XMLElementNode, path: String) throws -> [FieldItem] {
        guard root.name == "kml" else {
            throw FieldDataError(th: "\(path): ไม่ใช่ KML (ราก XML เป็น <\(root.name)> ไม่ใช่ <kml>)",
                                 en: "\(path): not a KML file (the XML root is <\(root.name)>, not <kml>)")
        }
        var placemarks: [XMLElementNode] = []
        collect(root, into: &placemarks)
        guard !placemarks.isEmpty else {
            throw FieldDataError.empty(path, Message(th: "Placemark ในไฟล์ KML", en: "Placemark in the KML file"))
        }
        return placemarks.enumerated().map { i, p in item(p, place: "Placemark[\(i + 1)]", path: path) }
    }

    private static func collect(_ e: XMLElementNode, into out: inout [XMLElementNode]) {
        for c in e.children {
            if c.name == "Placemark" { out.append(c) } else { collect(c, into: &out) }
        }
    }

    private static func item(_ p: XMLElementNode, place: String, path: String) -> FieldItem {
        let data = extendedData(p)
        let name = p.childText("name")
        var item = FieldItem(file: path, place: place, line: p.line, code: data["code"] ?? name, name: name, fields: data, shape: nil)
        do {
            guard let g = try geometry(of: p) else {
                item.problem = Message(th: "\(place) ไม่มีรูปเรขาคณิต (Point, LineString, Polygon)",
                                       en: "\(place) has no geometry (Point, LineString, Polygon)")
                return item
            }
            item.shape = .wgs84(g)
        } catch let e as FieldDataError { item.problem = e.message } catch { item.problem = Message(th: "\(error)", en: "\(error)") }
        return item
    }

    private static func extendedData(_ p: XMLElementNode) -> [String: String] {
        var out: [String: String] = [:]
        guard let x = p.child("ExtendedData") else { return out }
        for d in x.all("Data") {
            if let n = d.attributes["name"], let v = d.childText("value") { out[n] = v }
        }
        for s in x.all("SchemaData") {
            for d in s.all("SimpleData") {
                let v = Trim.spacesAndNewlines(d.text)
                if let n = d.attributes["name"], !v.isEmpty { out[n] = v }
            }
        }
        return out
    }

    /// The first geometry element among the placemark's children.
    static func geometry(of p: XMLElementNode) throws -> Geometry? {
        for c in p.children {
            if let g = try shape(c) { return g }
        }
        return nil
    }

    private static func shape(_ e: XMLElementNode) throws -> Geometry? {
        switch e.name {
        case "Point":
            let cs = try coordinates(e)
            guard cs.count == 1 else { throw bad(e, Message(th: "Point ต้องมีพิกัดเดียว แต่มี \(cs.count)", en: "a Point needs one coordinate, found \(cs.count)")) }
            return .point(cs[0])
        case "LineString": return .lineString(try coordinates(e))
        case "LinearRing": return .polygon(Polygon(exterior: try coordinates(e)))
        case "Polygon":
            guard let outer = e.child("outerBoundaryIs")?.child("LinearRing") else {
                throw bad(e, Message(th: "Polygon ไม่มี outerBoundaryIs/LinearRing", en: "the Polygon has no outerBoundaryIs/LinearRing"))
            }
            let holes = try e.all("innerBoundaryIs").compactMap { $0.child("LinearRing") }.map { try coordinates($0) }
            return .polygon(Polygon(exterior: try coordinates(outer), holes: holes))
        case "MultiGeometry": return try multi(e)
        default: return nil
        }
    }

    /// Parts of one kind: lines make a multi-line, polygons a multi-polygon, a single part itself.
    private static func multi(_ e: XMLElementNode) throws -> Geometry {
        let parts = try e.children.compactMap { try shape($0) }
        if parts.count == 1 { return parts[0] }
        var lines: [[Coordinate]] = [], polygons: [Polygon] = []
        for p in parts {
            switch p {
            case .lineString(let l): lines.append(l)
            case .multiLineString(let ls): lines += ls
            case .polygon(let g): polygons.append(g)
            case .multiPolygon(let gs): polygons += gs
            default: break
            }
        }
        if parts.allSatisfy({ $0.type == .lineString || $0.type == .multiLineString }) { return .multiLineString(lines) }
        if parts.allSatisfy({ $0.type == .polygon || $0.type == .multiPolygon }) { return .multiPolygon(polygons) }
        throw bad(e, Message(th: "MultiGeometry ต้องเป็นเส้นทั้งหมดหรือรูปหลายเหลี่ยมทั้งหมด (หมุดหนึ่งเป็นรูปร่างชนิดเดียว) แต่มี \(parts.map(\.type.rawValue).joined(separator: ", "))",
                             en: "a MultiGeometry must be all lines or all polygons (a pin is one kind of shape), found \(parts.map(\.type.rawValue).joined(separator: ", "))"))
    }

    /// "lon,lat[,alt] lon,lat…" (the altitude is dropped: pins are 2D).
    static func coordinates(_ e: XMLElementNode) throws -> [Coordinate] {
        guard let c = e.child("coordinates") else {
            throw bad(e, Message(th: "<\(e.name)> ไม่มี <coordinates>", en: "<\(e.name)> has no <coordinates>"))
        }
        var out: [Coordinate] = []
        for tuple in c.text.split(whereSeparator: { $0.isWhitespace }) {
            let parts = tuple.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            guard parts.count >= 2, parts.count <= 3, let lon = parts[0], let lat = parts[1], lon.isFinite, lat.isFinite else {
                throw bad(c, Message(th: "พิกัด '\(tuple)' อ่านไม่ได้ (ต้องเป็น ลองจิจูด,ละติจูด[,ความสูง])",
                                     en: "the coordinate '\(tuple)' cannot be read (it must be longitude,latitude[,altitude])"))
            }
            out.append(Coordinate(lon, lat))
        }
        guard !out.isEmpty else { throw bad(c, Message(th: "<coordinates> ว่าง", en: "<coordinates> is empty")) }
        return out
    }

    private static func bad(_ e: XMLElementNode, _ m: Message) -> FieldDataError {
        FieldDataError(th: "บรรทัด \(e.line): \(m.th)", en: "line \(e.line): \(m.en)")
    }
}
