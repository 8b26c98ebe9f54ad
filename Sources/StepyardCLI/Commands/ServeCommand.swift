import ArgumentParser
import Foundation
import Logging
import StepyardServer
import StepyardStore

/// `stepyard serve`: the HTTP service. With no store yet, it creates one from the bundled catalog first.
struct ServeCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the registry over HTTP (REST API, Tekton Hub and Artifact Hub paths, metrics).",
        discussion: """
            Embedded default: when the store directory holds no store yet, serve creates one and imports the bundled \
            catalog (--catalog, else $STEPYARD_CATALOG, else ./catalog, else the catalog/ folder of the source tree \
            this binary was built in). It shuts down gracefully on SIGTERM and SIGINT.
            """)

    @OptionGroup var options: StoreOptions
    @Option(name: .long, help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(name: .long, help: "The port to listen on.") var port: Int = 8080
    @Flag(name: .long, help: "Refuse reads without a token (by default the organisation namespace is readable anonymously).")
    var noAnonymousRead = false
    @Option(name: .long, help: "The largest request body accepted, in bytes.") var maxBodyBytes: Int = 4 << 20
    @Option(name: .long, help: "The catalog to import when the store is created.") var catalog: String?
    @Option(name: .long, help: "The address clients use, when behind a proxy (for absolute links).") var publicURL: String?
    @Option(name: .long, help: "A Host header value absolute links may be built from (repeatable); others get links to --public-url or the listening address.")
    var trustedHost: [String] = []
    @Option(name: .long, help: "An origin (https://composer.example.com, or *) browsers may call the API from (CORS; repeatable). Default: none.")
    var corsOrigin: [String] = []
    @Option(name: .long, help: "A host webhooks may be sent to (repeatable; *.example.com for a domain's hosts, * for any public host). Loopback and private addresses only when listed by name. Default: none.")
    var webhookAllowHost: [String] = []
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"
    @Option(name: .long, help: "Connections open at once; past it a new one closes the longest idle (default \(ServerConfiguration().maxConnections)).")
    var maxConnections: Int?
    @Option(name: .long, help: "Seconds a connection may stay without a request before it is closed (default \(ServerConfiguration().idleTimeout.components.seconds)).")
    var idleTimeout: Int?
    @Option(name: .long, help: "Seconds a request, its body included, may take to arrive; slower is 408 (default \(ServerConfiguration().requestTimeout.components.seconds)).")
    var requestTimeout: Int?
    @Option(name: .long, help: "The longest request target accepted, in bytes; longer is 414 (default \(ServerConfiguration().maxURIBytes)).")
    var maxUriBytes: Int?
    @Option(name: .long, help: "The most header bytes accepted; more is 431 (default \(ServerConfiguration().maxHeaderBytes)).")
    var maxHeaderBytes: Int?
    @Option(name: .long, help: "Serve as a read replica of this primary (http://primary:8080): its repository mirrored, writes sent there (307).")
    var replicaOf: String?
    @Option(name: .long, help: "A token of the primary's replica role, which the replica fetches with (default: $STEPYARD_REPLICA_TOKEN).")
    var replicaToken: String?
    @Option(name: .long, help: "Web catalog pages kept rendered in memory; 0 renders every page when asked (default \(ServerConfiguration().pageCacheEntries)).")
    var pageCacheEntries: Int?
    @Option(name: .long, help: "Tekton bundles (/v2/) kept built in memory; 0 builds each when asked (default \(ServerConfiguration().bundleCacheEntries)).")
    var bundleCacheEntries: Int?

    func perform() async -> CommandOutput {
        guard (1...65535).contains(port) else { return CommandOutput(stderr: "stepyard serve: --port must be 1 to 65535\n", exitCode: ExitStatus.usage) }
        for (flag, value) in [("--max-connections", maxConnections), ("--idle-timeout", idleTimeout), ("--request-timeout", requestTimeout),
                              ("--max-uri-bytes", maxUriBytes), ("--max-header-bytes", maxHeaderBytes)] where (value ?? 1) < 1 {
            return CommandOutput(stderr: "stepyard serve: \(flag) must be at least 1\n", exitCode: ExitStatus.usage)
        }
        for (flag, value) in [("--page-cache-entries", pageCacheEntries), ("--bundle-cache-entries", bundleCacheEntries)] where (value ?? 0) < 0 {
            return CommandOutput(stderr: "stepyard serve: \(flag) must be 0 or more\n", exitCode: ExitStatus.usage)
        }
        if let bad = corsOrigin.first(where: { !CORS.isOrigin($0) }) {
            return CommandOutput(stderr: "stepyard serve: --cors-origin \(bad) is not an origin: give scheme://host[:port] (no path), or *\n", exitCode: ExitStatus.usage)
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            return CommandOutput(stderr: "stepyard serve: unknown --log-level \(logLevel)\n", exitCode: ExitStatus.usage)
        }
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label, level: level) }
        defer { BufferedLogHandler.flush() }
        let logger = Logger(label: "stepyard")
        let directory = options.storeURL
        do {
            let store: Store
            let replicaSecret = replicaToken ?? ProcessInfo.processInfo.environment["STEPYARD_REPLICA_TOKEN"]
            if let replicaOf {
                guard let replicaSecret, !replicaSecret.isEmpty else {
                    return CommandOutput(stderr: "stepyard serve: --replica-of needs a replica token of the primary (stepyard token create --role replica there): --replica-token T or $STEPYARD_REPLICA_TOKEN\n",
                                         exitCode: ExitStatus.usage)
                }
                store = try Store.replicate(from: replicaOf, token: replicaSecret, at: directory)
            } else if FileManager.default.fileExists(atPath: directory.appendingPathComponent("repo.git").path) {
                store = try Store.open(at: directory)
            } else {
                store = try await createEmbeddedDefault(at: directory)
            }
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.anonymousRead = !noAnonymousRead
            configuration.maxBodyBytes = maxBodyBytes
            configuration.publicURL = publicURL
            configuration.trustedHosts = trustedHost
            configuration.corsOrigins = corsOrigin
            configuration.webhookAllowHosts = webhookAllowHost
            if let maxConnections { configuration.maxConnections = maxConnections }
            if let idleTimeout { configuration.idleTimeout = .seconds(idleTimeout) }
            if let requestTimeout { configuration.requestTimeout = .seconds(requestTimeout) }
            if let maxUriBytes { configuration.maxURIBytes = maxUriBytes }
            if let maxHeaderBytes { configuration.maxHeaderBytes = maxHeaderBytes }
            if let pageCacheEntries { configuration.pageCacheEntries = pageCacheEntries }
            if let bundleCacheEntries { configuration.bundleCacheEntries = bundleCacheEntries }
            configuration.replicaOf = replicaOf
            configuration.replicaToken = replicaSecret
            let tokens = try AccessTokens.open(storeDirectory: directory)
            let app = try await buildApplication(store: store, tokens: tokens, configuration: configuration, logger: logger)
            let hasAdmin = (try? tokens.list().contains { $0.role == .admin }) ?? false
            announce("""
                Stepyard \(StepyardVersion.current) serving \(directory.path) on http://\(host):\(port)
                  API: http://\(host):\(port)/api/v1/search   contract: http://\(host):\(port)/openapi.yaml
                  Tekton hub resolver: TEKTON_HUB_API=http://\(host):\(port) or ARTIFACT_HUB_API=http://\(host):\(port)
                  anonymous read of the organisation namespace: \(noAnonymousRead ? "off" : "on")
                \(replicaOf.map { "  read replica of \($0): writes go there, tokens are its\n" } ?? (hasAdmin ? "" : "  no admin token yet: stepyard token create --role admin --name \"Your Name\" --store \(directory.path)\n"))
                """)
            logger.notice("serving \(directory.path) (organisation \(store.organisation)) on http://\(host):\(port)")
            try await app.runService()
            logger.notice("stopped serving \(directory.path): shut down on SIGTERM or SIGINT, requests in flight answered")
            return CommandOutput()
        } catch let error as StoreError {
            return options.failure("serve", error)
        } catch {
            return CommandOutput(stderr: "stepyard serve: \(error)\n", exitCode: ExitStatus.usage)
        }
    }

    /// Creates the store and imports the bundled catalog: what `serve` does on a fresh machine.
    private func createEmbeddedDefault(at directory: URL) async throws -> Store {
        guard let source = BundledCatalog.locate(explicit: catalog) else {
            throw StoreError.refused("no store in \(directory.path) and no bundled catalog to create one from; pass --catalog DIR or run `stepyard init`")
        }
        let store = try Store.initialize(at: directory, author: options.identity)
        let report = try await store.importCatalog(from: source, author: options.identity)
        announce("Created a store in \(directory.path) from the bundled catalog \(source.path): \(report.imported.count) versions imported"
                 + (report.refused.isEmpty ? "" : ", \(report.refused.count) refused: " + report.refused.map { "\($0.path) (\($0.reason))" }.joined(separator: "; ")))
        return store
    }

    private func announce(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// Where the bundled `catalog/` is.
enum BundledCatalog {
    static func locate(explicit: String?) -> URL? {
        let manager = FileManager.default
        var candidates: [URL] = []
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let env = ProcessInfo.processInfo.environment["STEPYARD_CATALOG"] { candidates.append(URL(fileURLWithPath: env)) }
        candidates.append(URL(fileURLWithPath: manager.currentDirectoryPath).appendingPathComponent("catalog"))
        // The source tree the binary was built in: .build/<triple>/<configuration>/stepyard → up to Package.swift.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            if manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                candidates.append(folder.appendingPathComponent("catalog"))
                break
            }
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { var isDirectory: ObjCBool = false; return manager.fileExists(atPath: $0.path, isDirectory: &isDirectory) && isDirectory.boolValue }
    }
}
