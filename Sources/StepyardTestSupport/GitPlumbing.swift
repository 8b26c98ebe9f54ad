import Foundation

/// Commits to a store's bare repository with git's own plumbing, as a `git push` from elsewhere would: files added
/// or replaced (and removed), one commit on `refs/heads/main`, nothing through Stepyard.
public enum GitPlumbing {
    /// Writes `files` (path → content; `nil` removes the path) as one commit on top of `refs/heads/main`.
    @discardableResult
    public static func commit(_ files: [String: String?], repository: URL, message: String = "Commit around the store") throws -> String {
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: index) }
        let env = ["GIT_INDEX_FILE": index]
        // update-index wants a work tree for removals; an empty one is enough, as only the temporary index changes.
        let workTree = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-worktree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workTree, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workTree) }
        _ = try git(["read-tree", "refs/heads/main"], repository: repository, environment: env)
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            if let content {
                let blob = try git(["hash-object", "-w", "--stdin"], repository: repository, input: content)
                _ = try git(["update-index", "--add", "--cacheinfo", "100644,\(blob),\(path)"], repository: repository, environment: env)
            } else {
                _ = try git(["--work-tree", workTree.path, "update-index", "--force-remove", path], repository: repository, environment: env)
            }
        }
        let tree = try git(["write-tree"], repository: repository, environment: env)
        let parent = try git(["rev-parse", "refs/heads/main"], repository: repository)
        let commit = try git(["commit-tree", tree, "-p", parent, "-m", message], repository: repository)
        _ = try git(["update-ref", "refs/heads/main", commit, parent], repository: repository)
        return commit
    }

    /// Runs `git --git-dir REPOSITORY ARGUMENTS` and returns its trimmed output.
    public static func git(_ arguments: [String], repository: URL, environment: [String: String] = [:], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "--git-dir", repository.path] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["GIT_AUTHOR_NAME"] = "Pusher"; env["GIT_AUTHOR_EMAIL"] = "p@example.com"
        env["GIT_COMMITTER_NAME"] = "Pusher"; env["GIT_COMMITTER_EMAIL"] = "p@example.com"
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "git \(arguments.joined(separator: " ")) failed"])
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
