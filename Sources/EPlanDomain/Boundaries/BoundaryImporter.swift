import Foundation

/// A feature whose geometry GEOS finds invalid: it is still imported (flagged) unless
/// the import is strict, so that audits and repairs can work on it.
public struct InvalidFeature: Sendable, Equatable {
    public var featureIndex: Int
    public var code: String
    public var reason: String
    public var location: Coordinate?
}

public struct BoundaryImportReport: Sendable {
    public var level: BoundaryLevel
    public var source: String
    public var featureCount: Int
    public var sourceCRS: Int
    public var invalid: [InvalidFeature]
}

/// What replacing a level changes: the units that go, come and stay.
public struct BoundaryReplacePlan: Sendable, Equatable {
    public var level: BoundaryLevel
    public var inStore: Int
    public var inFile: Int
    /// Codes in the store that the file does not have (sorted).
    public var removed: [String]
    public var added: Int
    public var kept: Int

    public init(level: BoundaryLevel, previous: Set<String>, incoming: Set<String>) {
        self.level = level
        inStore = previous.count; inFile = incoming.count
        removed = previous.subtracting(incoming).sorted()
        added = incoming.subtracting(previous).count
        kept = inFile - added
    }

    /// "63 tambons in the store; the file has 1: 62 would disappear, 0 new, 1 replaced".
    public var summary: Message {
        let th = level.nameTH, en = level.rawValue + "s"
        return Message(
            th: "\(th)ในฐานข้อมูล \(inStore) หน่วย; ไฟล์มี \(inFile): หายไป \(removed.count), ใหม่ \(added), แทนที่ \(kept)",
            en: "\(inStore) \(en) in the store; the file has \(inFile): \(removed.count) would disappear, \(added) new, \(kept) replaced")
    }
}

/// Reads a GeoJSON FeatureCollection of administrative units and replaces one level of
/// the store with it, all or nothing.
public struct BoundaryImporter {
    public let store: any EPlanStoring
    public let geos: GEOSContext
    /// PROJ is opened only for a file that declares another CRS (most are EPSG:4326).
    private let proj: () throws -> PROJContext

    public init(store: any EPlanStoring, geos: GEOSContext, proj: @escaping @autoclosure () throws -> PROJContext) {
        self.store = store; self.geos = geos; self.proj = proj
    }

    /// Features are read, checked (`BoundaryFeatureChecker`, the file audit's checks too)
    /// and written one at a time inside one transaction; any refusal rolls the level back.
    /// A file without features is refused; one that would make units disappear needs `replace`.
    /// - Parameter confirm: told what the import changes, before it is committed.
    /// - Parameter progress: called with (features done, features in all).
    public func importFile(path: String, level: BoundaryLevel, fields: BoundaryFields? = nil,
                           strict: Bool = false, replace: Bool = false,
                           confirm: ((BoundaryReplacePlan) -> Void)? = nil,
                           progress: ((Int, Int) -> Void)? = nil) throws -> BoundaryImportReport {
        let stream = try GeoJSONFeatureStream(path: path)
        var checker = try BoundaryFeatureChecker(
            path: path, level: level, fields: fields ?? .defaults(for: level), root: stream.root,
            parents: try ParentExtents.load(from: store, for: level), proj: proj)
        guard stream.count > 0 else {
            throw ImportError.emptyFile(path: path, level: level, inStore: try store.count(level: level))
        }
        var invalid: [InvalidFeature] = []
        let n = try store.replaceBoundaries(level: level, source: path) { writer in
            for index in 0..<stream.count {
                let checked = checker.check(try stream.feature(index), index: index)
                if let problem = checked.problems.first { throw problem }
                let record = try self.record(checked, level: level)
                if !record.isValid {
                    invalid.append(InvalidFeature(featureIndex: index, code: record.code,
                                                  reason: record.invalidReason ?? "invalid", location: record.invalidLocation))
                }
                try writer.insert(record)
                if let progress, (index + 1) % 250 == 0 || index + 1 == stream.count { progress(index + 1, stream.count) }
            }
            if strict, !invalid.isEmpty { throw ImportError.invalidGeometries(path: path, invalid: invalid) }
            let plan = BoundaryReplacePlan(level: level, previous: writer.previousCodes, incoming: writer.codes)
            if !plan.removed.isEmpty, !replace { throw ImportError.wouldRemove(plan) }
            confirm?(plan)
        }
        return BoundaryImportReport(level: level, source: path, featureCount: n,
                                    sourceCRS: checker.sourceCRS, invalid: invalid)
    }

    /// The stored form of a checked feature, with GEOS's verdict on its validity.
    private func record(_ f: CheckedFeature, level: BoundaryLevel) throws -> BoundaryRecord {
        let geometry = f.geometry ?? .multiPolygon([])
        let validity = try GEOSGeometry(geometry, context: geos).validity()
        return BoundaryRecord(level: level, code: f.code, parentCode: f.parentCode, provinceCode: f.provinceCode,
                              nameTH: f.nameTH, nameEN: f.nameEN, geometry: geometry, isValid: validity.isValid,
                              invalidReason: validity.reason, invalidLocation: validity.isValid ? nil : validity.location)
    }
}

extension BoundaryImporter {
    /// The first position that is no longitude/latitude (a projected file without a
    /// `crs` member, or swapped axes).
    static func firstOutOfRange(_ g: Geometry) -> Coordinate? {
        var bad: Coordinate? = nil
        g.forEachCoordinate { c in
            if bad == nil, !(abs(c.x) <= 180 && abs(c.y) <= 90) { bad = c }
        }
        return bad
    }
}

public enum ImportError: UserFacingError {
    static func deg(_ v: Double) -> String { String(format: "%.4f", v) }
    static func lonLat(_ c: Coordinate) -> String { String(format: "[%.6f, %.6f]", c.x, c.y) }

    case emptyGeometry(at: Message, code: String)
    case outOfRange(at: Message, code: String, coordinate: Coordinate)
    case missingField(at: Message, field: String)
    case duplicateCode(at: Message, code: String, firstFeature: Int)
    case missingGeometry(at: Message, code: String)
    case badGeometry(at: Message, code: String, detail: String)
    case notAreal(at: Message, code: String, type: String)
    case invalidGeometries(path: String, invalid: [InvalidFeature])
    case outsideCRSArea(at: Message, code: String, source: Coordinate, lonLat: Coordinate, crs: Int, area: Message)
    case crossesAntimeridian(at: Message, code: String, west: Double, east: Double)
    case farFromParent(at: Message, code: String, parentLevel: BoundaryLevel, parentCode: String,
                       coordinate: Coordinate, parentBox: Envelope)
    case emptyFile(path: String, level: BoundaryLevel, inStore: Int)
    case wouldRemove(BoundaryReplacePlan)

    /// The position at fault, when the refusal is about one.
    public var coordinate: Coordinate? {
        switch self {
        case .outOfRange(_, _, let c), .farFromParent(_, _, _, _, let c, _): return c
        case .outsideCRSArea(_, _, _, let c, _, _): return c
        default: return nil
        }
    }

    /// A stable name for the reason (the `reason` label of an audit finding).
    public var reason: String {
        switch self {
        case .emptyGeometry: return "empty_geometry"
        case .outOfRange: return "not_lon_lat"
        case .missingField: return "missing_field"
        case .duplicateCode: return "duplicate_code"
        case .missingGeometry: return "no_geometry"
        case .badGeometry: return "unreadable_geometry"
        case .notAreal: return "not_areal"
        case .invalidGeometries: return "invalid_geometry"
        case .outsideCRSArea: return "outside_crs_area"
        case .crossesAntimeridian: return "crosses_antimeridian"
        case .farFromParent: return "far_from_parent"
        case .emptyFile: return "no_features"
        case .wouldRemove: return "would_remove_units"
        }
    }

    public var message: Message {
        switch self {
        case .missingField(let at, let field):
            return Message(th: "\(at.th): ไม่มีค่าในฟิลด์ '\(field)' (ใช้ --field-… เพื่อระบุชื่อฟิลด์อื่น)",
                           en: "\(at.en): field '\(field)' is missing or empty (use --field-… to name another field)")
        case .duplicateCode(let at, let code, let first):
            return Message(th: "\(at.th): รหัส \(code) ซ้ำกับ feature ที่ \(first)",
                           en: "\(at.en): code \(code) repeats feature \(first)")
        case .emptyGeometry(let at, let code):
            return Message(th: "\(at.th) (รหัส \(code)): รูปเรขาคณิตว่างเปล่า", en: "\(at.en) (code \(code)): empty geometry")
        case .outOfRange(let at, let code, let c):
            return Message(th: "\(at.th) (รหัส \(code)): พิกัด [\(c.x), \(c.y)] ไม่ใช่ลองจิจูด/ละติจูด (ลองจิจูด −180..180, ละติจูด −90..90); ถ้าไฟล์เป็นพิกัดฉาก ให้ใส่สมาชิก crs",
                           en: "\(at.en) (code \(code)): position [\(c.x), \(c.y)] is not longitude/latitude (lon −180..180, lat −90..90); a projected file must declare its crs")
        case .missingGeometry(let at, let code):
            return Message(th: "\(at.th) (รหัส \(code)): ไม่มีรูปเรขาคณิต", en: "\(at.en) (code \(code)): no geometry")
        case .badGeometry(let at, let code, let detail):
            return Message(th: "\(at.th) (รหัส \(code)): รูปเรขาคณิตผิด: \(detail)",
                           en: "\(at.en) (code \(code)): bad geometry: \(detail)")
        case .notAreal(let at, let code, let type):
            return Message(th: "\(at.th) (รหัส \(code)): ขอบเขตต้องเป็น Polygon หรือ MultiPolygon ไม่ใช่ \(type)",
                           en: "\(at.en) (code \(code)): a boundary must be a Polygon or MultiPolygon, not \(type)")
        case .invalidGeometries(let path, let invalid):
            func list(_ lang: Language) -> String {
                invalid.prefix(20).map { f -> String in
                    let loc = f.location.map { String(format: " @ %.6f, %.6f", $0.x, $0.y) } ?? ""
                    return "  #\(f.featureIndex + 1) \(f.code): \(ValidityReason.message(f.reason).text(lang))\(loc)"
                }.joined(separator: "\n")
            }
            return Message(th: "\(path): ไม่นำเข้า (--strict) เพราะรูปเรขาคณิตไม่ถูกต้อง \(invalid.count) รายการ:\n\(list(.th))",
                           en: "\(path): refused (--strict): \(invalid.count) invalid geometries:\n\(list(.en))")
        case .outsideCRSArea(let at, let code, let s, let c, let crs, let area):
            return Message(
                th: "\(at.th) (รหัส \(code)): พิกัด [\(s.x), \(s.y)] ใน EPSG:\(crs) อยู่ที่ \(Self.lonLat(c)) นอกพื้นที่ใช้งานของระบบพิกัดนี้ (\(area.th)); ไฟล์อยู่ในระบบพิกัดที่ประกาศจริงหรือ (เช่น ลองจิจูด/ละติจูดที่ประกาศเป็น UTM)",
                en: "\(at.en) (code \(code)): position [\(s.x), \(s.y)] in EPSG:\(crs) lies at \(Self.lonLat(c)), outside where that CRS is used (\(area.en)); is the file really in the CRS it declares (lon/lat declared as UTM?)")
        case .crossesAntimeridian(let at, let code, let w, let e):
            return Message(
                th: "\(at.th) (รหัส \(code)): รูปกว้าง \(Self.deg(e - w))° ของลองจิจูด (\(Self.deg(w)) ถึง \(Self.deg(e))): ข้ามเส้น 180° หรือพิกัดผิด",
                en: "\(at.en) (code \(code)): spans \(Self.deg(e - w))° of longitude (\(Self.deg(w)) to \(Self.deg(e))): it crosses the antimeridian or has a stray position")
        case .farFromParent(let at, let code, let level, let parent, let c, let b):
            let box = "\(Self.deg(b.minX))–\(Self.deg(b.maxX))°E, \(Self.deg(b.minY))–\(Self.deg(b.maxY))°N"
            return Message(
                th: "\(at.th) (รหัส \(code)): พิกัด \(Self.lonLat(c)) อยู่ห่างไกลจาก\(level.nameTH) \(parent) ในฐานข้อมูล (\(box)): รหัสหรือพิกัดผิด",
                en: "\(at.en) (code \(code)): position \(Self.lonLat(c)) lies far outside its \(level.rawValue) \(parent) in the store (\(box)): wrong code or coordinates")
        case .emptyFile(let path, _, 0):
            return Message(th: "\(path): ไม่มี feature เลย; ไม่นำเข้า", en: "\(path): the file has no features; refused")
        case .emptyFile(let path, let level, let inStore):
            return Message(
                th: "\(path): ไม่มี feature เลย; ไม่นำเข้า (จะลบ\(level.nameTH)ทั้ง \(inStore) หน่วยในฐานข้อมูล)",
                en: "\(path): the file has no features; refused (it would remove all \(inStore) \(level.rawValue)s in the store)")
        case .wouldRemove(let plan):
            let some = plan.removed.prefix(10).joined(separator: ", ") + (plan.removed.count > 10 ? ", …" : "")
            return Message(
                th: "\(plan.summary.th) (\(some)); ไม่ได้เปลี่ยนแปลงอะไร ใช้ --replace หากต้องการแทนที่ทั้งระดับ",
                en: "\(plan.summary.en) (\(some)); nothing changed: add --replace to replace the level anyway")
        }
    }
}
