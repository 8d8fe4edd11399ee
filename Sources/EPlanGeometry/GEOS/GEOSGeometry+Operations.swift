import CGEOS

/// The result of GEOS's validity check (`GEOSisValidDetail_r`).
public struct Validity: Equatable, Sendable {
    public var isValid: Bool
    /// GEOS's reason text, e.g. "Self-intersection", "Hole lies outside shell", "Too few points".
    public var reason: String?
    /// Where GEOS found the problem (e.g. the self-intersection point).
    public var location: Coordinate?
    public init(isValid: Bool, reason: String? = nil, location: Coordinate? = nil) {
        self.isValid = isValid; self.reason = reason; self.location = location
    }
}

extension GEOSGeometry {
    // MARK: - Validity

    /// GEOS's validity verdict with reason and location. If GEOS itself fails, the result is
    /// invalid with GEOS's error message as the reason.
    public func validity() -> Validity {
        let h = context.handle
        var reason: UnsafeMutablePointer<CChar>? = nil
        var location: OpaquePointer? = nil
        context.clearError()
        let r = GEOSisValidDetail_r(h, pointer, 0, &reason, &location)
        // Both outputs are ours to free, whatever the verdict.
        defer {
            if let reason { GEOSFree_r(h, reason) }
            if let location { GEOSGeom_destroy_r(h, location) }
        }
        switch r {
        case 1:
            return Validity(isValid: true)
        case 0:
            var at: Coordinate? = nil
            if let location, GEOSisEmpty_r(h, location) == 0 {
                var c = Coordinate(0, 0)
                if GEOSGeomGetX_r(h, location, &c.x) == 1, GEOSGeomGetY_r(h, location, &c.y) == 1 { at = c }
            }
            return Validity(isValid: false, reason: reason.map { String(cString: $0) }, location: at)
        default:
            return Validity(isValid: false, reason: context.lastError ?? "GEOSisValidDetail_r failed")
        }
    }

    public var isValid: Bool { validity().isValid }

    /// A valid version (GEOS "linework" method); may change type, e.g. a bowtie → MULTIPOLYGON.
    public func makeValid() throws -> GEOSGeometry {
        context.clearError()
        return try GEOSGeometry.wrap(GEOSMakeValid_r(context.handle, pointer), context, "GEOSMakeValid_r")
    }

    // MARK: - Predicates

    private typealias Predicate = (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> CChar

    /// GEOS predicates answer 1/0, or 2 for an exception.
    private func predicate(_ other: GEOSGeometry, _ name: String, _ f: Predicate) throws -> Bool {
        assert(other.context === context, "GEOS geometries from different contexts")
        context.clearError()
        switch f(context.handle, pointer, other.pointer) {
        case 1: return true
        case 0: return false
        default: throw context.failure(name)
        }
    }

    public func contains(_ other: GEOSGeometry) throws -> Bool { try predicate(other, "GEOSContains_r", GEOSContains_r) }
    public func covers(_ other: GEOSGeometry) throws -> Bool { try predicate(other, "GEOSCovers_r", GEOSCovers_r) }
    public func intersects(_ other: GEOSGeometry) throws -> Bool { try predicate(other, "GEOSIntersects_r", GEOSIntersects_r) }
    public func within(_ other: GEOSGeometry) throws -> Bool { try predicate(other, "GEOSWithin_r", GEOSWithin_r) }
    public func disjoint(_ other: GEOSGeometry) throws -> Bool { try predicate(other, "GEOSDisjoint_r", GEOSDisjoint_r) }

    /// Same structure and coordinates within `tolerance` (order matters; `normalize()` first if not).
    public func equalsExact(_ other: GEOSGeometry, tolerance: Double = 0) throws -> Bool {
        try predicate(other, "GEOSEqualsExact_r") { h, a, b in GEOSEqualsExact_r(h, a, b, tolerance) }
    }

    public var isSimple: Bool {
        get throws {
            context.clearError()
            switch GEOSisSimple_r(context.handle, pointer) {
            case 1: return true
            case 0: return false
            default: throw context.failure("GEOSisSimple_r")
            }
        }
    }

    // MARK: - Distance

    /// Planar minimum distance in CRS units.
    public func distance(to other: GEOSGeometry) throws -> Double {
        assert(other.context === context, "GEOS geometries from different contexts")
        var d = 0.0
        context.clearError()
        guard GEOSDistance_r(context.handle, pointer, other.pointer, &d) == 1 else { throw context.failure("GEOSDistance_r") }
        return d
    }

    /// The closest point on self and on `other`. Throws if either is empty.
    public func nearestPoints(to other: GEOSGeometry) throws -> (Coordinate, Coordinate) {
        assert(other.context === context, "GEOS geometries from different contexts")
        context.clearError()
        return try context.twoPoints(GEOSNearestPoints_r(context.handle, pointer, other.pointer), "GEOSNearestPoints_r")
    }

    // MARK: - Constructive operations (each returns a new geometry)

    private func derived(_ name: String, _ f: (OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> GEOSGeometry {
        context.clearError()
        return try GEOSGeometry.wrap(f(context.handle, pointer), context, name)
    }

    private func binary(_ other: GEOSGeometry, _ name: String,
                        _ f: (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> OpaquePointer?) throws -> GEOSGeometry {
        assert(other.context === context, "GEOS geometries from different contexts")
        context.clearError()
        return try GEOSGeometry.wrap(f(context.handle, pointer, other.pointer), context, name)
    }

    /// Round-joined buffer; `quadrantSegments` segments per quarter circle.
    public func buffer(distance: Double, quadrantSegments: Int = 8) throws -> GEOSGeometry {
        try derived("GEOSBuffer_r") { GEOSBuffer_r($0, $1, distance, Int32(clamping: quadrantSegments)) }
    }

    public func unaryUnion() throws -> GEOSGeometry { try derived("GEOSUnaryUnion_r") { GEOSUnaryUnion_r($0, $1) } }
    public func union(with other: GEOSGeometry) throws -> GEOSGeometry { try binary(other, "GEOSUnion_r", GEOSUnion_r) }
    public func intersection(with other: GEOSGeometry) throws -> GEOSGeometry { try binary(other, "GEOSIntersection_r", GEOSIntersection_r) }
    public func difference(with other: GEOSGeometry) throws -> GEOSGeometry { try binary(other, "GEOSDifference_r", GEOSDifference_r) }
    public func symDifference(with other: GEOSGeometry) throws -> GEOSGeometry { try binary(other, "GEOSSymDifference_r", GEOSSymDifference_r) }

    /// Adds vertices so no segment is longer than `tolerance` (CRS units); tolerance must be > 0.
    public func densify(tolerance: Double) throws -> GEOSGeometry {
        try derived("GEOSDensify_r") { GEOSDensify_r($0, $1, tolerance) }
    }

    /// Douglas-Peucker simplification; `preserveTopology` keeps polygons valid (slower).
    public func simplify(tolerance: Double, preserveTopology: Bool = true) throws -> GEOSGeometry {
        if preserveTopology {
            return try derived("GEOSTopologyPreserveSimplify_r") { GEOSTopologyPreserveSimplify_r($0, $1, tolerance) }
        }
        return try derived("GEOSSimplify_r") { GEOSSimplify_r($0, $1, tolerance) }
    }

    /// A normalized copy (canonical ring start/orientation and part order); self is unchanged,
    /// because GEOSNormalize_r works in place and prepared geometries may point into self.
    public func normalize() throws -> GEOSGeometry {
        let copy = try clone()
        context.clearError()
        guard GEOSNormalize_r(context.handle, copy.pointer) == 0 else { throw context.failure("GEOSNormalize_r") }
        return copy
    }

    public func clone() throws -> GEOSGeometry { try derived("GEOSGeom_clone_r") { GEOSGeom_clone_r($0, $1) } }
}

extension GEOSContext {
    /// Reads and frees the 2-point coordinate sequence GEOS's nearest-points functions return.
    func twoPoints(_ seq: OpaquePointer?, _ name: String) throws -> (Coordinate, Coordinate) {
        guard let seq else { throw failure(name) }
        defer { GEOSCoordSeq_destroy_r(handle, seq) }
        var a = Coordinate(0, 0), b = Coordinate(0, 0)
        guard GEOSCoordSeq_getXY_r(handle, seq, 0, &a.x, &a.y) == 1,
              GEOSCoordSeq_getXY_r(handle, seq, 1, &b.x, &b.y) == 1 else { throw failure(name) }
        return (a, b)
    }
}

/// GEOS's validity reasons in Thai, GEOS's own words kept after them (users searching
/// the web, or reading QGIS, see the English).
public enum ValidityReason {
    public static func message(_ reason: String?) -> Message {
        let en = reason ?? "invalid"
        let known: [(String, String)] = [
            ("Ring Self-intersection", "วงขอบตัดกันเอง"),
            ("Self-intersection", "เส้นขอบตัดกันเอง"),
            ("Hole lies outside shell", "รูอยู่นอกขอบนอก"),
            ("Holes are nested", "รูซ้อนอยู่ในรู"),
            ("Interior is disconnected", "พื้นที่ภายในถูกแบ่งขาดจากกัน"),
            ("Nested shells", "ขอบนอกซ้อนกัน"),
            ("Duplicate Rings", "มีวงซ้ำกัน"),
            ("Too few points", "จุดน้อยเกินไป"),
            ("Invalid Coordinate", "พิกัดไม่ถูกต้อง"),
            ("Ring is not closed", "วงไม่ปิด"),
        ]
        guard let th = known.first(where: { en.hasPrefix($0.0) })?.1 else { return Message(th: en, en: en) }
        return Message(th: "\(th) (GEOS: \(en))", en: en)
    }
}
