import CExif
import Foundation

/// A geotagged photo (JPEG with EXIF GPS, as phones write it): one point, matched by the
/// EXIF ImageDescription when the camera or the engineer wrote one, else by the file name
/// ("06630108-2568-001.jpg"). The time taken and the direction faced are kept in the pin's
/// history. A photo without a position is listed as such, never dropped unseen.
public enum PhotoReader {
    public static func read(_ path: String) throws -> [FieldItem] {
        _ = try RegularFile.read(path)   // the same refusals (folder, pipe, unreadable) as every other file
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let exif = EXIFFile(path: path) else {
            return [FieldItem(file: path, place: "exif", code: stem, name: stem, shape: nil,
                              problem: Message(th: "ภาพถ่ายไม่มีข้อมูล EXIF จึงไม่มีตำแหน่ง GPS", en: "the photo has no EXIF data, so no GPS position"))]
        }
        let code = exif.text(ifd: 0, tag: 0x010E).flatMap { $0.isEmpty ? nil : $0 } ?? stem
        var item = FieldItem(file: path, place: "exif", code: code, name: code, shape: nil)
        if let t = exif.text(ifd: 2, tag: 0x9003) { item.fields["photo_time"] = t }
        if let d = exif.rationals(ifd: 3, tag: 0x0011).first {
            let ref = exif.text(ifd: 3, tag: 0x0010) == "M" ? "magnetic" : "true"
            item.fields["photo_direction"] = "\(JSONText.number(d, decimals: 1))° \(ref)"
        }
        if let datum = exif.text(ifd: 3, tag: 0x0012), !datum.isEmpty,
           !["WGS-84", "WGS84", "WGS 84"].contains(datum.uppercased().trimmingCharacters(in: .whitespaces)) {
            item.problem = Message(th: "ตำแหน่งในภาพอยู่บนพื้นหลักฐาน '\(datum)' ซึ่งไม่รู้จัก (อ่านได้เฉพาะ WGS-84)",
                                   en: "the photo's position is on the datum '\(datum)', which is not known (WGS-84 only)")
            return [item]
        }
        guard let lat = exif.degrees(tag: 0x0002, ref: 0x0001, negative: "S"),
              let lon = exif.degrees(tag: 0x0004, ref: 0x0003, negative: "W") else {
            item.problem = Message(th: "ภาพถ่ายไม่มีตำแหน่ง GPS ใน EXIF (เปิดบริการตำแหน่งของกล้องหรือโทรศัพท์ก่อนถ่าย)",
                                   en: "the photo has no GPS position in its EXIF (turn on the camera's or phone's location before shooting)")
            return [item]
        }
        item.shape = .wgs84(.point(Coordinate(lon, lat)))
        return [item]
    }
}

/// libexif's ExifData for one file, owned here alone and released once.
final class EXIFFile {
    private let data: UnsafeMutablePointer<ExifData>
    private let order: ExifByteOrder

    init?(path: String) {
        guard let d = exif_data_new_from_file(path) else { return nil }
        data = d
        order = exif_data_get_byte_order(d)
    }

    deinit { exif_data_unref(data) }

    /// IFD 0 (the image), 2 (EXIF), 3 (GPS).
    private func entry(ifd: Int, tag: UInt32) -> UnsafeMutablePointer<ExifEntry>? {
        let ifds = data.pointee.ifd
        let content: UnsafeMutablePointer<ExifContent>?
        switch ifd {
        case 0: content = ifds.0
        case 2: content = ifds.2
        case 3: content = ifds.3
        default: content = nil
        }
        guard let content else { return nil }
        return exif_content_get_entry(content, ExifTag(rawValue: tag))
    }

    /// An ASCII entry, trimmed of its NUL and spaces.
    func text(ifd: Int, tag: UInt32) -> String? {
        guard let e = entry(ifd: ifd, tag: tag), let bytes = e.pointee.data, e.pointee.format == EXIF_FORMAT_ASCII else { return nil }
        let buffer = UnsafeBufferPointer(start: bytes, count: Int(e.pointee.size))
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    /// An unsigned-rational entry's values (a zero denominator is no value).
    func rationals(ifd: Int, tag: UInt32) -> [Double] {
        guard let e = entry(ifd: ifd, tag: tag), let bytes = e.pointee.data, e.pointee.format == EXIF_FORMAT_RATIONAL,
              Int(e.pointee.size) >= 8 * Int(e.pointee.components) else { return [] }
        return (0..<Int(e.pointee.components)).compactMap { i in
            let r = exif_get_rational(bytes + 8 * i, order)
            return r.denominator == 0 ? nil : Double(r.numerator) / Double(r.denominator)
        }
    }

    /// Degrees, minutes, seconds and the hemisphere letter, as signed degrees.
    func degrees(tag: UInt32, ref: UInt32, negative: String) -> Double? {
        let dms = rationals(ifd: 3, tag: tag)
        guard dms.count == 3, let hemisphere = text(ifd: 3, tag: ref), !hemisphere.isEmpty else { return nil }
        let v = dms[0] + dms[1] / 60 + dms[2] / 3600
        return hemisphere.uppercased() == negative ? -v : v
    }
}
