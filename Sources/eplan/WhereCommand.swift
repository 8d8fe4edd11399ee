import ArgumentParser
import EPlanApp
import EPlanDomain
import Foundation

struct Where: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "where", 
            abstract: t("บอกว่าพิกัดอยู่ในจังหวัด อำเภอ ตำบลใด (หรือใกล้เขตใดที่สุด)",
                        "tell which province, amphoe and tambon a coordinate lies in (or the nearest one)"),
            discussion: t("""
                รูปแบบพิกัด: "16.7167, 98.5667" (ละติจูด, ลองจิจูด), 16°43'00"N 98°34'00"E,
                "47N 512345 1848000" (UTM), ตัวเลขไทย ๑๖.๗๑๖๗ ก็ได้
                """, """
                Coordinate forms: "16.7167, 98.5667" (lat, lon), 16°43'00"N 98°34'00"E,
                "47N 512345 1848000" (UTM); Thai digits such as ๑๖.๗๑๖๗ are accepted
                """))
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var coordinateOptions: CoordinateOptions

    @Argument(help: ArgumentHelp(t("พิกัด", "the coordinate")))
    var coordinate: [String]

    @Option(name: .long, help: ArgumentHelp(t("รูปแบบผลลัพธ์: text หรือ json", "output format: text or json")))
    var format: OutputFormat = .text

    func run() throws {
        let store = try global.openStore(readOnly: true)
        let request = WhereRequest(coordinate: coordinate.joined(separator: " "), crs: coordinateOptions.crs,
                                   longitudeFirst: coordinateOptions.lonFirst)
        let result = try LocatePlace(store: store).run(request)
        switch format {
        case .json: print(result.json())
        case .text: print(WhereOutput.text(result.answer))
        }
        if !result.answer.isInside { throw EPlanExit(status: .outside) }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// How a coordinate typed on the command line is to be read.
struct CoordinateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(t("ระบบพิกัดของค่าที่ป้อน เช่น EPSG:24047 (Indian 1975 / UTM 47N)",
                                               "coordinate system of the input, e.g. EPSG:24047 (Indian 1975 / UTM 47N)")))
    var crs: String?

    @Flag(name: .long, help: ArgumentHelp(t("ป้อนลองจิจูดก่อนละติจูด", "the input gives longitude before latitude")))
    var lonFirst = false
}

enum WhereOutput {
    static func text(_ a: PlaceAnswer) -> String {
        var lines: [String] = []
        let at = String(format: "%.6f, %.6f", a.point.y, a.point.x)
        lines.append(t("พิกัด \(at) (ละติจูด, ลองจิจูด WGS 84)", "point \(at) (lat, lon WGS 84)"))
        let rows: [(BoundaryLevel, AdminUnit?)] = [(.province, a.province), (.amphoe, a.amphoe), (.tambon, a.tambon)]
        if a.isInside {
            let labels = rows.map { $0.0.label.text() }
            let width = labels.map(TextWidth.of).max() ?? 0
            for ((_, unit), label) in zip(rows, labels) {
                let value = unit.map { "\($0.name()) (\($0.code))" } ?? t("— ไม่มีข้อมูล", "— no data")
                lines.append("  " + TextWidth.pad(label, to: width) + "  " + value)
            }
        } else if let n = a.nearest {
            lines.append(t("  ไม่อยู่ในเขตใดในฐานข้อมูล", "  lies in no unit of the store"))
            lines.append(t("  ใกล้ที่สุด: \(n.unit.level.label.th)\(n.unit.nameTH) (\(n.unit.code)) ห่าง \(Distance.format(n.distanceMetres))",
                           "  nearest: \(n.unit.level.label.en) \(n.unit.name(.en)) (\(n.unit.code)), \(Distance.format(n.distanceMetres)) away"))
        } else {
            lines.append(t("  ไม่อยู่ในเขตใด และฐานข้อมูลยังไม่มีขอบเขต (ใช้ eplan init หรือ eplan boundaries import)",
                           "  lies in no unit: the store has no boundaries yet (use eplan init or eplan boundaries import)"))
        }
        return lines.joined(separator: "\n")
    }
}
