import Foundation
import HTTPTypes
import Hummingbird

/// The generated layer writes header values in the URI "simple" style, percent-encoding `"` and `:`; an entity tag
/// must go out as `"sha256:…"` for caches and `If-None-Match` to work. This restores the headers we set.
struct HeaderValueMiddleware<Context: RequestContext>: RouterMiddleware {
    static var names: [HTTPField.Name] {
        [.eTag, HTTPField.Name("Stepyard-Version")!, HTTPField.Name("Docker-Content-Digest")!, HTTPField.Name("Docker-Distribution-API-Version")!,
         .contentRange, HTTPField.Name("Link")!]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for name in Self.names {
            if let value = response.headers[name], value.utf8.contains(UInt8(ascii: "%")), let decoded = value.removingPercentEncoding {
                response.headers[name] = decoded
            }
        }
        return response
    }
}
