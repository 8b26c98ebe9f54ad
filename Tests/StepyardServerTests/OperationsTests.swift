import Foundation
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import Testing

/// Administration, operations endpoints, and writes made around the server.
@Suite struct OperationsTests {
    /// Admins create departments and tokens; the new token works at once; others are refused.
    @Test func administration() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            #expect(try await client.call(.post, "/api/v1/departments", token: fixture.publisher, body: #"{"name": "research"}"#).status == .forbidden)
            #expect(try await client.call(.post, "/api/v1/departments", body: #"{"name": "research"}"#).status == .unauthorized)
            #expect(try await client.call(.post, "/api/v1/departments", token: fixture.admin, body: #"{"name": "Research!"}"#).status == .badRequest)
            #expect(try await client.call(.post, "/api/v1/departments", token: fixture.admin, body: #"{"name": "research"}"#).status == .created)
            #expect(try await client.call(.post, "/api/v1/departments", token: fixture.admin, body: #"{"name": "research"}"#).status == .conflict)
            let token = try await client.call(.post, "/api/v1/tokens", token: fixture.admin,
                                              body: #"{"role": "member", "name": "Rita Research", "departments": ["research"]}"#)
            #expect(token.status == .created)
            let secret = try #require(token.json["token"]?.stringValue)
            let departments = try await client.call(.get, "/api/v1/departments", token: secret)
            #expect(departments.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["research"])
            #expect(try await client.call(.post, "/api/v1/tokens", token: fixture.admin,
                                          body: #"{"role": "member", "name": "X", "departments": ["nowhere"]}"#).status == .unprocessableContent)
            #expect(try await client.call(.post, "/api/v1/tokens", token: fixture.admin, body: #"{"role": "emperor", "name": "X"}"#).status == .badRequest)
            #expect(try await client.call(.post, "/api/v1/tokens", token: fixture.payments, body: #"{"role": "admin", "name": "X"}"#).status == .forbidden)
        }
        #expect(try fixture.tokens.list().contains { $0.name == "Rita Research" })
    }

    /// Anonymous read can be turned off: then every read needs a token, operations endpoints stay open.
    @Test func anonymousReadOff() async throws {
        let fixture = try await ServerFixture.make()
        let app = try await fixture.application { $0.anonymousRead = false }
        try await app.test(.router) { client in
            let denied = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone")
            #expect(denied.status == .unauthorized)
            #expect(try await client.call(.get, "/v1/resource/tekton/task/git-clone").status == .unauthorized)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/git-clone", token: fixture.reader).status == .ok)
            #expect(try await client.call(.get, "/healthz").status == .ok)
            #expect(try await client.call(.get, "/readyz").status == .ok)
        }
    }

    /// A token of a department that no longer exists (removed by a commit around the server) stops working.
    @Test func tokenOfDeletedDepartment() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.live) { client in
            #expect(try await client.call(.get, "/api/v1/departments", token: fixture.logistics).status == .ok)
            try removeDepartment("logistics", repository: fixture.storeURL.appendingPathComponent("repo.git"))
            // The watcher notices within its interval (100 ms here); allow a slow machine up to 10 s.
            var refused = try await client.call(.get, "/api/v1/departments", token: fixture.logistics)
            for _ in 0..<100 where refused.status != .unauthorized {
                try await Task.sleep(for: .milliseconds(100))
                refused = try await client.call(.get, "/api/v1/departments", token: fixture.logistics)
            }
            #expect(refused.status == .unauthorized && refused.text.contains("no longer exists"))
            #expect(try await client.call(.get, "/api/v1/departments", token: fixture.payments).status == .ok)
        }
    }

    /// A publish by another process on the same store (the CLI) is served within the watch interval.
    @Test func writesAroundTheServerAreServed() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.live) { client in
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/side-door").status == .notFound)
            let other = try Store.open(at: fixture.storeURL)
            _ = try await other.publish(PublishRequest(document: Array(taskYAML("side-door", "1.0.0").utf8), sourcePath: "side-door.yaml"),
                                        author: Author(name: "CLI User", email: "cli@example.com"))
            var status = HTTPResponse.Status.notFound
            for _ in 0..<100 where status != .ok {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.call(.get, "/api/v1/resources/tekton/task/side-door").status
            }
            #expect(status == .ok)
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.status == .ok)
        }
    }

    /// `/metrics` exposes requests by route and status, and the resolve cache's hits.
    @Test func metrics() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            _ = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9/resolved")
            _ = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9/resolved")
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("stepyard_resolve_cache_total{result=\"hit\"}"))
            #expect(metrics.text.contains("hb_requests"))
        }
    }
}

/// Removes a department's record with git plumbing, as a `git push` from elsewhere would.
func removeDepartment(_ name: String, repository: URL) throws {
    func git(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "--git-dir", repository.path] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["GIT_AUTHOR_NAME"] = "Pusher"; env["GIT_AUTHOR_EMAIL"] = "p@example.com"
        env["GIT_COMMITTER_NAME"] = "Pusher"; env["GIT_COMMITTER_EMAIL"] = "p@example.com"
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    let index = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-index-\(UUID().uuidString)").path
    let env = ["GIT_INDEX_FILE": index]
    _ = try git(["read-tree", "refs/heads/main"], environment: env)
    let paths = try git(["ls-tree", "-r", "--name-only", "refs/heads/main", "departments/\(name)"]).split(separator: "\n").map(String.init)
    // update-index wants a work tree; an empty one is enough, as only the temporary index changes.
    let workTree = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-worktree-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: workTree, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: workTree) }
    _ = try git(["--work-tree", workTree.path, "update-index", "--force-remove"] + paths, environment: env)
    let tree = try git(["write-tree"], environment: env)
    let parent = try git(["rev-parse", "refs/heads/main"])
    let commit = try git(["commit-tree", tree, "-p", parent, "-m", "Remove department \(name)"])
    _ = try git(["update-ref", "refs/heads/main", commit, parent])
    try? FileManager.default.removeItem(atPath: index)
}
