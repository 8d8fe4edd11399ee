import EPlanGeometry
#if canImport(Glibc)
import Glibc
#endif

/// A Military Grid Reference System reference, as GPS units show it: `47QMV5380948266`
/// (zone 47, latitude band Q, 100 km square MV, easting 53809, northing 48266 within it).
///
/// Only the WGS 84 lettering ("AA" scheme, MGRS-New) is read: column letters run A–H, J–R,
/// S–Z in zones 1, 2, 3 (repeating); row letters A–V (no I, O) start at A in odd zones and
/// at F in even ones and repeat every 2,000 km. The band letter says which 2,000 km cycle is
/// meant. Polar (UPS) bands A, B, Y, Z are not read.
public struct MGRSReference: Equatable, Sendable {
    public var zone: Int
    public var band: Unicode.Scalar
    public var column: Unicode.Scalar
    public var row: Unicode.Scalar
    /// The digits within the square, `precision` of each (1 = 10 km … 5 = 1 m).
    public var easting: Int
    public var northing: Int
    public var precision: Int

    static let bands = Array("CDEFGHJKLMNPQRSTUVWX".unicodeScalars)
    static let columnSets = ["ABCDEFGH", "JKLMNPQR", "STUVWXYZ"].map { Array($0.unicodeScalars) }
    static let rowLetters = Array("ABCDEFGHJKLMNPQRSTUV".unicodeScalars)

    public init(zone: Int, band: Unicode.Scalar, column: Unicode.Scalar, row: Unicode.Scalar,
                easting: Int, northing: Int, precision: Int) {
        self.zone = zone; self.band = band; self.column = column; self.row = row
        self.easting = easting; self.northing = northing; self.precision = precision
    }

    /// Reads `47QMV5380948266`, `47Q MV 53809 48266`, `47QMV 538 482` (case and spaces free).
    /// nil when the text does not have the shape of a reference; throws when it has the shape
    /// but a part is wrong (a letter that no square uses, odd digits).
    public static func parse(_ text: String) throws -> MGRSReference? {
        let s = Array(text.uppercased().unicodeScalars.filter { $0 != " " })
        func digit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        let zoneDigits = s.prefix(while: digit).count
        guard (1...2).contains(zoneDigits), s.count >= zoneDigits + 3 + 2 else { return nil }
        let letters = Array(s[zoneDigits..<(zoneDigits + 3)])
        let rest = Array(s[(zoneDigits + 3)...])
        guard letters.allSatisfy({ ("A"..."Z").contains($0) }), rest.allSatisfy(digit) else { return nil }
        let why: Message
        if rest.count % 2 != 0 || rest.count > 10 {
            why = Message(th: "ตัวเลขต้องมีจำนวนคู่ 2 ถึง 10 หลัก (ตะวันออกและเหนือเท่ากัน) แต่มี \(rest.count) หลัก",
                          en: "the digits must be an even count from 2 to 10 (as many for easting as for northing), found \(rest.count)")
            throw CoordinateParseError.mgrs(text.trimmingWhitespace(), why)
        }
        let p = rest.count / 2
        let e = Int(String(String.UnicodeScalarView(rest[..<p]))) ?? 0
        let n = Int(String(String.UnicodeScalarView(rest[p...]))) ?? 0
        return MGRSReference(zone: Int(String(String.UnicodeScalarView(s[..<zoneDigits]))) ?? 0,
                             band: letters[0], column: letters[1], row: letters[2], easting: e, northing: n, precision: p)
    }

    /// The centre of the referenced square in UTM: zone, hemisphere and metres (northing with
    /// the 10,000 km false northing in the south), as GeographicLib's MGRS::Reverse gives it.
    public func utm() throws -> (zone: Int, north: Bool, easting: Double, northing: Double) {
        let raw = "\(zone)\(band)\(column)\(row)"
        func fail(_ th: String, _ en: String) -> CoordinateParseError { .mgrs(raw, Message(th: th, en: en)) }
        guard (1...60).contains(zone) else { throw fail("โซน \(zone) ต้องอยู่ในช่วง 1 ถึง 60", "zone \(zone) must be 1 to 60") }
        guard let b = Self.bands.firstIndex(of: band) else {
            throw fail("แถบละติจูด '\(band)' ไม่มี (ใช้ C ถึง X ยกเว้น I, O; ขั้วโลกไม่รองรับ)",
                       "latitude band '\(band)' does not exist (C to X without I, O; polar bands are not read)")
        }
        let set = Self.columnSets[(zone - 1) % 3]
        guard let col = set.firstIndex(of: column) else {
            throw fail("อักษรคอลัมน์ '\(column)' ไม่ใช้ในโซน \(zone) (ใช้ \(String(String.UnicodeScalarView(set))))",
                       "column letter '\(column)' is not used in zone \(zone) (it uses \(String(String.UnicodeScalarView(set))))")
        }
        guard var r = Self.rowLetters.firstIndex(of: row) else {
            throw fail("อักษรแถว '\(row)' ไม่มี (ใช้ A ถึง V ยกเว้น I, O)", "row letter '\(row)' does not exist (A to V without I, O)")
        }
        if zone % 2 == 0 { r = (r + 20 - 5) % 20 }   // even zones start their rows at F
        let unit = pow(10.0, Double(5 - precision))
        let east = Double(col + 1) * 100_000 + Double(easting) * unit + unit / 2
        let inCycle = Double(r) * 100_000 + Double(northing) * unit
        // Bottom of the band on the central meridian (the lowest northing of that latitude),
        // down to its 100 km row: the first 2,000 km cycle at or above it is the one meant.
        let north = b >= 10
        let latBottom = Double(b * 8 - 80), latTop = b == 19 ? 84.0 : latBottom + 8
        let tm = TransverseMercator(zone: zone)
        let falseNorthing = north ? 0.0 : 10_000_000
        // (In the south a parallel bends down away from the meridian: take the zone edge too.)
        let lon0 = Double(zone * 6 - 183)
        let bandBottom = (min(tm.forward(Coordinate(lon0, latBottom)).y, tm.forward(Coordinate(lon0 + 3, latBottom)).y)
                          + falseNorthing) / 100_000
        var northing = inCycle
        while northing < bandBottom.rounded(.down) * 100_000 { northing += 2_000_000 }
        northing += unit / 2
        // A row letter that does not fit the band lands outside it by far more than a square.
        let lat = tm.inverse(Coordinate(east, northing - falseNorthing)).y
        guard lat >= latBottom - 1, lat <= latTop + 1 else {
            throw fail("อักษรแถว '\(row)' ไม่อยู่ในแถบละติจูด '\(band)' (\(Int(latBottom))° ถึง \(Int(latTop))°)",
                       "row letter '\(row)' does not lie in latitude band '\(band)' (\(Int(latBottom))° to \(Int(latTop))°)")
        }
        return (zone, north, east, northing)
    }

    /// The centre of the square in WGS 84 lon/lat (our own transverse Mercator, no PROJ).
    public func wgs84() throws -> Coordinate {
        let u = try utm()
        return TransverseMercator(zone: u.zone).inverse(Coordinate(u.easting, u.northing - (u.north ? 0 : 10_000_000)))
    }
}
