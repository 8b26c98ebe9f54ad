import Foundation
import GRDB
import StepyardCore

/// A resource version to publish: its YAML and what goes beside it.
public struct PublishRequest: Sendable {
    /// The YAML document's bytes, stored as given.
    public var document: [UInt8]
    /// Where it came from (for messages).
    public var sourcePath: String
    public var readme: [UInt8]?
    /// A parameter schema sidecar (`<name>.schema.json`).
    public var schema: [UInt8]?
    /// `nil`: the organisation namespace.
    public var department: String?
    /// Publish even when the interface breaks the version line's users (recorded in the commit message).
    public var allowBreaking: Bool
    /// What the caller says it publishes (an HTTP path names kind, name and version): a document that is something
    /// else is refused before anything is written.
    public var expected: ResourceRef?
    /// Words from the publisher added to the commit message.
    public var note: String?
    /// Check everything a publish checks and report what it would do, writing nothing.
    public var dryRun = false
    /// Set by fork and upgrade: the upstream the new version derives from (else a fork's latest record carries over).
    var forkUpstream: ForkUpstream?
    /// Set by fork and upgrade: the commit message to use.
    var message: String?

    public init(document: [UInt8], sourcePath: String, readme: [UInt8]? = nil, schema: [UInt8]? = nil, department: String? = nil,
                allowBreaking: Bool = false) {
        self.document = document
        self.sourcePath = sourcePath
        self.readme = readme
        self.schema = schema
        self.department = department
        self.allowBreaking = allowBreaking
    }
}

extension Store {
    /// A version that passed the gate, ready to be written.
    struct GatedVersion {
        var request: PublishRequest
        var candidate: Candidate
        var key: VersionKey
        var namespace: String
        var findings: [Finding]
        var compatibility: CompatibilityReport?
        var changes: [PublishResult.Change]?
        /// The upstream a new version of a fork keeps recording.
        var upstream: ForkUpstream?

        var title: String { "\(candidate.kind.rawValue)/\(candidate.name)@\(candidate.version.spelling)" }
        var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    }

    /// The gate every version passes before it is written: Tekton's admission and the catalog rules (the linter),
    /// every reference resolving, and compatibility with the version line unless breaking is allowed.
    func gate(_ request: PublishRequest) throws(StoreError) -> GatedVersion {
        let candidate = try Candidate(request: request, organisation: organisation)
        if let expected = request.expected {
            var matches = expected.kind == candidate.kind && expected.name == candidate.name
            switch expected.selector {
            case .requirement(.exact(let version))?: matches = matches && version.isSameVersion(as: candidate.version)
            case .requirement(.partial(let spelling, _))?:
                matches = matches && (ResourceVersion(spelling)?.isSameVersion(as: candidate.version) ?? false)
            default: break
            }
            guard matches else {
                throw .refused("the document is \(candidate.kind.rawValue)/\(candidate.name)@\(candidate.version.spelling), not \(expected)")
            }
        }
        let namespace = try namespace(of: ResourceRef(namespace: request.department, kind: candidate.kind, name: candidate.name))
        let key = VersionKey(namespace: namespace, kind: candidate.kind, name: candidate.name, version: candidate.version.spelling)
        // The linter sees the file where it will live, so the catalog conventions apply.
        let findings = Linter(flags: featureFlags).lint(LoadedFile(path: RepositoryLayout.mainFile(of: key, organisation: organisation), bytes: request.document))
        // Every reference must resolve too: an immutable version that never resolves could not be replaced. Both
        // kinds of finding are reported together, so one attempt shows everything to fix.
        let errors = findings.filter { $0.severity == .error }.map { var f = $0; f.path = request.sourcePath; return f }
            + (try referenceFindings(candidate, namespace: namespace, request: request))
        if !errors.isEmpty {
            throw .invalidDocument(path: request.sourcePath, findings: errors.sorted { ($0.line, $0.rule) < ($1.line, $1.rule) })
        }
        let title = "\(candidate.kind.rawValue)/\(candidate.name)@\(candidate.version.spelling)"
        let (schema, _) = try Self.effectiveSchema(candidate.resource, sidecar: request.schema, title: title)
        let compatibility = try compatibilityWithPredecessor(candidate, schema: schema, namespace: namespace)
        if let report = compatibility, report.isBreaking, !request.allowBreaking {
            throw .breakingChange(report)
        }
        let changes = compatibility?.changes.map { PublishResult.Change(path: $0.path, message: $0.message, breaking: $0.breaking) }
        var upstream = request.forkUpstream
        if upstream == nil { upstream = try latestForkUpstream(namespace: namespace, kind: candidate.kind, name: candidate.name) }
        return GatedVersion(request: request, candidate: candidate, key: key, namespace: namespace, findings: findings,
                            compatibility: compatibility, changes: changes, upstream: upstream)
    }

    /// The files a gated version writes (its folder, and `fork.json` for a fork's).
    func files(of version: GatedVersion) -> [String: [UInt8]?] {
        var files = Self.files(for: version.key, organisation: organisation, document: version.request.document,
                               readme: version.request.readme, schema: version.request.schema, description: version.candidate.description)
        if let upstream = version.upstream {
            files[RepositoryLayout.folder(of: version.key, organisation: organisation) + "/" + RepositoryLayout.forkFile] = upstream.bytes
        }
        return files
    }

    /// Writes versions that passed the gate as one commit (`push` and `sync`), with a message listing them under
    /// `subject`. A version another writer published meanwhile is a conflict when `conflicts`; else it is left out.
    func write(_ gated: [GatedVersion], subject: String, author: Author, conflicts: Bool) throws(StoreError) -> (commit: String?, results: [PublishResult]) {
        let message = subject + "\n\n" + gated.map { "- \($0.title) \($0.candidate.digest)\n" }.joined()
        var known: [String: JSONValue] = [:]
        for version in gated { known[ContentDigest.sha256(version.request.document)] = version.candidate.resource.document }
        var included: Set<String> = []
        let written = try write(author: author, message: message, known: known) { head throws(StoreError) in
            var changes: [String: [UInt8]?] = [:]
            included = []
            for version in gated {
                if let existing = try self.existingVersion(of: version.key, at: head) {
                    if conflicts { throw .versionConflict(key: version.title, existing: existing.digest, new: version.candidate.digest) }
                    continue
                }
                changes.merge(self.files(of: version)) { a, _ in a }
                included.insert(version.title)
            }
            return changes.isEmpty ? nil : changes
        }
        let results = gated.filter { included.contains($0.title) }.map { version in
            PublishResult(outcome: .published, ref: "\(version.key.namespace)/\(version.key.kind.rawValue)/\(version.key.name)@\(version.key.version)",
                          digest: version.candidate.digest, commit: written?.description, warnings: version.warnings, changes: version.changes)
        }
        return (written?.description, results)
    }

    /// Publishes one version: validated by the linter (errors refuse it), then one commit authored by `author`.
    /// The same content again is a no-op; other content under an existing version is refused.
    public func publish(_ request: PublishRequest, author: Author) throws(StoreError) -> PublishResult {
        let gated = try gate(request)
        let candidate = gated.candidate, key = gated.key, namespace = gated.namespace
        if request.dryRun {
            // What the write would find: the same version with the same content is unchanged, other content a conflict.
            let finalRef = "\(namespace)/\(candidate.kind.rawValue)/\(candidate.name)@"
            if let existing = try existingVersion(of: key, at: try head()) {
                guard existing.digest == candidate.digest else {
                    throw .versionConflict(key: "\(candidate.kind.rawValue)/\(candidate.name)@\(existing.key.version)", existing: existing.digest, new: candidate.digest)
                }
                return PublishResult(outcome: .unchanged, ref: finalRef + existing.key.version, digest: candidate.digest, commit: nil,
                                     warnings: gated.warnings, dryRun: true, changes: gated.changes)
            }
            return PublishResult(outcome: .published, ref: finalRef + key.version, digest: candidate.digest, commit: nil,
                                 warnings: gated.warnings, dryRun: true, changes: gated.changes)
        }
        var outcome = PublishResult.Outcome.published
        var finalKey = key
        var message = request.message ?? "Publish \(gated.title)" + (namespace == organisation ? "" : " in department \(namespace)") + "\n\nDigest: \(candidate.digest)\n"
        if let note = request.note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty {
            message += "\n" + note + "\n"
        }
        if let report = gated.compatibility, report.isBreaking {
            message += "\nBreaking changes from \(report.from), allowed with --allow-breaking:\n" + report.breaking.map { "- \($0.path): \($0.message)\n" }.joined()
        }
        // The index takes the document as it was parsed and checked here, rather than reading and parsing it again.
        let known = [ContentDigest.sha256(request.document): candidate.resource.document]
        let commit = try write(author: author, message: message, known: known) { head throws(StoreError) in
            if let existing = try self.existingVersion(of: key, at: head) {
                guard existing.digest == candidate.digest else {
                    throw .versionConflict(key: "\(candidate.kind.rawValue)/\(candidate.name)@\(existing.key.version)", existing: existing.digest, new: candidate.digest)
                }
                outcome = .unchanged
                finalKey = existing.key
                return nil
            }
            return self.files(of: gated)
        }
        return PublishResult(outcome: outcome, ref: "\(finalKey.namespace)/\(finalKey.kind.rawValue)/\(finalKey.name)@\(finalKey.version)",
                             digest: candidate.digest, commit: commit?.description, warnings: gated.warnings,
                             changes: gated.changes)
    }

    /// The upstream recorded by the highest version of a department's resource, if it is a fork.
    func latestForkUpstream(namespace: String, kind: ResourceKind, name: String) throws(StoreError) -> ForkUpstream? {
        guard namespace != organisation else { return nil }
        return try forkRecords(namespace: namespace, kind: kind, name: name).max { $0.0 < $1.0 }?.1
    }

    /// Every version of a department's resource with the upstream it records.
    func forkRecords(namespace: String, kind: ResourceKind, name: String) throws(StoreError) -> [(ResourceVersion, ForkUpstream)] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.version, f.upstreamNamespace, f.upstreamKind, f.upstreamName, f.upstreamVersion, f.upstreamDigest
                FROM fork f JOIN version v ON v.id = f.versionId
                WHERE v.namespace = ? AND v.kind = ? AND v.name = ?
                """, arguments: [namespace, kind.rawValue, name])
        }
        return rows.compactMap { row in
            guard let version = ResourceVersion(row[0]), let kind = ResourceKind(rawValue: row[2]) else { return nil }
            return (version, ForkUpstream(namespace: row[1], kind: kind, name: row[3], version: row[4], digest: row[5]))
        }
    }

    /// The interface report against the highest lower version of the same line (same major; `0.minor` for 0.x, as
    /// Cargo reads 0.x versions), or `nil` when the new version starts a line.
    private func compatibilityWithPredecessor(_ candidate: Candidate, schema: JSONValue, namespace: String) throws(StoreError) -> CompatibilityReport? {
        let ref = ResourceRef(namespace: namespace, kind: candidate.kind, name: candidate.name)
        guard let all = try? versions(of: ref) else { return nil }
        let new = candidate.version.semver
        let line = { (v: ResourceVersion) in v.semver.major == new.major && (new.major > 0 || v.semver.minor == new.minor) }
        guard let previous = all.compactMap({ ResourceVersion($0.version) }).filter({ line($0) && $0.semver < new && !$0.isPrerelease }).max() else {
            return nil
        }
        let (info, oldSchema) = try parameterSchema(of: ResourceRef(namespace: namespace, kind: candidate.kind, name: candidate.name,
                                                                   selector: .requirement(.exact(previous))))
        let old = try resource(of: info)
        return Compatibility.compare(old: old, oldSchema: oldSchema, new: candidate.resource, newSchema: schema,
                                     registry: try Self.registry(), from: info.version, to: candidate.version.spelling)
    }

    /// The files of one version folder.
    static func files(for key: VersionKey, organisation: String, document: [UInt8], readme: [UInt8]?, schema: [UInt8]?,
                      description: String) -> [String: [UInt8]?] {
        let folder = RepositoryLayout.folder(of: key, organisation: organisation)
        var files: [String: [UInt8]?] = [RepositoryLayout.mainFile(of: key, organisation: organisation): document]
        files[folder + "/" + RepositoryLayout.readmeFile] = readme ?? Array("# \(key.name)\n\n\(description)\n".utf8)
        if let schema { files[RepositoryLayout.schemaFile(of: key, organisation: organisation)] = schema }
        return files
    }

    /// The version of the same resource that `key` would collide with (same spelling, or same semver such as
    /// `0.9` and `0.9.0`), with its digest, as of `head`.
    func existingVersion(of key: VersionKey, at head: ObjectID?) throws(StoreError) -> (key: VersionKey, digest: String)? {
        guard let head, let wanted = ResourceVersion(key.version) else { return nil }
        let folder = RepositoryLayout.resourceFolder(namespace: key.namespace, kind: key.kind, name: key.name, organisation: organisation)
        do {
            for file in try git.files(at: head, under: folder + "/") {
                guard case .version(let other, let name) = RepositoryLayout.entry(for: file.path, organisation: organisation),
                      name == key.name + ".yaml", let version = ResourceVersion(other.version), version.isSameVersion(as: wanted) else { continue }
                let bytes = try git.blobContent(file.blob)
                let digest = (try? YAMLLoader().load(bytes).first).map { ContentDigest.of($0.value) } ?? ContentDigest.sha256(bytes)
                return (other, digest)
            }
        } catch {
            throw .git(error)
        }
        return nil
    }
}

/// A document read for publishing: its kind, name, version and digest.
struct Candidate {
    var resource: TektonResource
    var kind: ResourceKind
    var name: String
    var version: ResourceVersion
    var digest: String
    var description: String

    init(request: PublishRequest, organisation: String) throws(StoreError) {
        let documents: [YAMLDocument]
        do { documents = try YAMLLoader().load(request.document) } catch {
            throw .invalidDocument(path: request.sourcePath, findings: [Finding(path: request.sourcePath, line: error.line ?? 0, severity: .error, rule: "yaml.load", message: error.description)])
        }
        let resources = documents.compactMap { TektonResource(document: $0.value) }
        guard resources.count == 1, let resource = resources.first else {
            throw .refused("\(request.sourcePath) must hold exactly one Task, StepAction or Pipeline (it holds \(resources.count))")
        }
        guard let name = resource.name else { throw .refused("\(request.sourcePath): missing metadata.name") }
        if let problem = ResourceName.problem(with: name) { throw .invalidName(problem) }
        guard let label = resource.metadata.versionLabel else {
            throw .refused("\(request.sourcePath): missing label \(WellKnown.versionLabel): it names the version to publish")
        }
        guard let version = ResourceVersion(label) else { throw .invalidVersion(label) }
        self.resource = resource
        self.kind = resource.kind
        self.name = name
        self.version = version
        self.digest = ContentDigest.of(resource.document)
        self.description = resource.spec.description ?? ""
    }
}
