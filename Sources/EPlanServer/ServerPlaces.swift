import EPlanApp
import EPlanDomain
import Synchronization

/// The service's place index for `GET /where`: every boundary in memory, built on the first
/// request and shared by all. Each request reads the store's boundary generation (two index
/// seeks) and uses the index only if it shows at least that state; otherwise it is rebuilt
/// first, so an import or repair (by this server or any other process) is seen by the next
/// request, as the CLI sees it. On SQLite the generation is read only when the store's files
/// show a commit since the index was last found current (`StoreFiles`).
final class PlaceIndexHolder: Sendable {
    private struct Current {
        var index: PlaceIndex?
        /// A SQLite store's files as they were when `index` was last found current: while
        /// they look the same, no process has committed since (see `StoreFiles`).
        var files: StoreFiles.State?
    }
    private let current = Mutex(Current())
    /// Held while building: concurrent requests that find the index stale wait for one build.
    private let building = Mutex<Void>(())

    /// The index if it is current for `generation`, without building.
    func index(for generation: BoundaryGeneration) -> PlaceIndex? {
        current.withLock { c in c.index.flatMap { $0.isCurrent(for: generation) ? $0 : nil } }
    }

    /// The index if the store's files are as they were when it was last found current.
    func index(unchangedSince files: StoreFiles.State) -> PlaceIndex? {
        current.withLock { c in c.files == files ? c.index : nil }
    }

    /// Records that `index` was current after the store's files were seen as `files`.
    func vouch(_ index: PlaceIndex, files: StoreFiles.State) {
        current.withLock { c in if c.index === index { c.files = files } }
    }

    /// The index current for `generation`, built from `store` when there is none. Blocks.
    func index(for generation: BoundaryGeneration, store: any AnyStore) throws -> PlaceIndex {
        if let index = index(for: generation) { return index }
        return try building.withLock { _ in
            if let index = index(for: generation) { return index }
            let index = try PlaceIndex(store: store, generation: generation)
            current.withLock { $0 = Current(index: index, files: nil) }
            return index
        }
    }
}

extension ServerStores {
    /// `GET /where`'s JSON, the same as `eplan where --format json`. With an idle SQLite
    /// connection and a current index, a point inside some unit is answered on the request's
    /// own thread: the generation query and the in-memory lookup take microseconds, less than
    /// a hop to another thread and back (and a WAL reader never waits for a writer). All else
    /// (the first request, a rebuild, a point outside every unit, a CRS that needs PROJ,
    /// PostgreSQL's network round trip) goes through `read`, off the cooperative threads.
    func locate(_ request: WhereRequest) async throws -> String {
        if let bytes = try locateInline(request) { return String(decoding: bytes, as: UTF8.self) }
        return try await read { reader in
            try LocatePlace(store: reader.store, geos: reader.geos, prepared: reader.prepared, index: try self.currentPlaces(reader))
                .run(request).json()
        }
    }

    /// `reader`'s side of the place index current for its store (built first when there is
    /// none or the store's boundary generation moved): what `GET /where` and a pin's "where it
    /// lies" read.
    func currentPlaces(_ reader: Reader) throws -> PlaceIndex.Probe {
        reader.probe(try places.index(for: try reader.store.boundaryGeneration(), store: reader.store))
    }

    /// Builds the place index for the store as it is now (see `PlaceIndexHolder`).
    func warmPlaces() async throws {
        try await read { reader in _ = try self.currentPlaces(reader) }
    }

    /// `locate`'s JSON as bytes when the place index settles it on this thread, else nil. On
    /// SQLite, files unchanged since the index was last found current spare the generation
    /// query (a read transaction: file locks and a statement, a tenth of the request).
    func locateInline(_ request: WhereRequest) throws -> [UInt8]? {
        let answer = try onInlineReader(oneSnapshot: false) { reader, index in
            try LocatePlace(store: reader.store, index: reader.probe(index)).runFromIndex(request)
        }
        return answer??.jsonBytes()
    }

    /// Runs `body` (a pin's checks) on the request's own thread when `small` (one typed point:
    /// two rows read and a prepared geometry's test, less than the hop to a worker and back,
    /// which cost a thread wake-up each way) and, as for `locateInline`, an idle SQLite
    /// connection is at hand and the place index is current: `body` reads the index through
    /// the probe it is given, which then never builds one. Otherwise (a line or an area, whose
    /// checks grow with its vertices; a CRS; PostgreSQL) as `read`, off the cooperative
    /// threads, with the index made current there.
    func checkInline<T: Sendable>(if small: Bool, _ body: @escaping @Sendable (Reader, _ places: @escaping () throws -> PlaceIndex.Probe) throws -> T) async throws -> T {
        if small, let checked = try onInlineReader(oneSnapshot: true, { reader, index in try body(reader, { reader.probe(index) }) }) {
            return checked
        }
        return try await read { reader in try body(reader, { try self.currentPlaces(reader) }) }
    }

    /// `body` on this thread with an idle SQLite connection and the place index current for
    /// its store; nil (the connection back in the pool) when either is not at hand without
    /// opening, building or waiting. `oneSnapshot`: the generation and `body`'s reads in one
    /// read transaction (a pin's project, its LAO and the settings read together; `GET /where`
    /// reads nothing more, and mostly not even the generation).
    private func onInlineReader<T>(oneSnapshot: Bool, _ body: (Reader, PlaceIndex) throws -> T) throws -> T? {
        guard answersInline, let reader = idleReader() else { return nil }
        return try using(reader) { reader in
            func run() throws -> T? {
                guard let index = try currentIndexInline(reader) else { return nil }
                return try body(reader, index)
            }
            guard oneSnapshot, let sqlite = reader.store as? Store else { return try run() }
            return try sqlite.database.readTransaction(run)
        }
    }

    /// The place index if it is current (never builds; nil when stale or not yet built).
    private func currentIndexInline(_ reader: Reader) throws -> PlaceIndex? {
        let files = storeFiles?.state()
        if let files, let index = places.index(unchangedSince: files) { return index }
        guard let index = places.index(for: try reader.store.boundaryGeneration()) else { return nil }
        if let files { places.vouch(index, files: files) }
        return index
    }
}
