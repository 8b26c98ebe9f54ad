import Foundation
import StepyardCore

/// What a `git push` to a namespace's view did: the versions it published (one commit), or why it was refused whole.
public struct PushReport: Sendable {
    public struct Refusal: Sendable, Hashable, Codable {
        /// `task/go/1.2.0`, a file, or the ref.
        public var path: String
        public var reason: String
    }

    public var published: [PublishResult] = []
    public var refused: [Refusal] = []
    /// The store's commit holding every published version; `nil` when refused (nothing written) or nothing was new.
    public var commit: String?

    public var accepted: Bool { refused.isEmpty }

    /// What the pusher reads (`remote:` lines): each version published, or each reason, with what to do.
    public var lines: [String] {
        if accepted {
            return published.isEmpty ? ["stepyard: nothing new to publish"]
                : published.map { "stepyard: published \($0.ref) \($0.digest)" } + (commit.map { ["stepyard: store commit \($0)"] } ?? [])
        }
        return ["stepyard: push refused, nothing was written:"] + refused.flatMap { refusal in
            refusal.reason.split(separator: "\n", omittingEmptySubsequences: true).enumerated().map { index, line in
                index == 0 ? "  \(refusal.path): \(line)" : "    \(line)"
            }
        }
    }
}

extension Store {
    /// A push to the view of `namespace` as the gate sees it: each new version folder the pushed commit adds to the
    /// view (`<kind>/<name>/<version>/` with `<name>.yaml`, and optionally `README.md` and `<name>.schema.json`) goes
    /// through the gate of `publish`; if every one passes they are written as one commit authored by `author`, else
    /// nothing is. A push that changes or deletes a published file, adds anything else, or updates another ref than
    /// `refs/heads/main` is refused. `quarantine` is where git keeps the pushed objects until the push is accepted.
    public func receivePush(namespace: String, quarantine: String?, updates: [(old: String, new: String, ref: String)],
                            author: Author) throws(StoreError) -> PushReport {
        _ = try self.namespace(of: ResourceRef(namespace: namespace, kind: .task, name: "push"))
        var report = PushReport()
        let zero = String(repeating: "0", count: 40)
        var pushed: (old: ObjectID?, new: ObjectID)?
        for update in updates {
            guard update.ref == "refs/heads/main" else {
                report.refused.append(.init(path: update.ref, reason: "only refs/heads/main is published; push to main"))
                continue
            }
            guard update.new != zero, let new = ObjectID(hex: update.new) else {
                report.refused.append(.init(path: update.ref, reason: "main cannot be deleted"))
                continue
            }
            pushed = (update.old == zero ? nil : ObjectID(hex: update.old), new)
        }
        guard let pushed, report.refused.isEmpty else { return report }
        let viewPath = viewsDirectory.appendingPathComponent("\(namespace).git").path
        var requests: [PublishRequest] = []
        do {
            let view = try GitRepository.open(at: viewPath)
            // git moves the ref after this answer only if it still points where the pusher saw it; so must the gate.
            guard try view.resolve("refs/heads/main") == pushed.old else {
                report.refused.append(.init(path: "refs/heads/main", reason: "the view moved since it was fetched: fetch, rebase and push again"))
                return report
            }
            if let quarantine { try view.readObjects(in: quarantine) }
            var folders: [String: [String: ObjectID]] = [:]
            for (path, change) in try view.fileChanges(from: pushed.old, to: pushed.new).sorted(by: { $0.path < $1.path }) {
                let parts = path.split(separator: "/").map(String.init)
                guard change == .added else {
                    report.refused.append(.init(path: path, reason: change == .deleted
                        ? "a published file cannot be deleted: yank the version instead (stepyard yank)"
                        : "a published version is immutable: publish its change as a new version"))
                    continue
                }
                guard parts.count == 4, let kind = ResourceKind(rawValue: parts[0]),
                      [parts[1] + ".yaml", RepositoryLayout.readmeFile, parts[1] + ".schema.json"].contains(parts[3]) else {
                    report.refused.append(.init(path: path, reason: "a push may only add version folders: <kind>/<name>/<version>/ with <name>.yaml, "
                                                + "README.md and <name>.schema.json (kind: task, pipeline or stepaction)"))
                    continue
                }
                folders["\(kind.rawValue)/\(parts[1])/\(parts[2])", default: [:]][parts[3]] = try view.entryID(path, at: pushed.new)
            }
            requests = try publishRequests(for: folders, in: view, prefix: "", namespace: namespace, refused: &report.refused)
        } catch {
            throw .git(error)
        }
        var gated: [GatedVersion] = []
        for request in requests {
            do {
                let version = try gate(request)
                if let existing = try existingVersion(of: version.key, at: try head()) {
                    report.refused.append(.init(path: String(request.sourcePath.split(separator: "/").dropLast().joined(separator: "/")),
                                                reason: existing.digest == version.candidate.digest
                                                    ? "\(version.title) is already published (the view was behind: fetch and rebase)"
                                                    : "\(version.title) is already published with other content: versions are immutable"))
                    continue
                }
                gated.append(version)
            } catch {
                let folder = String(request.sourcePath.split(separator: "/").dropLast().joined(separator: "/"))
                report.refused.append(.init(path: folder, reason: error.description))
            }
        }
        guard report.refused.isEmpty, !gated.isEmpty else { return report }
        let titles = gated.map(\.title)
        let subject = "Push \(titles.count == 1 ? titles[0] : "\(titles.count) versions")" + (namespace == organisation ? "" : " to department \(namespace)")
        (report.commit, report.published) = try write(gated, subject: subject, author: author, conflicts: true)
        return report
    }
}

extension Store {
    /// The publish requests of version folders read from a git tree (`<kind>/<name>/<version>` → file name → blob,
    /// paths under `prefix`), each expecting the kind, name and version its folder names; a folder without its
    /// `<name>.yaml` or with a version that is not one is refused instead.
    func publishRequests(for folders: [String: [String: ObjectID]], in repository: GitRepository, prefix: String, namespace: String,
                         refused: inout [PushReport.Refusal]) throws(GitError) -> [PublishRequest] {
        var requests: [PublishRequest] = []
        for (folder, files) in folders.sorted(by: { $0.key < $1.key }) {
            let parts = folder.split(separator: "/").map(String.init)
            guard let main = files[parts[1] + ".yaml"] else {
                refused.append(.init(path: folder, reason: "the folder has no \(parts[1]).yaml"))
                continue
            }
            guard let kind = ResourceKind(rawValue: parts[0]), let version = ResourceVersion(parts[2]) else {
                refused.append(.init(path: folder, reason: "\"\(parts[2])\" is not a version: name the folder by the version label"))
                continue
            }
            var request = PublishRequest(document: try repository.blobContent(main), sourcePath: prefix + folder + "/" + parts[1] + ".yaml",
                                         readme: try files[RepositoryLayout.readmeFile].map(repository.blobContent),
                                         schema: try files[parts[1] + ".schema.json"].map(repository.blobContent),
                                         department: namespace == organisation ? nil : namespace)
            request.expected = ResourceRef(namespace: nil, kind: kind, name: parts[1], selector: .requirement(.exact(version)))
            requests.append(request)
        }
        return requests
    }
}
