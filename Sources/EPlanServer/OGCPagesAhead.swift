import EPlanApp
import EPlanDomain
import Synchronization

/// OGC pages made ahead. When a page of items has a next page, that page is made at once on a
/// worker while the client reads this one, and kept for the client's next request. QGIS and
/// GDAL load a layer by following `next` links one page after another: each page is then
/// ready when asked for, the server's work overlapping the client's parsing instead of
/// taking turns with it (on two cores, the walk takes the longer of the two, not their sum).
///
/// A page made ahead is served only if nothing was committed to the store since its reads
/// began (`ServerStores.dataVersion`, asked before it is made and again when it is asked for);
/// else it is dropped and the page made anew, so an answer never predates a commit. It is
/// kept under its collection, its whole query (`next` included) and the reader's scope, so a
/// reader gets only a page made for the same rows it may see; it is given out once. SQLite
/// only: PostgreSQL has no cheap "nothing committed since" (no page is made there).
///
/// A page made ahead reads on from the page before it when it can: that page's statement is
/// left open where it stopped (`FeaturePage.readOn`), on the same pooled connection and in the
/// same read transaction, and the next page is made from its rows without a new query. A
/// box's page queried anew found and sorted all the box's matches again (a box of 8,834 pins
/// of the national fixture: 41–46 ms a page against ~10 for a plain one). The open rows are
/// kept for the next page for at most `rowsKeptFor`: meanwhile they hold a connection and a
/// read transaction, which SQLite's checkpoints cannot pass.
///
/// Bounds: at most `capacity` pages kept or being made, each at most `maxBytes` (a larger page
/// is not kept: its client waits for it as before), each for at most `keptFor`.
final class OGCPagesAhead: Sendable {
    struct Key: Hashable, Sendable {
        let id: FeatureCollectionID
        let query: FeatureItemsQuery
        let scope: FeatureScope

        /// The page after one that ended at `lastCode`.
        func after(_ lastCode: String) -> Key {
            var next = query
            next.afterCode = lastCode
            return Key(id: id, query: next, scope: scope)
        }
    }

    /// A page's features (joined by commas, as `FeaturePage` makes them) and what ends it.
    struct Page: Sendable {
        let features: [UInt8]
        let end: OGCItems.PageEnd
        let matched: Int?
        /// The store's data version before the page's first read (for a page read on from
        /// the one before it, before that page's first read: they share the read transaction).
        let dataVersion: Int64
        /// Read on from the page before it, not queried anew.
        let readOn: Bool
        /// Its rows left open for the page after it (nil when none follows).
        let rest: HeldRows?
    }

    /// A page's open rows, kept for the page after it until taken or given up.
    final class HeldRows: Sendable {
        private let box: Mutex<OGCItems.PageBox?>

        /// Holds `box`, and gives it up after `duration` unless it is taken before.
        init(_ box: OGCItems.PageBox, for duration: Duration) {
            self.box = Mutex(box)
            Task { [weak self] in
                try? await Task.sleep(for: duration)
                self?.giveUp()
            }
        }

        /// The rows, once: nil when taken or given up already.
        func take() -> OGCItems.PageBox? { box.withLock { held in defer { held = nil }; return held } }

        /// Gives the connection back to the pool (its statement finalized) unless taken.
        func giveUp() { _ = take() }
    }

    private struct Entry: Sendable {
        let made: Task<Page?, Never>
        let started: ContinuousClock.Instant
    }

    static let maxBytes = 4 << 20
    static let keptFor: Duration = .seconds(30)
    /// How long a page's open rows wait for the page after it (a paging client asks for it
    /// as soon as it has read the page).
    static let rowsKeptFor: Duration = .seconds(2)
    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int) { self.capacity = capacity }

    /// Starts making the page of `key`, read on from `rows` (the rows left open after the page
    /// before it) when given, unless it is kept or being made already, or `capacity` pages
    /// are (those older than `keptFor` are dropped first). Rows not used go back to the pool.
    func start(_ key: Key, _ stores: ServerStores, readingOn rows: OGCItems.PageBox? = nil) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            let now = ContinuousClock.now
            entries = entries.filter { now - $0.value.started < Self.keptFor }
            guard entries[key] == nil, entries.count < capacity else { return }
            let made = Task { (try? await offload { try Self.make(key, stores, readingOn: rows) }) ?? nil }
            entries[key] = Entry(made: made, started: now)
        }
    }

    /// The page made ahead for `key` (waited for if it is being made), if one was and nothing
    /// was committed to the store since its reads began; nil otherwise.
    func take(_ key: Key, _ stores: ServerStores) async -> Page? {
        guard capacity > 0, let entry = entries.withLock({ $0.removeValue(forKey: key) }) else { return nil }
        guard let page = await entry.made.value, ContinuousClock.now - entry.started < Self.keptFor else { return nil }
        // Asked after the page is made: a commit during its reads or since moves the number.
        guard let version = try? await offload({ stores.dataVersion() }), version == page.dataVersion else { return nil }
        return page
    }

    /// The page of `key` in memory, as `OGCItems.items` would stream it (read on from `rows`
    /// when given, else queried on a pooled connection); nil when the store has no data
    /// version or the page is larger than `maxBytes`.
    private static func make(_ key: Key, _ stores: ServerStores, readingOn rows: OGCItems.PageBox?) throws -> Page? {
        let box: OGCItems.PageBox, version: Int64
        if let rows, let asked = rows.dataVersion {
            (box, version) = (rows, asked)
        } else {
            guard let asked = stores.dataVersion() else { return nil }
            (box, version) = (try OGCItems.PageBox.open(key.id, key.query, key.scope, stores, dataVersion: asked), asked)
        }
        var features: [UInt8] = []
        while let fits = try box.appendNextChunk(to: &features, upTo: maxBytes) {
            if !fits { return nil }
        }
        return Page(features: features, end: box.end, matched: box.matched, dataVersion: version, readOn: box === rows,
                    rest: box.readOn().map { HeldRows($0, for: rowsKeptFor) })
    }
}
