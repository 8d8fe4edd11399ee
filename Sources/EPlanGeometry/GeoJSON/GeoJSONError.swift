/// A GeoJSON geometry that cannot be decoded, naming the JSON path at fault
/// (e.g. "coordinates[0][3]" or "geometries[1].type"; "" is the root object).
public struct GeoJSONError: UserFacingError, Equatable, Sendable {
    public enum Kind: String, Sendable {
        case malformedJSON      // not JSON at all
        case notAnObject        // a geometry must be a JSON object
        case missingMember      // no "type" / "coordinates" / "geometries"
        case unknownType        // "type" is not one of the 7 geometry types
        case expectedArray      // a coordinates level that is not an array
        case expectedPosition   // not [x, y] numbers
        case nonFiniteCoordinate
        case lineTooShort       // a line of 1 position
        case ringTooShort       // a ring of < 4 positions
        case unclosedRing       // first position != last
    }

    public let kind: Kind
    public let path: String
    /// The offending value or parser text (type name, count, …), shown as is.
    public let detail: String?

    public init(_ kind: Kind, path: String, detail: String? = nil) {
        self.kind = kind; self.path = path; self.detail = detail
    }

    public var message: Message {
        let at = path.isEmpty ? "" : "\(path): "
        let d = detail ?? ""
        switch kind {
        case .malformedJSON:
            return Message(th: "\(at)JSON ไม่ถูกต้อง: \(d)", en: "\(at)malformed JSON: \(d)")
        case .notAnObject:
            return Message(th: "\(at)ต้องเป็นออบเจกต์ geometry ของ GeoJSON", en: "\(at)expected a GeoJSON geometry object")
        case .missingMember:
            return Message(th: "\(at)ไม่มีสมาชิกที่จำเป็น", en: "\(at)required member is missing")
        case .unknownType:
            return Message(th: "\(at)ไม่รู้จักชนิด geometry \"\(d)\"", en: "\(at)unknown geometry type \"\(d)\"")
        case .expectedArray:
            return Message(th: "\(at)ต้องเป็นอาร์เรย์", en: "\(at)expected an array")
        case .expectedPosition:
            return Message(th: "\(at)ต้องเป็นตำแหน่ง [x, y] ที่เป็นตัวเลข", en: "\(at)expected [x, y] numbers")
        case .nonFiniteCoordinate:
            return Message(th: "\(at)พิกัดต้องเป็นตัวเลขจำกัด (ไม่ใช่ NaN หรืออนันต์) \(d)",
                           en: "\(at)coordinate must be finite (not NaN or infinite) \(d)")
        case .lineTooShort:
            return Message(th: "\(at)เส้นต้องมีอย่างน้อย 2 ตำแหน่ง (มี \(d))", en: "\(at)a line needs at least 2 positions (has \(d))")
        case .ringTooShort:
            return Message(th: "\(at)วงรอบต้องมีอย่างน้อย 4 ตำแหน่ง (มี \(d))", en: "\(at)a ring needs at least 4 positions (has \(d))")
        case .unclosedRing:
            return Message(th: "\(at)วงรอบไม่ปิด: ตำแหน่งแรกต้องเท่ากับตำแหน่งสุดท้าย",
                           en: "\(at)ring is not closed: first position must equal the last")
        }
    }
}
