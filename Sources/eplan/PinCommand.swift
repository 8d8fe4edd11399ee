import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `eplan pin PROJECT COORDINATE…`: check a project's location and store it as a new version.
///
/// Exit: 0 stored (or, with --dry-run, would be accepted); 1 bad input (the message names the
/// coordinate, option or file; an invalid geometry gives GEOS's reason and where); 4 refused:
/// outside the LAO's jurisdiction beyond the tolerance, nothing stored. `--force` stores a
/// refused pin with status `outside` for an analyst to review, still prints the refusal, and
/// exits 0 (the pin was stored). `--force` never stores an invalid geometry.
struct PinCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "pin",
            abstract: t("ปักหมุดตำแหน่งโครงการ (จุด เส้น หรือรูปหลายเหลี่ยม) ตรวจกับเขต อปท. แล้วบันทึกเป็นรุ่นใหม่",
                        "pin a project's location (point, line or polygon), check it against the LAO's area and store it as a new version"),
            discussion: t("""
                พิกัดหนึ่งค่า = จุด; หลายค่า = เส้น (ถนน) หรือรูปหลายเหลี่ยมเมื่อใส่ --polygon
                หรือใส่ WKT/GeoJSON เป็นข้อความเดียว, --wkt, --geojson, --file
                ออกด้วยรหัส 4 เมื่ออยู่นอกเขตเกินระยะคลาดเคลื่อน (ไม่บันทึก); --force บันทึกไว้ให้ตรวจสอบ (สถานะ outside, ออกด้วย 0)
                """, """
                One coordinate = a point; several = a line (a road), or a polygon with --polygon;
                or WKT/GeoJSON as one argument, --wkt, --geojson or --file.
                Exits 4 when outside beyond the tolerance (nothing stored); --force stores it for review (status outside, exit 0)
                """))
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var coordinateOptions: CoordinateOptions

    @Argument(help: ArgumentHelp(t("รหัสโครงการ", "project code")))
    var project: String

    @Argument(help: ArgumentHelp(t("พิกัด (หนึ่งจุดต่อหนึ่งค่า) หรือ WKT/GeoJSON", "coordinates (one point each) or WKT/GeoJSON")))
    var coordinate: [String] = []

    @Flag(name: .long, help: ArgumentHelp(t("พิกัดหลายค่าเป็นรูปหลายเหลี่ยม (ปิดวงให้เอง)", "several coordinates make a polygon (the ring is closed for you)")))
    var polygon = false

    @Option(name: .long, help: ArgumentHelp(t("รูปเรขาคณิตแบบ WKT", "the geometry as WKT")))
    var wkt: String?

    @Option(name: .long, help: ArgumentHelp(t("รูปเรขาคณิตแบบ GeoJSON", "the geometry as GeoJSON")))
    var geojson: String?

    @Option(name: .long, help: ArgumentHelp(t("ไฟล์ GeoJSON หรือ WKT", "a GeoJSON or WKT file")))
    var file: String?

    @Option(name: .long, help: ArgumentHelp(t("ระยะคลาดเคลื่อนที่ยอมให้ (เมตร) ค่าเริ่มต้นจาก settings หรือ 30",
                                               "tolerance in metres (default: the store's pin.tolerance_m, else 30)")))
    var tolerance: String?

    @Flag(name: .long, help: ArgumentHelp(t("ตรวจอย่างเดียว ไม่บันทึก", "check only, store nothing")))
    var dryRun = false

    @Flag(name: .long, help: ArgumentHelp(t("บันทึกแม้อยู่นอกเขต (สถานะ outside ให้ผู้ตรวจสอบ)", "store even when outside (status outside, for review)")))
    var force = false

    @Option(name: .long, help: ArgumentHelp(t("ผู้ปักหมุด (ค่าเริ่มต้น ผู้ใช้ของระบบ)", "who pins (default: the OS user)")))
    var by: String?

    @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text หรือ json", "output format: text or json")))
    var format: OutputFormat = .text

    func validate() throws {
        let sources = [!coordinate.isEmpty, wkt != nil, geojson != nil, file != nil].filter { $0 }.count
        if sources == 0 {
            throw ValidationError(t("ต้องระบุตำแหน่ง: พิกัด, --wkt, --geojson หรือ --file", "give a location: coordinates, --wkt, --geojson or --file"))
        }
        if sources > 1 {
            throw ValidationError(t("ระบุตำแหน่งได้ทางเดียว: พิกัด, --wkt, --geojson หรือ --file", "give the location one way only: coordinates, --wkt, --geojson or --file"))
        }
    }

    func run() throws {
        let store = try global.openStore(readOnly: dryRun)
        let result = try PinProject(store: store, context: try global.context(by: by)).run(request())
        switch format {
        case .text: print(PinOutput.text(result))
        case .json: print(result.json(Language.current))
        }
        if result.isRefusal { throw EPlanExit(status: .outside) }
    }

    /// The arguments as the use case's request; `validate()` has made sure one form is given.
    func request() throws -> PinRequest {
        let location: PinRequest.Location
        if let wkt { location = .wkt(wkt) } else if let geojson { location = .geoJSON(geojson) }
        else if let file { location = .file(file) } else { location = .typed(coordinate) }
        return PinRequest(projectCode: project, location: location, polygon: polygon, crs: coordinateOptions.crs,
                          longitudeFirst: coordinateOptions.lonFirst,
                          toleranceM: try tolerance.map { try ToleranceMetres.parse($0, field: "--tolerance") },
                          dryRun: dryRun, force: force)
    }

}

enum PinOutput {
    static func text(_ r: PinResult) -> String {
        let v = r.verdict, project = r.project, candidate = r.candidate, stored = r.stored, dryRun = r.dryRun
        var lines = [v.summary.text()]
        lines.append(t("  โครงการ \(project.code) \(project.nameTH) (ปี \(project.planYear))",
                       "  project \(project.code) \(project.nameTH) (plan year \(project.planYear) BE)"))
        lines.append(t("  ข้อมูลที่ป้อน: \(candidate.rawInput) (\(candidate.inputCRS.name.th))",
                       "  input: \(candidate.rawInput) (\(candidate.inputCRS.name.en))"))
        if !v.isRefused, let f = v.found {
            lines.append(t("  ตำแหน่ง: \(f.text.th)", "  location: \(f.text.en)"))
        }
        for m in v.warnings + v.notes + v.suggestions { lines.append("  " + m.text()) }
        if let s = stored {
            if v.isRefused {
                lines.append(t("บันทึกไว้ให้ตรวจสอบ (--force) เป็นรุ่นที่ \(s.version) สถานะ outside",
                               "stored for review (--force) as version \(s.version), status outside"))
            } else {
                lines.append(t("บันทึกหมุดรุ่นที่ \(s.version)" + (s.version > 1 ? " (รุ่นก่อนหน้ายังเก็บไว้ในประวัติ)" : ""),
                               "stored as version \(s.version)" + (s.version > 1 ? " (earlier versions kept in the history)" : "")))
            }
        } else if dryRun {
            lines.append(t("ตรวจอย่างเดียว (--dry-run): ไม่ได้บันทึก", "checked only (--dry-run): nothing stored"))
        } else {
            lines.append(t("ไม่ได้บันทึก", "nothing stored"))
        }
        return lines.joined(separator: "\n")
    }
}

/// `eplan pins history|list`.
struct Pins: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "pins", abstract: t("หมุดของโครงการ: ประวัติทุกรุ่น และรายการหมุดปัจจุบัน", "project pins: every version, and lists of current pins"),
                             subcommands: [History.self, List.self, Import.self])
    }

    struct History: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "history", abstract: t("ทุกรุ่นของหมุดโครงการ (ใคร เมื่อไร ป้อนอะไร ผลตรวจ)", "every version of a project's pin (who, when, what was typed, the check's result)"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("รหัสโครงการ", "project code"))) var project: String
        @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text หรือ json", "output format: text or json")))
        var format: OutputFormat = .text

        func run() throws {
            let result = try ShowPinHistory(store: try global.openStore(readOnly: true), context: try global.context(by: nil))
                .run(PinHistoryRequest(projectCode: project))
            let ref = result.project, history = result.versions
            switch format {
            case .json:
                print("[" + history.map(PinsOutput.json).joined(separator: ",") + "]")
            case .text:
                if history.isEmpty {
                    print(t("โครงการ \(ref.code) ยังไม่มีหมุด", "project \(ref.code) has no pin yet"))
                    return
                }
                print(t("ประวัติหมุดโครงการ \(ref.code) \(ref.nameTH): \(history.count) รุ่น",
                        "pin history of project \(ref.code) \(ref.nameTH): \(history.count) version(s)"))
                for p in history {
                    let mark = p.isCurrent ? t(" (ปัจจุบัน)", " (current)") : ""
                    print(t("รุ่น \(p.version)\(mark) \(LocalTime.display(iso: p.pinnedAt)) โดย \(p.pinnedBy) สถานะ \(p.status.label.th) \(p.geometry.type.rawValue)",
                            "version \(p.version)\(mark) \(LocalTime.display(iso: p.pinnedAt)) by \(p.pinnedBy) status \(p.status.label.en) \(p.geometry.type.rawValue)"))
                    print(t("  ป้อน: \(p.rawInput) (EPSG:\(p.inputCRS))", "  input: \(p.rawInput) (EPSG:\(p.inputCRS))"))
                    if let d = p.distanceOutsideM, d > 0 {
                        print(t("  นอกเส้นเขต \(PinText.metres(d, .th)) (ยอมให้ \(PinText.metres(p.toleranceM, .th)))",
                                "  \(PinText.metres(d, .en)) past the boundary (tolerance \(PinText.metres(p.toleranceM, .en)))"))
                    }
                    for m in p.messages { print("  " + m.text()) }
                }
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "list", abstract: t("รายการหมุดปัจจุบัน หรือโครงการที่ยังไม่ปักหมุด (--unpinned)", "current pins, or projects not pinned yet (--unpinned)"))
        }
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: ProjectFilterOptions
        @Option(name: .long, help: ArgumentHelp(t("สถานะ: valid, warning หรือ outside", "status: valid, warning or outside"))) var status: String?
        @Flag(name: .long, help: ArgumentHelp(t("โครงการที่ยังไม่มีหมุด", "projects with no pin"))) var unpinned = false
        @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text, json หรือ csv", "output format: text, json or csv")))
        var format: ListFormat = .text

        func run() throws {
            let query = try filter.query()
            let status = try self.status.map { try ListPins.status($0, field: "--status") }
            let listing = ListPins(store: try global.openStore(readOnly: true))
            if unpinned {
                let projects = try listing.unpinned(query)
                switch format {
                case .json:
                    print("[" + projects.map { PinsOutput.projectJSON($0) }.joined(separator: ",") + "]")
                case .csv:
                    print("project,lao_code,plan_year,kind,name_th")
                    for p in projects { print([p.code, p.laoCode, String(p.planYear), p.kind, p.nameTH].map(CSVTable.quote).joined(separator: ",")) }
                case .text:
                    print(t("โครงการที่ยังไม่ปักหมุด: \(projects.count)", "projects not pinned: \(projects.count)"))
                    for p in projects { print("  \(p.code)  \(p.laoCode)  \(p.planYear)  \(p.kind)  \(p.nameTH)") }
                }
                return
            }
            let pins = try listing.current(query, status: status)
            switch format {
            case .json:
                print("[" + pins.map { $0.json() }.joined(separator: ",") + "]")
            case .csv:
                print("project,lao_code,plan_year,kind,version,status,pinned_at,pinned_by,input_crs,distance_outside_m,outside_fraction,found_lao,found_tambon,found_amphoe,geometry")
                for l in pins {
                    let p = l.pin
                    print([l.project.code, l.project.laoCode, String(l.project.planYear), l.project.kind, String(p.version),
                           p.status.rawValue, p.pinnedAt, p.pinnedBy, String(p.inputCRS),
                           p.distanceOutsideM.map { JSONText.number($0, decimals: 2) } ?? "",
                           p.outsideFraction.map { JSONText.number($0, decimals: 6) } ?? "",
                           p.foundLAOCode ?? "", p.foundTambonCode ?? "", p.foundAmphoeCode ?? "",
                           GeoJSONGeometry.encode(p.geometry)].map(CSVTable.quote).joined(separator: ","))
                }
            case .text:
                print(t("หมุดปัจจุบัน: \(pins.count)", "current pins: \(pins.count)"))
                let header = [t("โครงการ", "project"), t("อปท.", "LAO"), t("ปี", "year"), t("รุ่น", "ver."), t("สถานะ", "status"),
                              t("รูปร่าง", "shape"), t("ตำบลที่พบ", "tambon"), t("เวลา", "time"), t("โดย", "by")]
                let rows = pins.map { l -> [String] in
                    let p = l.pin
                    return [l.project.code, l.project.laoCode, String(l.project.planYear), String(p.version), p.status.label.text(),
                            p.geometry.type.rawValue, p.foundTambonCode ?? "-", LocalTime.display(iso: p.pinnedAt), p.pinnedBy]
                }
                let widths = header.indices.map { c in ([header] + rows).map { TextWidth.of($0[c]) }.max() ?? 0 }
                for row in rows.isEmpty ? [] : [header] + rows {
                    print("  " + row.indices.map { TextWidth.pad(row[$0], to: widths[$0]) }.joined(separator: "  "))
                }
            }
        }
    }
}

enum PinsOutput {
    static func json(_ p: PinRecord) -> String { p.json() }

    static func projectJSON(_ p: ProjectRef) -> String { p.json }

}

/// `eplan settings get|set`: the store's settings (`pin.tolerance_m`).
struct Settings: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "settings", abstract: t("ค่าตั้งของฐานข้อมูล (pin.tolerance_m)", "the store's settings (pin.tolerance_m)"),
                             subcommands: [Get.self, Set.self])
    }

    struct Get: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "get", abstract: t("แสดงค่าตั้ง (ทั้งหมด หรือค่าที่ระบุ)", "show the settings (all, or the one named)"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ชื่อค่าตั้ง", "setting name"))) var key: String?
        func run() throws {
            let settings = StoreSettings(store: try global.openStore(readOnly: true))
            if let key { print(try settings.get(key)); return }
            for s in try settings.all() { print("\(s.key)=\(s.value)" + (s.isDefault ? t(" (ค่าเริ่มต้น)", " (default)") : "")) }
        }
    }

    struct Set: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "set", abstract: t("ตั้งค่า เช่น pin.tolerance_m 50", "set a value, e.g. pin.tolerance_m 50"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(t("ชื่อค่าตั้ง", "setting name"))) var key: String
        @Argument(help: ArgumentHelp(t("ค่า", "value"))) var value: String
        func run() throws {
            let v = try StoreSettings(store: try global.openStore()).set(key, value)
            print("\(key)=\(v)")
        }
    }
}
