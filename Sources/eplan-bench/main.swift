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
        let chunks = (n + chunk - 1) / chunk
        answer.withUnsafeMutableBufferPointer { out in
            let o = out.baseAddress!
            lao.withUnsafeBufferPointer { lb in
                xs.withUnsafeBufferPointer { xb in
                    ys.withUnsafeBufferPointer { yb in
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in
                            for i in (c * chunk)..<min(n, (c + 1) * chunk) {
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

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: eplan-bench pip POLYGONS.wkb POINTS.f64 [EXPECTED.idx] | pins POLYGONS.wkb PAIRS.f64 [EXPECTED.u8]") }
do {
    switch command {
    case "pip": try pointInPolygon(Array(args.dropFirst()))
    case "pins": try pinValidation(Array(args.dropFirst()))
    default: fail("unknown benchmark \(command)")
    }
} catch {
    fail("\(error)")
}
