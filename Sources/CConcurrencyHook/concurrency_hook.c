#include "concurrency_hook.h"
#include <stdint.h>

// Defined by libswift_Concurrency (a function pointer; only its address is taken here).
extern void *swift_task_enqueueGlobal_hook;

void *_Nullable *_Nonnull eplan_swift_task_enqueueGlobal_hook_address(void) {
    return &swift_task_enqueueGlobal_hook;
}

// The runtime's SerialExecutorRef: the executor's object and its witness table (with
// kind bits); both zero is the generic executor. Passed by value in Swift's calling
// convention, as the runtime declares swift_job_run (SWIFT_CC(swift)).
typedef struct {
    const void *_Nullable identity;
    uintptr_t implementation;
} eplan_serial_executor_ref;

extern __attribute__((swiftcall)) void swift_job_run(void *_Nonnull job, eplan_serial_executor_ref executor);

void eplan_swift_job_run_on_generic_executor(void *_Nonnull job) {
    const eplan_serial_executor_ref generic = {0, 0};
    swift_job_run(job, generic);
}
