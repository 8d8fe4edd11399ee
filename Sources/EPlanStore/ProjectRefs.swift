import Foundation

extension Store {
    /// Every project's code, LAO, kind, year and Thai name (for matching field files by
    /// name: one read, then matched in memory).
    public func allProjectRefs() throws -> [ProjectRef] {
        var out: [ProjectRef] = []
        try database.query("SELECT code, lao_code, kind, plan_year, name_th FROM project ORDER BY code") { row in
            out.append(ProjectRef(code: row.string(0) ?? "", laoCode: row.string(1) ?? "", kind: row.string(2) ?? "other",
                                  planYear: row.int(3), nameTH: row.string(4) ?? ""))
        }
        return out
    }
}
