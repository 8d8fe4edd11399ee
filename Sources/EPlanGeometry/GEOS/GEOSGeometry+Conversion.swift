import CGEOS

// Conversion between plain `Geometry` values and GEOS geometries.
//
// How empty geometries map (GEOS ⇄ Geometry):
//   POINT EMPTY              → .multiPoint([])   (Geometry.point cannot be empty; both are the empty
//                                                 point set, so only the type name changes)
//   LINESTRING / LINEARRING EMPTY ⇄ .lineString([])
//   POLYGON EMPTY            ⇄ .polygon(Polygon(rings: []))
//   MULTIPOINT EMPTY         ⇄ .multiPoint([])
//   MULTILINESTRING EMPTY    ⇄ .multiLineString([])
//   MULTIPOLYGON EMPTY       ⇄ .multiPolygon([])
//   GEOMETRYCOLLECTION EMPTY ⇄ .geometryCollection([])
// Empty points inside a MULTIPOINT are dropped when reading (the value has no place for them).
//
// Ownership: every pointer made here has exactly one owner at any time — this code until it is
// handed to a GEOS constructor (which then owns it, also when that constructor fails) or returned.

/// Builds GEOS geometries from `Geometry` values via coordinate sequences.
struct GEOSBuilder {
    let context: GEOSContext
    var h: OpaquePointer { context.handle }

    init(context: GEOSContext) {
        // copyFromBuffer reads [Coordinate] as interleaved x,y doubles.
        assert(MemoryLayout<Coordinate>.stride == 16 && MemoryLayout<Coordinate>.offset(of: \Coordinate.y) == 8)
        self.context = context
    }

    /// `prefix` is "" at the root and "geometries[i]." inside collections (GeoJSON-style paths).
    func build(_ g: Geometry, path prefix: String) throws -> OpaquePointer {
        let c = prefix + "coordinates"
        switch g {
        case .point(let p):
            return try point(p, c)
        case .lineString(let cs):
            return try line(cs, c)
        case .polygon(let p):
            return try polygon(p, c)
        case .multiPoint(let cs):
            return try collection(GEOS_MULTIPOINT, cs.count) { try point(cs[$0], c + "[\($0)]") }
        case .multiLineString(let ls):
            return try collection(GEOS_MULTILINESTRING, ls.count) { try line(ls[$0], c + "[\($0)]") }
        case .multiPolygon(let ps):
            return try collection(GEOS_MULTIPOLYGON, ps.count) { try polygon(ps[$0], c + "[\($0)]") }
        case .geometryCollection(let gs):
            return try collection(GEOS_GEOMETRYCOLLECTION, gs.count) { try build(gs[$0], path: prefix + "geometries[\($0)].") }
        }
    }

    private func made(_ p: OpaquePointer?, _ operation: String) throws -> OpaquePointer {
        guard let p else { throw context.failure(operation) }
        return p
    }

    private func point(_ p: Coordinate, _ path: String) throws -> OpaquePointer {
        try checkFinite([p], path, indexed: false)
        context.clearError()
        return try made(GEOSGeom_createPointFromXY_r(h, p.x, p.y), "GEOSGeom_createPointFromXY_r")
    }

    private func line(_ cs: [Coordinate], _ path: String) throws -> OpaquePointer {
        if cs.isEmpty {
            context.clearError()
            return try made(GEOSGeom_createEmptyLineString_r(h), "GEOSGeom_createEmptyLineString_r")
        }
        try checkFinite(cs, path)
        guard cs.count >= 2 else {
            throw structure(path, th: "เส้นต้องมีอย่างน้อย 2 ตำแหน่ง (มี 1)", en: "a line needs at least 2 positions (has 1)")
        }
        let seq = try sequence(cs)
        context.clearError()
        return try made(GEOSGeom_createLineString_r(h, seq), "GEOSGeom_createLineString_r") // owns seq
    }

    private func ring(_ r: Ring, _ path: String) throws -> OpaquePointer {
        try checkFinite(r, path)
        guard r.count >= 4 else {
            throw structure(path, th: "วงรอบต้องมีอย่างน้อย 4 ตำแหน่ง (มี \(r.count))",
                            en: "a ring needs at least 4 positions (has \(r.count))")
        }
        guard r.first == r.last else {
            throw structure(path, th: "วงรอบไม่ปิด: ตำแหน่งแรกต้องเท่ากับตำแหน่งสุดท้าย",
                            en: "ring is not closed: first position must equal the last")
        }
        let seq = try sequence(r)
        context.clearError()
        return try made(GEOSGeom_createLinearRing_r(h, seq), "GEOSGeom_createLinearRing_r") // owns seq
    }

    private func polygon(_ p: Polygon, _ path: String) throws -> OpaquePointer {
        if p.rings.isEmpty {
            context.clearError()
            return try made(GEOSGeom_createEmptyPolygon_r(h), "GEOSGeom_createEmptyPolygon_r")
        }
        var rings: [OpaquePointer?] = []
        rings.reserveCapacity(p.rings.count)
        do {
            for (i, r) in p.rings.enumerated() { rings.append(try ring(r, path + "[\(i)]")) }
        } catch {
            for r in rings { GEOSGeom_destroy_r(h, r) }   // not yet handed to GEOS: ours to free
            throw error
        }
        context.clearError()
        // GEOS takes shell and holes, and frees them itself if it fails (GEOS ticket #1111).
        let poly = rings.withUnsafeMutableBufferPointer { buf in
            GEOSGeom_createPolygon_r(h, buf[0], buf.baseAddress! + 1, UInt32(buf.count - 1))
        }
        return try made(poly, "GEOSGeom_createPolygon_r")
    }

    private func collection(_ type: GEOSGeomTypes, _ count: Int,
                            _ part: (Int) throws -> OpaquePointer) throws -> OpaquePointer {
        let t = Int32(type.rawValue)
        context.clearError()
        if count == 0 { return try made(GEOSGeom_createEmptyCollection_r(h, t), "GEOSGeom_createEmptyCollection_r") }
        var parts: [OpaquePointer?] = []
        parts.reserveCapacity(count)
        do {
            for i in 0..<count { parts.append(try part(i)) }
        } catch {
            for p in parts { GEOSGeom_destroy_r(h, p) }
            throw error
        }
        context.clearError()
        // GEOS owns the parts from here. We only pass parts of the matching type, so a failure here
        // means GEOS ran out of memory; GEOS versions differ on freeing parts then, so we would
        // rather leak them than risk a double free.
        let c = parts.withUnsafeMutableBufferPointer { buf in
            GEOSGeom_createCollection_r(h, t, buf.baseAddress, UInt32(buf.count))
        }
        return try made(c, "GEOSGeom_createCollection_r")
    }

    /// Copies interleaved x,y into a new sequence owned by the caller.
    private func sequence(_ cs: [Coordinate]) throws -> OpaquePointer {
        context.clearError()
        let seq = cs.withUnsafeBufferPointer { buf in
            UnsafeRawPointer(buf.baseAddress!).withMemoryRebound(to: Double.self, capacity: 2 * buf.count) {
                GEOSCoordSeq_copyFromBuffer_r(h, $0, UInt32(buf.count), 0, 0)
            }
        }
        return try made(seq, "GEOSCoordSeq_copyFromBuffer_r")
    }

    private func checkFinite(_ cs: [Coordinate], _ path: String, indexed: Bool = true) throws {
        for (i, c) in cs.enumerated() where !c.isFinite {
            let at = indexed ? path + "[\(i)]" : path
            throw GEOSError(kind: .nonFiniteCoordinate, operation: "GEOSGeometry.init", path: at,
                            detail: Message(th: "(ตำแหน่งที่ \(i): x=\(c.x), y=\(c.y))",
                                            en: "(position \(i): x=\(c.x), y=\(c.y))"))
        }
    }

    private func structure(_ path: String, th: String, en: String) -> GEOSError {
        GEOSError(kind: .invalidStructure, operation: "GEOSGeometry.init", path: path, detail: Message(th: th, en: en))
    }
}

/// Reads GEOS geometries back into `Geometry` values (borrowed pointers only; nothing to free).
struct GEOSReader {
    let context: GEOSContext
    var h: OpaquePointer { context.handle }

    func read(_ g: OpaquePointer) throws -> Geometry {
        context.clearError()
        switch GEOSGeomTypeId_r(h, g) {
        case 0:
            guard let c = try point(g) else { return .multiPoint([]) }
            return .point(c)
        case 1, 2:
            return .lineString(try coordinates(g))
        case 3:
            return .polygon(try polygon(g))
        case 4:
            return .multiPoint(try parts(g).compactMap { try point($0) })
        case 5:
            return .multiLineString(try parts(g).map { try coordinates($0) })
        case 6:
            return .multiPolygon(try parts(g).map { try polygon($0) })
        case 7:
            return .geometryCollection(try parts(g).map { try read($0) })
        default:
            throw context.failure("GEOSGeomTypeId_r")
        }
    }

    private func point(_ g: OpaquePointer) throws -> Coordinate? {
        if GEOSisEmpty_r(h, g) == 1 { return nil }
        var c = Coordinate(0, 0)
        guard GEOSGeomGetX_r(h, g, &c.x) == 1, GEOSGeomGetY_r(h, g, &c.y) == 1 else {
            throw context.failure("GEOSGeomGetX_r")
        }
        return c
    }

    private func coordinates(_ g: OpaquePointer) throws -> [Coordinate] {
        guard let seq = GEOSGeom_getCoordSeq_r(h, g) else { throw context.failure("GEOSGeom_getCoordSeq_r") }
        var n: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(h, seq, &n) == 1 else { throw context.failure("GEOSCoordSeq_getSize_r") }
        if n == 0 { return [] }
        var ok = false
        let cs = [Coordinate](unsafeUninitializedCapacity: Int(n)) { buf, count in
            ok = UnsafeMutableRawPointer(buf.baseAddress!).withMemoryRebound(to: Double.self, capacity: 2 * Int(n)) {
                GEOSCoordSeq_copyToBuffer_r(h, seq, $0, 0, 0) == 1
            }
            if !ok { buf.initialize(repeating: Coordinate(0, 0)) }
            count = Int(n)
        }
        guard ok else { throw context.failure("GEOSCoordSeq_copyToBuffer_r") }
        return cs
    }

    private func polygon(_ g: OpaquePointer) throws -> Polygon {
        if GEOSisEmpty_r(h, g) == 1 { return Polygon(rings: []) }
        guard let shell = GEOSGetExteriorRing_r(h, g) else { throw context.failure("GEOSGetExteriorRing_r") }
        let n = GEOSGetNumInteriorRings_r(h, g)
        guard n >= 0 else { throw context.failure("GEOSGetNumInteriorRings_r") }
        var rings = [try coordinates(shell)]
        rings.reserveCapacity(Int(n) + 1)
        for i in 0..<n {
            guard let hole = GEOSGetInteriorRingN_r(h, g, i) else { throw context.failure("GEOSGetInteriorRingN_r") }
            rings.append(try coordinates(hole))
        }
        return Polygon(rings: rings)
    }

    private func parts(_ g: OpaquePointer) throws -> [OpaquePointer] {
        let n = GEOSGetNumGeometries_r(h, g)
        guard n >= 0 else { throw context.failure("GEOSGetNumGeometries_r") }
        return try (0..<n).map { i in
            guard let p = GEOSGetGeometryN_r(h, g, i) else { throw context.failure("GEOSGetGeometryN_r") }
            return p
        }
    }
}

/// What GEOS's WKT reader lets through, checked before it reads: text after the geometry
/// ("POINT(1 2) xyz" would be read as POINT(1 2)), Z and M ordinates (kept or dropped without a
/// word; a `Geometry` holds x y only), and numbers that are not finite ("POINT(nan nan)" would
/// be read as an empty point).
enum WKTShape {
    static func check(_ text: String) throws {
        let s = Array(text.unicodeScalars)
        var i = 0
        func skipSpace() { while i < s.count, s[i].properties.isWhitespace { i += 1 } }
        skipSpace()
        var depth = 0, sawParen = false
        var tuple = ""
        while i < s.count {
            let c = s[i]
            // A letter opens a word unless it continues a number ("1e5", "-inf").
            if isLetter(c), depth == 0 || (tuple.unicodeScalars.last?.properties.isWhitespace ?? true) {
                var w = ""
                while i < s.count, isLetter(s[i]) || ("0"..."9").contains(s[i]) { w.unicodeScalars.append(s[i]); i += 1 }
                try word(w, depth: depth)
                if depth == 0, w.uppercased() == "EMPTY" { sawParen = true; break }
                continue
            }
            if c == "(" || c == ")" || c == "," {
                try ordinates(tuple, text)
                tuple = ""
                if c == "(" { depth += 1; sawParen = true }
                if c == ")" { depth -= 1 }
                i += 1
                if depth == 0, sawParen { break }
                continue
            }
            if depth > 0 { tuple.unicodeScalars.append(c) }
            i += 1
        }
        skipSpace()
        if i < s.count {
            let rest = String(String.UnicodeScalarView(s[i...]))
            throw malformed(th: "มีข้อความเกินหลังรูปเรขาคณิต: '\(rest)'", en: "unexpected text after the geometry: '\(rest)'")
        }
    }

    private static func trim(_ t: String) -> String {
        String(t.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("A"..."Z").contains(c) || ("a"..."z").contains(c) }

    private static let types = ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                                "GEOMETRYCOLLECTION", "LINEARRING"]

    /// A type name, EMPTY, or a dimension word (Z, M, ZM, also run together: POINTZ).
    private static func word(_ typed: String, depth: Int) throws {
        let w = typed.uppercased()
        var dim = w
        if let t = types.first(where: { w.hasPrefix($0) }) { dim = String(w.dropFirst(t.count)) }
        if ["Z", "M", "ZM"].contains(dim) { throw dimension(dim) }
        guard dim.isEmpty || dim == "EMPTY" || (dim == "NAN" || dim == "INF" || dim == "INFINITY") else {
            throw malformed(th: "ไม่รู้จักคำ '\(typed)'", en: "unknown word '\(typed)'")
        }
        if depth > 0, dim == "NAN" || dim == "INF" || dim == "INFINITY" {
            throw malformed(th: "พิกัด '\(typed)' ไม่ใช่ตัวเลขจำกัด", en: "coordinate '\(typed)' is not a finite number")
        }
    }

    /// One position: exactly x and y, both finite numbers.
    private static func ordinates(_ tuple: String, _ text: String) throws {
        let parts = tuple.split(whereSeparator: { $0.isWhitespace })
        if parts.isEmpty { return }
        for p in parts {
            guard let v = Double(p) else { throw malformed(th: "อ่านตัวเลข '\(p)' ไม่ได้", en: "cannot read the number '\(p)'") }
            guard v.isFinite else { throw malformed(th: "พิกัด '\(p)' ไม่ใช่ตัวเลขจำกัด", en: "coordinate '\(p)' is not a finite number") }
        }
        if parts.count == 3 { throw dimension("Z") }
        if parts.count == 4 { throw dimension("ZM") }
        guard parts.count == 2 else {
            throw malformed(th: "ตำแหน่ง '\(trim(tuple))' ต้องมี 2 ค่า (x y) แต่มี \(parts.count)",
                            en: "position '\(trim(tuple))' needs 2 values (x y), has \(parts.count)")
        }
    }

    private static func dimension(_ d: String) -> GEOSError {
        malformed(th: "พิกัดมีค่า \(d) (ความสูง/ค่าวัด) ซึ่งไม่ได้เก็บ: ใส่เฉพาะ x y (ลองจิจูด ละติจูด)",
                  en: "coordinates carry \(d) (height/measure), which is not stored: give x y (longitude latitude) only")
    }

    private static func malformed(th: String, en: String) -> GEOSError {
        GEOSError(kind: .malformedWKT, operation: "WKT", detail: Message(th: th, en: en))
    }
}
