import EPlanGeometry
import Foundation

/// The five kinds of Thai local government (อปท.).
public enum LAOType: String, Sendable, CaseIterable {
    case pao          // องค์การบริหารส่วนจังหวัด (อบจ.): the province
    case city         // เทศบาลนคร
    case town         // เทศบาลเมือง
    case subdistrict  // เทศบาลตำบล
    case sao          // องค์การบริหารส่วนตำบล (อบต.)

    /// The short Thai label used in lists and the seed's table ("อบต.").
    public var shortTH: String {
        switch self {
        case .pao: return "อบจ."
        case .city: return "เทศบาลนคร"
        case .town: return "เทศบาลเมือง"
        case .subdistrict: return "เทศบาลตำบล"
        case .sao: return "อบต."
        }
    }

    public var nameEN: String {
        switch self {
        case .pao: return "Provincial Administrative Organization"
        case .city: return "City Municipality"
        case .town: return "Town Municipality"
        case .subdistrict: return "Subdistrict Municipality"
        case .sao: return "Subdistrict Administrative Organization"
        }
    }

    /// LAOs of one tier must not overlap; different tiers nest (อบจ. ⊃ municipalities, อบต.).
    public var tier: Int {
        switch self {
        case .pao: return 0
        case .city, .town, .subdistrict, .sao: return 1
        }
    }

    public var isMunicipality: Bool { self == .city || self == .town || self == .subdistrict }

    /// Accepts the internal name, the Thai short or full label, or the English name.
    public init?(label: String) {
        let s = label.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        switch s.lowercased() {
        case "pao", "อบจ.", "อบจ", "องค์การบริหารส่วนจังหวัด": self = .pao
        case "city", "เทศบาลนคร", "ทน.", "ทน": self = .city
        case "town", "เทศบาลเมือง", "ทม.", "ทม": self = .town
        case "subdistrict", "เทศบาลตำบล", "ทต.", "ทต": self = .subdistrict
        case "sao", "อบต.", "อบต", "องค์การบริหารส่วนตำบล": self = .sao
        default:
            guard let t = LAOType.allCases.first(where: { $0.nameEN.lowercased() == s.lowercased() }) else { return nil }
            self = t
        }
    }
}

/// How an LAO's jurisdiction was made.
public enum LAOCoverage: String, Sendable, CaseIterable {
    case province   // the whole province (อบจ.)
    case whole      // whole tambons (less municipalities inside them, for an อบต.)
    case part       // part of tambons: a municipal area inside them
    case polygon    // imported polygons
}

/// One LAO with its jurisdiction.
public struct LAORecord: Equatable, Sendable {
    public var code: String
    public var type: LAOType
    public var nameTH: String
    public var shortTH: String?
    public var nameEN: String?
    public var amphoeCode: String?
    public var provinceCode: String
    public var coverage: LAOCoverage
    /// The jurisdiction is a generated approximation, not an official boundary.
    public var synthetic: Bool
    public var source: String?
    /// Tambon codes covered, with whether wholly.
    public var tambons: [LAOTambon]
    /// Multipolygon in EPSG:4326; nil until derived.
    public var jurisdiction: Geometry?
    public var visionRecordedOn: String?
    public var strategies: Int?

    public init(code: String, type: LAOType, nameTH: String, shortTH: String? = nil, nameEN: String? = nil,
                amphoeCode: String? = nil, provinceCode: String, coverage: LAOCoverage, synthetic: Bool = false,
                source: String? = nil, tambons: [LAOTambon] = [], jurisdiction: Geometry? = nil,
                visionRecordedOn: String? = nil, strategies: Int? = nil) {
        self.code = code; self.type = type; self.nameTH = nameTH; self.shortTH = shortTH; self.nameEN = nameEN
        self.amphoeCode = amphoeCode; self.provinceCode = provinceCode; self.coverage = coverage
        self.synthetic = synthetic; self.source = source; self.tambons = tambons; self.jurisdiction = jurisdiction
        self.visionRecordedOn = visionRecordedOn; self.strategies = strategies
    }

    /// "อบต.น้ำรึม": the form people read in lists.
    public var displayTH: String { shortTH ?? nameTH }
}

public struct LAOTambon: Equatable, Sendable, Hashable {
    public var code: String
    public var whole: Bool
    public init(code: String, whole: Bool) { self.code = code; self.whole = whole }
}

public struct LAOStoreError: UserFacingError {
    public enum Kind: Equatable, Sendable {
        case duplicateCode(String)
        case unknownLAO(String)
        case notPolygonal(code: String)
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }
    public var message: Message {
        switch kind {
        case .duplicateCode(let c):
            return Message(th: "มี อปท. รหัส \(c) อยู่แล้ว", en: "an LAO with code \(c) already exists")
        case .unknownLAO(let c):
            return Message(th: "ไม่พบ อปท. รหัส \(c)", en: "no LAO with code \(c)")
        case .notPolygonal(let c):
            return Message(th: "เขตของ อปท. \(c) ต้องเป็นรูปหลายเหลี่ยม", en: "the jurisdiction of LAO \(c) must be a polygon")
        }
    }
}

extension Store {
    /// Inserts LAOs in one transaction (or with `replace`, replaces those with the same
    /// code); a code already present without `replace` refuses the whole batch.
    public func insertLAOs(_ records: [LAORecord], replace: Bool = false) throws {
        let db = database
        let now = ISO8601DateFormatter().string(from: Date())
        try db.transaction {
            let exists = try db.cached("SELECT 1 FROM lao WHERE code = ?")
            let insert = try db.cached("""
                INSERT INTO lao (\(LAORow.Column.list()), updated_at) VALUES (\(LAORow.Column.placeholders), ?)
                """)
            let tambon = try db.cached("INSERT INTO lao_tambon (lao_code, tambon_code, whole) VALUES (?, ?, ?)")
            var seen = Set<String>()
            for r in records {
                guard seen.insert(r.code).inserted else { throw LAOStoreError(.duplicateCode(r.code)) }
                try exists.bind([.text(r.code)])
                let present = try exists.step()
                exists.reset()
                if present {
                    guard replace else { throw LAOStoreError(.duplicateCode(r.code)) }
                    // Keep the row (projects refer to it): update in place, tambons anew.
                    try db.execute("DELETE FROM lao_tambon WHERE lao_code = ?", [.text(r.code)])
                    let sets = LAORow.Column.allCases.dropFirst().map { "\($0.name) = ?" }.joined(separator: ", ")
                    try db.execute("UPDATE lao SET \(sets), updated_at = ? WHERE code = ?",
                                   Array(try values(r).dropFirst()) + [.text(now), .text(r.code)])
                } else {
                    try insert.bind(try values(r) + [.text(now)])
                    defer { insert.reset() }
                    try insert.step()
                }
                for t in r.tambons {
                    try tambon.bind([.text(r.code), .text(t.code), SQLValue(t.whole)])
                    defer { tambon.reset() }
                    try tambon.step()
                }
            }
            try db.refreshLayerStatistics(table: "lao", column: "geom")
        }
    }

    private func values(_ r: LAORecord) throws -> [SQLValue] {
        var blob: SQLValue = .null
        if let g = r.jurisdiction {
            switch g {
            case .polygon, .multiPolygon: break
            default: throw LAOStoreError(.notPolygonal(code: r.code))
            }
            blob = SQLValue(SpatiaLiteBlob.encode(g.asMulti, srid: Store.srid))
        }
        return LAORow.values(r, blob: blob)
    }

    /// Sets (or clears) an LAO's jurisdiction.
    public func setJurisdiction(laoCode: String, _ geometry: Geometry?) throws {
        var blob: SQLValue = .null
        if let g = geometry { blob = SQLValue(SpatiaLiteBlob.encode(g.asMulti, srid: Store.srid)) }
        let db = database
        try db.transaction {
            try db.execute("UPDATE lao SET geom = ? WHERE code = ?", [blob, .text(laoCode)])
            if db.changes == 0 { throw LAOStoreError(.unknownLAO(laoCode)) }
            try db.refreshLayerStatistics(table: "lao", column: "geom")
        }
    }

    public func lao(code: String) throws -> LAORecord? {
        try fetchLAOs("WHERE code = ?", [.text(code)]).first
    }

    /// LAOs, optionally of one province and amphoe, in code order.
    public func laos(provinceCode: String? = nil, amphoeCode: String? = nil) throws -> [LAORecord] {
        var clauses: [String] = [], args: [SQLValue] = []
        if let p = provinceCode { clauses.append("province_code = ?"); args.append(.text(p)) }
        if let a = amphoeCode { clauses.append("amphoe_code = ?"); args.append(.text(a)) }
        return try fetchLAOs(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), args)
    }

    /// LAOs whose jurisdiction's box contains `point` (R*Tree), for an exact test by the caller.
    public func laoCandidates(containing point: Coordinate) throws -> [LAORecord] {
        try fetchLAOs("""
            WHERE id IN (SELECT pkid FROM idx_lao_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)
            """, [.real(point.x), .real(point.x), .real(point.y), .real(point.y)])
    }

    /// LAOs whose jurisdiction's box meets `envelope` (R*Tree).
    public func laos(intersecting e: Envelope) throws -> [LAORecord] {
        try fetchLAOs("""
            WHERE id IN (SELECT pkid FROM idx_lao_geom WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)
            """, [.real(e.maxX), .real(e.minX), .real(e.maxY), .real(e.minY)])
    }

    public func laoCount() throws -> Int {
        Int(try database.scalar("SELECT count(*) FROM lao").int64 ?? 0)
    }

    private func fetchLAOs(_ whereSQL: String, _ args: [SQLValue]) throws -> [LAORecord] {
        var out: [LAORecord] = []
        try database.query("SELECT \(LAORow.Column.list()) FROM lao \(whereSQL) ORDER BY code", args) { row in
            out.append(try LAORow.decode(Columns(row)))
        }
        if out.isEmpty { return out }
        // Tambon lists in one query rather than one per LAO (for one LAO, only its own rows:
        // `eplan pin` looks up one LAO per process).
        var tambons: [String: [LAOTambon]] = [:]
        let only = out.count == 1 ? "WHERE lao_code = ?" : ""
        try database.query("SELECT lao_code, tambon_code, whole FROM lao_tambon \(only) ORDER BY lao_code, tambon_code",
                           out.count == 1 ? [.text(out[0].code)] : []) { row in
            tambons[row.string(0) ?? "", default: []].append(LAOTambon(code: row.string(1) ?? "", whole: row.int64(2) != 0))
        }
        for i in out.indices { out[i].tambons = tambons[out[i].code] ?? [] }
        return out
    }
}
