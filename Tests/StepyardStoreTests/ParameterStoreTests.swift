import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

/// A Task with the given params block (indented under `spec:`), catalog-conformant.
func paramTask(_ version: String, params: String) -> String {
    """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: go
      labels: {app.kubernetes.io/version: "\(version)"}
      annotations: {tekton.dev/pipelines.minVersion: "0.50.0"}
    spec:
      description: Builds Go.
      params:
    \(params)
      steps:
        - name: build
          image: golang:1.23
          script: go build ./...
    """
}

@Suite("Store parameters")
struct ParameterStoreTests {
    let sidecar = Array(#"{"properties": {"url": {"$ref": "https://stepyard.dev/schemas/params/git-url.json"}, "image": {"$ref": "https://stepyard.dev/schemas/params/image-reference.json"}}}"#.utf8)
    let params = "    - {name: url, description: The repository.}\n    - {name: image}\n    - {name: goVersion, default: \"1.23\"}"

    /// A published sidecar refines the schema; values are checked against it with every error at once.
    @Test func schemaAndValues() async throws {
        let (store, dir) = try makeStore()
        var req = request(paramTask("1.0.0", params: params))
        req.schema = sidecar
        _ = try await store.publish(req, author: alice)
        let (_, schema) = try await store.parameterSchema(of: ResourceRef(parsing: "task/go@1"))
        #expect(schema["properties"]?["url"]?["$ref"] == .string("https://stepyard.dev/schemas/params/git-url.json"))
        let (_, errors) = try await store.checkParameters(ResourceRef(parsing: "task/go"),
                                                         values: try JSONValue(parsingJSON: #"{"url": "not a url", "image": "UPPER", "goVersion": 1.23}"#))
        #expect(Set(errors.map(\.instancePointer)) == ["/url", "/image", "/goVersion"])
        let (_, none) = try await store.checkParameters(ResourceRef(parsing: "task/go"),
                                                       values: ["url": "https://github.com/org/app.git", "image": "registry.example.com/app:1"])
        #expect(none.isEmpty)
        _ = dir
    }

    /// A broken sidecar is refused at publish: not JSON, unknown params, invalid schema, remote $ref.
    @Test func brokenSidecars() async throws {
        let (store, dir) = try makeStore()
        for bad in ["{nope", #"{"properties": {"token": {}}}"#, #"{"properties": {"url": {"type": 5}}}"#,
                    #"{"properties": {"url": {"$ref": "https://elsewhere.example.com/x.json"}}}"#, #"{"properties": {"url": {"pattern": "(["}}}"#] {
            var req = request(paramTask("1.0.0", params: params))
            req.schema = Array(bad.utf8)
            await #expect(throws: StoreError.self, "\(bad)") { try await store.publish(req, author: alice) }
        }
        #expect(try await store.allVersions().isEmpty)
        _ = dir
    }

    /// Breaking changes in the same major line are refused with the list; --allow-breaking publishes and records it.
    @Test func compatibilityGate() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.publish(request(paramTask("1.0.0", params: params)), author: alice)
        // Compatible: an optional param added.
        _ = try await store.publish(request(paramTask("1.1.0", params: params + "\n    - {name: verbose, default: \"false\"}")), author: alice)
        // Breaking: a required param added, and url removed.
        let breaking = paramTask("1.2.0", params: "    - {name: image}\n    - {name: goVersion, default: \"1.23\"}\n    - {name: verbose, default: \"false\"}\n    - {name: token}")
        await #expect { try await store.publish(request(breaking), author: alice) } throws: { error in
            guard case .breakingChange(let report)? = error as? StoreError else { return false }
            return report.from == "1.1.0" && Set(report.breaking.map(\.path)) == ["params.url", "params.token"]
        }
        // As a new major version it is fine.
        _ = try await store.publish(request(breaking.replacingOccurrences(of: "\"1.2.0\"", with: "\"2.0.0\"")), author: alice)
        var allowed = request(breaking)
        allowed.allowBreaking = true
        _ = try await store.publish(allowed, author: alice)
        let history = try await store.history(of: ResourceRef(parsing: "task/go@1.2.0"))
        #expect(history.first?.message.contains("Breaking changes from 1.1.0, allowed with --allow-breaking") == true)
        let report = try await store.changes(of: ResourceRef(parsing: "task/go"), from: VersionSelector("1.0.0")!, to: VersionSelector("1.1.0")!)
        #expect(!report.isBreaking && report.changes.map(\.path) == ["params.verbose"])
        _ = dir
    }
}
