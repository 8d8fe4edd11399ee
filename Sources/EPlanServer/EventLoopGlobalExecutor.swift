import CConcurrencyHook
import NIOCore
import NIOPosix

/// Swift's global executor moved onto NIO's event loops (see `EPlanServer.runTasksOnEventLoops`).
///
/// Not NIO's own take-over (`unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`),
/// for two reasons:
/// - NIO finds the runtime's hook by name, which a static Swift runtime (the Debian
///   package's build, and scripts/bench's) does not export; here the linker finds it.
/// - NIO runs each job as the event loop's serial executor's. The runtime then cannot
///   switch to the generic executor in place: every hop to nonisolated code becomes a new
///   job at the back of the loop's queue. `withUnsafeContinuation` hops so at its entry
///   (in code built without optimisation, at least), and code that takes a lock and
///   releases it in the continuation's closure (swift-async-algorithms' `merge`, under
///   swift-service-lifecycle's `cancelOnGracefulShutdown`, which Hummingbird's date
///   cache iterates every second) then holds it across that new job. A job queued before
///   it on the same loop that takes the lock blocks the loop's thread for good (the
///   stack of a debug-built server that hung on SIGTERM: a loop's thread waiting for
///   merge's lock, nothing else running). Here a job runs as Swift's own global executor
///   runs it, on the generic executor, where such hops run in place.
enum EventLoopGlobalExecutor {
    /// Installs the hook; false when another one is installed already (it is then left).
    static func install() -> Bool {
        typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void
        let slot = eplan_swift_task_enqueueGlobal_hook_address()
        guard slot.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { hook -> Bool in
            guard let base = hook.baseAddress else { return false }
            base.initialize(to: { job, _ in
                // The loop of the current thread when it is one of the group's (no thread switch).
                EventLoopGlobalExecutor.enqueue(job, on: MultiThreadedEventLoopGroup.singleton.any())
            })
            return base.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { pointer in
                slot.pointee = pointer.pointee
                return pointer.pointee != nil
            }
        }
    }

    /// Queues a job of the global executor on `loop`, to run there on the generic executor.
    static func enqueue(_ job: UnownedJob, on loop: any EventLoop) {
        loop.execute {
            // An UnownedJob is the runtime's Job pointer (unsafeBitCast traps if the sizes ever differ).
            eplan_swift_job_run_on_generic_executor(unsafeBitCast(job, to: UnsafeMutableRawPointer.self))
        }
    }
}
