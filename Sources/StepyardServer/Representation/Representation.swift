import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StepyardCore

/// One representation of a resource exactly as it is sent — its bytes and media type — and the validators derived
/// from those bytes, so YAML and JSON of one document never share an entity tag:
///
/// - `ETag: "sha256:<hex>"`, the SHA-256 of the bytes (a strong tag per representation);
/// - `Repr-Digest: sha-256=:<base64>:` (RFC 9530), the same digest;
/// - `Stepyard-Sha256: sha256:<hex>`, the same digest in the form Tekton's http resolver takes as its `digest`
///   param, so a URL and its pin can be copied from one answer;
/// - `Vary: Accept` where the media type was chosen from `Accept`.
///
/// Handlers hand the representation to `RepresentationMiddleware` (through the request's `RequestRecord`), which
/// writes these bytes — not what the generated layer would re-encode (JSON numbers stay exact) — or answers `304`.
struct Representation: Sendable {
    let bytes: [UInt8]
    let contentType: String
    /// The hex SHA-256 of `bytes`.
    let sha256: String
    let base64: String
    /// `Vary: Accept`: another `Accept` could have chosen another representation.
    let negotiated: Bool

    init(bytes: [UInt8], contentType: String, negotiated: Bool) {
        self.bytes = bytes
        self.contentType = contentType
        self.negotiated = negotiated
        let digest = Array(SHA256.hash(data: bytes))
        sha256 = ContentDigest.hex(digest)
        base64 = Data(digest).base64EncodedString()
    }

    var pin: String { "sha256:" + sha256 }
    var etag: String { "\"sha256:\(sha256)\"" }
    var reprDigest: String { "sha-256=:\(base64):" }

    static let pinField = HTTPField.Name("Stepyard-Sha256")!
    static let reprDigestField = HTTPField.Name("Repr-Digest")!

    static let yaml = "application/yaml"
    static let json = "application/json"

    /// The fields a `200` and a `304` of this representation both carry.
    var validatorFields: [HTTPField] {
        var fields = [HTTPField(name: .eTag, value: etag), HTTPField(name: Self.reprDigestField, value: reprDigest),
                      HTTPField(name: Self.pinField, value: pin)]
        if negotiated { fields.append(HTTPField(name: .vary, value: "Accept")) }
        return fields
    }

    /// The same fields as raw header lines, for the connection pipeline's pre-serialised answers.
    var validatorLines: String {
        validatorFields.map { "\($0.name.rawName): \($0.value)\r\n" }.joined()
    }
}

/// Sends the representation a handler chose (`RequestRecord.representation`): its exact bytes with `Content-Type`,
/// `Content-Length` and the validators, or `304 Not Modified` when `If-None-Match` names its entity tag. Responses
/// without one pass untouched.
struct RepresentationMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: HTTPField.Name { HTTPField.Name("Content-Security-Policy")! }
    static var contentTypeOptions: HTTPField.Name { HTTPField.Name("X-Content-Type-Options")! }
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.status == .ok, let representation = RequestState.current.record?.representation else { return response }
        for field in representation.validatorFields { response.headers[field.name] = field.value }
        if RegistryAPI.matches(request.headers[.ifNoneMatch], representation.etag) {
            response.status = .notModified
            response.headers[.contentType] = nil
            response.headers[.contentLength] = nil
            response.body = ResponseBody()
            return response
        }
        response.headers[.contentType] = representation.contentType
        response.headers[.contentLength] = String(representation.bytes.count)
        if representation.contentType.hasPrefix("text/html") {
            // Pages run no script and load nothing from elsewhere; a README's markup cannot change that.
            response.headers[Self.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            response.headers[Self.contentTypeOptions] = "nosniff"
            response.headers[Self.referrerPolicy] = "same-origin"
        }
        response.body = ResponseBody(byteBuffer: ByteBuffer(bytes: representation.bytes))
        return response
    }
}
