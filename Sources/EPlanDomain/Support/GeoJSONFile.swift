import Foundation

/// Reading GeoJSON files whole (boundary files are megabytes, not gigabytes).
public enum GeoJSONFile {
    public struct FeatureCollection {
        public var root: [String: Any]
        public var features: [[String: Any]]
    }

    public static func readFeatureCollection(path: String) throws -> FeatureCollection {
        let data = try RegularFile.read(path)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "ไม่ใช่ JSON ที่ถูกต้อง (\((error as NSError).localizedDescription))",
                                                                    en: "not valid JSON (\((error as NSError).localizedDescription))"))
        }
        guard let root = object as? [String: Any], let type = root["type"] as? String else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "ไม่มีสมาชิก \"type\" ที่ระดับบนสุด",
                                                                    en: "no top-level \"type\" member"))
        }
        guard type == "FeatureCollection" else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "ต้องเป็น FeatureCollection แต่พบ \(type)",
                                                                    en: "expected a FeatureCollection, found \(type)"))
        }
        guard let features = root["features"] as? [Any] else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "FeatureCollection ไม่มีรายการ \"features\" (ต้องเป็นอาร์เรย์)",
                                                                    en: "the FeatureCollection has no \"features\" array"))
        }
        var out: [[String: Any]] = []
        out.reserveCapacity(features.count)
        for (i, f) in features.enumerated() {
            guard let feature = f as? [String: Any], feature["type"] as? String == "Feature" else {
                throw FileError.notGeoJSON(path: path, detail: Message(th: "features[\(i)] ไม่ใช่ Feature",
                                                                        en: "features[\(i)] is not a Feature"))
            }
            out.append(feature)
        }
        return FeatureCollection(root: root, features: out)
    }

    /// The EPSG code of a (pre-RFC 7946) `crs` member, if the file declares one.
    public static func declaredEPSG(_ root: [String: Any], path: String) throws -> Int? {
        guard let crs = root["crs"] as? [String: Any],
              let props = crs["properties"] as? [String: Any],
              let name = props["name"] as? String else { return nil }
        let upper = name.uppercased()
        if upper.hasSuffix("CRS84") || upper.hasSuffix("CRS:84") { return 4326 }
        let digits = upper.split(whereSeparator: { !$0.isNumber }).last.map(String.init)
        guard upper.contains("EPSG"), let d = digits, let code = Int(d) else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "ไม่รู้จักระบบพิกัด '\(name)' ในสมาชิก crs",
                                                                    en: "unknown coordinate system '\(name)' in the crs member"))
        }
        return code
    }

    /// Property values as text: codes may arrive as numbers.
    public static func stringProperty(_ value: Any?) -> String? {
        switch value {
        case let s as String: return s.trimmingCharacters(in: .whitespaces)
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }
}

public enum FileError: UserFacingError {
    case unreadable(path: String, detail: String)
    case notGeoJSON(path: String, detail: Message)
    case unwritable(path: String, detail: String)
    /// The path names a folder, a device, a pipe…: `what` says which.
    case notAFile(path: String, what: Message)

    public var message: Message {
        switch self {
        case .unreadable(let path, let detail):
            return Message(th: "อ่านไฟล์ \(path) ไม่ได้: \(detail)", en: "cannot read \(path): \(detail)")
        case .notGeoJSON(let path, let detail):
            return Message(th: "\(path) ไม่ใช่ GeoJSON ที่ใช้ได้: \(detail.th)", en: "\(path) is not usable GeoJSON: \(detail.en)")
        case .unwritable(let path, let detail):
            return Message(th: "เขียนไฟล์ \(path) ไม่ได้: \(detail)", en: "cannot write \(path): \(detail)")
        case .notAFile(let path, let what):
            return Message(th: "อ่าน '\(path)' ไม่ได้: \(what.th) ต้องระบุไฟล์", en: "cannot read '\(path)': it \(what.en); name a file")
        }
    }
}
