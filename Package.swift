// swift-tools-version:6.0
import PackageDescription

/// Stepyard: a template registry and step catalog for Tekton.
///
/// Modules, from the inside out:
/// - `YAMLEvents`: the one direct use of libyaml, a pull parser of YAML events.
/// - `StepyardCore`: the domain (JSON values, YAML, the Tekton model, lint, schemas, resolution, merge). No disk, no C.
/// - `StepyardSchemas`: the JSON Schemas shipped in `schemas/`.
/// - `StepyardStore`: everything that touches disk: source files, the libgit2 repository, the SQLite index.
/// - `StepyardServer`: the HTTP service (Hummingbird), its REST API generated from `openapi.yaml`, auth, Tekton Hub and
///   Artifact Hub compatibility, metrics.
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
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", exact: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", exact: "2.1.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink", exact: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // zlib (installed with libgit2-dev): the store deflates the objects of the packs it writes itself.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
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
                "StepyardCore", "StepyardSchemas", "CLibGit2", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"],
            swiftSettings: swift6
        ),
        .target(
            name: "StepyardServer",
            dependencies: [
                "StepyardCore", "StepyardStore", "StepyardSchemas", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
            ],
            exclude: ["README.md"],
            resources: [.copy("openapi.yaml"), .copy("WebCatalog/templates"), .copy("WebCatalog/static")],
            swiftSettings: swift6,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "StepyardCLI",
            dependencies: [
                "StepyardCore",
                "StepyardStore",
                "StepyardSchemas",
                "StepyardServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
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
            exclude: ["Fixtures"],
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
            name: "StepyardServerTests",
            dependencies: [
                "StepyardServer", "StepyardStore", "StepyardCLI", "StepyardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swift6
        ),
        .testTarget(
            name: "StepyardCLITests",
            dependencies: ["StepyardCLI", "StepyardStore", "StepyardSchemas", "StepyardTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swift6
        ),
    ]
)
