import Foundation
import Hummingbird
import Logging

/// The outermost middleware: gives each request an id (the client's `X-Request-Id` when it is sane), returns it as
/// a header, and writes one access-log line per request with method, path, status, duration and caller.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.requestID(request)
        let started = ContinuousClock.now
        var state = RequestState.current
        state.requestID = requestID
        let (response, caller) = try await RequestState.$current.withValue(state) {
            let response = try await next(request, context)
            return (response, RequestState.current.principal.name)
        }
        var answered = response
        answered.headers[.init("X-Request-Id")!] = requestID
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("\(request.method) \(request.uri.path) \(answered.status.code) \(String(format: "%.2f", milliseconds))ms",
                    metadata: ["stepyard.request_id": .string(requestID), "stepyard.caller": .string(caller)])
        return answered
    }

    private static func requestID(_ request: Request) -> String {
        if let given = request.headers[.init("X-Request-Id")!], given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return UUID().uuidString.lowercased()
    }
}
