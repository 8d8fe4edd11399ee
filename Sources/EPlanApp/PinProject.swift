import EPlanDomain
import Foundation

/// What an engineer asks when pinning a project, as any front door receives it.
public struct PinRequest: Sendable {
    /// Where the location comes from.
    public enum Location: Sendable, Equatable {
        /// Coordinate texts as typed, one point each (one text may also be WKT or GeoJSON,
        /// recognised by how it starts).
        case typed([String])
        case wkt(String)
        case geoJSON(String)
        /// A GeoJSON or WKT file on this machine (command line only).
        case file(String)
    }

    public var projectCode: String
    public var location: Location
    /// Several typed points make a polygon (the ring is closed for you) instead of a line.
    public var polygon: Bool
    /// The input's CRS as typed ("EPSG:24047"); nil reads each coordinate's own form.
    public var crs: String?
    public var longitudeFirst: Bool
    /// Metres allowed outside the jurisdiction; nil takes the store's `pin.tolerance_m`.
    public var toleranceM: Double?
    /// Check only: nothing is stored.
    public var dryRun: Bool
    /// Store a refused pin with status `outside`, for an analyst to review.
    public var force: Bool

    /// One short typed coordinate without a CRS: the cheapest pin to check (no PROJ, one
    /// point against a prepared jurisdiction).
    public var isOnePointTyped: Bool {
        guard crs == nil, case .typed(let texts) = location, texts.count == 1 else { return false }
        return texts[0].utf8.count <= 64
    }

    public init(projectCode: String, location: Location, polygon: Bool = false, crs: String? = nil,
                longitudeFirst: Bool = false, toleranceM: Double? = nil, dryRun: Bool = false, force: Bool = false) {
        self.projectCode = projectCode; self.location = location; self.polygon = polygon; self.crs = crs
        self.longitudeFirst = longitudeFirst; self.toleranceM = toleranceM; self.dryRun = dryRun; self.force = force
    }
}

/// How a pin request ended: the verdict, and the version stored (if any).
public struct PinResult: Sendable {
    public let project: ProjectRef
    public let candidate: PinCandidate
    public let verdict: PinVerdict
    /// The stored version; nil for a dry run or a refusal not forced.
    public let stored: PinRecord?
    public let dryRun: Bool
    public let forced: Bool

    /// Refused and nothing stored: the CLI exits 4, the service answers 422.
    public var isRefusal: Bool { verdict.isRefused && stored == nil }
}

/// `pin`: read the location in whatever form it came, check it against the project's LAO
/// (validity, kind of work, jurisdiction with tolerance), and store it as a new version.
///
/// The flow every front door shares: the input form is recognised (coordinates, WKT,
/// GeoJSON, file); a latitude or longitude out of range is retried swapped, and when the
/// swapped reading lies inside the LAO the error says so; the wrong UTM zone is suggested
/// by the validator; a refusal stores nothing unless forced; a dry run never stores.
public struct PinProject {
    let store: any EPlanStoring
    let context: RequestContext
    /// A long-lived caller's GEOS context and prepared geometries, kept with its
    /// connection across requests (the service's readers); nil makes fresh ones.
    let geos: GEOSContext?
    let prepared: PreparedGeometryCache?
    /// The caller's boundaries in memory (made with `geos`), current for the store: the
    /// tambon and amphoe a pin lies in, found without a query (the same answers).
    let places: PlaceIndex.Probe?
    /// The same, asked for right after the project's row is read (a service's index, checked
    /// against the store's boundary generation): on PostgreSQL that row's read brings the
    /// generation along, one round trip less per served pin.
    let placesAfterProject: (() throws -> PlaceIndex.Probe)?

    public init(store: any EPlanStoring, context: RequestContext, geos: GEOSContext? = nil, prepared: PreparedGeometryCache? = nil,
                places: PlaceIndex.Probe? = nil) {
        self.store = store; self.context = context; self.geos = geos; self.prepared = prepared; self.places = places
        placesAfterProject = nil
    }

    /// With the boundaries in memory made current only once the project is known (`placesAfterProject`).
    public init(store: any EPlanStoring, context: RequestContext, geos: GEOSContext, prepared: PreparedGeometryCache?,
                placesAfterProject: @escaping () throws -> PlaceIndex.Probe) {
        self.store = store; self.context = context; self.geos = geos; self.prepared = prepared; places = nil
        self.placesAfterProject = placesAfterProject
    }

    public func run(_ request: PinRequest) throws -> PinResult {
        do {
            let checked = try pin(request)
            guard let record = checked.record else { return checked.result(stored: nil) }
            // Durable commit, no checkpoint on exit: see Store.skipCheckpointOnClose.
            try store.skipCheckpointOnClose()
            return checked.result(stored: try store.addPin(record))
        } catch { throw AppError.classify(error) }
    }

    /// The read-only half of `run`: everything up to the write. The service runs it on many
    /// connections at once and hands `CheckedPin.record` to one writer that commits many
    /// pins in one transaction (see `CheckedPin`); what is stored, and by whom, is decided
    /// here for both.
    public func check(_ request: PinRequest) throws -> CheckedPin {
        do { return try pin(request) } catch { throw AppError.classify(error) }
    }

    private func pin(_ request: PinRequest) throws -> CheckedPin {
        let proj = LazyPROJ()
        let code = ThaiText.asciiDigits(Self.trimmed(request.projectCode))
        guard let ref = try store.projectRef(code: code) else { throw AppError.unknownProject(code) }
        let places = try self.places ?? placesAfterProject?()
        // Before the LAO's row may be read: on PostgreSQL the setting came with the project's row.
        let toleranceM = try request.toleranceM ?? store.pinToleranceM()
        let validator = PinValidator(store: store, geos: geos ?? places?.geos ?? GEOSContext(), proj: proj.context, prepared: prepared,
                                     places: places)
        try authorize(ref, force: request.force, validator: validator)
        let candidate = try readLocation(request, proj: proj, validator: validator, project: ref)
        let verdict = try validator.validate(candidate, project: ref, toleranceM: toleranceM)
        var record: PinRecord? = nil
        if !request.dryRun && (!verdict.isRefused || request.force) {
            record = verdict.record(for: candidate, project: ref, by: context.actor.name)
        }
        return CheckedPin(project: ref, candidate: candidate, verdict: verdict, record: record,
                          dryRun: request.dryRun, forced: request.force)
    }

    private func authorize(_ ref: ProjectRef, force: Bool, validator: PinValidator) throws {
        if context.actor.role == .local { return }  // no extra read on the command line's hot path
        // Through the validator: the LAO row it reads here serves its jurisdiction check too.
        let province = try validator.lao(code: ref.laoCode)?.provinceCode
        guard context.actor.mayPin(laoCode: ref.laoCode, provinceCode: province, force: force) else {
            throw AppError(.forbidden, Message(th: "บัญชี \(context.actor.name) ไม่มีสิทธิ์ปักหมุดโครงการของ อปท. \(ref.laoCode)" + (force ? " แบบบังคับ (--force)" : ""),
                                               en: "account \(context.actor.name) may not pin projects of LAO \(ref.laoCode)" + (force ? " with force" : "")))
        }
    }

    private func readLocation(_ request: PinRequest, proj: LazyPROJ, validator: PinValidator, project: ProjectRef) throws -> PinCandidate {
        let parser = CoordinateParser(longitudeFirst: request.longitudeFirst, crs: try request.crs.map { try CRS(parsing: $0) })
        let input = PinInput(parser: parser, polygon: request.polygon, proj: proj.context)
        switch request.location {
        case .wkt(let text): return try input.wkt(text, crs: parser.crs)
        case .geoJSON(let text): return try input.geoJSON(text, crs: parser.crs)
        case .file(let path): return try input.file(path, crs: parser.crs)
        case .typed(let texts):
            if let form = Self.singleGeometryText(texts) {
                return form.isGeoJSON ? try input.geoJSON(form.text, crs: parser.crs) : try input.wkt(form.text, crs: parser.crs)
            }
            return try readCoordinates(texts, parser: parser, polygon: request.polygon, proj: proj, validator: validator, project: project)
        }
    }

    /// `code` without the spaces and tabs around it; a code with none (every code a client
    /// sends) is not copied through Foundation's trimming (a hundredth of a served pin).
    static func trimmed(_ code: String) -> String {
        let u = code.utf8
        if let first = u.first, let last = u.last, first < 0x80, last < 0x80,
           first != 0x20, first != 0x09, last != 0x20, last != 0x09 { return code }
        return code.trimmingCharacters(in: .whitespaces)
    }

    /// One typed text that is WKT or GeoJSON rather than a coordinate.
    static func singleGeometryText(_ texts: [String]) -> (text: String, isGeoJSON: Bool)? {
        guard texts.count == 1 else { return nil }
        // A coordinate starts with a digit or sign: the first visible character says so at
        // once, without the copies below (they were a twentieth of a served pin).
        if let first = texts[0].unicodeScalars.first(where: { !CoordinateParser.isInvisible($0) && !CharacterSet.whitespacesAndNewlines.contains($0) }),
           first.isASCII, !"{pPlLmM".unicodeScalars.contains(first) {
            return nil
        }
        let text = CoordinateParser.visible(texts[0]).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{") { return (text, true) }
        let upper = text.uppercased()
        if ["POINT", "LINESTRING", "POLYGON", "MULTI"].contains(where: { upper.hasPrefix($0) }) { return (text, false) }
        return nil
    }

    /// Coordinates; a latitude or longitude out of range is tried the other way round, and
    /// when that reading lies inside the project's LAO the error says so.
    private func readCoordinates(_ texts: [String], parser: CoordinateParser, polygon: Bool, proj: LazyPROJ,
                                 validator: PinValidator, project: ProjectRef) throws -> PinCandidate {
        do {
            return try PinInput(parser: parser, polygon: polygon, proj: proj.context).coordinates(texts)
        } catch let e as CoordinateParseError where e.kind == .latitudeOutOfRange || e.kind == .longitudeOutOfRange {
            var flipped = parser
            flipped.longitudeFirst.toggle()
            guard let other = try? PinInput(parser: flipped, polygon: polygon, proj: proj.context).coordinates(texts),
                  (try? validator.covers(other.geometry, laoCode: project.laoCode)) == true else { throw e }
            let s = PinValidator.suggestSwap(other.geometry)
            throw PinInputError(th: e.message.th + " — " + s.th, en: e.message.en + " — " + s.en)
        }
    }
}

/// A pin checked and ready to store: `record` is what the write must store (nil for a dry
/// run or a refusal not forced). `result(stored:)` makes the answer once it is stored.
public struct CheckedPin: Sendable {
    public let project: ProjectRef
    public let candidate: PinCandidate
    public let verdict: PinVerdict
    public let record: PinRecord?
    public let dryRun: Bool
    public let forced: Bool

    public func result(stored: PinRecord?) -> PinResult {
        PinResult(project: project, candidate: candidate, verdict: verdict, stored: stored, dryRun: dryRun, forced: forced)
    }
}

/// Opens PROJ on first need only: a lat/lon pin never loads libproj (start-up time).
final class LazyPROJ {
    private var opened: PROJContext?
    func context() throws -> PROJContext {
        if let opened { return opened }
        let c = try PROJContext()
        opened = c
        return c
    }
}

/// A distance in metres typed for `--tolerance`, `pin.tolerance_m` or `tolerance_m`.
public enum ToleranceMetres {
    public static func parse(_ raw: String, field: String) throws -> Double {
        guard let v = ThaiText.number(raw), v >= 0, v <= 100_000 else {
            throw AppError(.badInput, Message(th: "\(field) ต้องเป็นระยะเป็นเมตร 0 ถึง 100000 (ได้ '\(raw)')",
                                              en: "\(field) must be a distance in metres, 0 to 100000 (got '\(raw)')"), field: field)
        }
        return v
    }
}
