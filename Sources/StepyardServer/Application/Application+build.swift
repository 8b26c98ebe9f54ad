import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import StepyardStore

/// Everything a running server holds: the store, the tokens, what it knows between requests.
struct ServerContext: Sendable {
    let store: Store
    let tokens: AccessTokens
    let configuration: ServerConfiguration
    let state: ServerState
    let cache: ResolvedCache
    let policy: AccessPolicy
    let logger: Logger
    let verifier: TokenVerifier
    let sessions: WebSessions
    let pages: PageCache
    /// Tekton bundles built for `/v2/` (`BundleCache`).
    let bundles: BundleCache
    /// Wakes the events' delivery when something was recorded (`EventDelivery`).
    let events: EventWake
    /// Where webhooks may go (`--webhook-allow-host`).
    let webhooks: WebhookAllowList
    /// What a replica knows of its primary; `nil` on a primary.
    let replica: ReplicaStatus?
}

/// Builds the Stepyard HTTP application over an open store.
///
/// - Parameters:
///   - store: the store to serve (`Store.open`).
///   - tokens: its tokens (`AccessTokens.open(storeDirectory:)`).
///   - configuration: address, anonymous read, limits.
///   - logger: where request and service logs go.
/// - Returns: the application; `runService()` serves until SIGTERM/SIGINT and shuts down gracefully.
///
/// ```swift
/// let store = try Store.open(at: directory)
/// let app = try await buildApplication(store: store, tokens: try AccessTokens.open(storeDirectory: directory),
///                                      configuration: ServerConfiguration(), logger: Logger(label: "stepyard"))
/// try await app.runService()
/// ```
public func buildApplication(store: Store, tokens: AccessTokens, configuration: ServerConfiguration,
                             logger: Logger) async throws -> some ApplicationProtocol {
    // The server writes to the pipes of the programs it runs (git http-backend): one that exits early must not end it.
    signal(SIGPIPE, SIG_IGN)
    let state = ServerState()
    let cache = ResolvedCache(capacity: configuration.resolvedCacheEntries)
    let watcher = IndexWatcher(store: store, state: state, cache: cache, interval: configuration.watchInterval, logger: logger)
    await watcher.check(countRefused: true)
    let replica = configuration.replicaOf.map(ReplicaStatus.init(primary:))
    // A replica's tokens are its primary's, asked of it and remembered 5 s (a revocation takes that long to reach it).
    let verifier = replica.map { TokenVerifier(primary: PrimaryClient(primary: $0.primary), state: state, lifetime: .seconds(5)) }
        ?? TokenVerifier(tokens: tokens, state: state)
    let context = ServerContext(store: store, tokens: tokens, configuration: configuration, state: state,
                                cache: cache,
                                policy: AccessPolicy(organisation: store.organisation, anonymousRead: configuration.anonymousRead),
                                logger: logger, verifier: verifier, sessions: WebSessions(),
                                pages: PageCache(capacity: configuration.pageCacheEntries),
                                bundles: BundleCache(capacity: configuration.bundleCacheEntries), events: EventWake(),
                                webhooks: WebhookAllowList(hosts: configuration.webhookAllowHosts), replica: replica)
    _ = ServerMetrics.registry
    let router = Router()
    router.add(middleware: RequestLogMiddleware(logger: logger))
    // Outside the error mapping, so refusals carry the CORS fields too; before authentication, which preflights lack.
    router.add(middleware: CrossOriginMiddleware(origins: Set(configuration.corsOrigins), contract: .shipped))
    router.add(middleware: MetricsMiddleware())
    let links = LinkBase(configuration: configuration)
    router.add(middleware: ErrorMiddleware(logger: logger, contract: .shipped, links: links))
    if let replica { router.add(middleware: ReplicaMiddleware<BasicRequestContext>(primary: replica.primary)) }
    // The exact bytes of the representation a handler chose, its validators, or 304.
    router.add(middleware: RepresentationMiddleware())
    router.add(middleware: HeaderValueMiddleware())
    router.add(middleware: PercentEncodingMiddleware())
    // Who is calling, and whether it may ask this at all, before any body is read.
    router.add(middleware: AuthMiddleware(verifier: verifier, admission: RequestAdmission(policy: context.policy), contract: .shipped,
                                         links: links, sessions: context.sessions))
    router.add(middleware: BodyLimitMiddleware(limit: configuration.maxBodyBytes))
    router.add(middleware: ContractMiddleware(contract: .shipped))
    // JSON the generated layer writes: keys sorted, indented, and `/` as itself (`tekton/task/go`, not `tekton\/task\/go`).
    try RegistryAPI(context: context).registerHandlers(on: router, configuration: .init(jsonEncodingOptions: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]))
    let hotPath = ResolvedHotPath(cache: context.cache, state: state, policy: context.policy, verifier: verifier, logger: logger)
    let serverName = "stepyard"
    // Cached repeats of the resolved GET are answered in each connection's pipeline (no per-request task); the
    // rest — misses, JSON, requests the pipeline passes on — by the route, which fills the cache.
    var app = Application(router: HeadResponderBuilder(router: router),
                          server: .stepyard(hotPath: hotPath, serverName: serverName, configuration: configuration),
                          configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName,
                                               // Connections a flood queues faster than they are accepted wait here; when it
                                               // is full, the kernel drops SYNs and a client retries only after a second.
                                               backlog: 4096),
                          onServerRunning: { channel in
                              if let port = channel.localAddress?.port { links.bound(port: port) }
                          },
                          logger: logger)
    _ = ServerMetrics.registry
    if let replica {
        // A replica follows its primary and writes nothing of its own (syncs run on the primary).
        app.addServices(watcher, ReplicaFollower(store: store, token: configuration.replicaToken ?? "", status: replica, watcher: watcher,
                                                 interval: configuration.replicaInterval, logger: logger))
    } else {
        // Events go out from the primary only (a replica's commits are the primary's, told there).
        let sender = WebhookSender(allowList: context.webhooks, base: configuration.publicURL ?? links.listening, timeout: 10)
        app.addServices(watcher, SyncScheduler(store: store, tick: configuration.syncTick, logger: logger, events: context.events),
                        EventDelivery(store: store, sender: sender, wake: context.events, retryBase: configuration.webhookRetryBase, logger: logger))
    }
    return app
}
