/// A mark that moves whenever a store's boundaries change: every import of a level logs a
/// row in `boundary_import`, and every repair of a unit keeps the original in
/// `boundary_original` (both append-only, ids only grow). Reading it is two index seeks, so
/// a long-lived copy of the boundaries (the service's place index) can check it per request
/// and rebuild only when it moved.
public struct BoundaryGeneration: Equatable, Sendable, CustomStringConvertible {
    public let imports: Int64
    public let repairs: Int64
    public init(imports: Int64, repairs: Int64) { self.imports = imports; self.repairs = repairs }
    public var description: String { "\(imports).\(repairs)" }
}

extension Store {
    public func boundaryGeneration() throws -> BoundaryGeneration {
        var g = BoundaryGeneration(imports: 0, repairs: 0)
        try database.query("SELECT (SELECT max(id) FROM boundary_import), (SELECT max(id) FROM boundary_original)") { r in
            g = BoundaryGeneration(imports: r.int64(0), repairs: r.int64(1))
        }
        return g
    }
}

extension PostgresStore {
    public func boundaryGeneration() throws -> BoundaryGeneration {
        if let g = db.takeBoundaryGeneration() { return g }  // read with a project's row (`projectRef`)
        let r = try db.preparedQuery("SELECT (SELECT max(id) FROM boundary_import), (SELECT max(id) FROM boundary_original)", [])
        guard let row = r.first else { return BoundaryGeneration(imports: 0, repairs: 0) }
        return BoundaryGeneration(imports: row.int64(0), repairs: row.int64(1))
    }
}
