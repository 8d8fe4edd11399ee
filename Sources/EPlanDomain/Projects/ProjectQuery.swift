import Foundation

/// What `eplan export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// RFC 7946 GeoJSON: one FeatureCollection.
    case geojson
    /// RFC 8142 GeoJSON text sequence: RS, one Feature, LF, per project.
    case geojsonseq
    /// RFC 4180 CSV, UTF-8 with a BOM (Excel), geometry as WKT in the last column `wkt`.
    case csv
}

/// Which projects a user asked for, as typed (codes or names): the one filter of
/// `projects list`, `pins list`, `export` and the service's queries. `parse` reads it from
/// words (options, query parameters), `resolve` checks it against the store and gives the
/// store's `ProjectFilter` (codes only).
public struct ProjectQuery: Sendable, Equatable {
    /// A province code ("63") or name ("ตาก", "Tak").
    public var province: String?
    /// An amphoe code ("6301") or name.
    public var amphoe: String?
    /// An LAO code.
    public var lao: String?
    /// A Buddhist-era plan year (see `PlanYear.be`).
    public var year: Int?
    public var stage: ProjectStage?
    public var funding: FundingSource?
    public var kind: ProjectKind?
    /// Pinned projects whose geometry's box meets this box (lon/lat); through the R*Tree.
    public var bbox: Envelope?
    /// Also projects with no current pin (null geometry). They have no location, so `bbox`
    /// does not apply to them; every other filter does.
    public var includeUnpinned: Bool

    public init(province: String? = nil, amphoe: String? = nil, lao: String? = nil, year: Int? = nil,
                stage: ProjectStage? = nil, funding: FundingSource? = nil, kind: ProjectKind? = nil, bbox: Envelope? = nil,
                includeUnpinned: Bool = false) {
        self.province = province; self.amphoe = amphoe; self.lao = lao; self.year = year
        self.stage = stage; self.funding = funding; self.kind = kind; self.bbox = bbox; self.includeUnpinned = includeUnpinned
    }

    /// The filter's words, as options and query parameters name them.
    public enum Key: String, Sendable, CaseIterable { case province, amphoe, lao, year, stage, funding, kind, bbox }

    /// Reads each value as typed; `field` names the option or parameter in messages
    /// (`--year` on the command line, `year` over HTTP).
    public static func parse(_ values: [Key: String], field: (Key) -> String = { "--" + $0.rawValue }) throws -> ProjectQuery {
        var q = ProjectQuery(province: values[.province], amphoe: values[.amphoe],
                             lao: values[.lao].map { ThaiText.asciiDigits($0).trimmingCharacters(in: .whitespaces) })
        if let y = values[.year] { q.year = try PlanYear.be(y, field: field(.year)) }
        if let s = values[.stage] { q.stage = try parseStage(s, field: field(.stage)) }
        if let f = values[.funding] {
            guard let v = FundingSource(label: f) else {
                throw ProjectQueryError(Message(th: "\(field(.funding)) '\(f)' ไม่รู้จัก (ใช้ own, general, specific หรือ เงินรายได้, เงินอุดหนุนทั่วไป, เงินอุดหนุนเฉพาะกิจ)",
                                                en: "\(field(.funding)) '\(f)' is unknown (use own, general or specific)"), field: field(.funding))
            }
            q.funding = v
        }
        if let k = values[.kind] {
            guard let v = ProjectKind(label: k) else {
                throw ProjectQueryError(Message(th: "\(field(.kind)) ต้องเป็น road, building, water หรือ other (ได้ '\(k)')",
                                                en: "\(field(.kind)) must be road, building, water or other (got '\(k)')"), field: field(.kind))
            }
            q.kind = v
        }
        if let b = values[.bbox] { q.bbox = try parseBBox(b) }
        return q
    }

    /// A stage as typed: the English key or a Thai label.
    public static func parseStage(_ raw: String, field: String) throws -> ProjectStage {
        guard let s = ProjectStage(label: raw) else {
            let keys = ProjectStage.allCases.map(\.rawValue).joined(separator: ", ")
            throw ProjectQueryError(Message(th: "\(field) '\(raw)' ไม่รู้จัก (ใช้ \(keys))", en: "\(field) '\(raw)' is unknown (use \(keys))"),
                                    field: field)
        }
        return s
    }

    /// Checks every filter against the store (unknown codes, a year no plan covers) and
    /// turns names into codes: the store's filter. Call before any output is opened.
    public func resolve(in store: any EPlanStoring) throws -> ProjectFilter {
        var r = ProjectFilter(planYear: year, stage: stage, funding: funding, kind: kind, bbox: bbox)
        if let raw = province {
            let s = ThaiText.normalized(ThaiText.asciiDigits(raw))
            let bare = s.hasPrefix("จังหวัด") ? String(s.dropFirst("จังหวัด".count)) : s
            guard let code = try store.provinceCodes(matching: s, bareName: bare).first else { throw ExportError(.unknownProvince(raw)) }
            r.provinceCode = code
        }
        if let raw = amphoe {
            let s = ThaiText.normalized(ThaiText.asciiDigits(raw))
            let bare = s.hasPrefix("อำเภอ") ? String(s.dropFirst("อำเภอ".count)) : s
            let found = try store.amphoeCodes(matching: s, bareName: bare, provinceCode: r.provinceCode)
            guard !found.isEmpty else { throw ExportError(.unknownAmphoe(raw)) }
            guard found.count == 1 else { throw ExportError(.ambiguousAmphoe(raw, found)) }
            r.amphoeCode = found[0]
            if let p = r.provinceCode, try !store.amphoe(found[0], isInProvince: p) {
                throw ExportError(.amphoeNotInProvince(amphoe: found[0], province: p))
            }
        }
        if let raw = lao {
            let s = ThaiText.asciiDigits(raw).trimmingCharacters(in: .whitespaces)
            guard try store.laoExists(s) else { throw ExportError(.unknownLAO(raw)) }
            r.laoCode = s
        }
        // A year is known when a plan of the scope covers it, or a project of the scope has
        // it (projects written by other programs may lack a plan): else a typo.
        if let y = year, try !store.yearKnown(y, provinceCode: r.provinceCode, amphoeCode: r.amphoeCode, laoCode: r.laoCode) {
            throw ExportError(.noPlanForYear(y))
        }
        return r
    }

    /// "minLon,minLat,maxLon,maxLat" (spaces and Thai digits allowed). Refuses anything but four
    /// finite numbers, a minimum above its maximum, and values beyond ±180 / ±90.
    public static func parseBBox(_ raw: String) throws -> Envelope {
        let parts = ThaiText.asciiDigits(raw).split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Double($0) }.filter(\.isFinite)
        guard parts.count == 4, values.count == 4 else { throw ExportError(.bboxMalformed(raw)) }
        let e = Envelope(minX: values[0], minY: values[1], maxX: values[2], maxY: values[3])
        guard e.minX <= e.maxX, e.minY <= e.maxY else { throw ExportError(.bboxInverted(raw)) }
        guard [e.minX, e.maxX].allSatisfy({ (-180...180).contains($0) }),
              [e.minY, e.maxY].allSatisfy({ (-90...90).contains($0) }) else { throw ExportError(.bboxOutOfRange(raw)) }
        return e
    }

}

/// A filter value that cannot be read; names the option or parameter.
public struct ProjectQueryError: UserFacingError, Equatable {
    public let message: Message
    public let field: String
    public init(_ message: Message, field: String) { self.message = message; self.field = field }
}

public struct ExportError: UserFacingError, Equatable {
    public enum Kind: Equatable, Sendable {
        case unknownProvince(String)
        case unknownAmphoe(String)
        case ambiguousAmphoe(String, [String])
        case amphoeNotInProvince(amphoe: String, province: String)
        case unknownLAO(String)
        case noPlanForYear(Int)
        case bboxMalformed(String)
        case bboxInverted(String)
        case bboxOutOfRange(String)
        case badPrecision(Int)
        case cannotWrite(path: String, reason: String)
        case writeFailed(path: String, reason: String)
        /// Standard output broke mid-stream (a closed pipe, a full disk): what was written stays.
        case stdoutFailed(reason: String)
        case badGeometry(project: String)
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var message: Message {
        switch kind {
        case .unknownProvince(let p):
            return Message(th: "ไม่พบจังหวัด '\(p)' (ใช้รหัสหรือชื่อจังหวัดที่มีในฐานข้อมูล)",
                           en: "no province '\(p)' in the store (give a code or name it holds)")
        case .unknownAmphoe(let a):
            return Message(th: "ไม่พบอำเภอ '\(a)' (ใช้รหัสหรือชื่ออำเภอที่มีในฐานข้อมูล)",
                           en: "no amphoe '\(a)' in the store (give a code or name it holds)")
        case let .ambiguousAmphoe(a, codes):
            return Message(th: "ชื่ออำเภอ '\(a)' ซ้ำกันหลายแห่ง (\(codes.joined(separator: ", "))) กรุณาใช้รหัส",
                           en: "amphoe name '\(a)' matches several (\(codes.joined(separator: ", "))); give its code")
        case let .amphoeNotInProvince(a, p):
            return Message(th: "อำเภอ \(a) ไม่อยู่ในจังหวัด \(p)", en: "amphoe \(a) is not in province \(p)")
        case .unknownLAO(let c):
            return Message(th: "ไม่พบ อปท. รหัส \(c)", en: "no LAO with code \(c)")
        case .noPlanForYear(let y):
            return Message(th: "ไม่มีแผนพัฒนาที่ครอบคลุมปี พ.ศ. \(y) ในขอบเขตที่เลือก",
                           en: "no development plan covers year \(y) BE (\(y - 543) CE) in the selection")
        case .bboxMalformed(let b):
            return Message(th: "--bbox '\(b)' ต้องเป็นตัวเลข 4 ค่า: ลองจิจูดต่ำสุด,ละติจูดต่ำสุด,ลองจิจูดสูงสุด,ละติจูดสูงสุด",
                           en: "--bbox '\(b)' must be four numbers: minLon,minLat,maxLon,maxLat")
        case .bboxInverted(let b):
            return Message(th: "--bbox '\(b)': ค่าต่ำสุดมากกว่าค่าสูงสุด", en: "--bbox '\(b)': a minimum exceeds its maximum")
        case .bboxOutOfRange(let b):
            return Message(th: "--bbox '\(b)': ลองจิจูดต้องอยู่ใน ±180 และละติจูดใน ±90",
                           en: "--bbox '\(b)': longitudes must lie within ±180 and latitudes within ±90")
        case .badPrecision(let p):
            return Message(th: "--precision ต้องอยู่ระหว่าง 0 ถึง 15 (ได้ \(p))", en: "--precision must be 0 to 15 (got \(p))")
        case let .cannotWrite(path, reason):
            return Message(th: "เขียนไฟล์ \(path) ไม่ได้: \(reason)", en: "cannot write \(path): \(reason)")
        case let .writeFailed(path, reason):
            return Message(th: "เขียนไฟล์ \(path) ไม่สำเร็จ (ไม่ได้สร้างไฟล์): \(reason)",
                           en: "writing \(path) failed (no file was made): \(reason)")
        case .stdoutFailed(let reason):
            return Message(th: "เขียนออกหน้าจอ (stdout) ไม่สำเร็จ ผลลัพธ์ไม่ครบ: \(reason)",
                           en: "writing to standard output failed; the output is incomplete: \(reason)")
        case .badGeometry(let p):
            return Message(th: "รูปทรงของหมุดโครงการ \(p) ในฐานข้อมูลเสียหาย", en: "the pin geometry of project \(p) in the store is corrupt")
        }
    }
}
