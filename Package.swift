// swift-tools-version:6.0
import PackageDescription

// Dependencies are kept few on purpose (2-core CI builds): the C libraries come from
// Debian's -dev packages, and swift-argument-parser is the only Swift package.
let package = Package(
    name: "eplan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "eplan", targets: ["eplan"]),
        .library(name: "EPlanDomain", targets: ["EPlanDomain"]),
        .library(name: "EPlanApp", targets: ["EPlanApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .target(name: "EPlanStore", dependencies: ["CSQLite", "EPlanGeometry"]),
        .target(name: "EPlanDomain", dependencies: ["EPlanGeometry", "EPlanCRS", "EPlanStore", "CZlib", "CExif"]),
        // One use case per user action; every front door (CLI, later HTTP) calls these.
        .target(name: "EPlanApp", dependencies: ["EPlanDomain"]),
        .executableTarget(name: "eplan", dependencies: [
            "EPlanApp",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // scripts/bench's driver for eplan's side of each race; not part of the tests.
        .executableTarget(name: "eplan-bench", dependencies: ["EPlanDomain"]),
        .testTarget(name: "EPlanTests", dependencies: ["EPlanDomain", "EPlanApp", "eplan"]),
    ],
    swiftLanguageModes: [.v6]
)
