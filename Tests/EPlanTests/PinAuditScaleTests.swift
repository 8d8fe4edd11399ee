import Foundation
import XCTest
@testable import EPlanDomain

/// The pin audit at scale (issue 9): stacks found by cells give the same clusters as
/// testing every pair, a stack finding lists a bounded number of projects, and findings
/// are written as they are found (JSON and GeoJSON arrays, the text table in blocks).
final class PinAuditScaleTests: CLITestCase {
    /// Single linkage by testing every pair: the reference the cell search must match.
    func bruteForceClusters(_ pts: StackPoints, radiusM: Double) throws -> [Int] {
        var parent = Array(0..<pts.count)
        func find(_ a: Int) -> Int { var a = a; while parent[a] != a { a = parent[a] }; return a }
        for i in 0..<pts.count {
            for j in (i + 1)..<max(i + 1, pts.count)
            where try Metric.distance(Coordinate(pts.xs[i], pts.ys[i]), Coordinate(pts.xs[j], pts.ys[j])) <= radiusM {
                let a = find(i), b = find(j)
                if a != b { parent[a] = b }
            }
        }
        return (0..<pts.count).map(find)
    }

    /// The partition as sets of indices, comparable whatever the roots.
    func partition(_ roots: [Int]) -> Set<Set<Int>> {
        var groups: [Int: Set<Int>] = [:]
        for (i, r) in roots.enumerated() { groups[r, default: []].insert(i) }
        return Set(groups.values)
    }

    func randomPoints(_ n: Int, near c: Coordinate, spreadDeg: Double, seed: UInt64) -> StackPoints {
        var state = seed
        func unit() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var pts = StackPoints()
        for i in 0..<n {
            pts.append(Coordinate(c.x + (unit() - 0.5) * spreadDeg, c.y + (unit() - 0.5) * spreadDeg),
                       code: String(format: "P%05d", i), lao: "L\(i % 3)")
        }
        return pts
    }

    func testCellClustersEqualEveryPairClusters() throws {
        let cases: [(Coordinate, Double, Double)] = [
            (Coordinate(98.57, 16.72), 0.002, 5),        // Tak, 5 m in a 200 m square: pairs and small stacks
            (Coordinate(98.57, 16.72), 0.01, 60),        // chains across many cells
            (Coordinate(98.57, 16.72), 3.0, 100_000),    // one radius covers a province
            (Coordinate(98.57, 16.72), 3.0, 20_000),
            (Coordinate(24.0, 60.2), 0.05, 300),         // far north: a degree of longitude is half as long
        ]
        for (k, (centre, spread, radius)) in cases.enumerated() {
            let pts = randomPoints(900, near: centre, spreadDeg: spread, seed: UInt64(k + 1))
            let cells = try PinStacks.clusters(pts, radiusM: radius).map { Int($0) }
            XCTAssertEqual(partition(cells), partition(try bruteForceClusters(pts, radiusM: radius)), "radius \(radius) m near \(centre)")
        }
    }

    func testAChainJoinsAcrossCellsAndAGapSplitsIt() throws {
        // Points 0.9 r apart eastwards form one cluster; a 1.1 r step starts another.
        let r = 50.0, start = Coordinate(98.57, 16.72)
        let step = try 0.9 * r / Metric.distance(start, Coordinate(start.x + 1e-3, start.y)) * 1e-3
        var pts = StackPoints()
        for i in 0..<20 { pts.append(Coordinate(start.x + Double(i) * step, start.y), code: "A\(100 + i)", lao: "L") }
        let gapStart = start.x + 19 * step + step * 1.1 / 0.9 * 1.01
        for i in 0..<5 { pts.append(Coordinate(gapStart + Double(i) * step, start.y), code: "B\(100 + i)", lao: "L") }
        let roots = try PinStacks.clusters(pts, radiusM: r)
        XCTAssertEqual(Set(roots[0..<20]).count, 1)
        XCTAssertEqual(Set(roots[20..<25]).count, 1)
        XCTAssertNotEqual(roots[0], roots[20])
        // Zero radius: only identical points.
        var same = StackPoints()
        for i in 0..<4 { same.append(Coordinate(98.5, 16.7), code: "S\(i)", lao: "L") }
        same.append(Coordinate(98.5 + 1e-9, 16.7), code: "T", lao: "L")
        let zero = try PinStacks.clusters(same, radiusM: 0)
        XCTAssertEqual(Set(zero[0..<4]).count, 1)
        XCTAssertNotEqual(zero[0], zero[4])
    }

    func testAStackListsAtMostTheCapAndStatesTheFullCount() throws {
        var pts = StackPoints()
        for i in 0..<1_500 { pts.append(Coordinate(98.5667, 16.7167), code: String(format: "P%05d", 1_500 - i), lao: "06630108") }
        let fs = try PinStacks.findings(pts, minCount: 3, radiusM: 5, listMax: PinStacks.defaultListMax)
        XCTAssertEqual(fs.count, 1)
        let f = try XCTUnwrap(fs.first)
        XCTAssertEqual(f.codes.count, 1_000)
        XCTAssertEqual(f.codes.first, "P00001")
        XCTAssertEqual(f.codes, f.codes.sorted())
        XCTAssertEqual(f.measure("count"), 1_500)
        XCTAssertEqual(f.measure("listed"), 1_000)
        XCTAssertTrue(f.message.en.contains("1500 projects pinned on one spot"), f.message.en)
        XCTAssertTrue(f.message.en.contains("and 500 more (a stack lists at most 1000 projects)"), f.message.en)
        XCTAssertTrue(f.message.th.contains("และอีก 500 โครงการ"), f.message.th)
        guard case .multiPoint(let cs)? = f.geometry else { return XCTFail("a stack is a MultiPoint") }
        XCTAssertEqual(cs.count, 1_000)
    }

    // MARK: - streaming output

    func finding(_ i: Int) -> Finding {
        Finding(kind: i % 2 == 0 ? .pinAtCentroid : .pinOutsideJurisdiction, table: "pin", codes: ["P\(i)"],
                message: Message(th: "หมุด \(i)", en: "pin \(i)"), location: Coordinate(98.5, 16.7 + Double(i) * 1e-4),
                measures: [.init("distance_m", Double(i))], geometry: .point(Coordinate(98.5, 16.7)))
    }

    /// Each finding reaches the output when it is added (here with a one-byte chunk), before the audit ends.
    func testJSONAndGeoJSONAreWrittenFindingByFinding() throws {
        for format in [AuditOutputFormat.json, .geojson] {
            var written = ""
            let w = AuditStreamWriter(format: format, subject: "pins", scope: Message(th: "ตรวจ", en: "audit"), minAreaM2: 0,
                                      flushBytes: 1) { written += $0 }
            try w.begin()
            for i in 0..<5 {
                try w.add(finding(i))
                XCTAssertTrue(written.contains("\"P\(i)\""), "\(format): finding \(i) not yet written")
            }
            try w.finish(unitsChecked: 7)
            let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any], written)
            if format == .json {
                XCTAssertEqual((j["findings"] as? [Any])?.count, 5)
                XCTAssertEqual(j["count"] as? Int, 5)
                XCTAssertEqual(j["units_checked"] as? Int, 7)
                XCTAssertEqual(j["clean"] as? Bool, false)
                XCTAssertEqual(j["counts"] as? [String: Int], ["pin_at_centroid": 3, "pin_outside_jurisdiction": 2])
            } else {
                XCTAssertEqual((j["features"] as? [Any])?.count, 5)
            }
        }
    }

    /// The table is written in blocks: rows numbered on, one header, the summary at the end.
    func testTextTableIsWrittenInBlocks() throws {
        var chunks: [String] = []
        let w = AuditStreamWriter(format: .text, subject: "pins", scope: Message(th: "ตรวจ", en: "audit"), minAreaM2: 0, lang: .en,
                                  flushBytes: 1) { chunks.append($0) }
        try w.begin()
        let n = AuditStreamWriter.blockSize * 2 + 500
        for i in 0..<n {
            try w.add(finding(i))
            if i == AuditStreamWriter.blockSize - 1 { XCTAssertEqual(chunks.count, 2, "the first block is out") }
        }
        try w.finish(unitsChecked: n)
        let lines = chunks.joined().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "audit")
        XCTAssertEqual(lines.filter { $0.contains("location (lat, lon)") }.count, 1, "one header")
        let numbers = lines.dropLast().compactMap { Int($0.split(separator: " ").first ?? "") }
        XCTAssertEqual(numbers, Array(1...n))
        XCTAssertEqual(lines.last, "\(n) findings: pin outside its LAO \(n / 2), pin at a centroid \(n / 2) (\(n) pins checked)")
    }

    /// End to end: 1,200 projects pinned on one spot and a wide radius give one stack that
    /// lists 1,000 of them; every form parses; `--out` writes the same findings.
    func testCommandLineStreamsAWideStack() throws {
        let db = try initStore()
        let store = try Store(path: db)
        let spot = Coordinate(98.5667, 16.7167)
        try store.database.transaction {
            let project = try store.database.prepare("""
                INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at)
                VALUES (?, '06630108', 2568, 'อาคาร', 'building', '2025-01-01', '2025-01-01')
                """)
            for i in 0..<1_200 { try project.execute([.text(String(format: "S%05d", i))]) }
        }
        for i in 0..<1_200 {
            let c = Coordinate(spot.x + Double(i % 40) * 1e-4, spot.y + Double(i / 40) * 1e-4)
            try store.addPin(PinRecord(projectCode: String(format: "S%05d", i), pinnedAt: "2026-01-01T00:00:00Z", pinnedBy: "t",
                                       rawInput: "t", inputCRS: 4326, status: .valid, toleranceM: 30, geometry: .point(c)))
        }
        let args = ["audit", "pins", "--db", db, "--stack-radius", "100000", "--no-completeness", "--lang", "en"]
        let json = try eplan(args + ["--format", "json"])
        XCTAssertEqual(json.status, 5, json.err)
        let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], json.out)
        let stacks = (j["findings"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "pin_stacked" }
        XCTAssertEqual(stacks.count, 1)
        XCTAssertEqual((stacks.first?["codes"] as? [String])?.count, 1_000)
        XCTAssertEqual(stacks.first?["count"] as? Double, 1_200)
        XCTAssertEqual(j["units_checked"] as? Int, 1_200)
        let out = path("wide.geojson")
        let geo = try eplan(args + ["--format", "geojson", "--out", out])
        XCTAssertEqual(geo.status, 5, geo.err)
        let fc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        XCTAssertEqual((fc["features"] as? [Any])?.count, (j["findings"] as? [Any])?.count)
        let text = try eplan(args)
        XCTAssertTrue(text.out.contains("1200 projects pinned on one spot"), text.out)
        XCTAssertTrue(text.out.contains("(1200 pins checked)"), text.out)
    }
}
