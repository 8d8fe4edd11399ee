import CPROJ
import EPlanGeometry

/// Measures on the WGS 84 ellipsoid from lon/lat (EPSG:4326) coordinates, without projecting:
/// geodesics (Karney, via PROJ's geodesic.h) are exact where UTM scale error is up to ~0.1 %.
public enum Metric {
    public static let semiMajorAxis = 6378137.0
    public static let flattening = 1 / 298.257223563

    /// The ellipsoid's geodesic, or why it cannot be had: the geodesic functions are PROJ's,
    /// and libproj is opened on first use (a broken install reports PROJ's loader error).
    private static let geodesic: Result<geod_geodesic, any Error> = Result {
        try PROJLibrary.load()
        var g = geod_geodesic()
        cgeod_init(&g, semiMajorAxis, flattening)
        return g
    }

    /// Geodesic distance in metres between two lon/lat coordinates.
    public static func distance(_ a: Coordinate, _ b: Coordinate) throws -> Double {
        var g = try geodesic.get()
        var s12 = 0.0
        cgeod_inverse(&g, a.y, a.x, b.y, b.x, &s12, nil, nil)
        return s12
    }

    /// Length in metres: lines sum their segments; polygons give their perimeter
    /// (every ring, holes included); points are 0; collections sum their parts.
    public static func length(_ g: Geometry) throws -> Double {
        switch g {
        case .point, .multiPoint: return 0
        case .lineString(let cs): return try pathLength(cs)
        case .multiLineString(let ls): return try ls.reduce(0) { try $0 + pathLength($1) }
        case .polygon(let p): return try p.rings.reduce(0) { try $0 + pathLength($1) }
        case .multiPolygon(let ps): return try ps.reduce(0) { acc, p in try p.rings.reduce(acc) { try $0 + pathLength($1) } }
        case .geometryCollection(let gs): return try gs.reduce(0) { try $0 + length($1) }
        }
    }

    /// Area in m²: each polygon's exterior minus its holes (ring orientation ignored);
    /// points and lines are 0; collections sum their parts.
    public static func area(_ g: Geometry) throws -> Double {
        switch g {
        case .point, .multiPoint, .lineString, .multiLineString: return 0
        case .polygon(let p): return try polygonArea(p)
        case .multiPolygon(let ps): return try ps.reduce(0) { try $0 + polygonArea($1) }
        case .geometryCollection(let gs): return try gs.reduce(0) { try $0 + area($1) }
        }
    }

    private static func pathLength(_ cs: [Coordinate]) throws -> Double {
        guard cs.count > 1 else { return 0 }
        var total = 0.0
        for i in 1..<cs.count { total += try distance(cs[i - 1], cs[i]) }
        return total
    }

    private static func polygonArea(_ p: Polygon) throws -> Double {
        guard let exterior = p.rings.first else { return 0 }
        let holes = try p.rings.dropFirst().reduce(0) { try $0 + ringArea($1) }
        return abs(try ringArea(exterior) - holes)
    }

    /// |area| of one ring; geod_polygonarea closes the ring itself, so a repeated last vertex is dropped.
    static func ringArea(_ ring: Ring) throws -> Double {
        var pts = ring
        if pts.count > 1, pts.first == pts.last { pts.removeLast() }
        guard pts.count >= 3 else { return 0 }
        var lats = pts.map(\.y), lons = pts.map(\.x)
        var g = try geodesic.get()
        var a = 0.0, perimeter = 0.0
        cgeod_polygonarea(&g, &lats, &lons, Int32(pts.count), &a, &perimeter)
        return abs(a)
    }
}

/// The UTM zone to use for a longitude in Thailand, which spans zones 47 and 48 (boundary 102°E).
public enum UTMZone {
    /// 47 for longitude < 102, else 48.
    public static func zone(forLongitude lon: Double) -> Int { lon < 102 ? 47 : 48 }

    /// 32647 for longitude < 102, else 32648 (WGS 84 / UTM).
    public static func epsg(forLongitude lon: Double) -> Int { zone(forLongitude: lon) == 47 ? 32647 : 32648 }

    /// The UTM CRS for a longitude on the given datum.
    public static func crs(forLongitude lon: Double, datum: CRS.Datum = .wgs84) -> CRS {
        CRS.utm(zone: zone(forLongitude: lon), datum: datum)!
    }
}
