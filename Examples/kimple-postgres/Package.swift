// swift-tools-version: 6.2
//
// KimplePostgres: the Kimple SDK's storage seam on PostgreSQL (rule K-9), on postgres-nio.
// A package of its own so that the SDK itself keeps no dependencies.

import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error)
]

let package = Package(
    name: "kimple-postgres",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KimplePostgres", targets: ["KimplePostgres"]),
        .executable(name: "kimple-postgres-child", targets: ["kimple-postgres-child"]),
        .executable(name: "kimple-postgres-bench", targets: ["kimple-postgres-bench"]),
    ],
    dependencies: [
        .package(name: "kimple-sdk", path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        .target(
            name: "KimplePostgres",
            dependencies: [
                .product(name: "Kimple", package: "kimple-sdk"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
        // A host process for the several-instances and kill tests: submits participations and
        // instant-win claims to a shared server, prints what was acknowledged.
        .executableTarget(
            name: "kimple-postgres-child",
            dependencies: [
                "KimplePostgres", .product(name: "Kimple", package: "kimple-sdk"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
        // The PostgreSQL case of the intake bench, on the root bench's workload (KimpleTesting).
        .executableTarget(
            name: "kimple-postgres-bench",
            dependencies: [
                "KimplePostgres", .product(name: "Kimple", package: "kimple-sdk"),
                .product(name: "KimpleTesting", package: "kimple-sdk"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KimplePostgresTests",
            dependencies: [
                "KimplePostgres", "kimple-postgres-child",
                .product(name: "Kimple", package: "kimple-sdk"),
                .product(name: "KimpleTesting", package: "kimple-sdk"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
