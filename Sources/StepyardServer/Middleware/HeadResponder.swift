import Hummingbird

/// Answers `HEAD` wherever `GET` is answered (RFC 9110): the GET response's status and headers, without its body.
/// Load balancers' health checks and `curl -I` send HEAD. It wraps the whole router, because routes are chosen
/// before router middleware runs.
struct HeadResponderBuilder<Builder: HTTPResponderBuilder>: HTTPResponderBuilder {
    let router: Builder

    func buildResponder() -> HeadResponder<Builder.Responder> {
        HeadResponder(inner: router.buildResponder())
    }
}

struct HeadResponder<Inner: HTTPResponder>: HTTPResponder {
    typealias Context = Inner.Context
    let inner: Inner

    @Sendable func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
        // The GET's Content-Length stays: registry clients size a manifest or blob from a HEAD.
        let length = response.headers[.contentLength]
        response.body = ResponseBody()
        response.headers[.contentLength] = length
        return response
    }
}
