import EPlanApp
import EPlanDomain
import Foundation

/// The OGC pages for people (`?f=html` or `Accept: text/html`), Thai unless English is
/// asked for. Every value from the store is escaped; no script or style from elsewhere.
enum OGCHTML {
    static let type = "text/html; charset=utf-8"
    static let serviceTitle = Message(th: "eplan: โครงการและขอบเขต อปท.", en: "eplan: LAO projects and boundaries")
    static let serviceSummary = Message(th: "ขอบเขตการปกครองและหมุดโครงการตามแผนพัฒนาท้องถิ่น ตามมาตรฐาน OGC API – Features",
                                        en: "Administrative boundaries and the pins of local development plan projects, as OGC API – Features")

    static func escape(_ s: String) -> String { HTMLText.escape(s) }

    static func page(_ title: String, _ body: String, _ lang: Language) -> String {
        """
        <!doctype html>
        <html lang="\(lang.rawValue)"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}</style>
        </head><body><h1>\(escape(title))</h1>
        \(body)
        </body></html>
        """
    }

    static func a(_ href: String, _ text: String) -> String { "<a href=\"\(escape(href))\">\(escape(text))</a>" }

    /// The same page in the other language.
    static func other(_ lang: Language) -> String {
        lang == .th ? "<p><a href=\"?f=html&amp;lang=en\">English</a></p>" : "<p><a href=\"?f=html&amp;lang=th\">ภาษาไทย</a></p>"
    }

    static func landing(_ base: String, _ lang: Language) -> String {
        let t = { (th: String, en: String) in Message(th: th, en: en).text(lang) }
        let body = other(lang) + "<p>\(escape(serviceSummary.text(lang)))</p><ul>"
            + "<li>" + a(base + "/collections?f=html&lang=\(lang.rawValue)", t("ชุดข้อมูล", "Collections")) + "</li>"
            + "<li>" + a(base + "/conformance?f=html&lang=\(lang.rawValue)", t("มาตรฐานที่รองรับ", "Conformance")) + "</li>"
            + "<li>" + a(base + "/api", t("เอกสาร OpenAPI 3.0", "OpenAPI 3.0 document")) + "</li></ul>"
            + "<p>\(escape(t("เพิ่มใน QGIS: Layer › Add Layer › Add WFS / OGC API – Features Layer แล้วใส่ URL นี้", "In QGIS: Layer › Add Layer › Add WFS / OGC API – Features Layer, with this URL"))): <code>\(escape(base))</code></p>"
        return page(serviceTitle.text(lang), body, lang)
    }

    static func conformance(_ classes: [String], _ lang: Language) -> String {
        page(Message(th: "มาตรฐานที่รองรับ", en: "Conformance").text(lang),
             other(lang) + "<ul>" + classes.map { "<li>\(escape($0))</li>" }.joined() + "</ul>", lang)
    }

    static func collections(_ infos: [FeatureCollectionInfo], base: String, _ lang: Language) -> String {
        let t = { (th: String, en: String) in Message(th: th, en: en).text(lang) }
        var rows = "<table><tr><th>\(t("รหัส", "Id"))</th><th>\(t("ชื่อ", "Title"))</th><th>\(t("คำอธิบาย", "Description"))</th><th>\(t("ขอบเขต (ลองจิจูด, ละติจูด)", "Extent (lon, lat)"))</th></tr>"
        for info in infos {
            let box = info.extent.map { e in [e.minX, e.minY, e.maxX, e.maxY].map { JSONText.number($0, decimals: 4) }.joined(separator: ", ") } ?? t("ว่าง", "empty")
            rows += "<tr><td>" + a(base + "/collections/\(info.id.rawValue)/items?f=html&lang=\(lang.rawValue)", info.id.rawValue)
                + "</td><td>\(escape(info.id.title.text(lang)))</td><td>\(escape(info.id.summary.text(lang)))</td><td>\(escape(box))</td></tr>"
        }
        return page(t("ชุดข้อมูล", "Collections"), other(lang) + rows + "</table>", lang)
    }

    /// A page of features as a table: one row per feature, its properties as columns.
    static func items(_ id: FeatureCollectionID, features: [UInt8], matched: Int?, next: String?, _ lang: Language) -> String {
        let t = { (th: String, en: String) in Message(th: th, en: en).text(lang) }
        let list = (try? JSONSerialization.jsonObject(with: Data(("[" + String(decoding: features, as: UTF8.self) + "]").utf8))) as? [[String: Any]] ?? []
        let keys = (list.first?["properties"] as? [String: Any]).map { _ in id.layer?.columns ?? ProjectExporter.columns.map(\.key) } ?? []
        var body = other(lang) + "<p>\(escape(id.summary.text(lang)))</p><p>\(t("จำนวนในหน้านี้", "On this page")): \(list.count)"
            + (matched.map { " / \(t("ทั้งหมด", "in all")): \($0)" } ?? "") + "</p>"
        body += "<table><tr><th>\(t("รูปทรง", "Geometry"))</th>" + keys.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        for f in list {
            let props = f["properties"] as? [String: Any] ?? [:]
            let geometry = (f["geometry"] as? [String: Any])?["type"] as? String ?? ""
            let code = f["id"].map { "\($0)" } ?? ""
            body += "<tr><td>" + a("items/\(code)?f=html&lang=\(lang.rawValue)", geometry) + "</td>"
                + keys.map { "<td>\(escape(value(props[$0])))</td>" }.joined() + "</tr>"
        }
        body += "</table>"
        if let next { body += "<p>" + a(next + "&f=html&lang=\(lang.rawValue)", t("หน้าถัดไป", "Next page")) + "</p>" }
        return page(id.title.text(lang), body, lang)
    }

    static func item(_ id: FeatureCollectionID, feature: [UInt8], _ lang: Language) -> String {
        let f = (try? JSONSerialization.jsonObject(with: Data(feature.drop { $0 == 0x0A || $0 == 0x2C }))) as? [String: Any] ?? [:]
        let props = f["properties"] as? [String: Any] ?? [:]
        let keys = id.layer?.columns ?? ProjectExporter.columns.map(\.key)
        let rows = keys.map { "<tr><th>\(escape($0))</th><td>\(escape(value(props[$0])))</td></tr>" }.joined()
        let geometry = (f["geometry"] as? [String: Any])?["type"] as? String ?? ""
        return page("\(id.title.text(lang)): \(f["id"].map { "\($0)" } ?? "")", other(lang) + "<p>\(escape(geometry))</p><table>\(rows)</table>", lang)
    }

    static func value(_ v: Any?) -> String {
        switch v {
        case nil, is NSNull: return ""
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        case let x?: return "\(x)"
        }
    }
}
