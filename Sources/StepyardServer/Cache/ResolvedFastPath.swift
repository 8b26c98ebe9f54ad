import Hummingbird

/// Serves repeated `GET /api/v1/resources/{ns}/{kind}/{name}/{version}/resolved` from `ResolvedCache` before the
/// generated layer decodes the request: the composer's hot path then costs a lookup. It sits inside the auth,
/// metrics and logging middleware (they all apply), answers only what the handler already answered for the same
/// key in the same repository state (same bytes, same `ETag`, same `304`), and passes everything else through:
/// misses, other formats than YAML, encoded path segments, callers who may not read the namespace.
struct ResolvedFastPath<Context: RequestContext>: RouterMiddleware {
    let cache: ResolvedCache
    let state: ServerState
    let policy: AccessPolicy
    /// The route's template as the router names it, for metrics and logs.
    let endpoint: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, let key = Self.key(request), policy.canRead(key.namespace, RequestState.current.principal),
              let entry = cache.lookup(key.text, generation: state.generation) else {
            return try await next(request, context)
        }
        context.coreContext.endpointPath.value = endpoint
        ServerMetrics.resolveCacheHits.increment()
        var headers = HTTPFields()
        headers[.eTag] = entry.etag
        if let ifNoneMatch = request.headers[.ifNoneMatch], RegistryAPI.matches(ifNoneMatch, entry.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/yaml"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: entry.buffer))
    }

    /// The cache key a plain request (YAML wanted, no percent-encoding) names, or `nil`.
    static func key(_ request: Request) -> (namespace: String, text: String)? {
        let path = request.uri.path
        guard path.hasSuffix("/resolved"), !path.utf8.contains(UInt8(ascii: "%")) else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", api, v1, resources, ns, kind, name, version, resolved
        guard parts.count == 9, parts[1] == "api", parts[2] == "v1", parts[3] == "resources" else { return nil }
        if let accept = request.headers[.accept], !Self.wantsYAML(accept) { return nil }
        let namespace = String(parts[4])
        return (namespace, ResolvedCache.key(namespace: namespace, kind: String(parts[5]), name: String(parts[6]),
                                             version: String(parts[7]), json: false))
    }

    /// Whether an `Accept` header leaves YAML as the answer (no JSON asked for): the handler's choice too.
    static func wantsYAML(_ accept: String) -> Bool {
        !accept.contains("json")
    }
}
