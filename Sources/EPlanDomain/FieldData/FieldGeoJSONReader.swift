import Foundation

/// A GeoJSON FeatureCollection of project locations: the `code` property (or `project`,
/// `project_code`) is the project code, `name`/`name_th` the name.
public enum FieldGeoJSONReader {
    static let codeKeys = ["code", "project", "project_code", "รหัส", "รหัสโครงการ"]
    static let nameKeys = ["name_th", "name", "ชื่อ", "ชื่อโครงการ"]

    public static func read(_ path: String) throws -> [FieldItem] {
        let fc = try GeoJSONFile.readFeatureCollection(path: path)
        if let epsg = try GeoJSONFile.declaredEPSG(fc.root, path: path), epsg != 4326 {
            throw FieldDataError(th: "\(path): ประกาศระบบพิกัด EPSG:\(epsg) แต่นำเข้าได้เฉพาะ WGS 84 ลองจิจูด/ละติจูด (EPSG:4326) — แปลงด้วย ogr2ogr -t_srs EPSG:4326 ก่อน",
                                 en: "\(path): declares EPSG:\(epsg), but only WGS 84 longitude/latitude (EPSG:4326) is imported — convert it with ogr2ogr -t_srs EPSG:4326 first")
        }
        guard !fc.features.isEmpty else {
            throw FieldDataError.empty(path, Message(th: "feature ใน FeatureCollection", en: "feature in the FeatureCollection"))
        }
        return fc.features.enumerated().map { i, f in item(f, place: "features[\(i)]", path: path) }
    }

    private static func item(_ f: [String: Any], place: String, path: String) -> FieldItem {
        var fields: [String: String] = [:]
        for (k, v) in (f["properties"] as? [String: Any]) ?? [:] {
            if let s = GeoJSONFile.stringProperty(v), !s.isEmpty { fields[k] = s }
        }
        let code = codeKeys.lazy.compactMap { fields[$0] }.first
        let name = nameKeys.lazy.compactMap { fields[$0] }.first
        var item = FieldItem(file: path, place: place, code: code, name: name, fields: fields, shape: nil)
        do {
            guard let g = f["geometry"], !(g is NSNull) else {
                item.problem = Message(th: "\(place) ไม่มีรูปเรขาคณิต (geometry เป็น null)", en: "\(place) has no geometry (geometry is null)")
                return item
            }
            item.shape = .wgs84(try GeoJSONGeometry.decode(g))
        } catch let e as UserFacingError {
            item.problem = Message(th: "\(place): \(e.message.th)", en: "\(place): \(e.message.en)")
        } catch {
            item.problem = Message(th: "\(place): \(error)", en: "\(place): \(error)")
        }
        return item
    }
}
