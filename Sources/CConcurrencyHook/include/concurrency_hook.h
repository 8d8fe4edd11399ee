#ifndef EPLAN_CONCURRENCY_HOOK_H
#define EPLAN_CONCURRENCY_HOOK_H

// How `eplan serve` sets up its threads and its heap: Swift's global executor on the event
// loops, the loops' time slice, and where glibc puts large buffers.

/// The address of the Swift runtime's `swift_task_enqueueGlobal_hook` (where the global
/// executor's enqueue may be replaced), found by the linker rather than by name at run
/// time: a static Swift runtime keeps the symbol out of the dynamic table (it is linked
/// with --exclude-libs ALL), so a dlsym look-up fails in the shipped build.
void *_Nullable *_Nonnull eplan_swift_task_enqueueGlobal_hook_address(void);

/// Runs `job`, a job given to Swift's global executor, on this thread as that executor
/// runs its jobs: on the generic executor (`swift_job_run(job, generic)`). A job run as
/// a serial executor's (what `UnownedJob.runSynchronously(on:)` with an event loop's
/// executor does) may not switch to the generic executor in place, so every hop to
/// nonisolated code, the entry of `withUnsafeContinuation` in a debug build among
/// them, becomes a new job at the back of the loop's queue.
void eplan_swift_job_run_on_generic_executor(void *_Nonnull job);

/// Asks the kernel to give the calling thread a time slice of `nanoseconds` (Linux 6.12's
/// EEVDF scheduler: a shorter slice means an earlier deadline, so a woken thread runs
/// sooner), keeping its policy (only SCHED_OTHER threads are changed) and nice value;
/// threads it starts later get the default slice.
/// 0 when asked, -1 when the system has no such call or refused it; older kernels accept
/// the call and ignore the slice. No privilege is needed.
int eplan_request_time_slice(unsigned long long nanoseconds);

/// Makes glibc serve allocations under `mmap_threshold` bytes from the heap instead of a
/// mapping of their own, and give the heap's free memory back to the system only when more
/// than `trim_threshold` bytes are free at its top (`mallopt`'s M_MMAP_THRESHOLD and
/// M_TRIM_THRESHOLD). 1 when both were taken; 0 otherwise, and on a C library without them.
int eplan_keep_large_buffers_in_heap(int mmap_threshold, int trim_threshold);

#endif
