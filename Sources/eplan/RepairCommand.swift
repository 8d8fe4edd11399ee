import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

/// `eplan boundaries repair --make-valid`: replaces invalid geometries with GEOS's
/// make-valid result (as a multipolygon), keeping each original in boundary_original.
struct Repair: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "repair", abstract: t("ซ่อมรูปเรขาคณิตขอบเขตที่ไม่ถูกต้อง (เก็บต้นฉบับไว้)",
                                         "repair invalid boundary geometries (keeps the originals)"))
    }

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: ArgumentHelp(t("แทนที่รูปเรขาคณิตที่ไม่ถูกต้องด้วยผลของ GEOS make-valid",
                                             "replace invalid geometries with GEOS's make-valid result")))
    var makeValid = false

    @Option(name: .long, help: ArgumentHelp(t("ระดับ: province, amphoe, tambon หรือ all (ค่าเริ่มต้น all)",
                                               "level: province, amphoe, tambon or all (default all)")))
    var level: String = "all"

    func run() throws {
        guard makeValid else {
            throw CLIError(Message(th: "ระบุวิธีซ่อม: --make-valid", en: "name a repair: --make-valid"))
        }
        let levels = try BoundaryMaintenance.levels(level, field: "--level", allowAll: true)
        let repairs = try BoundaryMaintenance(store: try global.openStore(), context: try global.context(by: nil))
            .repairMakeValid(levels: levels)
        if repairs.isEmpty {
            print(t("ไม่มีรูปเรขาคณิตที่ต้องซ่อม", "no invalid geometries to repair"))
            return
        }
        for r in repairs {
            print(t("ซ่อม\(r.level.nameTH) \(r.code) (\(ValidityReason.message(r.reason).th)): พื้นที่ \(String(format: "%.1f", r.areaBefore)) → \(String(format: "%.1f", r.areaAfter)) ตร.ม. (เก็บต้นฉบับไว้ใน boundary_original)",
                    "repaired \(r.level.rawValue) \(r.code) (\(r.reason)): area \(String(format: "%.1f", r.areaBefore)) → \(String(format: "%.1f", r.areaAfter)) m² (original kept in boundary_original)"))
        }
    }
}
