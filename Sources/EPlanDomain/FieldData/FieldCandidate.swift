import Foundation

extension PinInput {
    /// The pin candidate for a field item. Its raw input records where it came from, e.g.
    /// `site.gpx#wpt[3]@12 "03630601-2560-001" 16.9199105, 99.2177229`, so the pin history
    /// tells which file, item and reading made each version.
    public func candidate(for item: FieldItem, key: String?) throws -> PinCandidate {
        guard let shape = item.shape else {
            throw PinInputError(item.problem ?? Message(th: "อ่านตำแหน่งไม่ได้", en: "the location cannot be read"))
        }
        // White space folded: one history line per version, even for a name typed over two lines.
        let label = item.source + (key.map { " \"\(ThaiText.normalized($0))\"" } ?? "")
        var c: PinCandidate
        switch shape {
        case .wgs84(let g): c = try candidate(native: g, crs: .wgs84, raw: label, form: .file)
        case .parsed(let ps): c = try candidate(points: ps)
        case .wkt(let t): c = try wkt(t, crs: parser.crs, form: .file)
        }
        c.rawInput = label + " " + Self.coordinateText(shape, c.geometry)
        // A photo's time and direction stay with the pin (what it shows, and when).
        if let t = item.fields["photo_time"] { c.rawInput += " taken \(t)" }
        if let d = item.fields["photo_direction"] { c.rawInput += " facing \(d)" }
        return c
    }

    /// The reading as given: the typed texts of a CSV row, else lat/lon (WKT for lines and
    /// polygons, cut at 400 characters: the whole geometry is stored with the pin anyway).
    static func coordinateText(_ shape: FieldItem.Shape, _ g: Geometry) -> String {
        switch shape {
        case .parsed(let ps): return ps.map(\.raw).joined(separator: "; ")
        case .wkt(let t): return Self.cut(t)
        case .wgs84:
            if case .point(let p) = g { return PinText.latLon(p) }
            let wkt = (try? GEOSGeometry(g, context: GEOSContext()).wkt(precision: 7)) ?? g.type.rawValue
            return Self.cut(wkt) + (wkt.count > 400 ? " (\(g.coordinateCount) points)" : "")
        }
    }

    private static func cut(_ s: String) -> String { s.count > 400 ? String(s.prefix(400)) + "…" : s }
}
