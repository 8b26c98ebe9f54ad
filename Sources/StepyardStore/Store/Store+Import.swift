import Foundation
import StepyardCore

extension Store {
    /// Imports a Tekton catalog in its TEP-0003 layout (`<kind>/<name>/<version>/<name>.yaml` + `README.md`)
    /// in one commit: every version Tekton itself accepts; catalog convention problems are reported, not a
    /// reason to drop a version, and the folder decides name and version.
    ///
    /// One commit per import (not per version) keeps the import atomic (all or nothing), fast, and the history
    /// readable; `history` still names the import for each version it brought.
    public func importCatalog(from directory: URL, department: String? = nil, author: Author) throws(StoreError) -> ImportReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .io("\(directory.path): no such directory")
        }
        let namespace = try self.namespace(of: ResourceRef(namespace: department, kind: .task, name: "x"))
        var report = ImportReport()
        // Read every version folder first (disk), then lint and digest them on all cores.
        var sources: [(folder: VersionFolder, display: String, bytes: [UInt8]?)] = []
        for folder in Self.versionFolders(in: directory) {
            let display = "\(folder.kind.rawValue)/\(folder.name)/\(folder.version)"
            if let problem = ResourceName.problem(with: folder.name) {
                report.refused.append(.init(path: display, reason: problem))
                continue
            }
            guard ResourceVersion(folder.version) != nil else {
                report.refused.append(.init(path: display, reason: "\"\(folder.version)\" is not a version"))
                continue
            }
            let bytes = FileManager.default.contents(atPath: folder.url.appendingPathComponent(folder.name + ".yaml").path).map(Array.init)
            sources.append((folder, display, bytes))
        }
        let checked = ImportCheck.run(sources.map { ($0.folder, $0.bytes) }, flags: featureFlags)
        var accepted: [(key: VersionKey, files: [String: [UInt8]?], digest: String)] = []
        var known: [String: JSONValue] = [:]
        for (source, check) in zip(sources, checked) {
            let folder = source.folder
            switch check {
            case .refused(let reason):
                report.refused.append(.init(path: source.display, reason: reason))
            case let .accepted(findings, digest, description, document, contentHash):
                report.findings += findings
                if !contentHash.isEmpty { known[contentHash] = document }
                let key = VersionKey(namespace: namespace, kind: folder.kind, name: folder.name, version: folder.version)
                let readme = FileManager.default.contents(atPath: folder.url.appendingPathComponent("README.md").path).map(Array.init)
                let schema = FileManager.default.contents(atPath: folder.url.appendingPathComponent(folder.name + ".schema.json").path).map(Array.init)
                accepted.append((key, Self.files(for: key, organisation: organisation, document: source.bytes!, readme: readme,
                                                 schema: schema, description: description), digest))
            }
        }
        var imported: [String] = [], unchanged: [String] = [], conflicts: [ImportReport.Refusal] = []
        let message = "Import \(accepted.count) resource versions" + (namespace == organisation ? "" : " into department \(namespace)")
            + " from \(directory.lastPathComponent)"
        let commit = try write(author: author, message: message, known: known) { head throws(StoreError) in
            imported = []; unchanged = []; conflicts = []
            var changes: [String: [UInt8]?] = [:]
            for version in accepted {
                let display = "\(version.key.kind.rawValue)/\(version.key.name)@\(version.key.version)"
                if let existing = try self.existingVersion(of: version.key, at: head) {
                    if existing.digest == version.digest { unchanged.append(display) } else {
                        conflicts.append(.init(path: display, reason: "already published with other content (\(existing.digest))"))
                    }
                    continue
                }
                changes.merge(version.files) { a, _ in a }
                imported.append(display)
            }
            return changes
        }
        report.imported = imported
        report.unchanged = unchanged
        report.refused += conflicts
        report.commit = commit?.description
        return report
    }

    struct VersionFolder: Sendable {
        var kind: ResourceKind
        var name: String
        var version: String
        var url: URL
    }

    /// `<kind>/<name>/<version>/` folders, sorted.
    static func versionFolders(in root: URL) -> [VersionFolder] {
        let fm = FileManager.default
        func subfolders(_ url: URL) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).filter { name in
                var isDirectory: ObjCBool = false
                return !name.hasPrefix(".") && fm.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
            }.sorted()
        }
        var out: [VersionFolder] = []
        for kind in ResourceKind.allCases {
            let kindURL = root.appendingPathComponent(kind.rawValue)
            for name in subfolders(kindURL) {
                for version in subfolders(kindURL.appendingPathComponent(name)) {
                    out.append(VersionFolder(kind: kind, name: name, version: version,
                                             url: kindURL.appendingPathComponent(name).appendingPathComponent(version)))
                }
            }
        }
        return out
    }
}

/// The lint verdict on one version folder of an import.
enum ImportCheck: Sendable {
    /// `document` and `contentHash` (`ContentDigest.sha256` of the file) let the index reuse the parse.
    case accepted(findings: [Finding], digest: String, description: String, document: JSONValue, contentHash: String)
    case refused(String)

    /// Checks every folder's main file on all cores; results in input order. Tekton-rule errors refuse a
    /// version; catalog convention problems are findings only.
    static func run(_ folders: [(Store.VersionFolder, [UInt8]?)], flags: FeatureFlags) -> [ImportCheck] {
        let results = Slots<ImportCheck>(count: folders.count, initial: .refused(""))
        let linter = Linter(flags: flags)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, folders.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < folders.count {
                results[i] = check(folders[i].0, folders[i].1, linter: linter)
                i += workers
            }
        }
        return results.values
    }

    private static func check(_ folder: Store.VersionFolder, _ bytes: [UInt8]?, linter: Linter) -> ImportCheck {
        guard let bytes else { return .refused("no \(folder.name).yaml in the version folder") }
        let path = "\(folder.kind.rawValue)/\(folder.name)/\(folder.version)/\(folder.name).yaml"
        // Lines only matter for the few files with findings; the linter reads those again with lines.
        let file = LoadedFile(path: path, bytes: bytes, loader: YAMLLoader(recordsLines: false))
        let findings = linter.lint(file)
        let blocking = findings.filter { $0.severity == .error && !$0.rule.hasPrefix("catalog.") }
        guard blocking.isEmpty, let loaded = file.resources.first else {
            let reason = blocking.map { "\($0.message) [\($0.rule)]" }.joined(separator: "; ")
            return .refused(reason.isEmpty ? "no Tekton resource in \(folder.name).yaml" : reason)
        }
        let resource = loaded.resource
        let sidecar = FileManager.default.contents(atPath: folder.url.appendingPathComponent(folder.name + ".schema.json").path).map(Array.init)
        if sidecar != nil {
            do {
                _ = try Store.effectiveSchema(resource, sidecar: sidecar, title: path)
            } catch {
                return .refused("\(folder.name).schema.json: \(error)")
            }
        }
        return .accepted(findings: findings.filter { $0.severity != .note }, digest: ContentDigest.of(resource.document),
                         description: resource.spec.description ?? "", document: resource.document,
                         // The index reads a file's first document; hand the parse over only when that is this one.
                         contentHash: loaded.documentIndex == 0 ? ContentDigest.sha256(bytes) : "")
    }
}
