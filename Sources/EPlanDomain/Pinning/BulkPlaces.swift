/// "Where does this point lie?" (tambon, amphoe, and the LAO covering it) for thousands of
/// pins at a time, as `pins import` asks: every tambon, amphoe and LAO jurisdiction loaded
/// once into a `PolygonLocator`, instead of one R*Tree query and one unprepared GEOS test
/// per candidate per point (`PlaceLookup`, right for one `eplan pin`).
///
/// The answers are exactly `PlaceLookup`'s and `PinValidator`'s: the grid cell names every
/// polygon that may cover the point; a cell wholly inside a polygon answers at once, and a
/// cell a polygon's edge crosses is settled by GEOS (prepared once per polygon, lazily)
/// with the same `covers` rule, so a point on a shared border goes to the same unit.
public final class BulkPlaces {
    /// Polygons in code order (the order `PlaceLookup` tries them in), located in bulk.
    final class Layer {
        let geometries: [Geometry]
        let locator: PolygonLocator
        private let covers: CoveringTest

        init(_ geometries: [Geometry]) {
            self.geometries = geometries
            locator = PolygonLocator(polygons: geometries)
            covers = CoveringTest(count: geometries.count)
        }

        /// Calls `body` with each polygon covering `c` (GEOS's rule), lowest index first,
        /// until it returns false.
        func forEachCovering(_ c: Coordinate, geos: GEOSContext, _ body: (Int) -> Bool) throws {
            try covers.forEach(c, locator: locator, geometries: geometries, geos: geos, body)
        }

        func first(covering c: Coordinate, geos: GEOSContext) throws -> Int? {
            var first: Int? = nil
            try forEachCovering(c, geos: geos) { first = $0; return false }
            return first
        }
    }

    let geos: GEOSContext
    let tambons: [BoundaryRecord], amphoes: [BoundaryRecord], laos: [LAORecord]
    let tambonLayer: Layer, amphoeLayer: Layer, laoLayer: Layer
    /// Each LAO's position in `laos`.
    let laoIndex: [String: Int]

    public init(store: any EPlanStoring, geos: GEOSContext) throws {
        self.geos = geos
        tambons = try store.boundaries(level: .tambon, intersecting: nil).sorted { $0.code < $1.code }
        amphoes = try store.boundaries(level: .amphoe, intersecting: nil).sorted { $0.code < $1.code }
        // `laoCandidates` lists LAOs in code order too (fetchLAOs orders by code).
        laos = try store.laos(provinceCode: nil, amphoeCode: nil).filter { $0.jurisdiction != nil }.sorted { $0.code < $1.code }
        tambonLayer = Layer(tambons.map(\.geometry))
        amphoeLayer = Layer(amphoes.map(\.geometry))
        laoLayer = Layer(laos.map { $0.jurisdiction ?? .multiPolygon([]) })
        laoIndex = Dictionary(laos.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The first unit of `level` (in code order) covering `c`, as `PlaceLookup.containing`
    /// (provinces are not indexed: pins name their tambon and amphoe only).
    func containing(_ c: Coordinate, level: BoundaryLevel) throws -> BoundaryRecord? {
        switch level {
        case .tambon: return try tambonLayer.first(covering: c, geos: geos).map { tambons[$0] }
        case .amphoe: return try amphoeLayer.first(covering: c, geos: geos).map { amphoes[$0] }
        case .province: return nil
        }
    }

    /// The LAO covering `c` other than `excluding`: the local tier (municipality, อบต.)
    /// before the province's อบจ., the first in code order within a tier.
    /// The indexed LAO `code` (one with a jurisdiction), nil when it is not indexed.
    func laoRecord(_ code: String) -> LAORecord? { laoIndex[code].map { laos[$0] } }

    /// Whether the indexed LAO `code`'s jurisdiction covers `c`, as GEOS's prepared covers
    /// answers (a point well inside needs no GEOS call at all); nil when it is not indexed.
    func lao(_ code: String, covers c: Coordinate) throws -> Bool? {
        guard let target = laoIndex[code] else { return nil }
        var hit = false
        try laoLayer.forEachCovering(c, geos: geos) { k in
            if k == target { hit = true; return false }
            return true
        }
        return hit
    }

    public func lao(covering c: Coordinate, excluding code: String) throws -> LAORecord? {
        var best: LAORecord? = nil
        try laoLayer.forEachCovering(c, geos: geos) { k in
            let lao = laos[k]
            if lao.code != code, (best?.type.tier ?? -1) < lao.type.tier { best = lao }
            return true
        }
        return best
    }
}

/// The grid's candidates for a point settled as `PlaceLookup` settles them: a cell wholly
/// inside a polygon answers at once; a polygon whose edge crosses the cell is tested with
/// GEOS's `covers`, each prepared once, lazily (only those near a point asked about). One
/// per thread: it holds GEOS objects of one context. Shared by `pins import` (BulkPlaces)
/// and the service's `GET /where` (PlaceIndex.Probe).
final class CoveringTest {
    private var prepared: [PreparedGeometry?]
    private var found: [(index: Int, whole: Bool)] = []

    init(count: Int) { prepared = Array(repeating: nil, count: count) }

    /// Calls `body` with the index of each polygon covering `c`, lowest first, until it
    /// returns false.
    func forEach(_ c: Coordinate, locator: PolygonLocator, geometries: [Geometry], geos: GEOSContext,
                 _ body: (Int) -> Bool) throws {
        locator.candidates(x: c.x, y: c.y, into: &found)
        for (k, whole) in found {
            if !whole {
                if prepared[k] == nil { prepared[k] = try PreparedGeometry(try GEOSGeometry(geometries[k], context: geos)) }
                guard try prepared[k]?.covers(x: c.x, y: c.y) == true else { continue }
            }
            if !body(k) { return }
        }
    }
}
