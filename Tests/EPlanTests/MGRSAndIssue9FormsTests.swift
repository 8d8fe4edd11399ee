import Foundation
import XCTest
import EPlanGeometry
@testable import EPlanCRS

/// Issue 9, "Forms a user types that are refused today" and the coordinate messages: each
/// form read (or refused) as a person means it, never by guessing an ambiguous one.
final class CoordinateFormsIssue9Tests: XCTestCase {
    let p = CoordinateParser()

    private func assertLatLon(_ text: String, _ lat: Double, _ lon: Double, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let r = try p.parse(text)
            XCTAssertEqual(r.crs, .wgs84, text, file: file, line: line)
            XCTAssertEqual(r.native.y, lat, accuracy: 1e-9, "lat of \(text)", file: file, line: line)
            XCTAssertEqual(r.native.x, lon, accuracy: 1e-9, "lon of \(text)", file: file, line: line)
        } catch { XCTFail("\(text): \(error)", file: file, line: line) }
    }

    func testUpperCaseDegreeLetter() {
        assertLatLon(#"15D05'58"N 97D36'18"E"#, 15 + 5 / 60.0 + 58 / 3600.0, 97 + 36 / 60.0 + 18 / 3600.0)
        assertLatLon(#"16D43'00" 98D34'00""#, 16 + 43 / 60.0, 98 + 34 / 60.0)
        // "47D …" stays a UTM band letter (southern, refused as such), not degrees.
        XCTAssertThrowsError(try p.parse("47D 512345 1848000")) { e in
            XCTAssertEqual((e as? CoordinateParseError)?.kind, .utmBandUnsupported, "\(e)")
        }
    }

    func testOneHemisphereLetterWhenTheReadingIsTheOnlyOne() {
        assertLatLon("16.7167 98.5667E", 16.7167, 98.5667)
        assertLatLon("N16.7167 98.5667", 16.7167, 98.5667)
        assertLatLon("98.5667E 16.7167", 16.7167, 98.5667)
        assertLatLon("E98.5667 16.7167", 16.7167, 98.5667)
        assertLatLon("S16.5 98.5", -16.5, 98.5)
        assertLatLon(#"N16°43' 98°34'"#, 16 + 43 / 60.0, 98 + 34 / 60.0)
        assertLatLon("N16 98.5", 16, 98.5)  // 98.5 cannot be minutes
        // "N16 30" may be 16°30'N: refused as ambiguous, saying how to write it.
        XCTAssertThrowsError(try p.parse("N16 30")) { e in
            let err = e as? CoordinateParseError
            XCTAssertEqual(err?.kind, .ambiguous, "\(e)")
            XCTAssertTrue(err?.message.en.contains("16.5N 98.5E") == true, "\(e)")
        }
    }

    func testZoneWordBeforeUTM() throws {
        for text in ["Zone 47N 453809 1848266", "zone 47N 453809 1848266", "UTM 47N 453809 1848266", "โซน 47N 453809 1848266",
                     "UTM Zone 47Q 453809 1848266"] {
            let r = try p.parse(text)
            XCTAssertEqual(r.crs, CRS.utm(zone: 47), text)
            XCTAssertEqual(r.native, Coordinate(453809, 1848266), text)
        }
        XCTAssertEqual(try p.parse("Zone 47N 453809 1848266").raw, "Zone 47N 453809 1848266")
    }

    func testLabelledLatitudeAndLongitude() {
        assertLatLon("lat 16.7 lon 98.5", 16.7, 98.5)
        assertLatLon("Lat: 16.7, Lon: 98.5", 16.7, 98.5)
        assertLatLon("latitude 16.7 longitude 98.5", 16.7, 98.5)
        assertLatLon("lon 98.5 lat 16.7", 16.7, 98.5)
        assertLatLon("lng 98.5, lat 16.7", 16.7, 98.5)
        assertLatLon("ละติจูด 16.7 ลองจิจูด 98.5", 16.7, 98.5)
        assertLatLon("ลองจิจูด ๙๘.๕ ละติจูด ๑๖.๗", 16.7, 98.5)
        assertLatLon(#"lat 16°43'N lon 98°34'E"#, 16 + 43 / 60.0, 98 + 34 / 60.0)
        assertLatLon("lat -16.7 lon 98.5", -16.7, 98.5)
        for bad in ["lat 16.7 lat 98.5", "lat 16.7", "16.7 lon 98.5", "lat 16.7E lon 98.5"] {
            XCTAssertThrowsError(try p.parse(bad), bad)
        }
    }

    func testInvisibleDirectionMarksAreIgnoredAndNeverQuoted() throws {
        for mark in ["\u{200E}", "\u{200F}", "\u{061C}", "\u{FEFF}", "\u{2066}"] {
            let r = try p.parse("\(mark)16.7167, 98.5667\(mark)")
            XCTAssertEqual(r.native, Coordinate(98.5667, 16.7167))
            XCTAssertEqual(r.raw, "16.7167, 98.5667", "the stored input has no invisible mark")
            XCTAssertEqual(try p.parse("16.71\(mark)67, 98.5667").native.y, 16.7167)
        }
        // In an error, the quoted token has no invisible character either.
        XCTAssertThrowsError(try p.parse("16.7\u{200F}x, 98.5")) { e in
            XCTAssertFalse((e as? CoordinateParseError)?.token.unicodeScalars.contains("\u{200F}") ?? true, "\(e)")
        }
    }

    func testLeadingZerosDoNotMakeMetres() {
        assertLatLon("0000000000016.7167, 098.5667", 16.7167, 98.5667)
        assertLatLon("016.7167 098.5667", 16.7167, 98.5667)
    }

    func testLeadingMinusIsShieldedFromTheArgumentParser() throws {
        let args = CoordinateParser.shieldingLeadingMinus(["where", "-16.7, 98.5", "--format", "json", "-.5,1", "-h", "--", "-3"])
        XCTAssertEqual(args, ["where", " -16.7, 98.5", "--format", "json", " -.5,1", "-h", "--", "-3"])
        XCTAssertEqual(try p.parse(args[1]).native, Coordinate(98.5, -16.7))
        XCTAssertEqual(try p.parse(args[1]).raw, "-16.7, 98.5", "stored as typed")
    }
}

/// MGRS references against GeoConvert (GeographicLib 2.1.2), the reference implementation.
final class MGRSTests: XCTestCase {
    /// Computed with `echo REF | GeoConvert -u -p 3` (centre of the square, as GeoConvert gives).
    let reference: [(String, Int, Bool, Double, Double)] = [
        ("47QMV5380948266", 47, true, 453809.5, 1948266.5),
        ("47QMU5380948266", 47, true, 453809.5, 1848266.5),
        ("47QMV538482", 47, true, 453850.0, 1948250.0),
        ("48PTA1234567890", 48, true, 212345.5, 1567890.5),
        ("46QHD0000099999", 46, true, 800000.5, 1899999.5),
        ("47NQJ01", 47, true, 705000.0, 815000.0),
        ("33HVD1234", 33, false, 412500.0, 6334500.0),
        ("18TWL8040", 18, true, 580500.0, 4540500.0),
        ("32VNM0000000000", 32, true, 500000.5, 6600000.5),
        ("31NAA6602100000", 31, true, 166021.5, 0.5),
    ]

    func testReferenceValuesFromGeoConvert() throws {
        for (text, zone, north, e, n) in reference {
            let u = try XCTUnwrap(try MGRSReference.parse(text), text).utm()
            XCTAssertEqual(u.zone, zone, text)
            XCTAssertEqual(u.north, north, text)
            XCTAssertEqual(u.easting, e, accuracy: 1e-6, text)
            XCTAssertEqual(u.northing, n, accuracy: 1e-6, text)
        }
    }

    func testParserReadsMGRSAsUTMWithOrWithoutSpaces() throws {
        let p = CoordinateParser()
        for text in ["47QMU5380948266", "47Q MU 53809 48266", "47QMU 53809 48266", "47qmu5380948266", "๔๗QMU๕๓๘๐๙๔๘๒๖๖"] {
            let r = try p.parse(text)
            XCTAssertEqual(r.crs, CRS.utm(zone: 47), text)
            XCTAssertEqual(r.native, Coordinate(453809.5, 1848266.5), text)
        }
        // Outside zones 47/48 the reference is read to lon/lat (GeoConvert -g: 16.71670769991 98.56670427504
        // for 47QMU5380948266; zone 46 below from GeoConvert too).
        let w = try XCTUnwrap(try MGRSReference.parse("47QMU5380948266")).wgs84()
        XCTAssertEqual(w.y, 16.71670769991, accuracy: 1e-9)
        XCTAssertEqual(w.x, 98.56670427504, accuracy: 1e-9)
        XCTAssertEqual(try p.parse("46QHD0000099999").crs, .wgs84)
        // Several points in one pin: MGRS, split by the shell or not.
        XCTAssertEqual(try p.parseMany(["47QMU5380948266", "47Q", "MU", "53809", "48266"]).count, 2)
    }

    func testBadReferencesSayWhatIsWrong() {
        let p = CoordinateParser()
        let cases: [(String, String)] = [
            ("47QMU538094826", "even"),          // 14 digits
            ("47QAU5380948266", "column letter 'A'"),  // zone 47 uses J–R
            ("47QMW5380948266", "row letter 'W'"),
            ("47IMU5380948266", "band 'I'"),
            ("47ZMU5380948266", "band 'Z'"),
            ("47CMG5380948266", "row letter 'G' does not lie in latitude band 'C'"),
            ("61QMU5380948266", "zone 61"),
        ]
        for (text, words) in cases {
            XCTAssertThrowsError(try p.parse(text), text) { e in
                XCTAssertTrue((e as? CoordinateParseError)?.message.en.contains(words) == true, "\(text): \(e)")
                XCTAssertEqual((e as? CoordinateParseError)?.kind, .mgrsInvalid, "\(text): \(e)")
            }
        }
        XCTAssertThrowsError(try CoordinateParser(crs: .indian1975UTM47N).parse("47QMU5380948266"))
    }

    /// 600 references made by GeoConvert from points all over the UTM world (every zone, both
    /// hemispheres, 1 to 5 digits), read back by GeoConvert and by us: the same metres.
    func testAgreesWithGeoConvertWorldWide() throws {
        guard let tool = ["/usr/bin/GeoConvert", "/usr/local/bin/GeoConvert"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("GeoConvert (Debian geographiclib-tools) is not installed: the world-wide MGRS comparison is skipped")
        }
        var seed: UInt64 = 9
        func next() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
        var refs: [String] = []
        for prec in -4...0 {   // GeoConvert -p 0 = 5 digits … -4 = 1 digit
            let points = (0..<120).map { _ in "\(-79.5 + next() * 163) \(-179.99 + next() * 359.98)" }
            refs += try run(tool, ["-m", "-p", "\(prec)"], points.joined(separator: "\n") + "\n").split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(refs.count, 600)
        let back = try run(tool, ["-u", "-p", "3"], refs.joined(separator: "\n") + "\n").split(separator: "\n")
        XCTAssertEqual(back.count, refs.count)
        for (ref, line) in zip(refs, back) {
            let f = line.split(separator: " ")
            let u = try XCTUnwrap(try MGRSReference.parse(ref), ref).utm()
            XCTAssertEqual(u.zone, Int(f[0].dropLast()), ref)
            XCTAssertEqual(u.north ? "n" : "s", String(f[0].suffix(1)), ref)
            XCTAssertEqual(u.easting, Double(f[1])!, accuracy: 0.001, ref)
            XCTAssertEqual(u.northing, Double(f[2])!, accuracy: 0.001, ref)
        }
    }

    private func run(_ tool: String, _ args: [String], _ input: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe; p.standardOutput = outPipe
        try p.run()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let data = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// `GEOSGeometry(strictWKT:)`: what GEOS's WKT reader lets through is refused, saying what.
final class StrictWKTTests: XCTestCase {
    func testRefusesWhatGEOSLetsThrough() throws {
        let ctx = GEOSContext()
        let cases: [(String, String)] = [
            ("POINT(99.1009 16.7834) xyz", "unexpected text after the geometry: 'xyz'"),
            ("POINT Z (1 2 3)", "carry Z"), ("POINT(1 2 3)", "carry Z"),
            ("POINT ZM (1 2 3 4)", "carry ZM"), ("LINESTRING(0 0 1, 1 1 1)", "carry Z"),
            ("POINT(nan nan)", "not a finite number"), ("POINT(1 -inf)", "not a finite number"),
            ("GEOMETRYCOLLECTION(POINT(1 2), POINT Z (1 2 3))", "carry Z"),
        ]
        for (text, words) in cases {
            XCTAssertThrowsError(try GEOSGeometry(strictWKT: text, context: ctx), text) { e in
                XCTAssertEqual((e as? GEOSError)?.kind, .malformedWKT, text)
                XCTAssertTrue((e as? GEOSError)?.message.en.contains(words) == true, "\(text): \(e)")
            }
        }
        for ok in ["POINT (1 2)", " POINT(1e1 -2.5) ", "POLYGON((0 0, 1 0, 1 1, 0 0))", "MULTIPOINT((1 2), (3 4))",
                   "MULTIPOINT(1 2, 3 4)", "POINT EMPTY", "GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))"] {
            XCTAssertNoThrow(try GEOSGeometry(strictWKT: ok, context: ctx), ok)
        }
        // GEOS's own parse errors still come first, in its words.
        XCTAssertThrowsError(try GEOSGeometry(strictWKT: "POINT (1)", context: ctx)) { e in
            XCTAssertTrue((e as? GEOSError)?.geosMessage?.contains("Exception") == true, "\(e)")
        }
    }
}
