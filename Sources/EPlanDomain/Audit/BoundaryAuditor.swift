import Dispatch
import Foundation

/// One unit to audit: a boundary from the store or a file feature, or an LAO jurisdiction.
public struct AuditUnit: Sendable {
    public var table: String
    public var code: String
    public var parentCode: String?
    public var provinceCode: String
    public var nameTH: String
    /// nil when the feature has none.
    public var geometry: Geometry?
    /// 1-based feature number when read from a file.
    public var feature: Int?

    public init(table: String, code: String, parentCode: String?, provinceCode: String, nameTH: String,
                geometry: Geometry?, feature: Int? = nil) {
        self.table = table; self.code = code; self.parentCode = parentCode; self.provinceCode = provinceCode
        self.nameTH = nameTH; self.geometry = geometry; self.feature = feature
    }

    public init(_ r: BoundaryRecord) {
        self.init(table: r.level.table, code: r.code, parentCode: r.parentCode, provinceCode: r.provinceCode,
                  nameTH: r.nameTH, geometry: r.geometry)
    }
}

/// What to audit: units per level (a parent level may be present only to check its
/// children against), the levels to report on, and LAO jurisdictions per tier.
public struct BoundaryAuditInput: Sendable {
    public var levels: [BoundaryLevel: [AuditUnit]]
    public var report: Set<BoundaryLevel>
    /// LAO jurisdictions grouped by tier (units of one tier must not overlap).
    public var laoTiers: [[AuditUnit]]

    public init(levels: [BoundaryLevel: [AuditUnit]], report: Set<BoundaryLevel>, laoTiers: [[AuditUnit]] = []) {
        self.levels = levels; self.report = report; self.laoTiers = laoTiers
    }
}

/// Audits boundaries with GEOS on every core: validity (with what make-valid changes),
/// overlaps within a level, gaps and children outside (or in the wrong) parent.
/// Read-only: it never changes the data it is given.
///
/// Overlaps without testing every touching pair: for the children of one parent,
/// Σ area(child) − area(∪ children) bounds every pairwise overlap among them, and the
/// union is needed for the gap anyway; children lying inside parents that do not overlap
/// cannot overlap each other. Only pairs these bounds do not clear (a fraction of the
/// minimum area) are intersected with GEOS.
public struct BoundaryAuditor {
    public var minArea: Double
    public var threads: Int
    /// Skip pairs the area bounds clear (default); false intersects every touching pair
    /// (for cross-checking the bounds).
    public var useBounds = true
    /// Intersect pairs of a parent level that is not reported (to clear its children's
    /// pairs across parents); false tests those child pairs directly.
    public var parentOverlaps = true

    /// An upper bound of m² per degree² anywhere (equator, with UTM scale): converts the
    /// minimum area into degrees² conservatively, to skip projecting what is surely smaller.
    static let maxM2PerDeg2 = 1.24e10

    public init(minArea: Double = 1, threads: Int = 0) {
        self.minArea = minArea
        self.threads = threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    // MARK: - Entry points

    /// Audits the store: `levels` reported (parents loaded as needed), limited to one province.
    public func audit(store: any EPlanStoring, levels: Set<BoundaryLevel>, provinceCode: String? = nil,
                      includeLAOs: Bool = false) throws -> AuditReport {
        var needed = levels
        if levels.contains(.tambon) { needed.insert(.amphoe) }
        if levels.contains(.amphoe) { needed.insert(.province) }
        var units: [BoundaryLevel: [AuditUnit]] = [:]
        for level in needed {
            var records = try store.boundaries(level: level)
            if let p = provinceCode { records = records.filter { $0.provinceCode == p } }
            units[level] = records.map(AuditUnit.init)
        }
        var tiers: [[AuditUnit]] = []
        if includeLAOs {
            let laos = try store.laos(provinceCode: provinceCode)
            var byTier: [Int: [AuditUnit]] = [:]
            for l in laos {
                guard let g = l.jurisdiction else { continue }
                byTier[l.type.tier, default: []].append(AuditUnit(
                    table: "lao", code: l.code, parentCode: nil, provinceCode: l.provinceCode,
                    nameTH: l.displayTH, geometry: g))
            }
            tiers = byTier.keys.sorted().map { byTier[$0]! }
        }
        let scope = Message(
            th: "ตรวจ\(levels.sorted(by: Self.levelOrder).map(\.nameTH).joined(separator: " "))" + (provinceCode.map { " จังหวัดรหัส \($0)" } ?? ""),
            en: "audit of \(levels.sorted(by: Self.levelOrder).map(\.rawValue).joined(separator: ", "))" + (provinceCode.map { " in province \($0)" } ?? ""))
        var report = try audit(BoundaryAuditInput(levels: units, report: levels, laoTiers: tiers))
        report.scope = scope
        return report
    }

    // The file audit (`audit(file:level:…)`) is in BoundaryFileAudit.swift.

    // MARK: - The audit

    static func levelOrder(_ a: BoundaryLevel, _ b: BoundaryLevel) -> Bool {
        BoundaryLevel.allCases.firstIndex(of: a)! < BoundaryLevel.allCases.firstIndex(of: b)!
    }

    public func audit(_ input: BoundaryAuditInput) throws -> AuditReport {
        let start = Self.now()
        let run = AuditRun(auditor: self, input: input)
        try run.run()
        let checked = input.report.reduce(0) { $0 + (input.levels[$1]?.count ?? 0) } + input.laoTiers.reduce(0) { $0 + $1.count }
        var report = AuditReport(subject: "boundaries", scope: Message(th: "ตรวจขอบเขต", en: "boundary audit"),
                                 findings: run.allFindings(), unitsChecked: checked, minAreaM2: minArea,
                                 seconds: Self.now() - start)
        report.counters = ["parents_exact": run.parentsExact, "parents_same_lines": run.parentsSameLines, "parents_geos": run.parentsGEOS, "pairs_intersected": run.pairsIntersected,
                           "ms_units": run.msUnits, "ms_parents": run.msParents, "ms_overlaps": run.msOverlaps]
        return report
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A vertex of the geometry: a location for findings about a whole feature when GEOS cannot help.
    static func roughPoint(_ g: Geometry) -> Coordinate? {
        var first: Coordinate? = nil
        g.forEachCoordinate { if first == nil { first = $0 } }
        if let gg = try? GEOSGeometry(g, context: GEOSContext()), let p = try? gg.pointOnSurface { return p }
        return first
    }
}

/// Polygonal parts only, as one multipolygon (intersections may add lines and points).
func polygonalParts(_ g: Geometry) -> Geometry {
    var out: [Polygon] = []
    func walk(_ g: Geometry) {
        switch g {
        case .polygon(let p): if !p.rings.isEmpty { out.append(p) }
        case .multiPolygon(let ps): out += ps.filter { !$0.rings.isEmpty }
        case .geometryCollection(let gs): gs.forEach(walk)
        default: break
        }
    }
    walk(g)
    return .multiPolygon(out)
}

/// Per-thread GEOS and PROJ state with the GEOS forms of the units it has touched.
final class AuditWorker {
    let geos = GEOSContext()
    private var projContext: PROJContext?
    private var cache: [Int: GEOSGeometry] = [:]
    private var preparedCache: [Int: PreparedGeometry] = [:]
    var findings: [Finding] = []
    var error: Error?

    func geometry(_ id: Int, _ working: [Geometry?]) throws -> GEOSGeometry? {
        if let g = cache[id] { return g }
        guard let value = working[id] else { return nil }
        let g = try GEOSGeometry(value, context: geos)
        cache[id] = g
        return g
    }

    func prepared(_ id: Int, _ working: [Geometry?]) throws -> PreparedGeometry? {
        if let p = preparedCache[id] { return p }
        guard let g = try geometry(id, working) else { return nil }
        let p = try PreparedGeometry(g)
        preparedCache[id] = p
        return p
    }

    func proj() throws -> PROJContext {
        if let p = projContext { return p }
        let p = try PROJContext()
        projContext = p
        return p
    }

    /// Area in m² in the UTM zone (47N/48N) of the geometry's centroid.
    func utmArea(_ g: Geometry) throws -> Double {
        guard let env = g.envelope else { return 0 }
        let lon = (try? GEOSGeometry(g, context: geos).centroid)??.x ?? env.center.x
        let t = try proj().transform(from: .wgs84, to: UTMZone.crs(forLongitude: lon))
        return try GEOSGeometry(try t.transform(g), context: geos).area
    }

    func utmArea(_ g: GEOSGeometry) throws -> Double { try utmArea(try g.toGeometry()) }
}

/// Hands out the start of the next chunk of work to whichever worker asks first.
/// @unchecked: the counter is only read and written under the lock.
final class ChunkDealer: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let chunk: Int
    init(chunk: Int) { self.chunk = chunk }
    func take() -> Int { lock.lock(); defer { lock.unlock() }; let lo = next; next += chunk; return lo }
}

/// One audit's state: every unit with an id, working (valid) geometries, results per phase.
/// @unchecked: workers write only their own `AuditWorker` and their own result indices; the
/// shared arrays are written between phases, never while `parallel` runs.
final class AuditRun: @unchecked Sendable {
    let auditor: BoundaryAuditor
    let input: BoundaryAuditInput
    var minArea: Double { auditor.minArea }
    /// A fraction of the minimum area, in degrees² (conservative): what the bounds must clear.
    let pruneDeg2: Double
    var units: [AuditUnit] = []
    /// Ids per level and per LAO tier.
    var levelIDs: [BoundaryLevel: [Int]] = [:]
    var tierIDs: [[Int]] = []
    /// The geometry the pairwise and parent checks use: the unit's own when valid, GEOS's
    /// make-valid result when not, nil when empty or unusable.
    var working: [Geometry?] = []
    var envelopes: [Envelope?] = []
    var areaDeg2: [Double] = []
    let workers: [AuditWorker]
    /// Per child id: the parent id it was verified to lie in (outside < prune area).
    var confinedTo: [Int?] = []
    /// Per confined child: an upper bound (m²) of its area outside that parent.
    var outsideBound: [Double] = []
    /// Parent ids whose children's area sum exceeds their union's: pairs among them need testing.
    var suspectParents = Set<Int>()
    /// Overlap areas (m²) of pairs tested, by the ordered id pair.
    var pairOverlap: [Pair: Double] = [:]
    /// wrong-parent children: child id → actual parent id.
    var reassigned: [Int: Int] = [:]
    var parentsExact = 0, parentsSameLines = 0, parentsGEOS = 0, pairsIntersected = 0

    struct Pair: Hashable { let a: Int, b: Int; init(_ x: Int, _ y: Int) { a = min(x, y); b = max(x, y) } }

    init(auditor: BoundaryAuditor, input: BoundaryAuditInput) {
        self.auditor = auditor
        self.input = input
        pruneDeg2 = auditor.minArea / 4 / BoundaryAuditor.maxM2PerDeg2
        workers = (0..<auditor.threads).map { _ in AuditWorker() }
        for level in BoundaryLevel.allCases {
            guard let us = input.levels[level] else { continue }
            levelIDs[level] = Array(units.count..<(units.count + us.count))
            units += us
        }
        for tier in input.laoTiers {
            tierIDs.append(Array(units.count..<(units.count + tier.count)))
            units += tier
        }
        working = Array(repeating: nil, count: units.count)
        envelopes = Array(repeating: nil, count: units.count)
        areaDeg2 = Array(repeating: 0, count: units.count)
        confinedTo = Array(repeating: nil, count: units.count)
        outsideBound = Array(repeating: 0, count: units.count)
    }

    func allFindings() -> [Finding] { workers.flatMap(\.findings) }

    func reported(_ id: Int) -> Bool {
        guard let level = BoundaryLevel(rawValue: units[id].table) else { return true }
        return input.report.contains(level)
    }

    /// Runs `body` for 0..<n on every worker, items handed out in chunks; rethrows the first error.
    func parallel(_ n: Int, chunk: Int = 1, _ body: @Sendable (AuditWorker, Int) throws -> Void) throws {
        if n == 0 { return }
        let next = ChunkDealer(chunk: chunk)
        DispatchQueue.concurrentPerform(iterations: workers.count) { w in
            let worker = workers[w]
            while worker.error == nil {
                let lo = next.take()
                if lo >= n { break }
                for i in lo..<min(n, lo + chunk) {
                    do { try body(worker, i) } catch { worker.error = error; break }
                }
            }
        }
        if let e = workers.compactMap(\.error).first { throw e }
    }

    var msUnits = 0, msParents = 0, msOverlaps = 0

    func run() throws {
        var t = BoundaryAuditor.now()
        func lap() -> Int { let n = BoundaryAuditor.now(); defer { t = n }; return Int((n - t) * 1000) }
        try checkUnits()
        msUnits = lap()
        for level in BoundaryLevel.allCases {
            guard let ids = levelIDs[level] else { continue }
            if let parentLevel = parent(of: level), let parents = levelIDs[parentLevel] {
                _ = lap()
                try checkParents(parents: parents, children: ids, parentLevel: parentLevel, childLevel: level)
                msParents += lap()
            }
            // A level only loaded as parents needs its overlaps only to clear its children's pairs.
            if input.report.contains(level) || auditor.parentOverlaps {
                try checkOverlaps(ids, table: level.table, report: input.report.contains(level))
            }
            msOverlaps += lap()
        }
        for tier in tierIDs { try checkOverlaps(tier, table: "lao", report: true) }
    }

    func parent(of level: BoundaryLevel) -> BoundaryLevel? {
        switch level {
        case .province: return nil
        case .amphoe: return .province
        case .tambon: return .amphoe
        }
    }

    // MARK: Phase 1: each unit alone

    func checkUnits() throws {
        var results = [(Geometry?, Double)](repeating: (nil, 0), count: units.count)
        try results.withUnsafeMutableBufferPointer { out in
            let out = Parallel.DisjointWrites(out)
            try parallel(units.count, chunk: 16) { w, id in out[id] = try checkUnit(w, id) }
        }
        for id in units.indices {
            working[id] = results[id].0
            areaDeg2[id] = results[id].1
            envelopes[id] = results[id].0?.envelope
        }
    }

    private func checkUnit(_ w: AuditWorker, _ id: Int) throws -> (Geometry?, Double) {
        let u = units[id]
        let report = reported(id)
        let label = "\(unitLabel(u).th) \(u.code)", labelEN = "\(unitLabel(u).en) \(u.code)"
        let codes = u.code.isEmpty ? [] : [u.code]
        guard let g = u.geometry, !g.isEmpty else {
            if report {
                w.findings.append(Finding(kind: .emptyGeometry, table: u.table, codes: codes,
                    message: Message(th: "\(label): ไม่มีรูปเรขาคณิต", en: "\(labelEN): no geometry"), feature: u.feature))
            }
            return (nil, 0)
        }
        let gg: GEOSGeometry
        do { gg = try GEOSGeometry(g, context: w.geos) } catch let e as UserFacingError {
            if report {
                let at = BoundaryAuditor.firstCoordinate(g)
                w.findings.append(Finding(kind: .invalidGeometry, table: u.table, codes: codes,
                    message: Message(th: "\(label): \(e.message.th)", en: "\(labelEN): \(e.message.en)"),
                    location: at, geometry: at.map { .point($0) }, feature: u.feature))
            }
            return (nil, 0)
        }
        let area = try gg.area
        let validity = gg.validity()
        if area < Self.degenerateDeg2 && gg.type != .point && gg.type != .lineString {
            if report {
                let at = validity.location ?? BoundaryAuditor.firstCoordinate(g)
                let why = validity.reason.map { " (\($0))" } ?? ""
                w.findings.append(Finding(kind: .degenerateGeometry, table: u.table, codes: codes,
                    message: Message(th: "\(label): พื้นที่เป็นศูนย์\(why)", en: "\(labelEN): zero area\(why)"),
                    location: at, areaM2: 0, geometry: at.map { .point($0) }, feature: u.feature))
            }
            return (nil, 0)
        }
        if validity.isValid { return (g, area) }
        let fixed = try gg.makeValid()
        let fixedValue = polygonalParts(try fixed.toGeometry())
        if report {
            let before = try w.utmArea(g), after = try w.utmArea(fixedValue)
            let reason = validity.reason ?? "invalid"
            let at = validity.location
            w.findings.append(Finding(kind: .invalidGeometry, table: u.table, codes: codes,
                message: Message(
                    th: "\(label): \(ValidityReason.message(reason).th) — make-valid เปลี่ยนพื้นที่ \(Self.m2(before)) → \(Self.m2(after)) ตร.ม.",
                    en: "\(labelEN): \(reason) — make-valid changes the area \(Self.m2(before)) → \(Self.m2(after)) m²"),
                location: at, areaM2: before,
                measures: [.init("area_before_m2", before), .init("area_after_m2", after)],
                geometry: at.map { .point($0) }, feature: u.feature))
        }
        let fixedArea = try GEOSGeometry(fixedValue, context: w.geos).area
        return fixedValue.isEmpty ? (nil, 0) : (fixedValue, fixedArea)
    }

    /// Below this (≈ 1e-6 m²) a polygon has no area: collinear or repeated points.
    static let degenerateDeg2 = 1e-16

    static func m2(_ v: Double) -> String { String(format: "%.1f", v) }

    func unitLabel(_ u: AuditUnit) -> Message {
        if let l = BoundaryLevel(rawValue: u.table) { return l.label }
        return u.table == "lao" ? Message(th: "อปท.", en: "LAO") : Message(th: u.table, en: u.table)
    }

    // MARK: Phase 2: children against parents

    /// Per parent: what its children do to it (results of one parent's check).
    struct ParentResult {
        var exact = false, sameLines = false, suspect = false
        var confined: [(Int, Int, Double)] = []
        var reassigned: [(Int, Int)] = []
    }

    /// Children against their parents: unknown parents, gaps, children outside or under the
    /// wrong parent. Each parent is checked on its own (on every worker), then the results
    /// are gathered, and parents that received a wrongly coded child get their gaps again.
    func checkParents(parents: [Int], children: [Int], parentLevel: BoundaryLevel, childLevel: BoundaryLevel) throws {
        let reportChildren = input.report.contains(childLevel)
        let reportParents = input.report.contains(parentLevel) || reportChildren
        let childrenOf = groupChildren(children, parents: parents, parentLevel: parentLevel, childLevel: childLevel, report: reportChildren)
        let parentList = parents.filter { working[$0] != nil }
        var results = [ParentResult](repeating: ParentResult(), count: parentList.count)
        try results.withUnsafeMutableBufferPointer { out in
            let out = Parallel.DisjointWrites(out)
            try parallel(parentList.count) { w, i in
                let p = parentList[i]
                out[i] = try checkParent(w, p, kids: childrenOf[p] ?? [], parents: parentList, parentLevel: parentLevel,
                                         reportParents: reportParents, reportChildren: reportChildren)
            }
        }
        var regap = Set<Int>()
        for (i, r) in results.enumerated() {
            if r.suspect { suspectParents.insert(parentList[i]) }
            if r.exact { parentsExact += 1 } else if r.sameLines { parentsSameLines += 1 } else { parentsGEOS += 1 }
            for (c, p, out) in r.confined { confinedTo[c] = p; outsideBound[c] = out }
            for (c, a) in r.reassigned { reassigned[c] = a; regap.insert(a) }
        }
        guard !regap.isEmpty, reportParents else { return }
        try recomputeGaps(of: regap, childrenOf: childrenOf, parentLevel: parentLevel)
    }

    /// Children by parent id; a child whose parent code no parent has is an `unknown_parent`.
    private func groupChildren(_ children: [Int], parents: [Int], parentLevel: BoundaryLevel, childLevel: BoundaryLevel,
                               report: Bool) -> [Int: [Int]] {
        var parentByCode: [String: Int] = [:]
        for p in parents { parentByCode[units[p].code] = p }
        var childrenOf: [Int: [Int]] = [:]
        for c in children where working[c] != nil {
            let code = units[c].parentCode ?? ""
            if let p = parentByCode[code] { childrenOf[p, default: []].append(c); continue }
            guard report else { continue }
            let at = (try? GEOSGeometry(working[c]!, context: workers[0].geos).pointOnSurface) ?? nil
            workers[0].findings.append(Finding(kind: .unknownParent, table: units[c].table, codes: [units[c].code, code],
                message: Message(th: "\(childLevel.nameTH) \(units[c].code): ไม่พบ\(parentLevel.nameTH)รหัส '\(code)'",
                                 en: "\(childLevel.rawValue) \(units[c].code): no \(parentLevel.rawValue) with code '\(code)'"),
                location: at, geometry: at.map { .point($0) }))
        }
        return childrenOf
    }

    /// One parent: cleared at once when its children tile it exactly or by the same lines
    /// (within a bound), else through GEOS (union, gap, children outside or elsewhere).
    private func checkParent(_ w: AuditWorker, _ p: Int, kids: [Int], parents: [Int], parentLevel: BoundaryLevel,
                             reportParents: Bool, reportChildren: Bool) throws -> ParentResult {
        var r = ParentResult()
        guard let pg = try w.geometry(p, working) else { return r }
        if kids.isEmpty {
            if reportParents { try gapFindings(w, parent: p, gap: pg) }
            return r
        }
        // Fast exact path: the children's boundary chains add up to the parent's.
        if auditor.useBounds, Self.chainsCancel(parent: working[p]!, children: kids.map { working[$0]! }) {
            r.confined = kids.map { ($0, p, 0) }
            r.exact = true
            return r
        }
        // The same lines with other vertices (layers densified or edited apart):
        // without their collinear vertices the chains cancel, within a bound.
        if auditor.useBounds, let bound = Self.sameLinesBound(parent: working[p]!, children: kids.map { working[$0]! }),
           bound * BoundaryAuditor.maxM2PerDeg2 < minArea / 4 {
            r.confined = kids.map { ($0, p, bound * BoundaryAuditor.maxM2PerDeg2) }
            r.sameLines = true
            return r
        }
        let union = try childrenUnion(w, kids)
        let sum = kids.reduce(0.0) { $0 + areaDeg2[$1] }
        r.suspect = sum - (try union.area) >= pruneDeg2
        if reportParents { try gapFindings(w, parent: p, gap: try pg.difference(with: union)) }
        if try union.difference(with: pg).area < pruneDeg2 {
            r.confined = kids.map { ($0, p, minArea / 4) }
            return r
        }
        for c in kids {
            let (confined, actual) = try checkChild(w, child: c, parent: p, parents: parents, report: reportChildren, parentLevel: parentLevel)
            if confined { r.confined.append((c, p, minArea / 4)) }
            if let a = actual { r.reassigned.append((c, a)) }
        }
        return r
    }

    /// The union of some children's working geometries (GEOS unary union).
    private func childrenUnion(_ w: AuditWorker, _ kids: [Int]) throws -> GEOSGeometry {
        let parts = try kids.compactMap { try w.geometry($0, working) }
        if parts.count == 1 { return parts[0] }
        return try GEOSGeometry(.multiPolygon(kids.flatMap { Self.polygons(working[$0]!) }), context: w.geos).unaryUnion()
    }

    /// A child found in another parent fills that parent's gap: drop the gap findings there
    /// and compute them again with the child counted in.
    private func recomputeGaps(of regap: Set<Int>, childrenOf: [Int: [Int]], parentLevel: BoundaryLevel) throws {
        let regapCodes = Set(regap.map { units[$0].code })
        for w in workers {
            w.findings.removeAll { $0.kind == .gap && $0.table == parentLevel.table && regapCodes.contains($0.codes.first ?? "") }
        }
        let w = workers[0]
        for p in regap.sorted() {
            guard let pg = try w.geometry(p, working) else { continue }
            var kids = (childrenOf[p] ?? []).filter { reassigned[$0] == nil }
            kids += reassigned.filter { $0.value == p }.map(\.key)
            let union = try GEOSGeometry(.multiPolygon(kids.flatMap { Self.polygons(working[$0]!) }), context: w.geos).unaryUnion()
            try gapFindings(w, parent: p, gap: try pg.difference(with: union))
        }
    }

    struct EdgeKey: Hashable { let x1, y1, x2, y2: Int64 }
    struct GridPoint: Hashable, Comparable {
        let x, y: Int64
        static func < (a: GridPoint, b: GridPoint) -> Bool { (a.x, a.y) < (b.x, b.y) }
    }

    /// Whether the children tile the parent exactly: with every ring oriented (shells
    /// counter-clockwise, holes clockwise), the children's directed edges minus the
    /// parent's cancel out. The winding number is linear in the boundary chain and equals
    /// a valid polygon's indicator, so then Σ 1(child) = 1(parent) almost everywhere: no
    /// overlap, no gap, nothing outside. Coordinates are compared on a 1e-9° grid (0.1 mm);
    /// anything that does not cancel (T-junctions, differing vertices, real defects) goes
    /// the GEOS way (union, differences).
    static func chainsCancel(parent: Geometry, children: [Geometry]) -> Bool {
        // Nearly equal coordinates (densified twice, in opposite directions) can round to
        // neighbouring grid cells; a second grid offset by half a cell catches those.
        chainsCancel(parent: parent, children: children, offset: 0)
            || chainsCancel(parent: parent, children: children, offset: 0.5)
    }

    static func chainsCancel(parent: Geometry, children: [Geometry], offset: Double) -> Bool {
        var counts: [EdgeKey: Int32] = [:]
        counts.reserveCapacity(parent.coordinateCount * 3)
        @inline(__always) func q(_ c: Coordinate) -> GridPoint { grid(c, offset: offset) }
        func add(_ g: Geometry, _ sign: Int32) {
            for poly in polygons(g) {
                for (ri, ring) in poly.rings.enumerated() where ring.count > 1 {
                    var twice = 0.0
                    for k in 1..<ring.count { twice += (ring[k - 1].x - ring[0].x) * (ring[k].y - ring[0].y) - (ring[k].x - ring[0].x) * (ring[k - 1].y - ring[0].y) }
                    let d: Int32 = ((twice > 0) == (ri == 0)) ? sign : -sign
                    var prev = q(ring[0])
                    for k in 1..<ring.count {
                        let cur = q(ring[k])
                        if cur == prev { continue }
                        if prev < cur {
                            counts[EdgeKey(x1: prev.x, y1: prev.y, x2: cur.x, y2: cur.y), default: 0] += d
                        } else {
                            counts[EdgeKey(x1: cur.x, y1: cur.y, x2: prev.x, y2: prev.y), default: 0] -= d
                        }
                        prev = cur
                    }
                }
            }
        }
        for c in children { add(c, 1) }
        add(parent, -1)
        for v in counts.values where v != 0 { return false }
        return true
    }

    /// Vertices this close (degrees, about 0.1 µm) to the chord of their neighbours are
    /// collinear: a hundred times the rounding of a densified vertex, far below any survey.
    static let collinearDeg = 1e-12

    /// When parent and children are the same lines with other vertices (densified at other
    /// steps, or a vertex added on a straight edge), dropping the collinear vertices
    /// (Douglas–Peucker at `collinearDeg`) leaves chains that cancel. Every boundary then
    /// moved by at most the largest distance of a dropped vertex from its chord (measured,
    /// about 1e-14° for densified lines), so overlaps, gaps and parts outside are at most
    /// 2 × that × the perimeters (degrees²): returned as the bound, or nil when the chains
    /// still differ (real differences go the GEOS way).
    ///
    /// A vertex one layer keeps (a corner of a child where another child's edge meets the
    /// parent's straight edge) is kept by all: the kept vertices are pooled and the layers
    /// simplified again keeping the pool, until no new vertex is kept.
    static func sameLinesBound(parent: Geometry, children: [Geometry]) -> Double? {
        let all = [parent] + children
        var pool = Set<GridPoint>()
        var simple = all
        var moved = 0.0
        for _ in 0..<4 {
            moved = 0
            simple = all.map { dropCollinear($0, tolerance: collinearDeg, keeping: pool, moved: &moved) }
            var kept = Set<GridPoint>()
            for g in simple { g.forEachCoordinate { kept.insert(grid($0)) } }
            if kept.isSubset(of: pool) { break }
            pool.formUnion(kept)
        }
        guard chainsCancel(parent: simple[0], children: Array(simple.dropFirst())) else { return nil }
        let perimeter = ([parent] + children).reduce(0.0) { sum, g in
            polygons(g).reduce(sum) { s, poly in poly.rings.reduce(s) { $0 + planarLength($1) } }
        }
        return 2 * moved * perimeter
    }

    static func planarLength(_ ring: [Coordinate]) -> Double {
        var total = 0.0
        for k in ring.indices.dropFirst() { total += hypot(ring[k].x - ring[k - 1].x, ring[k].y - ring[k - 1].y) }
        return total
    }

    /// The polygons with the vertices within `tolerance` of their chord removed (every ring
    /// keeps its first vertex and the one farthest from it).
    static func dropCollinear(_ g: Geometry, tolerance: Double, keeping pool: Set<GridPoint> = [], moved: inout Double) -> Geometry {
        .multiPolygon(polygons(g).map { poly in
            Polygon(rings: poly.rings.map { ring in
                guard ring.count > 4 else { return ring }
                var far = 0, best = -1.0
                for (k, c) in ring.enumerated() {
                    let d = hypot(c.x - ring[0].x, c.y - ring[0].y)
                    if d > best { best = d; far = k }
                }
                var keep = [Bool](repeating: false, count: ring.count)
                keep[0] = true; keep[far] = true; keep[ring.count - 1] = true
                if !pool.isEmpty { for k in ring.indices where pool.contains(grid(ring[k])) { keep[k] = true } }
                // Douglas–Peucker between consecutive kept vertices.
                let anchors = ring.indices.filter { keep[$0] }
                for (a, b) in zip(anchors, anchors.dropFirst()) { douglasPeucker(ring, a, b, tolerance, &keep, &moved) }
                return ring.indices.filter { keep[$0] }.map { ring[$0] }
            })
        })
    }

    /// A vertex on the 1e-9° grid the chains are compared on.
    static func grid(_ c: Coordinate, offset: Double = 0) -> GridPoint {
        GridPoint(x: gridInt(c.x * 1e9 + offset), y: gridInt(c.y * 1e9 + offset))
    }

    /// Rounded, and clamped so a coordinate out of any range (1e308, NaN) cannot trap.
    static func gridInt(_ v: Double) -> Int64 {
        guard v.isFinite else { return Int64.max }
        return Int64(max(-9.0e18, min(9.0e18, v.rounded())))
    }

    /// Marks the vertices of `cs[a...b]` farther than `tolerance` from the simplified chain;
    /// raises `moved` to the largest distance of a dropped vertex from its chord.
    static func douglasPeucker(_ cs: [Coordinate], _ a: Int, _ b: Int, _ tolerance: Double, _ keep: inout [Bool],
                               _ moved: inout Double) {
        var stack = [(a, b)]
        while let (lo, hi) = stack.popLast() {
            guard hi - lo > 1 else { continue }
            let p = cs[lo], q = cs[hi]
            let dx = q.x - p.x, dy = q.y - p.y, len = hypot(dx, dy)
            var far = -1, best = tolerance, dropped = 0.0
            for k in (lo + 1)..<hi {
                let c = cs[k]
                // Distance to the segment (to an end when the chord is a point or c lies beyond it).
                let t = len > 0 ? ((c.x - p.x) * dx + (c.y - p.y) * dy) / (len * len) : 0
                let d = t <= 0 ? hypot(c.x - p.x, c.y - p.y)
                    : t >= 1 ? hypot(c.x - q.x, c.y - q.y) : abs((c.x - p.x) * dy - (c.y - p.y) * dx) / len
                if d > best { best = d; far = k }
                dropped = max(dropped, d)
            }
            guard far >= 0 else { moved = max(moved, dropped); continue }
            keep[far] = true
            stack.append((lo, far)); stack.append((far, hi))
        }
    }

    static func polygons(_ g: Geometry) -> [Polygon] {
        switch g {
        case .polygon(let p): return [p]
        case .multiPolygon(let ps): return ps
        case .geometryCollection(let gs): return gs.flatMap(polygons)
        default: return []
        }
    }

    /// One gap finding per polygon of `gap` at least the minimum area.
    private func gapFindings(_ w: AuditWorker, parent p: Int, gap: GEOSGeometry) throws {
        guard try gap.area >= pruneDeg2 else { return }
        let u = units[p]
        for poly in Self.polygons(try gap.toGeometry()) {
            let g = Geometry.polygon(poly)
            let gg = try GEOSGeometry(g, context: w.geos)
            guard try gg.area * BoundaryAuditor.maxM2PerDeg2 >= minArea else { continue }
            let area = try w.utmArea(g)
            guard area >= minArea else { continue }
            let at = try gg.pointOnSurface
            w.findings.append(Finding(kind: .gap, table: u.table, codes: [u.code],
                message: Message(th: "\(unitLabel(u).th) \(u.code) \(u.nameTH): ช่องว่างที่ไม่มีหน่วยย่อยใดครอบคลุม \(Self.m2(area)) ตร.ม.",
                                 en: "\(unitLabel(u).en) \(u.code): gap covered by none of its children, \(Self.m2(area)) m²"),
                location: at, areaM2: area, geometry: g))
        }
    }

    /// A child not wholly inside its coded parent: outside or in another parent?
    /// Returns whether it counts as confined to its parent, and the actual parent when wrong.
    private func checkChild(_ w: AuditWorker, child c: Int, parent p: Int, parents: [Int],
                            report: Bool, parentLevel: BoundaryLevel) throws -> (Bool, Int?) {
        guard let cg = try w.geometry(c, working), let pp = try w.prepared(p, working) else { return (false, nil) }
        if try pp.covers(cg) { return (true, nil) }
        let outside = try cg.difference(with: pp.base)
        let outDeg = try outside.area
        if outDeg < pruneDeg2 { return (true, nil) }
        let outsideValue = polygonalParts(try outside.toGeometry())
        let outM2 = try w.utmArea(outsideValue)
        if outM2 < minArea { return (false, nil) }
        // Where does the child lie? The parent holding most of it.
        let env = envelopes[c]!
        var best: (Int, Double)? = nil
        for q in parents where q != p {
            guard let qe = envelopes[q], qe.intersects(env), let qg = try w.geometry(q, working) else { continue }
            let a = try cg.intersection(with: qg).area
            if a > (best?.1 ?? 0) { best = (q, a) }
        }
        let u = units[c], pu = units[p]
        if let (q, a) = best, a > 0.5 * areaDeg2[c] {
            if report {
                let share = 100 * a / max(areaDeg2[c], .leastNonzeroMagnitude)
                let qu = units[q]
                let at = try cg.intersection(with: try w.geometry(q, working)!).pointOnSurface
                let area = try w.utmArea(cg)
                w.findings.append(Finding(kind: .wrongParent, table: u.table, codes: [u.code, pu.code, qu.code],
                    message: Message(
                        th: "\(unitLabel(u).th) \(u.code) \(u.nameTH): รหัสระบุ\(parentLevel.nameTH) \(pu.code) แต่พื้นที่ \(String(format: "%.0f", share))% อยู่ใน\(parentLevel.nameTH) \(qu.code) \(qu.nameTH)",
                        en: "\(unitLabel(u).en) \(u.code): its code says \(parentLevel.rawValue) \(pu.code) but \(String(format: "%.0f", share))% of it lies in \(parentLevel.rawValue) \(qu.code)"),
                    location: at, areaM2: area, measures: [.init("share_in_actual_parent", share / 100)],
                    geometry: working[c]))
            }
            return (false, q)
        }
        if report {
            let at = try GEOSGeometry(outsideValue, context: w.geos).pointOnSurface
            w.findings.append(Finding(kind: .outsideParent, table: u.table, codes: [u.code, pu.code],
                message: Message(
                    th: "\(unitLabel(u).th) \(u.code) \(u.nameTH): ล้ำออกนอก\(parentLevel.nameTH) \(pu.code) \(Self.m2(outM2)) ตร.ม.",
                    en: "\(unitLabel(u).en) \(u.code): \(Self.m2(outM2)) m² lies outside its \(parentLevel.rawValue) \(pu.code)"),
                location: at, areaM2: outM2, geometry: outsideValue))
        }
        return (false, nil)
    }

    // MARK: Phase 3: overlaps within a level

    /// Candidate pairs by an envelope sort-and-sweep (boxes sorted by minX).
    func candidatePairs(_ ids: [Int]) -> [(Int, Int)] {
        let boxed = ids.filter { envelopes[$0] != nil }.sorted { envelopes[$0]!.minX < envelopes[$1]!.minX }
        var pairs: [(Int, Int)] = []
        for (i, a) in boxed.enumerated() {
            let ea = envelopes[a]!
            var j = i + 1
            while j < boxed.count {
                let eb = envelopes[boxed[j]]!
                if eb.minX > ea.maxX { break }
                if eb.minY <= ea.maxY && eb.maxY >= ea.minY { pairs.append((min(a, boxed[j]), max(a, boxed[j]))) }
                j += 1
            }
        }
        return pairs
    }

    /// An upper bound (m²) of the overlap of two units from what is known, nil when unknown.
    func overlapBound(_ a: Int, _ b: Int) -> Double? {
        if let o = pairOverlap[Pair(a, b)] { return o }
        guard let ea = envelopes[a], let eb = envelopes[b] else { return 0 }
        if !ea.intersects(eb) { return 0 }
        guard let pa = confinedTo[a], let pb = confinedTo[b] else { return nil }
        if pa == pb { return suspectParents.contains(pa) ? nil : minArea / 4 }
        // Children of different parents: overlap ≤ their outside parts + the parents' overlap.
        return overlapBound(pa, pb).map { $0 + outsideBound[a] + outsideBound[b] }
    }

    /// Whether the bounds already show the pair overlaps by less than the minimum area.
    func cleared(_ a: Int, _ b: Int) -> Bool {
        guard auditor.useBounds else { return false }
        guard let bound = overlapBound(a, b) else { return false }
        return bound < minArea
    }

    func checkOverlaps(_ ids: [Int], table: String, report: Bool) throws {
        let pairs = candidatePairs(ids).filter { !cleared($0.0, $0.1) }
        var areas = [Double](repeating: 0, count: pairs.count)
        try areas.withUnsafeMutableBufferPointer { out in
            let out = Parallel.DisjointWrites(out)
            try parallel(pairs.count, chunk: 8) { w, i in
                let (a, b) = pairs[i]
                guard let pa = try w.prepared(a, working), let gb = try w.geometry(b, working) else { return }
                guard try pa.intersects(gb) else { return }
                let inter = try pa.base.intersection(with: gb)
                let deg = try inter.area
                guard deg * BoundaryAuditor.maxM2PerDeg2 >= minArea / 4 else { out[i] = minArea / 4; return }
                let value = polygonalParts(try inter.toGeometry())
                let area = try w.utmArea(value)
                out[i] = area
                guard report, area >= minArea else { return }
                let ua = units[a], ub = units[b]
                let at = try inter.pointOnSurface
                w.findings.append(Finding(kind: .overlap, table: table, codes: [ua.code, ub.code].sorted(),
                    message: Message(
                        th: "\(unitLabel(ua).th) \(ua.code) \(ua.nameTH) ทับซ้อนกับ \(ub.code) \(ub.nameTH) \(Self.m2(area)) ตร.ม.",
                        en: "\(unitLabel(ua).en) \(ua.code) overlaps \(ub.code) by \(Self.m2(area)) m²"),
                    location: at, areaM2: area, geometry: value))
            }
        }
        for (i, p) in pairs.enumerated() { pairOverlap[Pair(p.0, p.1)] = areas[i] }
        pairsIntersected += pairs.count
    }
}

extension BoundaryAuditor {
    static func firstCoordinate(_ g: Geometry) -> Coordinate? {
        var first: Coordinate? = nil
        g.forEachCoordinate { if first == nil { first = $0 } }
        return first
    }
}
