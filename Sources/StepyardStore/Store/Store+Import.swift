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
        var accepted: [(key: VersionKey, files: [String: [UInt8]?], digest: String)] = []
        let linter = Linter()
        for folder in Self.versionFolders(in: directory) {
            let key = VersionKey(namespace: namespace, kind: folder.kind, name: folder.name, version: folder.version)
            let display = "\(folder.kind.rawValue)/\(folder.name)/\(folder.version)"
            if let problem = ResourceName.problem(with: folder.name) {
                report.refused.append(.init(path: display, reason: problem))
                continue
            }
            guard ResourceVersion(folder.version) != nil else {
                report.refused.append(.init(path: display, reason: "\"\(folder.version)\" is not a version"))
                continue
            }
            let mainURL = folder.url.appendingPathComponent(folder.name + ".yaml")
            guard let bytes = FileManager.default.contents(atPath: mainURL.path).map(Array.init) else {
                report.refused.append(.init(path: display, reason: "no \(folder.name).yaml in the version folder"))
                continue
            }
            let relative = String(mainURL.path.dropFirst(directory.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let file = LoadedFile(path: relative, bytes: bytes)
            let findings = linter.lint(file)
            let blocking = findings.filter { $0.severity == .error && !$0.rule.hasPrefix("catalog.") }
            guard blocking.isEmpty, let resource = file.resources.first?.resource else {
                let reason = blocking.map { "\($0.message) [\($0.rule)]" }.joined(separator: "; ")
                report.refused.append(.init(path: display, reason: reason.isEmpty ? "no Tekton resource in \(folder.name).yaml" : reason))
                continue
            }
            report.findings += findings.filter { $0.severity != .note }
            let readme = FileManager.default.contents(atPath: folder.url.appendingPathComponent("README.md").path).map(Array.init)
            let schema = FileManager.default.contents(atPath: folder.url.appendingPathComponent(folder.name + ".schema.json").path).map(Array.init)
            accepted.append((key, Self.files(for: key, organisation: organisation, document: bytes, readme: readme, schema: schema,
                                             description: resource.spec.description ?? ""),
                             ContentDigest.of(resource.document)))
        }
        var imported: [String] = [], unchanged: [String] = [], conflicts: [ImportReport.Refusal] = []
        let message = "Import \(accepted.count) resource versions" + (namespace == organisation ? "" : " into department \(namespace)")
            + " from \(directory.lastPathComponent)"
        let commit = try write(author: author, message: message) { head throws(StoreError) in
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

    struct VersionFolder {
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
