import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardServer

/// Publishing and what publishers see, over HTTP.
@Suite("Publishing over HTTP")
struct PublishingOverHTTPTests {
    /// Semver in full: pre-releases with dotted identifiers and build metadata publish, resolve by exact version,
    /// deprecate and yank; ranges take a pre-release only when they name one.
    @Test(arguments: ["2.0.0-rc.1", "1.0.0-beta.2+build.5"])
    func lifecycleOfAPrerelease(_ version: String) async throws {
        let fixture = try await ServerFixture.make()
        let path = "/api/v1/resources/tekton/task/go-build/" + version.replacingOccurrences(of: "+", with: "%2B")
        try await fixture.application().test(.router) { client in
            let put = try await client.call(.put, path, token: fixture.publisher, body: taskYAML("go-build", version), contentType: "application/yaml")
            #expect(put.status == .created, "\(put.text)")
            let get = try await client.call(.get, path)
            #expect(get.status == .ok && get.text.contains("app.kubernetes.io/version: \"\(version)\""), "\(get.text)")
            #expect(try await client.call(.get, path + "/resolved").status == .ok)
            // A range without a pre-release never picks one.
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/go-build/%5E1/resolved").status != .ok)
            let deprecate = try await client.call(.post, path + "/deprecate", token: fixture.publisher, body: #"{"message": "try the release"}"#)
            #expect(deprecate.status == .ok, "\(deprecate.text)")
            let yank = try await client.call(.post, path + "/yank", token: fixture.publisher)
            #expect(yank.status == .ok, "\(yank.text)")
            let versions = try await client.call(.get, "/api/v1/resources/tekton/task/go-build")
            #expect(versions.json["versions"]?[0]?["version"]?.stringValue == version)
            #expect(versions.json["versions"]?[0]?["yanked"] == true)
            // Only an admin undoes a yank.
            #expect(try await client.call(.post, path + "/unyank", token: fixture.publisher).status == .forbidden)
            let unyank = try await client.call(.post, path + "/unyank", token: fixture.admin)
            #expect(unyank.status == .ok && unyank.json["commit"] != nil, "\(unyank.text)")
            let after = try await client.call(.get, "/api/v1/resources/tekton/task/go-build")
            #expect(after.json["versions"]?[0]?["yanked"] == false)
        }
    }

    /// `?dryRun=true` on the publish answers 200 with what a publish would do, and writes nothing.
    @Test func dryRunOverHTTP() async throws {
        let fixture = try await ServerFixture.make()
        let before = try await fixture.store.headCommit()
        try await fixture.application().test(.router) { client in
            let dry = try await client.call(.put, "/api/v1/resources/tekton/task/go-build/1.0.0?dryRun=true", token: fixture.publisher,
                                            body: taskYAML("go-build", "1.0.0"), contentType: "application/yaml")
            #expect(dry.status == .ok, "\(dry.text)")
            #expect(dry.json["dryRun"] == true && dry.json["outcome"]?.stringValue == "published" && dry.json["commit"] == nil)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/go-build/1.0.0").status == .notFound)
        }
        #expect(try await fixture.store.headCommit() == before)
    }

    /// The organisation's publishers see which departments forked an organisation resource, at which upstream
    /// version; another department's member does not.
    @Test func publishersSeeForks() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let path = "/api/v1/resources/tekton/task/git-clone/dependents"
            let publisher = try await client.call(.get, path, token: fixture.publisher)
            let forks = publisher.json["items"]?.arrayValue?.filter { $0["via"]?.stringValue == "fork" } ?? []
            #expect(forks.map { $0["ref"]?.stringValue ?? "" } == ["payments/task/git-clone@0.9"])
            #expect(forks.first?["requirement"]?.stringValue == "0.9")
            let outsider = try await client.call(.get, path, token: fixture.logistics)
            #expect(outsider.json["items"]?.arrayValue?.contains { $0["via"]?.stringValue == "fork" } == false)
            let anonymous = try await client.call(.get, path)
            #expect(anonymous.json["items"]?.arrayValue?.contains { $0["via"]?.stringValue == "fork" } == false)
        }
    }
}
