#ifndef EPLAN_CONCURRENCY_HOOK_H
#define EPLAN_CONCURRENCY_HOOK_H

/// The address of the Swift runtime's `swift_task_enqueueGlobal_hook` (where the global
/// executor's enqueue may be replaced), found by the linker rather than by name at run
/// time: a static Swift runtime keeps the symbol out of the dynamic table (it is linked
/// with --exclude-libs ALL), so NIO's dlsym look-up fails in the shipped build.
void *_Nullable *_Nonnull eplan_swift_task_enqueueGlobal_hook_address(void);

#endif
