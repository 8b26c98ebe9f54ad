import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

@Suite("Store resolution")
struct ResolveStoreTests {
    /// Every Task of the imported Tekton catalog resolves to a `tekton.dev/v1` Task that validates against Tekton's
    /// own CRD schema, deterministically, with its lock.
    @Test func catalogTasksResolveToValidV1() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.importCatalog(from: Corpus.tektonCatalog, author: alice)
        let crd = try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: Corpus.root.appendingPathComponent("tekton-crd-schemas/task_v1.json")), as: UTF8.self))
        let schema = try JSONSchema(crd)
        var resolved = 0
        for hit in try await store.search("", kind: .task, limit: 1000) {
            for info in try await store.versions(of: ResourceRef(kind: .task, name: hit.name)) {
                let ref = try ResourceRef(parsing: "task/\(info.name)@\(info.version)")
                let result = try await store.resolve(ref)
                #expect(result.document["apiVersion"] == "tekton.dev/v1")
                let errors = schema.validate(result.document).errors
                #expect(errors.isEmpty, "\(ref): \(errors.prefix(3).map { "\($0.instancePointer) \($0.message)" })")
                resolved += 1
            }
        }
        #expect(resolved == 289)
        let once = try await store.resolve(ResourceRef(parsing: "pipeline/buildpacks@0.2"))
        let twice = try await store.resolve(ResourceRef(parsing: "pipeline/buildpacks@0.2"))
        #expect(once.yaml == twice.yaml && once.digest == twice.digest)
        let pipelineCRD = try JSONSchema(try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: Corpus.root.appendingPathComponent("tekton-crd-schemas/pipeline_v1.json")), as: UTF8.self)))
        #expect(pipelineCRD.validate(once.document).isValid, "\(pipelineCRD.validate(once.document).errors.prefix(3).map(\.message))")
        _ = dir
    }

    /// A department's own StepAction is used by its resolution; values are checked, then bound into a TaskRun.
    @Test func departmentsAndValues() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.createDepartment("payments", author: alice)
        func stepAction(_ image: String, department: String? = nil) -> PublishRequest {
            request("""
                apiVersion: tekton.dev/v1beta1
                kind: StepAction
                metadata:
                  name: compile
                  labels: {app.kubernetes.io/version: "1.0.0"}
                  annotations: {tekton.dev/pipelines.minVersion: "0.60.0"}
                spec:
                  description: Compiles.
                  params: [{name: target, default: ./...}]
                  image: \(image)
                  env: [{name: TARGET, value: $(params.target)}]
                  script: go build "$TARGET"
                """, department: department)
        }
        _ = try await store.publish(stepAction("golang:1.23"), author: alice)
        _ = try await store.publish(stepAction("registry.payments.example/golang:1.23", department: "payments"), author: alice)
        _ = try await store.publish(request("""
            apiVersion: tekton.dev/v1
            kind: Task
            metadata:
              name: go
              labels: {app.kubernetes.io/version: "1.0.0"}
              annotations: {tekton.dev/pipelines.minVersion: "0.60.0", stepyard.dev/steps: "compile@^1"}
            spec:
              description: Builds Go.
              params: [{name: url}, {name: target, default: ./cmd/...}]
              steps:
                - name: compile
                  ref: {name: compile}
                  params: [{name: target, value: $(params.target)}]
            """), author: alice)
        let org = try await store.resolve(ResourceRef(parsing: "task/go"))
        #expect(org.document["spec"]?["steps"]?[0]?["image"] == "golang:1.23")
        let payments = try await store.resolve(ResourceRef(parsing: "task/go"), department: "payments")
        #expect(payments.document["spec"]?["steps"]?[0]?["image"] == "registry.payments.example/golang:1.23")
        #expect(payments.lock.map(\.reference) == ["payments/stepaction/compile@1.0.0", "task/go@1.0.0"])
        // Invalid values: every error, nothing bound.
        let bad = try await store.resolve(ResourceRef(parsing: "task/go"), run: RunRequest(values: ["target": 3, "extra": "x"]))
        #expect(Set(bad.errors.map(\.instancePointer)) == ["", "/target"])
        let run = try await store.resolve(ResourceRef(parsing: "task/go"), run: RunRequest(values: ["url": "https://example.com/app.git"]))
        #expect(run.errors.isEmpty && run.document["kind"] == "TaskRun")
        #expect(run.document["spec"]?["params"] == [["name": "url", "value": "https://example.com/app.git"], ["name": "target", "value": "./cmd/..."]])
        let taskRunCRD = try JSONSchema(try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: Corpus.root.appendingPathComponent("tekton-crd-schemas/taskrun_v1.json")), as: UTF8.self)))
        #expect(taskRunCRD.validate(run.document).isValid)
        await #expect(throws: StoreError.self) { try await store.resolve(ResourceRef(parsing: "task/nope")) }
        await #expect(throws: StoreError.self) { try await store.resolve(ResourceRef(parsing: "task/go@^2")) }
        await #expect(throws: StoreError.self) { try await store.resolve(ResourceRef(parsing: "task/go"), department: "nope") }
        _ = dir
    }
}
