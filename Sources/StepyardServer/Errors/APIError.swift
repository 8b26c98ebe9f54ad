import Foundation
import HTTPTypes
import Hummingbird
import StepyardCore
import StepyardStore

/// An error the client sees: `{"error": {"code", "message", "details", "requestId"}}` with its status.
/// Every client mistake becomes one of these (never a 500); anything else is logged and answered as `internal`.
struct APIError: Error, Sendable, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var details: JSONValue?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    static func badRequest(_ message: String, details: JSONValue? = nil) -> APIError { .init(.badRequest, "bad_request", message, details: details) }
    static func unauthorized(_ message: String) -> APIError { .init(.unauthorized, "unauthorized", message) }
    static func forbidden(_ message: String) -> APIError { .init(.forbidden, "forbidden", message) }
    static func notFound(_ message: String) -> APIError { .init(.notFound, "not_found", message) }
    static func conflict(_ message: String, details: JSONValue? = nil) -> APIError { .init(.conflict, "conflict", message, details: details) }
    static func unprocessable(_ message: String, details: JSONValue? = nil) -> APIError {
        .init(.unprocessableContent, "unprocessable", message, details: details)
    }
    static func payloadTooLarge(_ limit: Int?) -> APIError {
        .init(.contentTooLarge, "payload_too_large",
              limit.map { "the request body is larger than the limit of \($0) bytes" } ?? "the request body is larger than the server accepts")
    }
    static let internalError = APIError(.internalServerError, "internal", "the server failed to handle the request; it was logged")

    /// The JSON body.
    func body(requestID: String) -> [UInt8] {
        let value: JSONValue
        if let details {
            value = ["error": ["code": .string(code), "message": .string(message), "details": details, "requestId": .string(requestID)]]
        } else {
            value = ["error": ["code": .string(code), "message": .string(message), "requestId": .string(requestID)]]
        }
        return value.serializedBytes() + [0x0A]
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: RequestState.current.requestID)
    }

    /// The error as a web catalog page, for a browser on a page's path (same status, same message).
    func page(requestID: String) -> Response {
        let heading = status == .notFound ? "Not found" : "\(status.code) \(status.reasonPhrase)"
        let bytes = WebPages.render("error", ["title": heading, "heading": heading, "message": message, "signIn": status == .unauthorized])
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[RequestIDs.header] = requestID
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func response(requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"stepyard\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body(requestID: requestID))))
    }
}

extension APIError {
    /// The answer to a store error: the client's mistakes as 4xx with the store's message, the rest as 500.
    init(_ error: StoreError) {
        switch error {
        case .invalidReference, .invalidName, .invalidVersion, .invalidQuery:
            self = .badRequest(error.description)
        case .unknownNamespace, .notFound, .noMatch:
            self = .notFound(error.description)
        case .alreadyExists, .departmentExists, .contention:
            self = .conflict(error.description)
        case .versionConflict:
            self = .conflict(error.description)
        case let .invalidDocument(path, findings):
            self = .unprocessable("\(path) cannot be published: it breaks \(findings.count) rule(s)",
                                  details: ["findings": .array(findings.map(Self.json))])
        case .breakingChange(let report):
            self = .conflict("\(report.to) breaks users of \(report.from) in the same version line; publish a new major version or set allowBreaking",
                             details: ["breaking": .array(report.breaking.map { ["path": .string($0.path), "message": .string($0.message)] })])
        case .refused(let why):
            self = .unprocessable(why)
        case .notAStore, .git, .index, .io:
            self = .internalError
        }
    }

    static func json(_ finding: Finding) -> JSONValue {
        ["path": .string(finding.path), "line": .number(JSONNumber(finding.line)), "severity": .string(finding.severity.rawValue),
         "rule": .string(finding.rule), "message": .string(finding.message)]
    }
}
