import Foundation

/// A location an engineer gave for a project, read but not yet checked.
public struct PinCandidate: Sendable {
    public enum Form: String, Sendable { case coordinates, wkt, geojson, file }

    /// EPSG:4326, x = longitude, y = latitude.
    public var geometry: Geometry
    /// As given, in `inputCRS`.
    public var native: Geometry
    public var inputCRS: CRS
    /// The input as typed (see `PinInput` for each form).
    public var rawInput: String
    public var form: Form
    /// For the coordinate form: each point as parsed, in order (the ring is not closed here).
    public var points: [ParsedCoordinate]

    public init(geometry: Geometry, native: Geometry, inputCRS: CRS, rawInput: String, form: Form,
                points: [ParsedCoordinate] = []) {
        self.geometry = geometry; self.native = native; self.inputCRS = inputCRS
        self.rawInput = rawInput; self.form = form; self.points = points
    }
}

/// Why a pin's input was refused before any boundary check. Each names what is at fault.
public struct PinInputError: UserFacingError {
    public let message: Message
    public init(_ message: Message) { self.message = message }
    public init(th: String, en: String) { self.message = Message(th: th, en: en) }

    static func onePointLine(_ raw: String) -> PinInputError {
        PinInputError(th: "เส้นต้องมีอย่างน้อย 2 จุดที่ต่างกัน แต่มีจุดเดียว ('\(raw)')",
                      en: "a line needs at least 2 distinct points but has only one ('\(raw)')")
    }
}

extension PinInput {
    /// The name recorded as who pinned, from `--by`: trimmed; empty, blank or invisible-only
    /// names and control characters are refused (the history must say who it was).
    public static func pinnedBy(_ text: String) throws -> String {
        let invisible: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C, 0x00AD]
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.unicodeScalars.contains(where: { !invisible.contains($0.value) && !$0.properties.isWhitespace }) else {
            throw PinInputError(th: "--by ว่าง: ต้องระบุชื่อผู้ปักหมุด (หรือไม่ใส่ --by เพื่อใช้ชื่อผู้ใช้ของระบบ)",
                                en: "--by is empty: give the name of who pins (or leave --by out to use the OS user)")
        }
        if let bad = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw PinInputError(th: "--by มีอักขระควบคุม U+\(String(bad.value, radix: 16, uppercase: true)) ซึ่งใช้ในชื่อไม่ได้",
                                en: "--by holds the control character U+\(String(bad.value, radix: 16, uppercase: true)), which a name cannot have")
        }
        guard name.count <= 200 else {
            throw PinInputError(th: "--by ยาวเกิน 200 ตัวอักษร (\(name.count))", en: "--by is longer than 200 characters (\(name.count))")
        }
        return name
    }
}

/// Reads each input form of `eplan pin` into a `PinCandidate`.
///
/// - coordinates: one argument per point (a point may be split by the shell, e.g. an unquoted
///   UTM `47N 453809 1848266`, and ';' separates points inside one argument). One point is a
///   Point; several make a LineString, or with `polygon` a Polygon (the ring is closed if the
///   user did not close it). Raw input: each point's own text joined by "; ".
/// - WKT (`POINT`, `LINESTRING`, `POLYGON`, their MULTI forms), lon/lat unless `crs` says otherwise.
/// - GeoJSON text: a geometry, a Feature, or a FeatureCollection of exactly one feature.
/// - a file holding either of the two.
public struct PinInput {
    public var parser: CoordinateParser
    public var polygon: Bool
    /// Opens PROJ on first need (only when the input is not WGS 84 lon/lat).
    public var proj: () throws -> PROJContext

    public init(parser: CoordinateParser, polygon: Bool = false, proj: @escaping () throws -> PROJContext) {
        self.parser = parser; self.polygon = polygon; self.proj = proj
    }

    public func coordinates(_ args: [String]) throws -> PinCandidate {
        let points = try parser.parseMany(args)
        return try candidate(points: points)
    }

    /// The geometry the parsed points make, transformed to WGS 84.
    public func candidate(points: [ParsedCoordinate]) throws -> PinCandidate {
        let raw = points.map(\.raw).joined(separator: "; ")
        var wgs: [Coordinate] = []
        for p in points { wgs.append(p.crs == .wgs84 ? p.native : try p.toWGS84(using: try proj())) }
        // Mixed forms (e.g. one UTM and one lat/lon point) are fine: each was transformed,
        // and the pin is recorded as given in WGS 84 (each point's own text stays in the raw input).
        let same = points.allSatisfy({ $0.crs == points.first?.crs })
        let crs = same ? (points.first?.crs ?? .wgs84) : .wgs84
        let native: [Coordinate] = same ? points.map(\.native) : wgs
        func distinctCount(_ cs: [Coordinate]) -> Int { Set(cs).count }
        if polygon {
            guard distinctCount(wgs) >= 3 else {
                throw PinInputError(th: "รูปหลายเหลี่ยมต้องมีอย่างน้อย 3 จุดที่ต่างกัน แต่มี \(distinctCount(wgs)) ('\(raw)')",
                                    en: "a polygon needs at least 3 distinct points but has \(distinctCount(wgs)) ('\(raw)')")
            }
            func close(_ r: [Coordinate]) -> [Coordinate] { r.first == r.last ? r : r + [r[0]] }
            return PinCandidate(geometry: .polygon(Polygon(exterior: close(wgs))),
                                native: .polygon(Polygon(exterior: close(native))),
                                inputCRS: crs, rawInput: raw, form: .coordinates, points: points)
        }
        if points.count == 1 {
            return PinCandidate(geometry: .point(wgs[0]), native: .point(native[0]), inputCRS: crs,
                                rawInput: raw, form: .coordinates, points: points)
        }
        guard distinctCount(wgs) >= 2 else { throw PinInputError.onePointLine(raw) }
        return PinCandidate(geometry: .lineString(wgs), native: .lineString(native), inputCRS: crs,
                            rawInput: raw, form: .coordinates, points: points)
    }

    public func wkt(_ typed: String, crs: CRS?, form: PinCandidate.Form = .wkt) throws -> PinCandidate {
        let text = CoordinateParser.visible(typed)   // invisible marks, as in typed coordinates
        let geos = GEOSContext()
        let g: Geometry
        do {
            g = try GEOSGeometry(strictWKT: text, context: geos).toGeometry()
        } catch let e as GEOSError {
            if (e.geosMessage ?? "").contains("must contain 0 or >1") {
                throw PinInputError.onePointLine(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            throw e
        }
        return try candidate(native: g, crs: crs ?? .wgs84, raw: text, form: form)
    }

    public func geoJSON(_ typed: String, crs: CRS?, form: PinCandidate.Form = .geojson) throws -> PinCandidate {
        let text = CoordinateParser.visible(typed)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw PinInputError(th: "GeoJSON ไม่ใช่ JSON ที่ถูกต้อง: \((error as NSError).localizedDescription)",
                                en: "GeoJSON is not valid JSON: \((error as NSError).localizedDescription)")
        }
        var geometryObject: Any = object
        if let o = object as? [String: Any] {
            switch o["type"] as? String {
            case "Feature":
                geometryObject = o["geometry"] ?? NSNull()
            case "FeatureCollection":
                guard let features = o["features"] as? [[String: Any]] else {
                    throw PinInputError(th: "FeatureCollection ไม่มีรายการ \"features\" (ต้องเป็นอาร์เรย์ที่มี 1 feature)",
                                        en: "the FeatureCollection has no \"features\" array (it must hold 1 feature)")
                }
                guard features.count == 1 else {
                    throw PinInputError(th: "FeatureCollection ต้องมี 1 feature สำหรับหมุดเดียว แต่มี \(features.count)",
                                        en: "a FeatureCollection must hold exactly 1 feature for one pin, found \(features.count)")
                }
                geometryObject = features[0]["geometry"] ?? NSNull()
            default: break
            }
        }
        if lineOfOne(geometryObject) {
            throw PinInputError.onePointLine(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let g = try GeoJSONGeometry.decode(geometryObject)
        // The decoder drops a third (altitude) value, as RFC 7946 allows; a pin says so
        // instead, as for WKT's Z (a height typed in would otherwise vanish unseen).
        if Self.positionSize(geometryObject) > 2 {
            throw PinInputError(th: "ตำแหน่งใน GeoJSON มีค่าที่ 3 (ความสูง) ซึ่งไม่ได้เก็บ: ใส่เฉพาะ [ลองจิจูด, ละติจูด]",
                                en: "the GeoJSON positions carry a third value (height), which is not stored: give [longitude, latitude] only")
        }
        return try candidate(native: g, crs: crs ?? .wgs84, raw: text, form: form)
    }

    /// The most numbers in any position of a GeoJSON geometry object (0 when it has none).
    static func positionSize(_ object: Any) -> Int {
        if let o = object as? [String: Any] {
            return max(o["coordinates"].map(positionSize) ?? 0, (o["geometries"] as? [Any])?.map(positionSize).max() ?? 0)
        }
        guard let a = object as? [Any] else { return 0 }
        if !a.isEmpty, a.allSatisfy({ $0 is NSNumber }) { return a.count }
        return a.map(positionSize).max() ?? 0
    }

    /// A GeoJSON LineString with one position.
    private func lineOfOne(_ object: Any) -> Bool {
        guard let o = object as? [String: Any], o["type"] as? String == "LineString",
              let cs = o["coordinates"] as? [Any] else { return false }
        return cs.count == 1
    }

    public func file(_ path: String, crs: CRS?) throws -> PinCandidate {
        let text = try Self.readRegularFile(path)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw PinInputError(th: "ไฟล์ '\(path)' ว่าง: ต้องมี GeoJSON หรือ WKT", en: "the file '\(path)' is empty: it must hold GeoJSON or WKT")
        }
        if trimmed.hasPrefix("{") { return try geoJSON(trimmed, crs: crs, form: .file) }
        return try wkt(trimmed, crs: crs, form: .file)
    }

    static func readRegularFile(_ path: String) throws -> String {
        guard let text = String(data: try RegularFile.read(path), encoding: .utf8) else {
            throw PinInputError(th: "ไฟล์ '\(path)' ไม่ใช่ข้อความ UTF-8", en: "the file '\(path)' is not UTF-8 text")
        }
        return text
    }

    func candidate(native g: Geometry, crs: CRS, raw: String, form: PinCandidate.Form) throws -> PinCandidate {
        // Empty first: an empty point is held as an empty MultiPoint, whose type name says nothing to the user.
        if g.isEmpty {
            throw PinInputError(th: "รูปเรขาคณิตว่าง ไม่มีพิกัด", en: "the geometry is empty: it has no coordinates")
        }
        if polygon, g.type != .polygon, g.type != .multiPolygon {
            let noun = PinText.noun(g.type)
            throw PinInputError(th: "ระบุ --polygon แต่รูปเรขาคณิตที่ให้เป็น\(noun.th) (\(g.type.rawValue)): ใส่ POLYGON หรือไม่ต้องใส่ --polygon",
                                en: "--polygon was given but the geometry is a \(noun.en) (\(g.type.rawValue)): give a POLYGON, or drop --polygon")
        }
        switch g {
        case .point, .lineString, .polygon, .multiLineString, .multiPolygon: break
        default:
            throw PinInputError(th: "หมุดต้องเป็นจุด เส้น หรือรูปหลายเหลี่ยม (Point, LineString, Polygon) แต่ได้ \(g.type.rawValue)",
                                en: "a pin must be a point, line or polygon (Point, LineString, Polygon), got \(g.type.rawValue)")
        }
        if case .lineString(let cs) = g, Set(cs).count < 2 {
            throw PinInputError.onePointLine(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var wgs = g
        if crs != .wgs84 {
            let t = try proj().transform(from: crs, to: .wgs84)
            wgs = try t.transform(g)
        }
        return PinCandidate(geometry: wgs, native: g, inputCRS: crs, rawInput: raw, form: form)
    }
}
