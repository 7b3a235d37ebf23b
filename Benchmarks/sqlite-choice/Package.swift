// swift-tools-version:6.1
// Standalone benchmark package (not part of the main package): how docs/storage-measurements.md
// was measured. Run from this directory:
//
//   swift build -c release
//   .build/release/SQLiteChoice            # step 1: GRDB (raw / arguments) vs sqlite-nio inserts
//   .build/release/StoreBench none all     # step 2: SQLiteEventStore inserts, without / with indexes
//   .build/release/QueryBench              # query language over 10M events (docs/BENCHMARKS.md)
//   .build/release/RollupsBench            # latency sketch accuracy and speed (docs/rollups.md)
//   .build/release/AccessLogBench          # access-log parsing lines/s (docs/specs/access-logs.md)
//   .build/release/DetectorBench           # behavioural detectors: matrix, benign run, events/s (docs/specs/detectors.md)
//   .build/release/PayloadEval             # classifier metrics and speed, run from the repository root (docs/DETECTION.md)
//   .build/release/OTLPBench               # decode + map a 1,000-span OTLP export (docs/specs/otlp.md)
//   .build/release/RouteTemplateBench      # route templating speed (docs/endpoint-discovery.md)
//
// Sources/SightlineStorage and Sources/SightlineSQLite are symbolic links to the main package's
// modules, so StoreBench measures the shipped code.
import PackageDescription

let package = Package(
    name: "sqlite-choice",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", exact: "1.13.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    ],
    targets: [
        .target(name: "BenchRows"),
        .executableTarget(
            name: "SQLiteChoice",
            dependencies: [
                "BenchRows",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]
        ),
        .target(name: "SightlineCore"),
        .target(name: "SightlineQuery"),
        .target(name: "SightlineDemo"),
        .target(name: "SightlineInsights", dependencies: ["SightlineCore"]),
        .target(name: "SightlineOTLP", dependencies: ["SightlineCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "SightlineAccessLog", dependencies: ["SightlineCore"]),
        .target(name: "SightlineDetection", dependencies: ["SightlineCore"]),
        .executableTarget(name: "DetectorBench", dependencies: ["SightlineDetection", "SightlineCore"]),
        .executableTarget(name: "AccessLogBench", dependencies: ["SightlineAccessLog", "SightlineCore"]),
        .executableTarget(name: "PayloadEval", dependencies: ["SightlineDetection"]),
        .executableTarget(name: "OTLPBench", dependencies: ["SightlineOTLP", "SightlineCore"]),
        .executableTarget(name: "RollupsBench", dependencies: ["SightlineInsights"]),
        .executableTarget(name: "RouteTemplateBench", dependencies: ["SightlineInsights"]),
        .target(name: "SightlineStorage", dependencies: ["SightlineCore"]),
        .target(
            name: "SightlineSQLite",
            dependencies: [
                "SightlineStorage", "SightlineQuery", "SightlineInsights",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "StoreBench",
            dependencies: [
                "BenchRows", "SightlineStorage", "SightlineSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "QueryBench",
            dependencies: [
                "SightlineCore", "SightlineDemo", "SightlineQuery", "SightlineStorage", "SightlineSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
