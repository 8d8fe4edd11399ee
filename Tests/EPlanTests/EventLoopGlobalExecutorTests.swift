import CConcurrencyHook
@testable import EPlanServer
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import XCTest

/// `eplan serve` runs Swift's global jobs on NIO's event loops (EventLoopGlobalExecutor).
/// They must run there as Swift's own pool runs them, on the generic executor: run as an
/// event loop's serial executor's, a task's hop to nonisolated code (the entry of
/// `withUnsafeContinuation` in a debug build) became a job at the back of the loop's
/// queue, and swift-async-algorithms' `merge`, which takes its lock before the
/// continuation and releases it in the closure, then held the lock across other jobs of
/// the loop: a debug-built server hung on SIGTERM that way.
final class EventLoopGlobalExecutorTests: XCTestCase {
    /// A lock taken before `withUnsafeContinuation` and released in its closure is never
    /// seen held by the next job of the same loop: the closure runs in the job that made
    /// the continuation. Checked many times, from tasks on both of the group's loops.
    func testAContinuationsClosureRunsInTheJobThatMadeIt() throws {
        let slot = eplan_swift_task_enqueueGlobal_hook_address()
        guard slot.pointee == nil else { throw XCTSkip("another global-executor hook is installed in this process") }
        XCTAssertTrue(EventLoopGlobalExecutor.install())
        // Only for this test: the rest of the process (PostgreSQL's futures among it) keeps Swift's own pool.
        defer { slot.pointee = nil }

        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        let tasks = 8, rounds = 200
        for _ in 0..<tasks {
            Task.detached {
                for _ in 0..<rounds {
                    guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { continue }
                    let held = Held()
                    // Queued behind this job on this loop; a continuation that became a new job comes after it.
                    loop.execute { if held.value.load(ordering: .sequentiallyConsistent) { seen.heldByTheNextJob.add(1, ordering: .relaxed) } }
                    await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                        held.value.store(false, ordering: .sequentiallyConsistent)
                        continuation.resume()
                    }
                    seen.onALoop.add(1, ordering: .relaxed)
                    await Task.yield()
                }
                done.signal()
            }
        }
        for _ in 0..<tasks { XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "a task did not finish within 60 s") }
        XCTAssertEqual(seen.onALoop.load(ordering: .relaxed), tasks * rounds, "every round ran on an event loop")
        XCTAssertEqual(seen.heldByTheNextJob.load(ordering: .relaxed), 0, "a continuation's closure ran in a later job of the loop")
    }
}

private final class Seen: Sendable {
    let onALoop = Atomic<Int>(0), heldByTheNextJob = Atomic<Int>(0)
}

private final class Held: Sendable {
    let value = Atomic<Bool>(true)
}
