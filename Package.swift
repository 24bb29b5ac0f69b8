// swift-tools-version: 6.2
//
// The Kimple SDK: the engine of a promotional-games platform (sweepstakes, instant win,
// quizzes, contests) and the rules of its contract (licensing and billing, GDPR processor
// duties, availability commitment). Foundation only: this package has no dependencies.

import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
]

let package = Package(
    name: "kimple-sdk",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KimpleCore", targets: ["KimpleCore"]),
        .library(name: "KimpleGames", targets: ["KimpleGames"]),
        .library(name: "KimpleContracts", targets: ["KimpleContracts"]),
        .library(name: "KimplePrivacy", targets: ["KimplePrivacy"]),
        .library(name: "KimpleAvailability", targets: ["KimpleAvailability"]),
        .library(name: "KimpleTesting", targets: ["KimpleTesting"]),
        .library(name: "Kimple", targets: ["Kimple"]),
        .executable(name: "kimple-demo", targets: ["kimple-demo"]),
        .executable(name: "kimple-bench", targets: ["kimple-bench"]),
    ],
    targets: [
        .target(name: "KimpleCore", swiftSettings: strict),
        .target(name: "KimplePrivacy", dependencies: ["KimpleCore"], swiftSettings: strict),
        .target(name: "KimpleGames", dependencies: ["KimpleCore"], swiftSettings: strict),
        .target(name: "KimpleContracts", dependencies: ["KimpleCore"], swiftSettings: strict),
        .target(
            name: "KimpleAvailability", dependencies: ["KimpleCore", "KimpleGames"], swiftSettings: strict),
        // The entry point (K-8): one storage and transport choice, every service of a tenant.
        .target(
            name: "Kimple",
            dependencies: ["KimpleCore", "KimpleGames", "KimpleContracts", "KimplePrivacy", "KimpleAvailability"],
            swiftSettings: strict),
        .target(
            name: "KimpleTesting",
            dependencies: [
                "KimpleCore", "KimpleGames", "KimpleContracts", "KimplePrivacy", "KimpleAvailability", "Kimple",
            ],
            swiftSettings: strict),

        // The demo's campaign, a library so that its test can run it; kimple-demo is its command line.
        .target(
            name: "KimpleDemo",
            dependencies: ["Kimple"],
            path: "Examples/KimpleDemo", swiftSettings: strict),
        .executableTarget(
            name: "kimple-demo", dependencies: ["KimpleCore", "KimpleDemo"], path: "Examples/kimple-demo",
            swiftSettings: strict),
        .executableTarget(
            name: "kimple-bench",
            dependencies: [
                "KimpleCore", "KimpleGames", "KimpleContracts", "KimplePrivacy", "KimpleAvailability", "KimpleTesting",
                "Kimple",
            ],
            path: "Examples/kimple-bench", swiftSettings: strict),

        .executableTarget(
            name: "kimple-crash-child", dependencies: ["KimpleCore", "KimpleGames"], path: "Tests/KimpleCrashChild",
            swiftSettings: strict),
        // Hostile-input fuzzing: the decoders of outside data as fuzz targets. The library holds
        // the bodies; `kimple-fuzz` runs them under libFuzzer (built with `-sanitize=fuzzer` and
        // `-DKIMPLE_FUZZ`, see Tests/KimpleFuzz/fuzz.sh) or replays files without it;
        // KimpleFuzzTests replays the committed corpus.
        .target(
            name: "KimpleFuzzTargets", dependencies: ["KimpleCore", "KimpleGames"], path: "Tests/KimpleFuzzTargets",
            swiftSettings: strict),
        .executableTarget(
            name: "kimple-fuzz", dependencies: ["KimpleFuzzTargets"], path: "Tests/KimpleFuzz", exclude: ["fuzz.sh"],
            swiftSettings: strict),
        .testTarget(
            name: "KimpleFuzzTests", dependencies: ["KimpleFuzzTargets"], exclude: ["Corpus"], swiftSettings: strict),
        .testTarget(
            name: "KimpleCoreTests", dependencies: ["KimpleCore", "KimpleTesting", "kimple-crash-child"],
            swiftSettings: strict),
        .testTarget(
            name: "KimpleGamesTests",
            dependencies: ["KimpleGames", "KimplePrivacy", "KimpleTesting", "kimple-crash-child"],
            exclude: ["Vectors"], swiftSettings: strict),
        .testTarget(
            name: "KimpleContractsTests", dependencies: ["KimpleContracts", "KimpleTesting"], swiftSettings: strict),
        .testTarget(
            name: "KimplePrivacyTests", dependencies: ["KimplePrivacy", "KimpleTesting"], swiftSettings: strict),
        .testTarget(
            name: "KimpleAvailabilityTests", dependencies: ["KimpleAvailability", "KimpleTesting"],
            swiftSettings: strict),
        .testTarget(name: "KimpleTestingTests", dependencies: ["KimpleTesting"], swiftSettings: strict),
        .testTarget(name: "KimpleTests", dependencies: ["Kimple", "KimpleTesting"], swiftSettings: strict),
        .testTarget(
            name: "KimpleDemoTests", dependencies: ["KimpleDemo", "KimpleCore", "KimpleGames", "KimpleTesting"],
            swiftSettings: strict),
        // Rules that span modules: the privacy gate in front of intake, erasure reaching the
        // games' stores, a contract's end opening the reversibility window...
        .testTarget(
            name: "KimpleIntegrationTests",
            dependencies: [
                "KimpleCore", "KimpleGames", "KimpleContracts", "KimplePrivacy", "KimpleAvailability", "KimpleTesting",
                "Kimple",
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
