import Dispatch

/// Answers "which polygon contains this point?" for millions of points at a time.
///
/// GEOS 3.11's C API can only test a point that is first made a GEOS geometry
/// (there is no `GEOSPreparedContainsXY` before 3.12), which costs an allocation per
/// test. This index avoids that on the hot path and shares nothing mutable, so it runs
/// on every core. Two levels:
/// - a uniform grid over all polygons: a cell lists the polygons that cover it wholly
///   (answered at once) or only partly (tested exactly);
/// - per polygon, its edges bucketed into horizontal bands, so the exact even-odd test
///   looks only at the edges that cross the point's latitude.
/// Points exactly on an edge may go either way (GEOS's `contains` excludes the
/// boundary); callers that need GEOS's exact boundary rule re-test with a prepared
/// geometry.
public struct PolygonLocator: Sendable {
    public let count: Int
    private let grid: Grid
    private let cellStart: [Int32]      // CSR offsets into cellEntries, one per cell + 1
    private let cellEntries: [Int32]    // polygon index; negative (~index) = covers the cell wholly
    private let bands: [EdgeBands]

    /// - Parameter polygons: polygons or multipolygons (other kinds contain nothing).
    /// - Parameter cellsPerPolygon: grid density; more cells answer more points at once.
    public init(polygons: [Geometry], cellsPerPolygon: Double = 160, threads: Int = 0) {
        count = polygons.count
        let workers = threads > 0 ? threads : max(1, PolygonLocator.processorCount)
        // Each polygon's edge bands are independent: build them on every core.
        let edgeBands = PolygonLocator.parallelMap(polygons.count, workers: workers) { EdgeBands(geometry: polygons[$0]) }
        bands = edgeBands
        var total: Envelope? = nil
        for b in edgeBands where !b.isEmpty {
            if total == nil { total = b.envelope } else { total!.expand(b.envelope) }
        }
        let env = total ?? Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)
        grid = Grid(envelope: env, targetCells: max(64.0, cellsPerPolygon * Double(max(1, polygons.count))))
        (cellStart, cellEntries) = PolygonLocator.fillCells(grid: grid, polygons: polygons, bands: edgeBands, workers: workers)
    }

    static func parallelMap<T>(_ n: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        Parallel.map(n, workers: workers, body)
    }

    /// The first polygon (lowest index) containing the point, or nil.
    @inline(__always)
    public func firstContaining(x: Double, y: Double) -> Int? {
        guard x.isFinite, y.isFinite, let cell = grid.cell(x: x, y: y) else { return nil }
        var best: Int? = nil
        var i = Int(cellStart[cell])
        let end = Int(cellStart[cell + 1])
        while i < end {
            let e = cellEntries[i]
            let index = e < 0 ? Int(~e) : Int(e)
            if best == nil || index < best! {
                if e < 0 || bands[index].contains(x: x, y: y) { best = index }
            }
            i += 1
        }
        return best
    }

    /// Every polygon containing the point, appended to `result`.
    public func allContaining(x: Double, y: Double, into result: inout [Int]) {
        guard x.isFinite, y.isFinite, let cell = grid.cell(x: x, y: y) else { return }
        for i in Int(cellStart[cell])..<Int(cellStart[cell + 1]) {
            let e = cellEntries[i]
            if e < 0 { result.append(Int(~e)) } else if bands[Int(e)].contains(x: x, y: y) { result.append(Int(e)) }
        }
    }

    /// Every polygon that may contain the point, lowest index first, each with whether the
    /// point's grid cell lies wholly inside it (then it surely does). A polygon containing
    /// or touching the point is always listed: callers that need GEOS's exact boundary rule
    /// test only the partial ones with a prepared geometry, and never miss one.
    public func candidates(x: Double, y: Double, into result: inout [(index: Int, whole: Bool)]) {
        result.removeAll(keepingCapacity: true)
        guard x.isFinite, y.isFinite, let cell = grid.cell(x: x, y: y) else { return }
        for i in Int(cellStart[cell])..<Int(cellStart[cell + 1]) {
            let e = cellEntries[i]
            result.append(e < 0 ? (Int(~e), true) : (Int(e), false))
        }
        // Workers laid the entries out by worker, not by polygon: order them here.
        if result.count > 1 { result.sort { $0.index < $1.index } }
    }

    /// Whether polygon `index` contains the point (the same edge rule as the other queries):
    /// one grid cell, then that polygon's edge bands only if the cell is not wholly inside it.
    @inline(__always)
    public func contains(polygon index: Int, x: Double, y: Double) -> Bool {
        guard x.isFinite, y.isFinite, let cell = grid.cell(x: x, y: y) else { return false }
        let whole = Int32(~index), partial = Int32(index)
        var i = Int(cellStart[cell])
        let end = Int(cellStart[cell + 1])
        while i < end {
            let e = cellEntries[i]
            if e == whole { return true }
            if e == partial { return bands[index].contains(x: x, y: y) }
            i += 1
        }
        return false
    }

    /// The containing polygon's index for each point (-1 for none), on `threads` threads.
    /// One array of points, so there are no two arrays whose lengths could differ.
    public func locate(_ points: [Coordinate], threads: Int = 0) -> [Int32] {
        let n = points.count
        var out = [Int32](repeating: -1, count: n)
        let workers = threads > 0 ? threads : max(1, PolygonLocator.processorCount)
        let chunk = max(4096, (n + workers * 8 - 1) / (workers * 8))
        out.withUnsafeMutableBufferPointer { outBuf in
            let outPtr = Parallel.DisjointWrites(outBuf)
            points.withUnsafeBufferPointer { pointsBuf in
                let pb = Parallel.SharedRead(pointsBuf)
                Parallel.forEachChunk(n, chunk: chunk) { range in
                    for i in range {
                        if let p = firstContaining(x: pb[i].x, y: pb[i].y) { outPtr[i] = Int32(p) }
                    }
                }
            }
        }
        return out
    }

    static var processorCount: Int {
        #if os(Linux)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }

    /// Builds the per-cell polygon lists: cells crossed by a polygon's edges get a
    /// "partial" entry; cells of its bounding box not crossed whose centre lies inside
    /// get a "whole" entry. Polygons are independent, so each worker collects its own
    /// (cell, entry) pairs; a counting sort then lays them out cell by cell.
    private static func fillCells(grid: Grid, polygons: [Geometry], bands: [EdgeBands], workers: Int) -> ([Int32], [Int32]) {
        struct Pairs { var cells: [Int32] = []; var entries: [Int32] = [] }
        let perWorker: [Pairs] = parallelMap(workers, workers: workers) { w in
            var pairs = Pairs()
            var touched: [Bool] = []
            var index = w
            while index < bands.count {
                defer { index += workers }
                let b = bands[index]
                if b.isEmpty { continue }
                let c0 = grid.column(b.envelope.minX), c1 = grid.column(b.envelope.maxX)
                let r0 = grid.row(b.envelope.minY), r1 = grid.row(b.envelope.maxY)
                let cols = c1 - c0 + 1, rows = r1 - r0 + 1
                touched.removeAll(keepingCapacity: true)
                touched.append(contentsOf: repeatElement(false, count: cols * rows))
                touched.withUnsafeMutableBufferPointer { t in
                    EdgeBands.forEachRing(of: polygons[index]) { ring in
                        ring.withUnsafeBufferPointer { r in
                            for i in 0..<(r.count - 1) {
                                grid.forEachCell(onSegment: r[i].x, r[i].y, r[i + 1].x, r[i + 1].y) { col, row in
                                    let lc = col - c0, lr = row - r0
                                    if lc >= 0 && lc < cols && lr >= 0 && lr < rows { t[lr * cols + lc] = true }
                                }
                            }
                        }
                    }
                    for lr in 0..<rows {
                        for lc in 0..<cols {
                            let cell = Int32(grid.index(col: c0 + lc, row: r0 + lr))
                            if t[lr * cols + lc] {
                                pairs.cells.append(cell); pairs.entries.append(Int32(index))
                            } else {
                                let centre = grid.centre(col: c0 + lc, row: r0 + lr)
                                if b.contains(x: centre.x, y: centre.y) {
                                    pairs.cells.append(cell); pairs.entries.append(~Int32(index))
                                }
                            }
                        }
                    }
                }
            }
            return pairs
        }
        // Counting sort of the (cell, entry) pairs into CSR form, entries of one cell in
        // polygon order (workers stride over polygons, so merge by polygon index).
        var start = [Int32](repeating: 0, count: grid.cellCount + 1)
        var total = 0
        for p in perWorker { total += p.cells.count; for c in p.cells { start[Int(c) + 1] += 1 } }
        for i in 0..<grid.cellCount { start[i + 1] += start[i] }
        var fill = start
        var entries = [Int32](repeating: 0, count: total)
        for p in perWorker {
            for k in 0..<p.cells.count {
                let c = Int(p.cells[k])
                entries[Int(fill[c])] = p.entries[k]
                fill[c] += 1
            }
        }
        return (start, entries)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// "Is this point inside polygon i?" for many (polygon, point) pairs, as bulk pin
/// validation asks: only each polygon's edge bands, no grid (a pair names its polygon,
/// so there is nothing to search for, and skipping the grid halves the build).
public struct PolygonEdgeIndex: Sendable {
    private let bands: [EdgeBands]
    public var count: Int { bands.count }

    public init(polygons: [Geometry], threads: Int = 0) {
        let workers = threads > 0 ? threads : max(1, PolygonLocator.processorCount)
        bands = PolygonLocator.parallelMap(polygons.count, workers: workers) { EdgeBands(geometry: polygons[$0]) }
    }

    /// Even-odd rule, as `PolygonLocator`; false for an index out of range.
    @inline(__always)
    public func contains(polygon index: Int, x: Double, y: Double) -> Bool {
        guard index >= 0 && index < bands.count, x.isFinite, y.isFinite else { return false }
        return bands[index].contains(x: x, y: y)
    }
}

/// A uniform grid of square-ish cells over an envelope.
struct Grid: Sendable {
    let minX: Double, minY: Double
    let cellW: Double, cellH: Double
    let cols: Int, rows: Int
    var cellCount: Int { cols * rows }

    init(envelope e: Envelope, targetCells: Double) {
        let w = max(e.width, 1e-9), h = max(e.height, 1e-9)
        let size = (w * h / targetCells).squareRoot()
        cols = max(1, min(8192, Int((w / size).rounded(.up))))
        rows = max(1, min(8192, Int((h / size).rounded(.up))))
        minX = e.minX; minY = e.minY
        cellW = w / Double(cols); cellH = h / Double(rows)
    }

    @inline(__always) func column(_ x: Double) -> Int { min(cols - 1, max(0, Int((x - minX) / cellW))) }
    @inline(__always) func row(_ y: Double) -> Int { min(rows - 1, max(0, Int((y - minY) / cellH))) }
    @inline(__always) func index(col: Int, row: Int) -> Int { row * cols + col }

    /// The cell holding the point, or nil outside the grid.
    @inline(__always) func cell(x: Double, y: Double) -> Int? {
        let fx = (x - minX) / cellW, fy = (y - minY) / cellH
        guard fx >= 0, fy >= 0, fx <= Double(cols), fy <= Double(rows) else { return nil }
        return min(rows - 1, Int(fy)) * cols + min(cols - 1, Int(fx))
    }

    func centre(col: Int, row: Int) -> Coordinate {
        Coordinate(minX + (Double(col) + 0.5) * cellW, minY + (Double(row) + 0.5) * cellH)
    }

    /// Every cell the segment passes through (a supercover: column by column, the rows
    /// between the segment's y at the column's two sides).
    func forEachCell(onSegment x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ body: (Int, Int) -> Void) {
        let (ax, ay, bx, by) = x0 <= x1 ? (x0, y0, x1, y1) : (x1, y1, x0, y0)
        let ca = column(ax), cb = column(bx)
        let slope = bx > ax ? (by - ay) / (bx - ax) : 0
        for c in ca...cb {
            let left = max(ax, minX + Double(c) * cellW)
            let right = min(bx, minX + Double(c + 1) * cellW)
            let yl = bx > ax ? ay + (left - ax) * slope : ay
            let yr = bx > ax ? ay + (right - ax) * slope : by
            let r0 = row(min(yl, yr)), r1 = row(max(yl, yr))
            for r in r0...r1 { body(c, r) }
        }
    }
}

/// One polygon's edges bucketed by horizontal band, for an even-odd crossing test that
/// reads only the edges spanning the query's y.
struct EdgeBands: Sendable {
    let envelope: Envelope
    let isEmpty: Bool
    private let bandCount: Int
    private let bandH: Double
    private let bandStart: [Int32]   // CSR offsets, bandCount + 1
    private let edges: [Double]      // x0, y0, x1, y1 per entry, repeated in every band it spans

    init(geometry: Geometry) {
        var raw: [Double] = []
        raw.reserveCapacity(geometry.coordinateCount * 4)
        var env: Envelope? = nil
        EdgeBands.forEachRing(of: geometry) { r in
            for i in 0..<(r.count - 1) {
                let a = r[i], b = r[i + 1]
                if a.y == b.y && a.x == b.x { continue }
                raw.append(a.x); raw.append(a.y); raw.append(b.x); raw.append(b.y)
                if env == nil { env = Envelope(minX: a.x, minY: a.y, maxX: a.x, maxY: a.y) }
                env!.expand(a); env!.expand(b)
            }
        }
        guard let e = env, !raw.isEmpty else {
            envelope = Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0); isEmpty = true
            bandCount = 1; bandH = 1; bandStart = [0, 0]; edges = []
            return
        }
        envelope = e; isEmpty = false
        let edgeCount = raw.count / 4
        let bandCount = max(1, min(4096, edgeCount / 4))
        let bandH = max(e.height, 1e-12) / Double(bandCount)
        self.bandCount = bandCount
        self.bandH = bandH
        var counts = [Int32](repeating: 0, count: bandCount + 1)
        func bandRange(_ ya: Double, _ yb: Double) -> ClosedRange<Int> {
            let lo = min(ya, yb), hi = max(ya, yb)
            let b0 = min(bandCount - 1, max(0, Int((lo - e.minY) / bandH)))
            let b1 = min(bandCount - 1, max(0, Int((hi - e.minY) / bandH)))
            return b0...b1
        }
        for k in 0..<edgeCount { for b in bandRange(raw[4 * k + 1], raw[4 * k + 3]) { counts[b + 1] += 1 } }
        for b in 0..<bandCount { counts[b + 1] += counts[b] }
        var fill = counts
        var out = [Double](repeating: 0, count: Int(counts[bandCount]) * 4)
        for k in 0..<edgeCount {
            for b in bandRange(raw[4 * k + 1], raw[4 * k + 3]) {
                let o = Int(fill[b]) * 4
                out[o] = raw[4 * k]; out[o + 1] = raw[4 * k + 1]; out[o + 2] = raw[4 * k + 2]; out[o + 3] = raw[4 * k + 3]
                fill[b] += 1
            }
        }
        bandStart = counts
        edges = out
    }

    /// Even-odd rule over all rings: inside the shells and outside the holes.
    @inline(__always)
    func contains(x: Double, y: Double) -> Bool {
        if isEmpty || y < envelope.minY || y > envelope.maxY || x < envelope.minX || x > envelope.maxX { return false }
        let b = min(bandCount - 1, Int((y - envelope.minY) / bandH))
        var inside = false
        edges.withUnsafeBufferPointer { e in
            var k = Int(bandStart[b]) * 4
            let end = Int(bandStart[b + 1]) * 4
            while k < end {
                let x0 = e[k], y0 = e[k + 1], x1 = e[k + 2], y1 = e[k + 3]
                if (y0 > y) != (y1 > y) {
                    let xi = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
                    if x < xi { inside.toggle() }
                }
                k += 4
            }
        }
        return inside
    }

    /// Every ring of a polygon or multipolygon with at least two positions.
    static func forEachRing(of geometry: Geometry, _ body: ([Coordinate]) -> Void) {
        switch geometry {
        case .polygon(let p): for r in p.rings where r.count >= 2 { body(r) }
        case .multiPolygon(let ps): for p in ps { for r in p.rings where r.count >= 2 { body(r) } }
        default: break
        }
    }
}
