import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird

/// One request's context: who is asking (set by `AuthMiddleware`) and from where.
public struct EPlanRequestContext: Hummingbird.RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated account; nil before authentication and on public routes.
    public var actor: Actor?
    /// The client's IP address, for the failed-login limit and the audit.
    public let address: String?

    /// Request bodies are limited to 1 MiB (a pin is a few hundred bytes).
    public var maxUploadSize: Int { ServerConfig.bodyLimit }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        address = source.channel.remoteAddress?.ipAddress
    }
}

/// How `eplan serve` was started.
public struct ServerConfig: Sendable {
    public static let bodyLimit = 1 << 20
    /// The store file or `postgresql://` URL, as given at init. On PostgreSQL, sessions and
    /// login throttles live in the database too, so several server processes can share it.
    public let storePath: String
    /// Pooled connections and the pins' group-commit writer, on `storePath`.
    public let stores: ServerStores
    public var host: String
    public var port: Int
    /// The address users reach the service at; https makes the session cookie `Secure`.
    public var publicURL: String?
    /// How long a login session lasts.
    public var sessionSeconds: Double = 12 * 3600
    /// How long a new connection may take to send its first request head (slowloris).
    public var headerTimeoutSeconds: Double = 10
    /// How long a kept-alive connection may go without a request before it is closed.
    public var idleTimeoutSeconds: Double = 60
    /// `--public-read`: the OGC collections are readable without logging in.
    public var publicRead = false
    /// `--credential-cache`: how long a verified bearer token or Basic password is trusted
    /// without asking the store again, so the longest a revoked or expired token, a disabled
    /// account or an old password still works on this server. 0: checked on every request.
    public var credentialCacheSeconds: Double = 10
    /// `--pages-ahead`: how many OGC item pages may be made ahead of their clients' requests
    /// and kept at once (`OGCPagesAhead`); 0: none.
    public static let defaultPagesAhead = 8
    public var pagesAheadCapacity = defaultPagesAhead { didSet { pagesAhead = OGCPagesAhead(capacity: pagesAheadCapacity) } }
    private(set) var pagesAhead = OGCPagesAhead(capacity: defaultPagesAhead)

    public init(storePath: String, host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil) {
        self.storePath = storePath; self.host = host; self.port = port; self.publicURL = publicURL
        stores = ServerStores(path: storePath)
    }

    var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }

    /// A connection of this request's own (routes that are not yet on `stores`): SQLite waits up to 5 s for a lock (busy
    /// timeout), then the failure is a store problem (503), never a 500.
    func openStore() throws -> any AnyStore { try StoreLocation.parse(storePath).open(readOnly: false, create: false) }
}

/// Runs blocking work (store calls, bcrypt) off the threads that run the requests' tasks
/// (NIO's event loops, as many as the cores): a bcrypt or a busy wait there would stall
/// every other request. On PostgreSQL, whose calls wait for the network, on
/// `BlockingThreads`; else on Dispatch, whose few threads suit work that computes.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let job: @Sendable () -> Void = { continuation.resume(with: Result { try work() }) }
        if let threads = BlockingThreads.shared { threads.submit(job) } else { DispatchQueue.global().async(execute: job) }
    }
}
