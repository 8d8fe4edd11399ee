import EPlanApp
import EPlanDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// `GET /api/v1/where` answered on the connection's event loop, in the channel pipeline,
/// when everything it needs is at hand: credentials verified within the credential-cache
/// bound (`Authenticator.remembered`) and a point the place index settles without the
/// store's help (`ServerStores.locateInline`). That is the same code the route runs, so the
/// same bytes; the answer skips only Hummingbird's own per-request machinery (the request's
/// task, its async streams, router and middleware), which callgrind showed cost as much as
/// the look-up. Anything else (no or unknown credentials, a cookie, an error of any kind, a
/// point outside every unit, a CRS, a body, `Connection` given) goes on to Hummingbird
/// untouched, which answers it as always. Requests on one connection are answered in
/// order: while one passed on is unanswered, every later one is passed on too.
final class WhereFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let routePath: StaticString = "/api/v1/where"
    static let routeAt: StaticString = "/api/v1/where?at="
    let answer: WhereInlineAnswer
    /// A head that may be answered here (and its Authorization header), waiting for its end.
    private var held: (HTTPRequest, String)?
    /// Requests passed on to Hummingbird whose answers have not ended yet.
    private var passedOn = 0

    /// The answer's `Server` field (Hummingbird's server name), made once.
    private let serverField: HTTPField?
    private static let contentType = HTTPField(name: .contentType, value: "application/json; charset=utf-8")

    init(answer: WhereInlineAnswer) {
        self.answer = answer
        serverField = answer.serverName.map { HTTPField(name: .server, value: $0) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOn == 0, held == nil, let authorization = Self.mayAnswer(head) {
                held = (head, authorization)
                return
            }
            passOn(context, head: nil)
            context.fireChannelRead(data)
        case .body:
            if let (head, _) = held { passOn(context, head: head) }
            context.fireChannelRead(data)
        case .end:
            if let (head, authorization) = held {
                held = nil
                if let json = answer.json(path: head.path ?? "", authorization: authorization) {
                    respond(context, json)
                    return
                }
                passOn(context, head: head)
            }
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), passedOn > 0 { passedOn -= 1 }
        context.write(data, promise: promise)
    }

    /// Counts a request passed on (its head forwarded now when it was held).
    private func passOn(_ context: ChannelHandlerContext, head: HTTPRequest?) {
        passedOn += 1
        if let head {
            held = nil
            context.fireChannelRead(wrapInboundOut(.head(head)))
        }
    }

    /// A GET of the route with one Authorization header (returned), on a connection the
    /// request does not ask to close. The fields are read in one pass: a lookup by name builds
    /// the fields' index first (~2k instructions each).
    static func mayAnswer(_ head: HTTPRequest) -> String? {
        guard head.method == .get, let path = head.path, Self.isRoute(path) else { return nil }
        var authorization: String? = nil
        for field in head.headerFields {
            if field.name == .connection { return nil }
            if field.name == .authorization {
                // Two of them (which the route would read joined) go on to Hummingbird.
                guard authorization == nil else { return nil }
                authorization = field.value
            }
        }
        return authorization
    }

    /// `EPlanRoutes.whereRequest(URI(path))`, with the common query (`at=` and a plain
    /// decimal pair: digits, '.', ',' and '-', nothing to decode) read directly: Hummingbird's
    /// URI and query parsing cost more than the coordinate's own parse.
    static func whereRequest(_ path: String) throws -> WhereRequest {
        if let plain = plainCoordinate(path) { return WhereRequest(coordinate: plain) }
        return try EPlanRoutes.whereRequest(URI(path))
    }

    /// The route's path alone or with a query (bytes compared in place: `utf8.starts(with:)`
    /// stepped String indices, 2,000 instructions a request).
    static func isRoute(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { u in
            let n = routePath.utf8CodeUnitCount
            return startsWith(u, routePath) && (u.count == n || u[n] == UInt8(ascii: "?"))
        }
    }

    /// The value of a query that is only `at=` and a plain decimal pair, else nil.
    static func plainCoordinate(_ path: String) -> String? {
        var path = path
        return path.withUTF8 { u in
            let n = routeAt.utf8CodeUnitCount
            guard u.count > n, startsWith(u, routeAt) else { return nil }
            let value = UnsafeBufferPointer(rebasing: u[n...])
            guard value.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2C || $0 == 0x2D }) else { return nil }
            return String(decoding: value, as: UTF8.self)
        }
    }

    static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard bytes.count >= n, let base = bytes.baseAddress else { return n == 0 }
        return memcmp(base, prefix.utf8Start, n) == 0
    }

    /// The headers Hummingbird writes for the route's answer, in its order.
    private func respond(_ context: ChannelHandlerContext, _ json: [UInt8]) {
        let body = context.channel.allocator.buffer(bytes: json)
        // Appended, not set by name: setting looks for an earlier field of that name first.
        // The fields that do not change made once (each field's value is checked when made).
        var fields = HTTPFields()
        fields.reserveCapacity(4)
        fields.append(Self.contentType)
        fields.append(HTTPField(name: .contentLength, value: String(body.readableBytes)))
        fields.append(HTTPDate.field())
        if let serverField { fields.append(serverField) }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// Puts a `WhereFastPath` right after Hummingbird's connection-state handler once the
/// connection's pipeline is complete (Hummingbird adds our handlers before that one): there
/// the state handler sees every request and answer, so graceful shutdown counts the requests
/// answered by the fast path too. `WhereOnTheWire` goes first in the pipeline, told of the
/// connection's `IdleTimeoutHandler`. Without those handlers (another Hummingbird), nothing
/// is added and Hummingbird answers everything.
final class WhereFastPathInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let make: () -> WhereInlineAnswer
    private var installed = false, left = false

    init(_ make: @escaping () -> WhereInlineAnswer) { self.make = make }

    func channelActive(context: ChannelHandlerContext) {
        install(context)
        context.fireChannelActive()
        leave(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        install(context)
        context.fireChannelRead(data)
        leave(context)
    }

    private func install(_ context: ChannelHandlerContext) {
        guard !installed else { return }
        installed = true
        let pipeline = context.pipeline.syncOperations
        guard let state = try? pipeline.handler(type: HTTPConnectionStateHandler.self),
              let idle = try? pipeline.handler(type: IdleTimeoutHandler.self) else { return }
        let answer = make()
        try? pipeline.addHandler(WhereFastPath(answer: answer), position: .after(state))
        if answer.stores.answersInline {
            try? pipeline.addHandler(WhereOnTheWire(answer: answer, idle: idle), position: .first)
        }
    }

    /// Out of the pipeline once installed: every request and answer would pass it for nothing.
    private func leave(_ context: ChannelHandlerContext) {
        guard !left else { return }
        left = true
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

/// The route's answer when it is settled at once, without waiting: credentials verified
/// within the credential-cache bound (`Authenticator.remembered`) and a point the place index
/// settles without the store's help (`ServerStores.locateInline`). One per connection, for
/// both `WhereOnTheWire` and `WhereFastPath`: a client sends the same credential on every
/// request, so its cache key is kept from one request to the next.
final class WhereInlineAnswer {
    let authenticator: Authenticator
    let stores: ServerStores
    /// Hummingbird's server name, for the `Server` field.
    let serverName: String?
    /// The last Authorization header seen on this connection and its credential's cache key
    /// (`Authenticator.credentialKey`).
    private var lastCredential: (header: String, key: String?)?

    init(authenticator: Authenticator, stores: ServerStores, serverName: String?) {
        self.authenticator = authenticator; self.stores = stores; self.serverName = serverName
    }

    /// The route's JSON for a request target and its Authorization value; nil to pass the request on.
    func json(path: String, authorization: String) -> [UInt8]? {
        let key: String?
        if let last = lastCredential, last.header == authorization {
            key = last.key
        } else {
            key = Authenticator.credentialKey(authorization)
            lastCredential = (authorization, key)
        }
        guard let key, authenticator.remembered(key) != nil,
              let request = try? WhereFastPath.whereRequest(path) else { return nil }
        return (try? stores.locateInline(request)) ?? nil
    }
}

/// The `Date` header (RFC 9110 IMF-fixdate, as Hummingbird writes it), made once a second.
enum HTTPDate {
    private static let fieldCache = Mutex<(second: Int, field: HTTPField?)>((-1, nil))

    /// The `Date` field of a response, made once a second.
    static func field() -> HTTPField {
        let second = Int(time(nil))
        if let field = fieldCache.withLock({ $0.second == second ? $0.field : nil }) { return field }
        let field = HTTPField(name: .date, value: format(second))
        fieldCache.withLock { $0 = (second, field) }
        return field
    }

    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ second: Int) -> String {
        var t = time_t(second), parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = days[((second / 86400) % 7 + 7) % 7]
        return "\(day), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
