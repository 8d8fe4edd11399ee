import Foundation

/// Checks a candidate pin against its project, in order:
/// 1. the geometry is valid (else a `PinInputError` with GEOS's reason and where, lat/lon);
/// 2. its kind fits the project's kind of work (a warning, never a refusal);
/// 3. it lies inside the LAO's jurisdiction, allowing `toleranceM` metres for GPS error.
///
/// Fast path: a geometry the (prepared) jurisdiction covers needs no metres, so PROJ is not
/// opened. Otherwise distances are measured in the UTM zone of the pin (47 or 48) with GEOS.
/// Jurisdictions stay prepared across calls (one `PinValidator` can check many pins), and
/// across validators when they share a `JurisdictionCache` (and its GEOS context).
/// Not thread-safe (one GEOS context): use one validator per thread.
public final class PinValidator {
    public let store: any EPlanStoring
    public let geos: GEOSContext
    private let projProvider: () throws -> PROJContext
    private let cache: PreparedGeometryCache?
    /// LAOs whose jurisdiction this validator has read (and prepared) already.
    private var confirmed: [String: (LAORecord, PreparedGeometry)] = [:]
    /// LAO rows read by `lao(code:)`.
    private var laos: [String: LAORecord] = [:]
    /// Jurisdictions in metres (UTM), by LAO and zone, while the LAO's geometry is the same:
    /// a bulk import measures every refused point, and transforming the whole boundary for
    /// each one was most of a refused point's cost.
    private var jurisdictionsInUTM: [String: (geometry: Geometry, utm: GEOSGeometry)] = [:]
    /// Set by `prepareForBulk()`: where pins lie, from indexes built once (same answers).
    private var bulk: BulkPlaces?
    /// In bulk, each LAO's inside verdict headline (see `insideHeadline`).
    private var insideHeadlines: [InsideKey: (LAORef, Message)] = [:]
    /// A long-lived caller's boundaries in memory: the tambon and amphoe of a pin without a
    /// query (each read decoded the unit's whole outline, per pin).
    private let places: PlaceIndex.Probe?

    /// `prepared`: jurisdictions and boundaries kept prepared by a long-lived caller; it must be used
    /// with the same `geos` context every time, as `places` (current for `store`).
    public init(store: any EPlanStoring, geos: GEOSContext = GEOSContext(), proj: @escaping () throws -> PROJContext,
                prepared: PreparedGeometryCache? = nil, places: PlaceIndex.Probe? = nil) {
        self.store = store; self.geos = geos; self.projProvider = proj; self.cache = prepared; self.places = places
    }

    public static func unknownProject(_ code: String) -> PinInputError {
        // A code pasted with an invisible mark (LRM, zero-width space…) looks right but is not:
        // name the mark, since the reader cannot see it in the quoted code.
        let hidden = code.unicodeScalars.filter { [.format, .control].contains($0.properties.generalCategory) }
        guard let h = hidden.first else {
            return PinInputError(th: "ไม่พบโครงการรหัส '\(code)' ในฐานข้อมูล", en: "no project with code '\(code)' in the store")
        }
        let u = "U+" + String(h.value, radix: 16, uppercase: true).leftPadded(to: 4)
        let shown = CoordinateParser.visible(code)
        return PinInputError(th: "ไม่พบโครงการรหัส '\(shown)' ในฐานข้อมูล: รหัสที่ให้มีอักขระที่มองไม่เห็น \(u) ปนอยู่ ให้พิมพ์รหัสใหม่",
                             en: "no project with code '\(shown)' in the store: the code given holds an invisible character \(u); type it again")
    }

    /// Before checking thousands of pins (`pins import`): every tambon, amphoe and LAO is
    /// loaded once into a bulk point-in-polygon index, so "where it lies" costs no query per
    /// pin. Not worth it for a few pins (loading the national layers takes a moment).
    public func prepareForBulk() throws {
        if bulk == nil { bulk = try BulkPlaces(store: store, geos: geos) }
    }

    /// An LAO's row, read once per validator: the caller's authorization (its province) and
    /// the jurisdiction check both need it, and reading it decodes the whole jurisdiction.
    public func lao(code: String) throws -> LAORecord? {
        if let known = laos[code] { return known }
        let lao = try store.lao(code: code)
        laos[code] = lao
        return lao
    }

    /// The project's LAO and its prepared jurisdiction, kept for later calls.
    public func jurisdiction(laoCode: String) throws -> (LAORecord, PreparedGeometry) {
        if let j = confirmed[laoCode] { return j }
        guard let lao = try self.lao(code: laoCode) else {
            throw PinInputError(th: "ไม่พบ อปท. รหัส '\(laoCode)' ของโครงการ", en: "the project's LAO '\(laoCode)' is not in the store")
        }
        guard let g = lao.jurisdiction, !g.isEmpty else {
            throw PinInputError(th: "\(lao.displayTH) (\(lao.code)) ยังไม่มีขอบเขตพื้นที่ จึงตรวจหมุดไม่ได้",
                                en: "\(lao.nameEN ?? lao.displayTH) (\(lao.code)) has no jurisdiction yet, so pins cannot be checked")
        }
        // The row is read every time (another process may have changed the boundary); only
        // the costly part, GEOS's prepared geometry, is kept while the geometry is the same.
        let prepared = try cache?.prepared("lao:" + laoCode, g, geos: geos) ?? PreparedGeometry(try GEOSGeometry(g, context: geos))
        confirmed[laoCode] = (lao, prepared)
        return (lao, prepared)
    }

    /// The LAO with its jurisdiction: in bulk, the indexed record (loaded once with the
    /// others), else as `jurisdiction(laoCode:)` reads it.
    private func laoRecord(_ code: String) throws -> LAORecord {
        if let bulk, let lao = bulk.laoRecord(code), let g = lao.jurisdiction, !g.isEmpty { return lao }
        return try jurisdiction(laoCode: code).0
    }

    /// Whether the LAO's jurisdiction covers the candidate: a point in bulk through the
    /// index (its grid answers most points without GEOS), otherwise the prepared jurisdiction.
    private func jurisdiction(of lao: LAORecord, covers shape: GEOSGeometry, _ g: Geometry) throws -> Bool {
        if let bulk, case .point(let c) = g, let hit = try bulk.lao(lao.code, covers: c) { return hit }
        return try jurisdiction(laoCode: lao.code).1.covers(shape)
    }

    /// Whether the LAO's jurisdiction covers `g` (lon/lat), without tolerance.
    public func covers(_ g: Geometry, laoCode: String) throws -> Bool {
        guard g.envelope.map({ abs($0.minY) <= 90 && abs($0.maxY) <= 90 && abs($0.minX) <= 180 && abs($0.maxX) <= 180 }) ?? false else {
            return false
        }
        // In bulk a point asks the index (the same rule), not the LAO's whole boundary
        // prepared for the one refused point whose swapped coordinates are tried.
        if let bulk, case .point(let c) = g, let hit = try bulk.lao(laoCode, covers: c) { return hit }
        return try jurisdiction(laoCode: laoCode).1.covers(try GEOSGeometry(g, context: geos))
    }

    /// Checks, in order: the geometry is valid (and not a sliver), its kind fits the
    /// project's kind of work (a warning only), and it lies inside the LAO's jurisdiction,
    /// allowing `toleranceM` metres for GPS error at borders.
    public func validate(_ candidate: PinCandidate, project: ProjectRef, toleranceM: Double) throws -> PinVerdict {
        let shape = try validShape(candidate, project: project)
        let warnings = kindWarnings(project: project, type: candidate.geometry.type)
        let lao = try laoRecord(project.laoCode)
        if try jurisdiction(of: lao, covers: shape, candidate.geometry) {
            return try insideVerdict(candidate.geometry, shape, lao: lao, toleranceM: toleranceM, warnings: warnings)
        }
        return try outsideVerdict(candidate, shape, lao: lao, toleranceM: toleranceM, warnings: warnings)
    }

    /// The candidate as a GEOS geometry once it is known to be valid and not degenerate.
    private func validShape(_ candidate: PinCandidate, project: ProjectRef) throws -> GEOSGeometry {
        try checkRange(candidate, project: project)
        let shape: GEOSGeometry
        do { shape = try GEOSGeometry(candidate.geometry, context: geos) } catch let e as GEOSError {
            throw PinInputError(th: "รูปเรขาคณิตไม่ถูกต้อง: \(e.message.th)", en: "invalid geometry: \(e.message.en)")
        }
        // A point with finite coordinates in range (checked above) is always valid: GEOS's
        // validity check is skipped for the thousands of points of a bulk import.
        if case .point = candidate.geometry {} else {
            let v = shape.validity()
            if !v.isValid { throw invalid(v, candidate) }
        }
        try checkArea(candidate.geometry)
        return shape
    }

    private func insideVerdict(_ g: Geometry, _ shape: GEOSGeometry, lao: LAORecord, toleranceM: Double, warnings: [Message]) throws -> PinVerdict {
        let (ref, summary) = insideHeadline(lao, g.type, warned: !warnings.isEmpty)
        var verdict = PinVerdict(
            outcome: warnings.isEmpty ? .accepted : .warning, lao: ref, geometryType: g.type, toleranceM: toleranceM,
            distanceOutsideM: 0, outsideFraction: isPoint(g) ? nil : 0,
            found: try place(at: try representative(g, shape), projectLAO: lao, inside: true),
            summary: summary)
        verdict.warnings = warnings
        return verdict
    }

    /// What an inside verdict says of its LAO and its headline ("accepted: the point lies
    /// inside …"). In bulk, kept by LAO, kind of geometry and warning: the LAO records are
    /// read once for the validator's life, so the text is the same for every pin of an LAO,
    /// and building it was some 5,000 instructions a pin of an import.
    private func insideHeadline(_ lao: LAORecord, _ type: GeometryType, warned: Bool) -> (LAORef, Message) {
        let key = InsideKey(lao: lao.code, type: type, warned: warned)
        if bulk != nil, let known = insideHeadlines[key] { return known }
        let ref = LAORef(lao), noun = PinText.noun(type)
        let summary = Message(th: "ยอมรับ\(warned ? " (มีคำเตือน)" : ""): \(noun.th)อยู่ในเขต \(ref.displayTH)",
                              en: "accepted\(warned ? " with a warning" : ""): the \(noun.en) lies inside \(ref.displayEN)")
        if bulk != nil { insideHeadlines[key] = (ref, summary) }
        return (ref, summary)
    }

    private struct InsideKey: Hashable {
        let lao: String
        let type: GeometryType
        let warned: Bool
    }

    /// Outside the exact boundary: measured in metres in the pin's UTM zone; accepted within
    /// the tolerance, else refused with how far, how much, and where it really lies.
    private func outsideVerdict(_ candidate: PinCandidate, _ shape: GEOSGeometry, lao: LAORecord, toleranceM: Double,
                                warnings: [Message]) throws -> PinVerdict {
        let g = candidate.geometry, ref = LAORef(lao), noun = PinText.noun(g.type)
        let m = try measureAgainst(lao, shape, g)
        let found = try place(at: m.farthest, projectLAO: lao, inside: false)
        var verdict = PinVerdict(
            outcome: .refused, lao: ref, geometryType: g.type, toleranceM: toleranceM,
            distanceOutsideM: m.distance, outsideFraction: m.fraction, outsideAmount: m.outside, totalAmount: m.total,
            found: found, summary: Message(th: "", en: ""))
        verdict.warnings = warnings
        let tol = Message(th: PinText.metres(toleranceM, .th), en: PinText.metres(toleranceM, .en))
        let far = Message(th: PinText.metres(m.distance, .th), en: PinText.metres(m.distance, .en))
        if m.distance <= toleranceM {
            verdict.outcome = warnings.isEmpty ? .accepted : .warning
            verdict.summary = Message(th: "ยอมรับ: \(noun.th)อยู่ในเขต \(ref.displayTH) (คลาดเคลื่อน \(far.th) ไม่เกินที่ยอมให้ \(tol.th))",
                                      en: "accepted: the \(noun.en) lies inside \(ref.displayEN) (off by \(far.en), within the \(tol.en) tolerance)")
            verdict.notes.append(Message(th: "\(noun.th)อยู่นอกเส้นเขต \(far.th) ซึ่งอยู่ในระยะคลาดเคลื่อนของ GPS ที่ยอมให้ (\(tol.th))",
                                         en: "the \(noun.en) is \(far.en) past the boundary line, within the GPS tolerance (\(tol.en))"))
            return verdict
        }
        let lies = whereItLies(g, found)
        let share = shareOutside(g, m)
        verdict.summary = Message(
            th: "ปฏิเสธ: \(noun.th)อยู่นอกเขต \(ref.displayTH)\(share.th) \(far.th) (ยอมให้คลาดเคลื่อน \(tol.th)) — \(lies.th)",
            en: "refused: the \(noun.en) lies outside \(ref.displayEN)\(share.en) \(far.en) (tolerance \(tol.en)) — \(lies.en)")
        verdict.suggestions = try suggestions(candidate, laoCode: lao.code)
        return verdict
    }

    private func measureAgainst(_ lao: LAORecord, _ shape: GEOSGeometry, _ g: Geometry) throws -> Measure {
        do { return try measure(shape, g, lao) } catch let e as GEOSError {
            // GEOS cannot measure against a broken boundary (a TopologyException): say whose.
            let ref = LAORef(lao)
            throw PinInputError(
                th: "วัดระยะกับเขตของ \(ref.displayTH) (\(lao.code)) ไม่ได้ เพราะรูปเขตไม่ถูกต้อง: \(e.message.th) — ตรวจด้วย eplan audit boundaries --level all แล้วนำเข้าเขต อปท. ใหม่ (eplan laos import … --replace)",
                en: "cannot measure against the jurisdiction of \(ref.displayEN) (\(lao.code)), which is invalid: \(e.message.en) — check it with eplan audit boundaries --level all, then re-import the LAO (eplan laos import … --replace)")
        }
    }

    /// " 40% (1,200 m of 3,000 m) at most" for a line or polygon; empty for a point.
    private func shareOutside(_ g: Geometry, _ m: Measure) -> Message {
        guard let f = m.fraction, let o = m.outside, let t = m.total else { return Message(th: "", en: "") }
        let line = isLine(g)
        let amount = { (v: Double, l: Language) -> String in line ? PinText.metres(v, l) : PinText.squareMetres(v, l) }
        return Message(th: " \(PinText.percent(f)) (\(amount(o, .th)) จาก \(amount(t, .th))) ไกลสุด",
                       en: " \(PinText.percent(f)) of it (\(amount(o, .en)) of \(amount(t, .en))), at most")
    }

    /// "this point lies in …" / "the part outside lies in …", or that it lies in no tambon.
    private func whereItLies(_ g: Geometry, _ found: FoundPlace) -> Message {
        let point = isPoint(g)
        if found.isEmpty {
            return Message(th: (point ? "จุดนี้" : "ส่วนที่อยู่นอกเขต") + "ไม่อยู่ในตำบลใดในฐานข้อมูล",
                           en: (point ? "this point" : "the part outside") + " lies in no tambon of the store")
        }
        return Message(th: (point ? "จุดนี้อยู่ใน " : "ส่วนที่อยู่นอกเขตอยู่ใน ") + found.text.th,
                       en: (point ? "this point lies in " : "the part outside lies in ") + found.text.en)
    }

    // MARK: - checks

    /// Below these a polygon is a sliver (e.g. three nearly collinear points), not a place:
    /// a footprint of at least 1 m², at least 10 cm wide on average (2 × area / perimeter,
    /// which is the width of a long thin strip).
    public static let minimumPolygonAreaM2 = 1.0
    public static let minimumPolygonWidthM = 0.1
    /// Below this a line is one point typed twice (GPS noise), not a route.
    public static let minimumLineLengthM = 1.0

    /// Refuses degenerate polygons and lines, measured in metres in the pin's UTM zone (each part of a
    /// multipolygon on its own: one sliver part is as wrong as a sliver polygon).
    func checkArea(_ g: Geometry) throws {
        let center = g.envelope?.center ?? Coordinate(100, 15)
        let utm = UTMZone.crs(forLongitude: center.x)
        let t = try CoordinateTransform.withoutPROJ(from: .wgs84, to: utm) ?? projProvider().transform(from: .wgs84, to: utm)
        let parts: [Polygon]
        switch g {
        case .polygon(let p): parts = [p]
        case .multiPolygon(let ps): parts = ps
        case .lineString, .multiLineString:
            // A "line" a few millimetres long is a point typed twice, not a route.
            let length = try GEOSGeometry(try t.transform(g), context: geos).length
            guard length < Self.minimumLineLengthM else { return }
            let l = JSONText.number(length, decimals: length < 0.01 ? 10 : 3)
            throw PinInputError(th: "เส้นสั้นเกินกว่าจะเป็นแนวโครงการ: ยาว \(l) ม. (ต้องยาวอย่างน้อย \(JSONText.number(Self.minimumLineLengthM, decimals: 1)) ม.) — ถ้าเป็นที่ตั้งจุดเดียวให้ปักเป็นจุด",
                                en: "the line is too short to be a project's route: \(l) m long (at least \(JSONText.number(Self.minimumLineLengthM, decimals: 1)) m is needed) — pin a single site as a point")
        default: return
        }
        for (i, p) in parts.enumerated() {
            let u = try GEOSGeometry(try t.transform(Geometry.polygon(p)), context: geos)
            let area = try u.area, perimeter = try u.length
            let width = perimeter > 0 ? 2 * area / perimeter : 0
            guard area < Self.minimumPolygonAreaM2 || width < Self.minimumPolygonWidthM else { continue }
            let which = parts.count > 1 ? Message(th: " (ส่วนที่ \(i + 1))", en: " (part \(i + 1))") : Message(th: "", en: "")
            let a = JSONText.number(area, decimals: area < 0.01 ? 10 : 2), w = JSONText.number(width, decimals: width < 0.01 ? 10 : 3)
            throw PinInputError(
                th: "รูปหลายเหลี่ยมเล็กหรือแคบเกินกว่าจะเป็นที่ตั้งโครงการ\(which.th): พื้นที่ \(a) ตร.ม. กว้างเฉลี่ย \(w) ม. (ต้องมีพื้นที่อย่างน้อย \(JSONText.number(Self.minimumPolygonAreaM2, decimals: 1)) ตร.ม. และกว้างอย่างน้อย \(JSONText.number(Self.minimumPolygonWidthM, decimals: 1)) ม.) — จุดเกือบอยู่ในแนวเดียวกันหรือไม่? ถ้าเป็นถนนให้ปักเป็นเส้น (ไม่ใส่ --polygon)",
                en: "the polygon is too small or too thin to be a project's site\(which.en): area \(a) m², mean width \(w) m (at least \(JSONText.number(Self.minimumPolygonAreaM2, decimals: 1)) m² and \(JSONText.number(Self.minimumPolygonWidthM, decimals: 1)) m wide are needed) — are the points nearly in one line? pin a road as a line (without --polygon)")
        }
    }

    private func isPoint(_ g: Geometry) -> Bool { g.type == .point || g.type == .multiPoint }
    private func isLine(_ g: Geometry) -> Bool { g.type == .lineString || g.type == .multiLineString }

    /// Latitude beyond ±90 or longitude beyond ±180: bad input, with "did you mean" when the
    /// same point with x and y swapped falls inside the LAO.
    private func checkRange(_ c: PinCandidate, project: ProjectRef) throws {
        var bad: Coordinate? = nil
        c.geometry.forEachCoordinate { p in
            if bad == nil, abs(p.y) > 90 || abs(p.x) > 180 || !p.isFinite { bad = p }
        }
        guard let b = bad else { return }
        var text = Message(th: "พิกัด (ลองจิจูด \(JSONText.number(b.x, decimals: 7)), ละติจูด \(JSONText.number(b.y, decimals: 7))) อยู่นอกช่วงที่เป็นไปได้",
                           en: "coordinate (longitude \(JSONText.number(b.x, decimals: 7)), latitude \(JSONText.number(b.y, decimals: 7))) is out of range")
        let swapped = c.geometry.mapCoordinates { Coordinate($0.y, $0.x) }
        if (try? covers(swapped, laoCode: project.laoCode)) == true {
            let s = Self.suggestSwap(swapped)
            text = Message(th: text.th + " — " + s.th, en: text.en + " — " + s.en)
        }
        throw PinInputError(text)
    }

    public static func suggestSwap(_ swapped: Geometry) -> Message {
        var firsts: [String] = []
        swapped.forEachCoordinate { if firsts.count < 3 { firsts.append(PinText.latLon($0)) } }
        let list = firsts.joined(separator: "; ") + (swapped.coordinateCount > 3 ? "; …" : "")
        return Message(th: "ละติจูดกับลองจิจูดสลับกันหรือไม่? หมายถึง \(list) ใช่ไหม (ละติจูด, ลองจิจูด)",
                       en: "are latitude and longitude swapped? did you mean \(list)? (lat, lon)")
    }

    private func invalid(_ v: Validity, _ c: PinCandidate) -> PinInputError {
        let reason = v.reason ?? "invalid"
        var at = Message(th: "", en: "")
        if let l = v.location {
            var near = ""
            var nearEN = ""
            // For a ring typed point by point, name the sides that cross.
            if c.form == .coordinates, c.points.count >= 3, case .polygon(let p) = c.geometry {
                let ring = p.exterior
                var hits: [Int] = []
                for i in 0..<(ring.count - 1) where segmentDistance(l, ring[i], ring[i + 1]) < 1e-9 { hits.append(i) }
                let n = c.points.count
                let sides = hits.prefix(4).map { "\($0 + 1)–\(($0 + 1) % n + 1)" }
                if sides.count >= 2 {
                    near = " (ด้านระหว่างพิกัดที่ \(sides.joined(separator: " กับ ")) ตัดกัน)"
                    nearEN = " (the sides between coordinates \(sides.joined(separator: " and ")) cross)"
                }
            }
            at = Message(th: " ที่ \(PinText.latLon(l)) (ละติจูด, ลองจิจูด)\(near)", en: " at \(PinText.latLon(l)) (lat, lon)\(nearEN)")
        }
        let why = ValidityReason.message(reason)
        return PinInputError(th: "รูปเรขาคณิตไม่ถูกต้อง: \(why.th)\(at.th)", en: "invalid geometry: \(why.en)\(at.en)")
    }

    private func segmentDistance(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 == 0 ? 0 : ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2
        t = max(0, min(1, t))
        let qx = a.x + t * dx - p.x, qy = a.y + t * dy - p.y
        return (qx * qx + qy * qy).squareRoot()
    }

    /// Roads are lines; buildings points or footprints; water works and others any shape.
    func kindWarnings(project: ProjectRef, type: GeometryType) -> [Message] {
        let line = type == .lineString || type == .multiLineString
        switch project.kind {
        case "road" where !line:
            let noun = PinText.noun(type)
            return [Message(th: "คำเตือน: โครงการถนนมักปักเป็นเส้น (แนวถนน) แต่ได้\(noun.th)",
                            en: "warning: a road project is usually pinned as a line (its route), got a \(noun.en)")]
        case "building" where line:
            return [Message(th: "คำเตือน: โครงการอาคารมักปักเป็นจุดหรือรูปหลายเหลี่ยม แต่ได้เส้น",
                            en: "warning: a building project is usually pinned as a point or a polygon, got a line")]
        default:
            return []
        }
    }

    private func representative(_ g: Geometry, _ shape: GEOSGeometry) throws -> Coordinate {
        // A point is its own point on surface (no GEOS call).
        if case .point(let c) = g { return c }
        if let c = try shape.pointOnSurface { return c }
        return shape.envelope?.center ?? Coordinate(0, 0)
    }

    /// The tambon, amphoe and LAO at `c`. Inside, the LAO is the project's own; outside, the
    /// LAO covering the point, local tier (municipality, อบต.) before the province's อบจ.
    private func place(at c: Coordinate, projectLAO: LAORecord, inside: Bool) throws -> FoundPlace {
        if let bulk {
            return FoundPlace(lao: inside ? LAORef(projectLAO) : try bulk.lao(covering: c, excluding: projectLAO.code).map(LAORef.init),
                              tambon: try bulk.containing(c, level: .tambon).map(AdminUnit.init),
                              amphoe: try bulk.containing(c, level: .amphoe).map(AdminUnit.init), at: c)
        }
        let lookup = PlaceLookup(store: store, geos: geos, prepared: cache, index: places)
        var found = FoundPlace(lao: nil, tambon: try lookup.containing(c, level: .tambon).map(AdminUnit.init),
                               amphoe: try lookup.containing(c, level: .amphoe).map(AdminUnit.init), at: c)
        if inside {
            found.lao = LAORef(projectLAO)
            return found
        }
        let point = try GEOSGeometry(.point(c), context: geos)
        var best: LAORecord? = nil
        for lao in try store.laoCandidates(containing: c) where lao.code != projectLAO.code {
            guard let j = lao.jurisdiction, try GEOSGeometry(j, context: geos).covers(point) else { continue }
            if best == nil || lao.type.tier > best!.type.tier { best = lao }
        }
        found.lao = best.map(LAORef.init)
        return found
    }

    private struct Measure {
        var distance: Double
        var fraction: Double?
        var outside: Double?
        var total: Double?
        /// lon/lat of a point of the part outside (the farthest vertex for a point).
        var farthest: Coordinate
    }

    /// Metres outside (the farthest part), and for lines and polygons the share outside.
    private func inUTM(_ jurisdiction: Geometry, of code: String, zone: CRS, _ toUTM: CoordinateTransform) throws -> GEOSGeometry {
        let key = "\(code) \(zone.epsg)"
        if let known = jurisdictionsInUTM[key], known.geometry == jurisdiction { return known.utm }
        let utm = try GEOSGeometry(try toUTM.transform(jurisdiction), context: geos)
        jurisdictionsInUTM[key] = (jurisdiction, utm)
        return utm
    }

    private func measure(_ shape: GEOSGeometry, _ g: Geometry, _ lao: LAORecord) throws -> Measure {
        let proj = try projProvider()
        let center = g.envelope?.center ?? Coordinate(100, 15)
        let utmCRS = UTMZone.crs(forLongitude: center.x)
        let toUTM = try proj.transform(from: .wgs84, to: utmCRS)
        guard let jurisdiction = lao.jurisdiction else {
            // The check refused against this jurisdiction, so it is there; said, not trapped, if not.
            throw PinInputError(th: "\(lao.displayTH) (\(lao.code)) ยังไม่มีขอบเขตพื้นที่ จึงวัดระยะไม่ได้",
                                en: "\(lao.nameEN ?? lao.displayTH) (\(lao.code)) has no jurisdiction yet, so the distance cannot be measured")
        }
        let jurisdictionU = try inUTM(jurisdiction, of: lao.code, zone: utmCRS, toUTM)
        let gU = try GEOSGeometry(try toUTM.transform(g), context: geos)
        if isPoint(g) {
            // One distance: GEOS's plain one (the same segments, the same formula) rather than
            // an index of the whole boundary built for a single query.
            let d = try jurisdictionU.distance(to: gU)
            var c = Coordinate(0, 0)
            g.forEachCoordinate { c = $0 }
            return Measure(distance: d, farthest: c)
        }
        let jurU = try PreparedGeometry(jurisdictionU)
        let outsideU = try gU.difference(with: jurU.base)
        let total = isLine(g) ? try gU.length : try gU.area
        let out = isLine(g) ? try outsideU.length : try outsideU.area
        // The farthest point of the part outside, from its vertices densified every few metres.
        var maxD = 0.0
        var farthestU: Coordinate? = nil
        if !outsideU.isEmpty {
            let step = max(5, (try outsideU.length) / 5000)
            let dense = try outsideU.densify(tolerance: step).toGeometry()
            var probe: [Coordinate] = []
            dense.forEachCoordinate { probe.append($0) }
            for c in probe {
                let d = try jurU.distance(to: try GEOSGeometry(.point(c), context: geos))
                if d > maxD || farthestU == nil { maxD = d; farthestU = c }
            }
        }
        // "Where it really lies" is told at that farthest point: it is surely outside (a point
        // on the surface of the part outside may sit on the boundary, in the LAO's own tambon).
        var at = center
        if let f = farthestU {
            at = try proj.transform(from: utmCRS, to: .wgs84).transform(f)
        } else {
            let outsideDeg = try shape.difference(with: try GEOSGeometry(jurisdiction, context: geos))
            if !outsideDeg.isEmpty, let c = try outsideDeg.pointOnSurface { at = c }
        }
        return Measure(distance: maxD, fraction: total > 0 ? out / total : 0, outside: out, total: total, farthest: at)
    }

    /// "Did you mean …?" for a refused pin: x and y swapped, or the other UTM zone.
    private func suggestions(_ c: PinCandidate, laoCode: String) throws -> [Message] {
        var out: [Message] = []
        if c.inputCRS == .wgs84 {
            let swapped = c.geometry.mapCoordinates { Coordinate($0.y, $0.x) }
            if try covers(swapped, laoCode: laoCode) { out.append(Self.suggestSwap(swapped)) }
        }
        if let zone = c.inputCRS.utmZone, let other = CRS.utm(zone: zone == 47 ? 48 : 47, datum: c.inputCRS.datum) {
            let t = try projProvider().transform(from: other, to: .wgs84)
            if let moved = try? t.transform(c.native), try covers(moved, laoCode: laoCode) {
                let otherZone = other.utmZone!
                var example = ""
                if case .point(let p) = c.native {
                    example = " '\(otherZone)N \(JSONText.number(p.x, decimals: 2)) \(JSONText.number(p.y, decimals: 2))'"
                }
                out.append(Message(
                    th: "พิกัดนี้ให้ไว้เป็น UTM โซน \(zone) แต่ถ้าอ่านเป็นโซน \(otherZone) จะอยู่ในเขตพอดี: หมายถึงโซน \(otherZone)\(example) ใช่ไหม",
                    en: "this was given in UTM zone \(zone), but read as zone \(otherZone) it lies inside: did you mean zone \(otherZone)\(example)?"))
            }
        }
        return out
    }
}

/// GEOS prepared geometries (LAO jurisdictions, boundaries) kept across requests by a
/// long-lived caller, each while the stored geometry it was made from stays the same: the
/// row is read every time (another process may change it), only GEOS's part is saved.
/// For one connection's requests in turn, with one GEOS context: not thread-safe.
public final class PreparedGeometryCache {
    private var entries: [String: (geometry: Geometry, prepared: PreparedGeometry)] = [:]
    /// Bounds memory: a national store has some 7,800 LAOs and 8,400 boundaries.
    private let limit: Int

    public init(limit: Int = 20_000) { self.limit = limit }

    /// The prepared form of `g`, stored under `key` ("lao:CODE", "tambon:CODE").
    func prepared(_ key: String, _ g: Geometry, geos: GEOSContext) throws -> PreparedGeometry {
        if let e = entries[key], e.geometry == g { return e.prepared }
        let prepared = try PreparedGeometry(try GEOSGeometry(g, context: geos))
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[key] = (g, prepared)
        return prepared
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
