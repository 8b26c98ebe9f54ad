import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Testing
@testable import StepyardServer

/// The hot path answers only plain repeats of the resolved-template GET, and only as the router would have.
@Suite struct ResolvedHotPathTests {
    @Test func plainTargetsNameTheirCacheKey() throws {
        let target = try #require(ResolvedHotPath.target("/api/v1/resources/tekton/task/go/1.0.0/resolved"))
        #expect(target.namespace == "tekton")
        #expect(target.key == ResolvedCache.key(namespace: "tekton", kind: "task", name: "go", version: "1.0.0", json: false))
        let department = try #require(ResolvedHotPath.target("/api/v1/resources/payments/pipeline/go-pipeline/^1/resolved"))
        #expect(department.namespace == "payments")
        #expect(department.key == ResolvedCache.key(namespace: "payments", kind: "pipeline", name: "go-pipeline", version: "^1", json: false))
    }

    /// Anything else goes to the router: it decodes, refuses and logs those itself.
    @Test(arguments: [
        "/api/v1/resources/tekton/task/go/1.0.0/resolved/",
        "/api/v1/resources/tekton/task/go/resolved",
        "/api/v1/resources/tekton/task/go/1.0.0/extra/resolved",
        "/api/v1/resources/tekton//go/1.0.0/resolved",
        "/api/v1/resources//task/go/1.0.0/resolved",
        "/api/v1/resources/tekton/task/go%2F..%2F/1.0.0/resolved",
        "/api/v1/resources/tekton/task/go/1.0.0/resolved?x=1",
        "/api/v1/resources/tekton/task/go/1.0.0?/resolved",
        "/api/v2/resources/tekton/task/go/1.0.0/resolved",
        "/api/v1/resources/tekton/task/go/1.0.0/readme",
        "/api/v1/resources/resolved",
        "",
    ])
    func otherTargetsAreLeftToTheRouter(path: String) {
        #expect(ResolvedHotPath.target(path) == nil)
    }

    /// The header fields it reads, in one pass, in any case of their names (NIO keeps the client's spelling).
    @Test func headersAreReadInOnePass() throws {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer abc")
        headers.add(name: "if-none-match", value: "\"sha256:1\"")
        headers.add(name: "X-REQUEST-ID", value: "req-1")
        headers.add(name: "Accept", value: "application/yaml")
        let fields = try #require(ResolvedHotPath.Fields(headers))
        #expect(fields.authorization == "Bearer abc" && fields.ifNoneMatch == "\"sha256:1\"" && fields.requestID == "req-1")
        #expect(!fields.wantsJSON)

        headers.replaceOrAdd(name: "Accept", value: "text/plain, Application/JSON;q=0.9")
        #expect(ResolvedHotPath.Fields(headers)?.wantsJSON == true)

        // A repeated header is the router's to interpret; an insane request id is replaced, not echoed.
        let repeated = HTTPHeaders([("Authorization", "Bearer a"), ("authorization", "Bearer b")])
        #expect(ResolvedHotPath.Fields(repeated) == nil)
        #expect(try #require(ResolvedHotPath.Fields(HTTPHeaders([("X-Request-Id", "has space")]))).requestID == nil)
    }

    /// A repeat is a cache hit answered with the router's bytes, ETag and the caller's request id; asking for JSON
    /// afterwards still gets JSON (the hot path never answers it); a bad token is still refused.
    @Test func repeatsAreHitsWithTheSameAnswer() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let path = "/api/v1/resources/tekton/task/git-clone/0.9/resolved"
            let first = try await client.call(.get, path)
            #expect(first.status == .ok)
            let hitsBefore = Self.hits(try await client.call(.get, "/metrics").text)
            let repeated = try await client.call(.get, path, headers: ["X-Request-Id": "composer-42"])
            #expect(repeated.status == .ok && repeated.text == first.text)
            #expect(repeated.headers[.eTag] == first.headers[.eTag] && repeated.headers[.contentType] == "application/yaml")
            #expect(repeated.headers[RequestIDs.header] == "composer-42")
            #expect(Self.hits(try await client.call(.get, "/metrics").text) >= hitsBefore + 1)  // metrics are process-wide; other suites may hit too

            let json = try await client.call(.get, path, headers: ["Accept": "application/json"])
            #expect(json.status == .ok && json.json["kind"]?.stringValue == "Task")
            #expect(try await client.call(.get, path, token: "sy_" + String(repeating: "2", count: 64)).status == .unauthorized)
            #expect(try await client.call(.get, path, headers: ["Authorization": "Basic abc"]).status == .unauthorized)
        }
    }

    private static func hits(_ metrics: String) -> Int {
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("stepyard_resolve_cache_total{result=\"hit\"}") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
    }
}
