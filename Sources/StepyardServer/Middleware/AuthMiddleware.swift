import Hummingbird

/// Establishes who is calling (bearer token or anonymous) for the handlers, through `RequestState`.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let verifier: TokenVerifier
    /// The configured public address, when the server is behind a proxy.
    let publicURL: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var state = RequestState.current
        state.principal = try verifier.principal(authorization: request.headers[.authorization])
        state.record?.callerName = state.principal.name
        if let publicURL {
            state.baseURL = publicURL
        } else if let host = request.head.authority, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x2F }) {
            state.baseURL = "http://" + host
        }
        return try await RequestState.$current.withValue(state) {
            try await next(request, context)
        }
    }
}
