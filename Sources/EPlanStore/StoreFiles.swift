import Glibc

/// A SQLite store's files as `stat` sees them: the database and its write-ahead log. Every
/// commit writes the log (or, in a rollback-journal mode, the database), and each write
/// moves the file's modification time, so an unchanged state means no commit since, by any
/// process. Two `stat` calls cost a fraction of a read transaction (file locks, a query):
/// the service checks this before asking the store for its boundary generation per request.
///
/// A file's time moves in steps of the kernel's clock tick (or a second on some file
/// systems), so a write in the same step as an earlier one can leave the time as it was.
/// `state()` therefore vouches only for files whose last change is `settledAfter` old: any
/// later write then gives a later time. (On a network file system `stat` may answer from a
/// cache; SQLite's locks do not work there either, so a store must not live on one.) A system clock set back by more
/// than `settledAfter` between two writes could hide the second: the price is one stale
/// answer of `GET /where` until the next write.
public struct StoreFiles: Sendable {
    public struct State: Equatable, Sendable {
        let database: FileState
        let log: FileState?
    }

    struct FileState: Equatable, Sendable {
        let device: UInt64, inode: UInt64, size: Int64
        let modified: timespec, changed: timespec

        static func == (a: FileState, b: FileState) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }

        var lastChange: Double { max(StoreFiles.seconds(modified), StoreFiles.seconds(changed)) }
    }

    /// How old a file's last change must be before its state vouches for "no commit since":
    /// above the coarsest time step of the file systems SQLite runs on (one second).
    public static let settledAfter: Double = 2

    let databasePath: String
    let logPath: String
    let settledAfter: Double

    /// For a SQLite store; nil for PostgreSQL or an in-memory database.
    public init?(_ location: StoreLocation, settledAfter: Double = StoreFiles.settledAfter) {
        self.settledAfter = settledAfter
        guard case .sqlite(let path) = location, !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return nil }
        databasePath = path
        logPath = path + "-wal"
    }

    /// The files' state if it vouches for "unchanged" when seen again; nil when a file changed
    /// within `settledAfter` seconds or the database is missing.
    public func state() -> State? {
        guard let database = Self.stat(databasePath) else { return nil }
        let log = Self.stat(logPath)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var latest = database.lastChange
        if let log { latest = max(latest, log.lastChange) }
        guard Self.seconds(now) - latest >= settledAfter else { return nil }
        return State(database: database, log: log)
    }

    static func stat(_ path: String) -> FileState? {
        var s = Glibc.stat()
        guard fstatat(AT_FDCWD, path, &s, 0) == 0 else { return nil }
        return FileState(device: UInt64(s.st_dev), inode: UInt64(s.st_ino), size: Int64(s.st_size),
                         modified: s.st_mtim, changed: s.st_ctim)
    }

    static func seconds(_ t: timespec) -> Double { Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }
}
