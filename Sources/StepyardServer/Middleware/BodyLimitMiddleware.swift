import Hummingbird

/// Refuses request bodies over the configured limit with 413 before any handler reads them: by `Content-Length` at
/// once, and for a chunked body as soon as the limit is passed.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .put || request.method == .post || request.method == .patch else {
            return try await next(request, context)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.payloadTooLarge(limit)
        }
        var collected = ByteBuffer()
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw APIError.payloadTooLarge(limit) }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        var request = request
        request.body = RequestBody(buffer: collected)
        return try await next(request, context)
    }
}
