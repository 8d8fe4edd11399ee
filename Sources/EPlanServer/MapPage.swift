import EPlanApp
import EPlanDomain
import Foundation
import HTTPTypes
import Hummingbird

/// The map page: `GET /` (and `/login`) is one static page, its script and style, Leaflet
/// served from Debian's libjs-leaflet where it is installed, and `GET /api/v1/map` with the
/// account's data. The page itself holds no data and no secret: its script logs in through
/// `POST /api/v1/login`, keeps the CSRF token for the tab (sessionStorage), reads
/// `/api/v1/map` and pins through `POST /api/v1/projects/{code}/pins`.
enum MapPage {
    /// Where Debian's libjs-leaflet installs Leaflet; `EPLAN_LEAFLET_DIR` overrides it.
    static var leafletDirectory: String {
        ProcessInfo.processInfo.environment["EPLAN_LEAFLET_DIR"] ?? "/usr/share/javascript/leaflet"
    }

    /// The only Leaflet files served: no path from the request ever reaches the file system.
    static let leafletFiles: [String: String] = [
        "leaflet.js": "application/javascript; charset=utf-8", "leaflet.css": "text/css; charset=utf-8",
    ]
    static let leafletImages = ["layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"]

    /// Everything from this origin only: no inline script or style, no framing.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static func register(_ router: Router<EPlanRequestContext>, secured: RouterGroup<EPlanRequestContext>, config: ServerConfig) {
        router.get("/") { _, _ in page(MapPageAssets.html, type: "text/html; charset=utf-8") }
        router.get("login") { _, _ in page(MapPageAssets.html, type: "text/html; charset=utf-8") }
        router.get("static/map.js") { _, _ in page(MapPageAssets.script, type: "application/javascript; charset=utf-8") }
        router.get("static/map.css") { _, _ in page(MapPageAssets.style, type: "text/css; charset=utf-8") }
        router.get("static/leaflet/{file}") { _, context in
            let name = context.parameters.get("file") ?? ""
            guard let type = leafletFiles[name] else { throw missing(name) }
            return try await leaflet(name, type: type)
        }
        router.get("static/leaflet/images/{file}") { _, context in
            let name = context.parameters.get("file") ?? ""
            guard leafletImages.contains(name) else { throw missing("images/" + name) }
            return try await leaflet("images/" + name, type: "image/png")
        }
        secured.get("map") { request, context in try await mapData(request, context, config) }
    }

    static var securityHeaders: HTTPFields {
        [.contentSecurityPolicy: contentSecurityPolicy, HTTPField.Name("X-Content-Type-Options")!: "nosniff",
         HTTPField.Name("Referrer-Policy")!: "no-referrer", HTTPField.Name("X-Frame-Options")!: "DENY"]
    }

    static func page(_ text: String, type: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// One of Leaflet's files from the installed package; 404 naming the package when absent.
    static func leaflet(_ relative: String, type: String) async throws -> Response {
        let path = leafletDirectory + "/" + relative
        guard let data = try? await offload({ try Data(contentsOf: URL(fileURLWithPath: path)) }) else { throw missing(relative) }
        var headers = securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "max-age=86400"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func missing(_ name: String) -> Problem {
        Problem(.notFound, Message(th: "ไม่พบไฟล์ Leaflet '\(name)' ใน \(leafletDirectory) (ติดตั้งด้วย apt install libjs-leaflet)",
                                   en: "Leaflet's file '\(name)' is not in \(leafletDirectory) (install it with apt install libjs-leaflet)"))
    }

    // MARK: GET /api/v1/map

    static func mapData(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let actor = try EPlanRoutes.actor(context)
        let lao = request.uri.queryParameters.get("lao").flatMap { $0.isEmpty ? nil : $0 }
        let lang = ProblemMiddleware.language(request)
        let text = try await offload {
            try MapView(store: config.openStore(), context: EPlanApp.RequestContext(actor: actor, language: lang)).run(MapViewRequest(laoCode: lao)).json()
        }
        return EPlanRoutes.json(text, status: .ok, headers: [.cacheControl: "no-store"])
    }
}
