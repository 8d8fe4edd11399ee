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
    public static func make(store: any EPlanStoring, provinceCode: String, year: Int, asOf: CalendarDate? = nil) throws -> StatusReport {
        guard let province = try store.provinceNames(code: provinceCode) else { throw StatusReportError.unknownProvince(provinceCode) }
        guard try store.provinceHasPlan(provinceCode, covering: year) else {
            throw StatusReportError.noPlan(province: provinceCode, year: year)
        }
        let d = asOf?.iso ?? "9999-12-31"
        let facts = try store.statusReportFacts(provinceCode: provinceCode, year: year, asOf: d)
        let amphoes = try store.boundaryNames(level: .amphoe)
        var vision: [String: Bool] = [:]
        var updatedAt: [String: String] = [:]
        for r in facts.visions {
            vision[r.laoCode] = r.vision && (r.visionRecordedOn.map { $0 <= d } ?? true)
            updatedAt[r.laoCode] = r.updatedAt
        }
        var approval: [String: (approved: Bool, on: String?)] = [:]
        for r in facts.approvals {
            let approved = r.approved && (r.approvedOn.map { $0 <= d } ?? true)
            approval[r.laoCode] = (approved, approved ? r.approvedOn : nil)
        }
        var plans: [String: [Int]] = [:]
        for r in facts.projectCounts { plans[r.laoCode, default: [0, 0, 0]][r.planYear - year] = r.count }
        var stages: [String: [Int]] = [:]
        for r in facts.stages { stages[r.laoCode] = [r.budgetApproved, r.contractSigned, r.disbursed, r.completed] }
        // Pins: the newest version of each plan-year-Y project's pin pinned by the as-of
        // day (Thai time); stale when older than the LAO's jurisdiction or the latest
        // boundary import.
        let boundariesAt = facts.boundariesImportedAt
        var pins: [String: (pinned: Int, bad: Int)] = [:]
        for r in facts.pins {
            // To the second ("…T13:38:35Z" and "…T13:38:35.123Z" are the same second).
            let second = r.pinnedAt.prefix(19)
            let stale = second < (updatedAt[r.laoCode] ?? "").prefix(19) || second < boundariesAt.prefix(19)
            let bad = r.status == PinStatus.outside.rawValue || stale
            var c = pins[r.laoCode] ?? (0, 0)
            c.pinned += 1
            if bad { c.bad += 1 }
            pins[r.laoCode] = c
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
