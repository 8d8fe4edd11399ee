import EPlanGeometry

/// SpatiaLite's internal geometry BLOB, the format QGIS, GDAL and spatialite read and write:
///
///     0x00 | endian (0x01 little, 0x00 big) | int32 SRID | 4 doubles MBR (minx miny maxx maxy)
///     | 0x7C | int32 class type | body | 0xFE
///
/// The body is WKB without per-geometry headers, except that each entity inside a
/// MULTI* or GEOMETRYCOLLECTION starts with 0x69 and its int32 type.
///
/// Decisions:
/// - Empty geometries have no BLOB form (SpatiaLite cannot hold an empty point and has no
///   MBR for an empty anything), so `encode` returns nil and callers store NULL.
/// - SpatiaLite collections hold only points, lines and polygons: a multi or nested
///   collection inside a collection is written as its parts (spatialite does the same).
/// - We write XY only; we read XYZ/XYM/XYZM by dropping Z and M. Compressed BLOBs are refused.
public enum SpatiaLiteBlob {
    static let headerSize = 43  // through the class type
    static let mbrMarker: UInt8 = 0x7C
    public static let entityMarker: UInt8 = 0x69
    static let endMarker: UInt8 = 0xFE

    // MARK: Encoding

    /// The BLOB for `g` (little endian), or nil for an empty geometry (store NULL).
    public static func encode(_ g: Geometry, srid: Int32) -> [UInt8]? {
        encode(g, srid: srid, littleEndian: true)
    }

    public static func encode(_ g: Geometry, srid: Int32, littleEndian: Bool) -> [UInt8]? {
        guard let mbr = g.envelope else { return nil }
        let g = normalized(g)
        let size = headerSize + bodySize(g) + 1
        var out = [UInt8](repeating: 0, count: size)
        out.withUnsafeMutableBytes { raw in
            var w = Writer(buffer: raw, little: littleEndian)
            w.byte(0x00)
            w.byte(littleEndian ? 0x01 : 0x00)
            w.int32(UInt32(bitPattern: srid))
            w.double(mbr.minX); w.double(mbr.minY); w.double(mbr.maxX); w.double(mbr.maxY)
            w.byte(mbrMarker)
            w.int32(g.type.wkbCode)
            w.body(g)
            w.byte(endMarker)
            assert(w.offset == size)
        }
        return out
    }

    /// Collections flattened to simple members (SpatiaLite's model).
    private static func normalized(_ g: Geometry) -> Geometry {
        guard case .geometryCollection(let members) = g else { return g }
        var flat: [Geometry] = []
        func add(_ m: Geometry) {
            switch m {
            case .point, .lineString, .polygon: flat.append(m)
            case .multiPoint(let ps): flat += ps.map { .point($0) }
            case .multiLineString(let ls): flat += ls.map { .lineString($0) }
            case .multiPolygon(let ps): flat += ps.map { .polygon($0) }
            case .geometryCollection(let gs): gs.forEach(add)
            }
        }
        members.forEach(add)
        return .geometryCollection(flat)
    }

    private static func polygonSize(_ p: Polygon) -> Int {
        4 + p.rings.reduce(0) { $0 + 4 + 16 * $1.count }
    }

    private static func bodySize(_ g: Geometry) -> Int {
        switch g {
        case .point: return 16
        case .lineString(let cs): return 4 + 16 * cs.count
        case .polygon(let p): return polygonSize(p)
        case .multiPoint(let cs): return 4 + cs.count * (5 + 16)
        case .multiLineString(let ls): return 4 + ls.reduce(0) { $0 + 5 + 4 + 16 * $1.count }
        case .multiPolygon(let ps): return 4 + ps.reduce(0) { $0 + 5 + polygonSize($1) }
        case .geometryCollection(let gs): return 4 + gs.reduce(0) { $0 + 5 + bodySize($1) }
        }
    }

    private struct Writer {
        let buffer: UnsafeMutableRawBufferPointer
        let little: Bool
        var offset = 0

        mutating func byte(_ b: UInt8) { buffer[offset] = b; offset += 1 }
        mutating func int32(_ v: UInt32) {
            buffer.storeBytes(of: little ? v.littleEndian : v.bigEndian, toByteOffset: offset, as: UInt32.self)
            offset += 4
        }
        mutating func count(_ n: Int) { int32(UInt32(n)) }
        mutating func double(_ d: Double) {
            let bits = d.bitPattern
            buffer.storeBytes(of: little ? bits.littleEndian : bits.bigEndian, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        mutating func coords(_ cs: [Coordinate]) {
            count(cs.count)
            for c in cs { double(c.x); double(c.y) }
        }
        mutating func polygon(_ p: Polygon) {
            count(p.rings.count)
            for r in p.rings { coords(r) }
        }
        mutating func entity(_ type: GeometryType) { byte(SpatiaLiteBlob.entityMarker); int32(type.wkbCode) }
        mutating func body(_ g: Geometry) {
            switch g {
            case .point(let c): double(c.x); double(c.y)
            case .lineString(let cs): coords(cs)
            case .polygon(let p): polygon(p)
            case .multiPoint(let cs):
                count(cs.count)
                for c in cs { entity(.point); double(c.x); double(c.y) }
            case .multiLineString(let ls):
                count(ls.count)
                for l in ls { entity(.lineString); coords(l) }
            case .multiPolygon(let ps):
                count(ps.count)
                for p in ps { entity(.polygon); polygon(p) }
            case .geometryCollection(let gs):
                count(gs.count)
                for m in gs { entity(m.type); body(m) }
            }
        }
    }

    // MARK: Decoding

    public static func decode(_ bytes: [UInt8]) throws -> (geometry: Geometry, srid: Int32) {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> (geometry: Geometry, srid: Int32) {
        var r = try Reader(checkingHeaderOf: bytes)
        let srid = Int32(bitPattern: r.srid)
        r.seekToBody()
        let (base, dims) = try r.classType()
        let g: Geometry
        switch base {
        case .point: g = .point(try r.coordinate(dims))
        case .lineString: g = .lineString(try r.coordinates(dims))
        case .polygon: g = .polygon(try r.polygon(dims))
        case .multiPoint:
            g = .multiPoint(try r.entities(dims, expect: .point) { try $0.coordinate(dims) })
        case .multiLineString:
            g = .multiLineString(try r.entities(dims, expect: .lineString) { try $0.coordinates(dims) })
        case .multiPolygon:
            g = .multiPolygon(try r.entities(dims, expect: .polygon) { try $0.polygon(dims) })
        case .geometryCollection:
            let n = try r.count(minBytesEach: 5)
            var members: [Geometry] = []
            members.reserveCapacity(n)
            for _ in 0..<n {
                let at = r.offset
                guard try r.byte() == entityMarker else { throw r.error(.badEntityMarker, at: at) }
                let (t, d) = try r.classType()
                guard d == dims else { throw r.error(.badEntityType, at: at + 1) }
                switch t {
                case .point: members.append(.point(try r.coordinate(dims)))
                case .lineString: members.append(.lineString(try r.coordinates(dims)))
                case .polygon: members.append(.polygon(try r.polygon(dims)))
                default: throw r.error(.badEntityType, at: at + 1)
                }
            }
            g = .geometryCollection(members)
        }
        let endAt = r.offset
        guard endAt == bytes.count - 1 else {
            throw r.error(endAt < bytes.count - 1 ? .trailingBytes : .truncated, at: endAt)
        }
        return (g, srid)
    }

    /// The MBR stored in the header, read without decoding the body; nil for an empty buffer
    /// (how a NULL column arrives). Throws for anything that is not a SpatiaLite BLOB.
    public static func envelope(of bytes: UnsafeRawBufferPointer) throws -> Envelope? {
        if bytes.isEmpty { return nil }
        var r = try Reader(checkingHeaderOf: bytes)
        r.offset = 6
        let minX = try r.double(), minY = try r.double(), maxX = try r.double(), maxY = try r.double()
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    public static func envelope(of bytes: [UInt8]) throws -> Envelope? {
        try bytes.withUnsafeBytes { try envelope(of: $0) }
    }

    /// The SRID in the header, without decoding.
    public static func srid(of bytes: UnsafeRawBufferPointer) throws -> Int32 {
        Int32(bitPattern: try Reader(checkingHeaderOf: bytes).srid)
    }

    /// Which extra ordinates (Z, M) each position carries; `extra` is their bytes.
    public struct Dims: Equatable, Sendable {
        public var z: Bool
        public var m: Bool
        public var extra: Int { (z ? 8 : 0) + (m ? 8 : 0) }
    }

    /// Bounds-checked reads over one BLOB: the one reader of the format, used by `decode`
    /// and by writers that stream a BLOB straight to text (the GeoJSON export).
    public struct Reader {
        public let buffer: UnsafeRawBufferPointer
        @usableFromInline var little = true
        public internal(set) var offset = 0
        var srid: UInt32 = 0

        /// Where the body begins: after the header and the class type's own 4 bytes.
        public static let bodyOffset = SpatiaLiteBlob.headerSize - 4

        /// Checks the fixed markers (start, endian, MBR marker, end) before anything is read.
        public init(checkingHeaderOf bytes: UnsafeRawBufferPointer) throws {
            buffer = bytes
            guard bytes.count >= SpatiaLiteBlob.headerSize + 1 else { throw error(.truncated, at: bytes.count) }
            guard bytes[0] == 0x00 else { throw error(.badStart, at: 0) }
            switch bytes[1] {
            case 0x01: little = true
            case 0x00: little = false
            default: throw error(.badEndian, at: 1)
            }
            guard bytes[38] == SpatiaLiteBlob.mbrMarker else { throw error(.badMBRMarker, at: 38) }
            guard bytes[bytes.count - 1] == SpatiaLiteBlob.endMarker else { throw error(.badEnd, at: bytes.count - 1) }
            offset = 2
            srid = try uint32()
        }

        public func error(_ reason: SpatiaLiteBlobError.Reason, at offset: Int) -> SpatiaLiteBlobError {
            SpatiaLiteBlobError(reason: reason, offset: offset)
        }

        /// The body ends before the final 0xFE, so reads stop there.
        private func need(_ n: Int) throws {
            if offset + n > buffer.count - 1 { throw error(.truncated, at: offset) }
        }

        /// Moves to the class type that starts the body (after the header and MBR).
        public mutating func seekToBody() { offset = Reader.bodyOffset }

        /// Skips `n` bytes (e.g. Z and M ordinates), checked.
        public mutating func skip(_ n: Int) throws { try need(n); offset += n }

        /// Whether the body was read to its end (just before the final 0xFE).
        public var isAtEnd: Bool { offset == buffer.count - 1 }

        /// A double at an absolute offset, unchecked: callers have checked the range (a
        /// `count(minBytesEach:)` does for a whole list of positions).
        @inlinable public func double(at o: Int) -> Double {
            let v = buffer.loadUnaligned(fromByteOffset: o, as: UInt64.self)
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }

        public mutating func byte() throws -> UInt8 {
            try need(1)
            defer { offset += 1 }
            return buffer[offset]
        }

        public mutating func uint32() throws -> UInt32 {
            try need(4)
            let v = buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            offset += 4
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }

        public mutating func double() throws -> Double {
            try need(8)
            let v = buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }

        public mutating func classType() throws -> (GeometryType, Dims) {
            let at = offset
            let code = try uint32()
            if code >= 1_000_000 { throw error(.compressed(code), at: at) }
            let dimsCode = code / 1000
            guard dimsCode <= 3, let t = GeometryType(wkbCode: code % 1000) else {
                throw error(.unknownType(code), at: at)
            }
            return (t, Dims(z: dimsCode == 1 || dimsCode == 3, m: dimsCode >= 2))
        }

        /// A count, refused when the remaining bytes cannot hold that many items
        /// (a corrupt count must not allocate gigabytes).
        public mutating func count(minBytesEach: Int) throws -> Int {
            let at = offset
            let n = Int(try uint32())
            if n * minBytesEach > buffer.count - 1 - offset { throw error(.truncated, at: at) }
            return n
        }

        mutating func coordinate(_ dims: Dims) throws -> Coordinate {
            let x = try double(), y = try double()
            if dims.extra > 0 { try need(dims.extra); offset += dims.extra }
            return Coordinate(x: x, y: y)
        }

        mutating func coordinates(_ dims: Dims) throws -> [Coordinate] {
            let n = try count(minBytesEach: 16 + dims.extra)
            var cs = [Coordinate]()
            cs.reserveCapacity(n)
            for _ in 0..<n { cs.append(try coordinate(dims)) }
            return cs
        }

        mutating func polygon(_ dims: Dims) throws -> Polygon {
            let n = try count(minBytesEach: 4)
            var rings: [Ring] = []
            rings.reserveCapacity(n)
            for _ in 0..<n { rings.append(try coordinates(dims)) }
            return Polygon(rings: rings)
        }

        mutating func entities<T>(_ dims: Dims, expect: GeometryType,
                                  _ read: (inout Reader) throws -> T) throws -> [T] {
            let n = try count(minBytesEach: 5)
            var items: [T] = []
            items.reserveCapacity(n)
            for _ in 0..<n {
                let at = offset
                guard try byte() == SpatiaLiteBlob.entityMarker else { throw error(.badEntityMarker, at: at) }
                let (t, d) = try classType()
                guard t == expect, d == dims else { throw error(.badEntityType, at: at + 1) }
                items.append(try read(&self))
            }
            return items
        }
    }
}

/// A BLOB that is not a well-formed SpatiaLite geometry; `offset` is the byte at fault.
public struct SpatiaLiteBlobError: UserFacingError, Equatable {
    public enum Reason: Equatable, Sendable {
        case truncated, badStart, badEndian, badMBRMarker, badEnd
        case badEntityMarker, badEntityType, trailingBytes
        case unknownType(UInt32), compressed(UInt32)
    }
    public let reason: Reason
    public let offset: Int

    public var message: Message {
        let (th, en): (String, String)
        switch reason {
        case .truncated: (th, en) = ("ข้อมูลขาดหาย", "data is truncated")
        case .badStart: (th, en) = ("ไบต์เริ่มต้นต้องเป็น 0x00", "start byte must be 0x00")
        case .badEndian: (th, en) = ("ไบต์ลำดับไบต์ต้องเป็น 0x00 หรือ 0x01", "endian byte must be 0x00 or 0x01")
        case .badMBRMarker: (th, en) = ("ไม่พบเครื่องหมาย MBR 0x7C", "missing MBR marker 0x7C")
        case .badEnd: (th, en) = ("ไบต์สุดท้ายต้องเป็น 0xFE", "last byte must be 0xFE")
        case .badEntityMarker: (th, en) = ("ไม่พบเครื่องหมายส่วนย่อย 0x69", "missing entity marker 0x69")
        case .badEntityType: (th, en) = ("ชนิดของส่วนย่อยไม่ถูกต้อง", "entity has the wrong type")
        case .trailingBytes: (th, en) = ("มีข้อมูลเกินก่อนไบต์ปิดท้าย", "extra bytes before the end marker")
        case .unknownType(let c): (th, en) = ("ไม่รู้จักชนิดรูปทรง \(c)", "unknown geometry type \(c)")
        case .compressed(let c): (th, en) = ("ไม่รองรับรูปทรงแบบบีบอัด (ชนิด \(c))", "compressed geometry (type \(c)) is not supported")
        }
        return Message(th: "รูปทรงเรขาคณิตของ SpatiaLite ไม่ถูกต้องที่ไบต์ \(offset): \(th)",
                       en: "invalid SpatiaLite geometry at byte \(offset): \(en)")
    }
}
