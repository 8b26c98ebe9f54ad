/// Where things live inside the store's repository (the Tekton catalog convention):
/// `<kind>/<name>/<version>/<name>.yaml` + `README.md` for the organisation, and
/// `departments/<dept>/<kind>/<name>/<version>/…` for a department's own resources and forks.
public enum RepositoryLayout {
    /// The folder holding departments.
    public static let departmentsFolder = "departments"
    /// The store's own settings at the repository root.
    public static let settingsFile = "stepyard.json"
    /// A department's record: `departments/<dept>/department.json`.
    public static let departmentFile = "department.json"
    /// A version's lifecycle (deprecation, yank), beside its YAML: changes it without changing its content.
    public static let lifecycleFile = "lifecycle.json"
    public static let readmeFile = "README.md"
    /// A fork version's record of the upstream version it derives from, beside its YAML.
    public static let forkFile = "fork.json"

    /// The folder of one version, e.g. `task/git-clone/0.9` or `departments/payments/task/go/1.0.0`.
    public static func folder(of key: VersionKey, organisation: String) -> String {
        namespacePrefix(key.namespace, organisation: organisation) + "\(key.kind.rawValue)/\(key.name)/\(key.version)"
    }

    /// The folder of all versions of one resource.
    public static func resourceFolder(namespace: String, kind: ResourceKind, name: String, organisation: String) -> String {
        namespacePrefix(namespace, organisation: organisation) + "\(kind.rawValue)/\(name)"
    }

    /// The main YAML file of one version: `<folder>/<name>.yaml`.
    public static func mainFile(of key: VersionKey, organisation: String) -> String {
        folder(of: key, organisation: organisation) + "/\(key.name).yaml"
    }

    /// The optional parameter schema sidecar: `<folder>/<name>.schema.json`.
    public static func schemaFile(of key: VersionKey, organisation: String) -> String {
        folder(of: key, organisation: organisation) + "/\(key.name).schema.json"
    }

    public static func departmentRecord(_ department: String) -> String {
        "\(departmentsFolder)/\(department)/\(departmentFile)"
    }

    private static func namespacePrefix(_ namespace: String, organisation: String) -> String {
        namespace == organisation ? "" : "\(departmentsFolder)/\(namespace)/"
    }

    /// What a repository path belongs to.
    public enum Entry: Sendable, Hashable {
        /// A file in a version folder.
        case version(VersionKey, file: String)
        /// A department's record.
        case department(String)
        /// Anything else (settings, stray files).
        case other
    }

    /// Classifies a repository path.
    public static func entry(for path: String, organisation: String) -> Entry {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var namespace = organisation
        if parts.first == departmentsFolder {
            guard parts.count >= 3 else { return .other }
            if parts.count == 3 && parts[2] == departmentFile { return .department(parts[1]) }
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard parts.count >= 4, let kind = ResourceKind(rawValue: parts[0]) else { return .other }
        let key = VersionKey(namespace: namespace, kind: kind, name: parts[1], version: parts[2])
        return .version(key, file: parts[3...].joined(separator: "/"))
    }
}

/// One version of one resource in one namespace, as spelled in the repository.
public struct VersionKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var kind: ResourceKind
    public var name: String
    /// The version folder's name (`0.9`, `1.2.0`).
    public var version: String

    public init(namespace: String, kind: ResourceKind, name: String, version: String) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
        self.version = version
    }

    public var description: String { "\(namespace)/\(kind.rawValue)/\(name)@\(version)" }

    public static func < (a: VersionKey, b: VersionKey) -> Bool {
        (a.namespace, a.kind.rawValue, a.name, a.version) < (b.namespace, b.kind.rawValue, b.name, b.version)
    }
}
