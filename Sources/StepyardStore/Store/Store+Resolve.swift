import Foundation
import GRDB
import StepyardCore

/// What `Store.resolve` returns: the resolved template, or the bound run when values were given.
public struct ResolvedTemplate: Sendable {
    /// The resolved document (a Task or Pipeline), or the TaskRun/PipelineRun when values were bound.
    public var document: JSONValue
    /// Deterministic YAML of `document`.
    public var yaml: String
    /// The resolved template's digest, or the run's when a run was bound.
    public var digest: String
    public var lock: [LockEntry]
    /// Problems with the values or the run request (then `document` is the unbound template and nothing else is
    /// meaningful), each with its pointer into the request.
    public var errors: [ValidationError]
}

/// A version a consumer uses that its publisher deprecated or yanked.
public struct LifecycleNotice: Sendable, Hashable, Codable {
    /// `task/go@1.2.0` (as in the lock).
    public var reference: String
    public var deprecated: Bool
    public var deprecationMessage: String?
    /// When it was deprecated (RFC 3339), when known.
    public var deprecatedAt: String?
    public var yanked: Bool

    public init(reference: String, deprecated: Bool, deprecationMessage: String?, deprecatedAt: String? = nil, yanked: Bool) {
        self.reference = reference
        self.deprecated = deprecated
        self.deprecationMessage = deprecationMessage
        self.deprecatedAt = deprecatedAt
        self.yanked = yanked
    }

    /// The notice for one version, `nil` when it is neither deprecated nor yanked.
    public init?(_ info: VersionInfo, reference: String) {
        guard info.deprecated || info.yanked else { return nil }
        self.init(reference: reference, deprecated: info.deprecated, deprecationMessage: info.deprecationMessage,
                  deprecatedAt: info.deprecatedAt, yanked: info.yanked)
    }

    /// `task/go@1.2.0 is deprecated: use 2.x`, `… is yanked`.
    public var sentence: String {
        var parts: [String] = []
        if deprecated { parts.append("deprecated" + (deprecationMessage.map { ": \($0)" } ?? "")) }
        if yanked { parts.append("yanked (ranges no longer select it)") }
        return "\(reference) is " + parts.joined(separator: " and ")
    }
}

extension Store {
    /// Forgets parsed documents (benchmarks measure resolution with and without them).
    public func dropDocumentCache() {
        documents.removeAll()
    }

    /// Resolves a template: step refs inlined, Pipeline taskRefs embedded, locked and digested. A department's own
    /// resources come first (the reference's namespace, else `department`), then the organisation's. With a `run`
    /// request, its values are checked against the param schema (every error) and the template bound into a TaskRun
    /// or PipelineRun as the request places it (`RunBinder`); `digest` is then the run's own.
    public func resolve(_ ref: ResourceRef, department: String? = nil, run request: RunRequest? = nil) throws(StoreError) -> ResolvedTemplate {
        let context = ref.namespace.flatMap { $0 == organisation ? nil : $0 } ?? department
        if let context { _ = try namespace(of: ResourceRef(namespace: context, kind: ref.kind, name: ref.name)) }
        guard let head = try head() else { throw .notFound(ref.description) }
        // One read transaction for the whole resolution: a consistent snapshot of the index, opened once.
        let outcome: Result<(SourceVersion, Resolution), StoreError>
        do {
            outcome = try index.writer.read { db in
                let source = SnapshotSource(git: git, db: db, organisation: organisation, head: head, cache: documents)
                guard let root = try source.version(of: ref.kind, name: ref.name, selector: ref.selector, in: context) else {
                    return .failure(.noMatch(ref.description))
                }
                do {
                    return .success((root, try Resolver(source: source, namespace: context).resolve(root)))
                } catch {
                    return .failure(.refused("\(error)"))
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .index("\(error)")
        }
        let (root, resolution) = try outcome.get()
        guard let request else {
            return ResolvedTemplate(document: resolution.document, yaml: resolution.yaml, digest: resolution.digest, lock: resolution.lock, errors: [])
        }
        let versionRef = ResourceRef(namespace: root.namespace, kind: root.kind, name: root.name,
                                     selector: .requirement(.exact(ResourceVersion(root.version)!)))
        let (_, errors) = try checkParameters(versionRef, values: request.values)
        guard errors.isEmpty else {
            let placed = errors.map { error in
                var error = error
                error.instancePointer = request.pointer(ofValue: error.instancePointer)
                return error
            }
            return ResolvedTemplate(document: resolution.document, yaml: resolution.yaml, digest: resolution.digest, lock: resolution.lock, errors: placed)
        }
        switch RunBinder.run(for: resolution, request: request, flags: featureFlags) {
        case .success(let run):
            return ResolvedTemplate(document: run, yaml: YAMLWriter().write(run), digest: ContentDigest.of(run), lock: resolution.lock, errors: [])
        case .failure(let problems):
            return ResolvedTemplate(document: resolution.document, yaml: resolution.yaml, digest: resolution.digest, lock: resolution.lock, errors: problems.all)
        }
    }

    /// The deprecated or yanked versions of a lock — the root and what it pins — for consumers to be told (one
    /// indexed query per entry; asked for separately so resolution itself does no more work).
    public func lifecycleNotices(_ lock: [LockEntry]) throws(StoreError) -> [LifecycleNotice] {
        let organisation = organisation
        return try read { db in
            try lock.compactMap { entry -> LifecycleNotice? in
                // `kind/name@version`, or `namespace/kind/name@version` for a department's own.
                let at = entry.reference.split(separator: "@", maxSplits: 1).map(String.init)
                let parts = at[0].split(separator: "/").map(String.init)
                guard at.count == 2, parts.count == 2 || parts.count == 3 else { return nil }
                let key: [String] = (parts.count == 3 ? [parts[0]] : [organisation]) + parts.suffix(2) + [at[1]]
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT deprecated, deprecationMessage, yanked, deprecatedAt FROM version WHERE namespace = ? AND kind = ? AND name = ? AND version = ?
                    """, arguments: StatementArguments(key)) else { return nil }
                let deprecated: Bool = row[0], yanked: Bool = row[2]
                guard deprecated || yanked else { return nil }
                return LifecycleNotice(reference: entry.reference, deprecated: deprecated, deprecationMessage: row[1], deprecatedAt: row[3], yanked: yanked)
            }
        }
    }
}

/// Looks resources up in one read transaction of the index and takes their documents from it (from the commit
/// `head` in git when a row has none), for one resolution. Not `Sendable`: it is created and used synchronously
/// inside the `Store` actor, which owns the libgit2 handle.
final class SnapshotSource: ResolutionSource {
    let git: GitRepository
    let db: Database
    let organisation: String
    let head: ObjectID
    let cache: DocumentCache

    init(git: GitRepository, db: Database, organisation: String, head: ObjectID, cache: DocumentCache) {
        self.git = git
        self.db = db
        self.organisation = organisation
        self.head = head
        self.cache = cache
    }

    func version(of kind: ResourceKind, name: String, selector: VersionSelector?, in namespace: String?) throws -> SourceVersion? {
        var namespaces = [organisation]
        if let namespace, namespace != organisation { namespaces.insert(namespace, at: 0) }
        for ns in namespaces {
            let statement = try db.cachedStatement(sql: "SELECT id, version, yanked, digest, path FROM version WHERE namespace = ? AND kind = ? AND name = ?")
            let rows = try Candidate.fetchAll(statement, arguments: [ns, kind.rawValue, name])
            guard !rows.isEmpty else { continue }
            let row = VersionSelector.choose(selector, among: rows, version: \.version, yanked: \.yanked, digest: \.digest)
            // A department's own resource shadows the organisation's, even when no version of it matches.
            guard let row else { return nil }
            return SourceVersion(namespace: ns, kind: kind, name: name, version: row.version, digest: row.digest,
                                 resource: try resource(row), isOrganisation: ns == organisation)
        }
        return nil
    }

    /// The columns selection needs, read by position (the statement's column order).
    private struct Candidate: FetchableRecord {
        var id: Int64
        var version: String
        var yanked: Bool
        var digest: String
        var path: String

        init(row: Row) {
            id = row[0]
            version = row[1]
            yanked = row[2]
            digest = row[3]
            path = row[4]
        }
    }

    /// The parsed resource of a version: the index's JSON form of it (git's YAML when a row has none).
    private func resource(_ row: Candidate) throws -> TektonResource {
        if let cached = cache[row.digest] { return cached }
        let value: JSONValue
        if let json = try String.fetchOne(try db.cachedStatement(sql: "SELECT json FROM document WHERE versionId = ?"), arguments: [row.id]) {
            value = try JSONValue(parsingJSON: json)
        } else if let bytes = try git.file(row.path, at: head), let document = try YAMLLoader(recordsLines: false).load(bytes).first {
            value = document.value
        } else {
            throw StoreError.notFound(row.path)
        }
        guard let resource = TektonResource(document: value) else { throw StoreError.notFound(row.path) }
        cache[row.digest] = resource
        return resource
    }
}
