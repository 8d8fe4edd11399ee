import CConcurrencyHook

/// The server's large buffers come from the heap and go back to it, not to the kernel.
///
/// An OGC page is written into a buffer of about 1 MiB and copied once into the buffer NIO
/// sends; a page made ahead is gathered in one of up to `OGCPagesAhead.maxBytes`. With
/// glibc's own sliding thresholds, a box's pages (not the plain ones) got fresh memory each
/// time: about 520 page faults for a page of 1 MB, every one in writing the page or copying
/// it (perf), and the page took 18.2 ms (4 runs, alternated). With the thresholds below:
/// about 80 faults and 15.7 ms, on the same store and box (2026-12-02, the bench's Tak
/// store and box, 1,001 features).
///
/// The price: up to `trimThreshold` of free memory kept per glibc arena after a burst of
/// large pages (the server's resident size after the bench: 66 MB against 62 MB). Set once,
/// when `eplan serve` starts; the command-line tools stream through buffers they reuse.
enum LargeBufferHeap {
    static let mmapThreshold: Int32 = 8 << 20
    static let trimThreshold: Int32 = 16 << 20

    /// True when glibc took both settings (false on another C library: nothing changes).
    @discardableResult
    static func keepInHeap() -> Bool {
        eplan_keep_large_buffers_in_heap(mmapThreshold, trimThreshold) == 1
    }
}
