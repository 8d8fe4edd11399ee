import XCTest
import Foundation
import EPlanGeometry
import EPlanCRS

/// Checks our PROJ calls against the `cs2cs` command line (same PROJ, independent code path).
final class CRSTests: XCTestCase {
    /// lon, lat (EPSG:4326 visual order).
    static let controlPoints: [(name: String, lon: Double, lat: Double)] = [
        ("Bangkok", 100.5018, 13.7563), ("Chiang Mai", 98.9853, 18.7883), ("Mae Sot", 98.5667, 16.7167),
        ("Hat Yai", 100.4747, 7.0086), ("Ubon", 104.8472, 15.2287), ("Tak", 99.1258, 16.8840),
    ]
    static let projected: [CRS] = [.utm47N, .utm48N, .indian1975UTM47N, .indian1975UTM48N, .webMercator]

    var context: PROJContext!

    override func setUpWithError() throws {
        context = try PROJContext()
    }

    // MARK: cs2cs

    private func cs2csPath() throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for d in dirs + ["/usr/bin", "/usr/local/bin"] {
            let p = "\(d)/cs2cs"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw XCTSkip("cs2cs not found on PATH (install proj-bin); skipping comparison with PROJ's command line")
    }

    /// Runs `cs2cs -d 9 <from> <to>` on "a b" lines. cs2cs reads and writes EPSG:4326 as lat lon
    /// (the authority's axis order) and projected CRSs as easting northing.
    private func cs2cs(_ from: CRS, _ to: CRS, _ input: [(Double, Double)]) throws -> [(Double, Double)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try cs2csPath())
        process.arguments = ["-d", "9", from.identifier, to.identifier]
        var env = ProcessInfo.processInfo.environment
        env["PROJ_NETWORK"] = "OFF"
        process.environment = env
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = input.map { "\(String(format: "%.12f", $0.0)) \(String(format: "%.12f", $0.1))\n" }.joined()
        stdin.fileHandleForWriting.write(text.data(using: .utf8)!)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        return try lines.map { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count >= 2, let a = Double(f[0]), let b = Double(f[1]) else {
                throw XCTSkip("unexpected cs2cs output line: \(line)")
            }
            return (a, b)
        }
    }

    // MARK: Tests

    func testVersionAndDatabase() throws {
        XCTAssertTrue(PROJContext.version().contains("9."), PROJContext.version())
        XCTAssertTrue(PROJContext.versionNumber().hasPrefix("9."), PROJContext.versionNumber())
        let db = try XCTUnwrap(context.databasePath)
        XCTAssertTrue(FileManager.default.fileExists(atPath: db), db)
    }

    func testForwardAndInverseMatchCs2cs() throws {
        let pts = Self.controlPoints
        for crs in Self.projected {
            // forward: ours takes lon/lat, cs2cs lat lon
            let expected = try cs2cs(.wgs84, crs, pts.map { ($0.lat, $0.lon) })
            XCTAssertEqual(expected.count, pts.count)
            let fwd = try context.transform(from: .wgs84, to: crs)
            var ours: [Coordinate] = []
            for (p, e) in zip(pts, expected) {
                let c = try fwd.transform(Coordinate(p.lon, p.lat))
                ours.append(c)
                XCTAssertEqual(c.x, e.0, accuracy: 0.01, "\(p.name) → \(crs) easting")
                XCTAssertEqual(c.y, e.1, accuracy: 0.01, "\(p.name) → \(crs) northing")
            }
            // inverse from the same projected input
            let back = try cs2cs(crs, .wgs84, ours.map { ($0.x, $0.y) })
            let inv = try context.transform(from: crs, to: .wgs84)
            for (k, c) in ours.enumerated() {
                let g = try inv.transform(c)
                XCTAssertEqual(g.y, back[k].0, accuracy: 1e-8, "\(pts[k].name) \(crs) → 4326 latitude")
                XCTAssertEqual(g.x, back[k].1, accuracy: 1e-8, "\(pts[k].name) \(crs) → 4326 longitude")
                // Round trip: within ~1 cm only, because a datum shift done in 2D drops the
                // ellipsoidal height it creates (Indian 1975 points come back ~3 mm off).
                XCTAssertEqual(g.x, pts[k].lon, accuracy: 1e-7)
                XCTAssertEqual(g.y, pts[k].lat, accuracy: 1e-7)
            }
        }
    }

    /// Indian 1975 has several EPSG transformations to WGS 84; PROJ picks by area of use per
    /// point, as cs2cs does. The datum shift is hundreds of metres, so a wrong pick shows.
    func testIndian1975DatumShiftIsApplied() throws {
        let p = Coordinate(98.5667, 16.7167)
        let wgs = try context.transform(from: .wgs84, to: .utm47N).transform(p)
        let ind = try context.transform(from: .wgs84, to: .indian1975UTM47N).transform(p)
        let shift = hypot(wgs.x - ind.x, wgs.y - ind.y)
        XCTAssertGreaterThan(shift, 100)
        XCTAssertLessThan(shift, 1000)
    }

    func testBatchMatchesSingleAndGeometry() throws {
        for crs in Self.projected { try checkBatch(crs) }
    }

    private func checkBatch(_ crs: CRS) throws {
        let t = try context.transform(from: .wgs84, to: crs)
        var xs = Self.controlPoints.map(\.lon), ys = Self.controlPoints.map(\.lat)
        try t.transform(&xs, &ys)
        for (k, p) in Self.controlPoints.enumerated() {
            let c = try t.transform(Coordinate(p.lon, p.lat))
            XCTAssertEqual(xs[k], c.x, accuracy: 1e-6, "\(crs) \(p.name)")
            XCTAssertEqual(ys[k], c.y, accuracy: 1e-6, "\(crs) \(p.name)")
        }
        let line = Geometry.lineString(Self.controlPoints.map { Coordinate($0.lon, $0.lat) })
        guard case .lineString(let out) = try t.transform(line) else { return XCTFail("type changed") }
        XCTAssertEqual(out.map(\.x), xs)
        var ex: [Double] = [], ey: [Double] = []
        try t.transform(&ex, &ey)   // empty is fine
    }

    func testCacheReusesTransform() throws {
        let a = try context.transform(from: .wgs84, to: .indian1975UTM48N)
        let b = try context.transform(from: .wgs84, to: .indian1975UTM48N)
        XCTAssertTrue(a === b)
        XCTAssertFalse(a === (try context.transform(from: .indian1975UTM48N, to: .wgs84)))
    }

    func testTransformOutlivesContext() throws {
        var ctx: PROJContext? = try PROJContext()
        let t = try ctx!.transform(from: .wgs84, to: .utm48N)
        ctx = nil  // the transform keeps the PJ_CONTEXT alive
        let c = try t.transform(Coordinate(104.8472, 15.2287))
        XCTAssertEqual(c.x, 484_000, accuracy: 2_000)
    }

    func testTransformErrorNamesCoordinate() throws {
        let t = try context.transform(from: .wgs84, to: .utm47N)
        XCTAssertThrowsError(try t.transform(Coordinate(0, 100))) { e in
            let err = e as! PROJError
            XCTAssertEqual(err.kind, .transform)
            XCTAssertTrue(err.message.th.contains("(0, 100)"), err.message.th)
            XCTAssertTrue(err.message.en.contains("(0, 100)"), err.message.en)
            XCTAssertFalse(err.projMessage.isEmpty)
        }
        var xs = [100.0, 0], ys = [13.0, 100]
        XCTAssertThrowsError(try t.transform(&xs, &ys)) { e in
            XCTAssertTrue((e as! PROJError).message.en.contains("index 1"), "\(e)")
        }
        XCTAssertEqual(xs, [100.0, 0], "arrays untouched on error")
        var shortYs = [13.0]
        XCTAssertThrowsError(try t.transform(&xs, &shortYs), "arrays of different lengths are an error, not a trap") { e in
            XCTAssertTrue((e as? PROJError)?.message.th.contains("ไม่เท่ากัน") == true, "\(e)")
        }
        XCTAssertThrowsError(try t.transform(Coordinate(.nan, 13)))
    }

    func testCRSParsingAndNames() throws {
        XCTAssertEqual(try CRS(parsing: "EPSG:24047"), .indian1975UTM47N)
        XCTAssertEqual(try CRS(parsing: "24047"), .indian1975UTM47N)
        XCTAssertEqual(try CRS(parsing: "epsg:32647"), .utm47N)
        XCTAssertEqual(try CRS(parsing: " EPSG:๓๘๕๗ "), .webMercator)
        XCTAssertEqual(try CRS(parsing: "urn:ogc:def:crs:EPSG::4326"), .wgs84)
        XCTAssertTrue(CRS.wgs84.isGeographic)
        XCTAssertFalse(CRS.utm48N.isGeographic)
        XCTAssertEqual(CRS.indian1975UTM48N.utmZone, 48)
        XCTAssertEqual(CRS.indian1975UTM48N.datum, .indian1975)
        XCTAssertTrue(CRS.utm47N.name.th.contains("โซน 47"))
        XCTAssertEqual(CRS.utm47N.name.en, "WGS 84 / UTM zone 47N")
        for bad in ["EPSG:9999", "32646", "EPSG:", "abc"] {
            XCTAssertThrowsError(try CRS(parsing: bad)) { e in
                let m = (e as! CRSError).message
                XCTAssertTrue(m.th.hasPrefix("ไม่รองรับ"), m.th)
                XCTAssertTrue(m.th.contains("'\(bad)'") && m.en.contains("'\(bad)'"), m.en)
            }
        }
        XCTAssertThrowsError(try CRS(epsg: 4269))
    }

    func testToWGS84() throws {
        let p = ParsedCoordinate(raw: "x", crs: .utm47N, native: Coordinate(453809.042409075, 1848265.649191699))
        let g = try p.toWGS84(using: context)
        XCTAssertEqual(g.x, 98.5667, accuracy: 1e-8)
        XCTAssertEqual(g.y, 16.7167, accuracy: 1e-8)
    }
}

final class PROJDatabaseFallbackTests: XCTestCase {
    /// With PROJ_DATA/PROJ_LIB pointing nowhere, the context still finds /usr/share/proj/proj.db.
    func testFindsDatabaseWithoutEnvironment() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/proj/proj.db") else {
            throw XCTSkip("no /usr/share/proj/proj.db on this machine")
        }
        let saved = ["PROJ_DATA", "PROJ_LIB"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer { for (k, v) in saved { if let v { setenv(k, v, 1) } else { unsetenv(k) } } }
        setenv("PROJ_DATA", "/nonexistent-proj-data", 1)
        setenv("PROJ_LIB", "/nonexistent-proj-data", 1)
        let ctx = try PROJContext()
        XCTAssertEqual(ctx.databasePath, "/usr/share/proj/proj.db")
        let c = try ctx.transform(from: .wgs84, to: .indian1975UTM47N).transform(Coordinate(98.5667, 16.7167))
        XCTAssertEqual(c.x, 454325.268470950, accuracy: 0.01)
    }
}
