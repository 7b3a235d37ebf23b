// swift-tools-version:6.1
// The Sightline Swift SDK: a client that never loses events, and middleware for Hummingbird and
// Vapor. Its own package, apart from the server's, so that an app adding it resolves only what
// the products it uses need: `SightlineClient` pulls no web framework, `SightlineHummingbird`
// pulls Hummingbird (not Vapor), `SightlineVapor` pulls Vapor (not Hummingbird).
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
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
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
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SightlineVapor",
            dependencies: [
                "SightlineClient",
                .product(name: "Vapor", package: "vapor"),
            ],
            swiftSettings: swiftSettings
        ),
        // wrk target for the overhead benchmark (docs/BENCHMARKS.md); build it with -c release.
        .executableTarget(
            name: "SDKOverheadBench",
            dependencies: [
                "SightlineHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/SDKOverheadBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SightlineClientTests",
            dependencies: [
                "SightlineClient",
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
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
