import Foundation

/// What `eplan audit pins` checks, and how strictly.
public struct PinAuditOptions: Sendable {
    public var provinceCode: String?
    public var laoCode: String?
    /// Buddhist-era plan year.
    public var planYear: Int?
    /// Pins of at least this many projects within `stackRadiusM` of one another are a stack.
    public var stackMin = 3
    public var stackRadiusM = 5.0
    /// A point pin this close (m) to its LAO's or tambon's centroid (or point on surface).
    public var centroidRadiusM = 1.0
    /// Roads (lines) shorter than this (m) are suspect.
    public var roadMinM = 10.0
    /// Report unpinned projects per LAO and plan year.
    public var completeness = true
    /// nil: the store's `pin.tolerance_m` (default 30 m).
    public var toleranceM: Double?

    public init(provinceCode: String? = nil, laoCode: String? = nil, planYear: Int? = nil) {
        self.provinceCode = provinceCode; self.laoCode = laoCode; self.planYear = planYear
    }
}

/// Bad audit input (unknown province or LAO, a value out of range): exit status 1.
public struct PinAuditError: UserFacingError {
    public let message: Message
    public init(th: String, en: String) { message = Message(th: th, en: en) }
}

/// Audits the current pins of LAOs (read-only): where they lie (outside their LAO,
/// (0, 0), outside Thailand, latitude/longitude swapped), suspect placements (stacks of
/// projects on one spot, a point at a centroid), road lengths, and completeness (projects
/// without a pin per LAO and plan year).
///
/// Each pin is tested against its own LAO's jurisdiction, prepared once per LAO; only pins
/// not covered are measured (metres in the UTM zone of the pin, no PROJ needed) and tested
/// further. Stacks come from a grid hash of the point pins (cells of the stack radius) and
/// a union-find over neighbouring cells, so the work is linear in the number of pins.
/// Not thread-safe (one GEOS context).
public final class PinAuditor {
    /// Thailand's bounding box (lon/lat), a little generous.
    public static let thailandBox = Envelope(minX: 97.3, minY: 5.6, maxX: 105.7, maxY: 20.5)
    /// With this many provinces the store holds the national boundaries, and "inside no
    /// province" means outside Thailand.
    public static let provincesOfThailand = 77
    /// Within this many degrees of (0, 0) is "null island".
    public static let nullIslandDeg = 1e-6

    public let store: Store
    let geos = GEOSContext()

    public init(store: Store) { self.store = store }

    /// One LAO's prepared jurisdiction and reference points, made when first needed.
    final class LAOState {
        let lao: LAORecord
        let prepared: PreparedGeometry?
        var utm: [Int: PreparedGeometry] = [:]
        var references: [(Coordinate, Message)]?
        var diagonalM: Double?
        var pointOnSurface: Coordinate?
        init(lao: LAORecord, prepared: PreparedGeometry?) { self.lao = lao; self.prepared = prepared }
    }

    // MARK: - Entry point

    public func audit(_ o: PinAuditOptions) throws -> AuditReport {
        let start = BoundaryAuditor.now()
        try check(o)
        let tolerance = try o.toleranceM ?? store.pinToleranceM()
        var laos: [LAORecord]
        if let code = o.laoCode {
            laos = [try store.lao(code: code)!]
        } else {
            laos = try store.laos(provinceCode: o.provinceCode)
        }
        var states: [String: LAOState] = [:]
        func state(_ code: String) throws -> LAOState? {
            if let s = states[code] { return s }
            guard let lao = laos.first(where: { $0.code == code }) else { return nil }
            var prepared: PreparedGeometry? = nil
            if let j = lao.jurisdiction, !j.isEmpty { prepared = try PreparedGeometry(try GEOSGeometry(j, context: geos)) }
            let s = LAOState(lao: lao, prepared: prepared)
            states[code] = s
            return s
        }
        let inScope = Set(laos.map(\.code))
        let pins = try store.currentPins(PinFilter(laoCode: o.laoCode, planYear: o.planYear))
            .filter { inScope.contains($0.project.laoCode) }
        let national = try store.count(level: .province) >= Self.provincesOfThailand

        var findings: [Finding] = []
        var stackable: [(Int, Coordinate)] = []
        var unchecked = 0
        for (i, listing) in pins.enumerated() {
            let p = listing.project, g = listing.pin.geometry
            guard let s = try state(p.laoCode), let prepared = s.prepared, !g.isEmpty else { unchecked += 1; continue }
            let lao = s.lao
            let who = Self.who(p, lao)
            var located = true
            if Self.touchesNullIsland(g) {
                located = false
                var f = Finding(kind: .pinNullIsland, table: "pin", codes: [p.code],
                    message: Message(th: "\(who.th): หมุดอยู่ที่พิกัด (0, 0) ในทะเล ไม่ใช่ที่ตั้งโครงการ (ค่าว่างถูกบันทึกเป็นศูนย์?)",
                                     en: "\(who.en): the pin lies at (0, 0) in the sea, not where the project is (an empty value stored as zero?)"),
                    location: Coordinate(0, 0), geometry: g)
                Self.tag(&f, listing)
                findings.append(f)
            } else if !(try Self.inRange(g) && prepared.covers(try GEOSGeometry(g, context: geos))) {
                let swapped = g.mapCoordinates { Coordinate($0.y, $0.x) }
                if try Self.inRange(swapped) && prepared.covers(try GEOSGeometry(swapped, context: geos)) {
                    located = false
                    let at = Self.representative(g), sw = Self.representative(swapped)
                    var f = Finding(kind: .pinSwapped, table: "pin", codes: [p.code],
                        message: Message(th: "\(who.th): ละติจูดกับลองจิจูดสลับกัน ถ้าสลับกลับจะอยู่ในเขตที่ \(PinText.latLon(sw)) (ละติจูด, ลองจิจูด)",
                                         en: "\(who.en): latitude and longitude are swapped; swapped back it lies inside, at \(PinText.latLon(sw)) (lat, lon)"),
                        location: at, measures: [.init("swapped_lat", sw.y), .init("swapped_lon", sw.x)], geometry: g)
                    Self.tag(&f, listing)
                    findings.append(f)
                } else if try outsideThailand(g, national: national) {
                    located = false
                    let at = Self.representative(g)
                    var f = Finding(kind: .pinOutsideThailand, table: "pin", codes: [p.code],
                        message: Message(th: "\(who.th): หมุดอยู่นอกประเทศไทย ที่ \(PinText.latLon(at)) (ละติจูด, ลองจิจูด)",
                                         en: "\(who.en): the pin lies outside Thailand, at \(PinText.latLon(at)) (lat, lon)"),
                        location: at, geometry: g)
                    Self.tag(&f, listing)
                    findings.append(f)
                } else {
                    let m = try measureOutside(g, s)
                    if m.distance > tolerance {
                        findings.append(try outsideFinding(listing, s, m, tolerance: tolerance))
                    }
                }
            }
            guard located else { continue }
            // Roads: a line of implausible length.
            if p.kind == "road", g.type == .lineString || g.type == .multiLineString {
                let length = Metric.length(g)
                let diagonal = Self.diagonal(s)
                let at = try Self.midpoint(g, geos)
                let len = Message(th: PinText.metres(length, .th), en: PinText.metres(length, .en))
                if length < o.roadMinM {
                    var f = Finding(kind: .roadTooShort, table: "pin", codes: [p.code],
                        message: Message(th: "\(who.th): แนวถนนยาวเพียง \(len.th) (สั้นกว่า \(PinText.metres(o.roadMinM, .th)))",
                                         en: "\(who.en): the road line is only \(len.en) long (under \(PinText.metres(o.roadMinM, .en)))"),
                        location: at, measures: [.init("length_m", length), .init("min_length_m", o.roadMinM)], geometry: g)
                    Self.tag(&f, listing)
                    findings.append(f)
                } else if length > diagonal {
                    let d = Message(th: PinText.metres(diagonal, .th), en: PinText.metres(diagonal, .en))
                    var f = Finding(kind: .roadTooLong, table: "pin", codes: [p.code],
                        message: Message(th: "\(who.th): แนวถนนยาว \(len.th) มากกว่าเส้นทแยงของกรอบเขต \(lao.displayTH) (\(d.th))",
                                         en: "\(who.en): the road line is \(len.en) long, more than the diagonal of \(Self.nameEN(lao))'s bounding box (\(d.en))"),
                        location: at, measures: [.init("length_m", length), .init("lao_diagonal_m", diagonal)], geometry: g)
                    Self.tag(&f, listing)
                    findings.append(f)
                }
            }
            // Points: at a centroid, or part of a stack.
            if let c = Self.singlePoint(g) {
                stackable.append((i, c))
                if let (ref, what, d) = try nearestReference(c, s), d <= o.centroidRadiusM {
                    var f = Finding(kind: .pinAtCentroid, table: "pin", codes: [p.code],
                        message: Message(th: "\(who.th): หมุดอยู่ที่\(what.th) (ห่าง \(PinText.metres(d, .th))) น่าจะวางอัตโนมัติ ไม่ใช่ที่ตั้งจริง",
                                         en: "\(who.en): the pin is at \(what.en) (\(PinText.metres(d, .en)) away), likely placed automatically, not the real site"),
                        location: c, measures: [.init("distance_m", d), .init("reference_lat", ref.y), .init("reference_lon", ref.x)],
                        geometry: g)
                    f.labels = [.init("reference", what.en)]
                    Self.tag(&f, listing)
                    findings.append(f)
                }
            }
        }
        findings += stacks(stackable, pins, minCount: o.stackMin, radiusM: o.stackRadiusM)
        if o.completeness {
            findings += try completeness(o, pins: pins, state: state)
        }
        let scope = Self.scope(o)
        var report = AuditReport(subject: "pins", scope: scope, findings: findings, unitsChecked: pins.count, minAreaM2: 0,
                                 seconds: BoundaryAuditor.now() - start)
        report.counters = ["pins": pins.count, "pins_unchecked": unchecked, "laos": laos.count, "national": national ? 1 : 0]
        return report
    }

    // MARK: - Input

    func check(_ o: PinAuditOptions) throws {
        if let p = o.provinceCode {
            let known = try store.boundary(level: .province, code: p) != nil || !(try store.laos(provinceCode: p)).isEmpty
            guard known else { throw PinAuditError(th: "ไม่พบจังหวัดรหัส '\(p)' ในฐานข้อมูล", en: "no province with code '\(p)' in the store") }
        }
        if let l = o.laoCode {
            guard let lao = try store.lao(code: l) else {
                throw PinAuditError(th: "ไม่พบ อปท. รหัส '\(l)' ในฐานข้อมูล", en: "no LAO with code '\(l)' in the store")
            }
            if let p = o.provinceCode, lao.provinceCode != p {
                throw PinAuditError(th: "อปท. \(l) ไม่อยู่ในจังหวัดรหัส \(p)", en: "LAO \(l) is not in province \(p)")
            }
        }
        if let y = o.planYear, !(2400...2800).contains(y) {
            throw PinAuditError(th: "ปีงบประมาณต้องเป็น พ.ศ. (เช่น 2568) ได้ \(y)", en: "the plan year must be Buddhist era (e.g. 2568), got \(y)")
        }
        guard o.stackMin >= 2 else {
            throw PinAuditError(th: "--stack-min ต้องไม่น้อยกว่า 2 (ได้ \(o.stackMin))", en: "--stack-min must be at least 2 (got \(o.stackMin))")
        }
        for (name, v) in [("--stack-radius", o.stackRadiusM), ("--centroid-radius", o.centroidRadiusM), ("--road-min", o.roadMinM)] {
            guard v.isFinite, v >= 0 else {
                throw PinAuditError(th: "\(name) ต้องเป็นจำนวนไม่ติดลบ (ได้ \(v))", en: "\(name) must be a non-negative number (got \(v))")
            }
        }
        if let t = o.toleranceM, !(t.isFinite && t >= 0) {
            throw PinAuditError(th: "ระยะคลาดเคลื่อนต้องเป็นจำนวนไม่ติดลบ (ได้ \(t))", en: "the tolerance must be a non-negative number (got \(t))")
        }
    }

    static func scope(_ o: PinAuditOptions) -> Message {
        var th = "ตรวจหมุดโครงการ", en = "audit of project pins"
        if let p = o.provinceCode { th += " จังหวัดรหัส \(p)"; en += " in province \(p)" }
        if let l = o.laoCode { th += " อปท. \(l)"; en += " of LAO \(l)" }
        if let y = o.planYear { th += " ปี \(y)"; en += ", plan year \(y)" }
        return Message(th: th, en: en)
    }

    // MARK: - Location rules

    static func who(_ p: ProjectRef, _ lao: LAORecord) -> Message {
        Message(th: "โครงการ \(p.code) \(p.nameTH) (\(lao.displayTH) \(lao.code))",
                en: "project \(p.code) (\(nameEN(lao)) \(lao.code))")
    }

    static func nameEN(_ lao: LAORecord) -> String { lao.nameEN ?? lao.displayTH }

    static func labels(_ p: ProjectRef, _ pin: PinRecord) -> [Finding.Label] {
        [.init("lao_code", p.laoCode), .init("project_kind", p.kind), .init("pin_status", pin.status.rawValue)]
    }

    /// The project's LAO, kind and plan year, and the pin's version and status, on a finding about one pin.
    static func tag(_ f: inout Finding, _ l: PinListing) {
        f.labels = labels(l.project, l.pin) + f.labels
        f.measures += [.init("plan_year", Double(l.project.planYear)), .init("pin_version", Double(l.pin.version))]
    }

    static func touchesNullIsland(_ g: Geometry) -> Bool {
        var hit = false
        g.forEachCoordinate { if abs($0.x) <= nullIslandDeg && abs($0.y) <= nullIslandDeg { hit = true } }
        return hit
    }

    static func inRange(_ g: Geometry) -> Bool {
        var ok = true
        g.forEachCoordinate { if !$0.isFinite || abs($0.x) > 180 || abs($0.y) > 90 { ok = false } }
        return ok
    }

    /// The point itself, else the first vertex (where an analyst should look).
    static func representative(_ g: Geometry) -> Coordinate {
        if let c = singlePoint(g) { return c }
        var first: Coordinate? = nil
        g.forEachCoordinate { if first == nil { first = $0 } }
        return first ?? Coordinate(0, 0)
    }

    static func singlePoint(_ g: Geometry) -> Coordinate? {
        switch g {
        case .point(let c): return c
        case .multiPoint(let cs) where cs.count == 1: return cs[0]
        default: return nil
        }
    }

    /// Outside Thailand: a vertex outside Thailand's box; or, when the store holds every
    /// province, the pin's point (a vertex for lines and polygons) in no province.
    func outsideThailand(_ g: Geometry, national: Bool) throws -> Bool {
        var outBox = false
        g.forEachCoordinate { if !Self.thailandBox.contains($0) { outBox = true } }
        if outBox { return true }
        guard national else { return false }
        let c = Self.representative(g)
        for province in try store.candidates(level: .province, containing: c) {
            if try PreparedGeometry(try GEOSGeometry(province.geometry, context: geos)).covers(x: c.x, y: c.y) { return false }
        }
        return true
    }

    struct Outside {
        var distance: Double
        /// The point farthest outside (lon/lat).
        var farthest: Coordinate
        var fraction: Double?
    }

    /// Metres outside the LAO's jurisdiction (the farthest part), in the pin's UTM zone.
    func measureOutside(_ g: Geometry, _ s: LAOState) throws -> Outside {
        let at = Self.representative(g)
        let zoneCRS = UTMZone.crs(forLongitude: at.x)
        let zone = UTMZone.zone(forLongitude: at.x)
        let toUTM = CoordinateTransform.withoutPROJ(from: .wgs84, to: zoneCRS)!
        let jurU: PreparedGeometry
        if let j = s.utm[zone] { jurU = j } else {
            jurU = try PreparedGeometry(try GEOSGeometry(try toUTM.transform(s.lao.jurisdiction!), context: geos))
            s.utm[zone] = jurU
        }
        let gU = try GEOSGeometry(try toUTM.transform(g), context: geos)
        if let c = Self.singlePoint(g) {
            return Outside(distance: try jurU.distance(to: gU), farthest: c)
        }
        let line = g.type == .lineString || g.type == .multiLineString
        let outsideU = try gU.difference(with: jurU.base)
        let total = line ? try gU.length : try gU.area
        let out = line ? try outsideU.length : try outsideU.area
        var maxD = 0.0, far = try toUTM.transform(at)
        if !outsideU.isEmpty {
            let step = max(5, (try outsideU.length) / 5000)
            var probe: [Coordinate] = []
            try outsideU.densify(tolerance: step).toGeometry().forEachCoordinate { probe.append($0) }
            for c in probe {
                let d = try jurU.distance(to: try GEOSGeometry(.point(c), context: geos))
                if d > maxD { maxD = d; far = c }
            }
        }
        let back = CoordinateTransform.withoutPROJ(from: zoneCRS, to: .wgs84)!
        return Outside(distance: maxD, farthest: try back.transform(far), fraction: total > 0 ? out / total : 0)
    }

    func outsideFinding(_ listing: PinListing, _ s: LAOState, _ m: Outside, tolerance: Double) throws -> Finding {
        let p = listing.project, lao = s.lao, who = Self.who(p, lao)
        let far = Message(th: PinText.metres(m.distance, .th), en: PinText.metres(m.distance, .en))
        let tol = Message(th: PinText.metres(tolerance, .th), en: PinText.metres(tolerance, .en))
        var share = Message(th: "", en: "")
        if let f = m.fraction {
            share = Message(th: " (\(PinText.percent(f)) ของรูปอยู่นอกเขต)", en: " (\(PinText.percent(f)) of it outside)")
        }
        var place = Message(th: " — ไม่อยู่ในตำบลใดในฐานข้อมูล", en: " — in no tambon of the store")
        var labels: [Finding.Label] = []
        if let t = try PlaceLookup(store: store, geos: geos).containing(m.farthest, level: .tambon) {
            place = Message(th: " — อยู่ในตำบล\(t.nameTH) (\(t.code))", en: " — in tambon \(t.nameEN ?? t.nameTH) (\(t.code))")
            labels.append(.init("found_tambon_code", t.code))
        }
        var since = Message(th: "", en: "")
        if listing.pin.status != .outside {
            since = Message(th: "; ตอนปักอยู่ในเขต (สถานะ \(listing.pin.status.label.th)) เขตจึงเปลี่ยนภายหลัง",
                            en: "; it was inside when pinned (status \(listing.pin.status.label.en)), so the boundary has changed since")
        }
        var measures: [Finding.Measure] = [.init("distance_m", m.distance), .init("tolerance_m", tolerance)]
        if let f = m.fraction { measures.append(.init("outside_fraction", f)) }
        var f = Finding(kind: .pinOutsideJurisdiction, table: "pin", codes: [p.code],
            message: Message(th: "\(who.th): หมุดอยู่นอกเขต อปท. \(far.th) (ยอมให้ \(tol.th))\(share.th)\(place.th)\(since.th)",
                             en: "\(who.en): the pin lies \(far.en) outside the LAO's jurisdiction (tolerance \(tol.en))\(share.en)\(place.en)\(since.en)"),
            location: m.farthest, measures: measures, geometry: listing.pin.geometry)
        f.labels = labels
        Self.tag(&f, listing)
        return f
    }

    // MARK: - Roads and centroids

    /// The geodesic diagonal (m) of the LAO jurisdiction's bounding box.
    static func diagonal(_ s: LAOState) -> Double {
        if let d = s.diagonalM { return d }
        guard let e = s.lao.jurisdiction?.envelope else { return .infinity }
        let d = Metric.distance(Coordinate(e.minX, e.minY), Coordinate(e.maxX, e.maxY))
        s.diagonalM = d
        return d
    }

    /// A point on the line near its middle (GEOS interpolation is not wrapped: the middle vertex).
    static func midpoint(_ g: Geometry, _ geos: GEOSContext) throws -> Coordinate {
        var cs: [Coordinate] = []
        g.forEachCoordinate { cs.append($0) }
        guard !cs.isEmpty else { return Coordinate(0, 0) }
        if cs.count == 2 { return Coordinate((cs[0].x + cs[1].x) / 2, (cs[0].y + cs[1].y) / 2) }
        return cs[cs.count / 2]
    }

    /// The LAO's and its tambons' centroids and points on surface; the nearest to `c`.
    func nearestReference(_ c: Coordinate, _ s: LAOState) throws -> (Coordinate, Message, Double)? {
        if s.references == nil {
            var refs: [(Coordinate, Message)] = []
            let lao = s.lao
            if let j = lao.jurisdiction {
                let g = try GEOSGeometry(j, context: geos)
                if let x = try g.centroid {
                    refs.append((x, Message(th: "จุดเซนทรอยด์ของเขต \(lao.displayTH)", en: "the centroid of \(Self.nameEN(lao))'s jurisdiction")))
                }
                if let x = try g.pointOnSurface {
                    refs.append((x, Message(th: "จุดบนพื้นที่ (point on surface) ของเขต \(lao.displayTH)",
                                            en: "the point on surface of \(Self.nameEN(lao))'s jurisdiction")))
                }
            }
            for t in lao.tambons {
                guard let b = try store.boundary(level: .tambon, code: t.code) else { continue }
                let g = try GEOSGeometry(b.geometry, context: geos)
                if let x = try g.centroid {
                    refs.append((x, Message(th: "จุดเซนทรอยด์ของตำบล\(b.nameTH) (\(b.code))", en: "the centroid of tambon \(b.nameEN ?? b.nameTH) (\(b.code))")))
                }
                if let x = try g.pointOnSurface {
                    refs.append((x, Message(th: "จุดบนพื้นที่ของตำบล\(b.nameTH) (\(b.code))", en: "the point on surface of tambon \(b.nameEN ?? b.nameTH) (\(b.code))")))
                }
            }
            s.references = refs
        }
        var best: (Coordinate, Message, Double)? = nil
        for (x, what) in s.references! {
            // Cheap reject: 1e-3° is over 100 m everywhere in Thailand.
            guard abs(x.x - c.x) < 1e-3, abs(x.y - c.y) < 1e-3 else { continue }
            let d = Metric.distance(c, x)
            if best == nil || d < best!.2 { best = (x, what, d) }
        }
        return best
    }

    // MARK: - Stacks

    /// Clusters of point pins, each within `radiusM` of another of the cluster (single
    /// linkage), of at least `minCount` projects: one finding per cluster.
    func stacks(_ points: [(Int, Coordinate)], _ pins: [PinListing], minCount: Int, radiusM: Double) -> [Finding] {
        guard points.count >= minCount, radiusM >= 0 else { return [] }
        // Cells at least the radius wide everywhere in Thailand (up to 20.5°N).
        let cellY = max(radiusM, 0.01) / 110_500, cellX = max(radiusM, 0.01) / (111_320 * cos(21 * Double.pi / 180))
        struct Cell: Hashable { let x: Int64, y: Int64 }
        var grid: [Cell: [Int]] = [:]
        func cell(_ c: Coordinate) -> Cell { Cell(x: Int64((c.x / cellX).rounded(.down)), y: Int64((c.y / cellY).rounded(.down))) }
        for (k, (_, c)) in points.enumerated() { grid[cell(c), default: []].append(k) }
        var parent = Array(0..<points.count)
        func find(_ a: Int) -> Int {
            var a = a
            while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }
            return a
        }
        for (k, (_, c)) in points.enumerated() {
            let home = cell(c)
            for dx in -1...1 { for dy in -1...1 {
                guard let others = grid[Cell(x: home.x + Int64(dx), y: home.y + Int64(dy))] else { continue }
                for m in others where m > k {
                    if Metric.distance(c, points[m].1) <= radiusM {
                        let a = find(k), b = find(m)
                        if a != b { parent[a] = b }
                    }
                }
            } }
        }
        var groups: [Int: [Int]] = [:]
        for k in points.indices { groups[find(k), default: []].append(k) }
        var out: [Finding] = []
        for members in groups.values where members.count >= minCount {
            let cs = members.map { points[$0].1 }
            let centre = Coordinate(cs.map(\.x).reduce(0, +) / Double(cs.count), cs.map(\.y).reduce(0, +) / Double(cs.count))
            let spread = cs.map { Metric.distance(centre, $0) }.max() ?? 0
            let listings = members.map { pins[points[$0].0] }.sorted { $0.project.code < $1.project.code }
            let codes = listings.map(\.project.code)
            let laos = Array(Set(listings.map(\.project.laoCode))).sorted()
            let list = codes.joined(separator: ", ")
            var f = Finding(kind: .pinStacked, table: "pin", codes: codes,
                message: Message(th: "\(codes.count) โครงการปักหมุดซ้อนกันที่จุดเดียว (ภายใน \(PinText.metres(radiusM, .th))) อปท. \(laos.joined(separator: ", ")): \(list) — ปักที่สำนักงาน?",
                                 en: "\(codes.count) projects pinned on one spot (within \(PinText.metres(radiusM, .en))), LAO \(laos.joined(separator: ", ")): \(list) — pinned at the office?"),
                location: centre, measures: [.init("count", Double(codes.count)), .init("spread_m", spread)],
                geometry: .multiPoint(cs))
            f.labels = [.init("lao_code", laos.joined(separator: ","))]
            out.append(f)
        }
        return out
    }

    // MARK: - Completeness

    func completeness(_ o: PinAuditOptions, pins: [PinListing], state: (String) throws -> LAOState?) throws -> [Finding] {
        struct Key: Hashable { let lao: String, year: Int }
        var pinned: [Key: Int] = [:]
        for l in pins { pinned[Key(lao: l.project.laoCode, year: l.project.planYear), default: 0] += 1 }
        var unpinned: [Key: [ProjectRef]] = [:]
        for p in try store.unpinnedProjects(PinFilter(laoCode: o.laoCode, planYear: o.planYear)) {
            unpinned[Key(lao: p.laoCode, year: p.planYear), default: []].append(p)
        }
        var out: [Finding] = []
        for (key, projects) in unpinned {
            guard let s = try state(key.lao) else { continue }
            let lao = s.lao
            let total = projects.count + (pinned[key] ?? 0)
            let codes = projects.map(\.code).sorted()
            if s.pointOnSurface == nil, let j = lao.jurisdiction, !j.isEmpty {
                s.pointOnSurface = try GEOSGeometry(j, context: geos).pointOnSurface
            }
            let list = codes.count > 10 ? codes.prefix(10).joined(separator: ", ") + ", …" : codes.joined(separator: ", ")
            var f = Finding(kind: .unpinnedProjects, table: "pin", codes: codes,
                message: Message(th: "\(lao.displayTH) (\(lao.code)) ปี \(key.year): \(codes.count) จาก \(total) โครงการยังไม่ปักหมุด: \(list)",
                                 en: "\(Self.nameEN(lao)) (\(lao.code)) plan year \(key.year): \(codes.count) of \(total) projects have no pin: \(list)"),
                location: s.pointOnSurface,
                measures: [.init("count", Double(codes.count)), .init("total", Double(total)), .init("plan_year", Double(key.year))],
                geometry: s.pointOnSurface.map { .point($0) })
            f.labels = [.init("lao_code", lao.code)]
            out.append(f)
        }
        return out
    }
}
