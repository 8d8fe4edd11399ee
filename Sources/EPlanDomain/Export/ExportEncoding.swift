// Byte-level writers for the exporter: numbers, JSON and CSV strings, and geometries read
// straight from SpatiaLite BLOBs (no Geometry values, no Strings, no Swift arrays per row).
import Foundation

/// A growable byte buffer over raw memory: appends are a capacity check and a store, with no
/// reference counting or uniqueness checks (the row loop appends a few hundred times per
/// feature). The owner calls `deallocate()`.
/// One owner of a growing byte buffer: `~Copyable`, so two copies can never free or grow the
/// same memory; it is freed when its owner ends.
public struct ByteWriter: ~Copyable {
    public internal(set) var base: UnsafeMutablePointer<UInt8>
    public internal(set) var count = 0
    public private(set) var capacity: Int

    public init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(n) }
    }

    @inline(never) mutating func grow(_ n: Int) {
        let newCapacity = max(capacity * 2, count + n)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = newCapacity
    }

    @inline(__always) public mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count &+= 1
    }

    @inline(__always) mutating func bytes(_ p: UnsafeRawPointer, _ n: Int) {
        reserve(n)
        UnsafeMutableRawPointer(base + count).copyMemory(from: p, byteCount: n)
        count &+= n
    }

    @inline(__always) mutating func literal(_ s: StaticString) {
        bytes(UnsafeRawPointer(s.utf8Start), s.utf8CodeUnitCount)
    }

    public mutating func append(_ a: [UInt8]) {
        a.withUnsafeBytes { if let b = $0.baseAddress { bytes(b, $0.count) } }
    }

    public mutating func removeAll() { count = 0 }

    public var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// Plain decimals (never exponent notation) with at most `precision` fraction digits,
/// trailing zeros trimmed; `keepPoint` writes "12.0" for whole values (so readers such as
/// GDAL see a Real, not an Integer).
struct DecimalWriter {
    let precision: Int
    let keepPoint: Bool
    private let scale: Double
    private let unit: UInt64
    private static let powers: [Double] = (0...15).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }
    private static let limit = 9_007_199_254_740_992.0 // 2^53

    init(precision: Int, keepPoint: Bool = false) {
        self.precision = min(max(precision, 0), 15)
        self.keepPoint = keepPoint
        self.scale = DecimalWriter.powers[self.precision]
        self.unit = UInt64(self.scale)
    }

    @inline(__always)
    func write(_ v: Double, into w: inout ByteWriter) {
        let scaled = (v * scale).rounded()
        if v.isFinite && Swift.abs(scaled) < DecimalWriter.limit {
            fast(scaled, precision, unit, &w)
        } else {
            slow(v, &w)
        }
    }

    @inline(__always)
    private func fast(_ scaled: Double, _ p: Int, _ unit: UInt64, _ w: inout ByteWriter) {
        let mag = Swift.abs(scaled)
        if scaled < 0 && mag != 0 { w.byte(UInt8(ascii: "-")) }
        let u = UInt64(mag)
        writeDigits(u / unit, minDigits: 1, into: &w)
        var frac = u % unit
        if frac == 0 {
            if keepPoint { w.byte(UInt8(ascii: ".")); w.byte(UInt8(ascii: "0")) }
            return
        }
        var digits = p
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        w.byte(UInt8(ascii: "."))
        writeDigits(frac, minDigits: digits, into: &w)
    }

    @inline(never)
    private func slow(_ v: Double, _ w: inout ByteWriter) {
        guard v.isFinite else { w.literal("null"); return }
        var p = precision
        var scaled = (v * DecimalWriter.powers[p]).rounded()
        while Swift.abs(scaled) >= DecimalWriter.limit && p > 0 {
            p -= 1
            scaled = (v * DecimalWriter.powers[p]).rounded()
        }
        if Swift.abs(scaled) < DecimalWriter.limit {
            fast(scaled, p, UInt64(DecimalWriter.powers[p]), &w)
            return
        }
        // Beyond 2^53 (no budget or coordinate gets here): whole digits, still no exponent.
        var s = String(format: "%.0f", v)
        if keepPoint { s += ".0" }
        w.append(Array(s.utf8))
    }

    /// For tests and small callers.
    func string(_ v: Double) -> String {
        var w = ByteWriter(capacity: 64)
        write(v, into: &w)
        return String(decoding: w.array, as: UTF8.self)
    }
}

/// Decimal digits of `v`, left-padded with zeros to `minDigits`, written in place.
@inline(__always)
func writeDigits(_ v: UInt64, minDigits: Int, into w: inout ByteWriter) {
    var n = 1
    var t = v
    while t >= 10 { t /= 10; n &+= 1 }
    if n < minDigits { n = minDigits }
    w.reserve(n)
    var p = w.base + w.count + n
    var v = v
    for _ in 0..<n {
        p -= 1
        p.pointee = UInt8(truncatingIfNeeded: v % 10) &+ 48
        v /= 10
    }
    w.count &+= n
}

@inline(__always)
func writeInteger(_ v: Int64, into w: inout ByteWriter) {
    if v < 0 { w.byte(UInt8(ascii: "-")) }
    writeDigits(v.magnitude, minDigits: 1, into: &w)
}

private let hexDigits: StaticString = "0123456789abcdef"

/// A JSON string from UTF-8 bytes: quotes, backslashes and control characters escaped,
/// everything else (Thai included) copied as is.
@inline(__always)
func writeJSONString(_ p: UnsafePointer<UInt8>, _ n: Int, into w: inout ByteWriter) {
    w.reserve(n &+ 2)
    w.base[w.count] = 0x22
    w.count &+= 1
    if !needsJSONEscape(p, n) {
        w.bytes(p, n)
    } else {
        writeEscaped(p, n, &w)
    }
    w.byte(0x22)
}

/// Whether any byte is a control character, a quote or a backslash; eight bytes at a time
/// (the exact "has a byte less than / equal to" word tests), as names are mostly Thai.
@inline(__always)
func needsJSONEscape(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i &+ 8 <= n {
        let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let control = (v &- ones &* 0x20) & ~v & highs
        let q = v ^ (ones &* 0x22), b = v ^ (ones &* 0x5C)
        let quote = (q &- ones) & ~q & highs
        let backslash = (b &- ones) & ~b & highs
        if control | quote | backslash != 0 { return true }
        i &+= 8
    }
    while i < n {
        let c = p[i]
        if c < 0x20 || c == 0x22 || c == 0x5C { return true }
        i &+= 1
    }
    return false
}

@inline(never)
private func writeEscaped(_ p: UnsafePointer<UInt8>, _ n: Int, _ w: inout ByteWriter) {
    for i in 0..<n {
        let b = p[i]
        switch b {
        case 0x22: w.literal(#"\""#)
        case 0x5C: w.literal(#"\\"#)
        case 0x0A: w.literal(#"\n"#)
        case 0x0D: w.literal(#"\r"#)
        case 0x09: w.literal(#"\t"#)
        case 0..<0x20:
            w.literal(#"\u00"#)
            w.byte(hexDigits.utf8Start[Int(b >> 4)]); w.byte(hexDigits.utf8Start[Int(b & 15)])
        default: w.byte(b)
        }
    }
}

/// One CSV field (RFC 4180): quoted only when it holds a comma, quote, CR or LF.
@inline(__always)
func writeCSVField(_ p: UnsafePointer<UInt8>, _ n: Int, into w: inout ByteWriter) {
    var plain = true
    for i in 0..<n {
        let b = p[i]
        if b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { plain = false; break }
    }
    if plain { w.bytes(p, n); return }
    w.byte(0x22)
    for i in 0..<n {
        if p[i] == 0x22 { w.byte(0x22) }
        w.byte(p[i])
    }
    w.byte(0x22)
}

/// Writes a SpatiaLite geometry BLOB as a GeoJSON geometry object or as WKT, reading the
/// coordinates in place. Polygon rings follow the right-hand rule of RFC 7946 §3.1.6:
/// exterior rings counter-clockwise, holes clockwise — a ring stored the other way round
/// (by its signed area) is written reversed. Z and M are dropped (GeoJSON here is 2D).
struct BlobGeometryWriter {
    enum Syntax { case geoJSON, wkt }
    let syntax: Syntax
    let number: DecimalWriter

    init(syntax: Syntax, precision: Int) {
        self.syntax = syntax
        self.number = DecimalWriter(precision: precision)
    }

    typealias Reader = SpatiaLiteBlob.Reader

    /// The MBR in the BLOB header (exact doubles), for the envelope check after the R*Tree.
    static func envelope(_ blob: UnsafeRawBufferPointer) throws -> Envelope {
        var r = try Reader(checkingHeaderOf: blob)  // leaves the reader just after the SRID
        return Envelope(minX: try r.double(), minY: try r.double(), maxX: try r.double(), maxY: try r.double())
    }

    /// Streams the BLOB's geometry as text, reading it through the store's one BLOB reader
    /// (no `Geometry` value is built: this runs once per exported feature).
    func write(_ blob: UnsafeRawBufferPointer, into out: inout ByteWriter) throws {
        var r = try Reader(checkingHeaderOf: blob)
        r.seekToBody()
        let (type, dims) = try r.classType()
        try geometry(type, dims.extra, &r, &out)
        guard r.isAtEnd else { throw r.error(.trailingBytes, at: r.offset) }
    }

    private static func jsonHead(_ t: GeometryType) -> StaticString {
        switch t {
        case .point: return #"{"type":"Point","coordinates":"#
        case .lineString: return #"{"type":"LineString","coordinates":"#
        case .polygon: return #"{"type":"Polygon","coordinates":"#
        case .multiPoint: return #"{"type":"MultiPoint","coordinates":"#
        case .multiLineString: return #"{"type":"MultiLineString","coordinates":"#
        case .multiPolygon: return #"{"type":"MultiPolygon","coordinates":"#
        case .geometryCollection: return #"{"type":"GeometryCollection","geometries":"#
        }
    }

    private static func wktHead(_ t: GeometryType) -> StaticString {
        switch t {
        case .point: return "POINT "
        case .lineString: return "LINESTRING "
        case .polygon: return "POLYGON "
        case .multiPoint: return "MULTIPOINT "
        case .multiLineString: return "MULTILINESTRING "
        case .multiPolygon: return "MULTIPOLYGON "
        case .geometryCollection: return "GEOMETRYCOLLECTION "
        }
    }

    private func geometry(_ type: GeometryType, _ dims: Int, _ r: inout Reader, _ out: inout ByteWriter) throws {
        out.literal(syntax == .geoJSON ? BlobGeometryWriter.jsonHead(type) : BlobGeometryWriter.wktHead(type))
        try body(type, dims, &r, &out)
        if syntax == .geoJSON { out.byte(UInt8(ascii: "}")) }
    }

    @inline(__always) private func open(_ out: inout ByteWriter) { out.byte(syntax == .geoJSON ? UInt8(ascii: "[") : UInt8(ascii: "(")) }
    @inline(__always) private func close(_ out: inout ByteWriter) { out.byte(syntax == .geoJSON ? UInt8(ascii: "]") : UInt8(ascii: ")")) }
    @inline(__always) private func separator(_ out: inout ByteWriter) {
        out.byte(UInt8(ascii: ","))
        if syntax == .wkt { out.byte(UInt8(ascii: " ")) }
    }

    /// A position: [x,y] in GeoJSON, "x y" in WKT (bare, inside a list).
    @inline(__always)
    private func position(_ x: Double, _ y: Double, _ out: inout ByteWriter) {
        if syntax == .geoJSON {
            out.byte(UInt8(ascii: "["))
            number.write(x, into: &out)
            out.byte(UInt8(ascii: ","))
            number.write(y, into: &out)
            out.byte(UInt8(ascii: "]"))
        } else {
            number.write(x, into: &out)
            out.byte(UInt8(ascii: " "))
            number.write(y, into: &out)
        }
    }

    private func body(_ type: GeometryType, _ dims: Int, _ r: inout Reader, _ out: inout ByteWriter) throws {
        switch type {
        case .point:
            let x = try r.double(), y = try r.double()
            try r.skip(dims)
            if syntax == .wkt { open(&out) }
            position(x, y, &out)
            if syntax == .wkt { close(&out) }
        case .lineString:
            try points(dims, &r, &out, ring: nil)
        case .polygon:
            try polygon(dims, &r, &out)
        case .multiPoint, .multiLineString, .multiPolygon, .geometryCollection:
            let n = try r.count(minBytesEach: 5)
            open(&out)
            for i in 0..<n {
                if i > 0 { separator(&out) }
                let at = r.offset
                guard try r.byte() == SpatiaLiteBlob.entityMarker else { throw r.error(.badEntityMarker, at: at) }
                let (t, d) = try r.classType()
                guard d.extra == dims else { throw r.error(.badEntityType, at: at + 1) }
                switch (type, t) {
                case (.multiPoint, .point):
                    let x = try r.double(), y = try r.double()
                    try r.skip(dims)
                    if syntax == .wkt { open(&out) }
                    position(x, y, &out)
                    if syntax == .wkt { close(&out) }
                case (.multiLineString, .lineString): try points(dims, &r, &out, ring: nil)
                case (.multiPolygon, .polygon): try polygon(dims, &r, &out)
                case (.geometryCollection, .point), (.geometryCollection, .lineString), (.geometryCollection, .polygon):
                    try geometry(t, d.extra, &r, &out)
                default: throw r.error(.badEntityType, at: at + 1)
                }
            }
            close(&out)
        }
    }

    private func polygon(_ dims: Int, _ r: inout Reader, _ out: inout ByteWriter) throws {
        let n = try r.count(minBytesEach: 4)
        open(&out)
        for i in 0..<n {
            if i > 0 { separator(&out) }
            try points(dims, &r, &out, ring: i == 0 ? .exterior : .hole)
        }
        close(&out)
    }

    enum RingRole { case exterior, hole }

    /// A list of positions; a ring is reversed when its winding breaks the right-hand rule.
    private func points(_ dims: Int, _ r: inout Reader, _ out: inout ByteWriter, ring: RingRole?) throws {
        let stride = 16 + dims
        let n = try r.count(minBytesEach: stride)
        let start = r.offset
        try r.skip(n * stride)
        var reverse = false
        if let ring, n >= 4 {
            // Twice the signed area (shoelace), relative to the first vertex for precision.
            let x0 = r.double(at: start), y0 = r.double(at: start + 8)
            var area = 0.0
            var px = 0.0, py = 0.0
            for i in 1..<n {
                let o = start + i * stride
                let x = r.double(at: o) - x0, y = r.double(at: o + 8) - y0
                area += px * y - x * py
                px = x; py = y
            }
            reverse = ring == .exterior ? area < 0 : area > 0
        }
        open(&out)
        for k in 0..<n {
            if k > 0 { separator(&out) }
            let i = reverse ? n - 1 - k : k
            let o = start + i * stride
            position(r.double(at: o), r.double(at: o + 8), &out)
        }
        close(&out)
    }
}
