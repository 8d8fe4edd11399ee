import Foundation

/// The GeoJSON (RFC 7946) geometry codec: pure Swift, no GEOS.
///
/// Decoding takes what `JSONSerialization` produces. Positions may carry a third (altitude)
/// number, which is checked and dropped. Empty geometries map as in `GEOSGeometry`:
/// `"Point"` with `[]` coordinates decodes to `.multiPoint([])`; other types with `[]` decode to
/// the empty value of their own type.
public enum GeoJSONGeometry {
    /// Parses JSON text and decodes the geometry object in it.
    public static func decode(json: String) throws -> Geometry {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        } catch {
            throw GeoJSONError(.malformedJSON, path: "", detail: (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)")
        }
        return try decode(object)
    }

    /// Decodes a geometry object as produced by `JSONSerialization` (`[String: Any]`).
    public static func decode(_ object: Any) throws -> Geometry {
        try geometry(object, path: "")
    }

    // MARK: - Decoding

    private static func member(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }

    private static func geometry(_ value: Any, path: String) throws -> Geometry {
        guard let obj = value as? [String: Any] else { throw GeoJSONError(.notAnObject, path: path) }
        let typePath = member(path, "type")
        guard let rawType = obj["type"] else { throw GeoJSONError(.missingMember, path: typePath) }
        guard let type = rawType as? String, let t = GeometryType(rawValue: type) else {
            throw GeoJSONError(.unknownType, path: typePath, detail: "\(rawType)")
        }
        let cp = member(path, "coordinates")
        // Read only for the kinds that have coordinates (a collection has geometries).
        func coordinates() throws -> Any {
            guard let c = obj["coordinates"] else { throw GeoJSONError(.missingMember, path: cp) }
            return c
        }
        switch t {
        case .geometryCollection:
            let gp = member(path, "geometries")
            guard let raw = obj["geometries"] else { throw GeoJSONError(.missingMember, path: gp) }
            let parts = try array(raw, gp)
            var out: [Geometry] = []
            out.reserveCapacity(parts.count)
            for (i, p) in parts.enumerated() { out.append(try geometry(p, path: "\(gp)[\(i)]")) }
            return .geometryCollection(out)
        case .point:
            let c = try coordinates()
            if let a = c as? [Any], a.isEmpty { return .multiPoint([]) }
            return .point(try position(c, cp))
        case .lineString:
            return .lineString(try line(try coordinates(), cp))
        case .polygon:
            return .polygon(try polygon(try coordinates(), cp))
        case .multiPoint:
            return .multiPoint(try positions(try coordinates(), cp))
        case .multiLineString:
            return .multiLineString(try array(try coordinates(), cp).enumerated().map { try line($1, "\(cp)[\($0)]") })
        case .multiPolygon:
            return .multiPolygon(try array(try coordinates(), cp).enumerated().map { try polygon($1, "\(cp)[\($0)]") })
        }
    }

    private static func array(_ v: Any, _ path: String) throws -> [Any] {
        guard let a = v as? [Any] else { throw GeoJSONError(.expectedArray, path: path) }
        return a
    }

    private static let boolType = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// A JSON number as Double; booleans are not numbers.
    @inline(__always) private static func number(_ v: Any) -> Double? {
        if let d = v as? Double, type(of: v) == Double.self { return d }
        if let i = v as? Int, type(of: v) == Int.self { return Double(i) }
        if type(of: v) == Bool.self { return nil }
        if let n = v as? NSNumber {
            if ObjectIdentifier(type(of: n)) == boolType { return nil }
            return n.doubleValue
        }
        if let f = v as? Float { return Double(f) }
        return nil
    }

    private static func position(_ v: Any, _ path: String) throws -> Coordinate {
        guard let a = v as? [Any], a.count >= 2, a.count <= 4,
              let x = number(a[0]), let y = number(a[1]) else {
            throw GeoJSONError(.expectedPosition, path: path)
        }
        for extra in a.dropFirst(2) where number(extra) == nil { throw GeoJSONError(.expectedPosition, path: path) }
        guard x.isFinite, y.isFinite else {
            throw GeoJSONError(.nonFiniteCoordinate, path: path, detail: "(x=\(x), y=\(y))")
        }
        return Coordinate(x, y)
    }

    private static func positions(_ v: Any, _ path: String) throws -> [Coordinate] {
        let a = try array(v, path)
        var out: [Coordinate] = []
        out.reserveCapacity(a.count)
        for (i, p) in a.enumerated() { out.append(try position(p, "\(path)[\(i)]")) }
        return out
    }

    private static func line(_ v: Any, _ path: String) throws -> [Coordinate] {
        let cs = try positions(v, path)
        if cs.count == 1 { throw GeoJSONError(.lineTooShort, path: path, detail: "1") }
        return cs
    }

    private static func polygon(_ v: Any, _ path: String) throws -> Polygon {
        let rings = try array(v, path)
        var out: [Ring] = []
        out.reserveCapacity(rings.count)
        for (i, r) in rings.enumerated() {
            let rp = "\(path)[\(i)]"
            let cs = try positions(r, rp)
            guard cs.count >= 4 else { throw GeoJSONError(.ringTooShort, path: rp, detail: "\(cs.count)") }
            guard cs.first == cs.last else { throw GeoJSONError(.unclosedRing, path: rp) }
            out.append(cs)
        }
        return Polygon(rings: out)
    }
}
