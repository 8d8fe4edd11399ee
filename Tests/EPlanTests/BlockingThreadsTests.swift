import Foundation
import XCTest
@testable import EPlanServer

/// The threads the PostgreSQL server's store calls wait on (`BlockingThreads`).
final class BlockingThreadsTests: XCTestCase {
    /// 48 jobs that each wait until all 48 have started: they can only finish if the pool runs
    /// them all at once (Dispatch's global queue ran about two, adding one a second).
    func testJobsThatWaitRunAllAtOnce() {
        let pool = BlockingThreads(maxThreads: 64, idleSeconds: 1)
        let jobs = 48
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchGroup()
        for _ in 0..<jobs {
            done.enter()
            pool.submit {
                started.signal()
                release.wait()
                done.leave()
            }
        }
        // Every job must start while none has finished. The bound only ends a failing run:
        // Dispatch's global queue would need some 46 s to get to 48 threads.
        let deadline = DispatchTime.now() + 20
        var all = true
        for _ in 0..<jobs where started.wait(timeout: deadline) == .timedOut { all = false; break }
        XCTAssertTrue(all, "all \(jobs) waiting jobs run at once")
        for _ in 0..<jobs { release.signal() }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
    }

    /// At `maxThreads` jobs queue and still all run, in turn, on the threads there are.
    func testJobsBeyondTheBoundQueueAndAllRun() {
        let pool = BlockingThreads(maxThreads: 2, idleSeconds: 1)
        let count = Counter(), done = DispatchGroup()
        for _ in 0..<200 {
            done.enter()
            pool.submit { count.add(); done.leave() }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(count.value, 200)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.lock(); n += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }
}
