#include "concurrency_hook.h"
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

// The kernel's struct sched_attr (include/uapi/linux/sched/types.h), its first version.
typedef struct {
    uint32_t size;
    uint32_t policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime;  // for SCHED_OTHER since Linux 6.12: the requested slice
    uint64_t deadline;
    uint64_t period;
} eplan_sched_attr;

int eplan_request_time_slice(unsigned long long nanoseconds) {
#if defined(SYS_sched_getattr) && defined(SYS_sched_setattr)
    eplan_sched_attr attr = {0};
    if (syscall(SYS_sched_getattr, 0, &attr, (unsigned int)sizeof attr, 0) != 0) return -1;
    if (attr.policy != SCHED_OTHER) return -1;  // a real-time or batch thread is left as it is
    attr.size = sizeof attr;
    // SCHED_FLAG_RESET_ON_FORK: threads this one starts (Dispatch's workers, the pin
    // writer's among them) get the default slice, not this one.
    attr.flags = 0x01;
    attr.runtime = nanoseconds;
    return syscall(SYS_sched_setattr, 0, &attr, 0) == 0 ? 0 : -1;
#else
    (void)nanoseconds;
    return -1;
#endif
}

int eplan_keep_large_buffers_in_heap(int mmap_threshold, int trim_threshold) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    // Setting either also turns off glibc's own sliding thresholds, which did not keep the
    // server's page buffers in the heap (see LargeBufferHeap.swift).
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
#else
    (void)mmap_threshold; (void)trim_threshold;
    return 0;
#endif
}
