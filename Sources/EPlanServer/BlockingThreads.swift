import EPlanApp
import EPlanDomain
import Foundation
import Synchronization

/// Threads for work that WAITS rather than computes: on PostgreSQL every store call blocks its
/// thread for each round trip to the database. On Linux, Dispatch's global queue runs about
/// as many threads as cores and adds one only about once a second while all of them are
/// blocked, so 64 clients' requests queued behind two threads waiting on the network
/// (62–323 pins/s, with the CPU mostly idle). Here a job that finds no idle thread gets a new
/// one at once (up to `maxThreads`); a thread idle for `idleSeconds` ends.
///
/// Not used for SQLite: its store calls compute (GEOS, SQLite's pages in memory), and more
/// threads than cores would only take turns on them (see `offload`).
final class BlockingThreads: @unchecked Sendable {
    /// The process's pool, set by `useFor(storePath:)` when the server's store is PostgreSQL.
    static var shared: BlockingThreads? { pool.withLock { $0 } }
    private static let pool = Mutex<BlockingThreads?>(nil)

    /// Starts the pool when `storePath` names a PostgreSQL database (once, before serving).
    static func useFor(storePath: String) {
        guard case .postgres? = try? StoreLocation.parse(storePath) else { return }
        pool.withLock { if $0 == nil { $0 = BlockingThreads() } }
    }

    let maxThreads: Int
    let idleSeconds: TimeInterval
    /// Guards everything below; idle threads wait on it.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var idle = 0, threads = 0

    init(maxThreads: Int = 512, idleSeconds: TimeInterval = 30) {
        self.maxThreads = maxThreads; self.idleSeconds = idleSeconds
    }

    /// Runs `job` on a pool thread: an idle one, else a new one (else, at `maxThreads`, the
    /// first to finish its job).
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let waiting = jobs.count - head
        let grow = waiting > idle && threads < maxThreads
        if grow { threads += 1 } else { condition.signal() }
        condition.unlock()
        if grow {
            let thread = Thread { [self] in work() }
            thread.name = "eplan-blocking"
            thread.start()
        }
    }

    /// A thread's life: jobs in arrival order until none comes for `idleSeconds`.
    private func work() {
        condition.lock()
        while true {
            if head < jobs.count {
                let job = jobs[head]
                head += 1
                if head == jobs.count { jobs.removeAll(keepingCapacity: true); head = 0 }
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            idle += 1
            let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
            idle -= 1
            if !signalled && head == jobs.count {
                threads -= 1
                condition.unlock()
                return
            }
        }
    }
}
