import Hummingbird
import StepyardCore

/// Holds every request to `openapi.yaml` (`RequestContract`) before a handler sees it: its path and query
/// parameters, and a JSON body (read from the buffer `BodyLimitMiddleware` collected, so never past the body limit).
/// A JSON body that does not parse is 400 with the parser's line and column; one that breaks the contract, or a
/// parameter that does, is 400 listing every problem (`details.problems`: `location`, `keyword`, `message`).
struct ContractMiddleware<Context: RequestContext>: RouterMiddleware {
    let contract: RequestContract

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let operation = contract.operation(method: request.method == .head ? .get : request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        var problems = contract.problems(of: operation, path: request.uri.path, query: request.uri.query)
        var request = request
        // A body without `Content-Type` is read as the operation's first media type (as the generated layer does).
        let type = request.headers[.contentType]?.lowercased() ?? operation.bodyTypes.first ?? ""
        if operation.body != nil, type.contains("json") {
            let buffer = try await request.body.collect(upTo: .max)
            request.body = RequestBody(buffer: buffer)
            let body: JSONValue
            do {
                body = try JSONValue(parsingJSON: String(buffer: buffer))
            } catch {
                throw APIError.badRequest("the body is not valid JSON: \(error)")
            }
            problems += contract.problems(of: operation, body: body)
            RequestState.current.record?.jsonBody = body
        }
        guard problems.isEmpty else {
            let listed: [JSONValue] = problems.map { ["location": .string($0.location), "keyword": .string($0.keyword), "message": .string($0.message)] }
            let first = problems[0]
            throw APIError.badRequest("the request does not match the API: \(first.location): \(first.message)"
                                      + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""),
                                      details: ["problems": .array(listed)])
        }
        return try await next(request, context)
    }
}
