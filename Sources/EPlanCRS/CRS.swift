import EPlanGeometry

/// A coordinate reference system from the small set e-Plan supports, identified by EPSG code.
public struct CRS: Hashable, Sendable, CustomStringConvertible {
    public enum Datum: String, Sendable { case wgs84, indian1975 }

    public let epsg: Int

    private init(unchecked epsg: Int) { self.epsg = epsg }

    public static let wgs84 = CRS(unchecked: 4326)
    public static let utm47N = CRS(unchecked: 32647)
    public static let utm48N = CRS(unchecked: 32648)
    public static let indian1975UTM47N = CRS(unchecked: 24047)
    public static let indian1975UTM48N = CRS(unchecked: 24048)
    public static let webMercator = CRS(unchecked: 3857)

    public static let supported: [CRS] = [.wgs84, .utm47N, .utm48N, .indian1975UTM47N, .indian1975UTM48N, .webMercator]

    /// Throws `CRSError` if the code is not one e-Plan supports.
    public init(epsg: Int) throws {
        guard CRS.supported.contains(where: { $0.epsg == epsg }) else { throw CRSError(text: String(epsg)) }
        self.epsg = epsg
    }

    /// Accepts "EPSG:24047", "epsg:32647", "24047" (also "EPSG::4326" and Thai digits).
    public init(parsing text: String) throws {
        var s = String(String.UnicodeScalarView(text.unicodeScalars.map(thaiDigitToASCII)))
            .trimmingWhitespace().uppercased()
        for prefix in ["URN:OGC:DEF:CRS:EPSG::", "EPSG::", "EPSG:", "EPSG "] where s.hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count)).trimmingWhitespace()
            break
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let code = Int(s) else {
            throw CRSError(text: text)
        }
        do { try self.init(epsg: code) } catch { throw CRSError(text: text) }
    }

    /// "EPSG:32647": the form PROJ accepts.
    public var identifier: String { "EPSG:\(epsg)" }
    public var description: String { identifier }

    public var isGeographic: Bool { epsg == 4326 }
    public var isProjected: Bool { !isGeographic }

    public var datum: Datum { (epsg == 24047 || epsg == 24048) ? .indian1975 : .wgs84 }

    /// 47 or 48 for the UTM systems, nil otherwise.
    public var utmZone: Int? {
        switch epsg {
        case 32647, 24047: return 47
        case 32648, 24048: return 48
        default: return nil
        }
    }

    /// The UTM CRS for a zone (47/48) on a datum, nil for other zones.
    public static func utm(zone: Int, datum: Datum = .wgs84) -> CRS? {
        guard zone == 47 || zone == 48 else { return nil }
        return CRS(unchecked: (datum == .wgs84 ? 32600 : 24000) + zone)
    }

    public var name: Message {
        switch epsg {
        case 4326: return Message(th: "WGS 84 (ละติจูด/ลองจิจูด)", en: "WGS 84 (latitude/longitude)")
        case 32647: return Message(th: "WGS 84 / UTM โซน 47 เหนือ", en: "WGS 84 / UTM zone 47N")
        case 32648: return Message(th: "WGS 84 / UTM โซน 48 เหนือ", en: "WGS 84 / UTM zone 48N")
        case 24047: return Message(th: "Indian 1975 / UTM โซน 47 เหนือ", en: "Indian 1975 / UTM zone 47N")
        case 24048: return Message(th: "Indian 1975 / UTM โซน 48 เหนือ", en: "Indian 1975 / UTM zone 48N")
        case 3857: return Message(th: "WGS 84 / Pseudo-Mercator (แผนที่เว็บ)", en: "WGS 84 / Pseudo-Mercator (web maps)")
        default: return Message(th: "EPSG:\(epsg)", en: "EPSG:\(epsg)")
        }
    }
    public var thaiName: String { name.th }
    public var englishName: String { name.en }
}

/// An EPSG code (or text) that is not one of the supported systems.
public struct CRSError: UserFacingError, Equatable {
    public let text: String
    public var message: Message {
        let list = CRS.supported.map { String($0.epsg) }.joined(separator: ", ")
        return Message(
            th: "ไม่รองรับระบบพิกัด '\(text)': ใช้ได้เฉพาะ EPSG \(list)",
            en: "unsupported coordinate reference system '\(text)': supported EPSG codes are \(list)")
    }
}

/// ๐–๙ → 0–9 (Thai users may type Thai digits anywhere).
func thaiDigitToASCII(_ s: Unicode.Scalar) -> Unicode.Scalar {
    if (0x0E50...0x0E59).contains(s.value) { return Unicode.Scalar(s.value - 0x0E50 + 0x30)! }
    if (0xFF10...0xFF19).contains(s.value) { return Unicode.Scalar(s.value - 0xFF10 + 0x30)! }
    return s
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
