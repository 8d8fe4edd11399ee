import Foundation
import XCTest
@testable import EPlanDomain

/// The LAO registry: Tak's default load, derived jurisdictions, import errors, the CLI.
final class LAORegistryTests: CLITestCase {
    let geos = GEOSContext()

    func g(_ geometry: Geometry?) throws -> GEOSGeometry { try GEOSGeometry(XCTUnwrap(geometry), context: geos) }

    /// Everything an import may touch, as text: equal before and after a refused import.
    func snapshot(_ db: String) throws -> String {
        let store = try Store(path: db, readOnly: true, create: false)
        var out = ""
        for sql in ["SELECT code, type, name_th, coverage, synthetic, vision, strategies, hex(geom), updated_at FROM lao ORDER BY code",
                    "SELECT * FROM lao_tambon ORDER BY lao_code, tambon_code",
                    "SELECT lao_code, first_year, last_year, approved, approved_on FROM dev_plan ORDER BY lao_code",
                    "SELECT count(*) FROM idx_lao_geom"] {
            try store.database.query(sql) { r in
                out += (0..<r.count).map { r.string($0) ?? "NULL" }.joined(separator: "|") + "\n"
            }
        }
        return out
    }

    func testDefaultInitDerivesTakJurisdictions() throws {
        let db = try initStore()
        let store = try Store(path: db, readOnly: true, create: false)
        let laos = try store.laos()
        XCTAssertEqual(laos.count, 69)
        let byCode = Dictionary(uniqueKeysWithValues: laos.map { ($0.code, $0) })
        let tier1 = laos.filter { $0.type.tier == 1 }

        // Every tambon: tier-1 jurisdictions inside it add up to all of it, or there are none.
        var uncovered: [String] = []
        for tambon in try store.boundaries(level: .tambon) {
            let tg = try g(tambon.geometry)
            var covered = 0.0
            for lao in tier1 where try g(lao.jurisdiction).intersects(tg) {
                covered += try Metric.area(try g(lao.jurisdiction).intersection(with: tg).toGeometry())
            }
            let area = try Metric.area(tambon.geometry)
            if covered < 1 { uncovered.append(tambon.code); continue }
            XCTAssertEqual(covered / area, 1, accuracy: 0.001, "tambon \(tambon.code) \(tambon.nameTH)")
        }
        XCTAssertEqual(uncovered, ["630802", "630805"], "หนองหลวง and แม่ละมุ้ง (อ.อุ้มผาง) have no local LAO in the 2016 table")

        // No two tier-1 jurisdictions overlap by more than 1 m².
        for (i, a) in tier1.enumerated() {
            let ga = try g(a.jurisdiction)
            for b in tier1[(i + 1)...] {
                let gb = try g(b.jurisdiction)
                guard try ga.intersects(gb) else { continue }
                XCTAssertLessThanOrEqual(try Metric.area(try ga.intersection(with: gb).toGeometry()), 1, "\(a.code) × \(b.code)")
            }
        }

        // The อบจ. is the province.
        let pao = try XCTUnwrap(byCode["02630000"])
        let province = try XCTUnwrap(try store.boundary(level: .province, code: "63"))
        XCTAssertEqual(try Metric.area(try XCTUnwrap(pao.jurisdiction)) / Metric.area(province.geometry), 1, accuracy: 0.001)

        // อบต.ท่าสายลวด = tambon ท่าสายลวด less ทต.ท่าสายลวด, exactly.
        let sao = try XCTUnwrap(byCode["06630606"]), town = try XCTUnwrap(byCode["05630606"])
        let tambon = try XCTUnwrap(try store.boundary(level: .tambon, code: "630606"))
        let expected = try Metric.area(tambon.geometry) - Metric.area(try XCTUnwrap(town.jurisdiction))
        XCTAssertEqual(try Metric.area(try XCTUnwrap(sao.jurisdiction)), expected, accuracy: max(1, expected * 1e-6))
        XCTAssertTrue(town.synthetic); XCTAssertFalse(sao.synthetic)
        XCTAssertEqual(laos.filter(\.synthetic).count, 11)

        // A point in tambon แม่สอด lies in ทน.แม่สอด and the อบจ. only.
        let point = Coordinate(98.5667, 16.7167)
        let containing = try store.laoCandidates(containing: point).filter { try g($0.jurisdiction).covers(try GEOSGeometry(.point(point), context: geos)) }
        XCTAssertEqual(containing.map(\.code), ["02630000", "03630601"])

        // Facts from the seed: vision flag, plan 2560-2562, approval with and without a date.
        let takTown = try store.devPlans(laoCode: "04630101")
        XCTAssertEqual(takTown.map { [$0.firstYear, $0.lastYear] }, [[2560, 2562]])
        XCTAssertEqual(takTown.first?.approved, true)
        XCTAssertEqual(takTown.first?.approvedOn, "2016-06-29")
        XCTAssertEqual(try store.devPlans(laoCode: "06630605").first?.approved, true)
        XCTAssertNil(try store.devPlans(laoCode: "06630605").first?.approvedOn, "แม่กาษา: approved, date unknown")
        XCTAssertEqual(try store.laoVision(code: "03630601"), true)
        XCTAssertEqual(try store.laoVision(code: "02630000"), false)
        XCTAssertEqual(byCode["05630206"]?.tambons, [LAOTambon(code: "630206", whole: true), LAOTambon(code: "630207", whole: false)])
    }

    func testListAndShowMarkSyntheticAreas() throws {
        let db = try initStore()
        let list = try eplan(["laos", "list", "--db", db])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains("ทต.ทุ่งกระเชาะ") && list.out.contains("≈ สังเคราะห์"), list.out)
        XCTAssertTrue(list.out.contains("รวม 69 แห่ง"), list.out)
        let amphoe = try eplan(["laos", "list", "--db", db, "--amphoe", "6306", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(amphoe.out.utf8)) as! [[String: Any]]
        XCTAssertTrue(rows.allSatisfy { $0["amphoe_code"] as? String == "6306" })
        XCTAssertTrue(rows.contains { $0["code"] as? String == "03630601" })
        let csv = try eplan(["laos", "list", "--db", db, "--format", "csv", "--province", "63"])
        XCTAssertEqual(csv.out.split(separator: "\n").count, 70)

        let show = try eplan(["laos", "show", "--db", db, "05630206"])
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.out.contains("พื้นที่สังเคราะห์ ไม่ใช่เขตจริง"), show.out)
        XCTAssertTrue(show.out.contains("630207 ท้องฟ้า บางส่วน"), show.out)
        let json = try eplan(["laos", "show", "--db", db, "05630206", "--format", "json"])
        let o = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [String: Any]
        XCTAssertEqual(o["synthetic"] as? Bool, true)
        XCTAssertGreaterThan(o["area_m2"] as! Double, 1e6)
        let real = try eplan(["laos", "show", "--db", db, "03630601"])
        XCTAssertFalse(real.out.contains("พื้นที่สังเคราะห์"), real.out)
        let english = try eplan(["--lang", "en", "laos", "show", "--db", db, "05630206"])
        XCTAssertTrue(english.out.contains("synthetic area, not the real boundary"), english.out)
        let missing = try eplan(["laos", "show", "--db", db, "99999999"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("99999999"), missing.err)
    }

    func testBadCSVNamesLineAndColumnAndLeavesStoreUnchanged() throws {
        let db = try initStore()
        let before = try snapshot(db)
        let header = "code,type,name_th,province_code,tambons,coverage\n"
        let cases: [(String, [String])] = [
            (header + "06630802,อบต.,อบต.หนองหลวง,63,630802,whole\n06630805,อบต.,อบต.แม่ละมุ้ง,63,630805 639999,whole\n",
             ["บรรทัด 3", "คอลัมน์ 5", "639999"]),
            (header + "06630802,อบค.,อบต.หนองหลวง,63,630802,whole\n", ["บรรทัด 2", "คอลัมน์ 2", "อบค."]),
            (header + "06630802,อบต.,อบต.หนองหลวง,63,630802,whole\n06630802,อบต.,อบต.ซ้ำ,63,630805,whole\n",
             ["บรรทัด 3", "06630802", "ซ้ำ"]),
            (header + "03630601,เทศบาลนคร,เทศบาลนครแม่สอด,63,630601,whole\n", ["บรรทัด 2", "03630601", "--replace"]),
            ("code,type,name_th,province_code,coverage\n06630802,อบต.,อบต.หนองหลวง,63,whole\n", ["บรรทัด 1", "tambons"]),
            (header + "06630802,อบต.,อบต.หนองหลวง,63,630802,all\n", ["บรรทัด 2", "คอลัมน์ 6", "all"]),
            (header + "06630802,อบต.,\"อบต.หนองหลวง, เก่า\",63,630802 630108,whole\n", ["บรรทัด 2", "06630108"]),
        ]
        for (i, (text, needles)) in cases.enumerated() {
            let file = try writeFile("bad\(i).csv", text)
            let r = try eplan(["laos", "import", "--db", db, file])
            XCTAssertEqual(r.status, 1, "case \(i): \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("ข้อผิดพลาด"), r.err)
            for n in needles { XCTAssertTrue(r.err.contains(n), "case \(i): '\(n)' not in \(r.err)") }
            XCTAssertEqual(try snapshot(db), before, "case \(i) changed the store")
        }
        let en = try eplan(["--lang", "en", "laos", "import", "--db", db, try writeFile("en.csv", cases[1].0)])
        XCTAssertTrue(en.err.contains("line 2 column 2 (type)"), en.err)

        // With a byte-order mark, Thai headers, CRLF and a quoted field it imports.
        let ok = try writeFile("ok.csv", "\u{FEFF}รหัส,ประเภท,ชื่อ,รหัสจังหวัด,รหัสอำเภอ,ตำบล,coverage,plan_years,plan_approved_on\r\n"
                                + "06630802,อบต.,\"องค์การบริหารส่วนตำบลหนองหลวง\",63,6308,630802,whole,2560-2562,๑๕/๐๖/๒๕๕๙\r\n")
        let r = try eplan(["laos", "import", "--db", db, ok])
        XCTAssertEqual(r.status, 0, r.err)
        let store = try Store(path: db, readOnly: true, create: false)
        XCTAssertEqual(try store.laoCount(), 70)
        XCTAssertEqual(try store.devPlans(laoCode: "06630802").first?.approvedOn, "2016-06-15")
        let tambon = try XCTUnwrap(try store.boundary(level: .tambon, code: "630802"))
        XCTAssertEqual(try Metric.area(try XCTUnwrap(try store.lao(code: "06630802")?.jurisdiction)), try Metric.area(tambon.geometry),
                       accuracy: try Metric.area(tambon.geometry) * 1e-6)
    }

    func testCSVTableQuotingAndLines() throws {
        let table = try CSVTable.parse(Array("\u{FEFF}a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\n\nlast,\n".utf8), path: "t.csv")
        XCTAssertEqual(table.header.fields, ["a", "b"])
        XCTAssertTrue(table.hadBOM)
        XCTAssertEqual(table.nonBlankRows.map(\.line), [2, 5])
        XCTAssertEqual(table.nonBlankRows.map(\.fields), [["x, \"y\"", "two\nlines"], ["last", ""]])
        XCTAssertThrowsError(try CSVTable.parse(Array("a,\"b\nc\n".utf8), path: "f.csv")) { e in
            XCTAssertTrue("\(e)".contains("f.csv") && "\(e)".contains("1"), "\(e)")
        }
    }

    func testGeoJSONPolygonImportAndReplaceKeepsReferences() throws {
        let db = try initStore()
        let store0 = try Store(path: db, readOnly: true, create: false)
        let tambon = try XCTUnwrap(try store0.boundary(level: .tambon, code: "630805"))
        let feature = """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"06630805","type":"อบต.",
            "name_th":"องค์การบริหารส่วนตำบลแม่ละมุ้ง","short_th":"อบต.แม่ละมุ้ง","amphoe_code":"6308","province_code":"63",
            "tambons":"630805"},"geometry":\(GeoJSONGeometry.encode(tambon.geometry))}]}
            """
        let file = try writeFile("lao.geojson", feature)
        let r = try eplan(["laos", "import", "--db", db, file])
        XCTAssertEqual(r.status, 0, r.err)
        let store = try Store(path: db, readOnly: false, create: false)
        let lao = try XCTUnwrap(try store.lao(code: "06630805"))
        XCTAssertEqual(lao.coverage, .polygon)
        XCTAssertEqual(try Metric.area(try XCTUnwrap(lao.jurisdiction)), try Metric.area(tambon.geometry), accuracy: try Metric.area(tambon.geometry) * 1e-6)
        // Again without --replace: refused, naming the feature and the code.
        let again = try eplan(["laos", "import", "--db", db, file])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.err.contains("feature ที่ 1") && again.err.contains("06630805"), again.err)
        // A polygon overlapping อบต.น้ำรึม is refused, naming both.
        let other = try XCTUnwrap(try store.boundary(level: .tambon, code: "630108"))
        let overlapping = try writeFile("ov.geojson", feature.replacingOccurrences(of: "06630805", with: "06639999")
            .replacingOccurrences(of: GeoJSONGeometry.encode(tambon.geometry), with: GeoJSONGeometry.encode(other.geometry)))
        let ov = try eplan(["laos", "import", "--db", db, overlapping])
        XCTAssertEqual(ov.status, 1)
        XCTAssertTrue(ov.err.contains("06639999") && ov.err.contains("06630108"), ov.err)

        // --replace updates in place: a project referring to the LAO keeps its reference.
        let now = "2026-01-01T00:00:00Z"
        try store.database.execute("""
            INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at)
            VALUES ('P1', '06630108', 2560, 'ถนน', 'road', '2016-10-03', ?)
            """, [.text(now)])
        let id = try store.database.scalar("SELECT id FROM lao WHERE code = '06630108'").int64
        let csv = try String(contentsOfFile: Self.takDir + "/tak-laos.csv", encoding: .utf8)
            .replacingOccurrences(of: "องค์การบริหารส่วนตำบลน้ำรึม", with: "องค์การบริหารส่วนตำบลน้ำรึม (ปรับปรุง)")
        let updated = try writeFile("laos.csv", csv)
        let rep = try eplan(["laos", "import", "--db", db, updated, "--areas", Self.takDir + "/tak-lao-areas.geojson", "--replace"])
        XCTAssertEqual(rep.status, 0, rep.err)
        XCTAssertTrue(rep.out.contains("ปรับปรุง 69"), rep.out)
        XCTAssertEqual(try store.lao(code: "06630108")?.nameTH, "องค์การบริหารส่วนตำบลน้ำรึม (ปรับปรุง)")
        XCTAssertEqual(try store.database.scalar("SELECT id FROM lao WHERE code = '06630108'").int64, id)
        XCTAssertEqual(try store.database.scalar("SELECT lao_code FROM project WHERE code = 'P1'").string, "06630108")
        XCTAssertEqual(try store.laoCount(), 70)
        XCTAssertEqual(try store.database.scalar("PRAGMA foreign_key_check").int64, nil)
    }

    func testPartWithoutAreasIsRefused() throws {
        let db = try initStore()
        let before = try snapshot(db)
        let r = try eplan(["laos", "import", "--db", db, "--replace", Self.takDir + "/tak-laos.csv"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("05630206") && r.err.contains("บรรทัด 5"), r.err)
        XCTAssertEqual(try snapshot(db), before)
    }

    func testNationalInitStillLoadsTakLAOs() throws {
        _ = try sharedGeodata()
        guard FileManager.default.fileExists(atPath: Self.geodata + "/thailand/thailand-tambon.geojson") else {
            throw XCTSkip("geodata/thailand absent")
        }
        let db = try initStore(["--national"])
        let store = try Store(path: db, readOnly: true, create: false)
        XCTAssertEqual(try store.laoCount(), 69)
        XCTAssertGreaterThan(try store.count(level: .tambon), 7000)
        // A tambon outside Tak (Bangkok) is in no LAO.
        let bangkok = Coordinate(100.5018, 13.7563)
        let pt = try GEOSGeometry(.point(bangkok), context: geos)
        XCTAssertTrue(try store.laoCandidates(containing: bangkok).filter { try g($0.jurisdiction).covers(pt) }.isEmpty)
        let tambon = try XCTUnwrap(PlaceLookup(store: store, geos: geos).containing(bangkok, level: .tambon))
        XCTAssertFalse(tambon.code.hasPrefix("63"))
        let maeSot = Coordinate(98.5667, 16.7167)
        let hits = try store.laoCandidates(containing: maeSot).filter { try g($0.jurisdiction).covers(try GEOSGeometry(.point(maeSot), context: geos)) }
        XCTAssertEqual(hits.map(\.code), ["02630000", "03630601"])
    }

    func testOgrinfoSeesTheLAOLayer() throws {
        let db = try initStore()
        let r = try run("ogrinfo", ["-ro", "-so", db, "lao"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Feature Count: 69"), r.out)
    }
}
