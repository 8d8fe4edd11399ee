import Foundation

/// Finds the embedded default data (`geodata/` of this repository): named by
/// `--geodata` or $EPLAN_GEODATA, else found by walking up from the executable (so a
/// binary built in `.build/…` finds the checkout's copy, and an installed
/// `PREFIX/bin/eplan` finds `PREFIX/share/eplan/geodata` wherever PREFIX was unpacked),
/// else an installed copy.
public enum DefaultData {
    public static let marker = "tak/tak-province.geojson"

    /// `executable` is the running program's path (a parameter so tests can place one).
    public static func locate(explicit: String? = nil, executable: String = CommandLine.arguments[0]) throws -> String {
        if let dir = explicit ?? ProcessInfo.processInfo.environment["EPLAN_GEODATA"] {
            guard FileManager.default.fileExists(atPath: dir + "/" + marker) else {
                throw DefaultDataError.notFound(tried: [dir])
            }
            return dir
        }
        var tried: [String] = []
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        // The packaged layout first: bin/eplan beside share/eplan/geodata.
        let installed = dir.deletingLastPathComponent().appendingPathComponent("share/eplan/geodata").standardizedFileURL.path
        tried.append(installed)
        if FileManager.default.fileExists(atPath: installed + "/" + marker) { return installed }
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("geodata").path
            tried.append(candidate)
            if FileManager.default.fileExists(atPath: candidate + "/" + marker) { return candidate }
            dir.deleteLastPathComponent()
        }
        for candidate in ["/usr/local/share/eplan/geodata", "/usr/share/eplan/geodata",
                          FileManager.default.currentDirectoryPath + "/geodata"] {
            tried.append(candidate)
            if FileManager.default.fileExists(atPath: candidate + "/" + marker) { return candidate }
        }
        throw DefaultDataError.notFound(tried: tried)
    }

    /// The boundary files of the default load, coarsest level first.
    public static func boundaryFiles(in dir: String, national: Bool) -> [(BoundaryLevel, String)] {
        national
            ? [(.province, dir + "/thailand/thailand-province.geojson"),
               (.amphoe, dir + "/thailand/thailand-amphoe.geojson"),
               (.tambon, dir + "/thailand/thailand-tambon.geojson")]
            : [(.province, dir + "/tak/tak-province.geojson"),
               (.amphoe, dir + "/tak/tak-amphoe.geojson"),
               (.tambon, dir + "/tak/tak-tambon.geojson")]
    }
}

public enum DefaultDataError: UserFacingError {
    case notFound(tried: [String])
    public var message: Message {
        switch self {
        case .notFound(let tried):
            let list = tried.joined(separator: ", ")
            return Message(th: "ไม่พบข้อมูลตั้งต้น (geodata/) ระบุด้วย --geodata หรือ $EPLAN_GEODATA; ที่ค้นแล้ว: \(list)",
                           en: "default data (geodata/) not found; name it with --geodata or $EPLAN_GEODATA; looked in: \(list)")
        }
    }
}
