import EPlanApp
import EPlanDomain
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /ogc/collections/{id}/items` and `/items/{featureId}`. A page is streamed: each
/// chunk of about 1 MiB is made on a worker (`offload`) from the store's rows and sent
/// before the next is made, so memory holds one chunk whatever the page's size. The first
/// chunk is made before answering, so a bad query is still a problem answer, not a cut stream.
enum OGCItems {
    /// The page between chunks, on a pooled connection it holds until it ends. Only one task
    /// touches it at a time: each chunk is made in an `offload` that is awaited before the
    /// next starts, and a box handed to the page made ahead after it (`readOn`) is taken once
    /// (`OGCPagesAhead.HeldRows`). However the response ends (sent, cut by the client,
    /// failed), the page's statement is finalized first and then the connection goes back to
    /// the pool, unless the box handed it on.
    final class PageBox: @unchecked Sendable {
        private var page: FeaturePage?
        private let reader: ServerStores.Reader, stores: ServerStores
        private var failure: (any Error)?
        /// The page's `numberMatched` (the same on every page of a walk).
        let matched: Int?
        /// The store's data version asked before the page's statement first read (nil: not asked).
        let dataVersion: Int64?
        /// The connection went on to the box of the page after this one (`readOn`).
        private var handedOn = false

        init(_ page: FeaturePage, _ reader: ServerStores.Reader, _ stores: ServerStores, matched: Int?, dataVersion: Int64?) {
            self.page = page; self.reader = reader; self.stores = stores; self.matched = matched; self.dataVersion = dataVersion
        }

        /// The page of a collection's items on a pooled connection, held until the box goes.
        static func open(_ id: FeatureCollectionID, _ query: FeatureItemsQuery, _ scope: FeatureScope, _ stores: ServerStores,
                         dataVersion: Int64?) throws -> PageBox {
            let reader = try stores.lease()
            do {
                let (page, matched) = try ReadFeatures(store: reader.store, scope: scope, laoBlocks: reader.laoBlocks).items(id, query)
                return PageBox(page, reader, stores, matched: matched, dataVersion: dataVersion)
            } catch {
                stores.release(reader, after: error)
                throw error
            }
        }

        /// The box of the page after this one, read on from this page's statement on the same
        /// connection (see `FeaturePage.readOn`), once this page is made to its end with more
        /// after it, and only when its data version was asked (else nothing could tell whether
        /// the store changed since); nil otherwise. This box then keeps its end but no longer
        /// its connection.
        func readOn() -> PageBox? {
            guard dataVersion != nil, let next = page?.readOn() else { return nil }
            handedOn = true
            return PageBox(next, reader, stores, matched: matched, dataVersion: dataVersion)
        }

        /// The next chunk, copied once from the page's buffer into the one the response sends.
        func nextChunk() throws -> ByteBuffer? {
            do { return try page?.withNextChunk { ByteBuffer(bytes: $0) } } catch { failure = error; throw error }
        }

        /// The next chunk appended to `bytes`, unless `bytes` would then pass `limit` (false:
        /// nothing appended); nil when the page is done.
        func appendNextChunk(to bytes: inout [UInt8], upTo limit: Int) throws -> Bool? {
            do {
                return try page?.withNextChunk { chunk -> Bool in
                    guard bytes.count + chunk.count <= limit else { return false }
                    bytes.append(contentsOf: chunk)
                    return true
                }
            } catch { failure = error; throw error }
        }

        /// Known once the last chunk is made.
        var end: PageEnd { PageEnd(page) }
        var isDone: Bool { page?.finished ?? true }

        deinit {
            page = nil  // the statement before the connection is reused
            if !handedOn { stores.release(reader, after: failure) }
        }
    }

    /// Says that a page was made ahead (a W3C Server-Timing metric without a duration).
    static let serverTiming = HTTPField.Name("Server-Timing")!

    /// What ends a page: how many features it returned, and where the next begins.
    struct PageEnd: Sendable {
        let returned: Int
        let hasMore: Bool
        let lastCode: String?

        /// Where `page` ended (nothing returned when there is no page).
        init(_ page: FeaturePage?) {
            returned = page?.returned ?? 0; hasMore = page?.hasMore ?? false; lastCode = page?.lastCode
        }
    }

    static func items(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let id = try FeatureCollectionID.named(context.parameters.get("collectionId") ?? "")
        let params = OGCRoutes.params(request)
        let html = try OGCRoutes.wantsHTML(request), lang = OGCRoutes.language(request)
        let query = try FeatureItemsQuery.parse(params, for: id)
        let scope = OGCRoutes.scope(context, config)
        let stores = config.stores, ahead = config.pagesAhead
        let url = OGCRoutes.base(request, config) + "/ogc/collections/" + id.rawValue + "/items"
        let key = OGCPagesAhead.Key(id: id, query: query, scope: scope)
        /// Once a page's end is known: its next page made ahead for the client's next request,
        /// read on from `rows` (this page's rows left open) when given.
        let madeToEnd: @Sendable (PageEnd, PageBox?) -> Void = { end, rows in
            if end.hasMore, let last = end.lastCode { ahead.start(key.after(last), stores, readingOn: rows) }
        }
        if !html, let page = await ahead.take(key, stores) {
            madeToEnd(page.end, page.rest?.take())
            return madeAhead(page, request, url)
        }
        let readsOn = !html && ahead.capacity > 0
        let (box, first) = try await offload {
            // Asked before the page's first read, for a next page read on from its rows.
            let box = try PageBox.open(id, query, scope, stores, dataVersion: readsOn ? stores.dataVersion() : nil)
            return (box, try box.nextChunk())
        }
        let matched = box.matched
        if html {
            var bytes = first.map { Array($0.readableBytesView) } ?? []
            while let chunk = try await offload({ try box.nextChunk() }) { bytes += chunk.readableBytesView }
            let links = pageLinks(request, url, box.end)
            return OGCRoutes.reply(OGCHTML.items(id, features: bytes, matched: matched, next: links.next, lang), type: OGCHTML.type)
        }
        // A page in one chunk is made to its end already: its next page starts now.
        let endKnown = box.isDone
        if endKnown { madeToEnd(box.end, box.readOn()) }
        return Response(status: .ok, headers: [.contentType: "application/geo+json"], body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: #"{"type":"FeatureCollection","features":["#))
            if let first { try await writer.write(first) }
            while let chunk = try await offload({ try box.nextChunk() }) { try await writer.write(chunk) }
            if !endKnown { madeToEnd(box.end, box.readOn()) }
            try await writer.write(ByteBuffer(string: footer(request, url, box.end, matched: matched)))
            try await writer.finish(nil)
        })
    }

    /// A page made ahead, answered whole (it is at most `OGCPagesAhead.maxBytes`).
    static func madeAhead(_ page: OGCPagesAhead.Page, _ request: Request, _ url: String) -> Response {
        var body = ByteBuffer(string: #"{"type":"FeatureCollection","features":["#)
        body.writeBytes(page.features)
        body.writeString(footer(request, url, page.end, matched: page.matched))
        let timing = page.readOn ? "ahead;desc=\"page made ahead, read on from the page before\"" : "ahead;desc=\"page made ahead\""
        return Response(status: .ok, headers: [.contentType: "application/geo+json", serverTiming: timing],
                        body: .init(byteBuffer: body))
    }

    /// After the features: the counts, the time stamp and the links (`next` only when more follow).
    static func footer(_ request: Request, _ url: String, _ end: PageEnd, matched: Int?) -> String {
        let links = pageLinks(request, url, end)
        var list = [OGCRoutes.link(links.`self`, "self", "application/geo+json"),
                    OGCRoutes.link(links.`self` + (links.`self`.contains("?") ? "&" : "?") + "f=html", "alternate", "text/html"),
                    OGCRoutes.link(String(url.dropLast("/items".count)), "collection", "application/json")]
        if let next = links.next { list.append(OGCRoutes.link(next, "next", "application/geo+json")) }
        return "\n],\"numberReturned\":\(end.returned)" + (matched.map { ",\"numberMatched\":\($0)" } ?? "")
            + ",\"timeStamp\":\(JSONText.string(PinText.timestamp(Date()))),\"links\":[" + list.joined(separator: ",") + "]}\n"
    }

    /// This page's address as asked, and the next page's: the same query with `next` set to
    /// the token of this page's last code.
    static func pageLinks(_ request: Request, _ url: String, _ end: PageEnd) -> (`self`: String, next: String?) {
        let query = request.uri.query ?? ""
        let own = query.isEmpty ? url : url + "?" + query
        guard end.hasMore, let last = end.lastCode else { return (own, nil) }
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("next=") && $0 != "next" }.map(String.init)
        return (own, url + "?" + (kept + ["next=" + FeaturePageToken.encode(last)]).joined(separator: "&"))
    }

    static func item(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let id = try FeatureCollectionID.named(context.parameters.get("collectionId") ?? "")
        let code = context.parameters.get("featureId") ?? ""
        let html = try OGCRoutes.wantsHTML(request), lang = OGCRoutes.language(request)
        let scope = OGCRoutes.scope(context, config)
        let feature = try await config.stores.read { try ReadFeatures(store: $0.store, scope: scope, laoBlocks: $0.laoBlocks).item(id, code: code) }
        if html { return OGCRoutes.reply(OGCHTML.item(id, feature: feature, lang), type: OGCHTML.type) }
        let url = OGCRoutes.base(request, config) + "/ogc/collections/" + id.rawValue
        // The feature's own links go after its members: drop its closing brace and add them.
        var bytes = feature.drop { $0 == 0x0A || $0 == 0x2C }
        if bytes.last == UInt8(ascii: "}") { bytes.removeLast() }
        let links = ",\"links\":[" + [OGCRoutes.link(url + "/items/" + code, "self", "application/geo+json"),
                                     OGCRoutes.link(url, "collection", "application/json")].joined(separator: ",") + "]}"
        return Response(status: .ok, headers: [.contentType: "application/geo+json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: Array(bytes) + Array(links.utf8))))
    }
}
