import Foundation
import GRDB
import StepyardCore

/// The git views the server offers for `git clone` and Tekton's git resolver: one repository per namespace under
/// `DIR/views/<namespace>.git`, each holding only its namespace's resources in the catalog layout, brought up to the
/// store's head when asked (`GitRepository.export`). Derived like the index: deleting `views/` loses nothing but
/// their history, which restarts at the next request.
extension Store {
    /// The name `/git/<name>.git` gives the whole repository (so no department may take it).
    public static let wholeRepositoryName = "repo"

    /// `DIR/views`.
    public nonisolated var viewsDirectory: URL { directory.appendingPathComponent("views") }

    /// The store's own repository (`DIR/repo.git`), which `/git/repo.git` serves to admins and replicas.
    public nonisolated var repositoryDirectory: URL { URL(fileURLWithPath: Self.repositoryPath(directory)) }

    /// Brings the view of `namespace` (the organisation or a department) up to the store's head and returns its
    /// folder; `nil` with `head` when the namespace has nothing to show yet.
    /// - Throws: `StoreError.unknownNamespace` for a namespace the store does not have.
    public func refreshView(_ namespace: String) throws(StoreError) -> (path: URL, head: String?) {
        _ = try self.namespace(of: ResourceRef(namespace: namespace, kind: .task, name: "view"))
        let path = viewsDirectory.appendingPathComponent("\(namespace).git")
        guard let head = try head() else { return (path, nil) }
        do {
            let view = try openView(at: path)
            if viewsBeingPushed.contains(namespace) { return (path, try view.resolve("refs/heads/main")?.description) }
            let viewHead = try git.export(head, namespace: namespace, organisation: organisation, into: view)
            return (path, viewHead?.description)
        } catch {
            throw .git(error)
        }
    }

    /// Brings every namespace's view that exists up to the head (after a commit; a view no one asked for yet is
    /// made on its first request).
    public func refreshViews() throws(StoreError) {
        guard FileManager.default.fileExists(atPath: viewsDirectory.path) else { return }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: viewsDirectory.path)) ?? []
        for folder in existing where folder.hasSuffix(".git") {
            let namespace = String(folder.dropLast(4))
            do { _ = try refreshView(namespace) } catch .unknownNamespace { continue }
        }
    }

    /// A push to the view of `namespace` begins, after any other push to it has ended: the view is left to git until
    /// `endPush`.
    public func beginPush(_ namespace: String) async {
        while viewsBeingPushed.contains(namespace) {
            await withCheckedContinuation { pushesWaiting[namespace, default: []].append($0) }
        }
        viewsBeingPushed.insert(namespace)
    }

    /// The push has ended: the view follows the store again (a version folder the store completes, such as a
    /// generated README or a fork's record, becomes a commit after the pushed one), and the next push may begin.
    public func endPush(_ namespace: String) {
        viewsBeingPushed.remove(namespace)
        _ = try? refreshView(namespace)
        if var waiting = pushesWaiting[namespace], !waiting.isEmpty {
            let next = waiting.removeFirst()
            pushesWaiting[namespace] = waiting.isEmpty ? nil : waiting
            next.resume()
        }
    }

    /// Opens a view, creating it (bare, `main`, upload-pack allowed to send any object it holds: a view holds only
    /// its own) when it does not exist.
    private func openView(at path: URL) throws(GitError) -> GitRepository {
        if FileManager.default.fileExists(atPath: path.appendingPathComponent("HEAD").path) { return try GitRepository.open(at: path.path) }
        let repository = try GitRepository.create(at: path.path, branch: "main")
        let settings = "[uploadpack]\n\tallowAnySHA1InWant = true\n\tallowFilter = true\n[http]\n\treceivepack = false\n"
        if let handle = FileHandle(forWritingAtPath: path.appendingPathComponent("config").path) {
            handle.seekToEndOfFile()
            handle.write(Data(settings.utf8))
            handle.closeFile()
        }
        return repository
    }
}
