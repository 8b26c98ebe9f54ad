import HTTPTypes

/// Where the server's absolute links point (Tekton Hub's `rawURL`, a catalog's `url`, a deprecation `Link`):
/// `--public-url` when set; else the request's `Host` when it is one of the `--trusted-host`s; else the address the
/// server listens on. Never an arbitrary `Host` header: answers are cached and shared, so a link built from one
/// client's `Host` (`a@evil.example`) would be served to the next.
struct LinkBase: Sendable {
    /// `https://stepyard.example.com` (no trailing slash).
    let publicURL: String?
    /// `Host` values (`stepyard.internal:8080`), lower-cased, that links may be built from.
    let trustedHosts: Set<String>
    /// `http://HOST:PORT` of the listening address.
    let listening: String

    init(configuration: ServerConfiguration) {
        publicURL = configuration.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        trustedHosts = Set(configuration.trustedHosts.map { $0.lowercased() })
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        listening = "http://\(host):\(configuration.port)"
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
