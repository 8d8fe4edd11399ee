import Foundation

/// The units of one level held in memory for many "which unit covers this point?"
/// questions, as the pin audit asks once per pin outside its LAO. The answer is
/// `PlaceLookup.containing`'s — the first unit by code whose box holds the point and whose
/// geometry covers it — without a database query and a GEOS build per point: candidates
/// come from a uniform grid of the units' boxes, and each unit is prepared once, when first
/// tested. Not thread-safe (one GEOS context).
final class BoundaryPointIndex {
    let records: [BoundaryRecord]
    private let envelopes: [Envelope?]
    private let geos: GEOSContext
    private var prepared: [Int: PreparedGeometry] = [:]
    private let extent: Envelope
    private let cols: Int, rows: Int
    private let cellW: Double, cellH: Double
    /// Record indices per cell (row-major), ascending, so the first hit is the first by code.
    private let cells: [[Int32]]

    init(records: [BoundaryRecord], geos: GEOSContext) {
        self.records = records.sorted { $0.code < $1.code }
        self.geos = geos
        envelopes = self.records.map { $0.geometry.isEmpty ? nil : $0.geometry.envelope }
        var total: Envelope? = nil
        for case let e? in envelopes { if total == nil { total = e } else { total!.expand(e) } }
        extent = total ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
        // About four cells per unit: a unit's box touches a few cells, a cell holds a few units.
        let w = max(extent.width, 1e-9), h = max(extent.height, 1e-9)
        let size = (w * h / Double(max(4, 4 * self.records.count))).squareRoot()
        cols = max(1, min(4096, Int((w / size).rounded(.up))))
        rows = max(1, min(4096, Int((h / size).rounded(.up))))
        cellW = w / Double(cols); cellH = h / Double(rows)
        var cells = [[Int32]](repeating: [], count: cols * rows)
        for (i, e) in envelopes.enumerated() {
            guard let e else { continue }
            let (c0, r0) = (Self.clamp((e.minX - extent.minX) / cellW, cols), Self.clamp((e.minY - extent.minY) / cellH, rows))
            let (c1, r1) = (Self.clamp((e.maxX - extent.minX) / cellW, cols), Self.clamp((e.maxY - extent.minY) / cellH, rows))
            for r in r0...r1 { for c in c0...c1 { cells[r * cols + c].append(Int32(i)) } }
        }
        self.cells = cells
    }

    private static func clamp(_ v: Double, _ n: Int) -> Int { v.isFinite ? min(n - 1, max(0, Int(v))) : 0 }

    /// The first unit (by code) covering `c`, or nil.
    func first(covering c: Coordinate) throws -> BoundaryRecord? {
        guard c.isFinite, extent.contains(c) else { return nil }
        let cell = Self.clamp((c.y - extent.minY) / cellH, rows) * cols + Self.clamp((c.x - extent.minX) / cellW, cols)
        for i in cells[cell] {
            let k = Int(i)
            guard let e = envelopes[k], e.contains(c) else { continue }
            if try preparedUnit(k).covers(x: c.x, y: c.y) { return records[k] }
        }
        return nil
    }

    private func preparedUnit(_ k: Int) throws -> PreparedGeometry {
        if let p = prepared[k] { return p }
        let p = try PreparedGeometry(try GEOSGeometry(records[k].geometry, context: geos))
        prepared[k] = p
        return p
    }
}
