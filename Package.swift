// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "sightline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sightline", targets: ["sightline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", exact: "1.5.0"),
    ],
    targets: [
        // capture → ingest → WAL → store → read API
        .target(name: "SightlineCore", swiftSettings: swiftSettings),
        .target(
            name: "SightlineWAL",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(name: "SightlineStorage", dependencies: ["SightlineCore"], swiftSettings: swiftSettings),
        .target(name: "SightlineQuery", swiftSettings: swiftSettings),
        .target(name: "SightlineInsights", dependencies: ["SightlineCore"], swiftSettings: swiftSettings),
        .target(name: "SightlineAccessLog", dependencies: ["SightlineCore"], swiftSettings: swiftSettings),
        .target(name: "SightlineDetection", dependencies: ["SightlineCore"], swiftSettings: swiftSettings),
        // OTLP/HTTP decoding and mapping; Generated/ is protoc-gen-swift output (scripts/generate-otlp.sh).
        .target(
            name: "SightlineOTLP",
            dependencies: ["SightlineCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SightlineSQLite",
            dependencies: [
                "SightlineCore", "SightlineStorage", "SightlineQuery", "SightlineInsights",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SightlineIngest",
            dependencies: [
                "SightlineCore", "SightlineWAL", "SightlineStorage", "SightlineInsights",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SightlineDemo",
            dependencies: ["SightlineCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SightlineServer",
            dependencies: [
                "SightlineCore", "SightlineWAL", "SightlineStorage", "SightlineSQLite", "SightlineIngest", "SightlineQuery", "SightlineInsights", "SightlineOTLP", "SightlineDetection",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Dashboard")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sightline",
            dependencies: [
                "SightlineCore", "SightlineServer", "SightlineDemo", "SightlineIngest", "SightlineQuery", "SightlineAccessLog", "SightlineDetection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SightlineCoreTests", dependencies: ["SightlineCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SightlineDemoTests", dependencies: ["SightlineDemo", "SightlineCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SightlineOTLPTests",
            dependencies: ["SightlineOTLP", "SightlineCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SightlineAccessLogFollowerTests", dependencies: ["SightlineAccessLog"], swiftSettings: swiftSettings),
        .testTarget(name: "SightlineAccessLogTests", dependencies: ["SightlineAccessLog", "SightlineCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SightlineDetectionBehaviourTests", dependencies: ["SightlineDetection", "SightlineCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SightlineDetectionTests", dependencies: ["SightlineDetection"], exclude: ["Data"], swiftSettings: swiftSettings),
        .testTarget(name: "SightlineInsightsTests", dependencies: ["SightlineInsights", "SightlineCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SightlineQueryTests", dependencies: ["SightlineQuery"], swiftSettings: swiftSettings),
        .testTarget(name: "SightlineWALTests", dependencies: ["SightlineWAL"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SightlineSQLiteTests",
            dependencies: [
                "SightlineCore", "SightlineStorage", "SightlineSQLite", "SightlineQuery", "SightlineInsights",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SightlineServerTests",
            dependencies: [
                "SightlineCore", "SightlineServer", "SightlineIngest", "SightlineWAL", "SightlineStorage", "SightlineSQLite", "SightlineInsights",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SightlineEndToEndTests",
            dependencies: [
                "SightlineCore", "SightlineSQLite", "SightlineInsights",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
