import HTTPTypes
import Hummingbird

/// CORS for browser composers on other origins: off unless `serve --cors-origin ORIGIN` names origins (or `*`).
///
/// A request from an allowed origin gets `Access-Control-Allow-Origin` (its own origin) and the response fields a
/// script may read (`ETag`, `Repr-Digest`, `Stepyard-Sha256`, the lifecycle fields …), on errors too. A preflight
/// (`OPTIONS` with `Access-Control-Request-Method`) for a path of the contract is answered `204` with the methods that
/// path takes and the request fields a client may send — before authentication, since browsers send no token with
/// it. Anything else from another origin passes through without CORS fields, so the browser withholds the answer.
struct CrossOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    /// `https://composer.example.com` (scheme, host and port, as browsers send `Origin`), or `*`.
    let origins: Set<String>
    let contract: RequestContract

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !origins.isEmpty, let origin = request.headers[CORS.originField], origins.contains(origin) || origins.contains("*") else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[CORS.requestMethodField] != nil {
            let methods = contract.methods(for: request.uri.path)
            if !methods.isEmpty {
                var methodNames = methods.map(\.rawValue)
                if methodNames.contains("GET") { methodNames.append("HEAD") }
                var response = Response(status: .noContent)
                response.headers[CORS.allowOriginField] = origin
                response.headers[CORS.allowMethodsField] = methodNames.joined(separator: ", ")
                response.headers[CORS.allowHeadersField] = CORS.requestFields
                response.headers[CORS.maxAgeField] = "600"
                response.headers[.vary] = "Origin"
                return response
            }
        }
        var response = try await next(request, context)
        response.headers[CORS.allowOriginField] = origin
        response.headers[CORS.exposeHeadersField] = CORS.exposedFields
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}

/// The CORS fields and the origin check `--cors-origin` uses.
public enum CORS {
    static var requestFields: String { "Authorization, Content-Type, Accept, If-None-Match, X-Request-Id" }
    static var exposedFields: String {
        "ETag, Repr-Digest, Stepyard-Sha256, Stepyard-Version, X-Request-Id, Location, Deprecation, Link, Warning"
    }

    static let requestMethodField = HTTPField.Name("Access-Control-Request-Method")!
    static let allowOriginField = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethodsField = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeadersField = HTTPField.Name("Access-Control-Allow-Headers")!
    static let exposeHeadersField = HTTPField.Name("Access-Control-Expose-Headers")!
    static let maxAgeField = HTTPField.Name("Access-Control-Max-Age")!
    static let originField = HTTPField.Name("Origin")!

    /// Whether an `Origin` value is one `--cors-origin` takes: `*`, or `scheme://host[:port]` without a path.
    public static func isOrigin(_ text: String) -> Bool {
        if text == "*" { return true }
        guard let schemeEnd = text.range(of: "://") else { return false }
        let scheme = text[..<schemeEnd.lowerBound], rest = text[schemeEnd.upperBound...]
        return (scheme == "http" || scheme == "https") && !rest.isEmpty && !rest.contains("/") && !rest.contains("?") && !rest.contains("#")
            && !rest.contains("@") && !rest.contains(" ")
    }

}
