import CoreMetrics
import Dispatch
import HTTPTypes
import Hummingbird
import Logging

/// The composer's hot path: a repeated `GET /api/v1/resources/{ns}/{kind}/{name}/{version}/resolved` answered from
/// `ResolvedCache` before routing, in one step instead of a middleware chain — with the same bearer-token check and
/// access rule, the same request id, access-log line and metrics series (`hb.requests`,
/// `http.server.request.duration` for the route) as the full path.
///
/// It answers only what the generated handler already answered for the same key in the same repository state (same
/// bytes, same `ETag`, same `304`), and hands everything else to the router untouched: misses, JSON, encoded path
/// segments, missing or bad tokens, callers who may not read the namespace, any other route.
struct ResolvedHotPathBuilder<Builder: HTTPResponderBuilder>: HTTPResponderBuilder where Builder.Responder.Context: RequestContext {
    let router: Builder
    let hotPath: ResolvedHotPath

    func buildResponder() -> ResolvedHotPathResponder<Builder.Responder> {
        ResolvedHotPathResponder(inner: router.buildResponder(), hotPath: hotPath)
    }
}

struct ResolvedHotPathResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context: RequestContext {
    typealias Context = Inner.Context
    let inner: Inner
    let hotPath: ResolvedHotPath

    @Sendable func respond(to request: Request, context: Context) async throws -> Response {
        if let response = hotPath.answer(request) { return response }
        return try await inner.respond(to: request, context: context)
    }
}

/// What the hot path needs, built once per application.
struct ResolvedHotPath: Sendable {
    static let route = "/api/v1/resources/{namespace}/{kind}/{name}/{version}/resolved"

    let cache: ResolvedCache
    let state: ServerState
    let policy: AccessPolicy
    let verifier: TokenVerifier
    let logger: Logger
    private let ok: (Counter, Timer)
    private let notModified: (Counter, Timer)

    init(cache: ResolvedCache, state: ServerState, policy: AccessPolicy, verifier: TokenVerifier, logger: Logger) {
        self.cache = cache
        self.state = state
        self.policy = policy
        self.verifier = verifier
        self.logger = logger
        // The series Hummingbird's MetricsMiddleware records for this route, so /metrics shows one set of numbers.
        func series(_ status: HTTPResponse.Status) -> (Counter, Timer) {
            let dimensions = [("http.route", Self.route), ("http.request.method", "GET"), ("http.response.status_code", status.code.description)]
            return (Counter(label: "hb.requests", dimensions: dimensions),
                    Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
        }
        ok = series(.ok)
        notModified = series(.notModified)
    }

    /// The cached answer, or `nil` to let the router handle the request.
    func answer(_ request: Request) -> Response? {
        guard request.method == .get, let key = Self.key(request) else { return nil }
        let started = DispatchTime.now().uptimeNanoseconds
        guard let principal = try? verifier.principal(authorization: request.headers[.authorization]),
              policy.canRead(key.namespace, principal),
              let entry = cache.lookup(key.text, generation: state.generation) else { return nil }
        ServerMetrics.resolveCacheHits.increment()
        let requestID = RequestIDs.of(request)
        var headers = HTTPFields()
        headers[.eTag] = entry.etag
        headers[RequestIDs.header] = requestID
        let response: Response
        let metrics: (Counter, Timer)
        if let ifNoneMatch = request.headers[.ifNoneMatch], RegistryAPI.matches(ifNoneMatch, entry.etag) {
            response = Response(status: .notModified, headers: headers)
            metrics = notModified
        } else {
            headers[.contentType] = "application/yaml"
            response = Response(status: .ok, headers: headers, body: .init(byteBuffer: entry.buffer))
            metrics = ok
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        metrics.0.increment()
        metrics.1.recordNanoseconds(elapsed)
        logger.info("GET \(request.uri.path) \(response.status.code) \(elapsed / 1000)us caller=\(principal.name) request_id=\(requestID)")
        return response
    }

    /// The cache key a plain request (YAML wanted, no percent-encoding) names, or `nil`.
    static func key(_ request: Request) -> (namespace: String, text: String)? {
        let path = request.uri.path
        guard path.hasSuffix("/resolved"), !path.utf8.contains(UInt8(ascii: "%")) else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", api, v1, resources, ns, kind, name, version, resolved
        guard parts.count == 9, parts[1] == "api", parts[2] == "v1", parts[3] == "resources" else { return nil }
        // YAML is the answer unless JSON is asked for: the handler's choice too.
        if let accept = request.headers[.accept], accept.utf8.count >= 4, accept.contains("json") { return nil }
        let namespace = String(parts[4])
        return (namespace, ResolvedCache.key(namespace: namespace, kind: String(parts[5]), name: String(parts[6]),
                                             version: String(parts[7]), json: false))
    }
}
