import StepyardCore

/// One version as the store lists it.
public struct VersionInfo: Sendable, Hashable, Codable {
    public var namespace: String
    public var kind: ResourceKind
    public var name: String
    /// As spelled (`0.9`).
    public var version: String
    /// Normalised (`0.9.0`).
    public var semver: String
    public var digest: String
    public var description: String
    public var deprecated: Bool
    public var deprecationMessage: String?
    /// When it was deprecated (RFC 3339), when known: deprecations made before dates were recorded, and those in
    /// the document itself (`tekton.dev/deprecated`), have none.
    public var deprecatedAt: String? = nil
    public var yanked: Bool
    /// The main file's path in the repository.
    public var path: String

    public var ref: String { "\(namespace)/\(kind.rawValue)/\(name)@\(version)" }
}

/// A version folder in git that the gate refuses, so it is not served.
public struct RefusedVersion: Sendable, Hashable, Codable {
    public var namespace: String
    public var kind: ResourceKind
    public var name: String
    public var version: String
    /// The main file in the repository.
    public var path: String
    /// What the gate found (the findings, joined).
    public var reason: String

    public var ref: String { "\(namespace)/\(kind.rawValue)/\(name)@\(version)" }
}

/// One search result: a resource, shown by its latest version.
public struct SearchHit: Sendable, Hashable, Codable {
    public var namespace: String
    public var kind: ResourceKind
    public var name: String
    public var latestVersion: String
    public var description: String
    public var deprecated: Bool
    /// Every version of it is yanked.
    public var yanked: Bool
    /// `stepyard.dev/language`, when it has one.
    public var language: String?
    public var categories: [String]
    public var tags: [String]
}

/// A commit that touched a resource.
public struct HistoryEntry: Sendable, Hashable, Codable {
    public var commit: String
    public var author: String
    public var email: String
    /// ISO 8601, UTC.
    public var date: String
    public var message: String
}

/// What a publish did.
public struct PublishResult: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Codable { case published, unchanged }
    /// One interface change against the predecessor in the version line.
    public struct Change: Sendable, Hashable, Codable {
        public var path: String
        public var message: String
        public var breaking: Bool
    }
    /// What happened, or for a dry run what would: `published` (a new version) or `unchanged`.
    public var outcome: Outcome
    public var ref: String
    public var digest: String
    /// The commit written (`nil` when unchanged or a dry run).
    public var commit: String?
    /// Non-blocking findings (warnings).
    public var warnings: [Finding]
    /// `true` when nothing was written: the answer says what a publish would do.
    public var dryRun: Bool = false
    /// The interface changes against the highest lower version of the same line (`nil` when it starts a line).
    public var changes: [Change]?
}

/// What an import did, version by version.
public struct ImportReport: Sendable, Codable {
    public struct Refusal: Sendable, Codable, Hashable {
        public var path: String
        public var reason: String
    }
    public var imported: [String] = []
    public var unchanged: [String] = []
    public var refused: [Refusal] = []
    /// Convention problems reported but not blocking (errors of `catalog.*` rules, warnings).
    public var findings: [Finding] = []
    public var commit: String?
}

/// A department (its own namespace).
public struct DepartmentInfo: Sendable, Hashable, Codable {
    public var name: String
}
