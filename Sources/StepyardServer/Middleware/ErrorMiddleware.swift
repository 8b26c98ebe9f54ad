import Foundation
import Hummingbird
import Logging
import OpenAPIRuntime
import StepyardCore

/// The one mapping from thrown errors to responses: `APIError` as itself; Hummingbird's own errors (no route, a
/// wrong method) and the generated layer's decoding errors as JSON 4xx; anything else logged and answered 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// What the server serves: a known path asked with another method is 405 with `Allow`.
    let contract: RequestContract
    /// Where absolute links point (the OCI registry's token endpoint in its challenges).
    let links: LinkBase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let requestID = RequestState.current.requestID
            let mapped = map(error, request: request)
            // The OCI registry's errors in its spec's form; a write to it (any method but GET and HEAD) is UNSUPPORTED.
            if OCIErrors.isRegistryPath(request.uri.path) {
                let write = request.method != .get && request.method != .head
                var refusal = mapped
                if write && [.notFound, .methodNotAllowed].contains(mapped.status) {
                    refusal = APIError(.methodNotAllowed, "method_not_allowed", "")
                } else if let error = error as? HTTPError, error.status == .notFound {
                    refusal = APIError(.notFound, "NAME_UNKNOWN", "\(request.uri.path) is not a path of this registry: repositories are "
                                       + "<namespace>/<task|pipeline|stepaction>/<name>, e.g. /v2/<namespace>/task/<name>/manifests/latest")
                }
                return OCIErrors.response(refusal, path: request.uri.path, base: links.base(for: request.headers[LinkBase.host] ?? request.head.authority),
                                          requestID: requestID)
            }
            if mapped.status == .notFound, let error = error as? HTTPError, error.status == .notFound {
                let allowed = contract.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    var response = APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed on \(request.uri.path)",
                                            details: ["allowed": .array(allowed.map { .string($0.rawValue) })]).response(requestID: requestID)
                    response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                    return response
                }
            }
            // A browser on a web catalog page gets the error as a page.
            if request.uri.path.hasPrefix("/ui/") || request.uri.path == "/", request.headers[.accept]?.contains("text/html") == true {
                return mapped.page(requestID: requestID)
            }
            var response = mapped.response(requestID: requestID)
            // Git sends a token as the password of HTTP Basic auth, and only when challenged for it.
            if request.uri.path.hasPrefix("/git/"), mapped.status == .unauthorized {
                response.headers[.wwwAuthenticate] = "Basic realm=\"stepyard\", charset=\"UTF-8\""
            }
            return response
        }
    }

    func map(_ error: any Error, request: Request) -> APIError {
        switch error {
        case let error as APIError:
            if error.status == .internalServerError { log(error, request: request) }
            return error
        case let error as ServerError:
            if let underlying = error.underlyingError as? APIError { return map(underlying, request: request) }
            let operation = contract.operation(method: request.method == .head ? .get : request.method, path: request.uri.path)
            switch error.httpStatus {
            case .notAcceptable:
                let types = operation?.responseTypes ?? []
                return APIError(.notAcceptable, "not_acceptable",
                                "this answer comes as \(types.isEmpty ? "the media types /openapi.yaml lists" : types.joined(separator: " or ")); "
                                + "Accept: \(request.headers[.accept] ?? "") allows none of them",
                                details: ["available": .array(types.map(JSONValue.string))])
            case .unsupportedMediaType:
                let types = operation?.bodyTypes ?? []
                return APIError(.unsupportedMediaType, "unsupported_media_type",
                                "the body's Content-Type \(request.headers[.contentType] ?? "(none)") is not taken here: send \(types.joined(separator: " or "))",
                                details: ["accepted": .array(types.map(JSONValue.string))])
            default:
                break
            }
            // The generated layer could not read the request: a missing or malformed parameter or body.
            return .badRequest("the request does not match the API (\(error.operationID)): \(Self.reason(error.underlyingError)); see /openapi.yaml")
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound("no route \(request.method) \(request.uri.path); see /openapi.yaml")
            case .methodNotAllowed: return .init(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed on \(request.uri.path)")
            case .contentTooLarge: return .payloadTooLarge(nil)
            default:
                if error.status.code < 500 { return .init(error.status, "bad_request", error.body ?? error.status.reasonPhrase) }
                log(error, request: request)
                return .internalError
            }
        default:
            log(error, request: request)
            return .internalError
        }
    }

    /// What the generated layer could not read, in a person's words: where (the coding path) and what kind of
    /// problem, never a decoder's or a Swift type's name.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "a parameter or the body could not be read" }
        func place(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the body" : path.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(place(context.codingPath + [key])) is missing"
        case .valueNotFound(_, let context): return "\(place(context.codingPath)) is missing or null"
        case .typeMismatch(_, let context): return "\(place(context.codingPath)) has a value of the wrong type"
        case .dataCorrupted(let context): return "\(place(context.codingPath)) holds a value that cannot be read"
        @unknown default: return "a parameter or the body could not be read"
        }
    }

    private func log(_ error: any Error, request: Request) {
        logger.error("request failed", metadata: ["stepyard.request_id": .string(RequestState.current.requestID),
                                                 "path": .string(request.uri.path), "error": .string("\(error)")])
    }
}
