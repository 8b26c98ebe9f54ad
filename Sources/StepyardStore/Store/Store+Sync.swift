import Foundation
import StepyardCore

/// A git repository whose catalog a namespace follows (`stepyard sync add`): its branch is fetched on an interval
/// (or when told), and each version folder under `path` the store lacks goes through the gate of `publish`.
public struct SyncSource: Sendable, Codable, Hashable {
    public var id: String
    /// http(s) or file URL of the repository.
    public var url: String
    public var branch: String
    /// The folder of the catalog inside it (`""`: the root), in the Tekton catalog layout.
    public var path: String
    public var namespace: String
    public var intervalSeconds: Int
    public var status: SyncStatus = SyncStatus()
}

/// How a sync went, last time.
public struct SyncStatus: Sendable, Codable, Hashable {
    /// RFC 3339.
    public var lastRun: String?
    public var lastSuccess: String?
    public var lastError: String?
    /// The remote commit last imported from.
    public var lastCommit: String?
    /// What the last run published, and what it refused (each with the reason), by folder.
    public var published: [String] = []
    public var refused: [PushReport.Refusal] = []
}

extension Store {
    /// `DIR/syncs.json`: the sync sources and their status. Settings of this server, not catalog content: not in git.
    nonisolated var syncsFile: URL { directory.appendingPathComponent("syncs.json") }

    /// The sync sources, in the order they were added.
    public nonisolated func syncs() throws(StoreError) -> [SyncSource] {
        guard let data = FileManager.default.contents(atPath: syncsFile.path) else { return [] }
        do { return try JSONDecoder().decode([SyncSource].self, from: data) } catch {
            throw .io("\(syncsFile.path) does not hold sync sources: \(error.localizedDescription)")
        }
    }

    /// Changes the sync sources under the write lock (the CLI and the server share the file).
    nonisolated func changeSyncs<T>(_ change: (inout [SyncSource]) throws(StoreError) -> T) throws(StoreError) -> T {
        let lock = try WriteLock(directory: directory)
        defer { lock.release() }
        var all = try syncs()
        let result = try change(&all)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { try encoder.encode(all).write(to: syncsFile, options: .atomic) } catch {
            throw .io("cannot write \(syncsFile.path): \(error.localizedDescription)")
        }
        return result
    }

    /// Adds a sync source after checking what it names.
    public func addSync(url: String, branch: String = "main", path: String = "", namespace: String? = nil,
                        intervalSeconds: Int = 300) throws(StoreError) -> SyncSource {
        let namespace = try self.namespace(of: ResourceRef(namespace: namespace, kind: .task, name: "sync"))
        guard let scheme = URL(string: url)?.scheme?.lowercased(), ["http", "https", "file"].contains(scheme) else {
            throw .refused("\(url) is not a repository URL stepyard can fetch: give http://, https:// or file://")
        }
        guard !branch.isEmpty, branch.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }), !branch.contains(".."), !branch.hasPrefix("-") else {
            throw .refused("\"\(branch)\" is not a branch name")
        }
        let folder = path.split(separator: "/").joined(separator: "/")
        guard !folder.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw .refused("the path \"\(path)\" must be a folder inside the repository, without . or ..")
        }
        guard (5...86_400 * 7).contains(intervalSeconds) else { throw .refused("the interval must be between 5 seconds and 7 days") }
        return try changeSyncs { (all: inout [SyncSource]) throws(StoreError) -> SyncSource in
            let id = "sync-" + String(ContentDigest.sha256(Array("\(url)#\(branch)#\(folder)#\(namespace)".utf8)).suffix(8))
            if all.contains(where: { $0.id == id }) { throw .refused("\(url) (\(branch), \(folder.isEmpty ? "/" : folder)) is already synced into \(namespace) as \(id)") }
            let source = SyncSource(id: id, url: url, branch: branch, path: folder, namespace: namespace, intervalSeconds: intervalSeconds)
            all.append(source)
            return source
        }
    }

    public func removeSync(_ id: String) throws(StoreError) {
        try changeSyncs { (all: inout [SyncSource]) throws(StoreError) in
            guard let index = all.firstIndex(where: { $0.id == id }) else { throw .notFound("sync \(id)") }
            all.remove(at: index)
        }
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("syncs/\(id).git"))
    }

    /// Runs a sync: fetches its branch (off the store's queue: the network may be slow), then imports what is new
    /// through the gate (a commit per kind); every version the gate refuses is reported with its reason, the rest
    /// published. The status is recorded either way.
    public nonisolated func runSync(_ id: String, author: Author) async throws(StoreError) -> SyncStatus {
        guard let source = try syncs().first(where: { $0.id == id }) else { throw .notFound("sync \(id)") }
        let mirrorPath = directory.appendingPathComponent("syncs/\(id).git").path
        let now = ISO8601DateFormatter().string(from: Date())
        let fetched: Result<(String, ObjectID), GitError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Result { () throws(GitError) -> (String, ObjectID) in
                    let mirror = FileManager.default.fileExists(atPath: mirrorPath + "/HEAD")
                        ? try GitRepository.open(at: mirrorPath) : try GitRepository.create(at: mirrorPath, branch: source.branch)
                    return (mirrorPath, try mirror.fetch(source.url, branch: source.branch))
                })
            }
        }
        var status = source.status
        status.lastRun = now
        switch fetched {
        case .failure(let error):
            status.lastError = error.message
        case .success(let (path, commit)):
            do {
                let report = try await importSync(source, mirror: path, commit: commit, author: author)
                status.lastError = nil
                status.lastSuccess = now
                status.lastCommit = commit.description
                status.published = report.published.map(\.ref)
                status.refused = report.refused
            } catch {
                status.lastError = error.description
            }
        }
        let recorded = status
        try changeSyncs { (all: inout [SyncSource]) throws(StoreError) in
            if let index = all.firstIndex(where: { $0.id == id }) { all[index].status = recorded }
        }
        return status
    }

    /// The version folders under the source's path at `commit` of the mirror that the store lacks, gated; those that
    /// pass published, a commit per kind.
    func importSync(_ source: SyncSource, mirror path: String, commit: ObjectID, author: Author) throws(StoreError) -> PushReport {
        var report = PushReport()
        var requests: [PublishRequest] = []
        do {
            let mirror = try GitRepository.open(at: path)
            let prefix = source.path.isEmpty ? "" : source.path + "/"
            var folders: [String: [String: ObjectID]] = [:]
            for file in try mirror.files(at: commit, under: prefix) {
                let parts = file.path.dropFirst(prefix.count).split(separator: "/").map(String.init)
                guard parts.count == 4, ResourceKind(rawValue: parts[0]) != nil else { continue }
                folders["\(parts[0])/\(parts[1])/\(parts[2])", default: [:]][parts[3]] = file.blob
            }
            requests = try publishRequests(for: folders, in: mirror, prefix: prefix, namespace: source.namespace, refused: &report.refused)
        } catch {
            throw .git(error)
        }
        // StepActions first, then the Tasks that use them, then the Pipelines that use those: each kind is gated
        // against the store as the kinds before it left it, and written in a commit of its own.
        for kind in [ResourceKind.stepAction, .task, .pipeline] {
            var gated: [GatedVersion] = []
            let head = try head()
            for request in requests where request.expected?.kind == kind {
                let folder = String(request.sourcePath.split(separator: "/").dropLast().joined(separator: "/"))
                do {
                    let candidate = try Candidate(request: request, organisation: organisation)
                    let key = VersionKey(namespace: source.namespace, kind: candidate.kind, name: candidate.name, version: candidate.version.spelling)
                    if let existing = try existingVersion(of: key, at: head) {
                        if existing.digest != candidate.digest {
                            report.refused.append(.init(path: folder, reason: "\(key.kind.rawValue)/\(key.name)@\(existing.key.version) is already published with other content: versions are immutable"))
                        }
                        continue
                    }
                    gated.append(try gate(request))
                } catch {
                    report.refused.append(.init(path: folder, reason: error.description))
                }
            }
            guard !gated.isEmpty else { continue }
            let subject = "Sync \(gated.count == 1 ? gated[0].title : "\(gated.count) \(kind.rawValue) versions") from \(source.url) (\(source.branch)) at \(commit)"
                + (source.namespace == organisation ? "" : " into department \(source.namespace)")
            let (written, results) = try write(gated, subject: subject, author: author, conflicts: false)
            report.commit = written ?? report.commit
            report.published += results
        }
        return report
    }
}
