import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird
import HummingbirdCore

/// The service's routes. Every handler parses the request into a use case's request, runs
/// the use case (the same checks, refusals and messages as the CLI) and renders its result;
/// failures become problem answers in `ProblemMiddleware`.
public enum EPlanRoutes {
    public static func router(_ config: ServerConfig) -> Router<EPlanRequestContext> {
        router(config, Authenticator(config: config))
    }

    /// With the server's one authenticator (its verified credentials are shared with `WhereFastPath`).
    static func router(_ config: ServerConfig, _ authenticator: Authenticator) -> Router<EPlanRequestContext> {
        let router = Router(context: EPlanRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        let open = router.group("api/v1")
        open.get("openapi.json") { _, _ in json(OpenAPIDocument.json, status: .ok) }
        open.post("login") { request, context in try await login(request, context, authenticator, config) }
        let secured = router.group("api/v1").add(middleware: AuthMiddleware(authenticator: authenticator))
        secured.post("logout") { request, context in
            try await authenticator.logout(request, actor: try actor(context), address: context.address)
            // The cookie is cleared in the browser too.
            return Response(status: .noContent, headers: [.setCookie: "\(Authenticator.sessionCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"])
        }
        secured.get("where") { request, context in try await locate(request, context, config) }
        secured.post("projects/{code}/pins") { request, context in try await pin(request, context, config) }
        secured.get("projects/{code}/pins") { request, context in try await history(request, context, config) }
        secured.get("export") { request, context in try await ExportRoute.handle(request, context, config) }
        secured.get("reports/status") { request, context in try await statusReport(request, context, config) }
        // The map page (/, its script, style and Leaflet) and its data, GET /api/v1/map.
        MapPage.register(router, secured: secured, config: config)
        ProjectRoutes.register(secured, config)
        AuditRoutes.register(secured, config)
        ImportRoutes.register(secured, config)
        OGCRoutes.add(to: router, config, authenticator)
        return router
    }

    static func json(_ text: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        json(buffer: ByteBuffer(string: text), status: status, headers: headers)
    }

    static func json(bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        json(buffer: ByteBuffer(bytes: bytes), status: status, headers: [:])
    }

    private static func json(buffer: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }

    static func actor(_ context: EPlanRequestContext) throws -> Actor {
        guard let actor = context.actor else { throw Authenticator.unauthenticated(Message(th: "ต้องเข้าสู่ระบบ", en: "log in first")) }
        return actor
    }

    /// The body as a JSON object; 400 naming `body` when it is not one, 413 over 1 MiB.
    static func jsonObject(_ request: Request) async throws -> [String: JSONValue] {
        var request = request
        let buffer = try await request.collectBody(upTo: ServerConfig.bodyLimit)
        guard case .object(let dict)? = buffer.withUnsafeReadableBytes({ JSONValue.parse($0) }) else {
            throw Problem(.badInput, Message(th: "ข้อมูลที่ส่งมาต้องเป็นออบเจกต์ JSON", en: "the request body must be a JSON object"), field: "body")
        }
        return dict
    }

    // MARK: POST /login

    static func login(_ request: Request, _ context: EPlanRequestContext, _ authenticator: Authenticator, _ config: ServerConfig) async throws -> Response {
        let body = try await jsonObject(request)
        guard case .string(let name)? = body["name"] else { throw PinBody.missing("name") }
        guard case .string(let password)? = body["password"] else { throw PinBody.missing("password") }
        let session = try await authenticator.login(name: name, password: password, address: context.address)
        let a = session.account
        var cookie = "\(Authenticator.sessionCookie)=\(session.session); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(config.sessionSeconds))"
        if config.secureCookies { cookie += "; Secure" }
        let text = "{\"name\":\(JSONText.string(a.name)),\"role\":\(JSONText.string(a.role)),"
            + "\"lao\":\(a.laoCode.map(JSONText.string) ?? "null"),\"province\":\(a.provinceCode.map(JSONText.string) ?? "null"),"
            + "\"csrf_token\":\(JSONText.string(session.csrf)),\"expires_at\":\(JSONText.string(session.expires))}"
        return json(text, status: .ok, headers: [.setCookie: cookie, .cacheControl: "no-store"])
    }

    // MARK: GET /where

    static func locate(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let text = try await config.stores.locate(try whereRequest(request.uri))
        return json(text, status: .ok)
    }

    /// The use case's request from the query (`at`, `crs`, `lon_first`); 400 without `at`.
    static func whereRequest(_ uri: URI) throws -> WhereRequest {
        let query = uri.queryParameters
        guard let at = query.get("at"), !at.isEmpty else { throw PinBody.missing("at") }
        return WhereRequest(coordinate: at, crs: query.get("crs"), longitudeFirst: query.get("lon_first") == "true")
    }

    // MARK: POST /projects/{code}/pins

    static func pin(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let actor = try actor(context)
        let code = context.parameters.get("code") ?? ""
        let pinRequest = try PinBody.request(code: code, try await jsonObject(request))
        let lang = ProblemMiddleware.language(request)
        // The use case's checks on a pooled connection, many requests at once; the pin it
        // decided to store goes to the one writer, which answers once it is committed.
        let checked = try await config.stores.checkInline(if: pinRequest.isOnePointTyped) { reader, places in
            // The boundaries in memory, as `GET /where` uses them (current for the store: its
            // generation read with the project's row on PostgreSQL).
            try PinProject(store: reader.store, context: EPlanApp.RequestContext(actor: actor, language: lang),
                           geos: reader.geos, prepared: reader.prepared, placesAfterProject: places).check(pinRequest)
        }
        var stored: PinRecord? = nil
        if let record = checked.record { stored = try await config.stores.pins.write(record) }
        let result = checked.result(stored: stored)
        if result.isRefusal {
            throw Problem(.pinRefused, result.verdict.summary, field: "location", extra: [("pin", result.json(lang))])
        }
        return json(bytes: result.jsonBytes(lang), status: result.stored == nil ? .ok : .created)
    }

    // MARK: GET /projects/{code}/pins

    static func history(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let actor = try actor(context)
        let code = context.parameters.get("code") ?? ""
        let lang = ProblemMiddleware.language(request)
        let result = try await offload {
            try ShowPinHistory(store: config.openStore(), context: EPlanApp.RequestContext(actor: actor, language: lang)).run(PinHistoryRequest(projectCode: code))
        }
        return json("[" + result.versions.map { $0.json(lang) }.joined(separator: ",") + "]", status: .ok)
    }

    // MARK: GET /reports/status

    static func statusReport(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let actor = try actor(context)
        let query = request.uri.queryParameters
        guard let province = query.get("province") else { throw PinBody.missing("province") }
        guard let yearText = query.get("year") else { throw PinBody.missing("year") }
        let year = try PlanYear.be(yearText, field: "year")
        let asOf = try query.get("as_of").map { try StatusReportRequest.asOfDate($0, field: "as_of") }
        let formatText = query.get("format") ?? "csv"
        guard let format = StatusReportRequest.Format(rawValue: formatText) else {
            throw Problem(.badInput, Message(th: "format ต้องเป็น csv, html หรือ text (ได้ '\(formatText)')",
                                             en: "format must be csv, html or text (got '\(formatText)')"), field: "format")
        }
        let report = StatusReportRequest(provinceCode: province, year: year, asOf: asOf)
        guard actor.mayReport(provinceCode: report.provinceCode) else {
            throw Problem(.forbidden, Message(th: "บัญชี \(actor.name) ไม่มีสิทธิ์ดูรายงานของจังหวัด \(report.provinceCode)",
                                              en: "account \(actor.name) may not read the report of province \(report.provinceCode)"), field: "province")
        }
        let lang = ProblemMiddleware.language(request)
        let text = try await offload { MakeStatusReport.render(try MakeStatusReport(store: config.openStore()).run(report), as: format, lang) }
        let type = format == .csv ? "text/csv; charset=utf-8" : format == .html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Actor {
    /// The provincial status report: the provincial office for its province, admins for all.
    func mayReport(provinceCode: String) -> Bool {
        switch role {
        case .local, .admin: return true
        case .province: return self.provinceCode == provinceCode
        case .engineer, .planner, .finance: return false
        }
    }
}

/// The JSON body of `POST /projects/{code}/pins` as a `PinRequest`: exactly one of
/// `location`, `locations`, `polygon`, `wkt`, `geojson`; optional `crs`, `dry_run`, `force`,
/// `tolerance_m`. The account is the one who pins: there is no `by`.
enum PinBody {
    static let forms = ["location", "locations", "polygon", "wkt", "geojson"]
    static let options = ["crs", "dry_run", "force", "tolerance_m", "lon_first"]

    static func request(code: String, _ body: [String: JSONValue]) throws -> PinRequest {
        if let unknown = body.keys.sorted().first(where: { !forms.contains($0) && !options.contains($0) }) {
            throw Problem(.badInput, Message(th: "ไม่รู้จักช่อง '\(unknown)' (ใช้ได้: \((forms + options).joined(separator: ", ")))",
                                             en: "unknown member '\(unknown)' (known: \((forms + options).joined(separator: ", ")))"), field: unknown)
        }
        let given = forms.filter { body[$0] != nil }
        guard given.count == 1, let form = given.first, let value = body[form] else {
            throw Problem(.badInput, Message(th: "ต้องระบุตำแหน่งทางเดียว: location, locations, polygon, wkt หรือ geojson",
                                             en: "give the location one way: location, locations, polygon, wkt or geojson"), field: given.count > 1 ? given[1] : "location")
        }
        var pin = PinRequest(projectCode: code, location: try location(form, value))
        pin.polygon = form == "polygon"
        pin.crs = try string("crs", body["crs"])
        pin.longitudeFirst = try flag("lon_first", body["lon_first"])
        pin.dryRun = try flag("dry_run", body["dry_run"])
        pin.force = try flag("force", body["force"])
        switch body["tolerance_m"] {
        case nil, .null?: break
        case .number(let n)?: pin.toleranceM = try ToleranceMetres.parse(String(n), field: "tolerance_m")
        default: throw wrongType("tolerance_m", Message(th: "ตัวเลข (เมตร)", en: "a number (metres)"))
        }
        return pin
    }

    private static func location(_ form: String, _ value: JSONValue) throws -> PinRequest.Location {
        switch (form, value) {
        case ("location", .string(let s)): return .typed([s])
        case ("location", _): throw wrongType(form, Message(th: "ข้อความพิกัด เช่น \"16.92, 99.21\"", en: "a coordinate text, e.g. \"16.92, 99.21\""))
        case ("locations", .array(let list)), ("polygon", .array(let list)):
            let texts = list.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            guard !texts.isEmpty, texts.count == list.count else { throw notAList(form) }
            return .typed(texts)
        case ("locations", _), ("polygon", _): throw notAList(form)
        case ("wkt", .string(let s)): return .wkt(s)
        case ("wkt", _): throw wrongType(form, Message(th: "ข้อความ WKT", en: "a WKT text"))
        case (_, .string(let s)): return .geoJSON(s)
        case (_, .object): return .geoJSON(value.text)
        default: throw wrongType(form, Message(th: "ออบเจกต์ GeoJSON", en: "a GeoJSON object"))
        }
    }

    private static func flag(_ name: String, _ value: JSONValue?) throws -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let b)?: return b
        default: throw wrongType(name, Message(th: "true หรือ false", en: "true or false"))
        }
    }

    private static func string(_ name: String, _ value: JSONValue?) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw wrongType(name, Message(th: "ข้อความ", en: "a text"))
        }
    }

    private static func notAList(_ form: String) -> Problem {
        wrongType(form, Message(th: "รายการข้อความพิกัด (ไม่ว่าง)", en: "a non-empty list of coordinate texts"))
    }

    static func wrongType(_ field: String, _ expected: Message) -> Problem {
        Problem(.badInput, Message(th: "\(field) ต้องเป็น\(expected.th)", en: "\(field) must be \(expected.en)"), field: field)
    }

    static func missing(_ field: String) -> Problem {
        Problem(.badInput, Message(th: "ต้องระบุ \(field)", en: "\(field) is required"), field: field)
    }
}
