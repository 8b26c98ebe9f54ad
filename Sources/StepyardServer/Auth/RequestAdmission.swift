import HTTPTypes

/// What a request is refused for before its body is read: a caller who may not make it at all. A change without a
/// token is 401, a change to a namespace the token may not write 403 (404 when it may not even see it), an
/// administration call by a non-admin 403, and, with anonymous read off, anything but the operations endpoints
/// without a token 401. So nobody without a token can make the server read, hold or parse a body.
///
/// The handlers check the same rules again with what only they know (the resource, the version); `AccessPolicy`
/// is where the rules live, this only applies them to a method and a path.
struct RequestAdmission: Sendable {
    let policy: AccessPolicy

    /// Paths anybody may ask, with or without anonymous read.
    static let open: Set<Substring> = ["/healthz", "/readyz", "/metrics", "/openapi.yaml", "/ui/sign-in", "/ui/sign-out", "/ui/static/style.css",
                                       "/ui/static/catalog.js", "/ui/static/run.js", "/ui/static/usage.js"]

    /// The refusal for a request, `nil` when it may go on.
    func refusal(method: HTTPRequest.Method, path: Substring, principal: Principal) -> APIError? {
        let write = Self.isChange(method: method, path: path)
        if principal.isAnonymous {
            if write { return .unauthorized("this change needs a token (Authorization: Bearer <token>)") }
            if !policy.anonymousRead && !Self.open.contains(path) {
                return .unauthorized("reading needs a token (anonymous read is off on this server)")
            }
            return nil
        }
        guard write else { return nil }
        let segments = path.split(separator: "/")
        switch (segments.count, segments.first == "api" && segments.dropFirst().first == "v1" ? segments.dropFirst(2).first : nil) {
        case (3, "departments"?), (3, "tokens"?), (4, "tokens"?), (_, "syncs"?):
            // POST /api/v1/departments, /api/v1/tokens, the syncs: administration.
            return policy.adminRefusal(principal)
        case (5, "departments"?) where segments[4] == "forks":
            return policy.writeRefusal(String(segments[3]), principal)
        case (_, "resources"?) where segments.count >= 4:
            return policy.writeRefusal(String(segments[3]), principal)
        default:
            return nil
        }
    }

    /// Whether a request changes the store: every method but GET and HEAD, except the POSTs that only read
    /// (checking values, binding them into a run, a git fetch's negotiation).
    static func isChange(method: HTTPRequest.Method, path: Substring) -> Bool {
        switch method {
        case .get, .head, .options: return false
        case .post:
            // Signing in and out changes no store (and a browser signing in has no token yet).
            if path == "/ui/sign-in" || path == "/ui/sign-out" { return false }
            if path.hasPrefix("/git/") && path.hasSuffix("/git-upload-pack") { return false }
            return !(path.hasPrefix("/api/v1/resources/") && (path.hasSuffix("/validate") || path.hasSuffix("/resolved")))
        default: return true
        }
    }
}
