import Foundation
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardTestSupport
import Testing

/// The read paths Tekton's hub resolver and `tkn hub` call, with the shapes they decode.
@Suite struct TektonHubCompatibilityTests {
    let file = try! String(contentsOf: Corpus.tektonCatalog.appendingPathComponent("task/git-clone/0.9/git-clone.yaml"), encoding: .utf8)

    /// The resolver's `type: tekton` calls: the resource (any catalog spelling) lists versions, then `/yaml` holds the file.
    @Test func hubResolverPath() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let resource = try await client.call(.get, "/v1/resource/Tekton/task/git-clone")
            #expect(resource.status == .ok)
            let versions = resource.json["data"]?["versions"]?.arrayValue?.compactMap { $0["version"]?.stringValue }
            #expect(versions == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "0.10"])
            #expect(resource.json["data"]?["latestVersion"]?["version"]?.stringValue == "0.10")
            #expect(resource.json["data"]?["kind"]?.stringValue == "Task")
            #expect(resource.json["data"]?["catalog"]?["name"]?.stringValue == "tekton")
            for catalog in ["tekton", "Tekton", "TEKTON"] {
                let yaml = try await client.call(.get, "/v1/resource/\(catalog)/task/git-clone/0.9/yaml")
                #expect(yaml.status == .ok)
                #expect(yaml.json["data"]?["yaml"]?.stringValue == file)
                #expect(yaml.json["data"]?.objectValue?.keys.elements == ["yaml"])
            }
            let missing = try await client.call(.get, "/v1/resource/tekton/task/git-clone/9.9/yaml")
            #expect(missing.status == .notFound)
            let unknown = try await client.call(.get, "/v1/resource/tekton/task/no-such-task")
            #expect(unknown.status == .notFound)
        }
    }

    /// `tkn hub get task git-clone --version 0.9`: catalogs, `/0.9/yaml`, then `/0.9`; without a version, the numeric
    /// id from the resource leads to `/v1/resource/{id}/versions`.
    @Test func tknHubGet() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let catalogs = try await client.call(.get, "/v1/catalogs")
            #expect(catalogs.json["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["tekton"])
            let version = try await client.call(.get, "/v1/resource/tekton/task/git-clone/0.9")
            #expect(version.status == .ok)
            let data = try #require(version.json["data"])
            #expect(data["version"]?.stringValue == "0.9")
            #expect(data["minPipelinesVersion"]?.stringValue == "0.38.0")
            #expect(data["resource"]?["name"]?.stringValue == "git-clone")
            #expect(data["resource"]?["catalog"]?["name"]?.stringValue == "tekton")
            #expect(data["updatedAt"]?.stringValue?.hasSuffix("Z") == true)
            let rawURL = try #require(data["rawURL"]?.stringValue)
            let rawPath = String(rawURL.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
            let raw = try await client.call(.get, rawPath)
            #expect(raw.status == .ok && raw.text == file)

            let resource = try await client.call(.get, "/v1/resource/tekton/task/git-clone")
            let id = try #require(resource.json["data"]?["id"])
            let versions = try await client.call(.get, "/v1/resource/\(id.serialized())/versions")
            #expect(versions.status == .ok)
            #expect(versions.json["data"]?["latest"]?["version"]?.stringValue == "0.10")
            #expect(versions.json["data"]?["versions"]?.arrayValue?.count == 10)
            #expect(try await client.call(.get, "/v1/resource/12345/versions").status == .notFound)
            #expect(try await client.call(.get, "/v1/resource/x1/versions").status == .badRequest)
            let readme = try await client.call(.get, "/v1/resource/tekton/task/git-clone/0.9/readme")
            #expect(readme.json["data"]?["readme"]?.stringValue?.contains("git-clone") == true)
        }
    }

    /// `/v1/query` filters like Tekton Hub and answers 404 when nothing matches.
    @Test func query() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let hits = try await client.call(.get, "/v1/query?name=git&kinds=task&match=contains")
            #expect(hits.status == .ok)
            #expect(hits.json["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["git-clone"])
            let exact = try await client.call(.get, "/v1/query?name=git-clone&match=exact")
            #expect(exact.json["data"]?.arrayValue?.count == 2)
            #expect(try await client.call(.get, "/v1/query?name=nothing-like-this").status == .notFound)
            #expect(try await client.call(.get, "/v1/query?kinds=widget").status == .badRequest)
        }
    }

    /// The resolver's `type: artifact` calls: the package lists X.Y.Z versions, the version holds the file in `manifestRaw`.
    @Test func artifactHub() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let package = try await client.call(.get, "/api/v1/packages/tekton-task/tekton-catalog-tasks/git-clone")
            #expect(package.status == .ok)
            let versions = package.json["available_versions"]?.arrayValue?.compactMap { $0["version"]?.stringValue } ?? []
            #expect(versions.contains("0.9.0") && versions.contains("0.10.0"))
            #expect(package.json["version"]?.stringValue == "0.10.0")
            let version = try await client.call(.get, "/api/v1/packages/tekton-task/tekton-catalog-tasks/git-clone/0.9.0")
            #expect(version.status == .ok)
            #expect(version.json["data"]?["manifestRaw"]?.stringValue == file)
            #expect(version.json["repository"]?["kind"] == 7)
            let stepAction = try await client.call(.get, "/api/v1/packages/tekton-stepaction/tekton/git-clone/0.2.0")
            #expect(stepAction.status == .ok)
            #expect(try await client.call(.get, "/api/v1/packages/tekton-task/tekton-catalog-tasks/git-clone/7.0.0").status == .notFound)
            #expect(try await client.call(.get, "/api/v1/packages/helm/tekton-catalog-tasks/git-clone").status == .badRequest)
        }
    }
}
