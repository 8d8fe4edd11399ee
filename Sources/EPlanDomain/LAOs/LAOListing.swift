import Foundation

/// An LAO as `eplan laos list|show` present it: the record with its area, names of its
/// amphoe and tambons, and its facts.
public struct LAOSummary: Sendable {
    public var record: LAORecord
    /// Area of the jurisdiction in m² (geodesic), 0 when it has none.
    public var areaSquareMetres: Double
    public var amphoe: (th: String, en: String)?
    /// Tambon code → names, for the tambons it covers.
    public var tambonNames: [String: (th: String, en: String)]
    public var vision: Bool
    public var plans: [DevPlan]

    /// "พื้นที่สังเคราะห์ ไม่ใช่เขตจริง": said wherever a synthetic area is shown.
    public static let syntheticNote = Message(th: "พื้นที่สังเคราะห์ ไม่ใช่เขตจริง", en: "synthetic area, not the real boundary")
    public static let syntheticMark = "≈ สังเคราะห์"
}

public enum LAOListing {
    /// Codes → Thai and English names of one level, without geometry.
    public static func names(_ store: any EPlanStoring, _ level: BoundaryLevel) throws -> [String: (th: String, en: String)] {
        try store.boundaryNames(level: level).mapValues { (th: $0.th, en: $0.en) }
    }

    public static func summaries(_ store: any EPlanStoring, provinceCode: String? = nil, amphoeCode: String? = nil) throws -> [LAOSummary] {
        try summarize(store, try store.laos(provinceCode: provinceCode, amphoeCode: amphoeCode))
    }

    public static func summary(_ store: any EPlanStoring, code: String) throws -> LAOSummary? {
        guard let r = try store.lao(code: code) else { return nil }
        return try summarize(store, [r]).first
    }

    static func summarize(_ store: any EPlanStoring, _ records: [LAORecord]) throws -> [LAOSummary] {
        let amphoes = try names(store, .amphoe), tambons = try names(store, .tambon)
        return try records.map { r in
            LAOSummary(record: r, areaSquareMetres: try r.jurisdiction.map(Metric.area) ?? 0,
                       amphoe: r.amphoeCode.flatMap { amphoes[$0] },
                       tambonNames: Dictionary(uniqueKeysWithValues: r.tambons.compactMap { t in tambons[t.code].map { (t.code, $0) } }),
                       vision: try store.laoVision(code: r.code) ?? false,
                       plans: try store.devPlans(laoCode: r.code))
        }
    }
}
