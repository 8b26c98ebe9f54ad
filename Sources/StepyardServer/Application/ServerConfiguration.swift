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
    /// The resolved templates kept in memory.
    public var resolvedCacheEntries: Int = 2048
    /// Catalog names Tekton's clients send for the organisation namespace (their defaults), besides its own name.
    public var organisationCatalogAliases: Set<String> = ["tekton", "tekton-catalog-tasks", "tekton-catalog-pipelines",
                                                         "tekton-catalog-stepactions"]

    /// The address clients use (`https://stepyard.example.com`), when it is not the Host a request names.
    public var publicURL: String?

    public init() {}
}
