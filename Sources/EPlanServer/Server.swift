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
        EventLoopGlobalExecutor.install()
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
        BlockingThreads.useFor(storePath: config.storePath)
        EventLoopTimeSlice.request()
        LargeBufferHeap.keepInHeap()
        var holder: (any AnyStore)? = try config.openStore()
        if holder is PostgresStore { holder = nil }
        defer { withExtendedLifetime(holder) {} }
        var logger = Logger(label: "eplan.serve")
        logger.logLevel = .notice
        let authenticator = Authenticator(config: config), serverName = "eplan"
        let app = Application(
            router: EPlanRoutes.router(config, authenticator),
            // An idle keep-alive connection is closed (after a minute by default): idle clients cannot pile up;
            // a new connection must send its first request head within the header timeout.
            // GET /where's common case is answered in the pipeline (see WhereFastPath and
            // WhereOnTheWire); the idle timeout is ours, which counts those answers too.
            server: .http1(configuration: .init(
                additionalChannelHandlers: [
                    HeaderTimeoutHandler(timeout: .milliseconds(Int64(config.headerTimeoutSeconds * 1000))),
                    IdleTimeoutHandler(timeout: .milliseconds(Int64(config.idleTimeoutSeconds * 1000))),
                    WhereFastPathInstaller { WhereInlineAnswer(authenticator: authenticator, stores: config.stores, serverName: serverName) },
                ],
                idleTimeout: nil)),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: serverName),
            onServerRunning: { channel in
                let address = channel.localAddress
                announce("\(address?.ipAddress ?? config.host):\(address?.port ?? config.port)")
                // Every pin and `GET /where` needs the boundaries in memory: built now, not by
                // the first requests (seconds for the national layers, every request waiting).
                // A failure here is the first request's to report.
                Task.detached { _ = try? await config.stores.warmPlaces() }
            },
            logger: logger)
        try await app.runService()
    }
}
