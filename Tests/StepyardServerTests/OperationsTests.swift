import Foundation
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardServer

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

    /// A commit around the server with a file the gate refuses is not served and not dropped silently: admins see
    /// it in `GET /api/v1/refused` with the reason. (The `stepyard_refused_versions` gauge is process-wide, shared by
    /// the servers of tests running at once, so it is not asserted here.)
    @Test func refusedCommitsAreReported() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.live) { client in
            let typo = taskYAML("side-door", "1.0.0").replacingOccurrences(of: "image:", with: "imgae:")
            try GitPlumbing.commit(["task/side-door/1.0.0/side-door.yaml": typo], repository: fixture.storeURL.appendingPathComponent("repo.git"))
            // The watcher notices within its interval (100 ms here); allow a slow machine up to 10 s.
            var listed = try await client.call(.get, "/api/v1/refused", token: fixture.admin)
            for _ in 0..<100 where listed.json["items"]?.arrayValue?.isEmpty ?? true {
                try await Task.sleep(for: .milliseconds(100))
                listed = try await client.call(.get, "/api/v1/refused", token: fixture.admin)
            }
            #expect(listed.json["items"]?[0]?["ref"]?.stringValue == "tekton/task/side-door@1.0.0")
            #expect(listed.json["items"]?[0]?["reason"]?.stringValue?.contains("unknown field \"imgae\"") == true)
            #expect(try await client.call(.get, "/api/v1/refused", token: fixture.reader).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/side-door").status == .notFound)
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

    /// Every metric has its `# HELP` line before its `# TYPE`; publishes are counted by outcome, refusals by reason.
    @Test func everyMetricSaysWhatItMeasures() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let good = taskYAML("counted", "1.0.0")
            #expect(try await client.call(.put, "/api/v1/resources/tekton/task/counted/1.0.0", token: fixture.publisher, body: good,
                                          contentType: "application/yaml").status == .created)
            let bad = good.replacingOccurrences(of: "1.0.0", with: "1.0.1").replacingOccurrences(of: "image: alpine:3.20", with: "imgae: alpine:3.20")
            #expect(try await client.call(.put, "/api/v1/resources/tekton/task/counted/1.0.1", token: fixture.publisher, body: bad,
                                          contentType: "application/yaml").status == .unprocessableContent)
            _ = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9/resolved")
            let lines = try await client.call(.get, "/metrics").text.split(separator: "\n").map(String.init)
            let types = lines.enumerated().filter { $0.element.hasPrefix("# TYPE ") }
            #expect(types.count >= 5)
            for (index, line) in types {
                let name = line.split(separator: " ")[2]
                #expect(index > 0 && lines[index - 1].hasPrefix("# HELP \(name) ") && lines[index - 1].count > "# HELP \(name) ".count + 10, "\(line)")
            }
            #expect(lines.contains { $0.hasPrefix(#"stepyard_publish_total{outcome="published",reason=""}"#) })
            #expect(lines.contains { $0.hasPrefix(#"stepyard_publish_total{outcome="refused",reason="unprocessable"}"#) }, "\(lines.filter { $0.contains("publish") })")
        }
    }

    /// Tokens over HTTP (admins): created with `Name <email>` (the commits' author) and a lifetime, listed with their
    /// last use, revoked with effect from the next request.
    @Test func tokensOverHTTP() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let created = try await client.call(.post, "/api/v1/tokens", token: fixture.admin,
                                                body: #"{"role": "publisher", "name": "Pat Publisher <pat@example.com>", "expiresInDays": 30}"#)
            #expect(created.status == .created, "\(created.text)")
            let secret = try #require(created.json["token"]?.stringValue)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["expires"]?.stringValue?.isEmpty == false)
            #expect(try await client.call(.put, "/api/v1/resources/tekton/task/by-pat/1.0.0", token: secret, body: taskYAML("by-pat", "1.0.0"),
                                          contentType: "application/yaml").status == .created)
            let history = try await client.call(.get, "/api/v1/resources/tekton/task/by-pat/history")
            #expect(history.json["items"]?[0]?["author"] == "Pat Publisher" && history.json["items"]?[0]?["email"] == "pat@example.com", "\(history.text)")
            let listed = try await client.call(.get, "/api/v1/tokens", token: fixture.admin)
            let entry = try #require(listed.json["items"]?.arrayValue?.first { $0["id"]?.stringValue == id })
            #expect(entry["name"] == "Pat Publisher <pat@example.com>" && entry["lastUsed"]?.stringValue != nil && entry["token"] == nil)
            #expect(try await client.call(.get, "/api/v1/tokens", token: fixture.publisher).status == .forbidden)
            #expect(try await client.call(.delete, "/api/v1/tokens/\(id)", token: fixture.publisher).status == .forbidden)
            #expect(try await client.call(.delete, "/api/v1/tokens/\(id)", token: fixture.admin).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/whoami", token: secret).status == .unauthorized)
            #expect(try await client.call(.delete, "/api/v1/tokens/\(id)", token: fixture.admin).status == .notFound)
            for name in ["Pat <no-address>", "Pat <a@b> <c@d>", "<pat@example.com>", "Pat pat@example.com>"] {
                let refused = try await client.call(.post, "/api/v1/tokens", token: fixture.admin, body: #"{"role": "reader", "name": "\#(name)"}"#)
                #expect(refused.status == .badRequest, "\(name): \(refused.text)")
            }
        }
    }

    /// A token stops working when it expires.
    @Test func anExpiredTokenIsUnknown() throws {
        let tokens = try AccessTokens.inMemory()
        let (secret, token) = try tokens.create(name: "Short Lived", role: .reader, departments: [], expiresIn: 60)
        #expect(try tokens.lookup(secret: secret)?.id == token.id)
        #expect(try tokens.lookup(secret: secret, now: Date().addingTimeInterval(61)) == nil)
    }

    /// JSON the API writes keeps `/` as it is.
    @Test func jsonKeepsSlashes() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(.get, "/v1/catalogs")
            #expect(answer.status == .ok && answer.text.contains("/api/v1/search") && !answer.text.contains("\\/"), "\(answer.text)")
        }
    }

    @Test(arguments: [
        ("/api/v1/search", nil, "/api/v1/search"), ("/api/v1/search", "q=go&limit=5", "/api/v1/search?q=go&limit=5"),
        ("/api/v1/tekton/events", "token=sy_abc", "/api/v1/tekton/events?token=[redacted]"),
        ("/v2/token", "scope=x&Secret=s&password=p&access_token=a", "/v2/token?scope=x&Secret=[redacted]&password=[redacted]&access_token=[redacted]"),
    ] as [(String, String?, String)])
    func theAccessLogShowsQueriesWithoutCredentials(_ path: String, _ query: String?, _ logged: String) {
        #expect(RequestLogMiddleware<BasicRequestContext>.target(path, query: query) == logged)
    }
}

/// Removes a department's record with git plumbing, as a `git push` from elsewhere would.
func removeDepartment(_ name: String, repository: URL) throws {
    let paths = try GitPlumbing.git(["ls-tree", "-r", "--name-only", "refs/heads/main", "departments/\(name)"], repository: repository)
        .split(separator: "\n").map(String.init)
    try GitPlumbing.commit(Dictionary(uniqueKeysWithValues: paths.map { ($0, String?.none) }), repository: repository,
                           message: "Remove department \(name)")
}
