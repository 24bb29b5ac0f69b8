// swift-tools-version: 6.2
//
// The reference Hummingbird 2 host of the Kimple SDK: a participant-facing HTTP server on the
// SDK's entry point, the file store and the system clock. A package of its own, so that the
// SDK keeps no dependency.

import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
]

let package = Package(
    name: "kimple-hummingbird-host",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kimple-host", targets: ["App"])
    ],
    dependencies: [
        .package(name: "kimple-sdk", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The routes, the demo set-up and `buildApplication`: what `App` runs and the tests call.
        .target(
            name: "KimpleHost",
            dependencies: [
                .product(name: "Kimple", package: "kimple-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "App",
            dependencies: ["KimpleHost"],
            swiftSettings: strict),
        .testTarget(
            name: "KimpleHostTests",
            dependencies: [
                "KimpleHost",
                .product(name: "Kimple", package: "kimple-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
