// Byte-level writers for the exporter: numbers, JSON and CSV strings, and geometries read
// straight from SpatiaLite BLOBs (no Geometry values, no Strings per row).
import Foundation

/// Plain decimals (never exponent notation) with at most `precision` fraction digits,
/// trailing zeros trimmed; `keepPoint` writes "12.0" for whole values (so readers such as
/// GDAL see a Real, not an Integer).
struct DecimalWriter {
    let precision: Int
    let keepPoint: Bool
    private let scale: Double
    private static let powers: [Double] = (0...15).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }
    private static let limit = 9_007_199_254_740_992.0 // 2^53

    init(precision: Int, keepPoint: Bool = false) {
        self.precision = min(max(precision, 0), 15)
        self.keepPoint = keepPoint
        self.scale = DecimalWriter.powers[self.precision]
    }

    @inline(__always)
    func write(_ v: Double, into out: inout [UInt8]) {
        guard v.isFinite else { out.append(contentsOf: "null".utf8); return }
        var p = precision
        var scaled = (v * scale).rounded()
        while Swift.abs(scaled) >= DecimalWriter.limit && p > 0 {
            p -= 1
            scaled = (v * DecimalWriter.powers[p]).rounded()
        }
        let mag = Swift.abs(scaled)
        if mag >= 1.8e19 {
            // Beyond UInt64 (no budget or coordinate gets here): whole digits, still no exponent.
            out.append(contentsOf: String(format: "%.0f", v).utf8)
            if keepPoint { out.append(contentsOf: ".0".utf8) }
            return
        }
        if scaled < 0 && mag != 0 { out.append(UInt8(ascii: "-")) }
        let u = UInt64(mag)
        if p == 0 {
            writeDigits(u, minDigits: 1, into: &out)
            if keepPoint { out.append(contentsOf: ".0".utf8) }
            return
        }
        let unit = UInt64(DecimalWriter.powers[p])
        writeDigits(u / unit, minDigits: 1, into: &out)
        var frac = u % unit
        if frac == 0 {
            if keepPoint { out.append(contentsOf: ".0".utf8) }
            return
        }
        var digits = p
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        out.append(UInt8(ascii: "."))
        writeDigits(frac, minDigits: digits, into: &out)
    }
}

/// Decimal digits of `v`, left-padded with zeros to `minDigits` (at most 20).
@inline(__always)
func writeDigits(_ v: UInt64, minDigits: Int, into out: inout [UInt8]) {
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &tmp) { raw in
        var i = raw.count, v = v
        repeat {
            i -= 1
            raw[i] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0")
            v /= 10
        } while v != 0 || raw.count - i < minDigits
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))
    }
}

@inline(__always)
func writeInteger(_ v: Int64, into out: inout [UInt8]) {
    if v < 0 { out.append(UInt8(ascii: "-")) }
    writeDigits(v.magnitude, minDigits: 1, into: &out)
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// A JSON string from UTF-8 bytes: quotes, backslashes and control characters escaped,
/// everything else (Thai included) copied as is.
@inline(__always)
func writeJSONString(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var clean = true
    for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { clean = false; break }
    if clean {
        out.append(contentsOf: bytes)
    } else {
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 15)])
            default: out.append(b)
            }
        }
    }
    out.append(UInt8(ascii: "\""))
}

/// One CSV field (RFC 4180): quoted only when it holds a comma, quote, CR or LF.
@inline(__always)
func writeCSVField(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
    var plain = true
    for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D { plain = false; break }
    if plain { out.append(contentsOf: bytes); return }
    out.append(UInt8(ascii: "\""))
    for b in bytes {
        if b == UInt8(ascii: "\"") { out.append(b) }
        out.append(b)
    }
    out.append(UInt8(ascii: "\""))
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

    struct Malformed: Error {}

    /// The MBR in the BLOB header (exact doubles), for the envelope check after the R*Tree.
    static func envelope(_ blob: UnsafeRawBufferPointer) throws -> Envelope {
        var r = try Reader(blob)
        r.offset = 6
        return Envelope(minX: try r.double(), minY: try r.double(), maxX: try r.double(), maxY: try r.double())
    }

    func write(_ blob: UnsafeRawBufferPointer, into out: inout [UInt8]) throws {
        var r = try Reader(blob)
        r.offset = 39
        let (type, dims) = try r.classType()
        try geometry(type, dims, &r, &out)
        guard r.offset == blob.count - 1 else { throw Malformed() }
    }

    private static let names: [UInt32: (json: String, wkt: String)] = [
        1: ("Point", "POINT"), 2: ("LineString", "LINESTRING"), 3: ("Polygon", "POLYGON"),
        4: ("MultiPoint", "MULTIPOINT"), 5: ("MultiLineString", "MULTILINESTRING"),
        6: ("MultiPolygon", "MULTIPOLYGON"), 7: ("GeometryCollection", "GEOMETRYCOLLECTION"),
    ]

    private func geometry(_ type: UInt32, _ dims: Int, _ r: inout Reader, _ out: inout [UInt8]) throws {
        guard let name = BlobGeometryWriter.names[type] else { throw Malformed() }
        switch syntax {
        case .geoJSON:
            out.append(contentsOf: #"{"type":""#.utf8)
            out.append(contentsOf: name.json.utf8)
            out.append(contentsOf: type == 7 ? #"","geometries":"#.utf8 : #"","coordinates":"#.utf8)
        case .wkt:
            out.append(contentsOf: name.wkt.utf8)
            out.append(UInt8(ascii: " "))
        }
        try body(type, dims, &r, &out)
        if syntax == .geoJSON { out.append(UInt8(ascii: "}")) }
    }

    @inline(__always) private func open(_ out: inout [UInt8]) { out.append(syntax == .geoJSON ? UInt8(ascii: "[") : UInt8(ascii: "(")) }
    @inline(__always) private func close(_ out: inout [UInt8]) { out.append(syntax == .geoJSON ? UInt8(ascii: "]") : UInt8(ascii: ")")) }
    @inline(__always) private func separator(_ out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        if syntax == .wkt { out.append(UInt8(ascii: " ")) }
    }

    /// A position: [x,y] in GeoJSON, "x y" in WKT (bare, inside a list).
    @inline(__always)
    private func position(_ x: Double, _ y: Double, _ out: inout [UInt8]) {
        if syntax == .geoJSON {
            out.append(UInt8(ascii: "["))
            number.write(x, into: &out)
            out.append(UInt8(ascii: ","))
            number.write(y, into: &out)
            out.append(UInt8(ascii: "]"))
        } else {
            number.write(x, into: &out)
            out.append(UInt8(ascii: " "))
            number.write(y, into: &out)
        }
    }

    private func body(_ type: UInt32, _ dims: Int, _ r: inout Reader, _ out: inout [UInt8]) throws {
        switch type {
        case 1:
            let x = try r.double(), y = try r.double()
            try r.skip(dims)
            if syntax == .wkt { open(&out) }
            position(x, y, &out)
            if syntax == .wkt { close(&out) }
        case 2:
            try points(dims, &r, &out, ring: nil)
        case 3:
            try polygon(dims, &r, &out)
        case 4, 5, 6, 7:
            let n = try r.count(minBytesEach: 5)
            open(&out)
            for i in 0..<n {
                if i > 0 { separator(&out) }
                guard try r.byte() == 0x69 else { throw Malformed() }
                let (t, d) = try r.classType()
                guard d == dims else { throw Malformed() }
                switch (type, t) {
                case (4, 1):
                    let x = try r.double(), y = try r.double()
                    try r.skip(dims)
                    if syntax == .wkt { open(&out) }
                    position(x, y, &out)
                    if syntax == .wkt { close(&out) }
                case (5, 2): try points(dims, &r, &out, ring: nil)
                case (6, 3): try polygon(dims, &r, &out)
                case (7, 1), (7, 2), (7, 3): try geometry(t, d, &r, &out)
                default: throw Malformed()
                }
            }
            close(&out)
        default:
            throw Malformed()
        }
    }

    private func polygon(_ dims: Int, _ r: inout Reader, _ out: inout [UInt8]) throws {
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
    private func points(_ dims: Int, _ r: inout Reader, _ out: inout [UInt8], ring: RingRole?) throws {
        let stride = 16 + dims
        let n = try r.count(minBytesEach: stride)
        let start = r.offset
        r.offset += n * stride
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

    /// Bounds-checked reads over the BLOB (the body ends before the final 0xFE).
    struct Reader {
        let buffer: UnsafeRawBufferPointer
        let little: Bool
        var offset = 0

        init(_ b: UnsafeRawBufferPointer) throws {
            guard b.count >= 44, b[0] == 0x00, b[38] == 0x7C, b[b.count - 1] == 0xFE, b[1] <= 1 else { throw Malformed() }
            buffer = b
            little = b[1] == 1
        }

        @inline(__always) private func need(_ n: Int) throws {
            if offset + n > buffer.count - 1 { throw Malformed() }
        }
        mutating func byte() throws -> UInt8 {
            try need(1)
            defer { offset += 1 }
            return buffer[offset]
        }
        mutating func uint32() throws -> UInt32 {
            try need(4)
            let v = buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            offset += 4
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        mutating func double() throws -> Double {
            try need(8)
            defer { offset += 8 }
            return double(at: offset)
        }
        /// Unchecked: callers have checked the range (`count` does for a whole list).
        @inline(__always) func double(at o: Int) -> Double {
            let v = buffer.loadUnaligned(fromByteOffset: o, as: UInt64.self)
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }
        mutating func skip(_ n: Int) throws { try need(n); offset += n }
        /// Base type (1…7) and the bytes of Z/M per position.
        mutating func classType() throws -> (UInt32, Int) {
            let code = try uint32()
            let d = code / 1000
            guard d <= 3 else { throw Malformed() }
            return (code % 1000, (d == 1 || d == 2) ? 8 : d == 3 ? 16 : 0)
        }
        mutating func count(minBytesEach: Int) throws -> Int {
            let n = Int(try uint32())
            if n * minBytesEach > buffer.count - 1 - offset { throw Malformed() }
            return n
        }
    }
}
