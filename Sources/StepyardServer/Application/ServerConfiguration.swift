import Foundation

/// How `stepyard serve` runs.
public struct ServerConfiguration: Sendable {
    /// The address to listen on (`127.0.0.1` unless told otherwise: a registry is not exposed by accident).
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Whether requests without a token may read the organisation namespace (Tekton's resolvers send none).
    public var anonymousRead: Bool = true
    /// The largest request body accepted (413 above it); documents are limited to 4 MiB anyway.
    public var maxBodyBytes: Int = 4 << 20
    /// How often the server looks for commits made around it (the CLI, a `git push`).
    public var watchInterval: Duration = .seconds(1)
    /// A read replica: the primary's address (`http://primary:8080`); reads are served from a mirror of its
    /// repository, writes answered 307 to it.
    public var replicaOf: String?
    /// The token (of the primary's `replica` role) the replica fetches the primary's repository with.
    public var replicaToken: String?
    /// How often a replica fetches from its primary.
    public var replicaInterval: Duration = .milliseconds(500)
    /// How often the server looks for syncs whose interval has passed.
    public var syncTick: Duration = .seconds(5)
    /// The resolved templates kept in memory.
    public var resolvedCacheEntries: Int = 2048
    /// The web catalog's rendered pages kept in memory (0: every page is rendered when asked).
    public var pageCacheEntries: Int = 512
    /// Hosts webhooks may be sent to (`*.example.com` for a domain's, `*` for any public host); internal addresses
    /// only when listed by name.
    public var webhookAllowHosts: [String] = []
    /// The wait before a failed delivery's first retry; it doubles with each attempt (up to 10 minutes).
    public var webhookRetryBase: Duration = .seconds(2)
    /// The Tekton bundles (`/v2/`) kept built in memory (0: each is built when asked).
    public var bundleCacheEntries: Int = 256
    /// Connections open at once; past it each new one closes the longest idle (or itself, when none is idle).
    public var maxConnections: Int = 2048
    /// How long a connection may stay without a request (or trickle a request's head) before it is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// How long a request may take to arrive, its body included; a slower one gets 408 and its connection closes.
    public var requestTimeout: Duration = .seconds(30)
    /// The longest request target (path and query) accepted; longer is 414.
    public var maxURIBytes: Int = 8 * 1024
    /// The most bytes of header names and values accepted; more is 431.
    public var maxHeaderBytes: Int = 32 * 1024

    /// The address clients use (`https://stepyard.example.com`), when it is not the Host a request names.
    public var publicURL: String?
    /// `Host` values absolute links may be built from when there is no public URL; any other `Host` gets links to the
    /// listening address.
    public var trustedHosts: [String] = []
    /// Origins (`https://composer.example.com`, or `*`) browsers may call the API from (CORS); none by default.
    public var corsOrigins: [String] = []

    public init() {}
}
