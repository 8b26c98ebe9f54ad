import HTTPTypes
import Synchronization

/// Where the server's absolute links point (Tekton Hub's `rawURL`, a catalog's `url`, a deprecation `Link`):
/// `--public-url` when set; else the request's `Host` when it is one of the `--trusted-host`s; else the address the
/// server listens on. Never an arbitrary `Host` header: answers are cached and shared, so a link built from one
/// client's `Host` (`a@evil.example`) would be served to the next.
struct LinkBase: Sendable {
    /// `https://stepyard.example.com` (no trailing slash).
    let publicURL: String?
    /// `Host` values (`stepyard.internal:8080`), lower-cased, that links may be built from.
    let trustedHosts: Set<String>
    /// `http://HOST:PORT` of the listening address: the port the server bound once it has (`--port 0` asks the
    /// system for a free one), shared by every copy.
    var listening: String { address.value.withLock { $0 } }
    private let address: SharedAddress
    private let host: String

    private final class SharedAddress: Sendable {
        let value: Mutex<String>
        init(_ value: String) { self.value = Mutex(value) }
    }

    init(configuration: ServerConfiguration) {
        publicURL = configuration.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        trustedHosts = Set(configuration.trustedHosts.map { $0.lowercased() })
        host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        address = SharedAddress("http://\(host):\(configuration.port)")
    }

    /// The server is listening on `port`.
    func bound(port: Int) {
        let bound = "http://\(host):\(port)"
        address.value.withLock { $0 = bound }
    }

    /// `Host` as a field (the conversion to HTTP types moves it to the authority; a field set by hand stays here).
    static let host = HTTPField.Name("Host")!

    /// The base for a request that named `authority` in its `Host`.
    func base(for authority: String?) -> String {
        if let publicURL { return publicURL }
        if let authority, trustedHosts.contains(authority.lowercased()) { return "http://" + authority }
        return listening
    }
}
