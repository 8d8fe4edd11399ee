import EPlanApp
import EPlanDomain
import Foundation
import Synchronization

/// The server's connections to its store: a pool of reading connections (each with its GEOS
/// context and prepared geometries, kept across requests) and one writer that commits
/// pins in groups. Opening a `Store` (file identification, schema check, SQL functions) cost
/// more than a whole pin check; a connection is now opened once and reused.
public final class ServerStores: Sendable {
    let path: String
    /// Idle readers; at most `maxIdle` are kept, more are opened under load and closed after.
    private let idle = Mutex<[Reader]>([])
    private let maxIdle: Int
    let pins: PinWriter
    /// The boundaries in memory for `GET /where` (see `ServerPlaces.swift`).
    let places = PlaceIndexHolder()
    /// A SQLite store's files, watched to skip the boundary generation query (`StoreFiles`).
    let storeFiles: StoreFiles?
    /// Whether `locateInline` may answer at all: only on a SQLite store (PostgreSQL's
    /// connection cannot be used on an event-loop thread).
    let answersInline: Bool

    init(path: String) {
        self.path = path
        let location = try? StoreLocation.parse(path)
        storeFiles = location.flatMap { StoreFiles($0) }
        answersInline = location?.isPostgres == false
        // On PostgreSQL an idle reader keeps one of the pool's `pool_max` connections, and the
        // pin writer one more: at most half the rest stay with idle readers, so the routes that
        // open a store of their own always find a connection that is given back.
        if case .postgres(let p)? = location { maxIdle = max(0, (p.poolMax - 1) / 2) } else { maxIdle = 64 }
        pins = PinWriter(path: path)
    }

    /// One connection, its GEOS context and its prepared geometries. Used by one request
    /// at a time: the pool hands it out exclusively, so it need not be thread-safe.
    final class Reader: @unchecked Sendable {
        let store: any AnyStore
        let geos = GEOSContext()
        /// LAO jurisdictions and boundaries, prepared once per connection.
        let prepared = PreparedGeometryCache()
        /// Its GEOS side of the place index, for the index it was made for.
        var places: PlaceIndex.Probe?
        /// The LAOs' blocks of OGC project features, kept between pages.
        let laoBlocks = ExportLAOBlocks()
        init(store: any AnyStore) { self.store = store }

        func probe(_ index: PlaceIndex) -> PlaceIndex.Probe {
            if let places, places.index === index { return places }
            let probe = PlaceIndex.Probe(index: index, geos: geos)
            places = probe
            return probe
        }
    }

    /// Runs `body` off the cooperative threads with a pooled connection. A connection that
    /// failed for another reason than a busy store is closed rather than reused.
    func read<T: Sendable>(_ body: @escaping @Sendable (Reader) throws -> T) async throws -> T {
        try await offload { [self] in try using(try lease(), body) }
    }

    /// `body` on `reader`, then the connection back to the pool (`release`: unless the error
    /// may have left it bad).
    func using<T>(_ reader: Reader, _ body: (Reader) throws -> T) throws -> T {
        do {
            let result = try body(reader)
            release(reader, after: nil)
            return result
        } catch {
            release(reader, after: error)
            throw error
        }
    }

    /// An idle connection, if one is waiting (never opens one).
    func idleReader() -> Reader? { idle.withLock { $0.popLast() } }

    func giveBack(_ reader: Reader) {
        // A reader is only handed back between statements: it holds no read transaction.
        reader.store.forgetReadAhead()
        idle.withLock { if $0.count < maxIdle { $0.append(reader) } }
    }

    func openStore() throws -> any AnyStore { try StoreLocation.parse(path).open(readOnly: false, create: false) }

    /// A connection that only asks `dataVersion`: it never writes, so its number moves with
    /// every commit to the store, by this process or another. Opened on first use.
    private let watcher = Mutex<StoreBox?>(nil)
    private final class StoreBox: @unchecked Sendable {
        let store: any AnyStore
        init(_ store: any AnyStore) { self.store = store }
    }

    /// The store's data version (see `EPlanStoring.dataVersion`); nil on PostgreSQL, or when it
    /// cannot be read (the watcher is then opened again next time).
    func dataVersion() -> Int64? {
        guard answersInline else { return nil }
        return watcher.withLock { box -> Int64? in
            do {
                if box == nil { box = StoreBox(try StoreLocation.parse(path).open(readOnly: true, create: false)) }
                return try box?.store.dataVersion()
            } catch {
                box = nil
                return nil
            }
        }
    }

    /// Refusals and bad input leave a connection as good as it was; after a store failure
    /// (even busy: cheap to reopen) or a bug it is closed.
    static func keepsConnection(_ error: any Error) -> Bool {
        if error is DatabaseError { return false }
        guard let e = error as? AppError else { return true }
        return e.kind != .store && e.kind != .internalError
    }
}

extension ServerStores {
    /// A pooled connection held across several steps (an OGC page streamed chunk by chunk,
    /// each chunk made on a worker): the holder hands it back with `release` once its
    /// statements are finalized. Opening a store per page cost a quarter of the page's work.
    func lease() throws -> Reader {
        if let reader = idle.withLock({ $0.popLast() }) { return reader }
        let store = try openStore()
        try store.mapForReading(upTo: Self.readerMap)
        return Reader(store: store)
    }

    /// How much of a SQLite store a pooled reader reads through a memory map (address space,
    /// not memory: the pages are the system's file cache, shared by every reader).
    static let readerMap = 1 << 30

    /// Back to the pool, unless `error` may have left the connection bad (`keepsConnection`).
    func release(_ reader: Reader, after error: (any Error)?) {
        if error.map(Self.keepsConnection) ?? true { giveBack(reader) }
    }
}

/// The group commit: one connection (synchronous=FULL, WAL) on a serial queue takes every
/// pin that is waiting, stores them in ONE transaction (a savepoint each: one failing pin
/// does not sink the others), and only then resumes their requests: a 201 is sent after
/// the commit that holds the pin is on disk. While a commit's fsync runs, new pins queue
/// and go together in the next one, so the fsyncs per second, not the pins, are the limit.
final class PinWriter: @unchecked Sendable {
    private struct Waiting: Sendable {
        let record: PinRecord
        let reply: CheckedContinuation<PinRecord, any Error>
    }
    private struct State: Sendable {
        var waiting: [Waiting] = []
        var draining = false
    }
    /// A bound on one transaction, so one commit's latency stays small.
    static let maxBatch = 512

    private let path: String
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "eplan.pin-writer", qos: .userInitiated)
    /// Touched on `queue` only.
    private var store: (any AnyStore)?

    init(path: String) { self.path = path }

    /// Stores `record` (as `Store.addPin`) and returns it as stored, once durable.
    func write(_ record: PinRecord) async throws -> PinRecord {
        try await withCheckedThrowingContinuation { reply in
            let start = state.withLock { s in
                s.waiting.append(Waiting(record: record, reply: reply))
                if s.draining { return false }
                s.draining = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Commits batches until nobody waits.
    private func drain() {
        while true {
            let batch = state.withLock { s -> [Waiting] in
                let n = min(s.waiting.count, Self.maxBatch)
                if n == 0 { s.draining = false }
                let taken = Array(s.waiting.prefix(n))
                s.waiting.removeFirst(n)
                return taken
            }
            if batch.isEmpty { return }
            commit(batch)
        }
    }

    private func commit(_ batch: [Waiting]) {
        do {
            let store = try connection()
            let results = try store.addPins(batch.map(\.record))
            for (w, r) in zip(batch, results) { w.reply.resume(with: r.mapError { AppError.classify($0) }) }
        } catch {
            // Nothing of the batch is stored. A busy store is retried by the clients (503);
            // anything else may have left the connection unusable: open a new one next time.
            if (error as? DatabaseError)?.kind != .busy { store = nil }
            let failure = AppError.classify(error)
            for w in batch { w.reply.resume(throwing: failure) }
        }
    }

    private func connection() throws -> any AnyStore {
        if let store { return store }
        let s = try StoreLocation.parse(path).open(readOnly: false, create: false)
        // Each commit syncs the WAL before it returns: an acknowledged pin survives a crash
        // or power loss, not only the process's death. (PostgreSQL's commit is durable as
        // configured: synchronous_commit is on by default.)
        if let sqlite = s as? Store {
            try sqlite.database.execute("PRAGMA synchronous = FULL")
            sqlite.doPinTriggerWork()
        }
        store = s
        return s
    }
}
