import EPlanGeometry

/// A coordinate as the user typed it, read into the CRS it was written in.
public struct ParsedCoordinate: Equatable, Sendable {
    /// The user's text for this point (trimmed).
    public var raw: String
    public var crs: CRS
    /// In `crs`: x = longitude, y = latitude for EPSG:4326; easting, northing otherwise.
    public var native: Coordinate

    public init(raw: String, crs: CRS, native: Coordinate) {
        self.raw = raw; self.crs = crs; self.native = native
    }

    /// The point in EPSG:4326 (x = lon, y = lat), through the context's cached transform.
    /// The point in WGS 84 lon/lat. `context` is asked for only when PROJ is needed
    /// (not for WGS 84 UTM, which is computed directly), so PROJ is not loaded for it.
    public func toWGS84(using context: @autoclosure () throws -> PROJContext) throws -> Coordinate {
        if crs == .wgs84 { return native }
        if let t = CoordinateTransform.withoutPROJ(from: crs, to: .wgs84) { return try t.transform(native) }
        return try context().transform(from: crs, to: .wgs84).transform(native)
    }
}

/// Reads coordinates the way Thai LAO engineers type them (map apps, GPS units showing UTM).
///
/// Accepted forms, one point per text:
/// - decimal degrees, latitude first: `16.7167, 98.5667`, `16.7167 98.5667`, `16.7167N 98.5667E`, `N16.7 E98.5`
/// - degrees-minutes-seconds: `16°43'00"N 98°34'00"E` (also ′ ″ º ’ ”), `16d43m00sN 98d34m00sE`,
///   `16 43 00 N 98 34 00 E`, `16°43.5'N 98°34.2'E`, `16:43:00N 98:34:00E`, Thai words
///   องศา/ลิปดา/ฟิลิปดา and เหนือ/ใต้/ตะวันออก/ตะวันตก
/// - UTM with a zone: `47N 512345 1848000`, `47Q 512345 1848000` (a band letter N…X except the
///   ambiguous S means north; C…M are southern and refused); EPSG:326xx, or 240xx when the `crs`
///   option is Indian 1975
///   (`Zone 47N 512345 1848000`, `UTM 47N …` and Thai `โซน` are read the same)
/// - MGRS (WGS 84): `47QMV5380948266`, `47Q MV 53809 48266`, 1 to 5 digits each (the centre
///   of the square is taken, as GPS units and GeographicLib do)
/// - labelled: `lat 16.7 lon 98.5`, `lon 98.5, lat 16.7`, `ละติจูด 16.7 ลองจิจูด 98.5`
/// - with a projected `crs` option every pair is easting northing: `512345 1848000`,
///   `E 512345 N 1848000`, `1848000N 512345E`
/// Thai digits ๐–๙, full-width digits/punctuation and Unicode minus signs are read as ASCII.
/// Hemisphere letters decide which value is latitude; without them latitude comes first
/// unless `longitudeFirst` is set. One letter on one value is enough (`16.7 98.5E`,
/// `N16.7 98.5`) when the numbers cannot also be read as degrees and minutes.
/// Invisible marks (zero-width spaces, LRM/RLM and other direction marks) are ignored;
/// `15D05'58"` (upper-case D before a digit) is a degree mark; leading zeros do not make a
/// value "metres".
///
/// Thousands separators: a comma is a thousands separator only in easting/northing text
/// (after a UTM zone or with a projected `crs`), only with digits directly on both sides,
/// exactly three digits after it and a group of at most three digits before the first one,
/// and only if the text then holds exactly two numbers (`47N 512,345 1,848,000`).
/// Everywhere else a comma separates the two values (`16.7,98.5` is a pair; degrees never
/// need thousands). Space-separated UTM is the form to prefer.
public struct CoordinateParser: Sendable {
    public var longitudeFirst: Bool
    public var crs: CRS?

    public init(longitudeFirst: Bool = false, crs: CRS? = nil) {
        self.longitudeFirst = longitudeFirst
        self.crs = crs
    }

    /// `text` without invisible marks (zero-width spaces, LRM/RLM and other direction marks,
    /// soft hyphens), as every coordinate form reads it.
    public static func visible(_ text: String) -> String { Scanned.visible(text) }
    /// A character `visible` drops.
    public static func isInvisible(_ s: Unicode.Scalar) -> Bool { Scanned.isInvisible(s) }

    /// Command-line words with a leading minus before a digit ("-16.7, 98.5") get a leading
    /// space, so an argument parser does not take a negative coordinate for an option; this
    /// parser trims it, so the input is stored as typed. Options never start with a digit;
    /// words after "--" are left alone.
    public static func shieldingLeadingMinus(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var rest = false
        for a in arguments {
            if a == "--" { rest = true }
            let s = Array(a.unicodeScalars)
            let numberFollows = s.count > 1 && (("0"..."9").contains(s[1]) || (s[1] == "." && s.count > 2 && ("0"..."9").contains(s[2])))
            if !rest, s.first == "-", numberFollows {
                out.append(" " + a)
            } else {
                out.append(a)
            }
        }
        return out
    }

    /// One point. Throws `CoordinateParseError` naming the token at fault.
    public func parse(_ text: String) throws -> ParsedCoordinate {
        if crs == nil, let plain = plainDecimalPair(text) { return plain }
        return try parseAnyForm(text)
    }

    /// `parse` through the general lexer, every form.
    func parseAnyForm(_ text: String) throws -> ParsedCoordinate {
        let sc = Scanned(text)
        let raw = Scanned.visible(text).trimmingWhitespace()
        let lx = lex(sc.scalars, grouping: false)
        guard !lx.isEmpty else { throw CoordinateParseError.empty() }
        for l in lx {
            switch l.tok {
            case .unknown:
                throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(
                    th: "ตัวเลข เครื่องหมายองศา ลิปดา ฟิลิปดา หรือทิศ N S E W",
                    en: "numbers, degree/minute/second marks or N S E W"))
            case .semicolon:
                throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(
                    th: "พิกัดจุดเดียว (ใช้ ';' คั่นเมื่อใส่หลายจุด)", en: "a single point (';' separates several points)"))
            default: continue
            }
        }
        if let m = try MGRSReference.parse(String(String.UnicodeScalarView(sc.scalars))) { return try parseMGRS(m, raw: raw) }
        if isZoneForm(lx) { return try parseZoneForm(sc, raw: raw) }
        if let crs, crs.isProjected { return try parseEastingNorthing(sc, from: 0, crs: crs, raw: raw) }
        return try parseGeographic(sc, lx, raw: raw)
    }

    /// The commonest form, two decimal degrees and a comma as map apps copy them
    /// ("16.7167,98.5667", "-16.7, 98.5"), read without the general lexer (which cost a
    /// `GET /where` more than the place look-up). Exactly what `parse` reads from such a text;
    /// nil for anything else or anything it would refuse (out of range, a value of four
    /// or more digits that may be metres), which `parse` then reads or refuses as usual.
    func plainDecimalPair(_ text: String) -> ParsedCoordinate? {
        // Over the contiguous bytes with integer offsets: `Substring.UTF8View`'s index steps
        // cost tens of instructions each (6,000 a `GET /where`).
        var contiguous = text
        let pair: (Double, Double)? = contiguous.withUTF8 { u in
            guard u.count <= 64, let comma = u.firstIndex(of: UInt8(ascii: ",")),
                  let a = Self.plainDecimal(UnsafeBufferPointer(rebasing: u[..<comma]), trailingSpaces: true),
                  let b = Self.plainDecimal(UnsafeBufferPointer(rebasing: u[(comma + 1)...]), leadingSpaces: true) else { return nil }
            return (a, b)
        }
        guard let (a, b) = pair else { return nil }
        let (lat, lon) = longitudeFirst ? (b, a) : (a, b)
        guard abs(lat) <= 90, abs(lon) <= 180 else { return nil }
        return ParsedCoordinate(raw: text, crs: .wgs84, native: Coordinate(lon, lat))
    }

    /// [sign] digits [. digits] of at most three significant integer digits, with spaces only
    /// where a comma's neighbour may have them; its value as the lexer computes it (the
    /// digits' value, negated for '-').
    private static func plainDecimal(_ s: UnsafeBufferPointer<UInt8>, leadingSpaces: Bool = false, trailingSpaces: Bool = false) -> Double? {
        var i = 0, end = s.count
        if leadingSpaces { while i < end, s[i] == 0x20 { i += 1 } }
        if trailingSpaces { while end > i, s[end - 1] == 0x20 { end -= 1 } }
        guard i < end else { return nil }
        let negative = s[i] == UInt8(ascii: "-")
        if negative || s[i] == UInt8(ascii: "+") { i += 1 }
        let digitsStart = i
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        while i < end, isDigit(s[i]) { i += 1 }
        guard i > digitsStart else { return nil }
        var significant = digitsStart
        while significant < i, s[significant] == 0x30 { significant += 1 }
        guard i - significant < 4 else { return nil }
        if i < end {
            guard s[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            let fracStart = i
            while i < end, isDigit(s[i]) { i += 1 }
            guard i > fracStart, i == end else { return nil }
        }
        guard let magnitude = Double(String(decoding: UnsafeBufferPointer(rebasing: s[digitsStart..<end]), as: UTF8.self)) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Several points: each token (e.g. each command-line argument) is one point, and a token
    /// may hold several points separated by ';'. A token that is not a point on its own is
    /// joined with the following ones (longest match first, never across ';'), so an unquoted
    /// `47N 512345 1848000` split by the shell still reads as one point.
    public func parseMany(_ tokens: [String]) throws -> [ParsedCoordinate] {
        var parts: [String] = [], closed: [Bool] = []
        for t in tokens {
            let pieces = t.unicodeScalars.split(omittingEmptySubsequences: false,
                                                whereSeparator: { [";", "；", "؛"].contains($0) })
                .map { String(String.UnicodeScalarView($0)).trimmingWhitespace() }
            for (k, p) in pieces.enumerated() where !p.isEmpty {
                parts.append(p)
                closed.append(k < pieces.count - 1)  // an explicit ';' follows: never join past it
            }
        }
        guard !parts.isEmpty else { throw CoordinateParseError.empty() }
        var result: [ParsedCoordinate] = []
        var i = 0
        while i < parts.count {
            let single: CoordinateParseError
            do {
                result.append(try parse(parts[i])); i += 1; continue
            } catch let e as CoordinateParseError { single = e }
            var end = i + 1
            while end < parts.count, end - i < 8, !closed[end - 1] { end += 1 }
            // Report a value error (range, zone…) from the shortest attempt if any: it is what
            // the user most likely got wrong; otherwise the token's own error.
            var best: CoordinateParseError? = single.isValueError ? single : nil
            var joined = false
            for j in stride(from: end, through: i + 2, by: -1) {
                do {
                    result.append(try parse(parts[i..<j].joined(separator: " ")))
                    i = j; joined = true; break
                } catch let e as CoordinateParseError {
                    if e.isValueError, !(best?.isValueError == true && best == single) { best = e }
                }
            }
            if !joined { throw best ?? single }
        }
        return result
    }

    // MARK: UTM / easting-northing

    private func isZoneForm(_ lx: [Lexeme]) -> Bool {
        guard lx.count >= 3, case .number(let z) = lx[0].tok, !z.signed, !z.hasDot, (1...2).contains(z.intDigits),
              case .word(let w) = lx[1].tok, w.count == 1 else { return false }
        var big = false
        for k in 2..<lx.count {
            switch lx[k].tok {
            case .number(let n):
                if n.magnitudeDigits >= 4 { big = true }
                // "512,345": a thousands group also marks metres
                if k + 2 < lx.count, lx[k + 1].tok == .comma, !lx[k + 1].spaceBefore, !lx[k + 2].spaceBefore,
                   case .number(let m) = lx[k + 2].tok, m.intDigits == 3 { big = true }
            case .comma, .metre: continue
            case .word(let l) where l == "E" || l == "N": continue
            default: return false
            }
        }
        return big
    }

    private func parseZoneForm(_ sc: Scanned, raw: String) throws -> ParsedCoordinate {
        let lx = lex(sc.scalars, grouping: false)
        // isZoneForm checked this shape; should the two ever disagree, the text is refused, not trapped on.
        guard lx.count >= 2, case .number(let z) = lx[0].tok, case .word(let band) = lx[1].tok else {
            throw CoordinateParseError.malformed(raw, Message(th: "ต้องขึ้นต้นด้วยโซนและแถบ เช่น 47Q", en: "expected a zone and band first, e.g. 47Q"))
        }
        let zoneText = sc.text(lx[0].range.lowerBound..<lx[1].range.upperBound)
        let zone = Int(z.value)
        guard zone == 47 || zone == 48 else { throw CoordinateParseError.zone(z.text, zoneText) }
        // MGRS latitude bands N…X are north ('N' is both band N and "north"); C…M are south.
        // 'S' is refused: band S (north) or southern hemisphere, both wrong for Thailand.
        guard "NPQRTUVWX".contains(band) else { throw CoordinateParseError.band(band, zoneText) }
        var datum = CRS.Datum.wgs84
        if let crs {
            guard crs.utmZone != nil else { throw CoordinateParseError.crsConflict(zoneText, crs) }
            datum = crs.datum  // the option chooses the datum; the text's zone wins
        }
        return try parseEastingNorthing(sc, from: 2, crs: CRS.utm(zone: zone, datum: datum)!, raw: raw)
    }

    /// An MGRS reference is WGS 84 UTM: kept as UTM in zones 47 and 48, else read to lon/lat.
    private func parseMGRS(_ m: MGRSReference, raw: String) throws -> ParsedCoordinate {
        if let crs, !(crs.utmZone != nil && crs.datum == .wgs84) { throw CoordinateParseError.crsConflict(raw, crs) }
        let u = try m.utm()
        if u.north, let utm = CRS.utm(zone: u.zone, datum: .wgs84) {
            return ParsedCoordinate(raw: raw, crs: utm, native: Coordinate(u.easting, u.northing))
        }
        return ParsedCoordinate(raw: raw, crs: .wgs84, native: try m.wgs84())
    }

    private func parseEastingNorthing(_ sc: Scanned, from: Int, crs: CRS, raw: String) throws -> ParsedCoordinate {
        let grouped = lex(sc.scalars, grouping: true)
        do {
            return try readEastingNorthing(sc, grouped[from...], crs: crs, raw: raw)
        } catch let e as CoordinateParseError where e.kind == .wrongCount {
            // The thousands reading did not give a pair: read every comma as a separator.
            let plain = lex(sc.scalars, grouping: false)
            do { return try readEastingNorthing(sc, plain[from...], crs: crs, raw: raw) } catch let e2 as CoordinateParseError {
                throw e2.isValueError ? e2 : e
            }
        }
    }

    /// One value of an easting/northing pair, with its label (E, N) when it has one.
    private struct MetreValue { var value: Double; var range: Range<Int>; var label: String?; var text: String }

    private func readEastingNorthing(_ sc: Scanned, _ lx: ArraySlice<Lexeme>, crs: CRS, raw: String) throws -> ParsedCoordinate {
        let expectedPair = Message(th: " 2 ค่า (ตะวันออก เหนือ เป็นเมตร ใน \(crs.identifier))",
                                   en: "2 values (easting northing in metres, \(crs.identifier))")
        guard let first = lx.first, let last = lx.last else {
            throw CoordinateParseError.wrongCount(raw, found: 0, expected: expectedPair)
        }
        let comps = try metreValues(sc, lx, crs: crs)
        guard comps.count == 2 else {
            throw CoordinateParseError.wrongCount(sc.text(first.range.lowerBound..<last.range.upperBound), found: comps.count, expected: expectedPair)
        }
        var e = comps[0], n = comps[1]
        if e.label != nil, e.label == n.label {
            throw CoordinateParseError.unexpected(sc.text(n.range), expected: Message(
                th: "ป้าย E หนึ่งค่าและ N หนึ่งค่า", en: "one E and one N label"))
        }
        if e.label == "N" || n.label == "E" { swap(&e, &n) }
        try checkMetreRange(sc, easting: e, northing: n, crs: crs)
        return ParsedCoordinate(raw: raw, crs: crs, native: Coordinate(e.value, n.value))
    }

    /// The numbers of an easting/northing text, each with its E/N label written before
    /// (`E 453809 N 1848266`) or after (`453809E 1848266N`) and an optional `m`.
    private func metreValues(_ sc: Scanned, _ lx: ArraySlice<Lexeme>, crs: CRS) throws -> [MetreValue] {
        var prefixStyle = false
        if case .word? = lx.first?.tok { prefixStyle = true }
        var comps: [MetreValue] = []
        var pending: (label: String, start: Int)? = nil
        for l in lx {
            switch l.tok {
            case .number(let n):
                let r = (pending?.start ?? l.range.lowerBound)..<l.range.upperBound
                comps.append(MetreValue(value: n.value, range: r, label: pending?.label, text: n.text))
                pending = nil
            case .metre where !comps.isEmpty:
                comps[comps.count - 1].range = comps[comps.count - 1].range.lowerBound..<l.range.upperBound
            case .word(let w) where w == "E" || w == "N":
                if prefixStyle {
                    guard pending == nil else {
                        throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(th: "ตัวเลข", en: "a number"))
                    }
                    pending = (w, l.range.lowerBound)
                } else {
                    guard let k = comps.indices.last, comps[k].label == nil else {
                        throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(th: "ตัวเลขก่อนป้าย E/N", en: "a number before the E/N label"))
                    }
                    comps[k].label = w
                    comps[k].range = comps[k].range.lowerBound..<l.range.upperBound
                }
            case .comma:
                continue
            case .degree, .minute, .second:
                throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(
                    th: "ค่าตะวันออก เหนือ เป็นเมตรสำหรับ \(crs.identifier) (ไม่ใช่องศา)",
                    en: "easting northing in metres for \(crs.identifier) (not degrees)"))
            default:
                throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(
                    th: "ตัวเลข หรือป้าย E / N", en: "a number or an E / N label"))
            }
        }
        if let pending {
            throw CoordinateParseError.unexpected(pending.label, expected: Message(th: "ตัวเลขหลังป้าย", en: "a number after the label"))
        }
        return comps
    }

    /// UTM values within the zone's plausible range; Web Mercator within its square world.
    private func checkMetreRange(_ sc: Scanned, easting e: MetreValue, northing n: MetreValue, crs: CRS) throws {
        for c in [e, n] where !c.value.isFinite { throw CoordinateParseError.notFinite(sc.text(c.range)) }
        if crs.utmZone != nil {
            guard (100_000...900_000).contains(e.value) else {
                throw CoordinateParseError.easting(e.value, sc.text(e.range), lo: "100000", hi: "900000")
            }
            guard (0...10_000_000).contains(n.value) else {
                throw CoordinateParseError.northing(n.value, sc.text(n.range), lo: "0", hi: "10000000")
            }
        } else {
            let limit = 20_037_508.342789244  // Web Mercator's square world
            guard abs(e.value) <= limit else { throw CoordinateParseError.easting(e.value, sc.text(e.range), lo: "−20037508.34", hi: "20037508.34") }
            guard abs(n.value) <= limit else { throw CoordinateParseError.northing(n.value, sc.text(n.range), lo: "−20037508.34", hi: "20037508.34") }
        }
    }

    // MARK: Degrees

    private struct Angle {
        var value: Double; var hemisphere: String?
        let sc: Scanned, range: Range<Int>
        /// The user's text of the value, for messages only: written out when one needs it.
        var text: String { sc.text(range) }
    }

    private static func isHemisphere(_ w: String) -> Bool { ["N", "S", "E", "W"].contains(w) }

    private func parseGeographic(_ sc: Scanned, _ lx: [Lexeme], raw: String) throws -> ParsedCoordinate {
        // Metres typed without a zone or CRS ("512345 1848000", "E 512345 N 1848000"): say what
        // is missing rather than "latitude 1848000 out of range".
        if crs == nil, lx.contains(where: { if case .number(let n) = $0.tok { return n.magnitudeDigits >= 4 }; return false }) {
            throw CoordinateParseError.needsCRS(raw)
        }
        if lx.contains(where: { if case .word(let w) = $0.tok { return Self.axisLabel(w) != nil }; return false }) {
            return try parseLabelled(sc, lx, raw: raw)
        }
        var groups: [ArraySlice<Lexeme>] = []
        func isHemi(_ l: Lexeme) -> Bool { if case .word(let w) = l.tok { return Self.isHemisphere(w) }; return false }
        if let firstComma = lx.firstIndex(where: { $0.tok == .comma }) {
            groups = lx.split(omittingEmptySubsequences: false, whereSeparator: { $0.tok == .comma })
            if groups.contains(where: { $0.isEmpty }) {
                throw CoordinateParseError.unexpected(sc.text(lx[firstComma].range), expected: Message(
                    th: "ค่าทั้งสองข้างของเครื่องหมายจุลภาค", en: "a value on each side of the comma"))
            }
        } else if lx.contains(where: isHemi) {
            var start = 0
            if isHemi(lx[0]) {  // "N16.7 E98.5": a letter opens each value
                for k in 1..<lx.count where isHemi(lx[k]) { groups.append(lx[start..<k]); start = k }
                groups.append(lx[start...])
            } else {            // "16.7N 98.5E": a letter closes each value
                for k in 0..<lx.count where isHemi(lx[k]) { groups.append(lx[start...k]); start = k + 1 }
                if start < lx.count { groups.append(lx[start...]) }
            }
            // One letter for both values ("N16.7167 98.5667", "16.7167 98.5667E").
            if groups.count == 1, lx.filter(isHemi).count == 1 { groups = try oneLetterValues(sc, lx[...], raw: raw) }
        } else {
            groups = Self.splitValues(lx[...])
        }
        guard groups.count == 2 else {
            throw CoordinateParseError.wrongCount(raw, found: groups.count, expected: Message(
                th: " 2 ค่า (ละติจูด ลองจิจูด)", en: "2 values (latitude longitude)"))
        }
        let a = try angle(sc, groups[0]), b = try angle(sc, groups[1])
        func axis(_ h: String?) -> Int? { h.map { ($0 == "N" || $0 == "S") ? 0 : 1 } }
        let latFirst: Bool
        switch (axis(a.hemisphere), axis(b.hemisphere)) {
        case (nil, nil): latFirst = !longitudeFirst
        case (0, let o) where o != 0: latFirst = true
        case (1, let o) where o != 1: latFirst = false
        case (nil, let o?): latFirst = o == 1
        default:
            throw CoordinateParseError.conflictingHemisphere(b.text, Message(
                th: "ทั้งสองค่าเป็นทิศแกนเดียวกัน ต้องมีละติจูด (N/S) หนึ่งค่าและลองจิจูด (E/W) หนึ่งค่า",
                en: "both values are on the same axis: expected one latitude (N/S) and one longitude (E/W)"))
        }
        let lat = latFirst ? a : b, lon = latFirst ? b : a
        guard abs(lat.value) <= 90 else { throw CoordinateParseError.latitude(lat.value, lat.text) }
        guard abs(lon.value) <= 180 else { throw CoordinateParseError.longitude(lon.value, lon.text) }
        return ParsedCoordinate(raw: raw, crs: .wgs84, native: Coordinate(lon.value, lat.value))
    }

    /// Values without letters or commas: split before each number that carries a degree mark,
    /// else before each number ("16 43 00 98 34 00" gives six values and is refused).
    private static func splitValues(_ lx: ArraySlice<Lexeme>) -> [ArraySlice<Lexeme>] {
        var groups: [ArraySlice<Lexeme>] = []
        var start = lx.startIndex
        if lx.contains(where: { $0.tok == .degree }) {
            for k in lx.indices.dropFirst() where lx[k].tok == .degree && k - 1 > start {
                groups.append(lx[start..<(k - 1)]); start = k - 1
            }
        } else {
            for k in lx.indices.dropFirst() {
                if case .number = lx[k].tok { groups.append(lx[start..<k]); start = k }
            }
        }
        if start < lx.endIndex { groups.append(lx[start...]) }
        return groups
    }

    /// A hemisphere letter on the first or last value only. The letter stays with its value;
    /// the numbers are split as if it were absent, but only when that reading is the only one:
    /// "N16 30" may be 16°30'N, so two plain numbers need decimals on the first, or a second
    /// one of 60 or more (which cannot be minutes).
    private func oneLetterValues(_ sc: Scanned, _ lx: ArraySlice<Lexeme>, raw: String) throws -> [ArraySlice<Lexeme>] {
        let opens: Bool
        if case .word = lx.first!.tok { opens = true } else { opens = false }
        let inner = opens ? lx.dropFirst() : lx.dropLast()
        var groups = Self.splitValues(inner)
        let numbers = inner.compactMap { l -> Number? in if case .number(let n) = l.tok { return n }; return nil }
        if !inner.contains(where: { $0.tok == .degree || $0.tok == .minute || $0.tok == .second }), numbers.count == 2,
           !(numbers[0].hasDot || abs(numbers[1].value) >= 60) {
            throw CoordinateParseError.ambiguous(raw, Message(
                th: "ทิศมีที่ค่าเดียว จึงอ่านได้ทั้งเป็น องศา ลิปดา และเป็น ละติจูด ลองจิจูด: ใส่ทิศทั้งสองค่า เช่น '16.5N 98.5E' หรือคั่นด้วยจุลภาค",
                en: "with one hemisphere letter this reads both as degrees minutes and as latitude longitude: give both letters, e.g. '16.5N 98.5E', or separate the values with a comma"))
        }
        guard groups.count == 2 else { return groups.isEmpty ? [lx] : groups }
        if opens { groups[0] = lx[lx.startIndex..<groups[0].endIndex] } else { groups[1] = lx[groups[1].startIndex...] }
        return groups
    }

    /// LAT / LON (and LATITUDE, LONG, LNG, LONGITUDE; Thai ละติจูด / ลองจิจูด): 0 latitude, 1 longitude.
    private static func axisLabel(_ w: String) -> Int? {
        switch w {
        case "LAT", "LATITUDE": return 0
        case "LON", "LONG", "LNG", "LONGITUDE": return 1
        default: return nil
        }
    }

    /// "lat 16.7 lon 98.5", "lon 98.5, lat 16.7", "ละติจูด 16°43' ลองจิจูด 98°34'": each label
    /// opens its value, in either order; a hemisphere letter, if given, must agree with it.
    private func parseLabelled(_ sc: Scanned, _ lx: [Lexeme], raw: String) throws -> ParsedCoordinate {
        let labels = lx.indices.compactMap { k -> (Int, Int)? in
            if case .word(let w) = lx[k].tok, let a = Self.axisLabel(w) { return (k, a) }
            return nil
        }
        let usage = Message(th: "ป้ายละติจูดหนึ่งค่าและลองจิจูดหนึ่งค่า แต่ละป้ายอยู่หน้าค่าของมัน เช่น 'lat 16.7 lon 98.5'",
                            en: "one latitude and one longitude label, each before its value, e.g. 'lat 16.7 lon 98.5'")
        guard labels.count == 2, labels[0].1 != labels[1].1, labels[0].0 == 0 else {
            throw CoordinateParseError.unexpected(sc.text(lx[labels.count == 2 ? labels[1].0 : labels[0].0].range), expected: usage)
        }
        var values: [Angle] = []
        for (n, (k, axis)) in labels.enumerated() {
            var end = n == 0 ? labels[1].0 : lx.count
            if end > k + 1, lx[end - 1].tok == .comma { end -= 1 }   // "lat 16.7, lon 98.5"
            guard end > k + 1 else {
                throw CoordinateParseError.unexpected(sc.text(lx[k].range), expected: Message(th: "ค่าหลังป้าย", en: "a value after the label"))
            }
            let v = try angle(sc, lx[(k + 1)..<end])
            if let h = v.hemisphere, (h == "N" || h == "S") != (axis == 0) {
                throw CoordinateParseError.conflictingHemisphere(v.text, Message(
                    th: "ทิศ '\(h)' ไม่ตรงกับป้าย \(axis == 0 ? "ละติจูด" : "ลองจิจูด")",
                    en: "hemisphere '\(h)' does not match the \(axis == 0 ? "latitude" : "longitude") label"))
            }
            values.append(v)
        }
        let lat = labels[0].1 == 0 ? values[0] : values[1], lon = labels[0].1 == 0 ? values[1] : values[0]
        guard abs(lat.value) <= 90 else { throw CoordinateParseError.latitude(lat.value, lat.text) }
        guard abs(lon.value) <= 180 else { throw CoordinateParseError.longitude(lon.value, lon.text) }
        return ParsedCoordinate(raw: raw, crs: .wgs84, native: Coordinate(lon.value, lat.value))
    }

    /// One value: [hemisphere] degrees [minutes [seconds]] [hemisphere], marks optional.
    private func angle(_ sc: Scanned, _ g: ArraySlice<Lexeme>) throws -> Angle {
        guard let first = g.first, let last = g.last else {
            throw CoordinateParseError.malformed(sc.text(0..<sc.scalars.count), Message(th: "ไม่มีค่ามุม", en: "an angle is missing"))
        }
        let range = first.range.lowerBound..<last.range.upperBound
        // The value's text is for messages only: made when one is thrown (it cost more than the parse).
        let text = { sc.text(range) }
        let (hemisphere, parts) = try anglePieces(sc, g, text: text)
        let dms = try degreesMinutesSeconds(sc, parts, text: text)
        let negative = parts[0].n.negative
        if let h = hemisphere, negative {
            throw CoordinateParseError.conflictingHemisphere(text(), Message(
                th: "ใส่ทั้งเครื่องหมายลบและทิศ '\(h)' ขัดกัน ใช้อย่างใดอย่างหนึ่ง",
                en: "both a minus sign and hemisphere '\(h)' given; use one or the other"))
        }
        let magnitude = dms[0] + dms[1] / 60 + dms[2] / 3600
        guard magnitude.isFinite else { throw CoordinateParseError.notFinite(text()) }
        let south = hemisphere == "S" || hemisphere == "W"
        return Angle(value: (negative || south) ? -magnitude : magnitude, hemisphere: hemisphere, sc: sc, range: range)
    }

    /// A number of an angle, with the mark that placed it (0 degrees, 1 minutes, 2 seconds) if any.
    private struct AnglePart { var n: Number; var range: Range<Int>; var position: Int? }

    /// The hemisphere letter (first or last only) and the numbers with their marks.
    private func anglePieces(_ sc: Scanned, _ g: ArraySlice<Lexeme>, text: () -> String) throws -> (String?, [AnglePart]) {
        var hemisphere: String? = nil
        var parts: [AnglePart] = []
        for (k, l) in zip(g.indices, g) {
            var previousWasNumber = false
            if k > g.startIndex, case .number = g[k - 1].tok { previousWasNumber = true }
            switch l.tok {
            case .word(let w):
                guard Self.isHemisphere(w), hemisphere == nil, k == g.startIndex || k == g.endIndex - 1 else {
                    throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(
                        th: "ทิศ N S E W หนึ่งตัวที่ต้นหรือท้ายค่า", en: "one of N S E W at the start or end of a value"))
                }
                hemisphere = w
            case .number(let n):
                parts.append(AnglePart(n: n, range: l.range, position: nil))
            case .degree, .minute, .second:
                guard previousWasNumber else {
                    throw CoordinateParseError.malformed(text(), Message(
                        th: "เครื่องหมาย '\(sc.text(l.range))' ต้องตามหลังตัวเลข", en: "mark '\(sc.text(l.range))' must follow a number"))
                }
                parts[parts.count - 1].position = l.tok == .degree ? 0 : (l.tok == .minute ? 1 : 2)
                parts[parts.count - 1].range = parts[parts.count - 1].range.lowerBound..<l.range.upperBound
            default:
                throw CoordinateParseError.unexpected(sc.text(l.range), expected: Message(
                    th: "องศา ลิปดา ฟิลิปดา", en: "degrees, minutes, seconds"))
            }
        }
        guard !parts.isEmpty else {
            throw CoordinateParseError.malformed(text(), Message(th: "ไม่มีตัวเลข", en: "no number"))
        }
        guard parts.count <= 3 else {
            throw CoordinateParseError.malformed(text(), Message(
                th: "ตัวเลขมากเกินไป (องศา ลิปดา ฟิลิปดา อย่างมาก 3 ค่า)", en: "too many numbers (at most degrees minutes seconds)"))
        }
        return (hemisphere, parts)
    }

    /// Degrees, minutes and seconds in order; only degrees signed, only the last with decimals,
    /// minutes and seconds under 60.
    private func degreesMinutesSeconds(_ sc: Scanned, _ parts: [AnglePart], text: () -> String) throws -> [Double] {
        var dms = [0.0, 0.0, 0.0]
        var previous = -1
        for (k, p) in parts.enumerated() {
            let position = p.position ?? previous + 1
            func ptext() -> String { sc.text(p.range) }
            guard position > previous, position <= 2, k > 0 || position == 0 else {
                throw CoordinateParseError.malformed(text(), Message(
                    th: "ต้องเรียง องศา ลิปดา ฟิลิปดา", en: "expected degrees, then minutes, then seconds"))
            }
            guard k == 0 || !p.n.signed else {
                throw CoordinateParseError.malformed(ptext(), Message(th: "ใส่เครื่องหมายได้เฉพาะที่องศา", en: "only degrees may carry a sign"))
            }
            guard k == parts.count - 1 || !p.n.hasDot else {
                throw CoordinateParseError.malformed(ptext(), Message(
                    th: "ทศนิยมใช้ได้เฉพาะส่วนสุดท้าย", en: "only the last part may have decimals"))
            }
            guard p.n.value.isFinite else { throw CoordinateParseError.notFinite(ptext()) }
            let v = abs(p.n.value)
            if position == 1, v >= 60 { throw CoordinateParseError.minutes(v, ptext()) }
            if position == 2, v >= 60 { throw CoordinateParseError.seconds(v, ptext()) }
            dms[position] = v
            previous = position
        }
        return dms
    }
}
