import Foundation

/// The columns of an LAO registry (the header of `tak-laos.csv`, Thai aliases accepted),
/// and the reading of one row into an LAO with its facts. Unknown columns are ignored.
struct LAOColumns {
    /// Canonical name → accepted header spellings (compared trimmed, lower-cased, NFC).
    static let aliases: [(String, [String])] = [
        ("code", ["code", "lao_code", "รหัส", "รหัส อปท.", "รหัสอปท.", "รหัส อปท"]),
        ("type", ["type", "ประเภท", "ประเภท อปท."]),
        ("name_th", ["name_th", "name", "ชื่อ", "ชื่อ อปท.", "ชื่อไทย", "ชื่อภาษาไทย"]),
        ("name_en", ["name_en", "ชื่ออังกฤษ", "ชื่อภาษาอังกฤษ"]),
        ("short_th", ["short_th", "ชื่อย่อ"]),
        ("amphoe_code", ["amphoe_code", "amphoe", "รหัสอำเภอ", "อำเภอ"]),
        ("province_code", ["province_code", "province", "รหัสจังหวัด", "จังหวัด"]),
        ("tambons", ["tambons", "tambon_codes", "ตำบล", "รหัสตำบล"]),
        ("whole_tambons", ["whole_tambons", "ตำบลเต็ม"]),
        ("coverage", ["coverage", "ความครอบคลุม", "พื้นที่"]),
        ("synthetic", ["synthetic", "สังเคราะห์"]),
        ("source", ["source", "ที่มา"]),
        ("vision", ["vision", "วิสัยทัศน์"]),
        ("vision_recorded_on", ["vision_recorded_on", "วันบันทึกวิสัยทัศน์"]),
        ("strategies", ["strategies", "ยุทธศาสตร์", "จำนวนยุทธศาสตร์"]),
        ("plan_years", ["plan_years", "ปีแผน", "แผนพัฒนา"]),
        ("plan_approved", ["plan_approved", "อนุมัติแผน"]),
        ("plan_approved_on", ["plan_approved_on", "วันอนุมัติแผน"]),
    ]
    static let required = ["code", "type", "name_th", "province_code", "tambons", "coverage"]

    /// Canonical name → column index.
    var index: [String: Int] = [:]
    /// The header cells as written (for messages).
    var names: [String]

    init(header: [String], path: String) throws {
        names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        for (i, raw) in names.enumerated() {
            let key = raw.precomposedStringWithCanonicalMapping.lowercased()
            guard let canonical = LAOColumns.aliases.first(where: { $0.1.contains(key) })?.0 else { continue }
            if index[canonical] != nil { throw LAOImportError.repeatedColumn(path: path, column: i + 1, name: raw) }
            index[canonical] = i
        }
        for name in LAOColumns.required where index[name] == nil {
            throw LAOImportError.missingColumn(path: path, name: name,
                                               aliases: LAOColumns.aliases.first { $0.0 == name }?.1 ?? [])
        }
    }

    /// Properties of a GeoJSON feature, by their canonical names (every required one is
    /// among them, so this does not throw in practice).
    static func forGeoJSON() throws -> LAOColumns {
        var c = try LAOColumns(header: aliases.map(\.0), path: "")
        c.names = aliases.map(\.0)
        return c
    }

    static func bool(_ s: String) -> Bool? { ThaiText.yesNo(s) }

    func entry(_ row: CSVRecord, path: String, gazetteer: Gazetteer, at explicit: Message? = nil) throws -> LAORegistryImporter.Entry {
        let at = explicit ?? Message(th: "\(path) บรรทัด \(row.line)", en: "\(path) line \(row.line)")
        let r = LAORow(columns: self, row: row, at: at)
        let (code, type, coverage) = try r.identity(polygonAllowed: explicit != nil)
        let province = ThaiText.asciiDigits(try r.required("province_code"))
        guard gazetteer.hasProvince(province) else { throw LAOImportError.unknownCode(at: r.field("province_code"), code: province, level: .province) }
        let amphoe = r.cell("amphoe_code").map(ThaiText.asciiDigits)
        if let a = amphoe, !gazetteer.hasAmphoe(a) { throw LAOImportError.unknownCode(at: r.field("amphoe_code"), code: a, level: .amphoe) }
        let (tambons, whole) = try r.tambons(province: province, coverage: coverage, gazetteer: gazetteer)
        let facts = try r.facts(code: code)
        let record = LAORecord(
            code: code, type: type, nameTH: try r.required("name_th"), shortTH: r.cell("short_th"), nameEN: r.cell("name_en"),
            amphoeCode: amphoe, provinceCode: province, coverage: coverage, synthetic: try r.yesNo("synthetic") ?? false,
            source: r.cell("source"), tambons: tambons.map { LAOTambon(code: $0, whole: whole.contains($0)) },
            visionRecordedOn: facts.visionOn, strategies: facts.strategies)
        return LAORegistryImporter.Entry(record: record, at: at, line: row.line, wholeTambons: whole,
                                         vision: facts.vision, plan: facts.plan, geometry: nil)
    }
}

/// One registry row being read: its cells by canonical name, and each part of the LAO in
/// a function of its own. Every error names the file, line, column and header.
private struct LAORow {
    let columns: LAOColumns
    let row: CSVRecord
    let at: Message

    func cell(_ name: String) -> String? {
        guard let i = columns.index[name], i < row.fields.count else { return nil }
        let v = ThaiText.normalized(row.fields[i])
        return v.isEmpty ? nil : v
    }

    func field(_ name: String) -> Message {
        guard let i = columns.index[name] else { return at }
        return Message(th: "\(at.th) คอลัมน์ \(i + 1) (\(columns.names[i]))", en: "\(at.en) column \(i + 1) (\(columns.names[i]))")
    }

    func required(_ name: String) throws -> String {
        guard let v = cell(name) else { throw LAOImportError.emptyField(at: field(name)) }
        return v
    }

    func yesNo(_ name: String) throws -> Bool? {
        guard let s = cell(name) else { return nil }
        guard let b = ThaiText.yesNo(s) else { throw LAOImportError.badValue(at: field(name), value: s, expected: Message(th: "yes หรือ no", en: "yes or no")) }
        return b
    }

    func date(_ name: String) throws -> String? {
        guard let s = cell(name) else { return nil }
        guard let d = CalendarDate.parse(s) else {
            throw LAOImportError.badValue(at: field(name), value: s, expected: Message(th: "วันที่ เช่น 29/06/2559 หรือ 2016-06-29", en: "a date such as 29/06/2559 or 2016-06-29"))
        }
        return d.iso
    }

    /// Code, type and coverage, and that they fit together (an อบจ. covers its province).
    func identity(polygonAllowed: Bool) throws -> (String, LAOType, LAOCoverage) {
        let code = ThaiText.asciiDigits(try required("code"))
        guard code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw LAOImportError.badValue(at: field("code"), value: code, expected: Message(th: "ตัวเลข/ตัวอักษรละติน", en: "digits or Latin letters"))
        }
        let typeText = try required("type")
        guard let type = LAOType(label: typeText) else {
            throw LAOImportError.badValue(at: field("type"), value: typeText,
                                          expected: Message(th: "อบจ., เทศบาลนคร, เทศบาลเมือง, เทศบาลตำบล หรือ อบต.",
                                                            en: "อบจ., เทศบาลนคร, เทศบาลเมือง, เทศบาลตำบล or อบต. (or pao, city, town, subdistrict, sao)"))
        }
        let coverageText = try required("coverage").lowercased()
        guard let coverage = LAOCoverage(rawValue: coverageText), coverage != .polygon || polygonAllowed else {
            throw LAOImportError.badValue(at: field("coverage"), value: coverageText,
                                          expected: Message(th: "province, whole หรือ part", en: "province, whole or part"))
        }
        if (coverage == .province) != (type == .pao), coverage != .polygon {
            throw LAOImportError.badValue(at: field("coverage"), value: coverageText,
                                          expected: Message(th: type == .pao ? "province (อบจ. ครอบคลุมทั้งจังหวัด)" : "whole หรือ part (province ใช้กับ อบจ. เท่านั้น)",
                                                            en: type == .pao ? "province (an อบจ. covers its province)" : "whole or part (province is for an อบจ. only)"))
        }
        return (code, type, coverage)
    }

    /// The tambons listed (each known and in the LAO's province) and those covered whole.
    func tambons(province: String, coverage: LAOCoverage, gazetteer: Gazetteer) throws -> ([String], Set<String>) {
        func codes(_ name: String) -> [String] {
            (cell(name) ?? "").split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "," || $0 == "|" })
                .map { ThaiText.asciiDigits(String($0)) }
        }
        var tambons: [String] = []
        for t in codes("tambons") {
            guard let p = gazetteer.tambonProvince[t] else { throw LAOImportError.unknownCode(at: field("tambons"), code: t, level: .tambon) }
            guard p == province else { throw LAOImportError.tambonElsewhere(at: field("tambons"), tambon: t, province: p, expected: province) }
            if !tambons.contains(t) { tambons.append(t) }
        }
        if tambons.isEmpty, coverage == .whole || coverage == .part {
            throw LAOImportError.emptyField(at: field("tambons"))
        }
        var whole = Set(codes("whole_tambons"))
        if let stray = whole.first(where: { !tambons.contains($0) }) {
            throw LAOImportError.wholeNotListed(at: field("whole_tambons"), tambon: stray)
        }
        if columns.index["whole_tambons"] == nil || cell("whole_tambons") == nil, coverage != .part { whole = Set(tambons) }
        return (tambons, whole)
    }

    /// The facts the status report reads: vision, strategies and the development plan.
    func facts(code: String) throws -> (vision: Bool?, visionOn: String?, strategies: Int?, plan: DevPlanRecord?) {
        var vision = try yesNo("vision")
        let visionOn = try date("vision_recorded_on")
        if visionOn != nil, vision == nil { vision = true }
        var strategies: Int? = nil
        if let s = cell("strategies") {
            guard let n = Int(ThaiText.asciiDigits(s)), n >= 0 else {
                throw LAOImportError.badValue(at: field("strategies"), value: s, expected: Message(th: "จำนวนเต็มตั้งแต่ 0", en: "a whole number ≥ 0"))
            }
            strategies = n
        }
        return (vision, visionOn, strategies, try plan(code: code))
    }

    func plan(code: String) throws -> DevPlanRecord? {
        guard let s = cell("plan_years") else { return nil }
        // One year names a 3-year plan starting then.
        let years = try? PlanYear.beRange(s, field: "plan_years")
        let (first, last) = years.map { $0.count == 1 ? ($0.lowerBound, $0.lowerBound + 2) : ($0.lowerBound, $0.upperBound) } ?? (0, 0)
        guard years != nil, last - first < 10 else {
            throw LAOImportError.badValue(at: field("plan_years"), value: s, expected: Message(th: "ปี พ.ศ. เช่น 2560-2562", en: "Buddhist-era years such as 2560-2562"))
        }
        return DevPlanRecord(laoCode: code, firstYear: first, lastYear: last, approved: try yesNo("plan_approved") ?? false,
                             approvedOn: try date("plan_approved_on"))
    }
}

public enum LAOImportError: UserFacingError {
    case emptyFile(path: String)
    case missingColumn(path: String, name: String, aliases: [String])
    case repeatedColumn(path: String, column: Int, name: String)
    case emptyField(at: Message)
    case badValue(at: Message, value: String, expected: Message)
    case unknownCode(at: Message, code: String, level: BoundaryLevel)
    case tambonElsewhere(at: Message, tambon: String, province: String, expected: String)
    case wholeNotListed(at: Message, tambon: String)
    case duplicateInFile(at: Message, code: String, firstAt: String)
    case alreadyInStore(at: Message, code: String)
    case noArea(at: Message, code: String, areasPath: String?)
    case emptyJurisdiction(at: Message, code: String)
    case overlap(at: Message, code: String, other: String, otherAt: Message?, squareMetres: Double)
    case noGeometry(at: Message, code: String)
    case badGeometry(at: Message, code: String, detail: String)
    case outOfRange(at: Message, code: String, coordinate: Coordinate)
    case notAreal(at: Message, code: String, type: String)
    case internalMissing(String)

    public var message: Message {
        switch self {
        case .emptyFile(let path):
            return Message(th: "\(path): ไฟล์ว่าง ไม่มีแถวหัวตาราง", en: "\(path): empty file, no header row")
        case .missingColumn(let path, let name, let aliases):
            return Message(th: "\(path) บรรทัด 1: ไม่มีคอลัมน์ '\(name)' (ชื่อที่รับ: \(aliases.joined(separator: ", ")))",
                           en: "\(path) line 1: no column '\(name)' (accepted headers: \(aliases.joined(separator: ", ")))")
        case .repeatedColumn(let path, let column, let name):
            return Message(th: "\(path) บรรทัด 1 คอลัมน์ \(column): คอลัมน์ '\(name)' ซ้ำ", en: "\(path) line 1 column \(column): column '\(name)' repeats")
        case .emptyField(let at):
            return Message(th: "\(at.th): ไม่มีค่า", en: "\(at.en): empty")
        case .badValue(let at, let value, let expected):
            return Message(th: "\(at.th): ค่า '\(value)' ใช้ไม่ได้ ต้องเป็น \(expected.th)",
                           en: "\(at.en): '\(value)' is not valid; expected \(expected.en)")
        case .unknownCode(let at, let code, let level):
            return Message(th: "\(at.th): ไม่พบรหัส\(level.nameTH) \(code) ในฐานข้อมูล (นำเข้าขอบเขตก่อน)",
                           en: "\(at.en): no \(level.rawValue) with code \(code) in the store (import boundaries first)")
        case .tambonElsewhere(let at, let t, let p, let expected):
            return Message(th: "\(at.th): ตำบล \(t) อยู่ในจังหวัด \(p) ไม่ใช่ \(expected)",
                           en: "\(at.en): tambon \(t) lies in province \(p), not \(expected)")
        case .wholeNotListed(let at, let t):
            return Message(th: "\(at.th): ตำบล \(t) ไม่อยู่ในคอลัมน์ tambons", en: "\(at.en): tambon \(t) is not in the tambons column")
        case .duplicateInFile(let at, let code, let first):
            return Message(th: "\(at.th): รหัส อปท. \(code) ซ้ำ (มีแล้วที่ \(first))",
                           en: "\(at.en): LAO code \(code) repeats (first at \(first))")
        case .alreadyInStore(let at, let code):
            return Message(th: "\(at.th): มี อปท. รหัส \(code) ในฐานข้อมูลอยู่แล้ว (ใช้ --replace เพื่อปรับปรุง)",
                           en: "\(at.en): LAO \(code) is already in the store (use --replace to update it)")
        case .noArea(let at, let code, let areas):
            let file = areas ?? "--areas"
            return Message(th: "\(at.th): อปท. \(code) ครอบคลุมบางส่วนของตำบล (part) แต่ไม่มีพื้นที่ lao_code \(code) ใน \(file)",
                           en: "\(at.en): LAO \(code) covers part of its tambons (part) but \(file) has no area with lao_code \(code)")
        case .emptyJurisdiction(let at, let code):
            return Message(th: "\(at.th): เขตของ อปท. \(code) ว่างเปล่า (เทศบาลในตำบลกินพื้นที่ทั้งหมด?)",
                           en: "\(at.en): the jurisdiction of LAO \(code) is empty (municipalities take all of its tambons?)")
        case .overlap(let at, let code, let other, let otherAt, let m2):
            let a = String(format: "%.0f", m2)
            let o = otherAt.map { " (\($0.th))" } ?? ""
            let oe = otherAt.map { " (\($0.en))" } ?? ""
            return Message(th: "\(at.th): เขตของ อปท. \(code) ซ้อนกับ \(other)\(o) \(a) ตร.ม. (อปท. ระดับเดียวกันซ้อนกันไม่ได้)",
                           en: "\(at.en): the jurisdiction of LAO \(code) overlaps \(other)\(oe) by \(a) m² (LAOs of one tier must not overlap)")
        case .noGeometry(let at, let code):
            return Message(th: "\(at.th) (รหัส \(code)): ไม่มีรูปเรขาคณิต", en: "\(at.en) (code \(code)): no geometry")
        case .badGeometry(let at, let code, let detail):
            return Message(th: "\(at.th) (รหัส \(code)): รูปเรขาคณิตผิด: \(detail)", en: "\(at.en) (code \(code)): bad geometry: \(detail)")
        case .outOfRange(let at, let code, let c):
            return Message(th: "\(at.th) (รหัส \(code)): พิกัด [\(c.x), \(c.y)] ไม่ใช่ลองจิจูด/ละติจูด",
                           en: "\(at.en) (code \(code)): position [\(c.x), \(c.y)] is not longitude/latitude")
        case .notAreal(let at, let code, let type):
            return Message(th: "\(at.th) (รหัส \(code)): เขต อปท. ต้องเป็น Polygon หรือ MultiPolygon ไม่ใช่ \(type)",
                           en: "\(at.en) (code \(code)): a jurisdiction must be a Polygon or MultiPolygon, not \(type)")
        case .internalMissing(let code):
            return Message(th: "ไม่พบตำบล \(code) ในฐานข้อมูล", en: "tambon \(code) not found in the store")
        }
    }
}
