/// What the middleware learned about the request in flight, for the generated handlers (which see only their input).
struct RequestState: Sendable {
    var principal: Principal
    var requestID: String
    /// The address clients reach this server by (`http://host:port`), for absolute links such as Tekton Hub's `rawURL`.
    var baseURL: String = "http://127.0.0.1:8080"

    @TaskLocal static var current = RequestState(principal: .anonymous, requestID: "-")
}
