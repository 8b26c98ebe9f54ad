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
    ///
    /// Every step works on bytes and makes at most a few small strings: this runs once per request of the busiest
    /// route, and Character-level `String` work here once cost a fifth of the server's time.
    func answer(_ request: Request) -> Response? {
        guard request.method == .get, let path = request.head.path, let target = Self.target(path),
              let fields = Self.Fields(request.headers), !fields.wantsJSON else { return nil }
        let started = DispatchTime.now().uptimeNanoseconds
        guard let principal = try? verifier.principal(authorization: fields.authorization),
              policy.canRead(target.namespace, principal),
              let entry = cache.lookup(target.key, generation: state.generation) else { return nil }
        ServerMetrics.resolveCacheHits.increment()
        let requestID = fields.requestID ?? RequestIDs.next()
        var headers = HTTPFields()
        headers.reserveCapacity(3)
        headers[.eTag] = entry.etag
        headers[RequestIDs.header] = requestID
        let response: Response
        let metrics: (Counter, Timer)
        if let ifNoneMatch = fields.ifNoneMatch, RegistryAPI.matches(ifNoneMatch, entry.etag) {
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
        logger.info("GET \(path) \(response.status.code) \(elapsed / 1000)us caller=\(principal.name) request_id=\(requestID)")
        return response
    }

    private static let prefix = Array("/api/v1/resources/".utf8)
    private static let suffix = Array("/resolved".utf8)

    /// The namespace and cache key a plain request target (`/api/v1/resources/{ns}/{kind}/{name}/{version}/resolved`:
    /// four non-empty segments, no percent-encoding, no query) names, or `nil`.
    static func target(_ path: String) -> (namespace: String, key: String)? {
        path.utf8.withContiguousStorageIfAvailable { bytes -> (namespace: String, key: String)? in
            let count = bytes.count
            guard count > prefix.count + suffix.count + 6,
                  bytes.prefix(prefix.count).elementsEqual(prefix), bytes.suffix(suffix.count).elementsEqual(suffix) else { return nil }
            let start = prefix.count, end = count - suffix.count
            var slashes = 0
            var namespaceEnd = end
            var previous = UInt8(ascii: "/")
            for index in start..<end {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "/"):
                    guard previous != UInt8(ascii: "/") else { return nil }  // an empty segment
                    if slashes == 0 { namespaceEnd = index }
                    slashes += 1
                case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"):
                    return nil
                default:
                    break
                }
                previous = byte
            }
            guard slashes == 3, previous != UInt8(ascii: "/") else { return nil }
            var key = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            key.append(ResolvedCache.yamlSuffix)
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<namespaceEnd]), as: UTF8.self), key)
        } ?? nil
    }

    /// The request headers the hot path reads, in one pass; `nil` when one of them is repeated (the router then
    /// decides what that means).
    struct Fields {
        var authorization: String?
        var ifNoneMatch: String?
        var requestID: String?
        /// `Accept` mentions JSON: the handler ranks media types, so the router answers.
        var wantsJSON = false

        init?(_ headers: HTTPFields) {
            var accept: String?
            for field in headers {
                switch field.name {
                case .authorization:
                    guard authorization == nil else { return nil }
                    authorization = field.value
                case .ifNoneMatch:
                    guard ifNoneMatch == nil else { return nil }
                    ifNoneMatch = field.value
                case .accept:
                    guard accept == nil else { return nil }
                    accept = field.value
                case RequestIDs.header:
                    guard requestID == nil else { return nil }
                    requestID = RequestIDs.sane(field.value) ? field.value : nil
                default:
                    continue
                }
            }
            wantsJSON = accept.map(Self.mentionsJSON) ?? false
        }

        private static func mentionsJSON(_ accept: String) -> Bool {
            var utf8 = accept.utf8[...]
            while let j = utf8.firstIndex(where: { $0 | 0x20 == UInt8(ascii: "j") }) {
                let rest = utf8[j...]
                if rest.count >= 4, rest.prefix(4).map({ $0 | 0x20 }).elementsEqual("json".utf8) { return true }
                utf8 = utf8[utf8.index(after: j)...]
            }
            return false
        }
    }
}
