import CPROJ
import EPlanGeometry

/// One PROJ operation between two CRSs; sole owner of its `PJ*`.
/// Axis order is normalised for visualisation: EPSG:4326 is x = longitude, y = latitude.
/// Not thread-safe (shares its context's PJ_CONTEXT).
public final class CoordinateTransform {
    public let source: CRS
    public let target: CRS
    private let handle: PROJContextHandle   // keeps the context alive while `pj` exists
    private let pj: OpaquePointer

    /// A new (uncached) transform; prefer `PROJContext.transform(from:to:)`.
    public convenience init(from source: CRS, to target: CRS, context: PROJContext) throws {
        try self.init(from: source, to: target, handle: context.handle)
    }

    init(from source: CRS, to target: CRS, handle: PROJContextHandle) throws {
        self.source = source
        self.target = target
        self.handle = handle
        let ctx = handle.ctx
        // Same call as cs2cs: PROJ keeps every candidate operation (e.g. the several
        // Indian 1975 → WGS 84 ones) and picks per point by area of use.
        guard let raw = cproj_create_crs_to_crs(ctx, source.identifier, target.identifier, nil) else {
            throw Self.creationError(handle, source, target)
        }
        defer { cproj_destroy(raw) }  // the normalised copy below is a separate object
        guard let norm = cproj_normalize_for_visualization(ctx, raw) else {
            throw Self.creationError(handle, source, target)
        }
        pj = norm
    }

    deinit { cproj_destroy(pj) }

    private static func creationError(_ h: PROJContextHandle, _ s: CRS, _ t: CRS) -> PROJError {
        let (code, text) = h.lastError()
        return PROJError(.createOperation, code: code, projMessage: text, message: Message(
            th: "สร้างการแปลงพิกัด \(s.identifier) → \(t.identifier) ไม่ได้: \(text)",
            en: "cannot create the transformation \(s.identifier) → \(t.identifier): \(text)"))
    }

    private func failure(_ c: Coordinate, code: Int32) -> PROJError {
        let text = code != 0 ? PROJContextHandle.text(handle.ctx, code) : "result is not finite"
        let at = "(\(fmt(c.x)), \(fmt(c.y)))"
        return PROJError(.transform, code: code, projMessage: text, message: Message(
            th: "แปลงพิกัด \(at) จาก \(source.identifier) เป็น \(target.identifier) ไม่ได้: \(text)",
            en: "cannot transform \(at) from \(source.identifier) to \(target.identifier): \(text)"))
    }

    /// Throws `PROJError` naming the coordinate if PROJ fails or returns a non-finite value.
    public func transform(_ c: Coordinate) throws -> Coordinate {
        cproj_errno_reset(pj)
        // t = HUGE_VAL: "no epoch", as cs2cs does when no time is given.
        let out = cproj_trans(pj, PJ_FWD, PJ_COORD(v: (c.x, c.y, 0, .infinity)))
        let code = cproj_errno(pj)
        let r = Coordinate(out.xy.x, out.xy.y)
        if code != 0 || !r.isFinite { throw failure(c, code: code) }
        return r
    }

    public func transform(_ g: Geometry) throws -> Geometry {
        try g.mapCoordinates { try transform($0) }
    }

    /// Transforms in place with one proj_trans_generic call. On error the arrays are left
    /// unchanged and the error names the first coordinate that failed (and its index).
    public func transform(_ xs: inout [Double], _ ys: inout [Double]) throws {
        precondition(xs.count == ys.count, "xs and ys must have the same count")
        let n = xs.count
        if n == 0 { return }
        var ox = xs, oy = ys
        cproj_errno_reset(pj)
        let stride = MemoryLayout<Double>.stride
        var epoch = Double.infinity  // one t for all points (count 1): "no epoch", as in transform(_:)
        ox.withUnsafeMutableBufferPointer { bx in
            oy.withUnsafeMutableBufferPointer { by in
                _ = cproj_trans_generic(pj, PJ_FWD, bx.baseAddress, stride, n, by.baseAddress, stride, n,
                                       nil, 0, 0, &epoch, 0, 1)
            }
        }
        let code = cproj_errno(pj)
        if let bad = (0..<n).first(where: { !ox[$0].isFinite || !oy[$0].isFinite }) {
            var e = failure(Coordinate(xs[bad], ys[bad]), code: code)
            e = PROJError(e.kind, code: e.code, projMessage: e.projMessage, message: Message(
                th: e.message.th + " (ลำดับที่ \(bad))", en: e.message.en + " (index \(bad))"))
            throw e
        }
        xs = ox; ys = oy
    }
}

/// Short number text for messages: no trailing ".0".
func fmt(_ v: Double) -> String {
    if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return "\(v)"
}
