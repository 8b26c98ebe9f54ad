import HTTPTypes
import StepyardCore
import Synchronization

/// What the middleware learned about the request in flight, for the generated handlers (which see only their input).
struct RequestState: Sendable {
    var principal: Principal
    var requestID: String
    /// The address absolute links start with (`LinkBase`): `http://host:port`, no trailing slash.
    var baseURL = "http://127.0.0.1:8080"
    /// The request's query string as sent (the web catalog's run form has a field per param, named by the template).
    var query: String?
    /// The request's path as sent (the web catalog's page cache keys on it).
    var path: String = ""
    /// The request's cookies (the web catalog's session and its forms' CSRF value).
    var cookies: [String: String] = [:]
    /// The token the caller sent (as a bearer token or a Basic password), for the OCI token endpoint to hand back.
    var bearerToken: String?
    /// Shared with the outer middleware, which reads it after the response: who the caller turned out to be.
    var record: RequestRecord? = nil

    @TaskLocal static var current = RequestState(principal: .anonymous, requestID: "-")
}

/// One request's facts that inner layers learn and outer layers log (a task-local value cannot flow outwards).
final class RequestRecord: Sendable {
    private let caller = Mutex("anonymous")
    private let lifecycle = Mutex<[HTTPField]>([])
    private let chosen = Mutex<Representation?>(nil)
    private let cookieFields = Mutex<[String]>([])

    private let redirect = Mutex<String?>(nil)
    private let disposition = Mutex<String?>(nil)

    /// `Content-Disposition` of an answer to save as a file (`attachment; filename="go-run.yaml"`).
    var contentDisposition: String? {
        get { disposition.withLock { $0 } }
        set { disposition.withLock { $0 = newValue } }
    }

    /// Where a `303 See Other` sends the browser (set here, not through the generated layer, which would
    /// percent-encode the path's slashes).
    var location: String? {
        get { redirect.withLock { $0 } }
        set { redirect.withLock { $0 = newValue } }
    }

    /// `Set-Cookie` values for the response (the outermost middleware adds them).
    var setCookies: [String] {
        get { cookieFields.withLock { $0 } }
        set { cookieFields.withLock { $0 = newValue } }
    }
    private let parsed = Mutex<JSONValue?>(nil)

    /// The representation the handler chose to send (`RepresentationMiddleware` writes it).
    var representation: Representation? {
        get { chosen.withLock { $0 } }
        set { chosen.withLock { $0 = newValue } }
    }

    /// The JSON body as `ContractMiddleware` parsed it (strictly, numbers exact), for handlers that read the body
    /// as a value rather than through the generated types.
    var jsonBody: JSONValue? {
        get { parsed.withLock { $0 } }
        set { parsed.withLock { $0 = newValue } }
    }

    /// Header fields about deprecated or yanked versions the answer names (`LifecycleHeaders`), added to the
    /// response by the outermost middleware.
    var lifecycleFields: [HTTPField] {
        get { lifecycle.withLock { $0 } }
        set { lifecycle.withLock { $0 = newValue } }
    }

    var callerName: String {
        get { caller.withLock { $0 } }
        set { caller.withLock { $0 = newValue } }
    }
}
