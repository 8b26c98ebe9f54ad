import Foundation
import GRDB
import OrderedCollections
import StepyardCore

/// What `diff` reports: a fork version against the upstream version it derives from, as the change report from
/// upstream (`from`) to fork (`to`). In JSON, the report's members with `fork` and `upstream` beside them.
public struct ForkDiff: Sendable, Codable {
    /// `payments/task/go@1.0.1`.
    public var fork: String
    /// `task/go@1.0.0`.
    public var upstream: String
    public var report: ChangeReport

    public init(fork: String, upstream: String, report: ChangeReport) {
        self.fork = fork
        self.upstream = upstream
        self.report = report
    }

    public var changes: [Change] { report.changes }

    private enum CodingKeys: String, CodingKey { case fork, upstream }

    public func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fork, forKey: .fork)
        try container.encode(upstream, forKey: .upstream)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(fork: try container.decode(String.self, forKey: .fork), upstream: try container.decode(String.self, forKey: .upstream),
                  report: try ChangeReport(from: decoder))
    }
}

/// What `upgrade` did, or would do (dry run), or why it cannot.
public struct UpgradeResult: Sendable, Codable {
    public var fork: String
    public var from: String
    public var to: String
    /// The fork version written (or that would be written).
    public var newVersion: String
    /// The merged document as YAML.
    public var merged: String
    public var conflicts: [ThreeWayMerge.Conflict]
    public var dryRun: Bool
    /// The commit written; `nil` for a dry run or when conflicts stopped it.
    public var commit: String?
}

/// A template or fork that uses a resource.
public struct Dependent: Sendable, Hashable, Codable {
    /// `payments/task/go@1.2.0`.
    public var ref: String
    /// How it uses it: `step` (a Task's step ref), `task` (a Pipeline's taskRef) or `fork`.
    public var via: String
    /// The version requirement it asks for (`^1`, `latest`), or the upstream version of a fork.
    public var requirement: String
}

/// The versions that run one container image.
public struct ImageUse: Sendable, Hashable, Codable {
    public var image: String
    public var versions: [String]
}

extension Store {
    /// Copies an organisation version into a department, recording its upstream (name, version, digest).
    public func fork(_ ref: ResourceRef, department: String, name: String? = nil, author: Author) throws(StoreError) -> PublishResult {
        guard ref.namespace == nil || ref.namespace == organisation else {
            throw .refused("fork takes an organisation template (\(ref.kind.rawValue)/\(ref.name)); \(ref) is already a department's")
        }
        _ = try namespace(of: ResourceRef(namespace: department, kind: ref.kind, name: ref.name))
        let forkName = name ?? ref.name
        if let problem = ResourceName.problem(with: forkName) { throw .invalidName(problem) }
        if (try? versions(of: ResourceRef(namespace: department, kind: ref.kind, name: forkName))) != nil {
            throw .refused("\(department)/\(ref.kind.rawValue)/\(forkName) already exists; publish new versions of it, or upgrade it")
        }
        let (info, bytes) = try content(of: ResourceRef(kind: ref.kind, name: ref.name, selector: ref.selector))
        guard let head = try head() else { throw .notFound(ref.description) }
        var document = bytes
        if forkName != info.name {
            let value = Self.renamed(try self.document(of: info), to: forkName)
            document = Array(YAMLWriter().write(value).utf8)
        }
        let folder = String(info.path.split(separator: "/").dropLast().joined(separator: "/"))
        var request = PublishRequest(document: document, sourcePath: info.ref,
                                     readme: try file(folder + "/" + RepositoryLayout.readmeFile, at: head),
                                     schema: try file(folder + "/" + info.name + ".schema.json", at: head), department: department)
        request.forkUpstream = ForkUpstream(namespace: organisation, kind: info.kind, name: info.name, version: info.version, digest: info.digest)
        request.message = "Fork \(info.kind.rawValue)/\(info.name)@\(info.version) into department \(department)"
            + (forkName == info.name ? "" : " as \(forkName)") + "\n\nUpstream digest: \(info.digest)\n"
        request.allowBreaking = true
        return try publish(request, author: author)
    }

    /// How a fork version (latest unless the reference names one) differs from its upstream: the change report from
    /// the upstream version it records to the fork, compared under the fork's name.
    public func diff(_ ref: ResourceRef) throws(StoreError) -> ForkDiff {
        let (fork, forkDocument, upstream) = try forkVersion(ref)
        guard let upstreamVersion = ResourceVersion(upstream.version) else { throw .invalidVersion(upstream.version) }
        let upstreamInfo = try select(ResourceRef(namespace: upstream.namespace, kind: upstream.kind, name: upstream.name,
                                                  selector: .requirement(.exact(upstreamVersion))))
        let before = try comparedVersion(upstreamInfo, label: upstream.reference, name: fork.name)
        let after = try comparedVersion(fork, document: forkDocument, label: fork.ref, name: fork.name)
        return ForkDiff(fork: fork.ref, upstream: upstream.reference, report: ChangeReport(from: before, to: after, registry: try Self.registry()))
    }

    /// Takes upstream's change from the recorded upstream version to `version` into the fork by a three-way merge
    /// keyed by names. Conflicts stop it (nothing written) unless `resolutions` settle them; a dry run writes nothing.
    public func upgrade(_ ref: ResourceRef, to version: String, dryRun: Bool, resolutions: [String: ThreeWayMerge.Side] = [:],
                        author: Author) throws(StoreError) -> UpgradeResult {
        let (fork, ours, upstream) = try forkVersion(ref)
        guard let target = ResourceVersion(version) else { throw .invalidVersion(version) }
        guard let base = ResourceVersion(upstream.version) else { throw .invalidVersion(upstream.version) }
        guard base < target else {
            throw .refused("\(fork.ref) is based on \(upstream.reference); upgrade to a newer version than \(upstream.version), not \(version)")
        }
        let upstreamRef = { (v: ResourceVersion) in
            ResourceRef(namespace: upstream.namespace, kind: upstream.kind, name: upstream.name, selector: .requirement(.exact(v)))
        }
        let baseInfo = try select(upstreamRef(base)), theirsInfo = try select(upstreamRef(target))
        let baseDocument = try document(of: baseInfo), theirsDocument = try document(of: theirsInfo)
        let merge = ThreeWayMerge(base: Self.forComparison(baseDocument, name: fork.name),
                                  ours: Self.forComparison(ours, name: fork.name),
                                  theirs: Self.forComparison(theirsDocument, name: fork.name), resolutions: resolutions)
        let newVersion = try nextForkVersion(fork, upstream: theirsInfo.version)
        let merged = Self.labelled(merge.merged, version: newVersion)
        let yaml = YAMLWriter().write(merged)
        var result = UpgradeResult(fork: fork.ref, from: baseInfo.version, to: theirsInfo.version, newVersion: newVersion, merged: yaml,
                                   conflicts: merge.conflicts, dryRun: dryRun, commit: nil)
        guard !dryRun, merge.conflicts.isEmpty else { return result }
        let forkRef = ResourceRef(namespace: fork.namespace, kind: fork.kind, name: fork.name, selector: .requirement(.exact(ResourceVersion(fork.version)!)))
        guard let head = try head() else { throw .notFound(fork.ref) }
        let folder = String(try select(forkRef).path.split(separator: "/").dropLast().joined(separator: "/"))
        var request = PublishRequest(document: Array(yaml.utf8), sourcePath: fork.ref,
                                     readme: try file(folder + "/" + RepositoryLayout.readmeFile, at: head),
                                     schema: try file(folder + "/" + fork.name + ".schema.json", at: head), department: fork.namespace)
        request.forkUpstream = ForkUpstream(namespace: upstream.namespace, kind: upstream.kind, name: upstream.name,
                                            version: theirsInfo.version, digest: theirsInfo.digest)
        request.allowBreaking = true
        request.message = "Upgrade \(fork.namespace)/\(fork.kind.rawValue)/\(fork.name) to upstream \(upstream.kind.rawValue)/\(upstream.name)@\(theirsInfo.version)"
            + " as \(newVersion)\n\nMerged upstream \(baseInfo.version) → \(theirsInfo.version) into \(fork.version)"
            + (resolutions.isEmpty ? "" : "; settled: " + resolutions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ", ")) + "\n"
        result.commit = try publish(request, author: author).commit
        return result
    }

    /// Which templates and forks use a resource, in which versions (visible namespaces only when `namespaces` is set).
    public func dependents(of ref: ResourceRef, namespaces: Set<String>? = nil) throws(StoreError) -> [Dependent] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.namespace, v.kind, v.name, v.version, d.requirement, CASE WHEN v.kind = 'pipeline' THEN 'task' ELSE 'step' END
                FROM dependency d JOIN version v ON v.id = d.versionId WHERE d.kind = ? AND d.name = ?
                UNION ALL
                SELECT v.namespace, v.kind, v.name, v.version, f.upstreamVersion, 'fork'
                FROM fork f JOIN version v ON v.id = f.versionId WHERE f.upstreamKind = ? AND f.upstreamName = ?
                """, arguments: [ref.kind.rawValue, ref.name, ref.kind.rawValue, ref.name])
        }
        return rows.compactMap { row -> Dependent? in
            let namespace: String = row[0]
            if let namespaces, !namespaces.contains(namespace) { return nil }
            let prefix = namespace == organisation ? "" : namespace + "/"
            return Dependent(ref: "\(prefix)\(row[1] as String)/\(row[2] as String)@\(row[3] as String)", via: row[5], requirement: row[4])
        }.sorted { ($0.ref, $0.via) < ($1.ref, $1.via) }
    }

    /// Which versions use which container images; `match` keeps images containing it.
    public func images(matching match: String? = nil, namespaces: Set<String>? = nil) throws(StoreError) -> [ImageUse] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.image, v.namespace, v.kind, v.name, v.version FROM image i JOIN version v ON v.id = i.versionId
                WHERE ? IS NULL OR instr(i.image, ?) > 0 ORDER BY i.image
                """, arguments: [match, match])
        }
        var uses = OrderedDictionary<String, [String]>()
        for row in rows {
            let namespace: String = row[1]
            if let namespaces, !namespaces.contains(namespace) { continue }
            let prefix = namespace == organisation ? "" : namespace + "/"
            uses[row[0], default: []].append("\(prefix)\(row[2] as String)/\(row[3] as String)@\(row[4] as String)")
        }
        return uses.map { ImageUse(image: $0.key, versions: $0.value.sorted()) }
    }

    // MARK: - Helpers

    /// A fork's version (the reference's, else its latest), its document and recorded upstream.
    private func forkVersion(_ ref: ResourceRef) throws(StoreError) -> (VersionInfo, JSONValue, ForkUpstream) {
        guard let namespace = ref.namespace, namespace != organisation else {
            throw .refused("\(ref) is not a fork: name the department, e.g. payments/\(ref.kind.rawValue)/\(ref.name)")
        }
        let info = try select(ref)
        let records = try forkRecords(namespace: namespace, kind: ref.kind, name: ref.name)
        guard let upstream = records.first(where: { $0.0.spelling == info.version })?.1 else {
            throw .refused("\(info.ref) is not a fork (it records no upstream)")
        }
        return (info, try document(of: info), upstream)
    }

    /// The fork's next version: the new upstream version when the fork has none such, else the next patch.
    private func nextForkVersion(_ fork: VersionInfo, upstream: String) throws(StoreError) -> String {
        let existing = try versions(of: ResourceRef(namespace: fork.namespace, kind: fork.kind, name: fork.name)).compactMap { ResourceVersion($0.version) }
        if let wanted = ResourceVersion(upstream), !existing.contains(where: { $0.isSameVersion(as: wanted) }),
           existing.allSatisfy({ $0 < wanted }) {
            return wanted.semver.description == upstream ? upstream : wanted.normalized
        }
        let highest = existing.max()!.semver
        return "\(highest.major).\(highest.minor).\(highest.patch + 1)"
    }

    /// A document as merges and diffs compare it: the fork's name, and no version label (each side has its own).
    static func forComparison(_ document: JSONValue, name: String) -> JSONValue {
        guard case .object(var root) = renamed(document, to: name), case .object(var metadata)? = root["metadata"] else { return document }
        if case .object(var labels)? = metadata["labels"] {
            labels.removeValue(forKey: WellKnown.versionLabel)
            metadata["labels"] = labels.isEmpty ? nil : .object(labels)
        }
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    static func renamed(_ document: JSONValue, to name: String) -> JSONValue {
        guard case .object(var root) = document else { return document }
        var metadata = root["metadata"]?.objectValue ?? [:]
        metadata["name"] = .string(name)
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    static func labelled(_ document: JSONValue, version: String) -> JSONValue {
        guard case .object(var root) = document else { return document }
        var metadata = root["metadata"]?.objectValue ?? [:]
        var labels = metadata["labels"]?.objectValue ?? [:]
        labels[WellKnown.versionLabel] = .string(version)
        metadata["labels"] = .object(labels)
        root["metadata"] = .object(metadata)
        return .object(root)
    }
}
