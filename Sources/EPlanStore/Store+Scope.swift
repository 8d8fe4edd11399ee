/// Look-ups that turn what a user typed into codes the store holds (`ScopeLookups`), and
/// every LAO and project code.
extension Store {
    // The look-ups' SQL is shared with PostgreSQL's store (ScopeLookups.swift).
    public func provinceCodes(matching text: String, bareName: String) throws -> [String] {
        try ScopeLookups(db: database).provinceCodes(matching: text, bareName: bareName)
    }

    public func amphoeCodes(matching text: String, bareName: String, provinceCode: String?) throws -> [String] {
        try ScopeLookups(db: database).amphoeCodes(matching: text, bareName: bareName, provinceCode: provinceCode)
    }

    public func amphoe(_ amphoeCode: String, isInProvince provinceCode: String) throws -> Bool {
        try ScopeLookups(db: database).amphoe(amphoeCode, isInProvince: provinceCode)
    }

    public func yearKnown(_ year: Int, provinceCode: String?, amphoeCode: String?, laoCode: String?) throws -> Bool {
        try ScopeLookups(db: database).yearKnown(year, provinceCode: provinceCode, amphoeCode: amphoeCode, laoCode: laoCode)
    }

    /// Every LAO code stored.
    public func laoCodes() throws -> Set<String> {
        var out: Set<String> = []
        try database.query("SELECT code FROM lao") { out.insert($0.string(0) ?? "") }
        return out
    }

    /// Every project code stored.
    public func projectCodes() throws -> Set<String> {
        var out: Set<String> = []
        try database.query("SELECT code FROM project") { out.insert($0.string(0) ?? "") }
        return out
    }
}

/// A unit's names, without its geometry.
public struct BoundaryName: Equatable, Sendable {
    public var th: String
    public var en: String
}

/// A tambon's parents, by code.
public struct TambonParents: Equatable, Sendable {
    public var amphoeCode: String
    public var provinceCode: String
}

extension Store {
    /// Codes → names of one level (no geometry read).
    public func boundaryNames(level: BoundaryLevel) throws -> [String: BoundaryName] {
        var out: [String: BoundaryName] = [:]
        try database.query("SELECT code, name_th, name_en FROM \(level.table)") { r in
            out[r.string(0) ?? ""] = BoundaryName(th: r.string(1) ?? "", en: r.string(2) ?? "")
        }
        return out
    }

    /// Every tambon code → its amphoe and province codes.
    public func tambonParents() throws -> [String: TambonParents] {
        var out: [String: TambonParents] = [:]
        try database.query("SELECT code, amphoe_code, province_code FROM tambon") { r in
            out[r.string(0) ?? ""] = TambonParents(amphoeCode: r.string(1) ?? "", provinceCode: r.string(2) ?? "")
        }
        return out
    }

    /// Runs `body` in one transaction, all or nothing (nested calls become savepoints).
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T { try database.transaction(body) }
}
