import EPlanGeometry

/// OGC Well-Known Binary (2D, little endian): how geometries travel to and from PostGIS
/// (`ST_GeomFromWKB`, `ST_AsBinary`). Doubles pass bit for bit, so a geometry read back is
/// the one written and the exports of both backends are byte-identical.
public enum WKB {
    /// The WKB of `g`, nil for an empty geometry (stored as NULL, as SQLite does).
    public static func encode(_ g: Geometry) -> [UInt8]? {
        if g.isEmpty { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(9 + 16 * g.coordinateCount)
        write(g, into: &out)
        return out
    }

    private static func write(_ g: Geometry, into out: inout [UInt8]) {
        out.append(1)
        uint32(g.type.wkbCode, &out)
        switch g {
        case .point(let c): coordinate(c, &out)
        case .lineString(let cs): coordinates(cs, &out)
        case .polygon(let p): polygon(p, &out)
        case .multiPoint(let cs):
            uint32(UInt32(cs.count), &out)
            for c in cs { write(.point(c), into: &out) }
        case .multiLineString(let ls):
            uint32(UInt32(ls.count), &out)
            for l in ls { write(.lineString(l), into: &out) }
        case .multiPolygon(let ps):
            uint32(UInt32(ps.count), &out)
            for p in ps { write(.polygon(p), into: &out) }
        case .geometryCollection(let gs):
            uint32(UInt32(gs.count), &out)
            for m in gs { write(m, into: &out) }
        }
    }

    private static func uint32(_ v: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
    private static func coordinate(_ c: Coordinate, _ out: inout [UInt8]) {
        withUnsafeBytes(of: c.x.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: c.y.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }
    private static func coordinates(_ cs: [Coordinate], _ out: inout [UInt8]) {
        uint32(UInt32(cs.count), &out)
        for c in cs { coordinate(c, &out) }
    }
    private static func polygon(_ p: Polygon, _ out: inout [UInt8]) {
        uint32(UInt32(p.rings.count), &out)
        for r in p.rings { coordinates(r, &out) }
    }

    /// Reads WKB (either byte order; Z/M ordinates dropped).
    public static func decode(_ bytes: [UInt8]) throws -> Geometry {
        var r = Reader(bytes: bytes)
        return try r.geometry()
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var little = true

        mutating func need(_ n: Int) throws {
            guard offset + n <= bytes.count else {
                throw SpatiaLiteBlobError(reason: .truncated, offset: offset)
            }
        }
        mutating func byte() throws -> UInt8 { try need(1); defer { offset += 1 }; return bytes[offset] }
        mutating func uint32() throws -> UInt32 {
            try need(4)
            var v: UInt32 = 0
            for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * (little ? i : 3 - i)) }
            offset += 4
            return v
        }
        mutating func double() throws -> Double {
            try need(8)
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * (little ? i : 7 - i)) }
            offset += 8
            return Double(bitPattern: v)
        }
        mutating func coordinate(_ extra: Int) throws -> Coordinate {
            let c = Coordinate(try double(), try double())
            for _ in 0..<extra { _ = try double() }
            return c
        }
        mutating func count(_ minBytes: Int) throws -> Int {
            let n = Int(try uint32())
            guard n * minBytes <= bytes.count - offset else { throw SpatiaLiteBlobError(reason: .truncated, offset: offset) }
            return n
        }
        mutating func coordinates(_ extra: Int) throws -> [Coordinate] {
            let n = try count(16)
            var out: [Coordinate] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try coordinate(extra)) }
            return out
        }

        mutating func geometry() throws -> Geometry {
            little = try byte() == 1
            let code = try uint32()
            // ISO (1000s for Z/M) and EWKB (high flag bits) dimension markers.
            var extra = (code & 0x8000_0000 != 0 ? 1 : 0) + (code & 0x4000_0000 != 0 ? 1 : 0)
            if code & 0x2000_0000 != 0 { _ = try uint32() }  // EWKB SRID
            let base = code & 0x0FFF_FFFF
            extra += [0, 1, 1, 2][Int(min(base / 1000, 3))]
            guard let type = GeometryType(wkbCode: base % 1000) else {
                throw SpatiaLiteBlobError(reason: .unknownType(code), offset: offset - 4)
            }
            switch type {
            case .point: return .point(try coordinate(extra))
            case .lineString: return .lineString(try coordinates(extra))
            case .polygon: return .polygon(Polygon(rings: try (0..<count(4)).map { _ in try coordinates(extra) }))
            case .multiPoint, .multiLineString, .multiPolygon, .geometryCollection:
                let members = try (0..<count(9)).map { _ in try geometry() }
                return try collect(type, members)
            }
        }

        func collect(_ type: GeometryType, _ members: [Geometry]) throws -> Geometry {
            switch type {
            case .multiPoint:
                return .multiPoint(try members.map { if case .point(let c) = $0 { return c }; throw mixed() })
            case .multiLineString:
                return .multiLineString(try members.map { if case .lineString(let l) = $0 { return l }; throw mixed() })
            case .multiPolygon:
                return .multiPolygon(try members.map { if case .polygon(let p) = $0 { return p }; throw mixed() })
            default: return .geometryCollection(members)
            }
        }
        func mixed() -> SpatiaLiteBlobError { SpatiaLiteBlobError(reason: .badEntityType, offset: offset) }
    }
}
