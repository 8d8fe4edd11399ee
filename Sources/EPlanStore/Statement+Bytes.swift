import CSQLite

extension Statement {
    /// Reads a TEXT column's UTF-8 bytes in place (no String is made); nil for NULL.
    /// The buffer is valid only inside `body`.
    @inline(__always)
    public func withText<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        guard let p = sqlite3_column_text(handle, i) else { return try body(nil) }
        let n = Int(sqlite3_column_bytes(handle, i))
        return try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: n))
    }
}
