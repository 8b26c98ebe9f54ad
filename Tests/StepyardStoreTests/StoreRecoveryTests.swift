import Foundation
import GRDB
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

@Suite("Store recovery and concurrency")
struct StoreRecoveryTests {
    /// A commit that reached the repository without the index (a process killed between the two, or a
    /// `git push`) is caught up on the next open, and the result equals a fresh reindex.
    @Test func indexCatchesUpWithCommitsMadeAroundIt() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.publish(request(taskYAML("go", "1.0.0")), author: alice)
        let url = store.directory
        // Given a commit written straight to git (as a killed publisher or a push would leave it)
        let git = try GitRepository.open(at: url.appendingPathComponent("repo.git").path)
        let head = try #require(try git.resolve("refs/heads/main"))
        let commit = try git.commit(changes: [
            "task/go/1.1.0/go.yaml": Array(taskYAML("go", "1.1.0").utf8),
            "task/go/1.1.0/README.md": Array("# go\n".utf8),
        ], parent: head, author: GitSignature(name: "Bob", email: "bob@example.com", time: 1_700_000_000), message: "Push go 1.1.0")
        #expect(try git.updateReference("refs/heads/main", to: commit, expecting: head, message: "push"))
        // When the store is opened again
        let reopened = try Store.open(at: url)
        // Then the index knows the new version, exactly as a rebuild would
        #expect(try await reopened.versions(of: ResourceRef(parsing: "task/go")).map(\.version) == ["1.0.0", "1.1.0"])
        #expect(try await reopened.indexedCommit() == commit.description)
        let caughtUp = try await reopened.indexSnapshot()
        try await reopened.reindex()
        #expect(try await reopened.indexSnapshot() == caughtUp)
        #expect(try await reopened.history(of: ResourceRef(parsing: "task/go@1.1.0")).first?.author == "Bob")
        _ = dir
    }

    /// A deleted, truncated or garbage index is rebuilt from git; nothing is lost.
    @Test func corruptIndexIsRebuilt() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.publish(request(taskYAML("go", "1.0.0")), author: alice)
        _ = try await store.createDepartment("payments", author: alice)
        let expected = try await store.indexSnapshot()
        let indexPath = store.directory.appendingPathComponent("index.sqlite").path
        for damage in ["delete", "truncate", "garbage"] {
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: indexPath + suffix) }
            switch damage {
            case "delete": try FileManager.default.removeItem(atPath: indexPath)
            case "truncate": try Data().write(to: URL(fileURLWithPath: indexPath))
            default: try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: indexPath))
            }
            let reopened = try Store.open(at: store.directory)
            #expect(try await reopened.indexSnapshot() == expected, "after \(damage)")
        }
        _ = dir
    }

    /// An index written before documents were indexed (no `document` table) is migrated and rebuilt on open, and
    /// resolution still answers from git for a version whose document row is missing.
    @Test func indexWithoutDocumentsIsRebuilt() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.publish(request(taskYAML("go", "1.0.0")), author: alice)
        let expected = try await store.indexSnapshot()
        #expect(!expected.contains { $0.hasPrefix("document ") && $0.hasSuffix(" missing") })
        let resolved = try await store.resolve(ResourceRef(parsing: "task/go@1.0.0"))
        let indexPath = store.directory.appendingPathComponent("index.sqlite").path
        // Given an index as the previous release left it
        try await DatabaseQueue(path: indexPath).write { db in
            try db.execute(sql: "DROP TABLE document")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-documents'")
        }
        // When it is opened, it is migrated and rebuilt to the same rows
        let reopened = try Store.open(at: store.directory)
        #expect(try await reopened.indexSnapshot() == expected)
        // And a missing document row falls back to the YAML in git, with the same result
        try await DatabaseQueue(path: indexPath).write { db in try db.execute(sql: "DELETE FROM document") }
        let fromGit = try await Store.open(at: store.directory).resolve(ResourceRef(parsing: "task/go@1.0.0"))
        #expect(fromGit.yaml == resolved.yaml && fromGit.digest == resolved.digest)
        _ = dir
    }

    /// A directory without a store is refused with a message saying what to do.
    @Test func notAStore() throws {
        let dir = try TemporaryDirectory()
        #expect { try Store.open(at: dir.url) } throws: { error in
            guard case .notAStore = error as? StoreError else { return false }
            return "\(error)".contains("stepyard init")
        }
        #expect(throws: StoreError.self) { try Store.initialize(at: dir.url.appendingPathComponent("s"), organisation: "Bad Org", author: alice) }
    }

    /// A branch rewritten under the index (history replaced) makes the index rebuild, not drift.
    @Test func rewrittenHistoryRebuilds() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.publish(request(taskYAML("go", "1.0.0")), author: alice)
        let git = try GitRepository.open(at: store.directory.appendingPathComponent("repo.git").path)
        let head = try #require(try git.resolve("refs/heads/main"))
        let orphan = try git.commit(changes: ["stepyard.json": Array("{\"organisation\": \"tekton\"}\n".utf8),
                                              "task/rust/0.1.0/rust.yaml": Array(taskYAML("rust", "0.1.0").utf8)],
                                    parent: nil, author: GitSignature(name: "Eve", email: "eve@example.com", time: 1_700_000_000), message: "Rewrite")
        #expect(try git.updateReference("refs/heads/main", to: orphan, expecting: head, message: "force"))
        let reopened = try Store.open(at: store.directory)
        #expect(try await reopened.allVersions().map(\.name) == ["rust"])
        _ = dir
    }

    /// Many publishers at once, each with its own handles on the store (as separate processes have): every
    /// publish lands as its own commit, and the index equals a fresh reindex.
    @Test func concurrentPublishersInProcess() async throws {
        let (store, dir) = try makeStore()
        let url = store.directory
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let mine = try Store.open(at: url)
                    for n in 0..<5 {
                        _ = try await mine.publish(request(taskYAML("tool-\(writer)", "1.\(n).0")), author: Author(name: "writer-\(writer)", email: "w\(writer)@example.com"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let check = try Store.open(at: url)
        #expect(try await check.allVersions().count == 20)
        #expect(try await check.history(of: ResourceRef(parsing: "task/tool-0")).count == 5)
        let snapshot = try await check.indexSnapshot()
        try await check.reindex()
        #expect(try await check.indexSnapshot() == snapshot)
        _ = dir
    }

    /// Separate `stepyard publish` processes at once: no commit lost, the index equals a fresh reindex, fsck clean.
    @Test func concurrentPublisherProcesses() async throws {
        let binary = try #require(Corpus.stepyardBinary, "build the stepyard executable first (swift build)")
        let (store, dir) = try makeStore()
        var files: [String] = []
        for writer in 0..<4 {
            for n in 0..<3 {
                files.append(try dir.write("in/\(writer)-\(n)/t\(writer).yaml", text: taskYAML("proc-\(writer)", "2.\(n).0")))
            }
        }
        let processes = try files.map { file -> Process in
            let process = Process()
            process.executableURL = binary
            process.arguments = ["publish", file, "--store", store.directory.path, "--author", "Proc <proc@example.com>"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let check = try Store.open(at: store.directory)
        #expect(try await check.allVersions().count == 12)
        let snapshot = try await check.indexSnapshot()
        try await check.reindex()
        #expect(try await check.indexSnapshot() == snapshot)
        let git = try GitRepository.open(at: store.directory.appendingPathComponent("repo.git").path)
        #expect(try git.history(of: "", from: #require(try git.resolve("refs/heads/main"))).count == 13)
    }
}

/// A writer killed between taking git's reference lock and renaming it leaves `refs/heads/main.lock` behind.
@Suite struct StaleLockTests {
    /// A stale lock (no live writer can own it) is removed and the write goes through.
    @Test func staleReferenceLockDoesNotWedgeTheStore() async throws {
        let (store, dir) = try makeStore()
        _ = dir
        let lock = store.directory.appendingPathComponent("repo.git/refs/heads/main.lock")
        #expect(FileManager.default.createFile(atPath: lock.path, contents: Data()))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: lock.path)
        let result = try await store.publish(request(taskYAML("after-crash", "1.0.0")), author: alice)
        #expect(result.outcome == .published)
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }
}
