import Dispatch

/// Work split over every core, with the one unchecked-Sendable exception the hot loops need.
///
/// The bulk point-in-polygon index and the audits write results into one preallocated
/// buffer from several threads. Each worker writes only its own indices, which the
/// compiler cannot see: `DisjointWrites` is the single place that says so.
public enum Parallel {
    /// A buffer's base address handed to workers that write disjoint elements.
    /// @unchecked: every caller partitions the indices so no two workers touch one element.
    public struct DisjointWrites<T>: @unchecked Sendable {
        public let buffer: UnsafeMutableBufferPointer<T>
        public init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
        /// Writes element i, which must be initialised already.
        @inline(__always) public subscript(i: Int) -> T {
            get { buffer[i] }
            nonmutating set { buffer[i] = newValue }
        }
        /// Initialises element i of uninitialised memory.
        @inline(__always) public func initialize(_ value: T, at i: Int) { (buffer.baseAddress! + i).initialize(to: value) }
    }

    /// A read-only buffer shared by workers while its owner keeps it alive.
    /// @unchecked: the memory is not written while the workers run.
    public struct SharedRead<T>: @unchecked Sendable {
        public let buffer: UnsafeBufferPointer<T>
        public init(_ buffer: UnsafeBufferPointer<T>) { self.buffer = buffer }
        @inline(__always) public subscript(i: Int) -> T { buffer[i] }
    }

    /// `body(i)` for i in 0..<n on `workers` threads (worker w takes w, w + workers, …),
    /// results in order.
    public static func map<T>(_ n: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard n > 0 else { return [] }
        let workers = max(1, workers)
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            let out = DisjointWrites(buffer)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < n { out.initialize(body(i), at: i); i += workers }
            }
            initialized = n
        }
    }

    /// `body(lo..<hi)` over `n` items cut into `chunks` ranges of about equal size.
    public static func forEachChunk(_ n: Int, chunk: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = (n + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * chunk
            body(lo..<min(n, lo + chunk))
        }
    }
}
