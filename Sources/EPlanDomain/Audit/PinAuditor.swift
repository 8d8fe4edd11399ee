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
    /// A stack finding lists (codes, message, points) at most this many of its projects,
    /// the first by code, and says how many there are in all: a radius that joins a whole
    /// province into one stack still gives one finding of bounded size.
    public var stackListMax = PinStacks.defaultListMax
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

    public let store: any EPlanStoring
    let geos = GEOSContext()
    private var transforms: [Int: (CoordinateTransform, CoordinateTransform)] = [:]

    public init(store: any EPlanStoring) { self.store = store }

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

    /// Collects every finding (tests, small audits); `audit(_:emit:)` streams them.
    public func audit(_ o: PinAuditOptions) throws -> AuditReport {
        var findings: [Finding] = []
        let totals = try audit(o) { findings.append($0) }
        var report = AuditReport(subject: "pins", scope: Self.scope(o), findings: findings, unitsChecked: totals.pinsChecked,
                                 minAreaM2: 0, seconds: totals.seconds)
        report.counters = totals.counters
        return report
    }

    /// Audits pin by pin as the store yields them, handing each finding to `emit` as soon as
    /// it is known: per pin (by project code) its location, road and centroid findings; then
    /// the stacks; then the unpinned projects per LAO and plan year. Memory holds the point
    /// pins' coordinates and codes (for stacks), not the pins or the findings.
    public func audit(_ o: PinAuditOptions, emit: (Finding) throws -> Void) throws -> PinAuditTotals {
        let start = BoundaryAuditor.now()
        try check(o)
        let run = try PinAuditRun(o, tolerance: try o.toleranceM ?? store.pinToleranceM(), store: store)
        let national = try store.count(level: .province) >= Self.provincesOfThailand
        var stackable = StackPoints()
        var pinned: [LAOYear: Int] = [:]
        var count = 0, unchecked = 0
        try store.forEachCurrentPin(PinFilter(laoCode: o.laoCode, planYear: o.planYear)) { listing in
            let p = listing.project
            guard run.inScope.contains(p.laoCode) else { return }
            count += 1
            pinned[LAOYear(lao: p.laoCode, year: p.planYear), default: 0] += 1
            guard let s = try state(p.laoCode, run), s.prepared != nil, !listing.pin.geometry.isEmpty else { unchecked += 1; return }
            if let c = try checkPin(listing, s, run, national: national, emit: emit) {
                stackable.append(c, code: p.code, lao: p.laoCode)
            }
        }
        for f in try PinStacks.findings(stackable, minCount: o.stackMin, radiusM: o.stackRadiusM, listMax: o.stackListMax) {
            try emit(f)
        }
        if o.completeness {
            try completeness(o, pinned: pinned, run: run, emit: emit)
        }
        return PinAuditTotals(pinsChecked: count, seconds: BoundaryAuditor.now() - start, counters: [
            "pins": count, "pins_unchecked": unchecked, "laos": run.laos.count, "national": national ? 1 : 0,
            "stack_candidates": stackable.count])
    }

    /// One LAO and plan year (completeness counts).
    struct LAOYear: Hashable { let lao: String, year: Int }

    /// What one audit shares across pins: the LAOs in scope, their state, the tolerance,
    /// and the tambons and provinces in memory once a pin needs them.
    final class PinAuditRun {
        let options: PinAuditOptions
        let tolerance: Double
        let laos: [String: LAORecord]
        let inScope: Set<String>
        var states: [String: LAOState] = [:]
        var tambons: BoundaryPointIndex?
        var provinces: BoundaryPointIndex?
        init(_ o: PinAuditOptions, tolerance: Double, store: any EPlanStoring) throws {
            options = o
            self.tolerance = tolerance
            var list: [LAORecord]
            if let code = o.laoCode {
                list = try store.lao(code: code).map { [$0] } ?? []
            } else {
                list = try store.laos(provinceCode: o.provinceCode)
            }
            var byCode: [String: LAORecord] = [:]
            for l in list where byCode[l.code] == nil { byCode[l.code] = l }
            laos = byCode
            inScope = Set(byCode.keys)
        }
    }

    func state(_ code: String, _ run: PinAuditRun) throws -> LAOState? {
        if let s = run.states[code] { return s }
        guard let lao = run.laos[code] else { return nil }
        var prepared: PreparedGeometry? = nil
        if let j = lao.jurisdiction, !j.isEmpty { prepared = try PreparedGeometry(try GEOSGeometry(j, context: geos)) }
        let s = LAOState(lao: lao, prepared: prepared)
        run.states[code] = s
        return s
    }

    /// One pin's location, road and centroid checks; returns its point when it can join a stack.
    func checkPin(_ listing: PinListing, _ s: LAOState, _ run: PinAuditRun, national: Bool,
                  emit: (Finding) throws -> Void) throws -> Coordinate? {
        guard try locate(listing, s, run, national: national, emit: emit) else { return nil }
        let p = listing.project, g = listing.pin.geometry, o = run.options
        if p.kind == "road", g.type == .lineString || g.type == .multiLineString {
            if let f = try roadFinding(listing, s, minM: o.roadMinM) { try emit(f) }
        }
        guard let c = Self.singlePoint(g) else { return nil }
        if let (ref, what, d) = try nearestReference(c, s), d <= o.centroidRadiusM {
            let who = Self.who(p, s.lao)
            var f = Finding(kind: .pinAtCentroid, table: "pin", codes: [p.code],
                message: Message(th: "\(who.th): หมุดอยู่ที่\(what.th) (ห่าง \(PinText.metres(d, .th))) น่าจะวางอัตโนมัติ ไม่ใช่ที่ตั้งจริง",
                                 en: "\(who.en): the pin is at \(what.en) (\(PinText.metres(d, .en)) away), likely placed automatically, not the real site"),
                location: c, measures: [.init("distance_m", d), .init("reference_lat", ref.y), .init("reference_lon", ref.x)],
                geometry: g)
            f.labels = [.init("reference", what.en)]
            Self.tag(&f, listing)
            try emit(f)
        }
        return c
    }

    /// Where the pin lies: (0, 0), swapped, outside Thailand, outside its LAO (each emitted).
    /// Returns whether the pin is located (worth the road and centroid checks).
    func locate(_ listing: PinListing, _ s: LAOState, _ run: PinAuditRun, national: Bool,
                emit: (Finding) throws -> Void) throws -> Bool {
        let p = listing.project, g = listing.pin.geometry, who = Self.who(p, s.lao)
        guard let prepared = s.prepared else { return false }
        if Self.touchesNullIsland(g) {
            var f = Finding(kind: .pinNullIsland, table: "pin", codes: [p.code],
                message: Message(th: "\(who.th): หมุดอยู่ที่พิกัด (0, 0) ในทะเล ไม่ใช่ที่ตั้งโครงการ (ค่าว่างถูกบันทึกเป็นศูนย์?)",
                                 en: "\(who.en): the pin lies at (0, 0) in the sea, not where the project is (an empty value stored as zero?)"),
                location: Coordinate(0, 0), geometry: g)
            Self.tag(&f, listing)
            try emit(f)
            return false
        }
        if try Self.inRange(g) && covers(prepared, g) { return true }
        let swapped = g.mapCoordinates { Coordinate($0.y, $0.x) }
        if try Self.inRange(swapped) && covers(prepared, swapped) {
            let at = Self.representative(g), sw = Self.representative(swapped)
            var f = Finding(kind: .pinSwapped, table: "pin", codes: [p.code],
                message: Message(th: "\(who.th): ละติจูดกับลองจิจูดสลับกัน ถ้าสลับกลับจะอยู่ในเขตที่ \(PinText.latLon(sw)) (ละติจูด, ลองจิจูด)",
                                 en: "\(who.en): latitude and longitude are swapped; swapped back it lies inside, at \(PinText.latLon(sw)) (lat, lon)"),
                location: at, measures: [.init("swapped_lat", sw.y), .init("swapped_lon", sw.x)], geometry: g)
            Self.tag(&f, listing)
            try emit(f)
            return false
        }
        if try outsideThailand(g, national: national, run) {
            let at = Self.representative(g)
            var f = Finding(kind: .pinOutsideThailand, table: "pin", codes: [p.code],
                message: Message(th: "\(who.th): หมุดอยู่นอกประเทศไทย ที่ \(PinText.latLon(at)) (ละติจูด, ลองจิจูด)",
                                 en: "\(who.en): the pin lies outside Thailand, at \(PinText.latLon(at)) (lat, lon)"),
                location: at, geometry: g)
            Self.tag(&f, listing)
            try emit(f)
            return false
        }
        let m = try measureOutside(g, s)
        if m.distance > run.tolerance {
            try emit(try outsideFinding(listing, s, m, tolerance: run.tolerance, run))
        }
        return true
    }

    /// Covers, with a point tested without building a GEOS geometry for it.
    func covers(_ prepared: PreparedGeometry, _ g: Geometry) throws -> Bool {
        if case .point(let c) = g { return try prepared.covers(x: c.x, y: c.y) }
        return try prepared.covers(try GEOSGeometry(g, context: geos))
    }

    /// A road line shorter than the minimum or longer than its LAO's box diagonal.
    func roadFinding(_ listing: PinListing, _ s: LAOState, minM: Double) throws -> Finding? {
        let p = listing.project, g = listing.pin.geometry, lao = s.lao, who = Self.who(p, lao)
        let length = try Metric.length(g)
        let diagonal = try Self.diagonal(s)
        let at = try Self.midpoint(g, geos)
        let len = Message(th: PinText.metres(length, .th), en: PinText.metres(length, .en))
        var f: Finding
        if length < minM {
            f = Finding(kind: .roadTooShort, table: "pin", codes: [p.code],
                message: Message(th: "\(who.th): แนวถนนยาวเพียง \(len.th) (สั้นกว่า \(PinText.metres(minM, .th)))",
                                 en: "\(who.en): the road line is only \(len.en) long (under \(PinText.metres(minM, .en)))"),
                location: at, measures: [.init("length_m", length), .init("min_length_m", minM)], geometry: g)
        } else if length > diagonal {
            let d = Message(th: PinText.metres(diagonal, .th), en: PinText.metres(diagonal, .en))
            f = Finding(kind: .roadTooLong, table: "pin", codes: [p.code],
                message: Message(th: "\(who.th): แนวถนนยาว \(len.th) มากกว่าเส้นทแยงของกรอบเขต \(lao.displayTH) (\(d.th))",
                                 en: "\(who.en): the road line is \(len.en) long, more than the diagonal of \(Self.nameEN(lao))'s bounding box (\(d.en))"),
                location: at, measures: [.init("length_m", length), .init("lao_diagonal_m", diagonal)], geometry: g)
        } else {
            return nil
        }
        Self.tag(&f, listing)
        return f
    }

    // MARK: - Input

    public func check(_ o: PinAuditOptions) throws {
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

    public static func scope(_ o: PinAuditOptions) -> Message {
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
    func outsideThailand(_ g: Geometry, national: Bool, _ run: PinAuditRun) throws -> Bool {
        var outBox = false
        g.forEachCoordinate { if !Self.thailandBox.contains($0) { outBox = true } }
        if outBox { return true }
        guard national else { return false }
        if run.provinces == nil { run.provinces = BoundaryPointIndex(records: try store.boundaries(level: .province), geos: geos) }
        return try run.provinces!.first(covering: Self.representative(g)) == nil
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
        let zone = UTMZone.zone(forLongitude: at.x)
        let (toUTM, back) = try utmTransforms(zone: zone, longitude: at.x)
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
        return Outside(distance: maxD, farthest: try back.transform(far), fraction: total > 0 ? out / total : 0)
    }

    /// The transforms to and from a UTM zone (no PROJ), made once per zone.
    func utmTransforms(zone: Int, longitude: Double) throws -> (CoordinateTransform, CoordinateTransform) {
        if let t = transforms[zone] { return t }
        let crs = UTMZone.crs(forLongitude: longitude)
        guard let to = CoordinateTransform.withoutPROJ(from: .wgs84, to: crs),
              let back = CoordinateTransform.withoutPROJ(from: crs, to: .wgs84) else {
            throw PinAuditError(th: "แปลงพิกัดไปโซน UTM \(zone) ไม่ได้", en: "cannot transform to UTM zone \(zone)")
        }
        transforms[zone] = (to, back)
        return (to, back)
    }

    func outsideFinding(_ listing: PinListing, _ s: LAOState, _ m: Outside, tolerance: Double, _ run: PinAuditRun) throws -> Finding {
        let p = listing.project, lao = s.lao, who = Self.who(p, lao)
        let far = Message(th: PinText.metres(m.distance, .th), en: PinText.metres(m.distance, .en))
        let tol = Message(th: PinText.metres(tolerance, .th), en: PinText.metres(tolerance, .en))
        var share = Message(th: "", en: "")
        if let f = m.fraction {
            share = Message(th: " (\(PinText.percent(f)) ของรูปอยู่นอกเขต)", en: " (\(PinText.percent(f)) of it outside)")
        }
        var place = Message(th: " — ไม่อยู่ในตำบลใดในฐานข้อมูล", en: " — in no tambon of the store")
        var labels: [Finding.Label] = []
        if run.tambons == nil { run.tambons = BoundaryPointIndex(records: try store.boundaries(level: .tambon), geos: geos) }
        if let t = try run.tambons!.first(covering: m.farthest) {
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
    static func diagonal(_ s: LAOState) throws -> Double {
        if let d = s.diagonalM { return d }
        guard let e = s.lao.jurisdiction?.envelope else { return .infinity }
        let d = try Metric.distance(Coordinate(e.minX, e.minY), Coordinate(e.maxX, e.maxY))
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
            let d = try Metric.distance(c, x)
            if best == nil || d < best!.2 { best = (x, what, d) }
        }
        return best
    }

    // MARK: - Completeness

    /// One finding per LAO and plan year with unpinned projects, by LAO code then year.
    func completeness(_ o: PinAuditOptions, pinned: [LAOYear: Int], run: PinAuditRun,
                      emit: (Finding) throws -> Void) throws {
        var unpinned: [LAOYear: [String]] = [:]
        try store.forEachUnpinnedProject(PinFilter(laoCode: o.laoCode, planYear: o.planYear)) { p in
            guard run.inScope.contains(p.laoCode) else { return }
            unpinned[LAOYear(lao: p.laoCode, year: p.planYear), default: []].append(p.code)
        }
        for key in unpinned.keys.sorted(by: { ($0.lao, $0.year) < ($1.lao, $1.year) }) {
            guard let s = try state(key.lao, run), let codes = unpinned[key] else { continue }
            let lao = s.lao
            let total = codes.count + (pinned[key] ?? 0)
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
            try emit(f)
        }
    }
}

/// What a streamed pin audit reports at the end (its findings went out one by one).
public struct PinAuditTotals: Sendable {
    public var pinsChecked: Int
    public var seconds: Double
    public var counters: [String: Int]
}
