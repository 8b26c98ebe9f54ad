import HTTPTypes
import Hummingbird
import OrderedCollections
import StepyardCore

/// Errors under `/v2/` as the OCI distribution spec writes them — `{"errors": [{"code", "message", "detail"}]}` —
/// so registry clients (skopeo, go-containerregistry, Tekton's bundles resolver) show the reason. `ErrorMiddleware`
/// sends every refusal of a `/v2/` path through here: a handler's own code (`MANIFEST_UNKNOWN`, …) is kept, and the
/// rest map by status. A 401 carries the challenge clients follow: `Bearer` with the token endpoint, its service
/// and the repository's pull scope (`Basic` on the token endpoint itself).
enum OCIErrors {
    static let service = "stepyard"
    /// What the token endpoint gives a client without credentials; sent back as `Bearer anonymous`, it stands for no
    /// token at all (`AuthMiddleware`).
    static let anonymousToken = "anonymous"

    static func isRegistryPath(_ path: String) -> Bool { path == "/v2" || path.hasPrefix("/v2/") }

    /// The spec's code for an error: the handler's own when it is one, else by status.
    static func code(_ error: APIError) -> String {
        if error.code.allSatisfy({ $0.isUppercase || $0 == "_" }) { return error.code }
        switch error.status {
        case .unauthorized: return "UNAUTHORIZED"
        case .forbidden: return "DENIED"
        case .notFound: return "NAME_UNKNOWN"
        case .contentTooLarge: return "SIZE_INVALID"
        case .tooManyRequests, .serviceUnavailable: return "TOOMANYREQUESTS"
        default: return error.status.code < 500 ? "UNSUPPORTED" : "UNKNOWN"
        }
    }

    static func response(_ error: APIError, path: String, base: String, requestID: String) -> Response {
        var error = error
        if error.status == .methodNotAllowed {
            error = APIError(.methodNotAllowed, "UNSUPPORTED", "this registry is read only: versions are published with stepyard publish or git push")
        }
        var entry: OrderedDictionary<String, JSONValue> = ["code": .string(code(error)), "message": .string(error.message)]
        if let details = error.details { entry["detail"] = details }
        let body: JSONValue = ["errors": .array([.object(entry)])]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[RequestIDs.header] = requestID
        headers[HTTPField.Name("Docker-Distribution-API-Version")!] = "registry/2.0"
        if error.status == .unauthorized {
            headers[.wwwAuthenticate] = challenge(path: path, base: base)
        }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.serializedBytes() + [0x0A])))
    }

    /// `Bearer realm="…/v2/token",service="stepyard",scope="repository:ns/kind/name:pull"`; `Basic` for the token
    /// endpoint.
    static func challenge(path: String, base: String) -> String {
        if path == "/v2/token" { return "Basic realm=\"\(service)\", charset=\"UTF-8\"" }
        var value = "Bearer realm=\"\(base)/v2/token\",service=\"\(service)\""
        let segments = path.split(separator: "/")
        if segments.count >= 5 { value += ",scope=\"repository:\(segments[1...3].joined(separator: "/")):pull\"" }
        return value
    }
}
