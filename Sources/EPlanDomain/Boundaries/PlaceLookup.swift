/// One administrative unit, without its geometry.
public struct AdminUnit: Sendable, Equatable {
    public var level: BoundaryLevel
    public var code: String
    public var nameTH: String
    public var nameEN: String

    public init(_ r: BoundaryRecord) {
        level = r.level; code = r.code; nameTH = r.nameTH; nameEN = r.nameEN ?? ""
    }

    public func name(_ lang: Language = Language.current) -> String {
        lang == .th || nameEN.isEmpty ? nameTH : nameEN
    }
}

/// The unit nearest to a point that lies in none, and how far it is.
public struct NearestUnit: Sendable, Equatable {
    public var unit: AdminUnit
    public var distanceMetres: Double
    /// The point of the unit's boundary closest to the query (lon/lat).
    public var closestPoint: Coordinate
}

/// Where a point lies: the units containing it at each level, or the nearest one.
public struct PlaceAnswer: Sendable, Equatable {
    public var point: Coordinate
    public var province: AdminUnit?
    public var amphoe: AdminUnit?
    public var tambon: AdminUnit?
    public var nearest: NearestUnit?

    public var isInside: Bool { province != nil || amphoe != nil || tambon != nil }
}

/// Answers "where is this point?" from the store's boundaries through the R*Tree, then
/// GEOS for the exact test (a point on a shared border belongs to both; the first wins).
public struct PlaceLookup {
    public let store: any EPlanStoring
    public let geos: GEOSContext
    /// A long-lived caller's prepared boundaries (made with `geos`); nil tests unprepared.
    public let prepared: PreparedGeometryCache?
    /// A long-lived caller's boundaries in memory: then no query finds the containing units.
    public let index: PlaceIndex.Probe?

    public init(store: any EPlanStoring, geos: GEOSContext, prepared: PreparedGeometryCache? = nil, index: PlaceIndex.Probe? = nil) {
        self.store = store; self.geos = geos; self.prepared = prepared; self.index = index
    }

    public func containing(_ c: Coordinate, level: BoundaryLevel) throws -> BoundaryRecord? {
        if let index { return try index.containing(c, level: level) }
        let candidates = try store.candidates(level: level, containing: c)
        if candidates.isEmpty { return nil }
        let point = try GEOSGeometry(.point(c), context: geos)
        for record in candidates.sorted(by: { $0.code < $1.code }) {
            if let prepared {
                if try prepared.prepared("\(level.rawValue):\(record.code)", record.geometry, geos: geos).covers(point) { return record }
            } else if try GEOSGeometry(record.geometry, context: geos).covers(point) { return record }
        }
        return nil
    }

    /// - Parameter proj: needed only to measure the distance when the point lies outside.
    public func locate(_ c: Coordinate, proj: () throws -> PROJContext) throws -> PlaceAnswer {
        var answer = try containingUnits(c)
        if !answer.isInside {
            for level in [BoundaryLevel.tambon, .amphoe, .province] where try store.count(level: level) > 0 {
                answer.nearest = try nearest(to: c, level: level, proj: try proj())
                break
            }
        }
        return answer
    }

    /// The units containing `c` at each level, without the nearest one when it lies in none.
    public func containingUnits(_ c: Coordinate) throws -> PlaceAnswer {
        var answer = PlaceAnswer(point: c)
        answer.tambon = try containing(c, level: .tambon).map(AdminUnit.init)
        answer.amphoe = try containing(c, level: .amphoe).map(AdminUnit.init)
        answer.province = try containing(c, level: .province).map(AdminUnit.init)
        return answer
    }

    /// The unit of `level` nearest to `c`, measured in metres in the point's UTM zone.
    public func nearest(to c: Coordinate, level: BoundaryLevel, proj: PROJContext) throws -> NearestUnit? {
        let point = try GEOSGeometry(.point(c), context: geos)
        // Widen the search box until it holds a unit; then every unit closer than the best
        // one found (in degrees) must intersect a box of that radius.
        var radius = 0.05
        var candidates: [BoundaryRecord] = []
        while radius < 400 {
            candidates = try store.boundaries(level: level, intersecting: box(c, radius))
            if !candidates.isEmpty { break }
            radius *= 4
        }
        if candidates.isEmpty { return nil }
        var bestDegrees = Double.infinity
        for r in candidates { bestDegrees = min(bestDegrees, try GEOSGeometry(r.geometry, context: geos).distance(to: point)) }
        // A degree of longitude is shorter than one of latitude: widen so no closer unit is missed.
        candidates = try store.boundaries(level: level, intersecting: box(c, bestDegrees * 1.2 + 1e-9))
        let utm = try proj.transform(from: .wgs84, to: try CRS(epsg: UTMZone.epsg(forLongitude: c.x)))
        let pointUTM = try GEOSGeometry(.point(try utm.transform(c)), context: geos)
        var best: NearestUnit? = nil
        for r in candidates {
            let shape = try GEOSGeometry(try utm.transform(r.geometry), context: geos)
            let d = try shape.distance(to: pointUTM)
            if best == nil || d < best!.distanceMetres {
                let closestDeg = try GEOSGeometry(r.geometry, context: geos).nearestPoints(to: point).0
                best = NearestUnit(unit: AdminUnit(r), distanceMetres: d, closestPoint: closestDeg)
            }
        }
        return best
    }

    private func box(_ c: Coordinate, _ r: Double) -> Envelope {
        Envelope(minX: c.x - r, minY: c.y - r, maxX: c.x + r, maxY: c.y + r)
    }
}

extension BoundaryLevel {
    public var label: Message {
        switch self {
        case .province: return Message(th: "จังหวัด", en: "province")
        case .amphoe: return Message(th: "อำเภอ", en: "district (amphoe)")
        case .tambon: return Message(th: "ตำบล", en: "sub-district (tambon)")
        }
    }
}
