import EPlanDomain
import Foundation

/// The query of `/ogc/collections/{id}/items`, read and checked: every refusal names its
/// parameter (`limit`, `bbox`, `datetime`, `next`, a property filter).
public struct FeatureItemsQuery: Sendable, Hashable {
    public static let defaultLimit = 100
    /// Larger limits are clamped to this, not refused (OGC API – Features, Part 1, 7.15.3).
    public static let maximumLimit = 10_000
    /// The parameters every collection's items take besides its property filters.
    public static let common = ["limit", "bbox", "bbox-crs", "datetime", "next", "f", "lang"]

    public var limit = defaultLimit
    public var bbox: Envelope?
    public var pinnedFrom: String?, pinnedUntil: String?
    /// The keyset position the `next` token carries.
    public var afterCode: String?
    public var laoCode: String?, amphoeCode: String?, provinceCode: String?
    public var planYear: Int?
    public var stage: ProjectStage?
    public var funding: FundingSource?
    public var kind: ProjectKind?

    public init(limit: Int = defaultLimit) { self.limit = limit }

    /// Reads the query parameters for a collection (its `filters`); a filter the collection
    /// does not have is refused, other unknown parameters are left alone (clients add their own).
    public static func parse(_ params: [String: String], for id: FeatureCollectionID) throws -> FeatureItemsQuery {
        var q = FeatureItemsQuery()
        if let raw = params["limit"] { q.limit = try limit(raw) }
        if let crs = params["bbox-crs"], !["http://www.opengis.net/def/crs/OGC/1.3/CRS84", "CRS84", "OGC:CRS84"].contains(crs) {
            throw bad("bbox-crs", Message(th: "bbox-crs รองรับเฉพาะ CRS84 (ลองจิจูด,ละติจูด) ได้ '\(crs)'", en: "bbox-crs must be CRS84 (lon,lat), got '\(crs)'"))
        }
        if let raw = params["bbox"] { q.bbox = try bbox(raw) }
        if let raw = params["datetime"], id.pinKind != nil { (q.pinnedFrom, q.pinnedUntil) = try FeatureDateTime.bounds(raw) }
        if let raw = params["next"] { q.afterCode = try FeaturePageToken.decode(raw) }
        let all = ["lao_code", "amphoe_code", "province_code", "plan_year", "stage", "funding", "kind"]
        if let refused = all.first(where: { params[$0] != nil && !id.filters.contains($0) }) {
            throw bad(refused, Message(th: "ชุดข้อมูล \(id.rawValue) ไม่มีตัวกรอง \(refused) (มี: \(id.filters.joined(separator: ", ")))",
                                       en: "collection \(id.rawValue) has no filter \(refused) (it has: \(id.filters.joined(separator: ", ")))"))
        }
        func code(_ name: String) -> String? { params[name].map { ThaiText.asciiDigits($0).trimmingCharacters(in: .whitespaces) } }
        (q.laoCode, q.amphoeCode, q.provinceCode) = (code("lao_code"), code("amphoe_code"), code("province_code"))
        // The CLI's one reading of a year, stage, funding and kind, naming the OGC parameter.
        let names: [ProjectQuery.Key: String] = [.year: "plan_year", .stage: "stage", .funding: "funding", .kind: "kind"]
        var values: [ProjectQuery.Key: String] = [:]
        for (key, name) in names { if let v = params[name] { values[key] = v } }
        let parsed = try ProjectQuery.parse(values, field: { names[$0] ?? $0.rawValue })
        (q.planYear, q.stage, q.funding, q.kind) = (parsed.year, parsed.stage, parsed.funding, parsed.kind)
        return q
    }

    /// A positive whole number; above the maximum it is clamped.
    static func limit(_ raw: String) throws -> Int {
        guard let n = Int(ThaiText.asciiDigits(raw).trimmingCharacters(in: .whitespaces)), n >= 1 else {
            throw bad("limit", Message(th: "limit ต้องเป็นจำนวนเต็มตั้งแต่ 1 (ได้ '\(raw)')", en: "limit must be a whole number of at least 1 (got '\(raw)')"))
        }
        return min(n, maximumLimit)
    }

    /// "minLon,minLat,maxLon,maxLat" in CRS84 (six numbers: the heights are dropped), read by
    /// the export's own box rule.
    static func bbox(_ raw: String) throws -> Envelope {
        var text = raw
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count == 6 { text = [parts[0], parts[1], parts[3], parts[4]].joined(separator: ",") }
        do { return try ProjectQuery.parseBBox(text) } catch let e as ExportError {
            let m = e.message
            throw bad("bbox", Message(th: m.th.replacingOccurrences(of: "--bbox", with: "bbox"), en: m.en.replacingOccurrences(of: "--bbox", with: "bbox")))
        }
    }

    static func bad(_ field: String, _ message: Message) -> AppError { AppError(.badInput, message, field: field) }
}

/// The opaque `next` token: the last code of the page before, base64url. Clients only follow
/// the `next` link; the form may change.
public enum FeaturePageToken {
    public static func encode(_ lastCode: String) -> String {
        Data(("c:" + lastCode).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ token: String) throws -> String {
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8), text.hasPrefix("c:") else {
            throw FeatureItemsQuery.bad("next", Message(th: "โทเค็น next ไม่ถูกต้อง (ใช้ลิงก์ next จากหน้าก่อน)", en: "the next token is not valid (follow the previous page's next link)"))
        }
        return String(text.dropFirst(2))
    }
}

/// `datetime` on `pinned_at` (RFC 3339): an instant ("2026-11-26T13:10:33Z", a date
/// "2026-11-26") or an interval "start/end" with ".." (or nothing) for an open end. An
/// instant given to the second or the day covers that whole second or day.
public enum FeatureDateTime {
    /// Inclusive bounds in the stored form ("2026-11-26T13:10:33.439Z"); nil for an open end.
    public static func bounds(_ raw: String) throws -> (String?, String?) {
        let parts = raw.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(parts.count) else { throw bad(raw) }
        if parts.count == 1 {
            guard let t = try instant(parts[0], raw) else { throw bad(raw) }
            return (PinText.timestamp(t.start), PinText.timestamp(t.end))
        }
        let from = try instant(parts[0], raw), until = try instant(parts[1], raw)
        guard from != nil || until != nil else { throw bad(raw) }
        if let f = from, let u = until, f.start > u.end { throw bad(raw) }
        return (from.map { PinText.timestamp($0.start) }, until.map { PinText.timestamp($0.end) })
    }

    /// An instant's first and last millisecond; nil for an open end ("..", "").
    static func instant(_ s: String, _ raw: String) throws -> (start: Date, end: Date)? {
        if s == ".." || s.isEmpty { return nil }
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?)?$"#
        guard let m = s.range(of: pattern, options: .regularExpression), m == s.startIndex..<s.endIndex else { throw bad(raw) }
        let digits = s.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        var c = DateComponents()
        c.timeZone = TimeZone(identifier: "UTC")
        (c.year, c.month, c.day) = (digits[0], digits[1], digits[2])
        guard (1...12).contains(digits[1]), (1...31).contains(digits[2]) else { throw bad(raw) }
        var span = 86_400.0 - 0.001
        if s.count > 10 {
            (c.hour, c.minute, c.second) = (digits[3], digits[4], digits[5])
            guard digits[3] < 24, digits[4] < 60, digits[5] < 61 else { throw bad(raw) }
            span = 0.999
        }
        guard var start = Calendar(identifier: .gregorian).date(from: c) else { throw bad(raw) }
        if let dot = s.firstIndex(of: "."), s.count > 10 {
            let frac = s[dot...].prefix { $0 == "." || $0.isNumber }
            // Stored times carry milliseconds: finer digits are cut.
            start += Double(Int(frac.dropFirst().prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0) / 1000
            span = 0
        }
        if let zone = s.range(of: #"[+-]\d{2}:?\d{2}$"#, options: .regularExpression), s.count > 10 {
            let z = s[zone].filter(\.isNumber), sign: Double = s[zone].hasPrefix("-") ? -1 : 1
            start -= sign * (Double(Int(z.prefix(2)) ?? 0) * 3600 + Double(Int(z.suffix(2)) ?? 0) * 60)
        }
        // Under half a millisecond: `PinText.timestamp` cuts to the millisecond, and a Date's
        // double must not fall just below the one meant.
        start += 0.0004
        return (start, start + span)
    }

    static func bad(_ raw: String) -> AppError {
        FeatureItemsQuery.bad("datetime", Message(th: "datetime '\(raw)' ต้องเป็นเวลาแบบ RFC 3339 (เช่น 2026-11-26T13:10:33Z หรือ 2026-11-26) หรือช่วง เริ่ม/สิ้นสุด ที่ใช้ .. แทนปลายเปิดได้",
                                                  en: "datetime '\(raw)' must be an RFC 3339 instant (e.g. 2026-11-26T13:10:33Z or 2026-11-26) or an interval start/end, with .. for an open end"))
    }
}
