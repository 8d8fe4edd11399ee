import Foundation

/// One LAO's line of the status report ("รายงานสถานะการทำงานของแต่ละอปท."), the columns
/// of the provincial office's table plus the GIS columns it lacks.
public struct StatusReportRow: Equatable, Sendable {
    public var laoCode: String
    public var type: LAOType
    /// Official full Thai name ("องค์การบริหารส่วนตำบลน้ำรึม").
    public var nameTH: String
    /// The short form the table prints ("อบต.น้ำรึม").
    public var shortTH: String
    public var nameEN: String?
    public var amphoeCode: String?
    public var amphoeTH: String
    public var amphoeEN: String
    /// Vision recorded (ทำแล้ว).
    public var vision: Bool
    /// Number of development strategies; nil when none entered (a blank cell).
    public var strategies: Int?
    /// Projects of plan years Y, Y+1, Y+2 (0 prints blank, as the seed does).
    public var planProjects: [Int]
    /// The development plan covering Y is approved (by the as-of date).
    public var planApproved: Bool
    /// ISO date of the approval; nil when not approved or the date is unknown.
    public var planApprovedOn: String?
    /// Plan-year-Y projects with their budget approved, contract signed, money disbursed,
    /// work completed (100 %).
    public var budgetApproved: Int
    public var contractSigned: Int
    public var disbursed: Int
    public var completed: Int
    /// Plan-year-Y projects with a pin; of those, pins inside (valid or warning, and newer
    /// than the LAO's jurisdiction); pins outside (forced) or stale (older than the
    /// jurisdiction or the boundaries).
    public var pinned: Int
    public var pinsValid: Int
    public var pinsOutsideOrStale: Int
}

/// The total row ("รวม 69 อปท."), counted as the seed counts: done columns are numbers
/// of LAOs, the rest sums.
public struct StatusReportTotal: Equatable, Sendable {
    public var laos: Int
    public var vision: Int
    public var strategies: Int
    public var planProjects: [Int]
    public var planApproved: Int
    public var budgetApproved: Int
    public var contractSigned: Int
    public var disbursed: Int
    public var completed: Int
    public var pinned: Int
    public var pinsValid: Int
    public var pinsOutsideOrStale: Int
}

public struct StatusReport: Sendable {
    public var provinceCode: String
    public var provinceTH: String
    public var provinceEN: String
    /// The first plan year (BE); the plan columns are year, year + 1, year + 2.
    public var year: Int
    /// Only what was recorded by this date counts; nil = everything stored.
    public var asOf: CalendarDate?
    public var rows: [StatusReportRow]

    public var years: [Int] { [year, year + 1, year + 2] }

    public var total: StatusReportTotal {
        StatusReportTotal(
            laos: rows.count, vision: rows.filter(\.vision).count,
            strategies: rows.compactMap(\.strategies).reduce(0, +),
            planProjects: (0..<3).map { i in rows.map { $0.planProjects[i] }.reduce(0, +) },
            planApproved: rows.filter(\.planApproved).count,
            budgetApproved: rows.map(\.budgetApproved).reduce(0, +), contractSigned: rows.map(\.contractSigned).reduce(0, +),
            disbursed: rows.map(\.disbursed).reduce(0, +), completed: rows.map(\.completed).reduce(0, +),
            pinned: rows.map(\.pinned).reduce(0, +), pinsValid: rows.map(\.pinsValid).reduce(0, +),
            pinsOutsideOrStale: rows.map(\.pinsOutsideOrStale).reduce(0, +))
    }
}

public enum StatusReportError: UserFacingError, Equatable {
    case unknownProvince(String)
    case noPlan(province: String, year: Int)

    public var message: Message {
        switch self {
        case .unknownProvince(let c):
            return Message(th: "ไม่พบจังหวัดรหัส \(c) ในฐานข้อมูล (เช่น 63 = ตาก)",
                           en: "no province with code \(c) in the store (e.g. 63 = Tak)")
        case let .noPlan(p, y):
            return Message(th: "จังหวัด \(p) ไม่มี อปท. ที่มีแผนพัฒนาครอบคลุมปี \(y) (ปีงบประมาณเป็น พ.ศ. เช่น 2560)",
                           en: "no LAO of province \(p) has a development plan covering \(y) (plan years are Buddhist era, e.g. 2560)")
        }
    }
}

extension StatusReport {
    /// The report of every LAO of `provinceCode` for plan years `year`…`year + 2` (BE).
    ///
    /// With `asOf`, only what was on record by that day counts: projects recorded on or
    /// before it; a plan approval, budget approval, contract, disbursement or completion
    /// dated on or before it; a vision recorded on or before it; for pins, the newest
    /// version pinned on or before it (Thai time). A fact stored WITHOUT a date (a vision
    /// "done" or a plan "approved" with no date, as the seed has them) counts at every
    /// as-of date: nothing says when it became true, and the seed reports it as known.
    /// Strategy counts carry no date and are always shown.
    public static func make(store: Store, provinceCode: String, year: Int, asOf: CalendarDate? = nil) throws -> StatusReport {
        let db = store.database
        var province: (th: String, en: String)?
        try db.query("SELECT name_th, name_en FROM province WHERE code = ?", [.text(provinceCode)]) { r in
            province = (r.string(0) ?? "", r.string(1) ?? "")
        }
        guard let province else { throw StatusReportError.unknownProvince(provinceCode) }
        let hasPlan = try db.scalar("""
            SELECT 1 FROM dev_plan d JOIN lao l ON l.code = d.lao_code
            WHERE l.province_code = ? AND d.first_year <= ? AND d.last_year >= ? LIMIT 1
            """, [.text(provinceCode), .integer(Int64(year)), .integer(Int64(year))])
        if hasPlan.isNull { throw StatusReportError.noPlan(province: provinceCode, year: year) }

        let d = asOf?.iso ?? "9999-12-31"
        let p = SQLValue.text(provinceCode), y = SQLValue.integer(Int64(year))
        let amphoes = try LAOListing.names(store, .amphoe)
        var vision: [String: Bool] = [:]
        var updatedAt: [String: String] = [:]
        try db.query("""
            SELECT code, vision, vision_recorded_on, updated_at FROM lao WHERE province_code = ?
            """, [p]) { r in
            let code = r.string(0) ?? ""
            vision[code] = r.int64(1) != 0 && (r.string(2).map { $0 <= d } ?? true)
            updatedAt[code] = r.string(3) ?? ""
        }
        var approval: [String: (approved: Bool, on: String?)] = [:]
        try db.query("""
            SELECT d.lao_code, d.approved, d.approved_on FROM dev_plan d JOIN lao l ON l.code = d.lao_code
            WHERE l.province_code = ? AND d.first_year <= ? AND d.last_year >= ?
            """, [p, y, y]) { r in
            let on = r.string(2)
            let approved = r.int64(1) != 0 && (on.map { $0 <= d } ?? true)
            approval[r.string(0) ?? ""] = (approved, approved ? on : nil)
        }
        var plans: [String: [Int]] = [:]
        try db.query("""
            SELECT p.lao_code, p.plan_year, count(*) FROM project p JOIN lao l ON l.code = p.lao_code
            WHERE l.province_code = ? AND p.plan_year BETWEEN ? AND ? AND p.recorded_on <= ?
            GROUP BY p.lao_code, p.plan_year
            """, [p, y, .integer(Int64(year + 2)), .text(d)]) { r in
            plans[r.string(0) ?? "", default: [0, 0, 0]][r.int(1) - year] = r.int(2)
        }
        var stages: [String: [Int]] = [:]
        try db.query("""
            SELECT p.lao_code,
                sum(p.budget_approved_on IS NOT NULL AND p.budget_approved_on <= ?1),
                sum(p.contract_signed_on IS NOT NULL AND p.contract_signed_on <= ?1),
                sum(coalesce(p.disbursed_amount, 0) > 0 AND coalesce(p.disbursed_on, '') <= ?1),
                sum(p.completed_on IS NOT NULL AND p.completed_on <= ?1)
            FROM project p JOIN lao l ON l.code = p.lao_code
            WHERE l.province_code = ?2 AND p.plan_year = ?3 AND p.recorded_on <= ?1
            GROUP BY p.lao_code
            """, [.text(d), p, y]) { r in
            stages[r.string(0) ?? ""] = (1...4).map { r.int(Int32($0)) }
        }
        // Pins: the newest version of each plan-year-Y project's pin pinned by the as-of
        // day (Thai time); stale when older than the LAO's jurisdiction or the latest
        // boundary import.
        let boundariesAt = try db.scalar("SELECT max(imported_at) FROM boundary_import").string ?? ""
        var pins: [String: (pinned: Int, bad: Int)] = [:]
        try db.query("""
            SELECT p.lao_code, pn.status, pn.pinned_at FROM project p JOIN lao l ON l.code = p.lao_code
            JOIN pin pn ON pn.project_code = p.code
            WHERE l.province_code = ?2 AND p.plan_year = ?3 AND p.recorded_on <= ?1
              AND pn.version = (SELECT max(q.version) FROM pin q WHERE q.project_code = p.code
                                AND substr(datetime(q.pinned_at, '+7 hours'), 1, 10) <= ?1)
            """, [.text(d), p, y]) { r in
            let code = r.string(0) ?? "", at = r.string(2) ?? ""
            // To the second ("…T13:38:35Z" and "…T13:38:35.123Z" are the same second).
            let second = at.prefix(19)
            let stale = second < (updatedAt[code] ?? "").prefix(19) || second < boundariesAt.prefix(19)
            let bad = r.string(1) == PinStatus.outside.rawValue || stale
            var c = pins[code] ?? (0, 0)
            c.pinned += 1
            if bad { c.bad += 1 }
            pins[code] = c
        }

        let rows = try store.laos(provinceCode: provinceCode).map { l -> StatusReportRow in
            let amphoe = l.amphoeCode ?? (provinceCode + "01")
            let s = stages[l.code] ?? [0, 0, 0, 0]
            let pin = pins[l.code] ?? (0, 0)
            let a = approval[l.code] ?? (false, nil)
            return StatusReportRow(
                laoCode: l.code, type: l.type, nameTH: l.nameTH, shortTH: l.displayTH, nameEN: l.nameEN,
                amphoeCode: l.amphoeCode, amphoeTH: amphoes[amphoe]?.th ?? "", amphoeEN: amphoes[amphoe]?.en ?? "",
                vision: vision[l.code] ?? false, strategies: l.strategies, planProjects: plans[l.code] ?? [0, 0, 0],
                planApproved: a.approved, planApprovedOn: a.on,
                budgetApproved: s[0], contractSigned: s[1], disbursed: s[2], completed: s[3],
                pinned: pin.pinned, pinsValid: pin.pinned - pin.bad, pinsOutsideOrStale: pin.bad)
        }
        return StatusReport(provinceCode: provinceCode, provinceTH: province.th, provinceEN: province.en, year: year,
                            asOf: asOf, rows: StatusReport.ordered(rows))
    }

    /// The seed's order: by type (อบจ., เทศบาลนคร, เทศบาลเมือง, เทศบาลตำบล, อบต.), then
    /// by the official Thai name compared code point by code point after NFC
    /// normalisation — Thai leading vowels (เ แ โ ใ ไ) are NOT moved behind their
    /// consonant, tone marks and vowels count as ordinary characters; so อบต.อุ้มผาง comes
    /// before อบต.เกาะตะเภา and ทต.ทุ่งหลวง before ทต.ท่าสายลวด, as printed. Equal
    /// names keep code order.
    public static func ordered(_ rows: [StatusReportRow]) -> [StatusReportRow] {
        let rank: [LAOType: Int] = [.pao: 0, .city: 1, .town: 2, .subdistrict: 3, .sao: 4]
        func key(_ r: StatusReportRow) -> [UInt32] { r.nameTH.precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value) }
        return rows.sorted { a, b in
            let ra = rank[a.type] ?? 9, rb = rank[b.type] ?? 9
            if ra != rb { return ra < rb }
            let ka = key(a), kb = key(b)
            if ka != kb { return ka.lexicographicallyPrecedes(kb) }
            return a.laoCode < b.laoCode
        }
    }
}

extension DefaultData {
    /// Tak's 2560–2562 development plan: synthetic projects with the seed's counts and
    /// dates (made by scripts/derive-tak-plan).
    public static func planFile(in dir: String) -> String { dir + "/tak/tak-plan-2560-2562.csv" }
}
