/// A failure in the GEOS layer, carrying GEOS's own message when GEOS gave one.
public struct GEOSError: UserFacingError, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// WKT text GEOS could not parse.
        case malformedWKT
        /// WKB bytes GEOS could not parse.
        case malformedWKB
        /// A NaN or infinite coordinate in a `Geometry` value.
        case nonFiniteCoordinate
        /// A `Geometry` value GEOS cannot represent (unclosed ring, ring < 4 points, line of 1 point).
        case invalidStructure
        /// Any other GEOS call that reported an exception.
        case operationFailed
    }

    public let kind: Kind
    /// The GEOS C function (or our step) that failed, e.g. "GEOSUnion_r".
    public let operation: String
    /// GEOS's message verbatim, e.g. "ParseException: Expected word but encountered end of stream".
    public let geosMessage: String?
    /// For `Geometry` input errors: where in the value, e.g. "coordinates[0][3]".
    public let path: String?
    /// What our own checks (not GEOS) found wrong, in both languages.
    public let detail: Message?

    public init(kind: Kind, operation: String, geosMessage: String? = nil, path: String? = nil, detail: Message? = nil) {
        self.kind = kind
        self.operation = operation
        self.geosMessage = geosMessage
        self.path = path
        self.detail = detail
    }

    public var message: Message {
        let g = geosMessage ?? "(GEOS ไม่ได้ให้ข้อความ / GEOS gave no message)"
        let at = path.map { "\($0): " } ?? ""
        let dth = detail?.th ?? "", den = detail?.en ?? ""
        switch kind {
        case .malformedWKT:
            if let detail { return Message(th: "WKT ไม่ถูกต้อง: \(detail.th)", en: "Malformed WKT: \(detail.en)") }
            return Message(th: "WKT ไม่ถูกต้อง: \(g)", en: "Malformed WKT: \(g)")
        case .malformedWKB:
            return Message(th: "WKB ไม่ถูกต้อง: \(g)", en: "Malformed WKB: \(g)")
        case .nonFiniteCoordinate:
            return Message(th: "\(at)พิกัดต้องเป็นตัวเลขจำกัด (ไม่ใช่ NaN หรืออนันต์) \(dth)",
                           en: "\(at)coordinate must be finite (not NaN or infinite) \(den)")
        case .invalidStructure:
            return Message(th: "\(at)โครงสร้างรูปเรขาคณิตไม่ถูกต้อง: \(dth)",
                           en: "\(at)invalid geometry structure: \(den)")
        case .operationFailed:
            return Message(th: "GEOS ทำงานไม่สำเร็จ (\(operation)): \(g)",
                           en: "GEOS operation failed (\(operation)): \(g)")
        }
    }
}
