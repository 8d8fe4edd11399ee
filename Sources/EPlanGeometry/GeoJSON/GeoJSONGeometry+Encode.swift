// GeoJSON encoding into a byte buffer. Built for streaming a million features: no Foundation,
// no String(format:), numbers written digit by digit from a rounded integer.

extension GeoJSONGeometry {
    /// Compact GeoJSON geometry text, e.g. {"type":"Point","coordinates":[100.5,13.75]}.
    /// Numbers are rounded to `precision` decimals (clamped to 0...15), trailing zeros trimmed,
    /// never in exponent notation; key order is fixed so output is deterministic.
    public static func encode(_ g: Geometry, precision: Int = 7) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64 + g.coordinateCount * 24)
        encode(g, precision: precision, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the geometry's GeoJSON to `buffer` (for writers that batch many features).
    /// Non-finite numbers (which GeoJSON cannot carry) are written as `null`.
    public static func encode(_ g: Geometry, precision: Int = 7, into buffer: inout [UInt8]) {
        let f = DecimalFormat(precision: precision)
        write(g, f, &buffer)
    }

    private static func write(_ g: Geometry, _ f: DecimalFormat, _ out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: g.type.rawValue.utf8)
        if case .geometryCollection(let gs) = g {
            out.append(contentsOf: #"","geometries":["#.utf8)
            for (i, part) in gs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(part, f, &out)
            }
            out.append(contentsOf: "]}".utf8)
            return
        }
        out.append(contentsOf: #"","coordinates":"#.utf8)
        switch g {
        case .point(let c): position(c, f, &out)
        case .lineString(let cs), .multiPoint(let cs): positions(cs, f, &out)
        case .polygon(let p): rings(p.rings, f, &out)
        case .multiLineString(let ls):
            out.append(UInt8(ascii: "["))
            for (i, l) in ls.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                positions(l, f, &out)
            }
            out.append(UInt8(ascii: "]"))
        case .multiPolygon(let ps):
            out.append(UInt8(ascii: "["))
            for (i, p) in ps.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                rings(p.rings, f, &out)
            }
            out.append(UInt8(ascii: "]"))
        case .geometryCollection:
            break // written above
        }
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private static func position(_ c: Coordinate, _ f: DecimalFormat, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        f.write(c.x, into: &out)
        out.append(UInt8(ascii: ","))
        f.write(c.y, into: &out)
        out.append(UInt8(ascii: "]"))
    }

    private static func positions(_ cs: [Coordinate], _ f: DecimalFormat, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for i in cs.indices {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            position(cs[i], f, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func rings(_ rs: [Ring], _ f: DecimalFormat, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, r) in rs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            positions(r, f, &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}

/// Writes doubles as plain decimals with at most `precision` fraction digits.
///
/// The value is scaled by 10^precision and rounded to an integer, whose digits are then written
/// with the decimal point put back; so the text is within half a unit of the last decimal of the
/// value (plus one rounding of the scaling). When the scaled value would not fit exactly in a
/// Double's 53-bit integer range, fewer decimals are written — a Double that large has no more
/// meaningful decimals anyway.
struct DecimalFormat {
    let precision: Int
    private static let powers: [Double] = (0...15).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }
    private static let limit = 9_007_199_254_740_992.0 // 2^53

    init(precision: Int) { self.precision = min(max(precision, 0), 15) }

    func write(_ v: Double, into out: inout [UInt8]) {
        guard v.isFinite else { out.append(contentsOf: "null".utf8); return }
        var p = precision
        var scaled = (v * DecimalFormat.powers[p]).rounded()
        while Swift.abs(scaled) >= DecimalFormat.limit && p > 0 {
            p -= 1
            scaled = (v * DecimalFormat.powers[p]).rounded()
        }
        let mag = Swift.abs(scaled)
        if mag == 0 { out.append(UInt8(ascii: "0")); return }   // also turns -0 into 0
        if mag >= 1.8e19 {
            // Beyond UInt64: no real coordinate gets here; Swift's shortest form is still valid JSON.
            out.append(contentsOf: v.rounded().description.utf8)
            return
        }
        if scaled < 0 { out.append(UInt8(ascii: "-")) }
        let u = UInt64(mag)
        if p == 0 { DecimalFormat.writeDigits(u, minDigits: 1, into: &out); return }
        let unit = UInt64(DecimalFormat.powers[p])
        DecimalFormat.writeDigits(u / unit, minDigits: 1, into: &out)
        var frac = u % unit
        if frac == 0 { return }
        var digits = p
        while frac % 10 == 0 { frac /= 10; digits -= 1 }   // trim trailing zeros
        out.append(UInt8(ascii: "."))
        DecimalFormat.writeDigits(frac, minDigits: digits, into: &out)
    }

    /// Decimal digits of `v`, left-padded with zeros to `minDigits` (at most 20).
    /// Digits go right to left into a stack buffer, then one append: no reversal, no allocation.
    @inline(__always)
    static func writeDigits(_ v: UInt64, minDigits: Int, into out: inout [UInt8]) {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes; UInt64.max has 20 digits
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
}

extension GEOSGeometry {
    /// GeoJSON geometry text via `toGeometry()`.
    public func geoJSON(precision: Int = 7) throws -> String {
        GeoJSONGeometry.encode(try toGeometry(), precision: precision)
    }
}
