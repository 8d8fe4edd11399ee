import EPlanGeometry

/// Why a typed coordinate was refused. `token` is the user's own text at fault (as typed,
/// Thai digits included); the message names it and says what was expected, Thai first.
public struct CoordinateParseError: UserFacingError, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case empty, unexpectedToken, wrongCount, latitudeOutOfRange, longitudeOutOfRange
        case minutesOutOfRange, secondsOutOfRange, notFinite, malformedAngle, conflictingHemisphere
        case utmZoneUnsupported, utmBandUnsupported, eastingOutOfRange, northingOutOfRange
        case projectedNeedsCRS, crsConflict, ambiguous, mgrsInvalid
    }
    public let kind: Kind
    public let token: String
    public let message: Message

    init(_ kind: Kind, _ token: String, th: String, en: String) {
        self.kind = kind
        self.token = token
        self.message = Message(th: "\(th) (ที่ '\(token)')", en: "\(en) (at '\(token)')")
    }

    /// Errors about a value (range, zone…) as opposed to the shape of the text; `parseMany`
    /// prefers these when deciding which failure to report.
    var isValueError: Bool {
        switch kind {
        case .empty, .unexpectedToken, .wrongCount, .malformedAngle, .projectedNeedsCRS: return false
        default: return true
        }
    }

    static func empty() -> Self {
        Self(.empty, "", th: "ไม่มีพิกัด (ข้อความว่าง)", en: "no coordinate given (empty text)")
    }
    static func unexpected(_ t: String, expected: Message) -> Self {
        Self(.unexpectedToken, t, th: "ไม่เข้าใจ '\(t)': คาดว่าเป็น\(expected.th)", en: "cannot read '\(t)': expected \(expected.en)")
    }
    static func wrongCount(_ t: String, found: Int, expected: Message) -> Self {
        Self(.wrongCount, t, th: "ต้องมี\(expected.th) แต่พบ \(found) ค่า", en: "expected \(expected.en) but found \(found) value(s)")
    }
    static func latitude(_ v: Double, _ t: String) -> Self {
        let h = abs(v) >= 1000 ? utmHint : Message(th: "", en: "")
        return Self(.latitudeOutOfRange, t, th: "ละติจูด \(fmt(v)) เกินช่วง −90 ถึง 90" + h.th,
                    en: "latitude \(fmt(v)) is out of range −90..90" + h.en)
    }
    static func longitude(_ v: Double, _ t: String) -> Self {
        let h = abs(v) >= 1000 ? utmHint : Message(th: "", en: "")
        return Self(.longitudeOutOfRange, t, th: "ลองจิจูด \(fmt(v)) เกินช่วง −180 ถึง 180" + h.th,
                    en: "longitude \(fmt(v)) is out of range −180..180" + h.en)
    }
    static let utmHint = Message(
        th: " — ถ้าเป็นพิกัด UTM ให้เขียนโซนก่อน เช่น '47N 512345 1848000' หรือระบุ --crs",
        en: " — for UTM write the zone first, e.g. '47N 512345 1848000', or give --crs")
    static func minutes(_ v: Double, _ t: String) -> Self {
        Self(.minutesOutOfRange, t, th: "ลิปดา \(fmt(v)) ต้องอยู่ในช่วง 0 ถึงน้อยกว่า 60", en: "minutes \(fmt(v)) must be in 0..<60")
    }
    static func seconds(_ v: Double, _ t: String) -> Self {
        Self(.secondsOutOfRange, t, th: "ฟิลิปดา \(fmt(v)) ต้องอยู่ในช่วง 0 ถึงน้อยกว่า 60", en: "seconds \(fmt(v)) must be in 0..<60")
    }
    static func notFinite(_ t: String) -> Self {
        Self(.notFinite, t, th: "ค่า '\(t)' ไม่ใช่ตัวเลขที่ใช้ได้ (ต้องเป็นจำนวนจำกัด)", en: "'\(t)' is not a usable number (must be finite)")
    }
    static func malformed(_ t: String, _ why: Message) -> Self {
        Self(.malformedAngle, t, th: "มุม '\(t)' เขียนไม่ถูกต้อง: \(why.th)", en: "angle '\(t)' is malformed: \(why.en)")
    }
    static func conflictingHemisphere(_ t: String, _ why: Message) -> Self {
        Self(.conflictingHemisphere, t, th: why.th, en: why.en)
    }
    static func zone(_ z: String, _ t: String) -> Self {
        Self(.utmZoneUnsupported, t, th: "ไม่รองรับ UTM โซน \(z): ประเทศไทยใช้โซน 47 หรือ 48",
             en: "UTM zone \(z) is not supported: Thailand uses zone 47 or 48")
    }
    static func band(_ b: String, _ t: String) -> Self {
        if b == "S" {
            return Self(.utmBandUnsupported, t,
                        th: "อักษร 'S' กำกวม (ซีกโลกใต้ หรือแถบละติจูด S): ประเทศไทยอยู่ซีกโลกเหนือ ใช้ N, P หรือ Q",
                        en: "letter 'S' is ambiguous (southern hemisphere or latitude band S): Thailand is north, use N, P or Q")
        }
        return Self(.utmBandUnsupported, t,
                    th: "อักษร '\(b)' ไม่ใช่แถบละติจูดซีกโลกเหนือ: ประเทศไทยใช้ N, P หรือ Q",
                    en: "letter '\(b)' is not a northern latitude band: Thailand uses N, P or Q")
    }
    static func easting(_ v: Double, _ t: String, lo: String, hi: String) -> Self {
        Self(.eastingOutOfRange, t, th: "ค่าตะวันออก (easting) \(fmt(v)) เกินช่วง \(lo) ถึง \(hi)",
             en: "easting \(fmt(v)) is out of range \(lo)..\(hi)")
    }
    static func northing(_ v: Double, _ t: String, lo: String, hi: String) -> Self {
        Self(.northingOutOfRange, t, th: "ค่าเหนือ (northing) \(fmt(v)) เกินช่วง \(lo) ถึง \(hi)",
             en: "northing \(fmt(v)) is out of range \(lo)..\(hi)")
    }
    static func needsCRS(_ t: String) -> Self {
        Self(.projectedNeedsCRS, t,
             th: "ค่า E/N เป็นเมตรต้องบอกโซน เช่น '47N 512345 1848000' หรือระบุระบบพิกัด เช่น --crs EPSG:32647",
             en: "easting/northing in metres need a zone, e.g. '47N 512345 1848000', or a CRS such as --crs EPSG:32647")
    }
    static func ambiguous(_ t: String, _ why: Message) -> Self {
        Self(.ambiguous, t, th: why.th, en: why.en)
    }
    static func mgrs(_ t: String, _ why: Message) -> Self {
        Self(.mgrsInvalid, t, th: "อ่านพิกัด MGRS '\(t)' ไม่ได้: \(why.th)", en: "cannot read the MGRS reference '\(t)': \(why.en)")
    }
    static func crsConflict(_ t: String, _ crs: CRS) -> Self {
        Self(.crsConflict, t, th: "พิกัด UTM แบบมีโซนใช้กับระบบพิกัด \(crs.identifier) ที่ระบุไว้ไม่ได้",
             en: "a UTM coordinate with a zone conflicts with the given CRS \(crs.identifier)")
    }

}
