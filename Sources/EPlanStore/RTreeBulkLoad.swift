import EPlanGeometry

/// One entry of an SQLite R*Tree of 32-bit float boxes (`USING rtree(pkid, xmin, xmax, ymin, ymax)`).
struct RTreeEntry: Equatable {
    var id: Int64
    var minX: Float, maxX: Float, minY: Float, maxY: Float

    init(id: Int64, minX: Float, maxX: Float, minY: Float, maxY: Float) {
        self.id = id; self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY
    }

    /// The box SQLite's rtree stores for `e`: each bound rounded outwards to a float, exactly
    /// as rtree.c's rtreeValueDown/rtreeValueUp round it, so a query finds the same rows.
    init(id: Int64, _ e: Envelope) {
        self.init(id: id, minX: Self.down(e.minX), maxX: Self.up(e.maxX), minY: Self.down(e.minY), maxY: Self.up(e.maxY))
    }

    private static let towards = 1.0 - 1.0 / 8_388_608.0, away = 1.0 + 1.0 / 8_388_608.0

    static func down(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) > d ? Float(d * (d < 0 ? away : towards)) : f
    }

    static func up(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) < d ? Float(d * (d < 0 ? towards : away)) : f
    }

    func union(_ o: RTreeEntry) -> RTreeEntry {
        RTreeEntry(id: id, minX: min(minX, o.minX), maxX: max(maxX, o.maxX), minY: min(minY, o.minY), maxY: max(maxY, o.maxY))
    }
}

/// Builds an SQLite R*Tree in one pass (packed along a Hilbert curve) and writes its three
/// shadow tables (`_node`, `_rowid`, `_parent`) directly, as GDAL's and SpatiaLite 5.1's
/// bulk loaders do: inserting 100,000 boxes one by one through the rtree module costs some
/// 30 µs each (node splits, each node rewritten per insert), the packed tree a few ms in all.
/// The file format is SQLite's own (rtree.c: big-endian nodes, root node 1 holding the
/// depth); `rtreecheck()` and every SQLite reader take it as any other R*Tree.
struct RTreeBulkLoad {
    let db: Database
    /// The virtual table's name (its shadow tables are NAME_node, NAME_rowid, NAME_parent).
    let table: String

    /// Every entry of the tree, as stored (the floats SQLite hands back are the stored ones).
    func entries() throws -> [RTreeEntry] {
        var out: [RTreeEntry] = []
        try db.query("SELECT pkid, xmin, xmax, ymin, ymax FROM \"\(table)\"") { r in
            out.append(RTreeEntry(id: r.int64(0), minX: Float(r.double(1)), maxX: Float(r.double(2)),
                                  minY: Float(r.double(3)), maxY: Float(r.double(4))))
        }
        return out
    }

    /// Replaces the whole tree by one holding exactly `entries` (inside the caller's transaction).
    func replace(with entries: [RTreeEntry]) throws {
        let nodeSize = Int(try db.scalar("SELECT length(data) FROM \"\(table)_node\" WHERE nodeno = 1").int64 ?? 0)
        let perNode = (nodeSize - 4) / 24
        guard perNode >= 4 else {
            throw DatabaseError(kind: .sql, code: 1, sqliteMessage: "\(table) is not a 2D rtree (root node of \(nodeSize) bytes)", sql: nil)
        }
        try db.execute("DELETE FROM \"\(table)_node\"; DELETE FROM \"\(table)_rowid\"; DELETE FROM \"\(table)_parent\";")
        let node = try db.prepare("INSERT INTO \"\(table)_node\" (nodeno, data) VALUES (?, ?)")
        let rowid = try db.prepare("INSERT INTO \"\(table)_rowid\" (rowid, nodeno) VALUES (?, ?)")
        let parent = try db.prepare("INSERT INTO \"\(table)_parent\" (nodeno, parentnode) VALUES (?, ?)")
        var level = Self.hilbertOrder(entries)
        var depth = 0, next: Int64 = 2
        while level.count > perNode {
            var upper: [RTreeEntry] = []
            upper.reserveCapacity(level.count / perNode + 1)
            for range in Self.chunks(level.count, perNode) {
                let cells = level[range], nodeno = next
                next += 1
                try node.execute([.integer(nodeno), .blob(Self.nodeBytes(cells, depth: nil, size: nodeSize))])
                for c in cells { try (depth == 0 ? rowid : parent).execute([.integer(c.id), .integer(nodeno)]) }
                var box = cells[cells.startIndex]
                for c in cells { box = box.union(c) }
                box.id = nodeno
                upper.append(box)
            }
            level = upper
            depth += 1
        }
        try node.execute([.integer(1), .blob(Self.nodeBytes(level[...], depth: depth, size: nodeSize))])
        for c in level { try (depth == 0 ? rowid : parent).execute([.integer(c.id), .integer(1)]) }
    }

    /// `count` items cut into the fewest nodes of at most `perNode`, sized evenly (each
    /// more than half full, so later deletes do not at once find them too empty).
    static func chunks(_ count: Int, _ perNode: Int) -> [Range<Int>] {
        let n = (count + perNode - 1) / perNode
        return (0..<n).map { i in (count * i / n)..<(count * (i + 1) / n) }
    }

    /// One node as rtree.c writes it: depth (root only), cell count, then each cell's id
    /// (int64) and box (4 floats), big-endian, padded with zeros to the node size.
    static func nodeBytes(_ cells: ArraySlice<RTreeEntry>, depth: Int?, size: Int) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: size)
        func put(_ v: UInt64, _ at: Int, _ n: Int) { for k in 0..<n { b[at + k] = UInt8(truncatingIfNeeded: v >> UInt64(8 * (n - 1 - k))) } }
        put(UInt64(depth ?? 0), 0, 2)
        put(UInt64(cells.count), 2, 2)
        for (i, c) in cells.enumerated() {
            let at = 4 + 24 * i
            put(UInt64(bitPattern: c.id), at, 8)
            for (k, f) in [c.minX, c.maxX, c.minY, c.maxY].enumerated() { put(UInt64(f.bitPattern), at + 8 + 4 * k, 4) }
        }
        return b
    }

    /// The entries by the Hilbert index of their centres on a 65,536² grid over their extent
    /// (neighbours on the map end up in one node), then by id.
    static func hilbertOrder(_ entries: [RTreeEntry]) -> [RTreeEntry] {
        guard let first = entries.first else { return [] }
        var all = first
        for e in entries { all = all.union(e) }
        let w = max(Double(all.maxX) - Double(all.minX), 1e-12), h = max(Double(all.maxY) - Double(all.minY), 1e-12)
        func cell(_ lo: Float, _ hi: Float, _ base: Float, _ span: Double) -> UInt32 {
            UInt32(max(0, min(65_535, ((Double(lo) + Double(hi)) / 2 - Double(base)) / span * 65_535)))
        }
        let keyed = entries.map { e in (hilbert(cell(e.minX, e.maxX, all.minX, w), cell(e.minY, e.maxY, all.minY, h)), e) }
        return keyed.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.id < $1.1.id }.map(\.1)
    }

    /// The distance of (x, y) along the Hilbert curve filling a 65,536² grid.
    static func hilbert(_ x: UInt32, _ y: UInt32) -> UInt64 {
        var x = x, y = y, d: UInt64 = 0
        var s: UInt32 = 1 << 15
        while s > 0 {
            let rx: UInt32 = (x & s) > 0 ? 1 : 0, ry: UInt32 = (y & s) > 0 ? 1 : 0
            d += UInt64(s) * UInt64(s) * UInt64((3 * rx) ^ ry)
            if ry == 0 {
                if rx == 1 { x = s &- 1 &- x; y = s &- 1 &- y }
                swap(&x, &y)
            }
            s >>= 1
        }
        return d
    }
}
