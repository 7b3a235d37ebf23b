// swift-tools-version:6.2
// The peer in the SDK overhead benchmark (sdk/Benchmarks/run-overhead.sh, docs/BENCHMARKS.md):
// the same Hummingbird hello-world with Hummingbird's TracingMiddleware and swift-otel exporting
// one span per request over OTLP/HTTP, which is how a Swift server team records every request
// with OpenTelemetry today. A package of its own, so that neither the SDK's users nor CI build
// swift-otel; only OTLP/HTTP is enabled (no gRPC).
import PackageDescription

let package = Package(
    name: "otel-peer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", exact: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "OTelPeerApp",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
