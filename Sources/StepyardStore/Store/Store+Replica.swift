import Foundation
import StepyardCore

/// A read replica's store: its repository is a mirror of the primary's whole repository (`/git/repo.git`, fetched
/// by libgit2 with a token of the primary's `replica` role), its index its own. It takes no writes of its own; `stepyard serve --replica-of`
/// follows the primary and sends writes there.
extension Store {
    /// Creates (or reopens) a replica in `directory`, fetching the primary's `main` first.
    /// - Throws: `StoreError.git` when the primary cannot be reached or refuses the token.
    public static func replicate(from primary: String, token: String, at directory: URL) throws(StoreError) -> Store {
        let repoPath = repositoryPath(directory)
        if !FileManager.default.fileExists(atPath: repoPath) {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                _ = try GitRepository.create(at: repoPath, branch: "main")
            } catch let error as GitError {
                throw .git(error)
            } catch {
                throw .io("cannot create \(directory.path): \(error.localizedDescription)")
            }
        }
        _ = try fetchPrimary(primary, token: token, into: repoPath)
        return try open(at: directory)
    }

    /// Fetches the primary's `main` into this replica's repository; returns the commit it now holds. Blocking (the
    /// network): call it off the store's queue and the event loops.
    public nonisolated func followPrimary(_ primary: String, token: String) throws(StoreError) -> String {
        try Self.fetchPrimary(primary, token: token, into: Self.repositoryPath(directory)).description
    }

    private static func fetchPrimary(_ primary: String, token: String, into repoPath: String) throws(StoreError) -> ObjectID {
        let base = primary.hasSuffix("/") ? String(primary.dropLast()) : primary
        let credentials = Data("replica:\(token)".utf8).base64EncodedString()
        do {
            return try GitRepository.open(at: repoPath).fetch(base + "/git/repo.git", branch: "main", headers: ["Authorization: Basic \(credentials)"])
        } catch {
            throw .git(error)
        }
    }
}
