// Benchmark driver for scripts/bench (not part of the tests). Each subcommand times one
// workload of eplan's own code and prints one JSON object; scripts/bench runs the
// reference tool on the same data in the same run and prints the ratios.
import EPlanDomain
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
    var xs = [Double](repeating: 0, count: n), ys = xs
    for i in 0..<n { xs[i] = xy[2 * i]; ys[i] = xy[2 * i + 1] }
    var best = Double.infinity, buildBest = Double.infinity
    var answer: [Int32] = []
    for _ in 0..<3 {
        let t0 = now()
        let locator = PolygonLocator(polygons: polygons)
        let t1 = now()
        answer = locator.locate(xs: xs, ys: ys)
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
    print("{\"seconds\":\(best),\"tambons\":\(tambons.count),\"amphoes\":\(amphoes.count),\"vertices\":\(vertices),\"findings\":\(r.findings.count),\"counts\":{\(counts)},\"parents_exact\":\(r.counters["parents_exact"] ?? 0),\"parents_geos\":\(r.counters["parents_geos"] ?? 0),\"pairs_intersected\":\(r.counters["pairs_intersected"] ?? 0),\"ms\":{\"units\":\(r.counters["ms_units"] ?? 0),\"parents\":\(r.counters["ms_parents"] ?? 0),\"overlaps\":\(r.counters["ms_overlaps"] ?? 0)},\"threads\":\(ProcessInfo.processInfo.activeProcessorCount)}")
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: eplan-bench pip POLYGONS.wkb POINTS.f64 [EXPECTED.idx]") }
do {
    switch command {
    case "pip": try pointInPolygon(Array(args.dropFirst()))
    case "audit": try boundaryAudit(Array(args.dropFirst()))
    default: fail("unknown benchmark \(command)")
    }
} catch {
    fail("\(error)")
}
