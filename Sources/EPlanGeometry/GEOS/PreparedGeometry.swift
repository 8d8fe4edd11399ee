import CGEOS

/// A GEOS prepared geometry: indexes its base once so repeated predicates against many other
/// geometries (e.g. "which parcel contains this point") are fast. Owns the
/// `GEOSPreparedGeometry*` and keeps the base `GEOSGeometry` alive, because GEOS's prepared
/// geometry points into the base without owning it. Same threading rule as `GEOSContext`.
public final class PreparedGeometry {
    public let base: GEOSGeometry
    let pointer: OpaquePointer
    var context: GEOSContext { base.context }

    public init(_ base: GEOSGeometry) throws {
        base.context.clearError()
        guard let p = GEOSPrepare_r(base.context.handle, base.pointer) else {
            throw base.context.failure("GEOSPrepare_r")
        }
        self.base = base
        self.pointer = p
    }

    deinit { GEOSPreparedGeom_destroy_r(base.context.handle, pointer) }

    private func predicate(_ other: OpaquePointer, _ name: String,
                           _ f: (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> CChar) throws -> Bool {
        context.clearError()
        switch f(context.handle, pointer, other) {
        case 1: return true
        case 0: return false
        default: throw context.failure(name)
        }
    }

    public func contains(_ g: GEOSGeometry) throws -> Bool {
        assert(g.context === context, "GEOS geometries from different contexts")
        return try predicate(g.pointer, "GEOSPreparedContains_r", GEOSPreparedContains_r)
    }
    public func covers(_ g: GEOSGeometry) throws -> Bool {
        assert(g.context === context, "GEOS geometries from different contexts")
        return try predicate(g.pointer, "GEOSPreparedCovers_r", GEOSPreparedCovers_r)
    }
    public func intersects(_ g: GEOSGeometry) throws -> Bool {
        assert(g.context === context, "GEOS geometries from different contexts")
        return try predicate(g.pointer, "GEOSPreparedIntersects_r", GEOSPreparedIntersects_r)
    }
    public func containsProperly(_ g: GEOSGeometry) throws -> Bool {
        assert(g.context === context, "GEOS geometries from different contexts")
        return try predicate(g.pointer, "GEOSPreparedContainsProperly_r", GEOSPreparedContainsProperly_r)
    }

    /// Point-in-geometry test. GEOS 3.11 has no GEOSPreparedContainsXY, so a temporary point is
    /// made and destroyed here. A point on the boundary is NOT contained (use `covers` for that).
    public func contains(x: Double, y: Double) throws -> Bool {
        let h = context.handle
        context.clearError()
        guard let pt = GEOSGeom_createPointFromXY_r(h, x, y) else { throw context.failure("GEOSGeom_createPointFromXY_r") }
        defer { GEOSGeom_destroy_r(h, pt) }
        return try predicate(pt, "GEOSPreparedContains_r", GEOSPreparedContains_r)
    }

    /// Like `contains(x:y:)` but true on the boundary too.
    public func covers(x: Double, y: Double) throws -> Bool {
        let h = context.handle
        context.clearError()
        guard let pt = GEOSGeom_createPointFromXY_r(h, x, y) else { throw context.failure("GEOSGeom_createPointFromXY_r") }
        defer { GEOSGeom_destroy_r(h, pt) }
        return try predicate(pt, "GEOSPreparedCovers_r", GEOSPreparedCovers_r)
    }

    public func distance(to g: GEOSGeometry) throws -> Double {
        assert(g.context === context, "GEOS geometries from different contexts")
        var d = 0.0
        context.clearError()
        guard GEOSPreparedDistance_r(context.handle, pointer, g.pointer, &d) == 1 else {
            throw context.failure("GEOSPreparedDistance_r")
        }
        return d
    }

    /// The closest point on the base and on `g`.
    public func nearestPoints(to g: GEOSGeometry) throws -> (Coordinate, Coordinate) {
        assert(g.context === context, "GEOS geometries from different contexts")
        context.clearError()
        return try context.twoPoints(GEOSPreparedNearestPoints_r(context.handle, pointer, g.pointer),
                                     "GEOSPreparedNearestPoints_r")
    }
}
