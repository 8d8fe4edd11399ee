// swift-tools-version:6.1
import PackageDescription

// Dependencies are kept few on purpose (2-core CI builds): the C libraries come from
// Debian's -dev packages; swift-argument-parser for the CLI, and for `eplan serve`
// Hummingbird (HTTP), hummingbird-auth's bcrypt, and swift-crypto (SHA-256 of tokens and
// session ids; already a dependency of hummingbird-auth).
let package = Package(
    name: "eplan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "eplan", targets: ["eplan"]),
        .library(name: "EPlanDomain", targets: ["EPlanDomain"]),
        .library(name: "EPlanApp", targets: ["EPlanApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // No default traits: swift-configuration is not needed, and the package uses full Foundation anyway.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // PostgreSQL + PostGIS as the national store backend (`--db postgresql://…`).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Its event loops and logger, named by the store's PostgreSQL bridge (already in the graph).
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        // TLS to PostgreSQL (`sslmode=require|verify-ca|verify-full`): postgres-nio's own TLS library.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    ],
    targets: [
        // C libraries, each wrapped once by the Swift module named after it.
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        // PROJ is opened with dlopen on first use (see Sources/CPROJ/include/cproj.h):
        // only its headers are needed at build time.
        .target(name: "CPROJ", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // zlib inflates KMZ (zipped KML) field files.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libexif reads the GPS position of geotagged photos.
        .systemLibrary(name: "CExif", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),

        .target(name: "EPlanGeometry", dependencies: ["CGEOS"]),
        .target(name: "EPlanCRS", dependencies: ["CPROJ", "EPlanGeometry"]),
        .target(name: "EPlanStore", dependencies: [
            "CSQLite", "EPlanGeometry",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .target(name: "EPlanDomain", dependencies: ["EPlanGeometry", "EPlanCRS", "EPlanStore", "CZlib", "CExif"]),
        // One use case per user action; every front door (CLI, later HTTP) calls these.
        .target(name: "EPlanApp", dependencies: [
            "EPlanDomain",
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The Swift runtime's global-executor hook by address (a static runtime does not export
        // it by name), and its job runner on the generic executor (see EventLoopGlobalExecutor).
        .target(name: "CConcurrencyHook"),
        // `eplan serve`: routes, authentication and problem answers over the same use cases.
        .target(name: "EPlanServer", dependencies: [
            "EPlanApp",
            "CConcurrencyHook",
            .product(name: "Hummingbird", package: "hummingbird"),
            // Its connection-state handler, which `WhereFastPath` is placed after.
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .executableTarget(name: "eplan", dependencies: [
            "EPlanApp",
            "EPlanServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // scripts/bench's driver for eplan's side of each race; not part of the tests.
        .executableTarget(name: "eplan-bench", dependencies: ["EPlanDomain"]),
        .testTarget(name: "EPlanTests", dependencies: ["EPlanDomain", "EPlanApp", "EPlanServer", "CConcurrencyHook", "eplan"]),
    ],
    swiftLanguageModes: [.v6]
)
