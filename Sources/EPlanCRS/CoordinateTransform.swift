import CPROJ
import EPlanGeometry

/// One operation between two CRSs: a PROJ operation (sole owner of its `PJ*`), or for
/// WGS 84 ↔ WGS 84 / UTM our own `TransverseMercator`, which needs no PROJ at all.
/// Axis order is normalised for visualisation: EPSG:4326 is x = longitude, y = latitude.
/// Not thread-safe (shares its context's PJ_CONTEXT).
public final class CoordinateTransform {
    public let source: CRS
    public let target: CRS
    private let handle: PROJContextHandle?   // keeps the context alive while `pj` exists
    private let pj: OpaquePointer?
    private let utm: (TransverseMercator, forward: Bool)?

    /// The transform between WGS 84 and WGS 84 / UTM 47N or 48N (either way), computed
    /// without PROJ; nil for any other pair.
    public static func withoutPROJ(from source: CRS, to target: CRS) -> CoordinateTransform? {
        func zone(_ c: CRS) -> Int? { c.epsg == 32647 ? 47 : c.epsg == 32648 ? 48 : nil }
        if source == .wgs84, let z = zone(target) { return CoordinateTransform(source, target, TransverseMercator(zone: z), forward: true) }
        if target == .wgs84, let z = zone(source) { return CoordinateTransform(source, target, TransverseMercator(zone: z), forward: false) }
        return nil
    }

    private init(_ source: CRS, _ target: CRS, _ tm: TransverseMercator, forward: Bool) {
        self.source = source; self.target = target
        handle = nil; pj = nil; utm = (tm, forward)
    }

    /// A new (uncached) transform; prefer `PROJContext.transform(from:to:)`.
    public convenience init(from source: CRS, to target: CRS, context: PROJContext) throws {
        try self.init(from: source, to: target, handle: context.handle)
    }

    init(from source: CRS, to target: CRS, handle: PROJContextHandle) throws {
        self.source = source
        self.target = target
        self.handle = handle
        self.utm = nil
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

    deinit { if let pj { cproj_destroy(pj) } }

    private static func creationError(_ h: PROJContextHandle, _ s: CRS, _ t: CRS) -> PROJError {
        let (code, text) = h.lastError()
        return PROJError(.createOperation, code: code, projMessage: text, message: Message(
            th: "สร้างการแปลงพิกัด \(s.identifier) → \(t.identifier) ไม่ได้: \(text)",
            en: "cannot create the transformation \(s.identifier) → \(t.identifier): \(text)"))
    }

    private func failure(_ c: Coordinate, code: Int32, reason: String? = nil) -> PROJError {
        let text = reason ?? (code != 0 && handle != nil ? PROJContextHandle.text(handle!.ctx, code) : "result is not finite")
        let at = "(\(fmt(c.x)), \(fmt(c.y)))"
        return PROJError(.transform, code: code, projMessage: text, message: Message(
            th: "แปลงพิกัด \(at) จาก \(source.identifier) เป็น \(target.identifier) ไม่ได้: \(text)",
            en: "cannot transform \(at) from \(source.identifier) to \(target.identifier): \(text)"))
    }

    /// Throws `PROJError` naming the coordinate if PROJ fails or returns a non-finite value.
    public func transform(_ c: Coordinate) throws -> Coordinate {
        if let (tm, forward) = utm {
            // PROJ refuses these too; say why as it would.
            if forward && !(abs(c.y) <= 90 && abs(c.x) <= 180) { throw failure(c, code: 0, reason: "Invalid latitude or longitude") }
            let r = forward ? tm.forward(c) : tm.inverse(c)
            if !r.isFinite || !c.isFinite { throw failure(c, code: 0) }
            return r
        }
        guard let pj else { throw failure(c, code: 0) }
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
        guard xs.count == ys.count else {
            throw PROJError(.transform, code: 0, projMessage: "", message: Message(
                th: "จำนวนค่า x (\(xs.count)) กับค่า y (\(ys.count)) ไม่เท่ากัน", en: "\(xs.count) x values but \(ys.count) y values"))
        }
        let n = xs.count
        if n == 0 { return }
        if utm != nil {
            var ox = xs, oy = ys
            for i in 0..<n {
                do {
                    let r = try transform(Coordinate(xs[i], ys[i]))
                    ox[i] = r.x; oy[i] = r.y
                } catch let e as PROJError {
                    throw PROJError(e.kind, code: e.code, projMessage: e.projMessage, message: Message(
                        th: e.message.th + " (ลำดับที่ \(i))", en: e.message.en + " (index \(i))"))
                }
            }
            xs = ox; ys = oy
            return
        }
        guard let pj else { return }
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
