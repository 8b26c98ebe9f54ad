import Foundation
import Hummingbird

/// Establishes who is calling (bearer token or anonymous) for the handlers, through `RequestState`.
///
/// It runs before any body is read: a caller the request is refused for (`RequestAdmission`) is answered at once.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let verifier: TokenVerifier
    let admission: RequestAdmission
    let contract: RequestContract
    /// Where absolute links point.
    let links: LinkBase
    /// Signed-in browsers of the web catalog.
    let sessions: WebSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var state = RequestState.current
        state.cookies = WebSessions.cookies(request.headers[.cookie])
        // A path no route serves with this method gets its 404 or 405 (from the router, through `ErrorMiddleware`) first.
        let method = request.method == .head ? .get : request.method
        guard let operation = contract.operation(method: method, path: request.uri.path) else { throw HTTPError(.notFound) }
        var authorization = request.headers[.authorization]
        // Git and registry clients send the token as the password of HTTP Basic auth (any user name).
        if let given = authorization, request.uri.path.hasPrefix("/git/") || request.uri.path.hasPrefix("/v2/"),
           let token = Self.basicPassword(given) {
            authorization = "Bearer " + token
        }
        // Tekton's events controller sends no credentials: the sink's URL carries an events token.
        if authorization == nil, request.uri.path == "/api/v1/tekton/events", let token = request.uri.queryParameters.get("token") {
            authorization = "Bearer " + token
        }
        // The OCI token endpoint's token for a client without credentials stands for none.
        if authorization == "Bearer " + OCIErrors.anonymousToken, OCIErrors.isRegistryPath(request.uri.path) { authorization = nil }
        // A signed-in browser: its session stands for its token where the operation allows (`acceptsSession`).
        if authorization == nil, operation.acceptsSession, let id = state.cookies[WebSessions.sessionCookie], let token = sessions.token(for: id) {
            authorization = "Bearer " + token
        }
        state.principal = try await verifier.principal(authorization: authorization)
        if !state.principal.isAnonymous, let authorization, authorization.hasPrefix("Bearer ") {
            state.bearerToken = String(authorization.dropFirst("Bearer ".count))
        }
        if let refusal = admission.refusal(method: request.method, path: Substring(request.uri.path), principal: state.principal) { throw refusal }
        state.record?.callerName = state.principal.name
        state.baseURL = links.base(for: request.headers[LinkBase.host] ?? request.head.authority)
        state.query = request.uri.query
        state.path = request.uri.path
        return try await RequestState.$current.withValue(state) {
            try await next(request, context)
        }
    }

    /// The password of an `Authorization: Basic base64(user:password)` value; `nil` for any other scheme.
    static func basicPassword(_ value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") else { return nil }
        return String(pair[pair.index(after: colon)...])
    }
}
