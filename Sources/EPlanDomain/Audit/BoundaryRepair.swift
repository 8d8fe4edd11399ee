import Foundation

/// One geometry a repair replaced.
public struct BoundaryRepairResult: Sendable, Equatable {
    public var level: BoundaryLevel
    public var code: String
    public var reason: String
    /// UTM area (m²) before and after.
    public var areaBefore: Double
    public var areaAfter: Double
}

/// Repairs, separate from audits (which never change data); each keeps the original.
public struct BoundaryRepair {
    public let store: any EPlanStoring
    public init(store: any EPlanStoring) { self.store = store }

    /// Replaces every invalid geometry of `levels` with GEOS's make-valid result as a
    /// multipolygon (is_valid = 1), keeping the original in boundary_original.
    public func makeValid(levels: [BoundaryLevel]) throws -> [BoundaryRepairResult] {
        let worker = AuditWorker()
        var out: [BoundaryRepairResult] = []
        for level in levels {
            for r in try store.boundaries(level: level) where !r.geometry.isEmpty {
                let g = try GEOSGeometry(r.geometry, context: worker.geos)
                let v = g.validity()
                guard !v.isValid else { continue }
                let fixed = polygonalParts(try g.makeValid().toGeometry())
                let before = try worker.utmArea(r.geometry), after = try worker.utmArea(fixed)
                try store.replaceBoundaryGeometry(level: level, code: r.code, with: fixed, repair: "make-valid")
                out.append(BoundaryRepairResult(level: level, code: r.code, reason: v.reason ?? "invalid",
                                                areaBefore: before, areaAfter: after))
            }
        }
        return out
    }
}
