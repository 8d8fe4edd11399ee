import Foundation

/// The point pins an audit may find stacked: coordinates and codes in flat arrays (a
/// million pins take tens of MB), in the order the store yields them.
struct StackPoints {
    var xs: [Double] = [], ys: [Double] = []
    var codes: [String] = [], laos: [String] = []
    var count: Int { xs.count }

    mutating func append(_ c: Coordinate, code: String, lao: String) {
        xs.append(c.x); ys.append(c.y); codes.append(code); laos.append(lao)
    }
}

/// Stacks: clusters of point pins, each within the radius of another of the cluster
/// (single linkage), of at least a minimum number of projects.
///
/// Near-linear at any radius: points are hashed into square cells whose diagonal is under
/// the radius, so all points of one cell are joined at once without a distance; a pair of
/// neighbouring cells is measured only until one pair of points lies within the radius,
/// and not at all once both cells are in one cluster. A wide radius that makes one
/// cluster of a whole province therefore costs about one distance per cell pair, not one
/// per pin pair. A finding lists at most `listMax` projects (the first by code) and
/// states the full count.
public enum PinStacks {
    /// The default cap on the projects one stack finding lists.
    public static let defaultListMax = 1000
    /// Metres per degree bounds (WGS 84): at most this along a meridian or a parallel…
    static let maxMetresPerDegree = 113_000.0
    /// …and at least this along a meridian, or along a parallel times cos(latitude).
    static let minMetresPerDegree = 110_500.0
    /// Radii under this (1 mm) join identical points only.
    public static let minRadiusM = 0.001

    struct Cell: Comparable {
        let y: Int64, x: Int64
        static func < (a: Cell, b: Cell) -> Bool { (a.y, a.x) < (b.y, b.x) }
    }

    static func findings(_ pts: StackPoints, minCount: Int, radiusM: Double, listMax: Int) throws -> [Finding] {
        guard pts.count >= minCount, radiusM >= 0 else { return [] }
        let root = try clusters(pts, radiusM: radiusM)
        var size = [Int32](repeating: 0, count: pts.count)
        for i in 0..<pts.count { size[Int(root[i])] += 1 }
        var members: [Int32: [Int]] = [:]
        for i in 0..<pts.count where size[Int(root[i])] >= minCount { members[root[i], default: []].append(i) }
        let groups = members.values.map { $0.sorted { pts.codes[$0] < pts.codes[$1] } }
            .sorted { pts.codes[$0[0]] < pts.codes[$1[0]] }
        return try groups.map { try finding($0, pts, radiusM: radiusM, listMax: max(1, listMax)) }
    }

    /// The cluster root of every point (union-find over cells and neighbouring cells).
    static func clusters(_ pts: StackPoints, radiusM: Double) throws -> [Int32] {
        // Under a millimetre (below the precision of a typed coordinate) only identical
        // points stack: cells are the exact coordinates, with no neighbours to measure.
        let exact = radiusM < minRadiusM
        let r = max(radiusM, minRadiusM)
        // A cell's diagonal is under r wherever a degree is at most 113 km.
        let side = r / (2.0.squareRoot() * maxMetresPerDegree)
        var keyed: [(Cell, Int32)] = []
        keyed.reserveCapacity(pts.count)
        var parent = (0..<Int32(pts.count)).map { $0 }
        for i in 0..<pts.count where abs(pts.xs[i]) <= 360 && abs(pts.ys[i]) <= 90 {
            let (x, y) = (pts.xs[i] + 0, pts.ys[i] + 0)   // + 0: -0.0 and 0.0 alike
            let cell = exact ? Cell(y: Int64(bitPattern: y.bitPattern), x: Int64(bitPattern: x.bitPattern))
                             : Cell(y: Int64((y / side).rounded(.down)), x: Int64((x / side).rounded(.down)))
            keyed.append((cell, Int32(i)))
        }
        keyed.sort { $0.0 < $1.0 }
        var cells: [Cell] = [], start: [Int] = []
        for (k, (c, i)) in keyed.enumerated() {
            if cells.last != c { cells.append(c); start.append(k) }
            parent[Int(i)] = keyed[start[start.count - 1]].1   // one cell, one cluster
        }
        start.append(keyed.count)
        func find(_ a: Int32) -> Int32 {
            var a = a
            while parent[Int(a)] != a { parent[Int(a)] = parent[Int(parent[Int(a)])]; a = parent[Int(a)] }
            return a
        }
        let ky = Int64((r / (side * minMetresPerDegree)).rounded(.up))
        for a in cells.indices where !exact {
            let c = cells[a]
            // Columns to look across: a degree of longitude shrinks with latitude.
            let lat = min(89.9, (Double(abs(c.y) + ky + 1) * side))
            let kx = Int64((r / (side * minMetresPerDegree * cos(lat * .pi / 180))).rounded(.up))
            for dy in 0...ky {
                let row = c.y + dy
                var b = lowerBound(cells, Cell(y: row, x: dy == 0 ? c.x + 1 : c.x - kx))
                while b < cells.count, cells[b].y == row, cells[b].x <= c.x + kx {
                    defer { b += 1 }
                    let ra = find(keyed[start[a]].1), rb = find(keyed[start[b]].1)
                    if ra == rb { continue }
                    if try anyWithin(keyed[start[a]..<start[a + 1]], keyed[start[b]..<start[b + 1]], pts, r: radiusM) {
                        parent[Int(ra)] = rb
                    }
                }
            }
        }
        return (0..<Int32(pts.count)).map { find($0) }
    }

    static func lowerBound(_ cells: [Cell], _ key: Cell) -> Int {
        var lo = 0, hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Whether some point of `a` lies within `r` m of some point of `b` (stops at the first).
    /// A point of `a` farther than `r` from the box of `b` (by a lower bound of metres per
    /// degree) is not measured: cells two apart, mostly out of reach, cost a pass, not a product.
    static func anyWithin(_ a: ArraySlice<(Cell, Int32)>, _ b: ArraySlice<(Cell, Int32)>, _ pts: StackPoints, r: Double) throws -> Bool {
        var box = Envelope(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
        for (_, j) in b { box.expand(Coordinate(pts.xs[Int(j)], pts.ys[Int(j)])) }
        for (_, i) in a {
            let p = Coordinate(pts.xs[Int(i)], pts.ys[Int(i)])
            let dx = max(box.minX - p.x, 0, p.x - box.maxX), dy = max(box.minY - p.y, 0, p.y - box.maxY)
            let lat = min(89.9, max(abs(p.y), abs(box.minY), abs(box.maxY)))
            // 0.99: a geodesic is a little shorter than the grid's metres over a degree.
            if 0.99 * hypot(dy * minMetresPerDegree, dx * minMetresPerDegree * cos(lat * .pi / 180)) > r { continue }
            for (_, j) in b where try Metric.distance(p, Coordinate(pts.xs[Int(j)], pts.ys[Int(j)])) <= r { return true }
        }
        return false
    }

    /// One stack finding: its members sorted by code, at most `listMax` of them listed.
    static func finding(_ members: [Int], _ pts: StackPoints, radiusM: Double, listMax: Int) throws -> Finding {
        let n = Double(members.count)
        var sx = 0.0, sy = 0.0
        for m in members { sx += pts.xs[m]; sy += pts.ys[m] }
        let centre = Coordinate(sx / n, sy / n)
        var spread = 0.0
        for m in members { spread = max(spread, try Metric.distance(centre, Coordinate(pts.xs[m], pts.ys[m]))) }
        let listed = Array(members.prefix(listMax))
        let codes = listed.map { pts.codes[$0] }
        let laos = Set(members.map { pts.laos[$0] }).sorted().joined(separator: ", ")
        var list = Message(th: codes.joined(separator: ", "), en: codes.joined(separator: ", "))
        var measures: [Finding.Measure] = [.init("count", n), .init("spread_m", spread)]
        if listed.count < members.count {
            let more = members.count - listed.count
            list = Message(th: list.th + " และอีก \(more) โครงการ (รายการแสดงได้ไม่เกิน \(listMax) โครงการต่อกลุ่ม)",
                           en: list.en + " and \(more) more (a stack lists at most \(listMax) projects)")
            measures.append(.init("listed", Double(listed.count)))
        }
        let radius = Message(th: PinText.metres(radiusM, .th), en: PinText.metres(radiusM, .en))
        var f = Finding(kind: .pinStacked, table: "pin", codes: codes,
            message: Message(th: "\(members.count) โครงการปักหมุดซ้อนกันที่จุดเดียว (ภายใน \(radius.th)) อปท. \(laos): \(list.th) — ปักที่สำนักงาน?",
                             en: "\(members.count) projects pinned on one spot (within \(radius.en)), LAO \(laos): \(list.en) — pinned at the office?"),
            location: centre, measures: measures,
            geometry: .multiPoint(listed.map { Coordinate(pts.xs[$0], pts.ys[$0]) }))
        f.labels = [.init("lao_code", laos.replacingOccurrences(of: ", ", with: ","))]
        return f
    }
}
