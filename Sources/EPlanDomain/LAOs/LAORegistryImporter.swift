import Foundation

/// What an LAO registry import did.
public struct LAORegistryReport: Sendable {
    public var source: String
    public var inserted: [String]
    public var replaced: [String]
    public var synthetic: [String]
    public var plans: Int
    public var count: Int { inserted.count + replaced.count }
}

/// Imports LAOs (อปท.) into the store, all or nothing, from
/// - a CSV registry (`tak-laos.csv` columns): each LAO's jurisdiction is derived from the
///   store's tambons with GEOS: an อบจ. = its province; `whole` = the listed tambons less
///   the municipalities lying in them; `part` = the LAO's area from `--areas` (synthetic
///   or surveyed) clipped to its tambons, plus the tambons it covers wholly;
/// - a GeoJSON FeatureCollection whose features carry the LAO fields and the
///   jurisdiction itself (coverage `polygon`).
public struct LAORegistryImporter {
    public let store: any EPlanStoring
    public let geos: GEOSContext
    /// Same-tier jurisdictions may share borders but not more than this area (m²).
    public static let overlapTolerance = 1.0

    public init(store: any EPlanStoring, geos: GEOSContext) { self.store = store; self.geos = geos }

    /// CSV or GeoJSON, told by extension or, failing that, by the first character.
    public func importFile(path: String, areasPath: String? = nil, replace: Bool = false) throws -> LAORegistryReport {
        if try LAORegistryImporter.looksLikeGeoJSON(path) {
            return try importGeoJSON(path: path, replace: replace)
        }
        return try importCSV(path: path, areasPath: areasPath, replace: replace)
    }

    static func looksLikeGeoJSON(_ path: String) throws -> Bool {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ext == "geojson" || ext == "json" { return true }
        if ext == "csv" || ext == "tsv" || ext == "txt" { return false }
        try RegularFile.check(path)   // a folder made readData trap; a FIFO would block
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw FileError.unreadable(path: path, detail: "no such file or not readable")
        }
        defer { try? h.close() }
        let head = String(decoding: (try h.read(upToCount: 512)) ?? Data(), as: UTF8.self)
        return head.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).first == "{"
    }

    // MARK: - CSV

    public func importCSV(path: String, areasPath: String? = nil, replace: Bool = false) throws -> LAORegistryReport {
        let table: CSVTable
        do { table = try CSVTable.read(path: path) } catch let e as CSVError where e.kind == .empty {
            throw LAOImportError.emptyFile(path: path)
        }
        let columns = try LAOColumns(header: table.header.fields, path: path)
        let gazetteer = try Gazetteer(store: store)
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for row in table.nonBlankRows {
            let entry = try columns.entry(row, path: path, gazetteer: gazetteer)
            if let first = seen[entry.record.code] {
                throw LAOImportError.duplicateInFile(at: entry.at, code: entry.record.code, firstAt: "\(first)")
            }
            seen[entry.record.code] = row.line
            entries.append(entry)
        }
        try checkExisting(entries, replace: replace)
        let areas = try areasPath.map { try readAreas(path: $0) } ?? [:]
        try deriveJurisdictions(&entries, areas: areas, areasPath: areasPath, gazetteer: gazetteer)
        return try commit(entries, replace: replace, source: path)
    }

    // MARK: - GeoJSON polygons

    public func importGeoJSON(path: String, replace: Bool = false) throws -> LAORegistryReport {
        let collection = try GeoJSONFile.readFeatureCollection(path: path)
        let sourceCRS = try GeoJSONFile.declaredEPSG(collection.root, path: path) ?? 4326
        let toWGS84 = sourceCRS == 4326 ? nil : try PROJContext().transform(from: try CRS(epsg: sourceCRS), to: .wgs84)
        let gazetteer = try Gazetteer(store: store)
        let columns = try LAOColumns.forGeoJSON()
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for (i, feature) in collection.features.enumerated() {
            let properties = feature["properties"] as? [String: Any] ?? [:]
            var fields = columns.names.map { GeoJSONFile.stringProperty(properties[$0]) ?? "" }
            if let b = properties["synthetic"] as? Bool, let s = columns.index["synthetic"] { fields[s] = b ? "yes" : "no" }
            let at = Message(th: "\(path): feature ที่ \(i + 1)", en: "\(path): feature \(i + 1)")
            fields[columns.index["coverage"]!] = "polygon"  // the feature's own polygon is its jurisdiction
            var entry = try columns.entry(CSVRecord(line: i + 1, fields: fields, raw: ""), path: path,
                                          gazetteer: gazetteer, at: at)
            if let first = seen[entry.record.code] {
                throw LAOImportError.duplicateInFile(at: at, code: entry.record.code, firstAt: "feature \(first)")
            }
            seen[entry.record.code] = i + 1
            guard let object = feature["geometry"], !(object is NSNull) else {
                throw LAOImportError.noGeometry(at: at, code: entry.record.code)
            }
            var g: Geometry
            do {
                g = try GeoJSONGeometry.decode(object)
                if let t = toWGS84 { g = try t.transform(g) }
            } catch { throw LAOImportError.badGeometry(at: at, code: entry.record.code, detail: "\(error)") }
            if let bad = BoundaryImporter.firstOutOfRange(g) {
                throw LAOImportError.outOfRange(at: at, code: entry.record.code, coordinate: bad)
            }
            // Empty first: an empty Point is held as an empty MultiPoint, a type name the file never had.
            if g.isEmpty { throw LAOImportError.noGeometry(at: at, code: entry.record.code) }
            switch g {
            case .polygon, .multiPolygon: break
            default: throw LAOImportError.notAreal(at: at, code: entry.record.code, type: g.type.rawValue)
            }
            entry.record.coverage = .polygon
            entry.geometry = try clean(GEOSGeometry(g, context: geos), entry)
            entries.append(entry)
        }
        try checkExisting(entries, replace: replace)
        return try commit(entries, replace: replace, source: path)
    }

    // MARK: - Shared steps

    /// One LAO as read, with where it came from.
    struct Entry {
        var record: LAORecord
        var at: Message
        var line: Int
        var wholeTambons: Set<String>
        var vision: Bool?
        var plan: DevPlanRecord?
        var geometry: GEOSGeometry?
    }

    private func checkExisting(_ entries: [Entry], replace: Bool) throws {
        guard !replace else { return }
        for e in entries where try store.laoExists(e.record.code) {
            throw LAOImportError.alreadyInStore(at: e.at, code: e.record.code)
        }
    }

    /// `lao_code` → area, from a GeoJSON of (usually synthetic) municipal areas.
    private func readAreas(path: String) throws -> [String: (geometry: GEOSGeometry, synthetic: Bool)] {
        let collection = try GeoJSONFile.readFeatureCollection(path: path)
        var out: [String: (geometry: GEOSGeometry, synthetic: Bool)] = [:]
        for (i, feature) in collection.features.enumerated() {
            let at = Message(th: "\(path): feature ที่ \(i + 1)", en: "\(path): feature \(i + 1)")
            let properties = feature["properties"] as? [String: Any] ?? [:]
            guard let code = GeoJSONFile.stringProperty(properties["lao_code"]), !code.isEmpty else {
                throw ImportError.missingField(at: at, field: "lao_code")
            }
            if out[code] != nil { throw LAOImportError.duplicateInFile(at: at, code: code, firstAt: "lao_code") }
            guard let object = feature["geometry"], !(object is NSNull) else { throw LAOImportError.noGeometry(at: at, code: code) }
            let g: Geometry
            do { g = try GeoJSONGeometry.decode(object) } catch {
                throw LAOImportError.badGeometry(at: at, code: code, detail: "\(error)")
            }
            if let bad = BoundaryImporter.firstOutOfRange(g) { throw LAOImportError.outOfRange(at: at, code: code, coordinate: bad) }
            let synthetic = (properties["synthetic"] as? Bool)
                ?? LAOColumns.bool(GeoJSONFile.stringProperty(properties["synthetic"]) ?? "") ?? false
            out[code] = (try GEOSGeometry(g, context: geos).makeValid(), synthetic)
        }
        return out
    }

    private func deriveJurisdictions(_ entries: inout [Entry], areas: [String: (geometry: GEOSGeometry, synthetic: Bool)],
                                     areasPath: String?, gazetteer: Gazetteer) throws {
        var tambons = TambonUnion(store: store, geos: geos)
        // 1. Municipalities and the อบจ.: their own areas.
        for i in entries.indices {
            try ownArea(&entries[i], areas: areas, areasPath: areasPath, gazetteer: gazetteer, tambons: &tambons)
        }
        // 2. The rest (อบต., or any non-municipal `whole`): tambons less the municipalities in them.
        let municipalities = try municipalityAreas(entries)
        for i in entries.indices where entries[i].geometry == nil && entries[i].record.coverage == .whole {
            let codes = entries[i].record.tambons.map(\.code)
            guard var g = try tambons.union(codes) else { throw LAOImportError.emptyJurisdiction(at: entries[i].at, code: entries[i].record.code) }
            let mine = Set(codes)
            for m in municipalities where m.code != entries[i].record.code {
                var shares = !m.tambons.isDisjoint(with: mine)
                if !shares, m.tambons.isEmpty { shares = try g.intersects(m.geometry) }
                if shares { g = try g.difference(with: m.geometry) }
            }
            entries[i].geometry = try clean(g, entries[i])
        }
    }

    /// The area of an อบจ. (its province), a whole municipality (its tambons) or a part
    /// (its drawn area within its tambons, plus the tambons it holds whole); others wait.
    private func ownArea(_ e: inout Entry, areas: [String: (geometry: GEOSGeometry, synthetic: Bool)], areasPath: String?,
                         gazetteer: Gazetteer, tambons: inout TambonUnion) throws {
        let r = e.record, codes = r.tambons.map(\.code)
        let empty = LAOImportError.emptyJurisdiction(at: e.at, code: r.code)
        switch r.coverage {
        case .province:
            if let p = try store.boundary(level: .province, code: r.provinceCode), !p.geometry.isEmpty {
                e.geometry = try clean(GEOSGeometry(p.geometry, context: geos), e)
            } else {
                guard let u = try tambons.union(codes.isEmpty ? gazetteer.tambons(ofProvince: r.provinceCode) : codes) else { throw empty }
                e.geometry = try clean(u, e)
            }
        case .whole where r.type.isMunicipality:
            guard let u = try tambons.union(codes) else { throw empty }
            e.geometry = try clean(u, e)
        case .part:
            guard let area = areas[r.code] else { throw LAOImportError.noArea(at: e.at, code: r.code, areasPath: areasPath) }
            guard let within = try tambons.union(codes) else { throw empty }
            var g = try area.geometry.intersection(with: within)
            if let w = try tambons.union(codes.filter { e.wholeTambons.contains($0) }) { g = try g.union(with: w) }
            e.geometry = try clean(g, e)
            if area.synthetic { e.record.synthetic = true }
        default: break
        }
    }

    /// Every municipality's area: this batch's, and the stored ones not in the batch.
    private func municipalityAreas(_ entries: [Entry]) throws -> [(code: String, tambons: Set<String>, geometry: GEOSGeometry)] {
        let batchCodes = Set(entries.map(\.record.code))
        var municipalities: [(code: String, tambons: Set<String>, geometry: GEOSGeometry)] = entries.compactMap { e in
            guard e.record.type.isMunicipality, let g = e.geometry else { return nil }
            return (e.record.code, Set(e.record.tambons.map(\.code)), g)
        }
        for r in try store.laos() where r.type.isMunicipality && !batchCodes.contains(r.code) {
            guard let j = r.jurisdiction else { continue }
            municipalities.append((r.code, Set(r.tambons.map(\.code)), try GEOSGeometry(j, context: geos)))
        }
        return municipalities
    }

    /// Valid, polygonal, non-empty; lines and points left by GEOS are dropped.
    private func clean(_ g: GEOSGeometry, _ e: Entry) throws -> GEOSGeometry {
        var v = g
        if !v.isValid { v = try v.makeValid() }
        var polygons: [Polygon] = []
        func collect(_ x: Geometry) {
            switch x {
            case .polygon(let p): polygons.append(p)
            case .multiPolygon(let ps): polygons += ps
            case .geometryCollection(let gs): gs.forEach(collect)
            default: break
            }
        }
        collect(try v.toGeometry())
        let multi = Geometry.multiPolygon(polygons.filter { !$0.rings.isEmpty })
        guard !multi.isEmpty, try Metric.area(multi) > LAORegistryImporter.overlapTolerance else {
            throw LAOImportError.emptyJurisdiction(at: e.at, code: e.record.code)
        }
        return try GEOSGeometry(multi, context: geos)
    }

    /// Refuses same-tier overlaps (within the batch, and with LAOs of the store that stay).
    private func checkOverlaps(_ entries: [Entry]) throws {
        let batchCodes = Set(entries.map(\.record.code))
        struct Item { var code: String; var tier: Int; var g: GEOSGeometry; var at: Message? }
        var others: [Item] = []
        for r in try store.laos() where !batchCodes.contains(r.code) {
            if let j = r.jurisdiction { others.append(Item(code: r.code, tier: r.type.tier, g: try GEOSGeometry(j, context: geos), at: nil)) }
        }
        let mine = entries.compactMap { e in e.geometry.map { Item(code: e.record.code, tier: e.record.type.tier, g: $0, at: e.at) } }
        let all = mine + others
        for (i, a) in mine.enumerated() {
            guard let ea = a.g.envelope else { continue }
            for b in all[(i + 1)...] where b.tier == a.tier {
                guard let eb = b.g.envelope, ea.intersects(eb), try a.g.intersects(b.g) else { continue }
                let overlap = try Metric.area(try a.g.intersection(with: b.g).toGeometry())
                if overlap > LAORegistryImporter.overlapTolerance {
                    throw LAOImportError.overlap(at: a.at!, code: a.code, other: b.code, otherAt: b.at, squareMetres: overlap)
                }
            }
        }
    }

    private func commit(_ entries: [Entry], replace: Bool, source: String) throws -> LAORegistryReport {
        try checkOverlaps(entries)
        var records: [LAORecord] = []
        var report = LAORegistryReport(source: source, inserted: [], replaced: [], synthetic: [], plans: 0)
        for e in entries {
            var r = e.record
            r.jurisdiction = try e.geometry?.toGeometry().asMulti
            if r.source == nil { r.source = source }
            records.append(r)
            if r.synthetic { report.synthetic.append(r.code) }
        }
        try store.transaction {
            for e in entries {
                if try store.laoExists(e.record.code) {
                    report.replaced.append(e.record.code)
                } else {
                    report.inserted.append(e.record.code)
                }
            }
            try store.insertLAOs(records, replace: replace)
            for e in entries {
                if let v = e.vision { try store.setLAOVision(code: e.record.code, v) }
                if let p = e.plan { try store.upsertDevPlan(p); report.plans += 1 }
            }
        }
        return report
    }
}

extension Envelope {
    func intersects(_ o: Envelope) -> Bool { minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY }
}

/// The store's administrative codes, read once (no geometry).
struct Gazetteer {
    var tambonProvince: [String: String] = [:]
    var tambonAmphoe: [String: String] = [:]
    var amphoes: Set<String> = []
    var provinces: Set<String> = []

    init(store: any EPlanStoring) throws {
        for (c, parents) in try store.tambonParents() {
            tambonAmphoe[c] = parents.amphoeCode
            tambonProvince[c] = parents.provinceCode
        }
        amphoes = Set(try store.boundaryNames(level: .amphoe).keys)
        provinces = Set(try store.boundaryNames(level: .province).keys)
    }

    func tambons(ofProvince p: String) -> [String] { tambonProvince.filter { $0.value == p }.map(\.key).sorted() }
    func hasProvince(_ p: String) -> Bool { provinces.contains(p) || tambonProvince.values.contains(p) }
    func hasAmphoe(_ a: String) -> Bool { amphoes.contains(a) || tambonAmphoe.values.contains(a) }
}

extension DefaultData {
    /// The default LAO registry (Tak's 69 LAOs) and its synthetic municipal areas.
    public static func laoFiles(in dir: String) -> (registry: String, areas: String) {
        (dir + "/tak/tak-laos.csv", dir + "/tak/tak-lao-areas.geojson")
    }
}

/// Unions of stored tambons, each tambon read from the store once.
private struct TambonUnion {
    let store: any EPlanStoring
    let geos: GEOSContext
    private var cache: [String: Geometry] = [:]

    init(store: any EPlanStoring, geos: GEOSContext) { self.store = store; self.geos = geos }

    /// nil for no codes.
    mutating func union(_ codes: [String]) throws -> GEOSGeometry? {
        guard !codes.isEmpty else { return nil }
        let parts = try codes.map { try tambon($0) }
        if parts.count == 1 { return try GEOSGeometry(parts[0], context: geos) }
        return try GEOSGeometry(.geometryCollection(parts), context: geos).unaryUnion()
    }

    private mutating func tambon(_ code: String) throws -> Geometry {
        if let g = cache[code] { return g }
        guard let r = try store.boundary(level: .tambon, code: code) else { throw LAOImportError.internalMissing(code) }
        cache[code] = r.geometry
        return r.geometry
    }
}
