import CoreMetrics
import Dispatch
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1

/// The composer's hot path: a repeated `GET /api/v1/resources/{ns}/{kind}/{name}/{version}/resolved` answered from
/// `ResolvedCache` in the connection's pipeline (`ResolvedHotPathHandler`), with the same bearer-token check and
/// access rule, the same request id, access-log line and metrics series (`hb.requests`,
/// `http.server.request.duration` for the route) as the route.
///
/// It answers only what the route already answered for the same key in the same repository state (same bytes, same
/// `ETag`, same `304`), and leaves everything else to the route untouched: misses, JSON, encoded path segments,
/// tokens it has no verdict on yet, callers who may not read the namespace, any other request.
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
            return ServerMetrics.bootstrapped {
                (Counter(label: "hb.requests", dimensions: dimensions),
                 Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            }
        }
        ok = series(.ok)
        notModified = series(.notModified)
    }

    /// A cached answer: `200` with the bytes, or `304`; with the entry's `ETag` and the request id.
    struct Reply {
        var notModified: Bool
        var requestID: String
        var entry: ResolvedCache.Entry
    }

    /// The cached answer to a GET of `path` (the request target), or `nil` to let the router handle the request.
    ///
    /// Every step works on bytes and makes at most a few small strings: this runs once per request of the busiest
    /// route, and Character-level `String` work here once cost a fifth of the server's time.
    func answer(path: String, fields: Fields) -> Reply? {
        guard !fields.wantsJSON, !fields.crossOrigin, let target = Self.target(path) else { return nil }
        let started = DispatchTime.now().uptimeNanoseconds
        guard case .success(let principal)? = verifier.remembered(authorization: fields.authorization),
              policy.canRead(target.namespace, principal),
              let entry = cache.lookup(target.key, generation: state.generation) else { return nil }
        ServerMetrics.resolveCacheHits.increment()
        let notModified = fields.ifNoneMatch.map { RegistryAPI.matches($0, entry.etag) } ?? false
        let reply = Reply(notModified: notModified, requestID: fields.requestID ?? RequestIDs.next(), entry: entry)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        let (requests, duration) = notModified ? self.notModified : ok
        requests.increment()
        duration.recordNanoseconds(elapsed)
        logger.info("GET \(path) \(notModified ? 304 : 200) \(elapsed / 1000)us caller=\(principal.name) request_id=\(reply.requestID)")
        return reply
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
        /// An `Origin` field: CORS is the router's (`CrossOriginMiddleware`).
        var crossOrigin = false

        /// From NIO's HTTP/1 headers, whose names keep the client's spelling.
        init?(_ headers: HTTPHeaders) {
            var accept: String?
            for (fieldName, value) in headers {
                guard let name = Name(fieldName) else { continue }
                guard record(name, value, accept: &accept) else { return nil }
            }
            wantsJSON = accept.map(Self.mentionsJSON) ?? false
        }

        /// The header fields read, by lower-case name.
        enum Name: String, CaseIterable {
            case authorization
            case ifNoneMatch = "if-none-match"
            case accept
            case requestID = "x-request-id"
            case origin

            /// The field called `name` in any case, or `nil`.
            init?(_ name: String) {
                let utf8 = name.utf8
                guard let match = Self.allCases.first(where: { candidate in
                    candidate.rawValue.utf8.count == utf8.count
                        && zip(candidate.rawValue.utf8, utf8).allSatisfy { $0 == $1 || ((0x41...0x5A).contains($1) && $0 == $1 + 0x20) }
                }) else { return nil }
                self = match
            }
        }

        /// Takes one field; `false` when it is a repeat.
        private mutating func record(_ name: Name, _ value: String, accept: inout String?) -> Bool {
            switch name {
            case .authorization:
                guard authorization == nil else { return false }
                authorization = value
            case .ifNoneMatch:
                guard ifNoneMatch == nil else { return false }
                ifNoneMatch = value
            case .accept:
                guard accept == nil else { return false }
                accept = value
            case .requestID:
                guard requestID == nil else { return false }
                requestID = RequestIDs.sane(value) ? value : nil
            case .origin:
                crossOrigin = true
            }
            return true
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
