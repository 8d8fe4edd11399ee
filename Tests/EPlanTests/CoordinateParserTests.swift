import XCTest
import EPlanGeometry
import EPlanCRS

final class CoordinateParserTests: XCTestCase {
    let p = CoordinateParser()
    let lat = 16.7167, lon = 98.5667
    let dmsLat = 16 + 43.0 / 60, dmsLon = 98 + 34.0 / 60

    private func assertWGS(_ text: String, _ lat: Double, _ lon: Double, parser: CoordinateParser? = nil,
                           file: StaticString = #filePath, line: UInt = #line) {
        do {
            let r = try (parser ?? p).parse(text)
            XCTAssertEqual(r.crs, .wgs84, text, file: file, line: line)
            XCTAssertEqual(r.native.y, lat, accuracy: 1e-9, "lat of \(text)", file: file, line: line)
            XCTAssertEqual(r.native.x, lon, accuracy: 1e-9, "lon of \(text)", file: file, line: line)
        } catch { XCTFail("\(text): \(error)", file: file, line: line) }
    }

    private func assertProjected(_ text: String, _ crs: CRS, _ e: Double, _ n: Double, parser: CoordinateParser? = nil,
                                 file: StaticString = #filePath, line: UInt = #line) {
        do {
            let r = try (parser ?? p).parse(text)
            XCTAssertEqual(r.crs, crs, text, file: file, line: line)
            XCTAssertEqual(r.native, Coordinate(e, n), text, file: file, line: line)
        } catch { XCTFail("\(text): \(error)", file: file, line: line) }
    }

    /// Refused with `kind`, naming `token` in both languages.
    private func assertRefused(_ text: String, _ kind: CoordinateParseError.Kind, token: String, parser: CoordinateParser? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try (parser ?? p).parse(text), text, file: file, line: line) { e in
            guard let err = e as? CoordinateParseError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(err.kind, kind, "\(text): \(err.message.en)", file: file, line: line)
            XCTAssertEqual(err.token, token, "\(text): \(err.message.en)", file: file, line: line)
            XCTAssertTrue(err.message.th.hasSuffix("(ที่ '\(token)')"), err.message.th, file: file, line: line)
            XCTAssertTrue(err.message.en.hasSuffix("(at '\(token)')"), err.message.en, file: file, line: line)
        }
    }

    // MARK: decimal degrees

    func testDecimalAsMapAppsShowThem() {
        assertWGS("16.7167, 98.5667", lat, lon)
        assertWGS("16.7167 98.5667", lat, lon)
        assertWGS("16.7167,98.5667", lat, lon)
        assertWGS("  16.7167 ,  98.5667 ", lat, lon)
        assertWGS("(16.7167, 98.5667)", lat, lon)
        assertWGS("16.7167N 98.5667E", lat, lon)
        assertWGS("16.7167 N, 98.5667 E", lat, lon)
        assertWGS("N16.7167 E98.5667", lat, lon)
        assertWGS("98.5667E 16.7167N", lat, lon)   // letters decide the order
        assertWGS("16.7167S 98.5667W", -lat, -lon)
        assertWGS("-16.7167, -98.5667", -lat, -lon)
        assertWGS("−16.7167, 98.5667", -lat, lon)  // U+2212 minus
        assertWGS("16.7167 north 98.5667 east", lat, lon)
        XCTAssertEqual(try p.parse(" 16.7167, 98.5667 ").raw, "16.7167, 98.5667")
    }

    func testLongitudeFirstOnlyWhenAsked() {
        // latitude first by default, so lon-first text is refused rather than guessed…
        assertRefused("98.5667 16.7167", .latitudeOutOfRange, token: "98.5667")
        // …and read with the option:
        assertWGS("98.5667 16.7167", lat, lon, parser: CoordinateParser(longitudeFirst: true))
        assertWGS("98.5667, 16.7167", lat, lon, parser: CoordinateParser(longitudeFirst: true))
        // hemisphere letters still win over the option
        assertWGS("16.7167N 98.5667E", lat, lon, parser: CoordinateParser(longitudeFirst: true))
        assertWGS("16.7167 98.5667", lat, lon, parser: CoordinateParser(crs: .wgs84))
    }

    // MARK: DMS

    func testDMS() {
        assertWGS("16°43'00\"N 98°34'00\"E", dmsLat, dmsLon)
        assertWGS("16°43′00″N 98°34′00″E", dmsLat, dmsLon)
        assertWGS("16º43’00”N 98º34’00”E", dmsLat, dmsLon)
        assertWGS("16°43'00''N 98°34'00''E", dmsLat, dmsLon)
        assertWGS("16d43m00sN 98d34m00sE", dmsLat, dmsLon)
        assertWGS("16 43 00 N 98 34 00 E", dmsLat, dmsLon)
        assertWGS("N 16 43 00 E 98 34 00", dmsLat, dmsLon)
        assertWGS("16:43:00N 98:34:00E", dmsLat, dmsLon)
        assertWGS("16°43'00\" 98°34'00\"", dmsLat, dmsLon)
        assertWGS("16°43'00\", 98°34'00\"", dmsLat, dmsLon)
        assertWGS("16°43.5'N 98°34.2'E", 16.725, 98.57)
        assertWGS("16° 43' 30.5\" N, 98° 34' 12\" E", 16 + 43.0 / 60 + 30.5 / 3600, 98 + 34.0 / 60 + 12.0 / 3600)
        assertWGS("16.7167° 98.5667°", lat, lon)
        assertWGS("-16°43'00\" 98°34'00\"", -dmsLat, dmsLon)
        assertWGS("7°00'31\"S 110°E", -(7 + 31.0 / 3600), 110)
    }

    func testThaiWordsAndDigits() {
        assertWGS("๑๖.๗๑๖๗, ๙๘.๕๖๖๗", lat, lon)
        assertWGS("๑๖.๗๑๖๗ ๙๘.๕๖๖๗", lat, lon)
        assertWGS("16 องศา 43 ลิปดา 00 ฟิลิปดา เหนือ 98 องศา 34 ลิปดา 00 ฟิลิปดา ตะวันออก", dmsLat, dmsLon)
        assertWGS("๑๖°๔๓'๐๐\"เหนือ ๙๘°๓๔'๐๐\"ตะวันออก", dmsLat, dmsLon)
        assertWGS("16.7167 ใต้ 98.5667 ตะวันตก", -lat, -lon)
        // full-width digits and punctuation, zero-width space, no-break space
        assertWGS("１６．７１６７，９８．５６６７", lat, lon)
        assertWGS("16.7167,\u{200B}\u{00A0}98.5667", lat, lon)
        assertWGS("16.7167、98.5667", lat, lon)
        assertProjected("๔๗N ๕๑๒๓๔๕ ๑๘๔๘๐๐๐", .utm47N, 512345, 1848000)
    }

    // MARK: UTM

    func testUTMWithZone() {
        assertProjected("47N 512345 1848000", .utm47N, 512345, 1848000)
        assertProjected("47Q 512345 1848000", .utm47N, 512345, 1848000)
        assertProjected("47 N 512345 1848000", .utm47N, 512345, 1848000)
        assertProjected("48P 300000 1700000", .utm48N, 300000, 1700000)
        assertProjected("47n 512345.5 1848000.25", .utm47N, 512345.5, 1848000.25)
        assertProjected("47N 512345m 1848000m", .utm47N, 512345, 1848000)
        assertProjected("47N E 512345 N 1848000", .utm47N, 512345, 1848000)
        assertProjected("47N 1848000N 512345E", .utm47N, 512345, 1848000)
        assertProjected("47N 512345,1848000", .utm47N, 512345, 1848000)
        assertProjected("47N 512345, 1848000", .utm47N, 512345, 1848000)
        // Indian 1975 chosen by the crs option; the text's zone wins over the option's
        let ind = CoordinateParser(crs: .indian1975UTM47N)
        assertProjected("47N 512345 1848000", .indian1975UTM47N, 512345, 1848000, parser: ind)
        assertProjected("48Q 300000 1700000", .indian1975UTM48N, 300000, 1700000, parser: ind)
    }

    func testThousandsSeparators() {
        assertProjected("47N 512,345 1,848,000", .utm47N, 512345, 1848000)
        assertProjected("47N 512,345.5 1,848,000", .utm47N, 512345.5, 1848000)
        assertProjected("500,000,1,848,000", .utm47N, 500000, 1848000, parser: CoordinateParser(crs: .utm47N))
        // degrees never group: this is a pair
        assertWGS("16.7,98.5", 16.7, 98.5)
        assertWGS("16,98", 16, 98)
        // ambiguous: 500,000,100,000 cannot be split into two numbers
        assertRefused("500,000,100,000", .wrongCount, token: "500,000,100,000", parser: CoordinateParser(crs: .utm47N))
    }

    func testEastingNorthingWithExplicitCRS() {
        let p24047 = CoordinateParser(crs: try! CRS(parsing: "EPSG:24047"))
        assertProjected("E 512345 N 1848000", .indian1975UTM47N, 512345, 1848000, parser: p24047)
        assertProjected("N 1848000 E 512345", .indian1975UTM47N, 512345, 1848000, parser: p24047)
        assertProjected("512345E 1848000N", .indian1975UTM47N, 512345, 1848000, parser: p24047)
        assertProjected("512345 1848000", .indian1975UTM47N, 512345, 1848000, parser: p24047)
        assertProjected("512345, 1848000", .indian1975UTM47N, 512345, 1848000, parser: p24047)
        assertProjected("Easting 512345 Northing 1848000", .indian1975UTM47N, 512345, 1848000, parser: p24047)
        assertProjected("11188600.5 1550000", .webMercator, 11188600.5, 1550000, parser: CoordinateParser(crs: .webMercator))
        // a small pair with a projected crs is still easting northing, hence refused
        assertRefused("16.7167 98.5667", .eastingOutOfRange, token: "16.7167", parser: p24047)
        assertRefused("16°43'N 98°34'E", .unexpectedToken, token: "°", parser: p24047)
    }

    // MARK: refusals

    func testOutOfRangeDegrees() throws {
        XCTAssertThrowsError(try p.parse("95.2, 98.5")) { e in
            let err = e as! CoordinateParseError
            XCTAssertEqual(err.message.th, "ละติจูด 95.2 เกินช่วง −90 ถึง 90 (ที่ '95.2')")
            XCTAssertEqual(err.message.en, "latitude 95.2 is out of range −90..90 (at '95.2')")
            XCTAssertEqual(err.token, "95.2")
        }
        assertRefused("95.2, 98.5", .latitudeOutOfRange, token: "95.2")
        assertRefused("16.7, 198.5", .longitudeOutOfRange, token: "198.5")
        assertRefused("16.7N 198°30'E", .longitudeOutOfRange, token: "198°30'E")
        assertRefused("๙๕.๒, ๙๘.๕", .latitudeOutOfRange, token: "๙๕.๒")   // quoted as typed
        assertRefused("16.7 98.5", .latitudeOutOfRange, token: "98.5", parser: CoordinateParser(longitudeFirst: true))
        let huge = String(repeating: "9", count: 400)
        assertRefused("\(huge), 98.5", .notFinite, token: huge, parser: CoordinateParser(crs: .wgs84))
    }

    func testMinutesAndSeconds() {
        assertRefused("16°75'N 98°34'E", .minutesOutOfRange, token: "75'")
        assertRefused("16°43'60\"N 98°34'E", .secondsOutOfRange, token: "60\"")
        assertRefused("16 60 00 N 98 34 00 E", .minutesOutOfRange, token: "60")
        assertRefused("16d43m75sN 98d34mE", .secondsOutOfRange, token: "75s")
        assertRefused("16.5°30'N 98°E", .malformedAngle, token: "16.5°")
        assertRefused("16°-30'N 98°E", .malformedAngle, token: "-30'")
        assertRefused("-16.7N 98.5E", .conflictingHemisphere, token: "-16.7N")
        assertRefused("16.7N 98.5N", .conflictingHemisphere, token: "98.5N")
    }

    func testUTMRefusals() {
        assertRefused("46N 512345 1848000", .utmZoneUnsupported, token: "46N")
        assertRefused("49Q 512345 1848000", .utmZoneUnsupported, token: "49Q")
        assertRefused("47C 512345 1848000", .utmBandUnsupported, token: "47C")
        assertRefused("47S 512345 1848000", .utmBandUnsupported, token: "47S")
        assertRefused("47N 12345 1848000", .eastingOutOfRange, token: "12345")
        assertRefused("47N 912345 1848000", .eastingOutOfRange, token: "912345")
        assertRefused("47N 512345 11848000", .northingOutOfRange, token: "11848000")
        assertRefused("47N 512345 -5000", .northingOutOfRange, token: "-5000")
        assertRefused("47N 512345", .wrongCount, token: "512345")
        assertRefused("47N 512345 1848000", .crsConflict, token: "47N", parser: CoordinateParser(crs: .wgs84))
        assertRefused("512345 1848000", .projectedNeedsCRS, token: "512345 1848000")
        assertRefused("E 512345 N 1848000", .projectedNeedsCRS, token: "E 512345 N 1848000")
    }

    func testShapeRefusals() {
        assertRefused("", .empty, token: "")
        assertRefused("   ", .empty, token: "")
        assertRefused("16.7", .wrongCount, token: "16.7")
        assertRefused("16.7 98.5 100.2", .wrongCount, token: "16.7 98.5 100.2")
        assertRefused("16 43 00 98 34 00", .wrongCount, token: "16 43 00 98 34 00")   // ambiguous without marks
        assertRefused("16.7 # 98.5", .unexpectedToken, token: "#")
        assertRefused("16.7 98.5 abc", .unexpectedToken, token: "abc")
        assertRefused("16.7 ประมาณ 98.5", .unexpectedToken, token: "ประมาณ")
        assertRefused("16.7, , 98.5", .unexpectedToken, token: ",")
        assertRefused("16.7,98.5; 16.8,98.6", .unexpectedToken, token: ";")
    }

    // MARK: several points

    func testParseMany() throws {
        let two = try p.parseMany(["16.7167,98.5667", "16.8,98.6"])
        XCTAssertEqual(two.map(\.native), [Coordinate(98.5667, 16.7167), Coordinate(98.6, 16.8)])
        let three = try p.parseMany(["16.7167,98.5667; 16.8,98.6;16.9 98.7;"])
        XCTAssertEqual(three.count, 3)
        XCTAssertEqual(three[2].raw, "16.9 98.7")
        // unquoted shell arguments
        let utm = try p.parseMany(["47N", "512345", "1848000", "47N", "512400", "1848100"])
        XCTAssertEqual(utm.map(\.native), [Coordinate(512345, 1848000), Coordinate(512400, 1848100)])
        XCTAssertEqual(utm[0].raw, "47N 512345 1848000")
        let dms = try p.parseMany(["16", "43", "00", "N", "98", "34", "00", "E", "16.8N", "98.6E"])
        XCTAssertEqual(dms.count, 2)
        XCTAssertEqual(dms[0].native.y, dmsLat, accuracy: 1e-12)
        let pairs = try p.parseMany(["16.7", "98.5", "16.8", "98.6"])
        XCTAssertEqual(pairs.map(\.native), [Coordinate(98.5, 16.7), Coordinate(98.6, 16.8)])

        XCTAssertThrowsError(try p.parseMany(["16.7", "98.5", "16.8"])) { e in
            XCTAssertEqual((e as! CoordinateParseError).token, "16.8")
        }
        XCTAssertThrowsError(try p.parseMany(["95.2", "98.5"])) { e in
            XCTAssertEqual((e as! CoordinateParseError).kind, .latitudeOutOfRange)
            XCTAssertEqual((e as! CoordinateParseError).token, "95.2")
        }
        XCTAssertThrowsError(try p.parseMany(["16.7,98.5", "95.2,98.5"])) { e in
            XCTAssertEqual((e as! CoordinateParseError).token, "95.2")
        }
        XCTAssertThrowsError(try p.parseMany(["16.7;", "98.5"]))  // never joined across ';'
        XCTAssertThrowsError(try p.parseMany([])) { e in
            XCTAssertEqual((e as! CoordinateParseError).kind, .empty)
        }
    }

    func testToWGS84() throws {
        let ctx = try PROJContext()
        let g = try p.parse("16.7167, 98.5667").toWGS84(using: ctx)
        XCTAssertEqual(g, Coordinate(98.5667, 16.7167))
        let u = try p.parse("47N 453809.042409075 1848265.649191699").toWGS84(using: ctx)
        XCTAssertEqual(u.x, 98.5667, accuracy: 1e-8)
        XCTAssertEqual(u.y, 16.7167, accuracy: 1e-8)
        let i = try CoordinateParser(crs: .indian1975UTM47N).parse("454325.268470950 1847913.095963508").toWGS84(using: ctx)
        XCTAssertEqual(i.x, 98.5667, accuracy: 1e-7)
        XCTAssertEqual(i.y, 16.7167, accuracy: 1e-7)
    }
}
