import EPlanDomain
import Foundation

/// A published collection of the OGC API – Features service (issue 11): the boundary
/// layers, and the projects' current pins split by geometry kind.
public enum FeatureCollectionID: String, Sendable, CaseIterable {
    case provinces, amphoes, tambons, laos
    case projectPoints = "project-points", projectLines = "project-lines", projectPolygons = "project-polygons"

    public var layer: BoundaryLayer? {
        switch self {
        case .provinces: return .province
        case .amphoes: return .amphoe
        case .tambons: return .tambon
        case .laos: return .lao
        default: return nil
        }
    }

    public var pinKind: PinGeometryKind? {
        switch self {
        case .projectPoints: return .point
        case .projectLines: return .line
        case .projectPolygons: return .polygon
        default: return nil
        }
    }

    public var title: Message {
        switch self {
        case .provinces: return Message(th: "จังหวัด", en: "Provinces")
        case .amphoes: return Message(th: "อำเภอ", en: "Districts (amphoes)")
        case .tambons: return Message(th: "ตำบล", en: "Subdistricts (tambons)")
        case .laos: return Message(th: "เขตองค์กรปกครองส่วนท้องถิ่น (อปท.)", en: "Local government (LAO) jurisdictions")
        case .projectPoints: return Message(th: "โครงการ (หมุดจุด)", en: "Projects (point pins)")
        case .projectLines: return Message(th: "โครงการ (หมุดเส้น)", en: "Projects (line pins)")
        case .projectPolygons: return Message(th: "โครงการ (หมุดพื้นที่)", en: "Projects (area pins)")
        }
    }

    public var summary: Message {
        if let kind = pinKind {
            return Message(th: "หมุดปัจจุบันของโครงการแบบ\(["point": "จุด", "line": "เส้น", "polygon": "พื้นที่"][kind.rawValue] ?? "") พร้อมข้อมูลงบประมาณเดียวกับการส่งออก",
                           en: "The projects' current \(kind.rawValue) pins with the export's budget attributes")
        }
        return Message(th: "ขอบเขต\(title.th)", en: "Boundaries: \(title.en.lowercased())")
    }

    /// The property filters the collection's items accept.
    public var filters: [String] {
        switch self {
        case .provinces: return ["province_code"]
        case .amphoes: return ["province_code", "amphoe_code"]
        case .tambons: return ["province_code", "amphoe_code"]
        case .laos: return ["province_code", "amphoe_code", "lao_code"]
        default: return ["lao_code", "amphoe_code", "province_code", "plan_year", "stage", "funding", "kind"]
        }
    }

    /// The collection named in a path, or 404.
    public static func named(_ id: String) throws -> FeatureCollectionID {
        guard let c = FeatureCollectionID(rawValue: id) else {
            throw AppError(.notFound, Message(th: "ไม่มีชุดข้อมูล '\(id)' (มี: \(allCases.map(\.rawValue).joined(separator: ", ")))",
                                              en: "no collection '\(id)' (there are: \(allCases.map(\.rawValue).joined(separator: ", ")))"), field: "collectionId")
        }
        return c
    }
}

/// What a reader may see. Boundaries are public records for any account; projects follow
/// the account (LAO staff their LAO, the provincial office its province, admins all), or
/// everything when the service was started with `--public-read`.
public enum FeatureScope: Sendable, Hashable {
    case all, province(String), lao(String)

    /// The scope of an account (nil: nobody logged in, only with `publicRead`).
    public static func of(_ actor: Actor?, publicRead: Bool) -> FeatureScope {
        guard !publicRead, let actor else { return .all }
        switch actor.role {
        case .local, .admin: return .all
        case .province: return .province(actor.provinceCode ?? "")
        case .engineer, .planner, .finance: return .lao(actor.laoCode ?? "")
        }
    }
}

/// One collection's description for the collections list: its box (nil when empty).
public struct FeatureCollectionInfo: Sendable {
    public let id: FeatureCollectionID
    public let extent: Envelope?
}

/// The OGC API – Features reads: collections with their extents, pages of items, one item.
/// The HTTP layer parses the path and query (`FeatureItemsQuery.parse`) and renders.
public struct ReadFeatures {
    public let store: any EPlanStoring
    public let scope: FeatureScope
    /// The LAOs' blocks kept between pages of `store`'s connection (a server's pooled reader).
    public var laoBlocks: ExportLAOBlocks?

    public init(store: any EPlanStoring, scope: FeatureScope, laoBlocks: ExportLAOBlocks? = nil) {
        self.store = store; self.scope = scope; self.laoBlocks = laoBlocks
    }

    /// Every collection with its box from the R*Tree (the whole layer's, whatever the scope).
    public func collections() throws -> [FeatureCollectionInfo] {
        try FeatureCollectionID.allCases.map { try collection($0) }
    }

    public func collection(_ id: FeatureCollectionID) throws -> FeatureCollectionInfo {
        if let layer = id.layer { return FeatureCollectionInfo(id: id, extent: try store.boundaryExtent(layer)) }
        return FeatureCollectionInfo(id: id, extent: try store.pinExtent(id.pinKind ?? .point))
    }

    /// A page of items, ready to stream; `numberMatched` only where a count is cheap (a
    /// boundary layer, or projects of one LAO without a box).
    public func items(_ id: FeatureCollectionID, _ q: FeatureItemsQuery) throws -> (page: FeaturePage, numberMatched: Int?) {
        if let layer = id.layer {
            let query = try boundaryQuery(layer, q, code: nil)
            let rows = try store.boundaryFeatureRows(query)
            let matched = q.bbox == nil ? try store.boundaryFeatureCount(query) : nil
            return (FeaturePage(store: store, boundaries: rows, layer: layer, limit: q.limit, bbox: q.bbox), matched)
        }
        let query = try projectQuery(id, q, code: nil)
        // Every feature the selection matches, on every page: not only those after `next`'s key.
        var selection = query
        selection.afterCode = nil
        let matched = query.filter.laoCode != nil && q.bbox == nil ? try store.projectFeatureCount(selection) : nil
        let page = try FeaturePage(store: store, projects: try store.projectFeatureRows(query), limit: q.limit, bbox: q.bbox, laoBlocks: laoBlocks)
        return (page, matched)
    }

    /// One item as a GeoJSON feature, or 404 (a project without a pin of the collection's
    /// kind, or outside the reader's scope, is not in the collection).
    public func item(_ id: FeatureCollectionID, code: String) throws -> [UInt8] {
        let q = FeatureItemsQuery(limit: 1)
        let page: FeaturePage
        if let layer = id.layer {
            page = FeaturePage(store: store, boundaries: try store.boundaryFeatureRows(try boundaryQuery(layer, q, code: code)), layer: layer, limit: 1, bbox: nil)
        } else {
            page = try FeaturePage(store: store, projects: try store.projectFeatureRows(try projectQuery(id, q, code: code)), limit: 1, bbox: nil,
                                   laoBlocks: laoBlocks)
        }
        var bytes: [UInt8] = []
        while let chunk = try page.nextChunk() { bytes += chunk }
        guard page.returned == 1 else {
            throw AppError(.notFound, Message(th: "ไม่มีรายการ '\(code)' ในชุดข้อมูล \(id.rawValue)", en: "no item '\(code)' in collection \(id.rawValue)"), field: "featureId")
        }
        return bytes
    }

    private func boundaryQuery(_ layer: BoundaryLayer, _ q: FeatureItemsQuery, code: String?) throws -> BoundaryFeatureQuery {
        var query = BoundaryFeatureQuery(layer: layer, provinceCode: q.provinceCode, amphoeCode: q.amphoeCode, bbox: q.bbox,
                                         afterCode: q.afterCode, code: code ?? q.laoCode)
        if let code, let lao = q.laoCode, code != lao { query.code = "" }  // both asked: none unless equal
        return query
    }

    /// The page's project query, the reader's scope imposed (asking for another LAO or province is 403).
    private func projectQuery(_ id: FeatureCollectionID, _ q: FeatureItemsQuery, code: String?) throws -> ProjectFeatureQuery {
        var filter = ProjectFilter(laoCode: q.laoCode, amphoeCode: q.amphoeCode, provinceCode: q.provinceCode, planYear: q.planYear,
                                   stage: q.stage, funding: q.funding, kind: q.kind, bbox: q.bbox)
        func forbidden(_ field: String, _ value: String) -> AppError {
            AppError(.forbidden, Message(th: "บัญชีนี้ไม่มีสิทธิ์อ่านโครงการของ \(value)", en: "this account may not read the projects of \(value)"), field: field)
        }
        switch scope {
        case .all: break
        case .province(let own):
            if let p = filter.provinceCode, p != own { throw forbidden("province_code", p) }
            filter.provinceCode = own
        case .lao(let own):
            if let l = filter.laoCode, l != own { throw forbidden("lao_code", l) }
            filter.laoCode = own
        }
        return ProjectFeatureQuery(filter: filter, kind: id.pinKind ?? .point, pinnedFrom: q.pinnedFrom, pinnedUntil: q.pinnedUntil,
                                   afterCode: q.afterCode, code: code, pageSize: q.limit)
    }
}
