import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Request ids: a random prefix per process and a counter, unique and cheap (no UUID per request).
enum RequestIDs {
    private static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 16) + "-"
    }()
    private static let counter = Atomic<UInt64>(0)

    static let header = HTTPField.Name("X-Request-Id")!

    static func next() -> String {
        var id = prefix
        id.append(String(counter.wrappingAdd(1, ordering: .relaxed).newValue, radix: 16))
        return id
    }

    /// The client's `X-Request-Id` when it is sane, else a new one.
    static func of(_ request: Request) -> String {
        if let given = request.headers[header], sane(given) { return given }
        return next()
    }

    /// Printable ASCII without spaces, at most 128 bytes: safe to echo in a header and a log line.
    static func sane(_ id: String) -> Bool {
        id.utf8.count <= 128 && id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// The outermost middleware: gives each request an id (the client's `X-Request-Id` when it is sane), returns it as
/// a header, and writes one access-log line per request with method, path, status, duration and caller.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = RequestIDs.of(request)
        let started = ContinuousClock.now
        var state = RequestState.current
        state.requestID = requestID
        let record = RequestRecord()
        state.record = record
        let response = try await RequestState.$current.withValue(state) {
            try await next(request, context)
        }
        let caller = record.callerName
        var answered = response
        answered.headers[RequestIDs.header] = requestID
        for field in record.lifecycleFields { answered.headers.append(field) }
        for cookie in record.setCookies { answered.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        if let location = record.location { answered.headers[.location] = location }
        if let disposition = record.contentDisposition { answered.headers[.contentDisposition] = disposition }
        let elapsed = ContinuousClock.now - started
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        // One line, everything in the message: no metadata dictionary to build and format per request.
        logger.info("\(request.method) \(Self.target(request.uri.path, query: request.uri.query)) \(answered.status.code) \(microseconds)us caller=\(caller) request_id=\(requestID)")
        return answered
    }

    /// Query parameters whose values are credentials: logged as `[redacted]`.
    static var secretParameters: Set<String> { ["token", "access_token", "secret", "password"] }

    /// The request target as the access log shows it: the path, and the query with credentials' values redacted.
    static func target(_ path: String, query: String?) -> String {
        guard let query, !query.isEmpty else { return path }
        let items = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            let name = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return secretParameters.contains(name.lowercased()) ? name + "=[redacted]" : String(item)
        }
        return path + "?" + items.joined(separator: "&")
    }
}
