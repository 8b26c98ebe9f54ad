import GRDB

/// One row per resource version: everything listing, selection and search need without touching git.
struct VersionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "version"

    var id: Int64?
    var namespace: String
    var kind: String
    var name: String
    /// The version as spelled (folder name).
    var version: String
    /// The normalised semver, for display and ordering.
    var semver: String
    var major: Int
    var minor: Int
    var patch: Int
    /// Pre-release identifiers joined by `.`; empty for releases.
    var prerelease: String
    var digest: String
    /// The main YAML's path in the repository.
    var path: String
    var apiVersion: String
    var description: String
    var displayName: String?
    var language: String?
    var categories: String
    var tags: String
    var platforms: String
    var deprecated: Bool
    var deprecationMessage: String?
    var deprecatedAt: String? = nil
    var yanked: Bool
    var readme: String?
    /// The git blob of the main YAML (tells whether content changed without reading it).
    var blob: String

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// An annotation of a version (`tekton.dev/categories: Git`, …).
struct AnnotationRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "annotation"
    var versionId: Int64
    var key: String
    var value: String
}

/// A use of another resource by a version (a Task's step ref, a Pipeline's taskRef).
struct DependencyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "dependency"
    var versionId: Int64
    var kind: String
    var name: String
    var requirement: String
}

/// A container image a version runs.
struct ImageRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "image"
    var versionId: Int64
    var image: String
}

/// A department (a namespace of its own).
struct DepartmentRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "department"
    var name: String
}

/// A fork version's upstream (from its `fork.json`).
struct ForkRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "fork"
    var versionId: Int64
    var upstreamNamespace: String
    var upstreamKind: String
    var upstreamName: String
    var upstreamVersion: String
    var upstreamDigest: String
}
