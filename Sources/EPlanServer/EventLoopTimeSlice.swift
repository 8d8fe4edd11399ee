import CConcurrencyHook
import NIOCore
import NIOPosix

/// The event loops' threads ask the kernel for a short time slice.
///
/// Requests are read, answered and handed to the pin writer on these threads; everything
/// else (the writer, SQLite's checkpoints, a CLI import, a load generator on the same
/// cores) can wait a little longer. With Linux's default slice (1.4 ms on 2 cores) a woken
/// loop often waited for a busy thread's slice to end: `GET /where` at ~25,000 requests/s
/// on 2 cores shared with wrk had p99 4.63–5.05 ms (13 runs); with 200 µs, 4.16–4.51 ms,
/// at the same rate and CPU per request, and pins/s unchanged (README, `servewhere`). A
/// hint only: on kernels before 6.12 it changes nothing, and a refusal is ignored.
enum EventLoopTimeSlice {
    static let nanoseconds: UInt64 = 200_000

    /// Asks on each loop of the group, on that loop's thread (queued: nothing waits for it).
    static func request(for group: MultiThreadedEventLoopGroup = .singleton) {
        for loop in group.makeIterator() {
            loop.execute { _ = eplan_request_time_slice(nanoseconds) }
        }
    }
}
