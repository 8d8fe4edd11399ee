import Foundation
import XCTest
@testable import EPlanDomain
import EPlanStore

/// `eplan pin`, `pins history|list` and `settings` through the real binary, on a Tak store
/// with two LAOs whose jurisdictions are whole tambons (อบต.น้ำรึม = 630108, ทน.แม่สอด = 630601).
final class PinTests: CLITestCase {
    /// Inside Nam Ruem (tambon 630108) and inside Mae Sot (630601), lat/lon.
    let insideNamRuem = "16.9199105, 99.2177229"
    let maeSot = Coordinate(98.578715, 16.726455)

    func fixture() throws -> String { try pinFixture() }

    func json(_ s: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], s)
    }

    /// Every pin of every project, for "the store is exactly as it was" (through the store
    /// protocol, so the same check holds on both backends).
    func pinRows(_ db: String) throws -> [String] {
        let store = try openStore(db, readOnly: true)
        return try store.projectCodes().sorted().flatMap { code in
            try store.pinHistory(projectCode: code).map {
                [code, "\($0.version)", "\($0.isCurrent)", $0.rawInput, "\($0.status)", "\($0.geometry)"].joined(separator: "|")
            }
        }
    }

    /// Another writer holds the file's write lock for 6 s, longer than SQLite's default 5 s
    /// wait (the service's, which then answers 503): `eplan pin` waits it out and stores the
    /// pin instead of failing with "database is busy".
    func testPinWaitsForAWriterHoldingTheLockLongerThanFiveSeconds() throws {
        try sqliteOnly("another connection holding the SQLite file's write lock")
        let db = try fixture()
        let locked = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
        let holder = Thread {
            defer { released.signal() }
            guard let other = try? Database(path: db) else { locked.signal(); return }
            try? other.execute("BEGIN IMMEDIATE")
            locked.signal()
            Thread.sleep(forTimeInterval: 6)
            try? other.execute("COMMIT")
        }
        holder.start()
        locked.wait()
        let r = try eplan(["pin", "--db", db, "P1", insideNamRuem, "--by", "somchai"])
        released.wait()
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try storedPinCount(db), 1)
    }

    func testInsidePinIsStoredAndANewPinKeepsTheOldVersion() throws {
        let db = try fixture()
        let first = try eplan(["pin", "--db", db, "P1", insideNamRuem, "--by", "somchai"])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertTrue(first.out.hasPrefix("ยอมรับ: จุดอยู่ในเขต อบต.น้ำรึม"), first.out)
        XCTAssertTrue(first.out.contains("ตำบลน้ำรึม อำเภอเมืองตาก"), first.out)
        XCTAssertTrue(first.out.contains("รุ่นที่ 1"), first.out)
        // The same place in UTM 47: a second version, the first kept as typed.
        let second = try eplan(["pin", "--db", db, "P1", "47N", "523185", "1870708", "--format", "json"])
        XCTAssertEqual(second.status, 0, second.err)
        let j = try json(second.out)
        XCTAssertEqual(j["version"] as? Int, 2)
        XCTAssertEqual(j["input_crs"] as? String, "EPSG:32647")

        let store = try openStore(db, readOnly: true)
        let history = try store.pinHistory(projectCode: "P1")
        XCTAssertEqual(history.map(\.version), [1, 2])
        XCTAssertEqual(history.map(\.isCurrent), [false, true])
        XCTAssertEqual(history[0].rawInput, insideNamRuem)
        XCTAssertEqual(history[0].inputCRS, 4326)
        XCTAssertEqual(history[0].pinnedBy, "somchai")
        XCTAssertEqual(history[0].status, .valid)
        XCTAssertEqual(history[0].geometry, .point(Coordinate(99.2177229, 16.9199105)))
        XCTAssertEqual(history[0].foundTambonCode, "630108")
        XCTAssertEqual(history[1].rawInput, "47N 523185 1870708")
        XCTAssertEqual(history[1].inputCRS, 32647)
        XCTAssertFalse(history[1].pinnedBy.isEmpty, "defaults to the OS user")
        XCTAssertEqual(try store.currentPin(projectCode: "P1")?.version, 2)

        // Pins commit without a checkpoint on close (Store.skipCheckpointOnClose): another program
        // still reads them from the WAL.
        if !TestBackend.current.isPostgres {
            let cli = try run("sqlite3", [db, "SELECT group_concat(version) FROM pin WHERE project_code = 'P1'"])
            XCTAssertEqual(cli.out.trimmingCharacters(in: .whitespacesAndNewlines), "1,2", cli.err)
        }

        let h = try eplan(["pins", "history", "--db", db, "P1"])
        XCTAssertEqual(h.status, 0, h.err)
        XCTAssertTrue(h.out.contains("รุ่น 1 ") && h.out.contains("รุ่น 2 (ปัจจุบัน)"), h.out)
        XCTAssertTrue(h.out.contains("somchai") && h.out.contains("47N 523185 1870708"), h.out)
        let hj = try eplan(["pins", "history", "--db", db, "P1", "--format", "json"])
        let arr = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(hj.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(arr.map { $0["current"] as? Bool }, [false, true])
    }

    func testOutsidePointIsRefusedWithDistanceAndWhereItLiesAndNothingStored() throws {
        let db = try fixture()
        XCTAssertEqual(try eplan(["pin", "--db", db, "P1", insideNamRuem]).status, 0)
        let before = try pinRows(db)
        let point = "\(maeSot.y), \(maeSot.x)"
        let r = try eplan(["pin", "--db", db, "P1", point])
        XCTAssertEqual(r.status, 4, r.err)
        XCTAssertTrue(r.out.hasPrefix("ปฏิเสธ: จุดอยู่นอกเขต อบต.น้ำรึม "), r.out)
        XCTAssertTrue(r.out.contains("จุดนี้อยู่ใน ตำบลแม่สอด อำเภอแม่สอด เขต ทน.แม่สอด (03630601)"), r.out)
        XCTAssertEqual(try pinRows(db), before, "a refusal leaves the store as it was")

        // Distance against an independent measure: GEOS's nearest point, then the geodesic.
        let store = try openStore(db, readOnly: true)
        let geos = GEOSContext()
        let j = try GEOSGeometry(try XCTUnwrap(try store.lao(code: "06630108")?.jurisdiction), context: geos)
        let nearest = try j.nearestPoints(to: try GEOSGeometry(.point(maeSot), context: geos)).0
        let expected = try Metric.distance(nearest, maeSot)
        let rj = try json(try eplan(["pin", "--db", db, "P1", point, "--format", "json"]).out)
        let d = try XCTUnwrap(rj["distance_outside_m"] as? Double)
        XCTAssertEqual(d, expected, accuracy: expected * 0.005, "UTM distance vs geodesic")
        XCTAssertEqual(rj["status"] as? String, "outside")
        XCTAssertEqual(rj["stored"] as? Bool, false)
        let found = try XCTUnwrap(rj["found"] as? [String: Any])
        XCTAssertEqual((found["lao"] as? [String: Any])?["code"] as? String, "03630601")
        XCTAssertEqual((found["tambon"] as? [String: Any])?["code"] as? String, "630601")
        XCTAssertEqual((found["amphoe"] as? [String: Any])?["code"] as? String, "6306")

        let en = try eplan(["--lang", "en", "pin", "--db", db, "P1", point])
        XCTAssertEqual(en.status, 4)
        XCTAssertTrue(en.out.hasPrefix("refused: the point lies outside Nam Ruem SAO "), en.out)
        XCTAssertTrue(en.out.contains("tambon Mae Sot, amphoe Mae Sot, in the area of Mae Sot City Municipality (03630601)"), en.out)

        // --force stores it for review, status outside, and exits 0.
        let forced = try eplan(["pin", "--db", db, "P1", point, "--force"])
        XCTAssertEqual(forced.status, 0, forced.err)
        XCTAssertTrue(forced.out.contains("ปฏิเสธ") && forced.out.contains("--force"), forced.out)
        let current = try XCTUnwrap(try store.currentPin(projectCode: "P1"))
        XCTAssertEqual(current.status, .outside)
        XCTAssertEqual(current.foundLAOCode, "03630601")
        XCTAssertEqual(try store.pinHistory(projectCode: "P1").count, 2)
    }

    /// A point exactly 20 m east of the jurisdiction's easternmost vertex (UTM 47).
    func pointOutside(_ metres: Double, db: String) throws -> String {
        let store = try openStore(db, readOnly: true)
        let proj = try PROJContext()
        let toUTM = try proj.transform(from: .wgs84, to: .utm47N)
        let utm = try toUTM.transform(try XCTUnwrap(try store.lao(code: "06630108")?.jurisdiction))
        var east = Coordinate(-1e9, 0)
        utm.forEachCoordinate { if $0.x > east.x { east = $0 } }
        let p = try proj.transform(from: .utm47N, to: .wgs84).transform(Coordinate(east.x + metres, east.y))
        return String(format: "%.9f, %.9f", p.y, p.x)
    }

    func testToleranceDefaultPerCallAndPerStore() throws {
        let db = try fixture()
        let p = try pointOutside(20, db: db)
        let ok = try eplan(["pin", "--db", db, "P1", p, "--format", "json", "--dry-run"])
        XCTAssertEqual(ok.status, 0, ok.out + ok.err)
        let j = try json(ok.out)
        XCTAssertEqual(j["status"] as? String, "valid")
        XCTAssertEqual(j["tolerance_m"] as? Double, 30)
        XCTAssertEqual(try XCTUnwrap(j["distance_outside_m"] as? Double), 20, accuracy: 0.05)

        let strict = try eplan(["pin", "--db", db, "P1", p, "--tolerance", "5"])
        XCTAssertEqual(strict.status, 4, strict.out)
        XCTAssertTrue(strict.out.contains("20 ม.") && strict.out.contains("5.0 ม."), strict.out)

        let set = try eplan(["settings", "set", "--db", db, "pin.tolerance_m", "10"])
        XCTAssertEqual(set.status, 0, set.err)
        XCTAssertEqual(try eplan(["settings", "get", "--db", db, "pin.tolerance_m"]).out, "10\n")
        XCTAssertEqual(try eplan(["pin", "--db", db, "P1", p, "--dry-run"]).status, 4, "the store's 10 m applies")
        XCTAssertEqual(try eplan(["pin", "--db", db, "P1", p, "--dry-run", "--tolerance", "25"]).status, 0, "the call's tolerance wins")
        let negative = try eplan(["settings", "set", "--db", db, "pin.tolerance_m", "ten"])
        XCTAssertEqual(negative.status, 1)
        XCTAssertTrue(negative.err.contains("pin.tolerance_m") && negative.err.contains("'ten'"), negative.err)
        XCTAssertEqual(try eplan(["settings", "set", "--db", db, "pin.nope", "3"]).status, 1)
        XCTAssertEqual(try eplan(["pin", "--db", db, "P1", p, "--tolerance", "abc"]).status, 1)
        XCTAssertEqual(try pinRows(db), [], "dry runs and refusals store nothing")
    }

    func testLinePartlyOutsideReportsTheFractionOutside() throws {
        let db = try fixture()
        let r = try eplan(["pin", "--db", db, "R1", "16.92, 99.20", "16.92, 99.40", "--format", "json"])
        XCTAssertEqual(r.status, 4, r.err)
        let j = try json(r.out)
        let f = try XCTUnwrap(j["outside_fraction"] as? Double)
        // Independently: the share of the line's degrees of longitude outside (a parallel).
        let store = try openStore(db, readOnly: true)
        let geos = GEOSContext()
        let jur = try GEOSGeometry(try XCTUnwrap(try store.lao(code: "06630108")?.jurisdiction), context: geos)
        let line = try GEOSGeometry(.lineString([Coordinate(99.20, 16.92), Coordinate(99.40, 16.92)]), context: geos)
        let expected = try line.difference(with: jur).length / line.length
        XCTAssertEqual(f, expected, accuracy: 0.005)
        XCTAssertTrue((j["messages"] as? [String])?.first?.contains("\(Int((f * 100).rounded()))%") == true, r.out)
        let text = try eplan(["pin", "--db", db, "R1", "16.92, 99.20", "16.92, 99.40"])
        XCTAssertTrue(text.out.hasPrefix("ปฏิเสธ: เส้นอยู่นอกเขต อบต.น้ำรึม"), text.out)
        XCTAssertTrue(text.out.contains("ส่วนที่อยู่นอกเขตอยู่ใน ตำบล"), text.out)
        // A line wholly inside is accepted; WKT and GeoJSON forms too.
        XCTAssertEqual(try eplan(["pin", "--db", db, "R1", "16.92, 99.20", "16.93, 99.21"]).status, 0)
        XCTAssertEqual(try eplan(["pin", "--db", db, "R1", "LINESTRING(99.20 16.92, 99.21 16.93)"]).status, 0)
        let gj = #"{"type":"LineString","coordinates":[[99.20,16.92],[99.21,16.925]]}"#
        XCTAssertEqual(try eplan(["pin", "--db", db, "R1", "--geojson", gj]).status, 0)
        let file = try writeFile("road.wkt", "LINESTRING (99.21 16.92, 99.215 16.925)\n")
        XCTAssertEqual(try eplan(["pin", "--db", db, "R1", "--file", file]).status, 0)
        XCTAssertEqual(try openStore(db, readOnly: true).pinHistory(projectCode: "R1").count, 4)
    }

    func testBadGeometriesAreRefusedNamingWhatIsAtFault() throws {
        let db = try fixture()
        let bowtie = try eplan(["pin", "--db", db, "W1", "--polygon", "16.70, 98.56", "16.72, 98.58", "16.72, 98.56", "16.70, 98.58"])
        XCTAssertEqual(bowtie.status, 1, bowtie.out)
        XCTAssertTrue(bowtie.err.contains("Self-intersection"), bowtie.err)
        XCTAssertTrue(bowtie.err.contains("16.71, 98.57"), "the location, lat, lon: \(bowtie.err)")
        XCTAssertTrue(bowtie.err.contains("1–2") && bowtie.err.contains("3–4"), bowtie.err)
        let wktBowtie = try eplan(["pin", "--db", db, "W1", "--wkt", "POLYGON((98.56 16.70, 98.58 16.72, 98.56 16.72, 98.58 16.70, 98.56 16.70))"])
        XCTAssertEqual(wktBowtie.status, 1)
        XCTAssertTrue(wktBowtie.err.contains("Self-intersection"), wktBowtie.err)

        let onePoint = try eplan(["pin", "--db", db, "R1", "16.92, 99.20", "16.92, 99.20"])
        XCTAssertEqual(onePoint.status, 1)
        XCTAssertTrue(onePoint.err.contains("2 จุด") && onePoint.err.contains("16.92, 99.20"), onePoint.err)
        let wktOne = try eplan(["--lang", "en", "pin", "--db", db, "R1", "LINESTRING(99.2 16.92)"])
        XCTAssertEqual(wktOne.status, 1)
        XCTAssertTrue(wktOne.err.contains("at least 2 distinct points"), wktOne.err)

        let unknown = try eplan(["pin", "--db", db, "NOPE-9", insideNamRuem])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("NOPE-9"), unknown.err)
        let badCoordinate = try eplan(["pin", "--db", db, "P1", "16.92, 99.2x"])
        XCTAssertEqual(badCoordinate.status, 1)
        XCTAssertTrue(badCoordinate.err.contains("'x"), badCoordinate.err)
        XCTAssertEqual(try pinRows(db), [])
    }

    func testSwappedLatLonAndWrongUTMZoneSayWhatWasMeant() throws {
        let db = try fixture()
        let swapped = try eplan(["pin", "--db", db, "P1", "99.2177229, 16.9199105"])
        XCTAssertEqual(swapped.status, 1, swapped.out)
        XCTAssertTrue(swapped.err.contains("หมายถึง 16.9199105, 99.2177229 ใช่ไหม"), swapped.err)
        let wkt = try eplan(["--lang", "en", "pin", "--db", db, "P1", "POINT(16.9199105 99.2177229)"])
        XCTAssertEqual(wkt.status, 1)
        XCTAssertTrue(wkt.err.contains("did you mean 16.9199105, 99.2177229?"), wkt.err)
        // Far away and not inside when swapped: no suggestion.
        let far = try eplan(["pin", "--db", db, "P1", "99.9, 16.5"])
        XCTAssertEqual(far.status, 1)
        XCTAssertFalse(far.err.contains("หมายถึง"), far.err)

        let zone = try eplan(["pin", "--db", db, "P1", "48N 523185 1870708"])
        XCTAssertEqual(zone.status, 4, zone.err)
        XCTAssertTrue(zone.out.contains("UTM โซน 48") && zone.out.contains("'47N 523185 1870708'"), zone.out)
        XCTAssertEqual(try pinRows(db), [])
    }

    func testKindMismatchWarnsDryRunStoresNothingAndListsFilter() throws {
        let db = try fixture()
        let dry = try eplan(["pin", "--db", db, "R1", insideNamRuem, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.err)
        XCTAssertTrue(dry.out.contains("--dry-run"), dry.out)
        XCTAssertEqual(try pinRows(db), [])

        let r = try eplan(["pin", "--db", db, "R1", insideNamRuem])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("คำเตือน: โครงการถนนมักปักเป็นเส้น"), r.out)
        XCTAssertEqual(try openStore(db, readOnly: true).currentPin(projectCode: "R1")?.status, .warning)

        let unpinned = try eplan(["pins", "list", "--db", db, "--unpinned", "--format", "csv"])
        XCTAssertEqual(unpinned.status, 0, unpinned.err)
        XCTAssertEqual(unpinned.out.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }, ["P1", "W1"])
        let unpinnedLAO = try eplan(["pins", "list", "--db", db, "--unpinned", "--lao", "03630601", "--format", "json"])
        XCTAssertTrue(unpinnedLAO.out.contains("\"W1\"") && !unpinnedLAO.out.contains("\"P1\""), unpinnedLAO.out)

        XCTAssertEqual(try eplan(["pin", "--db", db, "P1", insideNamRuem]).status, 0)
        let warnings = try eplan(["pins", "list", "--db", db, "--status", "warning", "--format", "csv"])
        XCTAssertEqual(warnings.out.split(separator: "\n").count, 2, warnings.out)
        XCTAssertTrue(warnings.out.contains("\nR1,"), warnings.out)
        let amphoe = try eplan(["pins", "list", "--db", db, "--amphoe", "6301", "--year", "2568"])
        XCTAssertTrue(amphoe.out.contains("P1") && amphoe.out.contains("R1"), amphoe.out)
        let ce = try eplan(["pins", "list", "--db", db, "--year", "2025", "--format", "json"])
        XCTAssertEqual(ce.status, 1, "one plan-year rule: a CE year is refused")
        XCTAssertTrue(ce.err.contains("2568"), "the message names the BE year: \(ce.err)")
        XCTAssertEqual(try eplan(["pins", "list", "--db", db, "--amphoe", "6306"]).out.split(separator: "\n").count, 1)
        XCTAssertEqual(try eplan(["pins", "list", "--db", db, "--status", "bad"]).status, 1)
    }

    /// A lat/lon point inside needs no PROJ: libproj is never opened (seen through glibc's LD_DEBUG).
    func testInsideLatLonPinDoesNotLoadPROJ() throws {
        let db = try fixture()
        let inside = try eplan(["pin", "--db", db, "P1", insideNamRuem, "--dry-run"], env: ["LD_DEBUG": "libs"])
        XCTAssertEqual(inside.status, 0)
        let outside = try eplan(["pin", "--db", db, "P1", "\(maeSot.y), \(maeSot.x)", "--dry-run"], env: ["LD_DEBUG": "libs"])
        guard outside.err.contains("libproj") else { throw XCTSkip("LD_DEBUG shows no library loads here") }
        XCTAssertFalse(inside.err.contains("libproj"), "PROJ opened for an inside lat/lon point")
    }
}

extension CLITestCase {
    /// A Tak store with two LAOs whose jurisdictions are whole tambons (อบต.น้ำรึม = 630108,
    /// ทน.แม่สอด = 630601) and three projects: P1 (building) and R1 (road) of น้ำรึม, W1 of แม่สอด.
    func pinFixture() throws -> String {
        let db = try initStore()
        let store = try openStore(db)
        func lao(_ code: String, _ type: LAOType, _ name: String, _ short: String, _ en: String, _ amphoe: String, _ tambon: String) throws -> LAORecord {
            let t = try XCTUnwrap(try store.boundary(level: .tambon, code: tambon))
            return LAORecord(code: code, type: type, nameTH: name, shortTH: short, nameEN: en, amphoeCode: amphoe,
                             provinceCode: "63", coverage: .whole, tambons: [LAOTambon(code: tambon, whole: true)],
                             jurisdiction: t.geometry)
        }
        try store.insertLAOs([
            try lao("06630108", .sao, "องค์การบริหารส่วนตำบลน้ำรึม", "อบต.น้ำรึม", "Nam Ruem SAO", "6301", "630108"),
            try lao("03630601", .city, "เทศบาลนครแม่สอด", "ทน.แม่สอด", "Mae Sot City Municipality", "6306", "630601"),
        ], replace: true)  // `eplan init` loaded the Tak registry; pin the fixtures to whole tambons
        try store.insertProjects([
            ProjectRecord(code: "P1", laoCode: "06630108", planYear: 2568, nameTH: "อาคารอเนกประสงค์", kind: .building, recordedOn: "2025-01-01"),
            ProjectRecord(code: "R1", laoCode: "06630108", planYear: 2568, nameTH: "ถนนคอนกรีตเสริมเหล็ก", kind: .road, recordedOn: "2025-01-01"),
            ProjectRecord(code: "W1", laoCode: "03630601", planYear: 2569, nameTH: "ระบบประปา", kind: .water, recordedOn: "2025-01-01"),
        ], replace: false, by: "fixture")
        return db
    }

}
