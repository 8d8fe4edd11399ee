import Foundation

/// The boxes of the units a level's features must lie near: for tambons the amphoes and
/// provinces already in the store, for amphoes the provinces (by code).
public struct ParentExtents: Sendable {
    public var byLevel: [BoundaryLevel: [String: Envelope]]

    public init(byLevel: [BoundaryLevel: [String: Envelope]] = [:]) { self.byLevel = byLevel }

    public static func load(from store: any EPlanStoring, for level: BoundaryLevel) throws -> ParentExtents {
        var out = ParentExtents()
        for parent in level.enclosingLevels { out.byLevel[parent] = try store.boundaryEnvelopes(level: parent) }
        return out
    }
}

extension BoundaryLevel {
    /// The levels above this one, nearest first.
    public var enclosingLevels: [BoundaryLevel] {
        switch self {
        case .province: return []
        case .amphoe: return [.province]
        case .tambon: return [.amphoe, .province]
        }
    }
}

/// One feature as read and checked: its fields, its geometry in WGS 84, and every reason
/// an import would refuse it (empty when it can be imported).
public struct CheckedFeature {
    public var index: Int
    public var code: String
    public var parentCode: String?
    public var provinceCode: String
    public var nameTH: String
    public var nameEN: String
    /// The geometry in WGS 84 as read (nil when missing or unreadable), even when refused.
    public var geometry: Geometry?
    /// Whether one of the problems is the geometry's (then it cannot stand for the unit).
    public var geometryRefused: Bool
    public var problems: [ImportError]
}

/// The checks a boundary feature must pass to be imported: ONE function used by both
/// `boundaries import` (which refuses the file at the first problem) and `audit boundaries
/// --file` (which reports them all), so an audit can never pass a file import refuses.
public struct BoundaryFeatureChecker {
    public let path: String
    public let level: BoundaryLevel
    public let fields: BoundaryFields
    public let sourceCRS: Int
    private let toWGS84: CoordinateTransform?
    /// Where the declared CRS's coordinates may lie (nil: anywhere on Earth, EPSG:4326).
    private let area: CRSArea?
    private let parents: ParentExtents
    private var seen: [String: Int] = [:]

    public init(path: String, level: BoundaryLevel, fields: BoundaryFields, root: [String: Any],
                parents: ParentExtents, proj: () throws -> PROJContext) throws {
        self.path = path; self.level = level; self.fields = fields; self.parents = parents
        sourceCRS = try GeoJSONFile.declaredEPSG(root, path: path) ?? 4326
        if sourceCRS == 4326 {
            toWGS84 = nil; area = nil
        } else {
            let crs = try CRS(epsg: sourceCRS)
            let p = try proj()
            toWGS84 = try p.transform(from: crs, to: .wgs84)
            area = try CRSArea(crs: crs, proj: p)
        }
    }

    public mutating func check(_ feature: [String: Any], index: Int) -> CheckedFeature {
        let at = Message(th: "\(path): feature ที่ \(index + 1)", en: "\(path): feature \(index + 1)")
        let properties = feature["properties"] as? [String: Any] ?? [:]
        var problems: [ImportError] = []
        func field(_ name: String) -> String {
            let value = GeoJSONFile.stringProperty(properties[name]) ?? ""
            if value.isEmpty { problems.append(.missingField(at: at, field: name)) }
            return value
        }
        let code = field(fields.code)
        if !code.isEmpty {
            if let first = seen[code] {
                problems.append(.duplicateCode(at: at, code: code, firstFeature: first + 1))
            } else { seen[code] = index }
        }
        let parent = fields.parentCode.map(field)
        let province = field(fields.provinceCode)
        let nameTH = field(fields.nameTH).precomposedStringWithCanonicalMapping
        let nameEN = GeoJSONFile.stringProperty(properties[fields.nameEN]) ?? ""
        var geometry: Geometry? = nil
        let geometryProblem = checkGeometry(feature["geometry"], at: at, code: code,
                                            parents: [parent, province], into: &geometry)
        if let g = geometryProblem { problems.append(g) }
        return CheckedFeature(index: index, code: code, parentCode: parent, provinceCode: province,
                              nameTH: nameTH, nameEN: nameEN, geometry: geometry,
                              geometryRefused: geometryProblem != nil, problems: problems)
    }

    /// Reads, reprojects and checks a geometry; `out` gets it (as a multipolygon when areal).
    private func checkGeometry(_ object: Any?, at: Message, code: String, parents codes: [String?],
                               into out: inout Geometry?) -> ImportError? {
        guard let object, !(object is NSNull) else { return .missingGeometry(at: at, code: code) }
        let source: Geometry
        do { source = try GeoJSONGeometry.decode(object) } catch {
            return .badGeometry(at: at, code: code, detail: "\(error)")
        }
        var g = source
        if let t = toWGS84 {
            do { g = try t.transform(source) } catch {
                return .badGeometry(at: at, code: code, detail: "\(error)")
            }
        }
        out = g
        if g.isEmpty { return .emptyGeometry(at: at, code: code) }
        if let bad = BoundaryImporter.firstOutOfRange(g) { return .outOfRange(at: at, code: code, coordinate: bad) }
        switch g {
        case .polygon, .multiPolygon: g = g.asMulti; out = g
        default: return .notAreal(at: at, code: code, type: g.type.rawValue)
        }
        if let area, let k = area.firstOutside(g) {
            return .outsideCRSArea(at: at, code: code, source: source.coordinate(at: k) ?? Coordinate(0, 0),
                                   lonLat: g.coordinate(at: k) ?? Coordinate(0, 0), crs: sourceCRS, area: area.description)
        }
        guard let env = g.envelope else { return nil }
        if env.width > 180 { return .crossesAntimeridian(at: at, code: code, west: env.minX, east: env.maxX) }
        for (parentLevel, parentCode) in zip(level.enclosingLevels, codes.prefix(level.enclosingLevels.count).map { $0 ?? "" })
            where !parentCode.isEmpty {
            guard let box = parents.byLevel[parentLevel]?[parentCode] else { continue }
            if let c = Self.farOutside(g, box) {
                return .farFromParent(at: at, code: code, parentLevel: parentLevel, parentCode: parentCode,
                                      coordinate: c, parentBox: box)
            }
        }
        return nil
    }

    /// A vertex far outside a parent's box: farther than the box's larger side from it.
    /// A unit coded to a neighbouring parent stays within that (the audit names it a wrong
    /// parent); one in another province, or wrapped around the antimeridian, does not.
    static func farOutside(_ g: Geometry, _ box: Envelope) -> Coordinate? {
        let m = max(box.width, box.height, 0.01)
        let near = Envelope(minX: box.minX - m, minY: box.minY - m, maxX: box.maxX + m, maxY: box.maxY + m)
        var bad: Coordinate? = nil
        g.forEachCoordinate { c in if bad == nil, !near.contains(c) { bad = c } }
        return bad
    }
}

/// Where the positions of a file in a declared CRS may lie, in lon/lat: the CRS's EPSG
/// area of use (from PROJ), and for the Thai systems also Thailand itself, because Thai
/// agencies keep a whole-country layer in UTM 47N (or 48N) beyond the zone's 6°. A lon/lat
/// file declared as UTM lands near 0°N west of the zone: outside both.
struct CRSArea {
    var areas: [AreaOfUse]

    static let thailand = AreaOfUse(west: 97.3, south: 5.6, east: 105.7, north: 20.5, name: "Thailand")

    init(crs: CRS, proj: PROJContext) throws {
        areas = []
        if let a = try proj.areaOfUse(of: crs) { areas.append(a) }
        if crs.utmZone != nil { areas.append(Self.thailand) }
    }

    /// The index (in `forEachCoordinate` order) of the first position outside every area.
    func firstOutside(_ g: Geometry) -> Int? {
        guard !areas.isEmpty else { return nil }
        var k = 0, bad: Int? = nil
        g.forEachCoordinate { c in
            if bad == nil, !areas.contains(where: { $0.contains(c, tolerance: 1e-6) }) { bad = k }
            k += 1
        }
        return bad
    }

    var description: Message {
        // The registry's text goes on to list countries: its first sentence is enough.
        let list = areas.map { "\($0.extent) (\($0.name.components(separatedBy: ". ").first ?? $0.name))" }
        return Message(th: list.joined(separator: " หรือ "), en: list.joined(separator: " or "))
    }
}

extension Geometry {
    /// The k-th position in `forEachCoordinate` order.
    func coordinate(at k: Int) -> Coordinate? {
        var i = 0, out: Coordinate? = nil
        forEachCoordinate { c in if i == k { out = c }; i += 1 }
        return out
    }
}
