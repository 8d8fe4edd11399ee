import CGEOS

/// A live GEOS geometry: owns exactly one `GEOSGeometry*` (destroyed in `deinit`) and keeps its
/// context alive, so hot paths can run many predicates without converting to/from `Geometry`.
///
/// Same threading rule as `GEOSContext`: use it only on the thread that uses its context, and
/// combine it only with geometries made in the same context.
///
/// Operations never mutate the receiver (a `PreparedGeometry` may point into it); they return
/// new geometries.
public final class GEOSGeometry {
    public let context: GEOSContext
    /// The owned `GEOSGeometry*`.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`, which must have been made in `context`.
    init(owning pointer: OpaquePointer, context: GEOSContext) {
        self.pointer = pointer
        self.context = context
    }

    deinit { GEOSGeom_destroy_r(context.handle, pointer) }

    /// Wraps a new geometry GEOS returned, or throws GEOS's message when it returned NULL.
    static func wrap(_ p: OpaquePointer?, _ context: GEOSContext, _ operation: String,
                     kind: GEOSError.Kind = .operationFailed) throws -> GEOSGeometry {
        guard let p else { throw context.failure(operation, kind: kind) }
        return GEOSGeometry(owning: p, context: context)
    }

    // MARK: - Construction

    /// Builds the GEOS geometry from a plain value via coordinate sequences.
    /// Throws `.nonFiniteCoordinate` naming the first NaN/infinite coordinate, and
    /// `.invalidStructure` for unclosed rings, rings of < 4 positions and lines of 1 position.
    /// See `GEOSGeometry+Conversion.swift` for how empty geometries map.
    public convenience init(_ geometry: Geometry, context: GEOSContext) throws {
        let p = try GEOSBuilder(context: context).build(geometry, path: "")
        self.init(owning: p, context: context)
    }

    /// Parses WKT; a syntax error throws `.malformedWKT` with GEOS's ParseException text.
    public convenience init(wkt: String, context: GEOSContext) throws {
        let reader = try context.wktReader()
        context.clearError()
        let p = wkt.withCString { GEOSWKTReader_read_r(context.handle, reader, $0) }
        guard let p else { throw context.failure("GEOSWKTReader_read_r", kind: .malformedWKT) }
        self.init(owning: p, context: context)
    }

    /// As `init(wkt:)`, then refuses what GEOS's reader lets through: text after the geometry,
    /// Z or M values (a `Geometry` keeps x y only) and non-finite numbers (see `WKTShape`).
    /// For text a person typed; GEOS's own parse errors come first, in its words.
    public convenience init(strictWKT wkt: String, context: GEOSContext) throws {
        try self.init(wkt: wkt, context: context)
        try WKTShape.check(wkt)
    }

    /// Parses WKB (ISO or EWKB, either byte order); malformed bytes throw `.malformedWKB`.
    public convenience init(wkb: UnsafeRawBufferPointer, context: GEOSContext) throws {
        self.init(owning: try GEOSGeometry.readWKB(wkb, context), context: context)
    }

    public convenience init(wkb: [UInt8], context: GEOSContext) throws {
        let p = try wkb.withUnsafeBytes { try GEOSGeometry.readWKB($0, context) }
        self.init(owning: p, context: context)
    }

    private static func readWKB(_ wkb: UnsafeRawBufferPointer, _ context: GEOSContext) throws -> OpaquePointer {
        guard let base = wkb.baseAddress, wkb.count > 0 else {
            throw GEOSError(kind: .malformedWKB, operation: "GEOSWKBReader_read_r",
                            geosMessage: "ParseException: empty input")
        }
        let reader = try context.wkbReader()
        context.clearError()
        let p = GEOSWKBReader_read_r(context.handle, reader,
                                     base.assumingMemoryBound(to: UInt8.self), wkb.count)
        guard let p else { throw context.failure("GEOSWKBReader_read_r", kind: .malformedWKB) }
        return p
    }

    // MARK: - Output

    /// The plain value (2D; Z/M dropped). See `GEOSGeometry+Conversion.swift` for empties.
    public func toGeometry() throws -> Geometry {
        try GEOSReader(context: context).read(pointer)
    }

    /// WKT, trimmed ("POINT (1 2)"); `precision` = number of decimals, nil = full precision.
    /// Returns "" only if GEOS fails to write (out of memory), with `context.lastError` set.
    public func wkt(precision: Int? = nil) -> String {
        let h = context.handle
        guard let w = context.wktWriter else { return "" }
        GEOSWKTWriter_setRoundingPrecision_r(h, w, Int32(clamping: precision ?? -1))
        context.clearError()
        guard let s = GEOSWKTWriter_write_r(h, w, pointer) else { return "" }
        defer { GEOSFree_r(h, s) }
        return String(cString: s)
    }

    /// ISO WKB, 2D, little endian. Returns [] only if GEOS fails to write (out of memory).
    public func wkb() -> [UInt8] {
        let h = context.handle
        var size = 0
        context.clearError()
        guard let writer = context.wkbWriter,
              let bytes = GEOSWKBWriter_write_r(h, writer, pointer, &size) else { return [] }
        defer { GEOSFree_r(h, bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    // MARK: - Properties

    /// The geometry type; a GEOS LinearRing reports `.lineString`.
    public var type: GeometryType {
        switch GEOSGeomTypeId_r(context.handle, pointer) {
        case 0: return .point
        case 1, 2: return .lineString
        case 3: return .polygon
        case 4: return .multiPoint
        case 5: return .multiLineString
        case 6: return .multiPolygon
        default: return .geometryCollection
        }
    }

    public var isEmpty: Bool { GEOSisEmpty_r(context.handle, pointer) == 1 }

    /// The bounding box, nil when empty.
    public var envelope: Envelope? {
        var e = Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
        guard GEOSGeom_getExtent_r(context.handle, pointer, &e.minX, &e.minY, &e.maxX, &e.maxY) == 1 else { return nil }
        return e
    }

    /// Planar area in CRS units squared (degrees² for EPSG:4326 — project first for m²).
    public var area: Double {
        get throws {
            var d = 0.0
            context.clearError()
            guard GEOSArea_r(context.handle, pointer, &d) == 1 else { throw context.failure("GEOSArea_r") }
            return d
        }
    }

    /// Planar length/perimeter in CRS units.
    public var length: Double {
        get throws {
            var d = 0.0
            context.clearError()
            guard GEOSLength_r(context.handle, pointer, &d) == 1 else { throw context.failure("GEOSLength_r") }
            return d
        }
    }

    /// The centroid, nil for an empty geometry.
    public var centroid: Coordinate? {
        get throws { try pointCoordinate(GEOSGetCentroid_r(context.handle, pointer), "GEOSGetCentroid_r") }
    }

    /// A point guaranteed to lie on the geometry (inside a polygon), nil when empty.
    public var pointOnSurface: Coordinate? {
        get throws { try pointCoordinate(GEOSPointOnSurface_r(context.handle, pointer), "GEOSPointOnSurface_r") }
    }

    /// Number of coordinates over all parts (0 when empty).
    public var numCoordinates: Int { max(0, Int(GEOSGetNumCoordinates_r(context.handle, pointer))) }

    /// Reads (and frees) a point result GEOS just returned.
    private func pointCoordinate(_ p: OpaquePointer?, _ operation: String) throws -> Coordinate? {
        guard let p else { throw context.failure(operation) }
        defer { GEOSGeom_destroy_r(context.handle, p) }
        if GEOSisEmpty_r(context.handle, p) == 1 { return nil }
        var c = Coordinate(0, 0)
        guard GEOSGeomGetX_r(context.handle, p, &c.x) == 1, GEOSGeomGetY_r(context.handle, p, &c.y) == 1 else {
            throw context.failure(operation)
        }
        return c
    }
}
