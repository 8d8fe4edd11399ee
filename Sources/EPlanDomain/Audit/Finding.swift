import Foundation

/// What an audit found wrong. Boundary kinds now; pin kinds join later (raw values are
/// the stable names in JSON and GeoJSON output, so never rename one).
public enum FindingKind: String, Sendable, CaseIterable, Comparable {
    case invalidGeometry = "invalid_geometry"
    case emptyGeometry = "empty_geometry"
    case degenerateGeometry = "degenerate_geometry"
    case missingCode = "missing_code"
    case duplicateCode = "duplicate_code"
    case unknownParent = "unknown_parent"
    case overlap
    case gap
    case outsideParent = "outside_parent"
    case wrongParent = "wrong_parent"
    /// In a file audit: what `boundaries import` would refuse (label `reason`).
    case importRefused = "import_refused"
    // Pin kinds (`eplan audit pins`), appended: raw values are stable names.
    case pinNullIsland = "pin_null_island"
    case pinSwapped = "pin_swapped"
    case pinOutsideThailand = "pin_outside_thailand"
    case pinOutsideJurisdiction = "pin_outside_jurisdiction"
    case pinStacked = "pin_stacked"
    case pinAtCentroid = "pin_at_centroid"
    case roadTooShort = "road_too_short"
    case roadTooLong = "road_too_long"
    case unpinnedProjects = "unpinned_projects"

    public var label: Message {
        switch self {
        case .invalidGeometry: return Message(th: "รูปเรขาคณิตไม่ถูกต้อง", en: "invalid geometry")
        case .emptyGeometry: return Message(th: "รูปเรขาคณิตว่าง", en: "empty geometry")
        case .degenerateGeometry: return Message(th: "รูปเรขาคณิตเสื่อม (พื้นที่ศูนย์)", en: "degenerate geometry (zero area)")
        case .missingCode: return Message(th: "ไม่มีรหัส", en: "missing code")
        case .duplicateCode: return Message(th: "รหัสซ้ำ", en: "duplicate code")
        case .unknownParent: return Message(th: "ไม่พบหน่วยแม่ตามรหัส", en: "unknown parent code")
        case .overlap: return Message(th: "พื้นที่ทับซ้อน", en: "overlap")
        case .gap: return Message(th: "ช่องว่าง", en: "gap")
        case .outsideParent: return Message(th: "ล้ำออกนอกหน่วยแม่", en: "outside its parent")
        case .wrongParent: return Message(th: "อยู่ผิดหน่วยแม่", en: "wrong parent")
        case .importRefused: return Message(th: "การนำเข้าจะปฏิเสธ", en: "import would refuse it")
        case .pinNullIsland: return Message(th: "หมุดที่พิกัด (0, 0)", en: "pin at (0, 0)")
        case .pinSwapped: return Message(th: "ละติจูด/ลองจิจูดสลับกัน", en: "latitude/longitude swapped")
        case .pinOutsideThailand: return Message(th: "หมุดอยู่นอกประเทศไทย", en: "pin outside Thailand")
        case .pinOutsideJurisdiction: return Message(th: "หมุดอยู่นอกเขต อปท.", en: "pin outside its LAO")
        case .pinStacked: return Message(th: "หมุดซ้อนกันหลายโครงการ", en: "stacked pins")
        case .pinAtCentroid: return Message(th: "หมุดที่จุดกึ่งกลางพื้นที่", en: "pin at a centroid")
        case .roadTooShort: return Message(th: "ถนนสั้นผิดปกติ", en: "road too short")
        case .roadTooLong: return Message(th: "ถนนยาวเกินเขต อปท.", en: "road longer than its LAO")
        case .unpinnedProjects: return Message(th: "โครงการยังไม่ปักหมุด", en: "unpinned projects")
        }
    }

    public static func < (a: FindingKind, b: FindingKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One problem: what, where (lon/lat), how big (m²), and its shape for a map.
public struct Finding: Sendable, Equatable {
    public var kind: FindingKind
    /// The table (layer) the finding is about: "province", "amphoe", "tambon", "lao", later "pin".
    public var table: String
    /// The codes involved: the unit; both units of an overlap; the parent of a gap;
    /// child, coded parent and actual parent of a wrong parent.
    public var codes: [String]
    public var message: Message
    /// A point on the problem (GEOS's location for invalid geometry; a point on surface otherwise).
    public var location: Coordinate?
    /// Area in m² (UTM 47N/48N by the centroid's longitude) when the finding has one.
    public var areaM2: Double?
    /// Further numbers by name, e.g. area_before_m2 / area_after_m2 of make-valid.
    public var measures: [Measure]
    /// The problem's shape (overlap or gap polygon, the point…), EPSG:4326.
    public var geometry: Geometry?
    /// The feature number (1-based) in a file audit.
    public var feature: Int?
    /// Further text values by name (pin findings: lao_code, plan_year…), JSON strings.
    public var labels: [Label] = []

    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    public struct Measure: Sendable, Equatable {
        public var name: String
        public var value: Double
        public init(_ name: String, _ value: Double) { self.name = name; self.value = value }
    }

    public init(kind: FindingKind, table: String, codes: [String], message: Message, location: Coordinate? = nil,
                areaM2: Double? = nil, measures: [Measure] = [], geometry: Geometry? = nil, feature: Int? = nil) {
        self.kind = kind; self.table = table; self.codes = codes; self.message = message; self.location = location
        self.areaM2 = areaM2; self.measures = measures; self.geometry = geometry; self.feature = feature
    }

    public func measure(_ name: String) -> Double? { measures.first { $0.name == name }?.value }
    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    /// Deterministic order: kind, table, codes, feature, location.
    static func ordered(_ a: Finding, _ b: Finding) -> Bool {
        if a.kind != b.kind { return a.kind < b.kind }
        if a.table != b.table { return tableRank(a.table) < tableRank(b.table) }
        if a.codes != b.codes { return a.codes.lexicographicallyPrecedes(b.codes) }
        if a.feature != b.feature { return (a.feature ?? -1) < (b.feature ?? -1) }
        let la = a.location ?? Coordinate(0, 0), lb = b.location ?? Coordinate(0, 0)
        return (la.y, la.x) < (lb.y, lb.x)
    }

    static func tableRank(_ t: String) -> String {
        switch t {
        case "province": return "0"
        case "amphoe": return "1"
        case "tambon": return "2"
        case "lao": return "3"
        default: return "4" + t
        }
    }
}

/// The findings of one audit, sorted; what was audited; how long it took.
public struct AuditReport: Sendable {
    public var subject: String
    public var scope: Message
    public var findings: [Finding]
    public var unitsChecked: Int
    public var minAreaM2: Double
    public var seconds: Double
    /// How the work went, e.g. parents checked by exact edge cancellation vs GEOS overlay.
    public var counters: [String: Int] = [:]

    public init(subject: String, scope: Message, findings: [Finding], unitsChecked: Int, minAreaM2: Double, seconds: Double = 0) {
        self.subject = subject; self.scope = scope
        self.findings = findings.sorted(by: Finding.ordered)
        self.unitsChecked = unitsChecked; self.minAreaM2 = minAreaM2; self.seconds = seconds
    }

    public var isClean: Bool { findings.isEmpty }

    public func findings(_ kind: FindingKind) -> [Finding] { findings.filter { $0.kind == kind } }

    /// Counts per kind, in kind order, kinds found only.
    public var counts: [(FindingKind, Int)] {
        FindingKind.allCases.compactMap { k in
            let n = findings.reduce(0) { $0 + ($1.kind == k ? 1 : 0) }
            return n > 0 ? (k, n) : nil
        }
    }

    /// Joins another report's findings (e.g. pin audits later).
    public mutating func merge(_ other: AuditReport) {
        findings = (findings + other.findings).sorted(by: Finding.ordered)
        unitsChecked += other.unitsChecked
        seconds += other.seconds
    }
}
