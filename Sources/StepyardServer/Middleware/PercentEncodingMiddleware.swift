import Hummingbird

/// Refuses a request whose path or query holds malformed percent-encoding (`%zz`, a lone `%`, `%ff` that decodes to
/// no UTF-8) with 400. Decoders downstream turn such a segment into an empty string, so `…/go/1.0.0%ff` would
/// otherwise read as `…/go/` and answer for the latest version.
struct PercentEncodingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let problem = Self.problem(in: request.uri.path, part: "path") ?? request.uri.query.flatMap({ Self.problem(in: $0, part: "query") }) {
            throw APIError.badRequest(problem)
        }
        return try await next(request, context)
    }

    /// What is wrong with the percent-encoding of one part of a URI, or `nil` when it decodes to UTF-8 text.
    static func problem(in text: some StringProtocol, part: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return nil }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                let escape = String(decoding: bytes[index..<min(index + 3, bytes.count)], as: UTF8.self)
                return "the \(part) holds \"\(escape)\" at byte \(index + 1), which is not a percent-escape (% and two hex digits; write % itself as %25)"
            }
            decoded.append(high << 4 | low)
            index += 3
        }
        guard String(validating: decoded, as: UTF8.self) != nil else {
            return "the \(part)'s percent-escapes do not decode to UTF-8 text"
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
