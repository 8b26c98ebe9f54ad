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
        state.publicURL = publicURL
        state.authority = request.head.authority
        return try await RequestState.$current.withValue(state) {
            try await next(request, context)
        }
    }
}
