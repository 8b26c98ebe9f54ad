import HTTPTypes
import Synchronization

/// The routes the application serves (path templates and methods), filled once the generated handlers are registered,
/// so that a known path asked with the wrong method answers 405 with `Allow`, not 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], method: HTTPRequest.Method)]>([])

    func record(path: String, method: HTTPRequest.Method) {
        routes.withLock { $0.append((path.split(separator: "/"), method)) }
    }

    /// The methods some route accepts for `path`.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let asked = path.split(separator: "/")
        return routes.withLock { routes in
            routes.filter { route in
                route.segments.count == asked.count
                    && zip(route.segments, asked).allSatisfy { template, segment in
                        template.hasPrefix(":") || template.hasPrefix("{") || template == segment
                    }
            }.map(\.method)
        }
    }
}
