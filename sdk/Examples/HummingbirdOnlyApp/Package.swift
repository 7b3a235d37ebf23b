// swift-tools-version:6.1
// A Hummingbird-only app that adds the SDK the way an app would. It exists to check the
// packaging promise: with the trait `Hummingbird` only, Vapor is neither fetched nor built.
// Check: `swift package show-dependencies | grep -i vapor` (nothing), `swift build`, then
// `ls .build/debug/Modules | grep -i vapor` (nothing). See the guide, "Add the package".
import PackageDescription

let package = Package(
    name: "HummingbirdOnlyApp",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../..", traits: ["Hummingbird"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "HummingbirdOnlyApp",
            dependencies: [
                .product(name: "SightlineHummingbird", package: "sdk"),
                .product(name: "SightlineClient", package: "sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
    ]
)
