import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// `eplan serve`: the HTTP service on one store.
public enum EPlanServer {
    /// Makes NIO's event loops (the threads that read and write the connections) Swift's
    /// global executor, so a request's handler runs on the thread that read it instead of
    /// hopping to Swift's own pool and back (two thread switches per request, more than a
    /// `GET /where` costs). Blocking work still goes to `offload`. Call once, on the main
    /// thread, before any task starts; false when the runtime does not allow it (then
    /// nothing changes).
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Listens until SIGTERM or SIGINT, then stops gracefully: requests in flight finish
    /// (a pin is answered only after its commit). `announce` gets the real address once
    /// listening (with port 0, the port the system chose).
    public static func run(_ config: ServerConfig, announce: @escaping @Sendable (String) -> Void) async throws {
        // Brings the store's schema up to date once, before any request opens it.
        // Held open while the server runs: with a connection of this process always open, no
        // later open reads the file's header through a descriptor of its own, whose close
        // would drop the locks of the connections in use (see `StoreFile.openStores`).
        // (PostgreSQL has no such locks: its connection goes back to the pool at once.)
        var holder: (any AnyStore)? = try config.openStore()
        if holder is PostgresStore { holder = nil }
        defer { withExtendedLifetime(holder) {} }
        var logger = Logger(label: "eplan.serve")
        logger.logLevel = .notice
        let app = Application(
            router: EPlanRoutes.router(config),
            // An idle keep-alive connection is closed after a minute: idle clients cannot pile up;
            // a new connection must send its first request head within the header timeout.
            server: .http1(configuration: .init(
                additionalChannelHandlers: [HeaderTimeoutHandler(timeout: .milliseconds(Int64(config.headerTimeoutSeconds * 1000)))],
                idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "eplan"),
            onServerRunning: { channel in
                let address = channel.localAddress
                announce("\(address?.ipAddress ?? config.host):\(address?.port ?? config.port)")
            },
            logger: logger)
        try await app.runService()
    }
}
