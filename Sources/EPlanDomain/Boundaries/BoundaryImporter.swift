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

/// Reads a GeoJSON FeatureCollection of administrative units and replaces one level of
/// the store with it, all or nothing.
public struct BoundaryImporter {
    public let store: Store
    public let geos: GEOSContext
    /// PROJ is opened only for a file that declares another CRS (most are EPSG:4326).
    private let proj: () throws -> PROJContext

    public init(store: Store, geos: GEOSContext, proj: @escaping @autoclosure () throws -> PROJContext) {
        self.store = store; self.geos = geos; self.proj = proj
    }

    /// - Parameter progress: called with (features done, features in all) while validating.
    public func importFile(path: String, level: BoundaryLevel, fields: BoundaryFields? = nil,
                           strict: Bool = false,
                           progress: ((Int, Int) -> Void)? = nil) throws -> BoundaryImportReport {
        let collection = try GeoJSONFile.readFeatureCollection(path: path)
        let fields = fields ?? .defaults(for: level)
        let sourceCRS = try GeoJSONFile.declaredEPSG(collection.root, path: path) ?? 4326
        let toWGS84 = sourceCRS == 4326 ? nil : try proj().transform(from: try CRS(epsg: sourceCRS), to: .wgs84)

        var records: [BoundaryRecord] = []
        records.reserveCapacity(collection.features.count)
        var invalid: [InvalidFeature] = []
        var seenCodes: [String: Int] = [:]
        for (index, feature) in collection.features.enumerated() {
            let where_ = Message(th: "\(path): feature ที่ \(index + 1)", en: "\(path): feature \(index + 1)")
            let properties = feature["properties"] as? [String: Any] ?? [:]
            func field(_ name: String) throws -> String {
                guard let value = GeoJSONFile.stringProperty(properties[name]), !value.isEmpty else {
                    throw ImportError.missingField(at: where_, field: name)
                }
                return value
            }
            let code = try field(fields.code)
            if let first = seenCodes[code] {
                throw ImportError.duplicateCode(at: where_, code: code, firstFeature: first + 1)
            }
            seenCodes[code] = index
            guard let geometryObject = feature["geometry"], !(geometryObject is NSNull) else {
                throw ImportError.missingGeometry(at: where_, code: code)
            }
            var geometry: Geometry
            do { geometry = try GeoJSONGeometry.decode(geometryObject) } catch {
                throw ImportError.badGeometry(at: where_, code: code, detail: "\(error)")
            }
            if let t = toWGS84 {
                do { geometry = try t.transform(geometry) } catch {
                    throw ImportError.badGeometry(at: where_, code: code, detail: "\(error)")
                }
            }
            if geometry.isEmpty { throw ImportError.emptyGeometry(at: where_, code: code) }
            if let bad = BoundaryImporter.firstOutOfRange(geometry) {
                throw ImportError.outOfRange(at: where_, code: code, coordinate: bad)
            }
            switch geometry {
            case .polygon, .multiPolygon: geometry = geometry.asMulti
            default: throw ImportError.notAreal(at: where_, code: code, type: geometry.type.rawValue)
            }
            let validity = try GEOSGeometry(geometry, context: geos).validity()
            if !validity.isValid {
                invalid.append(InvalidFeature(featureIndex: index, code: code,
                                              reason: validity.reason ?? "invalid", location: validity.location))
            }
            records.append(BoundaryRecord(
                level: level, code: code,
                parentCode: try fields.parentCode.map { try field($0) },
                provinceCode: try field(fields.provinceCode),
                nameTH: try field(fields.nameTH).precomposedStringWithCanonicalMapping,
                nameEN: (GeoJSONFile.stringProperty(properties[fields.nameEN]) ?? ""),
                geometry: geometry, isValid: validity.isValid, invalidReason: validity.reason,
                invalidLocation: validity.isValid ? nil : validity.location))
            if let progress, (index + 1) % 250 == 0 || index + 1 == collection.features.count {
                progress(index + 1, collection.features.count)
            }
        }
        if strict, !invalid.isEmpty { throw ImportError.invalidGeometries(path: path, invalid: invalid) }
        try store.replaceBoundaries(level: level, records: records, source: path)
        return BoundaryImportReport(level: level, source: path, featureCount: records.count,
                                    sourceCRS: sourceCRS, invalid: invalid)
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
    case emptyGeometry(at: Message, code: String)
    case outOfRange(at: Message, code: String, coordinate: Coordinate)
    case missingField(at: Message, field: String)
    case duplicateCode(at: Message, code: String, firstFeature: Int)
    case missingGeometry(at: Message, code: String)
    case badGeometry(at: Message, code: String, detail: String)
    case notAreal(at: Message, code: String, type: String)
    case invalidGeometries(path: String, invalid: [InvalidFeature])

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
        }
    }
}
