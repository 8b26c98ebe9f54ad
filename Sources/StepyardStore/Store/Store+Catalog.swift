import GRDB
import StepyardCore

/// One version with the catalog facts the Tekton Hub and Artifact Hub APIs show (display name, categories, tags,
/// platforms, minimum Tekton version), read from the index.
public struct CatalogEntry: Sendable, Hashable {
    public var info: VersionInfo
    public var displayName: String?
    public var categories: [String]
    public var tags: [String]
    public var platforms: [String]
    /// `tekton.dev/pipelines.minVersion`.
    public var minPipelinesVersion: String?
}

extension Store {
    /// Catalog entries, lowest version first within a resource; filtered by namespace set, kind and name when given.
    public func catalogEntries(namespaces: Set<String>? = nil, kind: ResourceKind? = nil, name: String? = nil) throws(StoreError) -> [CatalogEntry] {
        var sql = """
            SELECT v.*, (SELECT a.value FROM annotation a WHERE a.versionId = v.id AND a.key = 'tekton.dev/pipelines.minVersion') AS minVersion
            FROM version v WHERE 1
            """
        var arguments: [any DatabaseValueConvertible] = []
        if let kind { sql += " AND v.kind = ?"; arguments.append(kind.rawValue) }
        if let name { sql += " AND v.name = ?"; arguments.append(name) }
        let rows = try read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
        let split = { (text: String) in text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        return rows.compactMap { row -> (CatalogEntry, ResourceVersion)? in
            guard let record = try? VersionRecord(row: row), let version = ResourceVersion(record.version) else { return nil }
            if let namespaces, !namespaces.contains(record.namespace) { return nil }
            let entry = CatalogEntry(info: Self.info(record), displayName: record.displayName, categories: split(record.categories),
                                     tags: split(record.tags), platforms: split(record.platforms), minPipelinesVersion: row["minVersion"])
            return (entry, version)
        }
        .sorted { a, b in
            let ka = (a.0.info.namespace, a.0.info.kind.rawValue, a.0.info.name), kb = (b.0.info.namespace, b.0.info.kind.rawValue, b.0.info.name)
            return ka != kb ? ka < kb : a.1 < b.1
        }
        .map(\.0)
    }
}
