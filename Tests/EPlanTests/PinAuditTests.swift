import Foundation
import XCTest
@testable import EPlanDomain

/// `eplan audit pins` on the real Tak store (`eplan init`: boundaries and 69 LAOs) with the
/// demo plan (14 projects of 4 LAOs), every project pinned inside its LAO through
/// `eplan pin`; then one of each defect injected, each found exactly once.
final class PinAuditTests: CLITestCase {
    static let roads: Set<String> = ["03630601-2560-001", "06630606-2560-002", "05630606-2560-001", "06630108-2561-001"]
    static let laoCodes = ["03630601", "06630606", "05630606", "06630108"]

    let proj: PROJContext = try! PROJContext()
    var toUTM: CoordinateTransform { try! proj.transform(from: .wgs84, to: .utm47N) }
    var toLonLat: CoordinateTransform { try! proj.transform(from: .utm47N, to: .wgs84) }

    func latLon(_ c: Coordinate) -> String { String(format: "%.7f, %.7f", c.y, c.x) }

    /// Moves `c` by metres east and north (UTM 47N).
    func offset(_ c: Coordinate, east: Double, north: Double = 0) throws -> Coordinate {
        let u = try toUTM.transform(c)
        return try toLonLat.transform(Coordinate(u.x + east, u.y + north))
    }

    /// Points well inside the LAO (≥ 150 m from its edge), 400 m apart, ≥ 100 m from its
    /// and its tambons' centroids and points on surface.
    func spots(_ store: Store, _ code: String) throws -> [Coordinate] {
        let lao = try XCTUnwrap(try store.lao(code: code))
        let geos = GEOSContext()
        let jU = try GEOSGeometry(try toUTM.transform(try XCTUnwrap(lao.jurisdiction)), context: geos)
        let inner = try PreparedGeometry(try jU.buffer(distance: -150))
        var refs: [Coordinate] = [try jU.centroid!, try jU.pointOnSurface!]
        for t in lao.tambons {
            let b = try XCTUnwrap(try store.boundary(level: .tambon, code: t.code))
            let g = try GEOSGeometry(try toUTM.transform(b.geometry), context: geos)
            refs += [try g.centroid!, try g.pointOnSurface!]
        }
        let e = try XCTUnwrap(jU.envelope)
        var out: [Coordinate] = []
        var y = e.minY + 200
        while y < e.maxY && out.count < 6 {
            var x = e.minX + 200
            while x < e.maxX && out.count < 6 {
                if try inner.covers(x: x, y: y), refs.allSatisfy({ hypot($0.x - x, $0.y - y) > 100 }) {
                    out.append(try toLonLat.transform(Coordinate(x, y)))
                }
                x += 400
            }
            y += 400
        }
        return out
    }

    struct Fixture {
        var db: String
        /// Where each project was pinned (a road: its first point; the line runs 100 m east).
        var at: [String: Coordinate]
        /// Spare clean spots per LAO.
        var spare: [String: [Coordinate]]
    }

    /// `eplan init`, the demo plan, every project pinned inside through `eplan pin`.
    func fixture() throws -> Fixture {
        let db = try initStore()
        let imported = try eplan(["projects", "import", "--db", db, Self.takDir + "/demo-plan-2560.csv"])
        XCTAssertEqual(imported.status, 0, imported.err)
        let store = try Store(path: db, readOnly: true)
        var at: [String: Coordinate] = [:], spare: [String: [Coordinate]] = [:]
        var projects: [String: [String]] = [:]
        try store.database.query("SELECT code, lao_code FROM project ORDER BY code") { r in
            projects[r.string(1)!, default: []].append(r.string(0)!)
        }
        for code in Self.laoCodes {
            var free = try spots(store, code)
            let codes = try XCTUnwrap(projects[code])
            XCTAssertGreaterThanOrEqual(free.count, codes.count + 1, "room in LAO \(code)")
            for p in codes {
                let c = free.removeFirst()
                at[p] = c
                var args = ["pin", "--db", db, p, latLon(c)]
                if Self.roads.contains(p) { args.append(latLon(try offset(c, east: 100))) }
                let r = try eplan(args)
                XCTAssertEqual(r.status, 0, r.out + r.err)
            }
            spare[code] = free
        }
        return Fixture(db: db, at: at, spare: spare)
    }

    func audit(_ db: String, _ extra: [String] = []) throws -> (status: Int32, json: [String: Any], findings: [[String: Any]]) {
        let r = try eplan(["audit", "pins", "--db", db, "--format", "json"] + extra)
        let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.out + r.err)
        return (r.status, j, j["findings"] as? [[String: Any]] ?? [])
    }

    func only(_ findings: [[String: Any]], _ kind: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let fs = findings.filter { $0["kind"] as? String == kind }
        XCTAssertEqual(fs.count, 1, "\(kind): \(fs)", file: file, line: line)
        return try XCTUnwrap(fs.first, file: file, line: line)
    }

    func location(_ f: [String: Any]) throws -> Coordinate {
        Coordinate(try XCTUnwrap(f["lon"] as? Double), try XCTUnwrap(f["lat"] as? Double))
    }

    /// A fresh pin row (as an import or another program might write it).
    func addPin(_ db: String, _ code: String, _ g: Geometry, status: PinStatus = .valid) throws {
        let store = try Store(path: db)
        try store.addPin(PinRecord(projectCode: code, pinnedAt: "2026-01-01T00:00:00Z", pinnedBy: "test", rawInput: "test",
                                   inputCRS: 4326, status: status, toleranceM: 30, geometry: g))
    }

    /// Metres from `c` to the LAO's jurisdiction, in UTM 47N with PROJ.
    func distanceOutside(_ db: String, lao: String, _ c: Coordinate) throws -> Double {
        let store = try Store(path: db, readOnly: true)
        let j = try XCTUnwrap(try store.lao(code: lao)?.jurisdiction)
        let geos = GEOSContext()
        return try GEOSGeometry(try toUTM.transform(j), context: geos)
            .distance(to: try GEOSGeometry(.point(try toUTM.transform(c)), context: geos))
    }

    func fileDigest(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "absent" }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var h: UInt64 = 0xcbf29ce484222325
        for b in data { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return "\(data.count):\(h)"
    }

    // MARK: - clean

    func testCleanPinsOfTheRealTakDataYieldNoFindings() throws {
        let f = try fixture()
        let r = try audit(f.db)
        XCTAssertEqual(r.status, 0, "\(r.findings)")
        XCTAssertEqual(r.json["clean"] as? Bool, true)
        XCTAssertEqual(r.json["units_checked"] as? Int, 14)
        let text = try eplan(["audit", "pins", "--db", f.db])
        XCTAssertEqual(text.status, 0, text.out)
        XCTAssertTrue(text.out.contains("ไม่พบปัญหา (ตรวจ 14 หมุด)"), text.out)
        let en = try eplan(["audit", "pins", "--db", f.db, "--lang", "en", "--province", "63", "--year", "2560"])
        XCTAssertEqual(en.status, 0, en.out)
        XCTAssertTrue(en.out.contains("no findings (6 pins checked)"), en.out)
        let geo = try eplan(["audit", "pins", "--db", f.db, "--format", "geojson", "--lao", "06630108"])
        XCTAssertEqual(geo.status, 0)
        let fc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(geo.out.utf8)) as? [String: Any])
        XCTAssertEqual((fc["features"] as? [Any])?.count, 0)
    }

    // MARK: - every defect, once

    func testEachInjectedDefectIsFoundExactlyOnceWithItsLocation() throws {
        let f = try fixture()
        let db = f.db
        // 5. Forced outside: Nam Ruem's project pinned in Mae Sot.
        let maeSot = Coordinate(98.5667, 16.7167)
        let forced = try eplan(["pin", "--db", db, "06630108-2562-001", latLon(maeSot), "--force"])
        XCTAssertEqual(forced.status, 0, forced.err)
        // 5. After a boundary change: Tha Sai Luat's jurisdiction loses a 400 m square around a pin.
        let moved = try XCTUnwrap(f.at["05630606-2561-001"])
        do {
            let store = try Store(path: db)
            let j = try XCTUnwrap(try store.lao(code: "05630606")?.jurisdiction)
            let u = try toUTM.transform(moved)
            let square = Geometry.polygon(Polygon(exterior: try [(-200.0, -200.0), (200, -200), (200, 200), (-200, 200), (-200, -200)]
                .map { try toLonLat.transform(Coordinate(u.x + $0.0, u.y + $0.1)) }))
            let geos = GEOSContext()
            let shrunk = try GEOSGeometry(j, context: geos).difference(with: try GEOSGeometry(square, context: geos)).toGeometry()
            try store.setJurisdiction(laoCode: "05630606", shrunk)
        }
        // 6. (0, 0), outside Thailand, swapped.
        try addPin(db, "06630108-2560-001", .point(Coordinate(0, 0)))
        try addPin(db, "03630601-2560-002", .point(Coordinate(100.5, 25.0)))
        let swappedFrom = try XCTUnwrap(f.at["05630606-2562-001"])
        try addPin(db, "05630606-2562-001", .point(Coordinate(swappedFrom.y, swappedFrom.x)))
        // 6. Three projects of Tha Sai Luat SAO on one spot (1 m apart), through `eplan pin`.
        let spot = try XCTUnwrap(f.spare["06630606"]?.first)
        let stack = ["06630606-2560-001", "06630606-2561-001", "06630606-2562-001"]
        for (p, c) in zip(stack, [spot, try offset(spot, east: 1), try offset(spot, east: 0, north: 1)]) {
            let r = try eplan(["pin", "--db", db, p, latLon(c)])
            XCTAssertEqual(r.status, 0, r.err)
        }
        // 6. A point at Mae Sot's centroid.
        let storeRO = try Store(path: db, readOnly: true)
        let maeSotJ = try XCTUnwrap(try storeRO.lao(code: "03630601")?.jurisdiction)
        let centroid = try XCTUnwrap(try GEOSGeometry(maeSotJ, context: GEOSContext()).centroid)
        let atCentroid = try eplan(["pin", "--db", db, "03630601-2562-001", latLon(centroid)])
        XCTAssertEqual(atCentroid.status, 0, atCentroid.err)
        // 6. A 5 m road; a road zigzagging inside its LAO for longer than the LAO's diagonal.
        let shortStart = try XCTUnwrap(f.at["03630601-2560-001"])
        let shortRoad = try eplan(["pin", "--db", db, "03630601-2560-001", latLon(shortStart), latLon(try offset(shortStart, east: 5))])
        XCTAssertEqual(shortRoad.status, 0, shortRoad.err)
        let a = try XCTUnwrap(f.at["06630606-2560-002"]), b = try offset(a, east: 100)
        let env = try XCTUnwrap(try storeRO.lao(code: "06630606")?.jurisdiction?.envelope)
        let diagonal = try Metric.distance(Coordinate(env.minX, env.minY), Coordinate(env.maxX, env.maxY))
        let zigzag = (0...(Int(diagonal / 100) + 5)).map { $0 % 2 == 0 ? a : b }
        try addPin(db, "06630606-2560-002", .lineString(zigzag))
        // 7. Two more projects of Nam Ruem in 2561, not pinned.
        try Store(path: db).database.execute("""
            INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at) VALUES
              ('06630108-2561-002', '06630108', 2561, 'ขุดลอกคลอง', 'water', '2025-01-01', '2025-01-01'),
              ('06630108-2561-003', '06630108', 2561, 'ซ่อมศาลาประชาคม', 'building', '2025-01-01', '2025-01-01')
            """)

        let before = [try fileDigest(db), try fileDigest(db + "-wal")]
        let r = try audit(db)
        XCTAssertEqual(r.status, 5)
        XCTAssertEqual([try fileDigest(db), try fileDigest(db + "-wal")], before, "the audit changed the store")
        let counts = r.json["counts"] as? [String: Int]
        XCTAssertEqual(counts, ["pin_outside_jurisdiction": 2, "pin_null_island": 1, "pin_outside_thailand": 1, "pin_swapped": 1,
                                "pin_stacked": 1, "pin_at_centroid": 1, "road_too_short": 1, "road_too_long": 1,
                                "unpinned_projects": 1], "\(r.findings)")
        XCTAssertEqual(r.findings.count, 10)

        let outside = r.findings.filter { $0["kind"] as? String == "pin_outside_jurisdiction" }
        let byCode = Dictionary(uniqueKeysWithValues: outside.map { (($0["codes"] as! [String])[0], $0) })
        // Forced: its distance as PROJ and GEOS measure it, at the pin.
        let o1 = try XCTUnwrap(byCode["06630108-2562-001"])
        XCTAssertEqual(try XCTUnwrap(o1["distance_m"] as? Double), try distanceOutside(db, lao: "06630108", maeSot), accuracy: 0.5)
        XCTAssertLessThan(try Metric.distance(try location(o1), maeSot), 0.01)
        XCTAssertEqual(o1["found_tambon_code"] as? String, "630601")
        XCTAssertEqual(o1["pin_status"] as? String, "outside")
        // Boundary change: 200 m from the square's edge; it was valid when pinned.
        let o2 = try XCTUnwrap(byCode["05630606-2561-001"])
        XCTAssertEqual(try XCTUnwrap(o2["distance_m"] as? Double), 200, accuracy: 0.5)
        XCTAssertLessThan(try Metric.distance(try location(o2), moved), 0.01)
        XCTAssertTrue((o2["message_en"] as? String ?? "").contains("the boundary has changed since"), "\(o2)")
        XCTAssertTrue((o2["message_th"] as? String ?? "").contains("ทต.ท่าสายลวด"), "\(o2)")

        let null = try only(r.findings, "pin_null_island")
        XCTAssertEqual(null["codes"] as? [String], ["06630108-2560-001"])
        XCTAssertEqual(try location(null), Coordinate(0, 0))
        let abroad = try only(r.findings, "pin_outside_thailand")
        XCTAssertEqual(abroad["codes"] as? [String], ["03630601-2560-002"])
        XCTAssertEqual(try location(abroad), Coordinate(100.5, 25.0))
        let swapped = try only(r.findings, "pin_swapped")
        XCTAssertEqual(swapped["codes"] as? [String], ["05630606-2562-001"])
        XCTAssertEqual(try XCTUnwrap(swapped["swapped_lat"] as? Double), swappedFrom.y, accuracy: 1e-7)
        XCTAssertEqual(try XCTUnwrap(swapped["swapped_lon"] as? Double), swappedFrom.x, accuracy: 1e-7)

        let stacked = try only(r.findings, "pin_stacked")
        XCTAssertEqual(stacked["codes"] as? [String], stack)
        XCTAssertEqual(stacked["count"] as? Double, 3)
        XCTAssertLessThan(try Metric.distance(try location(stacked), spot), 1)

        let cen = try only(r.findings, "pin_at_centroid")
        XCTAssertEqual(cen["codes"] as? [String], ["03630601-2562-001"])
        XCTAssertLessThan(try XCTUnwrap(cen["distance_m"] as? Double), 0.05)
        XCTAssertLessThan(try Metric.distance(try location(cen), centroid), 0.05)

        let short = try only(r.findings, "road_too_short")
        XCTAssertEqual(short["codes"] as? [String], ["03630601-2560-001"])
        XCTAssertEqual(try XCTUnwrap(short["length_m"] as? Double), 5, accuracy: 0.05)
        XCTAssertLessThan(try Metric.distance(try location(short), shortStart), 5)
        let long = try only(r.findings, "road_too_long")
        XCTAssertEqual(long["codes"] as? [String], ["06630606-2560-002"])
        XCTAssertEqual(try XCTUnwrap(long["length_m"] as? Double), try Metric.length(.lineString(zigzag)), accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(long["lao_diagonal_m"] as? Double), diagonal, accuracy: 0.01)
        XCTAssertLessThan(try Metric.distance(try location(long), a), 101)

        let unpinned = try only(r.findings, "unpinned_projects")
        XCTAssertEqual(unpinned["codes"] as? [String], ["06630108-2561-002", "06630108-2561-003"])
        XCTAssertEqual(unpinned["count"] as? Double, 2)
        XCTAssertEqual(unpinned["total"] as? Double, 3)
        XCTAssertEqual(unpinned["plan_year"] as? Double, 2561)
        XCTAssertEqual(unpinned["lao_code"] as? String, "06630108")

        // --no-completeness drops the unpinned projects; --stack-min 4 the stack.
        let fewer = try audit(db, ["--no-completeness", "--stack-min", "4"])
        XCTAssertEqual(fewer.findings.count, 8)
        XCTAssertFalse(fewer.findings.contains { ["unpinned_projects", "pin_stacked"].contains($0["kind"] as? String) })
        // A filter: one LAO.
        let one = try audit(db, ["--lao", "06630108"])
        XCTAssertEqual(Set(one.findings.compactMap { $0["kind"] as? String }),
                       ["pin_outside_jurisdiction", "pin_null_island", "unpinned_projects"])

        // Text (Thai, English) and GeoJSON.
        let th = try eplan(["audit", "pins", "--db", db])
        XCTAssertEqual(th.status, 5)
        XCTAssertTrue(th.out.contains("พบ 10 รายการ"), th.out)
        XCTAssertTrue(th.out.contains("หมุดอยู่ที่พิกัด (0, 0)"), th.out)
        let en = try eplan(["audit", "pins", "--db", db, "--lang", "en"])
        XCTAssertTrue(en.out.contains("10 findings"), en.out)
        XCTAssertTrue(en.out.contains("latitude and longitude are swapped"), en.out)
        let out = path("pins.geojson")
        let geo = try eplan(["audit", "pins", "--db", db, "--format", "geojson", "--out", out])
        XCTAssertEqual(geo.status, 5, geo.err)
        let fc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let features = try XCTUnwrap(fc["features"] as? [[String: Any]])
        XCTAssertEqual(features.count, 10)
        for ft in features {
            let g = try XCTUnwrap(ft["geometry"] as? [String: Any], "every pin finding has a shape: \(ft)")
            let kind = (ft["properties"] as? [String: Any])?["kind"] as? String
            let expected: String = switch kind {
            case "pin_stacked": "MultiPoint"
            case "road_too_short", "road_too_long": "LineString"
            default: "Point"
            }
            XCTAssertEqual(g["type"] as? String, expected, "\(kind ?? "")")
        }
        XCTAssertEqual([try fileDigest(db), try fileDigest(db + "-wal")], before, "the audits changed the store")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/ogrinfo") {
            let info = try run("ogrinfo", ["-al", "-so", out])
            XCTAssertEqual(info.status, 0, info.err)
            XCTAssertTrue(info.out.contains("Feature Count: 10"), info.out)
        }
    }

    // MARK: - outside Thailand with the national boundaries

    /// With only Tak loaded, a pin in the sea off Thailand's west coast (inside Thailand's box)
    /// is merely outside its LAO; once the store holds 77 provinces it is outside Thailand.
    /// A pin inside Tak is never outside Thailand.
    func testInNoProvinceIsOutsideThailandOnlyWithAllProvinces() throws {
        let db = try initStore()
        let store = try Store(path: db)
        try store.database.execute("""
            INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at) VALUES
              ('A', '06630108', 2560, 'อาคาร', 'building', '2025-01-01', '2025-01-01'),
              ('B', '06630108', 2560, 'อาคาร', 'building', '2025-01-01', '2025-01-01')
            """)
        let inside = try XCTUnwrap(try spots(store, "06630108").first)
        let sea = Coordinate(97.5, 8.0)
        try addPin(db, "A", .point(inside))
        try addPin(db, "B", .point(sea))
        var o = PinAuditOptions(provinceCode: "63")
        o.completeness = false
        let takOnly = try PinAuditor(store: try Store(path: db, readOnly: true)).audit(o)
        XCTAssertEqual(takOnly.findings.map(\.kind), [.pinOutsideJurisdiction], AuditOutput.text(takOnly, .en))
        XCTAssertEqual(takOnly.counters["national"], 0)

        let tak = try XCTUnwrap(try store.boundary(level: .province, code: "63"))
        let others = (0..<76).map { i -> BoundaryRecord in
            let x = 102.0 + Double(i % 10) * 0.02, y = 14.0 + Double(i / 10) * 0.02
            let ring = [Coordinate(x, y), Coordinate(x + 0.01, y), Coordinate(x + 0.01, y + 0.01), Coordinate(x, y + 0.01), Coordinate(x, y)]
            return BoundaryRecord(level: .province, code: String(format: "%02d", i + 10 < 63 ? i + 10 : i + 11), parentCode: nil,
                                  provinceCode: "x", nameTH: "จังหวัดสมมุติ", nameEN: nil,
                                  geometry: .multiPolygon([Polygon(exterior: ring)]))
        }
        try store.replaceBoundaries(level: .province, records: [tak] + others, source: "test")
        let national = try PinAuditor(store: try Store(path: db, readOnly: true)).audit(o)
        XCTAssertEqual(national.counters["national"], 1)
        XCTAssertEqual(national.findings.map(\.kind), [.pinOutsideThailand], AuditOutput.text(national, .en))
        XCTAssertEqual(national.findings.first?.codes, ["B"])
        XCTAssertEqual(national.findings.first?.location, sea)
    }

    // MARK: - bad input

    func testUnknownFiltersAndBadValuesAreBadInput() throws {
        let db = try initStore()
        for args in [["--lao", "99999999"], ["--province", "99"], ["--province", "50", "--lao", "03630601"],
                     ["--year", "2020"], ["--stack-min", "1"], ["--stack-radius=-1"]] {
            let r = try eplan(["audit", "pins", "--db", db] + args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.out) \(r.err)")
        }
        let r = try eplan(["audit", "pins", "--db", db, "--lang", "en", "--lao", "99999999"])
        XCTAssertTrue(r.err.contains("no LAO with code '99999999'"), r.err)
        // No projects at all: nothing to find.
        XCTAssertEqual(try eplan(["audit", "pins", "--db", db]).status, 0)
    }
}
