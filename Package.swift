// swift-tools-version:6.0
import PackageDescription

/// Stepyard: a template registry and step catalog for Tekton.
///
/// Modules, from the inside out:
/// - `YAMLEvents`: the one direct use of libyaml, a pull parser of YAML events.
/// - `StepyardCore`: the domain (JSON values, YAML, the Tekton model, lint, schemas, resolution, merge). No disk, no C.
/// - `StepyardSchemas`: the JSON Schemas shipped in `schemas/`.
/// - `StepyardStore`: everything that touches disk: source files, the libgit2 repository, the SQLite index.
/// - `StepyardCLI`: the `stepyard` commands as a library; `stepyard` (the executable) only calls it.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Stepyard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "stepyard", targets: ["stepyard"]),
        .library(name: "StepyardCore", targets: ["StepyardCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/attaswift/BigInt", exact: "6.0.1"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/mxcl/Version", exact: "2.2.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(
            name: "YAMLEvents",
            dependencies: ["Yams"],
            exclude: ["README.md"],
            swiftSettings: swift6
        ),
        .target(
            name: "StepyardCore",
            dependencies: [
                "YAMLEvents",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Version", package: "Version"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"],
            swiftSettings: swift6
        ),
        .target(
            name: "StepyardSchemas",
            dependencies: ["StepyardCore"],
            path: "schemas",
            resources: [.copy("params"), .copy("documents")],
            swiftSettings: swift6
        ),
        .target(
            name: "StepyardStore",
            dependencies: [
                "StepyardCore", "StepyardSchemas", "CLibGit2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            exclude: ["README.md"],
            swiftSettings: swift6
        ),
        .target(
            name: "StepyardCLI",
            dependencies: [
                "StepyardCore",
                "StepyardStore",
                "StepyardSchemas",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"],
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "stepyard",
            dependencies: ["StepyardCLI"],
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "json-schema-suite",
            dependencies: ["StepyardTestSupport"],
            path: "bench/Sources/json-schema-suite",
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "store-bench",
            dependencies: ["StepyardStore"],
            path: "bench/Sources/store-bench",
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "resolve-bench",
            dependencies: ["StepyardStore"],
            path: "bench/Sources/resolve-bench",
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "validator-bench",
            dependencies: ["StepyardCore"],
            path: "bench/Sources/validator-bench",
            swiftSettings: swift6
        ),
        .target(
            name: "StepyardTestSupport",
            dependencies: ["StepyardCore"],
            path: "Sources/StepyardTestSupport",
            swiftSettings: swift6
        ),
        .testTarget(
            name: "StepyardCoreTests",
            dependencies: ["StepyardCore", "StepyardTestSupport"],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "StepyardSchemasTests",
            dependencies: ["StepyardSchemas", "StepyardCore"],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "StepyardStoreTests",
            dependencies: ["StepyardStore", "StepyardSchemas", "StepyardTestSupport"],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "StepyardCLITests",
            dependencies: ["StepyardCLI", "StepyardTestSupport"],
            swiftSettings: swift6
        ),
    ]
)
