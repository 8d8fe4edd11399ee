import EPlanApp
import EPlanDomain
import Foundation
import HTTPTypes
import Hummingbird

/// OGC API – Features Part 1 (core, GeoJSON, OpenAPI 3.0, HTML) at `/ogc` (issue 11): the
/// boundary layers and the projects' current pins as collections for QGIS, GDAL and people.
/// The landing page, conformance and the API document are open; collections and items
/// follow the accounts (`OGCAccess`). Handlers parse and render only: `ReadFeatures` decides.
enum OGCRoutes {
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

    static func add(to router: Router<EPlanRequestContext>, _ config: ServerConfig, _ authenticator: Authenticator) {
        let open = router.group("ogc")
        open.get { request, _ in landing(request, config) }
        open.get("conformance") { request, _ in conformance(request, config) }
        open.get("api") { request, _ in api(request, config) }
        let data = router.group("ogc").add(middleware: OGCAccess(authenticator: authenticator, publicRead: config.publicRead))
        data.get("collections") { request, context in try await collections(request, context, config) }
        data.get("collections/{collectionId}") { request, context in try await collection(request, context, config) }
        data.get("collections/{collectionId}/items") { request, context in try await OGCItems.items(request, context, config) }
        data.get("collections/{collectionId}/items/{featureId}") { request, context in try await OGCItems.item(request, context, config) }
    }

    // MARK: Request helpers

    /// The absolute address of the service: `--public-url`, else from the Host header.
    static func base(_ request: Request, _ config: ServerConfig) -> String {
        if let url = config.publicURL, !url.isEmpty { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        let host = request.head.authority ?? "\(config.host):\(config.port)"
        return "http://" + host
    }

    /// The query's parameters (the first of each name), decoded.
    static func params(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in request.uri.queryParameters where out[String(k)] == nil { out[String(k)] = String(v) }
        return out
    }

    /// HTML when asked by `f=html`, or by an Accept header that names text/html (a browser); JSON otherwise.
    static func wantsHTML(_ request: Request) throws -> Bool {
        switch params(request)["f"]?.lowercased() {
        case "html": return true
        case "json", "geojson", "application/json", "application/geo+json": return false
        case nil: return (request.headers[.accept] ?? "").contains("text/html")
        case let f?:
            throw Problem(.badInput, Message(th: "f ต้องเป็น json หรือ html (ได้ '\(f)')", en: "f must be json or html (got '\(f)')"), field: "f")
        }
    }

    /// Thai unless `lang=en` or the client prefers English.
    static func language(_ request: Request) -> Language {
        if let l = params(request)["lang"]?.lowercased() { return l.hasPrefix("en") ? .en : .th }
        return ProblemMiddleware.language(request)
    }

    static func reply(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ text: String) -> Response { reply(text, type: "application/json") }

    static func link(_ href: String, _ rel: String, _ type: String, _ title: String? = nil) -> String {
        "{\"href\":\(JSONText.string(href)),\"rel\":\"\(rel)\",\"type\":\(JSONText.string(type))"
            + (title.map { ",\"title\":\(JSONText.string($0))" } ?? "") + "}"
    }

    static func scope(_ context: EPlanRequestContext, _ config: ServerConfig) -> FeatureScope {
        FeatureScope.of(context.actor, publicRead: config.publicRead)
    }

    // MARK: Landing, conformance, API

    static func landing(_ request: Request, _ config: ServerConfig) -> Response {
        let b = base(request, config) + "/ogc", lang = language(request)
        if (try? wantsHTML(request)) == true { return reply(OGCHTML.landing(b, lang), type: OGCHTML.type) }
        let text = "{\"title\":\(JSONText.string(OGCHTML.serviceTitle.text(lang))),"
            + "\"description\":\(JSONText.string(OGCHTML.serviceSummary.text(lang))),\"links\":["
            + [link(b, "self", "application/json"), link(b + "?f=html", "alternate", "text/html"),
               link(b + "/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0"),
               link(b + "/conformance", "conformance", "application/json"),
               link(b + "/collections", "data", "application/json")].joined(separator: ",") + "]}"
        return json(text)
    }

    static let conformanceClasses = ["core", "geojson", "oas30", "html"].map { "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/\($0)" }

    static func conformance(_ request: Request, _ config: ServerConfig) -> Response {
        if (try? wantsHTML(request)) == true { return reply(OGCHTML.conformance(conformanceClasses, language(request)), type: OGCHTML.type) }
        return json("{\"conformsTo\":[" + conformanceClasses.map(JSONText.string).joined(separator: ",") + "]}")
    }

    static func api(_ request: Request, _ config: ServerConfig) -> Response {
        reply(OGCOpenAPI.document(server: base(request, config) + "/ogc"), type: "application/vnd.oai.openapi+json;version=3.0")
    }

    // MARK: Collections

    static func collections(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let html = try wantsHTML(request), lang = language(request), b = base(request, config) + "/ogc"
        let scope = scope(context, config)
        let infos = try await config.stores.read { try ReadFeatures(store: $0.store, scope: scope).collections() }
        if html { return reply(OGCHTML.collections(infos, base: b, lang), type: OGCHTML.type) }
        let text = "{\"links\":[" + link(b + "/collections", "self", "application/json") + ","
            + link(b + "/collections?f=html", "alternate", "text/html") + "],\"collections\":["
            + infos.map { collectionJSON($0, b, lang) }.joined(separator: ",") + "]}"
        return json(text)
    }

    static func collection(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let id = try FeatureCollectionID.named(context.parameters.get("collectionId") ?? "")
        let html = try wantsHTML(request), lang = language(request), b = base(request, config) + "/ogc"
        let scope = scope(context, config)
        let info = try await config.stores.read { try ReadFeatures(store: $0.store, scope: scope).collection(id) }
        if html { return reply(OGCHTML.collections([info], base: b, lang), type: OGCHTML.type) }
        return json(collectionJSON(info, b, lang))
    }

    static func collectionJSON(_ info: FeatureCollectionInfo, _ b: String, _ lang: Language) -> String {
        let url = b + "/collections/" + info.id.rawValue
        var members = [
            "\"id\":\(JSONText.string(info.id.rawValue))", "\"title\":\(JSONText.string(info.id.title.text(lang)))",
            "\"description\":\(JSONText.string(info.id.summary.text(lang)))", "\"itemType\":\"feature\"",
            "\"crs\":[\"\(crs84)\"]", "\"storageCrs\":\"\(crs84)\"",
        ]
        if let e = info.extent {
            let box = [e.minX, e.minY, e.maxX, e.maxY].map { JSONText.number($0, decimals: 7) }.joined(separator: ",")
            members.append("\"extent\":{\"spatial\":{\"bbox\":[[\(box)]],\"crs\":\"\(crs84)\"}}")
        }
        members.append("\"links\":[" + [link(url, "self", "application/json"), link(url + "?f=html", "alternate", "text/html"),
                                        link(url + "/items", "items", "application/geo+json"),
                                        link(url + "/items?f=html", "items", "text/html")].joined(separator: ",") + "]")
        return "{" + members.joined(separator: ",") + "}"
    }
}

/// Collections and items are read as the account (HTTP Basic and Bearer, as QGIS and GDAL
/// send them, or the session cookie); without credentials only when `--public-read`.
struct OGCAccess: RouterMiddleware {
    typealias Context = EPlanRequestContext
    let authenticator: Authenticator
    let publicRead: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let credentials = request.headers[.authorization] != nil || Authenticator.cookie(Authenticator.sessionCookie, in: request) != nil
        if credentials || !publicRead {
            context.actor = try await authenticator.authenticate(request, address: context.address)
        }
        return try await next(request, context)
    }
}
