import CGEOS

/// One GEOS context handle (`GEOS_init_r`) plus the reusable WKT/WKB readers and writers bound to it.
///
/// Threading: a context is NOT thread-safe. GEOS allows concurrent use of *different* contexts,
/// so use one `GEOSContext` per thread (or per task that stays on one thread), and never share a
/// context — or any `GEOSGeometry` / `PreparedGeometry` made with it — between threads at the same time.
///
/// Errors: GEOS reports failures by returning NULL/0/2 and calling the context's message handler.
/// The handler stores the message here (`lastError`), so the Swift wrappers can throw a `GEOSError`
/// carrying GEOS's own words instead of a bare "failed".
public final class GEOSContext {
    /// The `GEOSContextHandle_t`, owned by this object; finished in `deinit`.
    let handle: OpaquePointer
    /// The last error GEOS reported on this context (cleared before each call that checks it).
    public internal(set) var lastError: String?
    /// The last notice GEOS reported (GEOS sends e.g. validity reasons as notices).
    public internal(set) var lastNotice: String?

    // Created on first use and kept: creating readers/writers per call would be a hot-path cost.
    private var wktReaderPtr: OpaquePointer?
    private var wktWriterPtr: OpaquePointer?
    private var wkbReaderPtr: OpaquePointer?
    private var wkbWriterPtr: OpaquePointer?

    public init() {
        guard let h = GEOS_init_r() else {
            // Cannot fire: GEOS_init_r is a plain C++ `new` of the handle, which never returns
            // null (out of memory throws std::bad_alloc and ends the process inside GEOS).
            preconditionFailure("GEOS_init_r returned no handle")
        }
        handle = h
        // Unretained: the handle never outlives self (finished in deinit), so no cycle and no dangling.
        let me = Unmanaged.passUnretained(self).toOpaque()
        GEOSContext_setErrorMessageHandler_r(h, { message, userdata in
            guard let userdata else { return }
            let ctx = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            ctx.lastError = message.map { String(cString: $0) } ?? ""
        }, me)
        GEOSContext_setNoticeMessageHandler_r(h, { message, userdata in
            guard let userdata else { return }
            let ctx = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            ctx.lastNotice = message.map { String(cString: $0) } ?? ""
        }, me)
    }

    deinit {
        if let p = wktReaderPtr { GEOSWKTReader_destroy_r(handle, p) }
        if let p = wktWriterPtr { GEOSWKTWriter_destroy_r(handle, p) }
        if let p = wkbReaderPtr { GEOSWKBReader_destroy_r(handle, p) }
        if let p = wkbWriterPtr { GEOSWKBWriter_destroy_r(handle, p) }
        GEOS_finish_r(handle)
    }

    /// The GEOS library version, e.g. "3.11.1-CAPI-1.17.1".
    public static func version() -> String {
        String(cString: GEOSversion())
    }

    // MARK: internal helpers

    /// Forget the previous message so the next failure reports its own.
    @inline(__always) func clearError() { lastError = nil }

    /// The error for a GEOS call that just failed, with GEOS's message (or a note that it gave none).
    func failure(_ operation: String, kind: GEOSError.Kind = .operationFailed) -> GEOSError {
        GEOSError(kind: kind, operation: operation, geosMessage: lastError)
    }

    // Readers and writers are made on first use. Their constructors return null only when
    // GEOS catches an exception (out of memory): a read then fails with GEOS's message, a
    // write gives nil (its callers document "" / [] for a failed write).
    func wktReader() throws -> OpaquePointer {
        if let p = wktReaderPtr { return p }
        clearError()
        guard let p = GEOSWKTReader_create_r(handle) else { throw failure("GEOSWKTReader_create_r") }
        wktReaderPtr = p
        return p
    }

    var wktWriter: OpaquePointer? {
        if let p = wktWriterPtr { return p }
        guard let p = GEOSWKTWriter_create_r(handle) else { return nil }
        GEOSWKTWriter_setTrim_r(handle, p, 1)          // "POINT (1 2)", not "POINT (1.0000000000000000 2.0…)"
        GEOSWKTWriter_setOutputDimension_r(handle, p, 2) // our Geometry values are 2D
        wktWriterPtr = p
        return p
    }

    func wkbReader() throws -> OpaquePointer {
        if let p = wkbReaderPtr { return p }
        clearError()
        guard let p = GEOSWKBReader_create_r(handle) else { throw failure("GEOSWKBReader_create_r") }
        wkbReaderPtr = p
        return p
    }

    var wkbWriter: OpaquePointer? {
        if let p = wkbWriterPtr { return p }
        guard let p = GEOSWKBWriter_create_r(handle) else { return nil }
        // 2D, little endian, ISO flavour: what SpatiaLite/PostGIS and our store expect.
        GEOSWKBWriter_setOutputDimension_r(handle, p, 2)
        GEOSWKBWriter_setByteOrder_r(handle, p, Int32(GEOS_WKB_NDR.rawValue))
        GEOSWKBWriter_setFlavor_r(handle, p, Int32(GEOS_WKB_ISO.rawValue))
        GEOSWKBWriter_setIncludeSRID_r(handle, p, 0)
        wkbWriterPtr = p
        return p
    }
}
