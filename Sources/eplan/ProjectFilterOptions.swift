import ArgumentParser
import EPlanApp
import EPlanDomain

/// The project filter every listing takes (`projects list`, `pins list`, `export`): declared
/// once, read once by `ProjectQuery.parse` (the service reads its query parameters with it too).
struct ProjectFilterOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(t("จังหวัด: รหัสหรือชื่อ", "province: code or name")))
    var province: String?

    @Option(name: .long, help: ArgumentHelp(t("อำเภอ: รหัสหรือชื่อ (อำเภอของ อปท.)", "amphoe: code or name (the LAO's amphoe)")))
    var amphoe: String?

    @Option(name: .long, help: ArgumentHelp(t("รหัส อปท.", "LAO code")))
    var lao: String?

    @Option(name: .long, help: ArgumentHelp(t("ปีแผน พ.ศ. (เช่น 2568)", "plan year, Buddhist era (e.g. 2568)")))
    var year: String?

    @Option(name: .long, help: ArgumentHelp(t("ขั้น: planned, plan-approved, budget-approved, contracted, disbursed, completed",
                                               "stage: planned, plan-approved, budget-approved, contracted, disbursed, completed")))
    var stage: String?

    @Option(name: .long, help: ArgumentHelp(t("แหล่งเงิน: own (เงินรายได้), general (เงินอุดหนุนทั่วไป), specific (เงินอุดหนุนเฉพาะกิจ)",
                                               "funding: own, general or specific (Thai labels accepted)")))
    var funding: String?

    @Option(name: .long, help: ArgumentHelp(t("ประเภทงาน: road, building, water, other", "kind of work: road, building, water, other")))
    var kind: String?

    @Option(name: .long, help: ArgumentHelp(t("กรอบ ลองจิจูดต่ำสุด,ละติจูดต่ำสุด,ลองจิจูดสูงสุด,ละติจูดสูงสุด (หมุดปัจจุบัน)",
                                               "box minLon,minLat,maxLon,maxLat (of the current pin)")))
    var bbox: String?

    func query(includeUnpinned: Bool = false) throws -> ProjectQuery {
        let pairs: [(ProjectQuery.Key, String?)] = [(.province, province), (.amphoe, amphoe), (.lao, lao), (.year, year),
                                                    (.stage, stage), (.funding, funding), (.kind, kind), (.bbox, bbox)]
        var values: [ProjectQuery.Key: String] = [:]
        for (key, value) in pairs { if let value { values[key] = value } }
        var q = try ProjectQuery.parse(values)
        q.includeUnpinned = includeUnpinned
        return q
    }
}

/// How a listing is printed: one definition for every list command.
enum ListFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv }
