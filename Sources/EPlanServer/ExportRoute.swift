import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird

/// `GET /api/v1/export?format=geojson|geojsonseq|csv&…filters…`: the `eplan export` use case
/// with the same filters, limited to what the account may read. The use case writes a
/// temporary file (checked, atomic, memory bounded); the file is then streamed to the client
/// in 1 MiB chunks and removed.
enum ExportRoute {
    static func handle(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let actor = try EPlanRoutes.actor(context)
        let export = try exportRequest(request.uri.queryParameters, actor: actor)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eplan-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("export").path
        do {
            var withPath = export
            withPath.outputPath = path
            let request = withPath
            _ = try await offload { try ExportProjects(store: config.openStore()).run(request) }
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
        let type = export.format == .csv ? "text/csv; charset=utf-8" : export.format == .geojson ? "application/geo+json" : "application/geo+json-seq"
        return TempFile.response(path: path, dir: dir, contentType: type)
    }

    /// The query as the use case's request; the account's LAO or province is imposed.
    static func exportRequest(_ q: Hummingbird.Parameters, actor: Actor) throws -> ExportRequest {
        let formatText = q.get("format") ?? "geojson"
        guard let format = ExportFormat(rawValue: formatText) else {
            throw Problem(.badInput, Message(th: "format ต้องเป็น geojson, geojsonseq หรือ csv (ได้ '\(formatText)')",
                                             en: "format must be geojson, geojsonseq or csv (got '\(formatText)')"), field: "format")
        }
        // The one filter parser of the CLI's options (ProjectQuery.parse), on the query parameters.
        var values: [ProjectQuery.Key: String] = [:]
        for key in ProjectQuery.Key.allCases { if let v = q.get(key.rawValue) { values[key] = v } }
        var filter = try ProjectQuery.parse(values, field: { $0.rawValue })
        filter.includeUnpinned = q.get("include_unpinned") == "true"
        try restrict(&filter, to: actor)
        return ExportRequest(query: filter, format: format)
    }

    /// A provincial account exports its province, LAO staff their LAO; asking for another is 403.
    static func restrict(_ filter: inout ProjectQuery, to actor: Actor) throws {
        func forbidden(_ field: String, _ value: String) -> Problem {
            Problem(.forbidden, Message(th: "บัญชี \(actor.name) ไม่มีสิทธิ์ส่งออกข้อมูลของ \(value)",
                                        en: "account \(actor.name) may not export the data of \(value)"), field: field)
        }
        switch actor.role {
        case .local, .admin: return
        case .province:
            let own = actor.provinceCode ?? ""
            if let p = filter.province, ThaiText.asciiDigits(p.trimmingCharacters(in: .whitespaces)) != own { throw forbidden("province", p) }
            filter.province = own
        case .engineer, .planner, .finance:
            let own = actor.laoCode ?? ""
            if let l = filter.lao, ThaiText.asciiDigits(l.trimmingCharacters(in: .whitespaces)) != own { throw forbidden("lao", l) }
            filter.lao = own
        }
    }

}
