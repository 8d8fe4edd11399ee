/// Plain Swift geometry values: the interchange form between the store (SpatiaLite BLOBs),
/// GeoJSON, the CRS module and GEOS. Hot paths keep GEOS handles alive instead
/// (see `GEOSGeometry` and `PreparedGeometry`); these values are for moving data.

/// One position. For EPSG:4326, `x` is longitude and `y` latitude (GeoJSON order).
public struct Coordinate: Equatable, Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    public var isFinite: Bool { x.isFinite && y.isFinite }
}

/// A closed ring: first coordinate equals the last.
public typealias Ring = [Coordinate]

/// A polygon: the exterior ring first, then any holes.
public struct Polygon: Equatable, Sendable {
    public var rings: [Ring]
    public init(rings: [Ring]) { self.rings = rings }
    public init(exterior: Ring, holes: [Ring] = []) { self.rings = [exterior] + holes }
    public var exterior: Ring { rings.first ?? [] }
    public var holes: ArraySlice<Ring> { rings.dropFirst() }
}

public enum GeometryType: String, Sendable, CaseIterable {
    case point = "Point"
    case lineString = "LineString"
    case polygon = "Polygon"
    case multiPoint = "MultiPoint"
    case multiLineString = "MultiLineString"
    case multiPolygon = "MultiPolygon"
    case geometryCollection = "GeometryCollection"

    /// The OGC / ISO WKB type code (2D).
    public var wkbCode: UInt32 {
        switch self {
        case .point: return 1
        case .lineString: return 2
        case .polygon: return 3
        case .multiPoint: return 4
        case .multiLineString: return 5
        case .multiPolygon: return 6
        case .geometryCollection: return 7
        }
    }

    public init?(wkbCode: UInt32) {
        guard let t = GeometryType.allCases.first(where: { $0.wkbCode == wkbCode }) else { return nil }
        self = t
    }

    /// The name `geometry_columns` and OGC WKT use ("POINT", "MULTIPOLYGON", …).
    public var wktName: String { rawValue.uppercased() }
}

public indirect enum Geometry: Equatable, Sendable {
    case point(Coordinate)
    case lineString([Coordinate])
    case polygon(Polygon)
    case multiPoint([Coordinate])
    case multiLineString([[Coordinate]])
    case multiPolygon([Polygon])
    case geometryCollection([Geometry])

    public var type: GeometryType {
        switch self {
        case .point: return .point
        case .lineString: return .lineString
        case .polygon: return .polygon
        case .multiPoint: return .multiPoint
        case .multiLineString: return .multiLineString
        case .multiPolygon: return .multiPolygon
        case .geometryCollection: return .geometryCollection
        }
    }

    /// Every coordinate, in order, depth first.
    public func forEachCoordinate(_ body: (Coordinate) throws -> Void) rethrows {
        switch self {
        case .point(let c): try body(c)
        case .lineString(let cs), .multiPoint(let cs): for c in cs { try body(c) }
        case .polygon(let p): for r in p.rings { for c in r { try body(c) } }
        case .multiLineString(let ls): for l in ls { for c in l { try body(c) } }
        case .multiPolygon(let ps): for p in ps { for r in p.rings { for c in r { try body(c) } } }
        case .geometryCollection(let gs): for g in gs { try g.forEachCoordinate(body) }
        }
    }

    /// The same geometry with every coordinate passed through `transform`.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        func ring(_ r: [Coordinate]) throws -> [Coordinate] { try r.map(transform) }
        func poly(_ p: Polygon) throws -> Polygon { Polygon(rings: try p.rings.map(ring)) }
        switch self {
        case .point(let c): return .point(try transform(c))
        case .lineString(let cs): return .lineString(try ring(cs))
        case .multiPoint(let cs): return .multiPoint(try ring(cs))
        case .polygon(let p): return .polygon(try poly(p))
        case .multiLineString(let ls): return .multiLineString(try ls.map(ring))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map(poly))
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapCoordinates(transform) })
        }
    }

    public var coordinateCount: Int {
        var n = 0
        forEachCoordinate { _ in n += 1 }
        return n
    }

    public var isEmpty: Bool { coordinateCount == 0 }

    /// The bounding box, or nil for an empty geometry.
    public var envelope: Envelope? {
        var e: Envelope? = nil
        forEachCoordinate { c in
            if e == nil { e = Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { e!.expand(c) }
        }
        return e
    }

    /// This geometry as a multi geometry of its kind (a polygon becomes a one-part multipolygon).
    public var asMulti: Geometry {
        switch self {
        case .point(let c): return .multiPoint([c])
        case .lineString(let cs): return .multiLineString([cs])
        case .polygon(let p): return .multiPolygon([p])
        default: return self
        }
    }
}

/// An axis-aligned bounding box.
public struct Envelope: Hashable, Sendable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }
    public mutating func expand(_ c: Coordinate) {
        if c.x < minX { minX = c.x }
        if c.x > maxX { maxX = c.x }
        if c.y < minY { minY = c.y }
        if c.y > maxY { maxY = c.y }
    }
    public mutating func expand(_ e: Envelope) {
        minX = Swift.min(minX, e.minX); minY = Swift.min(minY, e.minY)
        maxX = Swift.max(maxX, e.maxX); maxY = Swift.max(maxY, e.maxY)
    }
    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }
    public func intersects(_ o: Envelope) -> Bool {
        !(o.minX > maxX || o.maxX < minX || o.minY > maxY || o.maxY < minY)
    }
    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: Coordinate { Coordinate((minX + maxX) / 2, (minY + maxY) / 2) }
}
