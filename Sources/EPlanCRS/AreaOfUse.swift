import CPROJ
import EPlanGeometry

/// Where a CRS is meant to be used, in longitude/latitude degrees (WGS 84), as the EPSG
/// registry gives it through PROJ (`proj_get_area_of_use`).
public struct AreaOfUse: Sendable, Equatable {
    public var west: Double, south: Double, east: Double, north: Double
    /// The registry's description, e.g. "Between 96°E and 102°E, northern hemisphere…".
    public var name: String

    public init(west: Double, south: Double, east: Double, north: Double, name: String) {
        self.west = west; self.south = south; self.east = east; self.north = north; self.name = name
    }

    /// Whether a lon/lat position lies in the area (an area crossing the antimeridian has east < west).
    public func contains(_ c: Coordinate, tolerance: Double = 1e-9) -> Bool {
        guard c.y >= south - tolerance, c.y <= north + tolerance else { return false }
        if west <= east { return c.x >= west - tolerance && c.x <= east + tolerance }
        return c.x >= west - tolerance || c.x <= east + tolerance
    }

    /// "96°E–102°E, 0°N–84°N".
    public var extent: String {
        func deg(_ v: Double, _ pos: String, _ neg: String) -> String {
            let a = abs(v)
            let s = a == a.rounded() ? String(Int(a)) : String((a * 100).rounded() / 100)
            return "\(s)°\(v < 0 ? neg : pos)"
        }
        return "\(deg(west, "E", "W"))–\(deg(east, "E", "W")), \(deg(south, "N", "S"))–\(deg(north, "N", "S"))"
    }
}

extension PROJContext {
    /// The EPSG area of use of `crs`; nil when PROJ's database gives none.
    public func areaOfUse(of crs: CRS) throws -> AreaOfUse? {
        guard let pj = cproj_create(handle.ctx, crs.identifier) else {
            let (code, text) = handle.lastError()
            throw PROJError(.createOperation, code: code, projMessage: text, message: Message(
                th: "PROJ ไม่รู้จัก \(crs.identifier): \(text)", en: "PROJ cannot create \(crs.identifier): \(text)"))
        }
        defer { cproj_destroy(pj) }
        var w = 0.0, s = 0.0, e = 0.0, n = 0.0
        var name: UnsafePointer<CChar>? = nil
        guard cproj_get_area_of_use(handle.ctx, pj, &w, &s, &e, &n, &name) == 1, w > -1000 else { return nil }
        return AreaOfUse(west: w, south: s, east: e, north: n, name: name.map { String(cString: $0) } ?? "")
    }
}
