/// Every tambon, amphoe and province of a store in memory, each level in a `PolygonLocator`
/// (a grid over the units, then only the edges near the point), for a long-lived caller that
/// asks "where is this point?" per request (the service's `GET /where`): no query, no
/// geometry decoded per lookup. Built once per `BoundaryGeneration`; immutable afterwards,
/// so every thread shares it. GEOS, for points near an edge, is per thread: see `Probe`.
public final class PlaceIndex: Sendable {
    /// The store's boundary generation read before the boundaries were (the index holds at
    /// least that state).
    public let generation: BoundaryGeneration
    private let tambons: Layer, amphoes: Layer, provinces: Layer

    /// One level's units in code order (the order `PlaceLookup` tries them in).
    struct Layer: Sendable {
        let records: [BoundaryRecord]
        let geometries: [Geometry]
        let locator: PolygonLocator
        init(_ store: any EPlanStoring, _ level: BoundaryLevel) throws {
            records = try store.boundaries(level: level, intersecting: nil).sorted { $0.code < $1.code }
            geometries = records.map(\.geometry)
            locator = PolygonLocator(polygons: geometries)
        }
    }

    /// - Parameter generation: read from the same store before calling (see `generation`).
    public init(store: any EPlanStoring, generation: BoundaryGeneration) throws {
        self.generation = generation
        tambons = try Layer(store, .tambon)
        amphoes = try Layer(store, .amphoe)
        provinces = try Layer(store, .province)
    }

    /// Whether this index shows every change `other` counts (both parts only grow).
    public func isCurrent(for other: BoundaryGeneration) -> Bool {
        generation.imports >= other.imports && generation.repairs >= other.repairs
    }

    fileprivate func layer(_ level: BoundaryLevel) -> (Layer, Int) {
        switch level {
        case .tambon: return (tambons, 0)
        case .amphoe: return (amphoes, 1)
        case .province: return (provinces, 2)
        }
    }

    /// One user's side of an index: a GEOS context and the units it prepared so far (only
    /// those whose edge passes near a point asked about). GEOS objects are not to be shared
    /// between threads, so each pooled connection of the service keeps its own probe.
    /// Answers exactly as `PlaceLookup.containing` (see `CoveringTest`): the first unit in
    /// code order that covers the point, so a point on a shared border goes to the same unit.
    public final class Probe {
        public let index: PlaceIndex
        public let geos: GEOSContext
        private let tests: [CoveringTest]

        public init(index: PlaceIndex, geos: GEOSContext) {
            self.index = index; self.geos = geos
            tests = [index.tambons, index.amphoes, index.provinces].map { CoveringTest(count: $0.records.count) }
        }

        public func containing(_ c: Coordinate, level: BoundaryLevel) throws -> BoundaryRecord? {
            let (layer, slot) = index.layer(level)
            var first: Int?
            try tests[slot].forEach(c, locator: layer.locator, geometries: layer.geometries, geos: geos) { first = $0; return false }
            return first.map { layer.records[$0] }
        }
    }
}
