import Foundation

/// GPX 1.0/1.1 as handheld units and phone apps write it: each waypoint is a point, each
/// route and each track a line (a road surveyed by driving it; a track of several segments
/// is a multi-line). The `<name>` is the code or name matched to a project.
public enum GPXReader {
    public static func read(_ path: String) throws -> [FieldItem] {
        // Waypoints become items as the reader finishes each (the tree of a large file is
        // never held whole); routes and tracks, few and listed after them, are kept.
        var items: [FieldItem] = [], routes: [XMLElementNode] = [], tracks: [XMLElementNode] = []
        let root = try XMLTree.read(path) { e in
            switch e.name {
            case "wpt": items.append(waypoint(e, place: "wpt[\(items.count + 1)]", path: path))
            case "rte": routes.append(e)
            case "trk": tracks.append(e)
            default: break
            }
        }
        guard root.name == "gpx" else {
            throw FieldDataError(th: "\(path): ไม่ใช่ GPX (ราก XML เป็น <\(root.name)> ไม่ใช่ <gpx>)",
                                 en: "\(path): not a GPX file (the XML root is <\(root.name)>, not <gpx>)")
        }
        for (i, r) in routes.enumerated() {
            items.append(line(r, parts: [r.all("rtept")], place: "rte[\(i + 1)]", path: path))
        }
        for (i, t) in tracks.enumerated() {
            items.append(line(t, parts: t.all("trkseg").map { $0.all("trkpt") }, place: "trk[\(i + 1)]", path: path))
        }
        if items.isEmpty {
            throw FieldDataError.empty(path, Message(th: "จุด (wpt) เส้นทาง (rte) หรือแทร็ก (trk) ในไฟล์ GPX",
                                                     en: "waypoints (wpt), routes (rte) or tracks (trk) in the GPX file"))
        }
        return items
    }

    private static func waypoint(_ w: XMLElementNode, place: String, path: String) -> FieldItem {
        let name = w.childText("name")
        var item = FieldItem(file: path, place: place, line: w.line, code: name, name: name, fields: fields(w), shape: nil)
        do { item.shape = .wgs84(.point(try point(w, path: path, place: place))) } catch let e as FieldDataError { item.problem = e.message } catch {
            item.problem = Message(th: "\(error)", en: "\(error)")
        }
        return item
    }

    /// A route or track: one line per segment of at least one point.
    private static func line(_ e: XMLElementNode, parts: [[XMLElementNode]], place: String, path: String) -> FieldItem {
        var item = FieldItem(file: path, place: place, line: e.line, code: e.childText("name"), name: e.childText("name"),
                             fields: fields(e), shape: nil)
        do {
            let lines = try parts.filter { !$0.isEmpty }.map { try $0.map { try point($0, path: path, place: place) } }
            switch lines.count {
            case 0: item.problem = Message(th: "\(place) ไม่มีจุดเลย", en: "\(place) has no points")
            case 1: item.shape = .wgs84(.lineString(lines[0]))
            default: item.shape = .wgs84(.multiLineString(lines))
            }
        } catch let e as FieldDataError { item.problem = e.message } catch { item.problem = Message(th: "\(error)", en: "\(error)") }
        return item
    }

    /// `lat`/`lon` attributes, range-checked (the validator checks the jurisdiction).
    static func point(_ e: XMLElementNode, path: String, place: String) throws -> Coordinate {
        guard let lat = e.attributes["lat"].flatMap({ Double(Trim.spaces($0)) }),
              let lon = e.attributes["lon"].flatMap({ Double(Trim.spaces($0)) }),
              lat.isFinite, lon.isFinite else {
            throw FieldDataError(th: "\(place) บรรทัด \(e.line): <\(e.name)> ไม่มี lat/lon ที่เป็นตัวเลข (lat=\"\(e.attributes["lat"] ?? "")\" lon=\"\(e.attributes["lon"] ?? "")\")",
                                 en: "\(place) line \(e.line): <\(e.name)> has no numeric lat/lon (lat=\"\(e.attributes["lat"] ?? "")\" lon=\"\(e.attributes["lon"] ?? "")\")")
        }
        return Coordinate(lon, lat)
    }

    /// The simple children (desc, cmt, ele, time, sym, type) as fields.
    private static func fields(_ e: XMLElementNode) -> [String: String] {
        var out: [String: String] = [:]
        out.reserveCapacity(e.children.count)  // one allocation, not one per growth (a waypoint has four or five)
        for c in e.children where c.children.isEmpty {
            let t = Trim.spacesAndNewlines(c.text)
            if !t.isEmpty { out[c.name] = t }
        }
        return out
    }
}
