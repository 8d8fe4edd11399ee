#include "concurrency_hook.h"

// Defined by libswift_Concurrency (a function pointer; only its address is taken here).
extern void *swift_task_enqueueGlobal_hook;

void *_Nullable *_Nonnull eplan_swift_task_enqueueGlobal_hook_address(void) {
    return &swift_task_enqueueGlobal_hook;
}
