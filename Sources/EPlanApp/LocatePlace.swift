import EPlanDomain

/// `where`: which province, amphoe and tambon a typed coordinate lies in, or the nearest.
public struct WhereRequest: Sendable {
    public var coordinate: String
    public var crs: String?
    public var longitudeFirst: Bool
    public init(coordinate: String, crs: String? = nil, longitudeFirst: Bool = false) {
        self.coordinate = coordinate; self.crs = crs; self.longitudeFirst = longitudeFirst
    }
}

public struct WhereResult: Sendable {
    public let input: ParsedCoordinate
    public let answer: PlaceAnswer
}

public struct LocatePlace {
    let store: any EPlanStoring
    /// A long-lived caller's GEOS context and prepared boundaries (the service's readers).
    let geos: GEOSContext?
    let prepared: PreparedGeometryCache?
    /// The service's boundaries in memory (with this caller's GEOS side).
    let index: PlaceIndex.Probe?
    public init(store: any EPlanStoring, geos: GEOSContext? = nil, prepared: PreparedGeometryCache? = nil, index: PlaceIndex.Probe? = nil) {
        self.store = store; self.geos = geos; self.prepared = prepared; self.index = index
    }

    public func run(_ request: WhereRequest) throws -> WhereResult {
        do {
            let proj = LazyPROJ()
            let parser = CoordinateParser(longitudeFirst: request.longitudeFirst, crs: try request.crs.map { try CRS(parsing: $0) })
            let parsed = try parser.parse(request.coordinate)
            let point = parsed.crs == .wgs84 ? parsed.native : try parsed.toWGS84(using: try proj.context())
            let answer = try PlaceLookup(store: store, geos: geos ?? index?.geos ?? GEOSContext(), prepared: prepared, index: index)
                .locate(point, proj: proj.context)
            return WhereResult(input: parsed, answer: answer)
        } catch { throw AppError.classify(error) }
    }

    /// `run`'s answer when the place index settles it alone: a coordinate without `crs` (lat/lon,
    /// WGS 84 UTM or MGRS) inside some unit, found without PROJ or a query, in microseconds. nil
    /// otherwise (a CRS that needs PROJ, or a point outside every unit, whose nearest unit is
    /// measured from the store):
    /// then call `run`. The same checks and refusals as `run` for what it reads.
    public func runFromIndex(_ request: WhereRequest) throws -> WhereResult? {
        guard let index, request.crs == nil else { return nil }
        do {
            let parsed = try CoordinateParser(longitudeFirst: request.longitudeFirst, crs: nil).parse(request.coordinate)
            // WGS 84 UTM and MGRS are converted without PROJ, as `run` does; others need it.
            guard parsed.crs == .wgs84 || CoordinateTransform.withoutPROJ(from: parsed.crs, to: .wgs84) != nil else { return nil }
            let point = try parsed.toWGS84(using: try PROJContext())
            let answer = try PlaceLookup(store: store, geos: index.geos, index: index).containingUnits(point)
            return answer.isInside ? WhereResult(input: parsed, answer: answer) : nil
        } catch { throw AppError.classify(error) }
    }
}

extension WhereResult {
    /// The JSON of `where --format json` and `GET /where`: written as bytes in one pass
    /// (callgrind: the array of interpolated fields joined at the end cost more than the
    /// look-up itself).
    public func json() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

    /// `json()` as UTF-8, for an answer sent as it is (no String made and checked).
    public func jsonBytes() -> [UInt8] {
        var out = JSONBytes(capacity: 512)
        func unit(_ u: AdminUnit?) {
            guard let u else { return out.raw("null") }
            out.raw("{\"code\":")
            out.quoted(u.code)
            out.raw(",\"name_th\":")
            out.quoted(u.nameTH)
            out.raw(",\"name_en\":")
            out.quoted(u.nameEN)
            out.raw("}")
        }
        let a = answer
        out.raw("{\"input\":")
        out.quoted(input.raw)
        out.raw(",\"input_crs\":\"EPSG:")
        out.plain(String(input.crs.epsg))
        out.raw("\",\"lon\":")
        out.plain(JSONText.number(a.point.x, decimals: 7))
        out.raw(",\"lat\":")
        out.plain(JSONText.number(a.point.y, decimals: 7))
        out.raw(a.isInside ? ",\"inside\":true" : ",\"inside\":false")
        out.raw(",\"province\":")
        unit(a.province)
        out.raw(",\"amphoe\":")
        unit(a.amphoe)
        out.raw(",\"tambon\":")
        unit(a.tambon)
        if let n = a.nearest {
            out.raw(",\"nearest\":{\"level\":\"")
            out.plain(n.unit.level.rawValue)
            out.raw("\",\"unit\":")
            unit(n.unit)
            out.raw(",\"distance_m\":")
            out.plain(JSONText.number(n.distanceMetres, decimals: 1))
            out.raw("}")
        } else {
            out.raw(",\"nearest\":null")
        }
        out.raw("}")
        return out.bytes
    }
}
