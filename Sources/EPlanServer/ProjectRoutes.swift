import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird

/// `GET /projects`, `GET /projects/{code}`, `PATCH /projects/{code}` and `GET /pins`: the
/// CLI's `projects list|show|update` and `pins list` use cases, with the account as the
/// actor. What an account may see (its LAO, its province, everything for admins) and who
/// may change which field are the use cases' rules; a project of another LAO is 403, an
/// unknown code 404.
enum ProjectRoutes {
    static func register(_ secured: RouterGroup<EPlanRequestContext>, _ config: ServerConfig) {
        secured.get("projects") { request, context in try await list(request, context, config) }
        secured.get("projects/{code}") { request, context in try await show(request, context, config) }
        secured.patch("projects/{code}") { request, context in try await update(request, context, config) }
        secured.get("pins") { request, context in try await pins(request, context, config) }
    }

    static func appContext(_ request: Request, _ context: EPlanRequestContext) throws -> EPlanApp.RequestContext {
        EPlanApp.RequestContext(actor: try EPlanRoutes.actor(context), language: ProblemMiddleware.language(request))
    }

    // MARK: GET /projects

    static func list(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try appContext(request, context)
        let query = try Query.filter(request.uri.queryParameters, allowing: [])
        let text = try await offload {
            let store = try config.openStore()
            let projects = try ListProjects(store: store, context: app).run(query)
            var names: [String: String] = [:]
            for code in Set(projects.map(\.laoCode)) { names[code] = try store.lao(code: code)?.displayTH }
            return "[" + projects.map { $0.json(laoName: names[$0.laoCode]) }.joined(separator: ",") + "]"
        }
        return EPlanRoutes.json(text, status: .ok)
    }

    // MARK: GET /projects/{code}

    static func show(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try appContext(request, context)
        let code = context.parameters.get("code") ?? ""
        let text = try await offload {
            let shown = try ShowProject(store: try config.openStore(), context: app).run(code: code)
            return shown.project.json(laoName: shown.lao?.displayTH, log: shown.log)
        }
        return EPlanRoutes.json(text, status: .ok)
    }

    // MARK: PATCH /projects/{code}

    /// The body: the fields of `projects update` by their keys (`contract_amount`, …), each a
    /// text as the CLI takes it, a number, or null to clear. The account is who changes it.
    static func update(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try appContext(request, context)
        let code = context.parameters.get("code") ?? ""
        let input = try stageInput(try await EPlanRoutes.jsonObject(request))
        let text = try await offload {
            let store = try config.openStore()
            let result = try UpdateProjectStages(store: store, context: app).run(code: code, input)
            let shown = try ShowProject(store: store, context: app).run(code: result.code)
            return "{\"code\":\(JSONText.string(result.code)),\"changes\":[" + result.log.map(\.json).joined(separator: ",") + "],"
                + "\"warnings\":[" + result.warnings.map { JSONText.string($0.text(app.language)) }.joined(separator: ",") + "],"
                + "\"project\":" + shown.project.json(laoName: shown.lao?.displayTH) + "}"
        }
        return EPlanRoutes.json(text, status: .ok)
    }

    static func stageInput(_ body: [String: JSONValue]) throws -> ProjectStageInput {
        let fields = UpdateProjectStages.fields
        if let unknown = body.keys.sorted().first(where: { key in !fields.contains { $0.key == key } }) {
            let known = fields.map(\.key).joined(separator: ", ")
            throw Problem(.badInput, Message(th: "ไม่รู้จักช่อง '\(unknown)' (ใช้ได้: \(known))", en: "unknown member '\(unknown)' (known: \(known))"),
                          field: unknown)
        }
        var input = ProjectStageInput()
        for field in fields {
            switch body[field.key] {
            case nil: break
            case .null?: input[keyPath: field.path] = "-"   // the CLI's "-": clear the value
            case .string(let s)?: input[keyPath: field.path] = s
            case .number(let n)?: input[keyPath: field.path] = JSONValue.number(n).text
            default: throw PinBody.wrongType(field.key, Message(th: "ข้อความ ตัวเลข หรือ null", en: "a text, a number or null"))
            }
        }
        return input
    }

    // MARK: GET /pins

    static func pins(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try appContext(request, context)
        let q = request.uri.queryParameters
        let query = try Query.filter(q, allowing: ["status", "unpinned"])
        let status = try q.get("status").map { try ListPins.status($0, field: "status") }
        let unpinned = try Query.flag(q, "unpinned")
        let text = try await offload {
            let listing = ListPins(store: try config.openStore(), context: app)
            if unpinned { return "[" + (try listing.unpinned(query)).map(\.json).joined(separator: ",") + "]" }
            return "[" + (try listing.current(query, status: status)).map { $0.json(app.language) }.joined(separator: ",") + "]"
        }
        return EPlanRoutes.json(text, status: .ok)
    }
}

/// Query parameters: the CLI's project filter (`ProjectQuery.parse`) and flags; an unknown
/// parameter is bad input naming it, so a misspelt filter is never silently ignored.
enum Query {
    static func filter(_ q: Hummingbird.Parameters, allowing extra: [String]) throws -> ProjectQuery {
        let keys = ProjectQuery.Key.allCases.map(\.rawValue) + extra
        try known(q, keys)
        var values: [ProjectQuery.Key: String] = [:]
        for key in ProjectQuery.Key.allCases { if let v = q.get(key.rawValue) { values[key] = v } }
        return try ProjectQuery.parse(values, field: { $0.rawValue })
    }

    static func known(_ q: Hummingbird.Parameters, _ keys: [String]) throws {
        if let unknown = q.map({ String($0.key) }).first(where: { !keys.contains($0) }) {
            throw Problem(.badInput, Message(th: "ไม่รู้จักพารามิเตอร์ '\(unknown)' (ใช้ได้: \(keys.joined(separator: ", ")))",
                                             en: "unknown parameter '\(unknown)' (known: \(keys.joined(separator: ", ")))"), field: unknown)
        }
    }

    /// `true` or `false` (absent: false).
    static func flag(_ q: Hummingbird.Parameters, _ name: String) throws -> Bool {
        switch q.get(name) {
        case nil, "false"?: return false
        case "true"?: return true
        default: throw PinBody.wrongType(name, Message(th: "true หรือ false", en: "true or false"))
        }
    }

    /// A number ≥ 0 for a metres or count parameter.
    static func number(_ q: Hummingbird.Parameters, _ name: String) throws -> Double? {
        guard let raw = q.get(name) else { return nil }
        guard let v = ThaiText.number(raw), v.isFinite, v >= 0 else {
            throw PinBody.wrongType(name, Message(th: "ตัวเลขไม่ติดลบ (ได้ '\(raw)')", en: "a non-negative number (got '\(raw)')"))
        }
        return v
    }
}
