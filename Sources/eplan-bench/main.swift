// Benchmark driver for scripts/bench (not part of the tests). Each subcommand times one
// workload of eplan's own code and prints one JSON object; scripts/bench runs the
// reference tool on the same data in the same run and prints the ratios.
import EPlanDomain
import Dispatch
import Foundation

func fail(_ s: String) -> Never {
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
    exit(2)
}

func readFile(_ path: String) -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return [UInt8](d)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Length-prefixed WKB records, as scripts/bench.d/shapely_pip.py writes them.
func readWKBRecords(_ path: String, context: GEOSContext) throws -> [Geometry] {
    let bytes = readFile(path)
    var out: [Geometry] = []
    var o = 0
    while o + 4 <= bytes.count {
        let n = Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24
        o += 4
        out.append(try GEOSGeometry(wkb: Array(bytes[o..<(o + n)]), context: context).toGeometry())
        o += n
    }
    return out
}

func readDoubles(_ path: String) -> [Double] {
    let bytes = readFile(path)
    return bytes.withUnsafeBytes { raw in
        (0..<(bytes.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
    }
}

/// pip POLYGONS.wkb POINTS.f64 [EXPECTED.idx]: bulk point-in-polygon with PolygonLocator.
func pointInPolygon(_ args: [String]) throws {
    let context = GEOSContext()
    let polygons = try readWKBRecords(args[0], context: context)
    let xy = readDoubles(args[1])
    let n = xy.count / 2
    let points = (0..<n).map { Coordinate(xy[2 * $0], xy[2 * $0 + 1]) }
    var best = Double.infinity, buildBest = Double.infinity
    var answer: [Int32] = []
    for _ in 0..<3 {
        let t0 = now()
        let locator = PolygonLocator(polygons: polygons)
        let t1 = now()
        answer = locator.locate(points)
        let t2 = now()
        best = min(best, t2 - t0)
        buildBest = min(buildBest, t1 - t0)
    }
    let inside = answer.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
    var mismatches = -1
    if args.count > 2 {
        let expected = readFile(args[2]).withUnsafeBytes { raw in
            (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self) }
        }
        mismatches = zip(expected, answer).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
    }
    print("{\"seconds\":\(best),\"build_seconds\":\(buildBest),\"points\":\(n),\"inside\":\(inside),\"mismatches\":\(mismatches),\"threads\":\(ProcessInfo.processInfo.activeProcessorCount)}")
}

/// pins POLYGONS.wkb PAIRS.f64 [EXPECTED.u8]: bulk pin validation. Each pair (LAO index,
/// lon, lat) asks "does this LAO's jurisdiction contain this point?", as `eplan pin`'s
/// fast path does; one PolygonEdgeIndex over every jurisdiction (a pair names its polygon,
/// so no grid is needed), pairs split over every core. Timed: index build + all the checks
/// (best of 3).
func pinValidation(_ args: [String]) throws {
    let context = GEOSContext()
    let polygons = try readWKBRecords(args[0], context: context)
    let raw = readDoubles(args[1])
    let n = raw.count / 3
    var lao = [Int32](repeating: 0, count: n), xs = [Double](repeating: 0, count: n), ys = xs
    for i in 0..<n { lao[i] = Int32(raw[3 * i]); xs[i] = raw[3 * i + 1]; ys[i] = raw[3 * i + 2] }
    let threads = ProcessInfo.processInfo.activeProcessorCount
    var best = Double.infinity, buildBest = Double.infinity
    var answer = [UInt8](repeating: 0, count: n)
    for _ in 0..<3 {
        let t0 = now()
        let locator = PolygonEdgeIndex(polygons: polygons)
        let t1 = now()
        let chunk = max(4096, (n + threads * 8 - 1) / (threads * 8))
        answer.withUnsafeMutableBufferPointer { out in
            let o = Parallel.DisjointWrites(out)
            lao.withUnsafeBufferPointer { laoBuf in
                xs.withUnsafeBufferPointer { xsBuf in
                    ys.withUnsafeBufferPointer { ysBuf in
                        let lb = Parallel.SharedRead(laoBuf), xb = Parallel.SharedRead(xsBuf), yb = Parallel.SharedRead(ysBuf)
                        Parallel.forEachChunk(n, chunk: chunk) { range in
                            for i in range {
                                o[i] = locator.contains(polygon: Int(lb[i]), x: xb[i], y: yb[i]) ? 1 : 0
                            }
                        }
                    }
                }
            }
        }
        let t2 = now()
        best = min(best, t2 - t0)
        buildBest = min(buildBest, t1 - t0)
    }
    let inside = answer.reduce(0) { $0 + Int($1) }
    var mismatches = -1
    if args.count > 2 {
        let expected = readFile(args[2])
        mismatches = zip(expected, answer).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
    }
    print("{\"seconds\":\(best),\"build_seconds\":\(buildBest),\"pairs\":\(n),\"inside\":\(inside),\"mismatches\":\(mismatches),\"threads\":\(threads)}")
}

/// SplitMix64: a small deterministic generator, so every run builds the same store.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// export-fixture DB N: adds to a store made by `eplan init` (Tak) one LAO per amphoe (and the
/// อบจ.), a development plan each, and N projects with budget attributes and a current point
/// pin at a random place in Tak's box — SQL inserts in one transaction.
func exportFixture(_ args: [String]) throws {
    guard args.count == 2, let n = Int(args[1]) else { fail("usage: eplan-bench export-fixture DB N") }
    let store = try Store(path: args[0], create: false)
    let db = store.database
    var amphoes: [(code: String, province: String, name: String)] = []
    try db.query("SELECT code, province_code, name_th FROM amphoe ORDER BY code") { row in
        amphoes.append((row.string(0) ?? "", row.string(1) ?? "", row.string(2) ?? ""))
    }
    guard !amphoes.isEmpty else { fail("the store has no amphoe: run eplan init first") }
    var box = Envelope(minX: 97.3, minY: 15.0, maxX: 99.3, maxY: 17.8)   // Tak, when the province row is absent
    try db.query("SELECT geom FROM province WHERE code = ?", [.text(amphoes[0].province)]) { row in
        try row.withBlob(0) { if let b = $0, let e = try SpatiaLiteBlob.envelope(of: b) { box = e } }
    }
    let t0 = now()
    try db.transaction {
        let laos = try insertFixtureLAOs(db, amphoes)
        try insertFixtureProjects(db, n, laos: laos, box: box)
    }
    print("{\"projects\":\(n),\"laos\":\(amphoes.count + 1),\"seconds\":\(now() - t0)}")
}

private let fixtureStamp = "2025-01-15T09:00:00+07:00"

/// The อบจ. and one synthetic อบต. per amphoe, each with a development plan; their codes.
private func insertFixtureLAOs(_ db: Database, _ amphoes: [(code: String, province: String, name: String)]) throws -> [String] {
    var laos: [String] = []
    let lao = try db.prepare("""
        INSERT INTO lao (code, type, name_th, name_en, amphoe_code, province_code, coverage, synthetic, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
        """)
    let plan = try db.prepare("INSERT INTO dev_plan (lao_code, first_year, last_year, approved_on, recorded_on) VALUES (?, 2566, 2570, '2022-06-30', ?)")
    let pao = "60\(amphoes[0].province)0000"
    try lao.execute([.text(pao), "pao", .text("องค์การบริหารส่วนจังหวัด"), "Provincial Administrative Organization",
                     .null, .text(amphoes[0].province), "province", .text(fixtureStamp)])
    laos.append(pao)
    for (i, a) in amphoes.enumerated() {
        let code = "6\(a.code)\(String(format: "%02d", i + 1))"
        try lao.execute([.text(code), "sao", .text("อบต.\(a.name)"), .text("SAO \(a.code)"), .text(a.code),
                         .text(a.province), "whole", .text(fixtureStamp)])
        laos.append(code)
    }
    for l in laos { try plan.execute([.text(l), .text(fixtureStamp)]) }
    return laos
}

/// `n` projects with budget attributes, each with a current point pin at a random place in `box`.
private func insertFixtureProjects(_ db: Database, _ n: Int, laos: [String], box: Envelope) throws {
    var rng = SplitMix64(state: 20161003)
    let project = try db.prepare("""
        INSERT INTO project (code, lao_code, plan_year, name_th, strategy, kind, budget, funding,
            plan_approved_on, budget_approved_on, contract_signed_on, contract_amount, disbursed_amount,
            disbursed_on, progress, completed_on, synthetic, recorded_on, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
        """)
    let pin = try db.prepare("""
        INSERT INTO pin (project_code, version, is_current, pinned_at, pinned_by, raw_input, input_crs, status,
            tolerance_m, found_lao_code, geom) VALUES (?, 1, 1, ?, ?, ?, 4326, ?, 50, ?, ?)
        """)
    for i in 0..<n {
        let code = String(format: "P%07d", i + 1)
        let kind = rng.int(4)   // drawn in this order since the fixture's first version: the same rows
        let laoCode = laos[rng.int(laos.count)]
        try project.execute(fixtureProjectValues(code: code, laoCode: laoCode, kind: kind, &rng))
        let x = box.minX + rng.unit() * box.width, y = box.minY + rng.unit() * box.height
        guard let blob = SpatiaLiteBlob.encode(.point(Coordinate(x, y)), srid: 4326) else { fail("cannot encode a point") }
        try pin.bind([.text(code), .text(fixtureStamp), .text("engineer\(rng.int(50))"),
                      .text(String(format: "%.6f, %.6f", y, x)), .text(rng.int(20) == 0 ? "warning" : "valid"),
                      .text(laoCode)])
        try blob.withUnsafeBytes { try pin.bindBlob($0, at: 7) }
        try pin.step()
        pin.reset()
    }
}

/// One project row: a kind of work, a budget, and a stage from planned (0) to completed (5)
/// with the dates and amounts that stage has.
private func fixtureProjectValues(code: String, laoCode: String, kind k: Int, _ rng: inout SplitMix64) -> [SQLValue] {
    let kinds = ["road", "building", "water", "other"]
    let works = ["ก่อสร้างถนนคอนกรีตเสริมเหล็ก", "ก่อสร้างอาคารอเนกประสงค์", "ขยายเขตประปาหมู่บ้าน", "ปรับปรุงภูมิทัศน์"]
    let budget = Double(50_000 + rng.int(5_000_000)) + (rng.int(4) == 0 ? 0.5 : 0)
    let stage = rng.int(6)
    let contract: Double? = stage >= 3 ? (budget * (0.85 + 0.1 * rng.unit())).rounded() : nil
    let disbursed: Double? = stage >= 4 ? contract.map { ($0 * (0.3 + 0.7 * rng.unit())).rounded() } : nil
    return [
        .text(code), .text(laoCode), .integer(Int64(2566 + rng.int(5))),
        .text("\(works[k]) หมู่ที่ \(1 + rng.int(15)) บ้าน\(["ห้วยยะอุ", "แม่ระมาด", "ท่าสองยาง"][rng.int(3)])"),
        .text("ยุทธศาสตร์ที่ \(1 + rng.int(6)) การพัฒนาโครงสร้างพื้นฐาน"), .text(kinds[k]), .real(budget),
        .text(["own", "general", "specific"][rng.int(3)]),
        stage >= 1 ? "2024-06-30" : .null, stage >= 2 ? "2024-09-15" : .null, stage >= 3 ? "2024-12-01" : .null,
        SQLValue(contract), SQLValue(disbursed), stage >= 4 ? "2025-03-31" : .null,
        stage >= 4 ? .real(stage == 5 ? 100 : (rng.unit() * 9000).rounded() / 100) : .null,
        stage == 5 ? "2025-05-20" : .null, .text(fixtureStamp), .text(fixtureStamp),
    ]
}

/// jurisdictions DB: gives the export fixture's LAOs (synthetic, one per amphoe and the
/// อบจ.) their amphoe's (the province's) boundary as jurisdiction, so `eplan audit pins`
/// tests every pin (random points in the province's box: most lie outside their LAO).
func fixtureJurisdictions(_ args: [String]) throws {
    guard args.count == 1 else { fail("usage: eplan-bench jurisdictions DB") }
    let store = try Store(path: args[0], create: false)
    var set = 0
    try store.database.transaction {
        for lao in try store.laos() where lao.synthetic && lao.jurisdiction == nil {
            let unit = try lao.amphoeCode.flatMap { try store.boundary(level: .amphoe, code: $0) }
                ?? store.boundary(level: .province, code: lao.provinceCode)
            guard let g = unit?.geometry else { continue }
            try store.setJurisdiction(laoCode: lao.code, g)
            set += 1
        }
    }
    print("{\"jurisdictions\":\(set)}")
}

/// audit TAMBON.wkb AMPHOE.wkb TAMBON.geojson AMPHOE.geojson: the boundary audit of the
/// (densified) tambons against their amphoes: validity, overlaps, gaps, children outside.
func boundaryAudit(_ args: [String]) throws {
    guard args.count >= 4 else { fail("usage: eplan-bench audit TAMBON.wkb AMPHOE.wkb TAMBON.geojson AMPHOE.geojson") }
    let context = GEOSContext()
    func units(_ wkb: String, _ geojson: String, _ level: BoundaryLevel) throws -> [AuditUnit] {
        let geometries = try readWKBRecords(wkb, context: context)
        let features = try GeoJSONFile.readFeatureCollection(path: geojson).features
        guard features.count == geometries.count else { fail("\(wkb) and \(geojson) differ in length") }
        let f = BoundaryFields.defaults(for: level)
        return zip(features, geometries).map { ft, g in
            let p = ft["properties"] as? [String: Any] ?? [:]
            return AuditUnit(table: level.table, code: GeoJSONFile.stringProperty(p[f.code]) ?? "",
                             parentCode: f.parentCode.flatMap { GeoJSONFile.stringProperty(p[$0]) },
                             provinceCode: GeoJSONFile.stringProperty(p[f.provinceCode]) ?? "", nameTH: "", geometry: g)
        }
    }
    let tambons = try units(args[0], args[2], .tambon), amphoes = try units(args[1], args[3], .amphoe)
    let vertices = tambons.reduce(0) { $0 + ($1.geometry?.coordinateCount ?? 0) }
    let report: Set<BoundaryLevel> = ProcessInfo.processInfo.environment["AUDIT_AMPHOES"] == "1" ? [.tambon, .amphoe] : [.tambon]
    let parentOverlaps = ProcessInfo.processInfo.environment["AUDIT_PARENT_OVERLAPS"] != "0"
    let input = BoundaryAuditInput(levels: [.tambon: tambons, .amphoe: amphoes], report: report)
    var best = Double.infinity
    var result: AuditReport? = nil
    for _ in 0..<3 {
        let t0 = now()
        var auditor = BoundaryAuditor(minArea: 1)
        auditor.parentOverlaps = parentOverlaps
        result = try auditor.audit(input)
        best = min(best, now() - t0)
    }
    let r = result!
    let counts = r.counts.map { "\"\($0.0.rawValue)\":\($0.1)" }.joined(separator: ",")
    print("{\"seconds\":\(best),\"tambons\":\(tambons.count),\"amphoes\":\(amphoes.count),\"vertices\":\(vertices),\"findings\":\(r.findings.count),\"counts\":{\(counts)},\"parents_exact\":\(r.counters["parents_exact"] ?? 0),\"parents_same_lines\":\(r.counters["parents_same_lines"] ?? 0),\"parents_geos\":\(r.counters["parents_geos"] ?? 0),\"pairs_intersected\":\(r.counters["pairs_intersected"] ?? 0),\"ms\":{\"units\":\(r.counters["ms_units"] ?? 0),\"parents\":\(r.counters["ms_parents"] ?? 0),\"overlaps\":\(r.counters["ms_overlaps"] ?? 0)},\"threads\":\(ProcessInfo.processInfo.activeProcessorCount)}")
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: eplan-bench pip POLYGONS.wkb POINTS.f64 [EXPECTED.idx] | pins POLYGONS.wkb PAIRS.f64 [EXPECTED.u8] | export-fixture DB N | audit TAMBON.wkb AMPHOE.wkb TAMBON.geojson AMPHOE.geojson | national-copy projects N LAOS.tsv | national-copy pins N PINS LAOS.tsv") }
do {
    switch command {
    case "pip": try pointInPolygon(Array(args.dropFirst()))
    case "pins": try pinValidation(Array(args.dropFirst()))
    case "export-fixture": try exportFixture(Array(args.dropFirst()))
    case "jurisdictions": try fixtureJurisdictions(Array(args.dropFirst()))
    case "audit": try boundaryAudit(Array(args.dropFirst()))
    case "national-copy": try nationalCopy(Array(args.dropFirst()))
    default: fail("unknown benchmark \(command)")
    }
} catch {
    fail("\(error)")
}
