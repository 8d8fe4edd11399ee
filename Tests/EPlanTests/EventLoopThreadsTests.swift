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

/// `eplan serve`'s event-loop threads ask for a short time slice (EventLoopTimeSlice); the
/// kernel shows each thread's slice in /proc (`se.slice`, on kernels that have one).
final class ServeEventLoopTimeSliceTests: ServeTestCase {
    func testTheEventLoopThreadsAskForAShortSlice() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/sched"),
              let own = Self.slice(of: "/proc/self/sched") else { throw XCTSkip("this kernel shows no se.slice in /proc/PID/sched") }
        let db = try initStore()
        let server = try serve(db)
        XCTAssertEqual(try http(server, "GET", "/api/v1/openapi.json").status, 200)  // the loops are running
        let pid = server.process.processIdentifier
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        var loops: [String: Int] = [:], others: [String: Int] = [:]
        for tid in tasks {
            let name = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard let slice = Self.slice(of: "/proc/\(pid)/task/\(tid)/sched") else { continue }
            if name.hasPrefix("NIO-SGLTN") { loops[name + " " + tid] = slice } else { others[name + " " + tid] = slice }
        }
        XCTAssertEqual(loops.count, ProcessInfo.processInfo.activeProcessorCount, "one event loop per core: \(loops)")
        let kernelKeepsIt = Self.kernelAtLeast(6, 12)
        if kernelKeepsIt, !Self.aThreadMayAskForASlice() {
            throw XCTSkip("this system refuses or ignores a thread's time-slice request (sched_setattr)")
        }
        for (thread, slice) in loops {
            if kernelKeepsIt {
                XCTAssertEqual(slice, Int(EventLoopTimeSlice.nanoseconds), "\(thread)")
            } else {
                XCTAssertEqual(slice, own, "\(thread): a kernel before 6.12 keeps its own slice")
            }
        }
        // Only the loops ask: the pin writer and the other threads keep the default.
        for (thread, slice) in others { XCTAssertEqual(slice, own, "\(thread)") }
    }

    /// `se.slice` (nanoseconds) from a /proc sched file.
    static func slice(of path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("se.slice") {
            return line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    /// Whether a new thread of this process that asks for the slice gets it.
    static func aThreadMayAskForASlice() -> Bool {
        let granted = Answer()
        let thread = Thread {
            let asked = eplan_request_time_slice(EventLoopTimeSlice.nanoseconds) == 0
            granted.value.withLock { $0 = asked && slice(of: "/proc/thread-self/sched") == Int(EventLoopTimeSlice.nanoseconds) }
        }
        thread.start()
        let deadline = Date().addingTimeInterval(10)
        while granted.value.withLock({ $0 }) == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return granted.value.withLock { $0 } ?? false
    }

    static func kernelAtLeast(_ major: Int, _ minor: Int) -> Bool {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard parts.count == 2 else { return false }
        return (parts[0], parts[1]) >= (major, minor)
    }
}

private final class Answer: Sendable {
    let value = Mutex<Bool?>(nil)
}

/// `eplan serve` keeps its page buffers in the heap (`LargeBufferHeap`): glibc must take
/// both thresholds (it refuses, for one, a mapping threshold above 32 MiB). What they save
/// is measured by `scripts/bench ogcitems`, not here: which memory glibc gives back depends
/// on the order of the process's frees, not only on these settings.
final class LargeBufferHeapTests: XCTestCase {
    func testGlibcTakesTheThresholds() throws {
        #if canImport(Glibc)
        XCTAssertTrue(LargeBufferHeap.keepInHeap())
        XCTAssertLessThan(LargeBufferHeap.mmapThreshold, LargeBufferHeap.trimThreshold, "freed page buffers must not be trimmed at once")
        #else
        throw XCTSkip("not glibc")
        #endif
    }
}
