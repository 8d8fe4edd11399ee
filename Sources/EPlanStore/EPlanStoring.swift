import EPlanGeometry

/// The store as the use cases see it: typed reads and writes, no SQL. `Store` (SQLite +
/// SpatiaLite) implements it; a second backend (PostgreSQL + PostGIS) implements the same
/// methods and the use cases and services (`ProjectQuery.resolve`, `PinValidator`,
/// `PlaceLookup`, `StatusReport`, `ProjectExporter`) run on it unchanged.
///
/// Spatial candidate reads (`candidates`, `laoCandidates`, `boundaries(level:intersecting:)`)
/// go through the backend's own index (SQLite's R*Tree, a GiST index) and may return false
/// hits by box: callers test exactly.
public protocol EPlanStoring: AnyObject {
    /// Drops what a statement read ahead for the calls after it (PostgreSQL's `projectRef`):
    /// a long-lived connection calls it between requests, so one request's reads never serve
    /// the next.
    func forgetReadAhead()
    /// A number that changes whenever another connection commits to the store (SQLite's
    /// `PRAGMA data_version`), nil on a backend that has no such number. Asked on a connection
    /// that never writes, an unchanged number means nothing was committed in between.
    func dataVersion() throws -> Int64?
    /// For a connection kept to read many pages (the service's pooled readers): reads the
    /// first `bytes` of a SQLite file through a memory map (see `Store.mapForReading`).
    func mapForReading(upTo bytes: Int) throws

    // MARK: Projects and plans
    func project(code: String) throws -> ProjectRecord?
    func projectRef(code: String) throws -> ProjectRef?
    func projects(filter: ProjectFilter) throws -> [ProjectRecord]
    func stageLog(code: String) throws -> [ProjectStageLogEntry]
    func devPlans(laoCode: String?) throws -> [DevPlan]
    func projectCodes() throws -> Set<String>
    /// Every project's pinning fields, by code.
    func allProjectRefs() throws -> [ProjectRef]
    /// Inserts projects all or nothing (`replace`: a stored code is updated, its stage changes
    /// logged as by `by`); returns how many were replaced.
    @discardableResult func insertProjects(_ records: [ProjectRecord], replace: Bool, by: String) throws -> Int
    @discardableResult func updateStages(code: String, changes: [ProjectStageChange], by: String) throws -> [ProjectStageLogEntry]
    @discardableResult func addDevPlan(laoCode: String, firstYear: Int, lastYear: Int, approvedOn: String?) throws -> DevPlan
    func upsertDevPlan(_ p: DevPlanRecord) throws

    // MARK: Pins
    @discardableResult func addPin(_ pin: PinRecord) throws -> PinRecord
    /// Several pins in ONE transaction (the service's group commit), each as `addPin` in a
    /// savepoint of its own: a pin that fails is undone alone and its error is its result.
    /// Throws (nothing stored) when the transaction itself fails (busy, disk full).
    func addPins(_ pins: [PinRecord]) throws -> [Result<PinRecord, any Error>]
    /// A bulk import's pins in ONE transaction: `body` calls `add` for each pin, which stores
    /// it exactly as `addPin` would (version max+1 of its project, the previous current pin
    /// no longer current) and returns it as stored; work a backend can do once per batch
    /// (preparing statements, the layer statistics) is done once. A throw out of `body` (or
    /// `add`) undoes every pin of the batch. `projects`, when given, names the projects the
    /// batch will likely pin (a hint: a pin of another project is stored just as well), so
    /// a backend can read their versions once instead of once per pin.
    func withPinBatch<T>(projects: Set<String>?, _ body: (_ add: (PinRecord) throws -> PinRecord) throws -> T) throws -> T
    func pinHistory(projectCode: String) throws -> [PinRecord]
    func currentPin(projectCode: String) throws -> PinRecord?
    func currentPins(_ filter: PinFilter) throws -> [PinListing]
    /// Current pins one at a time (the pin audit streams them); see the default below.
    func forEachCurrentPin(_ filter: PinFilter, _ body: (PinListing) throws -> Void) throws
    /// Projects without a current pin, one at a time.
    func forEachUnpinnedProject(_ filter: PinFilter, _ body: (ProjectRef) throws -> Void) throws
    func unpinnedProjects(_ filter: PinFilter) throws -> [ProjectRef]
    /// The pin tolerance (metres) set for the store, or the default.
    func pinToleranceM() throws -> Double
    /// A one-shot writer's durability hint (see `Store.skipCheckpointOnClose`); a backend
    /// without the need does nothing.
    func skipCheckpointOnClose() throws

    // MARK: LAOs and boundaries
    func lao(code: String) throws -> LAORecord?
    func laos(provinceCode: String?, amphoeCode: String?) throws -> [LAORecord]
    func laoCandidates(containing point: Coordinate) throws -> [LAORecord]
    func laoExists(_ code: String) throws -> Bool
    func laoCodes() throws -> Set<String>
    func insertLAOs(_ records: [LAORecord], replace: Bool) throws
    func setLAOVision(code: String, _ vision: Bool) throws
    func laoVision(code: String) throws -> Bool?
    func setLAOFacts(code: String, vision: Bool?, visionRecordedOn: String?, strategies: Int??) throws
    func boundary(level: BoundaryLevel, code: String) throws -> BoundaryRecord?
    func boundaries(level: BoundaryLevel, intersecting envelope: Envelope?) throws -> [BoundaryRecord]
    func candidates(level: BoundaryLevel, containing point: Coordinate) throws -> [BoundaryRecord]
    func count(level: BoundaryLevel) throws -> Int
    /// Moves whenever any boundary is imported or repaired (see `BoundaryGeneration`).
    func boundaryGeneration() throws -> BoundaryGeneration
    func boundaryNames(level: BoundaryLevel) throws -> [String: BoundaryName]
    func tambonParents() throws -> [String: TambonParents]
    /// Each unit's bounding box, by code (what an import checks a lower level against).
    func boundaryEnvelopes(level: BoundaryLevel) throws -> [String: Envelope]
    /// Replaces every unit of `level` with what `body` writes, in ONE transaction.
    @discardableResult func replaceBoundaries(level: BoundaryLevel, source: String,
                                              _ body: (BoundaryWriter) throws -> Void) throws -> Int
    /// Replaces one unit's geometry with a repaired (valid, polygonal) one, keeping the
    /// original in `boundary_original`, in one transaction; throws when the unit does not exist.
    func replaceBoundaryGeometry(level: BoundaryLevel, code: String, with geometry: Geometry, repair: String) throws
    /// The originals kept by repairs, oldest first.
    func boundaryOriginals(level: BoundaryLevel?) throws -> [BoundaryOriginal]

    // MARK: Settings
    func setting(_ key: String) throws -> String?
    func setSetting(_ key: String, _ value: String?) throws

    // MARK: The project filter's look-ups (see `Store+Scope`)
    func provinceCodes(matching text: String, bareName: String) throws -> [String]
    func amphoeCodes(matching text: String, bareName: String, provinceCode: String?) throws -> [String]
    func amphoe(_ amphoeCode: String, isInProvince provinceCode: String) throws -> Bool
    func yearKnown(_ year: Int, provinceCode: String?, amphoeCode: String?, laoCode: String?) throws -> Bool

    // MARK: The status report (see `Store+Report`)
    func provinceNames(code: String) throws -> BoundaryName?
    func provinceHasPlan(_ provinceCode: String, covering year: Int) throws -> Bool
    func statusReportFacts(provinceCode: String, year: Int, asOf: String) throws -> StatusReportFacts

    // MARK: The export's streaming rows (see `ProjectExportCursor`)
    func projectExportRows(_ filter: ProjectFilter, includeUnpinned: Bool) throws -> any ProjectExportRows
    /// Each LAO's export block; with `ids`, only those LAOs' (the LAOs a page names).
    func forEachExportLAO(only ids: [Int64]?, _ body: (_ id: Int64, _ text: (Int) -> UnsafeBufferPointer<UInt8>?) throws -> Void) throws

    // MARK: OGC API – Features pages (see `FeatureCollections`): keyset order by code
    func projectFeatureRows(_ q: ProjectFeatureQuery) throws -> any ProjectExportRows
    func projectFeatureCount(_ q: ProjectFeatureQuery) throws -> Int
    func pinExtent(_ kind: PinGeometryKind) throws -> Envelope?
    func boundaryFeatureRows(_ q: BoundaryFeatureQuery) throws -> any BoundaryFeatureRows
    func boundaryFeatureCount(_ q: BoundaryFeatureQuery) throws -> Int
    func boundaryExtent(_ layer: BoundaryLayer) throws -> Envelope?

    /// Runs `body` all or nothing.
    @discardableResult func transaction<T>(_ body: () throws -> T) throws -> T
}

extension EPlanStoring {
    /// `transaction` nests as a savepoint around each `addPin` (SQLite's does).
    public func addPins(_ pins: [PinRecord]) throws -> [Result<PinRecord, any Error>] {
        try transaction { pins.map { pin in Result { try addPin(pin) } } }
    }

    /// One `addPin` after another in one transaction (a backend without a faster way).
    public func withPinBatch<T>(projects: Set<String>?, _ body: (_ add: (PinRecord) throws -> PinRecord) throws -> T) throws -> T {
        try transaction { try body { try addPin($0) } }
    }

    /// Nothing read ahead (SQLite: every read is its own, and local).
    public func forgetReadAhead() {}

    /// None (PostgreSQL: no cheap way to tell that nothing was committed).
    public func dataVersion() throws -> Int64? { nil }

    /// Nothing to map (PostgreSQL: the server reads its own files).
    public func mapForReading(upTo bytes: Int) throws {}

    /// The batch without a hint of its projects.
    public func withPinBatch<T>(_ body: (_ add: (PinRecord) throws -> PinRecord) throws -> T) throws -> T {
        try withPinBatch(projects: nil, body)
    }

    public func devPlans() throws -> [DevPlan] { try devPlans(laoCode: nil) }
    public func projects() throws -> [ProjectRecord] { try projects(filter: ProjectFilter()) }
    public func currentPins() throws -> [PinListing] { try currentPins(PinFilter()) }
    public func unpinnedProjects() throws -> [ProjectRef] { try unpinnedProjects(PinFilter()) }
    /// A backend without a streaming read lists them first (memory grows with the pins;
    /// SQLite's store streams).
    public func forEachCurrentPin(_ filter: PinFilter, _ body: (PinListing) throws -> Void) throws {
        try currentPins(filter).forEach(body)
    }
    public func forEachUnpinnedProject(_ filter: PinFilter, _ body: (ProjectRef) throws -> Void) throws {
        try unpinnedProjects(filter).forEach(body)
    }
    public func laos(provinceCode: String? = nil) throws -> [LAORecord] { try laos(provinceCode: provinceCode, amphoeCode: nil) }
    public func boundaries(level: BoundaryLevel) throws -> [BoundaryRecord] { try boundaries(level: level, intersecting: nil) }
    public func boundaryOriginals() throws -> [BoundaryOriginal] { try boundaryOriginals(level: nil) }
}

/// The export's rows one at a time, each property (by its index in
/// `ProjectExportCursor.columns`) read in place: buffers stay valid until the next `step`.
/// `ProjectExportCursor` is SQLite's; the exporter takes its inlined fast path for it.
public protocol ProjectExportRows: AnyObject {
    /// Advances one row: true when a row is ready to read.
    func step() throws -> Bool
    /// The project's LAO key (as `forEachExportLAO` gives it), nil when its LAO is not stored.
    var laoID: Int64? { get }
    func isNull(_ property: Int) -> Bool
    func text(_ property: Int) -> UnsafeBufferPointer<UInt8>?
    func int64(_ property: Int) -> Int64
    func double(_ property: Int) -> Double
    /// The pin's SpatiaLite BLOB (EPSG:4326), nil without a pin.
    var geometry: UnsafeRawBufferPointer? { get }
    /// The project code as a String (for messages).
    var code: String? { get }
    /// The LAO keys (`laoID`) of every row, before any step, when the rows are all in hand
    /// (a PostgreSQL page); nil when they stream. A page then encodes only its own LAOs'
    /// blocks instead of every LAO's (7,445 nationally, more than the page's own query cost).
    func laoIDsAhead() throws -> [Int64]?
}

extension ProjectExportRows {
    public func laoIDsAhead() throws -> [Int64]? { nil }
}

extension EPlanStoring {
    /// Every LAO's export block (see `forEachExportLAO(only:_:)`).
    public func forEachExportLAO(_ body: (_ id: Int64, _ text: (Int) -> UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        try forEachExportLAO(only: nil, body)
    }
}

extension ProjectExportCursor: ProjectExportRows {}

extension Store: EPlanStoring {
    public func projectExportRows(_ filter: ProjectFilter, includeUnpinned: Bool) throws -> any ProjectExportRows {
        try projectExportCursor(filter, includeUnpinned: includeUnpinned)
    }
}

extension PostgresStore: EPlanStoring {}
