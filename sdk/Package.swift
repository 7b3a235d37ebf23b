// swift-tools-version:6.1
// The Sightline Swift SDK: a client that never loses events, and middleware for Hummingbird and
// Vapor. Its own package, apart from the server's.
//
// What an app builds and resolves:
// - SwiftPM builds only the targets of the products an app uses: `SightlineClient` pulls no web
//   framework, `SightlineHummingbird` no Vapor, `SightlineVapor` no Hummingbird.
// - SwiftPM resolves (fetches) every dependency a package declares unless a trait guards it. The
//   traits `Hummingbird` and `Vapor` (both on by default) guard the frameworks: an app that
//   depends on this package with `traits: ["Hummingbird"]` does not even fetch Vapor, and the
//   other way round (checked with Examples/HummingbirdOnlyApp; see the guide).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "sightline-sdk",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SightlineClient", targets: ["SightlineClient"]),
        .library(name: "SightlineHummingbird", targets: ["SightlineHummingbird"]),
        .library(name: "SightlineVapor", targets: ["SightlineVapor"]),
    ],
    traits: [
        .trait(name: "Hummingbird", description: "SightlineHummingbird: middleware for Hummingbird 2"),
        .trait(name: "Vapor", description: "SightlineVapor: middleware for Vapor 4"),
        .default(enabledTraits: ["Hummingbird", "Vapor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-atomics.git", exact: "1.3.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", exact: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor.git", exact: "4.122.3"),
    ],
    targets: [
        // capture (middleware) → redact → queue → batch → send (fail-over, retry) → spool
        .target(
            name: "SightlineClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SightlineHummingbird",
            dependencies: [
                "SightlineClient",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Hummingbird"])),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SightlineVapor",
            dependencies: [
                "SightlineClient",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ],
            swiftSettings: swiftSettings
        ),
        // wrk target for the overhead benchmark (docs/BENCHMARKS.md); build it with -c release.
        .executableTarget(
            name: "SDKOverheadBench",
            dependencies: [
                "SightlineClient", "SightlineHummingbird",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            path: "Benchmarks/SDKOverheadBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SightlineClientTests",
            dependencies: [
                "SightlineClient",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Real Hummingbird and Vapor apps over real sockets, sending to real `sightline serve`
        // processes (the root package's binary; see SightlineBinary.swift).
        .testTarget(
            name: "SightlineEndToEndTests",
            dependencies: [
                "SightlineClient", "SightlineHummingbird", "SightlineVapor",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Hummingbird"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
