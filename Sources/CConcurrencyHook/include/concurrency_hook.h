#ifndef EPLAN_CONCURRENCY_HOOK_H
#define EPLAN_CONCURRENCY_HOOK_H

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

#endif
