import Foundation
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing

/// The REST API under `/api/v1`: each endpoint's answer and its errors.
@Suite struct RegistryAPITests {
    /// Reading: resource with versions, one version as YAML (byte for byte) or JSON, README, schema, ETag and 304.
    @Test func readVersion() async throws {
        let fixture = try await ServerFixture.make()
        let file = try String(contentsOf: Corpus.tektonCatalog.appendingPathComponent("task/git-clone/0.9/git-clone.yaml"), encoding: .utf8)
        try await fixture.application().test(.router) { client in
            let resource = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone")
            #expect(resource.status == .ok)
            #expect(resource.json["latestVersion"]?.stringValue == "0.10")
            #expect(resource.json["versions"]?.arrayValue?.count == 10)

            let yaml = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9")
            #expect(yaml.status == .ok && yaml.text == file)
            #expect(yaml.headers[.contentType] == "application/yaml")
            let etag = try #require(yaml.headers[.eTag])
            #expect(etag.hasPrefix("\"sha256:") && etag.hasSuffix("\""))
            let again = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9", headers: ["If-None-Match": etag])
            #expect(again.status == .notModified && again.text.isEmpty)

            let json = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9", headers: ["Accept": "application/json"])
            #expect(json.json["metadata"]?["name"]?.stringValue == "git-clone")

            let range = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/%5E0.9")
            #expect(range.headers[.init("Stepyard-Version")!] == "0.9")

            let readme = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9/readme")
            #expect(readme.status == .ok && readme.text.contains("git-clone"))
            let schema = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/0.9/schema")
            #expect(schema.json["properties"]?["url"] != nil)
        }
    }

    /// Search pages with a cursor; history and dependents list what the store knows.
    @Test func searchHistoryDependents() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let first = try await client.call(.get, "/api/v1/search?q=git%20clone&limit=1")
            #expect(first.json["items"]?[0]?["name"]?.stringValue == "git-clone")
            let cursor = try #require(first.json["nextCursor"]?.stringValue)
            let second = try await client.call(.get, "/api/v1/search?q=git%20clone&limit=1&cursor=\(cursor)")
            #expect(second.json["items"]?.arrayValue?.count == 1)
            #expect(try await client.call(.get, "/api/v1/search?cursor=abc").status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/search?limit=0").status == .badRequest)

            let history = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/history")
            #expect(history.json["items"]?[0]?["author"]?.stringValue == "Fixture")
            let dependents = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/dependents", token: fixture.admin)
            #expect(dependents.json["items"]?.arrayValue?.contains { $0["ref"]?.stringValue == "payments/task/git-clone@0.9" } == true)
        }
    }

    /// A publish through the API is a commit authored by the token's name; the same content again is a no-op.
    @Test func publishAuthorsCommitWithTokenName() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let created = try await client.call(.put, "/api/v1/resources/tekton/task/go-build/1.0.0", token: fixture.publisher,
                                                body: taskYAML("go-build", "1.0.0"), contentType: "application/yaml")
            #expect(created.status == .created)
            #expect(created.json["outcome"]?.stringValue == "published")
            let same = try await client.call(.put, "/api/v1/resources/tekton/task/go-build/1.0.0", token: fixture.publisher,
                                             body: taskYAML("go-build", "1.0.0"), contentType: "application/yaml")
            #expect(same.status == .ok && same.json["outcome"]?.stringValue == "unchanged")
            let other = try await client.call(.put, "/api/v1/resources/tekton/task/go-build/1.0.0", token: fixture.publisher,
                                              body: taskYAML("go-build", "1.0.0", image: "alpine:3.21"), contentType: "application/yaml")
            #expect(other.status == .conflict)
            let json = """
                {"document": \(JSONValue.string(taskYAML("go-build", "1.1.0")).serialized()), "readme": "# go-build\\n",
                 "schema": {"properties": {"target": {"examples": ["./cmd/app"]}}}, "message": "adds nothing"}
                """
            let minor = try await client.call(.put, "/api/v1/resources/tekton/task/go-build/1.1.0", token: fixture.publisher, body: json)
            #expect(minor.status == .created, "\(minor.text)")
            let readme = try await client.call(.get, "/api/v1/resources/tekton/task/go-build/1.1.0/readme")
            #expect(readme.text == "# go-build\n")
        }
        let history = try await fixture.store.history(of: try ResourceRef(parsing: "task/go-build"))
        #expect(history.map(\.author) == ["Pat Publisher", "Pat Publisher"])
        #expect(history[0].message.contains("adds nothing"))
    }

    /// Refused publishes name what is wrong and write nothing.
    @Test func refusedPublishesWriteNothing() async throws {
        let fixture = try await ServerFixture.make()
        let before = try await fixture.store.headCommit()
        let app = try await fixture.application { $0.maxBodyBytes = 64 * 1024 }
        try await app.test(.router) { client in
            let put = { (path: String, token: String?, body: String, type: String) in
                try await client.call(.put, path, token: token, body: body, contentType: type)
            }
            let doc = taskYAML("go-build", "1.0.0")
            #expect(try await put("/api/v1/resources/tekton/task/go-build/1.0.0", nil, doc, "application/yaml").status == .unauthorized)
            #expect(try await put("/api/v1/resources/tekton/task/go-build/1.0.0", fixture.reader, doc, "application/yaml").status == .forbidden)
            #expect(try await put("/api/v1/resources/tekton/task/go-build/1.0.0", fixture.payments, doc, "application/yaml").status == .forbidden)
            let wrongName = try await put("/api/v1/resources/tekton/task/other/1.0.0", fixture.publisher, doc, "application/yaml")
            #expect(wrongName.status == .unprocessableContent && wrongName.json["error"]?["message"]?.stringValue?.contains("not task/other") == true)
            #expect(try await put("/api/v1/resources/tekton/task/go-build/2.0.0", fixture.publisher, doc, "application/yaml").status == .unprocessableContent)
            #expect(try await put("/api/v1/resources/tekton/task/go-build/%5E1", fixture.publisher, doc, "application/yaml").status == .badRequest)
            let broken = try await put("/api/v1/resources/tekton/task/go-build/1.0.0", fixture.publisher, "kind: Task\n  : [", "application/yaml")
            #expect(broken.status == .unprocessableContent)
            let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + (1...12).map { "\(Character(UnicodeScalar(97 + $0)!)): &\(Character(UnicodeScalar(97 + $0)!)) [*\(Character(UnicodeScalar(96 + $0)!)), *\(Character(UnicodeScalar(96 + $0)!)), *\(Character(UnicodeScalar(96 + $0)!))]\n" }.joined()
            #expect(try await put("/api/v1/resources/tekton/task/go-build/1.0.0", fixture.publisher, bomb, "application/yaml").status == .unprocessableContent)
            let huge = String(repeating: "#", count: 70 * 1024)
            let tooLarge = try await put("/api/v1/resources/tekton/task/go-build/1.0.0", fixture.publisher, huge, "application/yaml")
            #expect(tooLarge.status == .contentTooLarge && tooLarge.errorCode == "payload_too_large")
            #expect(try await put("/api/v1/resources/tekton/task/go-build/1.0.0", fixture.publisher, "{not json", "application/json").status == .badRequest)
            #expect(try await put("/api/v1/resources/tekton/task/Go-Build/1.0.0", fixture.publisher, doc, "application/yaml").status == .badRequest)
            #expect(try await put("/api/v1/resources/tekton/task/%2E%2E/1.0.0", fixture.publisher, doc, "application/yaml").status == .badRequest)
            #expect(try await put("/api/v1/resources/no-such-dept/task/go-build/1.0.0", fixture.admin, doc, "application/yaml").status == .notFound)
            // The server keeps serving.
            #expect(try await client.call(.get, "/healthz").status == .ok)
        }
        #expect(try await fixture.store.headCommit() == before)
    }

    /// Values are checked against the schema (422 with every error); resolution inlines, binding makes a TaskRun.
    @Test func validateResolveBind() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let base = "/api/v1/resources/tekton/task/git-clone/0.9"
            let invalid = try await client.call(.post, base + "/validate", body: #"{"url": 5, "nonsense": "x"}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect((invalid.json["errors"]?.arrayValue?.count ?? 0) >= 2)
            let valid = try await client.call(.post, base + "/validate", body: #"{"url": "https://github.com/tektoncd/pipeline"}"#)
            #expect(valid.status == .ok && valid.json["valid"] == true)

            let resolved = try await client.call(.get, base + "/resolved")
            #expect(resolved.status == .ok && resolved.text.contains("apiVersion: tekton.dev/v1\n"))
            let etag = try #require(resolved.headers[.eTag])
            #expect(try await client.call(.get, base + "/resolved", headers: ["If-None-Match": etag]).status == .notModified)
            let cached = try await client.call(.get, base + "/resolved")
            #expect(cached.text == resolved.text)
            let json = try await client.call(.get, base + "/resolved", headers: ["Accept": "application/json"])
            #expect(json.json["kind"]?.stringValue == "Task")

            // Values alone leave the required workspace unbound: 422 naming it.
            let unbound = try await client.call(.post, base + "/resolved", body: #"{"url": "https://github.com/tektoncd/pipeline"}"#)
            #expect(unbound.status == .unprocessableContent && unbound.json["errors"]?[0]?["pointer"] == "/workspaces")
            let run = try await client.call(.post, base + "/resolved",
                                            body: #"{"params": {"url": "https://github.com/tektoncd/pipeline"}, "workspaces": {"output": {"emptyDir": {}}}}"#)
            #expect(run.status == .ok && run.text.contains("kind: TaskRun"))
            let badRun = try await client.call(.post, base + "/resolved", body: #"{"url": ["not", "a", "string"]}"#)
            #expect(badRun.status == .unprocessableContent)
        }
    }

    /// Lifecycle, forks, diff and upgrade through the API, by the roles allowed to.
    @Test func lifecycleAndForks() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let deprecate = try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/0.1/deprecate", token: fixture.publisher,
                                                  body: #"{"message": "use 0.9"}"#)
            #expect(deprecate.status == .ok && deprecate.json["commit"] != nil)
            #expect(try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/0.1/deprecate", token: fixture.publisher,
                                          body: #"{"message": " "}"#).status == .badRequest)
            #expect(try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/0.2/yank", token: fixture.reader).status == .forbidden)
            #expect(try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/%5E0.2/yank", token: fixture.publisher).status == .badRequest)
            #expect(try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/0.2/yank", token: fixture.publisher).status == .ok)
            let versions = try await client.call(.get, "/api/v1/resources/tekton/task/git-clone")
            #expect(versions.json["versions"]?[1]?["yanked"] == true)

            let fork = try await client.call(.post, "/api/v1/departments/logistics/forks", token: fixture.logistics,
                                             body: #"{"from": "task/git-clone@0.8"}"#)
            #expect(fork.status == .created)
            #expect(try await client.call(.post, "/api/v1/departments/payments/forks", token: fixture.logistics,
                                          body: #"{"from": "task/git-clone@0.8"}"#).status == .notFound)
            let diff = try await client.call(.get, "/api/v1/resources/logistics/task/git-clone/diff", token: fixture.logistics)
            #expect(diff.status == .ok && diff.json["upstream"]?.stringValue == "task/git-clone@0.8")
            let dry = try await client.call(.post, "/api/v1/resources/logistics/task/git-clone/upgrade", token: fixture.logistics,
                                            body: #"{"to": "0.9", "dryRun": true}"#)
            #expect(dry.status == .ok && dry.json["dryRun"] == true && dry.json["commit"] == nil)
            let real = try await client.call(.post, "/api/v1/resources/logistics/task/git-clone/upgrade", token: fixture.logistics,
                                             body: #"{"to": "0.9"}"#)
            #expect(real.status == .ok && real.json["commit"]?.stringValue != nil)
            let resource = try await client.call(.get, "/api/v1/resources/logistics/task/git-clone", token: fixture.logistics)
            #expect(resource.json["upstream"]?["version"]?.stringValue == "0.9")
        }
    }

    /// Errors are JSON with a code and the request id; unknown routes and wrong methods are 4xx, not 500.
    @Test func errorsAreJSON() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let unknown = try await client.call(.get, "/api/v1/nothing-here")
            #expect(unknown.status == .notFound && unknown.errorCode == "not_found")
            #expect(unknown.json["error"]?["requestId"]?.stringValue == unknown.headers[.init("X-Request-Id")!])
            let wrongMethod = try await client.call(.delete, "/api/v1/resources/tekton/task/git-clone")
            #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.headers[.allow] == "GET")
            #expect(try await client.call(.patch, "/api/v1/resources/tekton/task/git-clone/0.9").headers[.allow]?.contains("PUT") == true)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/widget/git-clone").status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/not..a..version").status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/7.0.0").status == .notFound)
            let forged = try await client.call(.get, "/api/v1/search", token: "sy_" + String(repeating: "0", count: 64))
            #expect(forged.status == .unauthorized && forged.headers[.wwwAuthenticate] != nil)
            #expect(try await client.call(.get, "/api/v1/search", headers: ["Authorization": "Basic abc"]).status == .unauthorized)
            let head = try await client.call(.head, "/api/v1/resources/tekton/task/git-clone/0.9")
            #expect(head.status == .ok && head.text.isEmpty && head.headers[.eTag] != nil, "\(head.status) \(head.text.prefix(100))")
            #expect(try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/%5E0.9/yank").status == .unauthorized)
            let openapi = try await client.call(.get, "/openapi.yaml")
            #expect(openapi.text.hasPrefix("openapi: 3.1.0"))
        }
    }
}
