import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

/// The Go template of the scenario at a given upstream version, with knobs for what each release changes.
func goTemplate(_ version: String, testImage: String = "golang:1.22", lintArgs: String = "[\"run\"]", extraParam: String = "") -> String {
    """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: go
      labels: {app.kubernetes.io/version: "\(version)"}
      annotations: {tekton.dev/pipelines.minVersion: "0.60.0", stepyard.dev/steps: "clone@^1"}
    spec:
      description: Builds and tests Go.
      params:
        - {name: url}
        - {name: goVersion, default: "1.22"}
    \(extraParam)
      steps:
        - name: clone
          ref: {name: clone}
          params: [{name: url, value: $(params.url)}]
        - name: lint
          image: golangci/golangci-lint:v1.59
          args: \(lintArgs)
        - name: test
          image: \(testImage)
          env:
            - {name: GOFLAGS, value: -mod=readonly}
          script: go test ./...
    """
}

@Suite("Forks")
struct ForkScenarioTests {
    /// Fork, change the fork, upstream changes something else, upgrade keeps both; a conflicting upstream change
    /// is a clear conflict and nothing is written until it is settled.
    @Test func forkChangeAndUpgrade() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.createDepartment("payments", author: alice)
        _ = try await store.publish(request("""
            apiVersion: tekton.dev/v1beta1
            kind: StepAction
            metadata:
              name: clone
              labels: {app.kubernetes.io/version: "1.0.0"}
              annotations: {tekton.dev/pipelines.minVersion: "0.60.0"}
            spec:
              description: Clones a repository.
              params: [{name: url}]
              image: alpine/git:2.45.2
              env: [{name: URL, value: $(params.url)}]
              script: git clone "$URL" .
            """), author: alice)
        _ = try await store.publish(request(goTemplate("1.0.0")), author: alice)

        // Fork it into payments.
        let forked = try await store.fork(ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: alice)
        #expect(forked.ref == "payments/task/go@1.0.0")
        #expect(try await store.diff(ResourceRef(parsing: "payments/task/go")).changes.isEmpty)

        // The department changes its fork: a new step, a different default, a changed image.
        var ours = goTemplate("1.0.1", testImage: "registry.payments.example/golang:1.22")
            .replacingOccurrences(of: "{name: goVersion, default: \"1.22\"}", with: "{name: goVersion, default: \"1.21\"}")
        ours += "\n    - name: audit\n      image: registry.payments.example/audit:2.0\n      script: audit ./...\n"
        _ = try await store.publish(request(ours, department: "payments"), author: Author(name: "Pat Payments", email: "pat@example.com"))
        let diff = try await store.diff(ResourceRef(parsing: "payments/task/go"))
        #expect(diff.upstream == "task/go@1.0.0")
        #expect(diff.report.lines == [
            #"params.goVersion.default: "1.22" → "1.21" [compatible]"#,
            "spec.steps[test].image: golang:1.22 → registry.payments.example/golang:1.22 [compatible]",
            "spec.steps[audit]: added (image registry.payments.example/audit:2.0) [compatible]",
        ])

        // Upstream releases 1.1.0, changing something else (lint args, a new optional param).
        _ = try await store.publish(request(goTemplate("1.1.0", lintArgs: "[\"run\", \"--timeout=5m\"]",
                                                       extraParam: "    - {name: race, default: \"true\"}")), author: alice)
        let dry = try await store.upgrade(ResourceRef(parsing: "payments/task/go"), to: "1.1.0", dryRun: true, author: alice)
        #expect(dry.conflicts.isEmpty && dry.commit == nil && dry.newVersion == "1.1.0")
        #expect(try await store.versions(of: ResourceRef(parsing: "payments/task/go")).map(\.version) == ["1.0.0", "1.0.1"])
        let upgraded = try await store.upgrade(ResourceRef(parsing: "payments/task/go"), to: "1.1.0", dryRun: false, author: alice)
        #expect(upgraded.commit != nil)
        let merged = try YAMLLoader().load(Array(try await store.content(of: ResourceRef(parsing: "payments/task/go@1.1.0")).1))[0].value
        let steps = try #require(merged["spec"]?["steps"]?.arrayValue)
        #expect(steps.map { $0["name"]?.stringValue ?? "" } == ["clone", "lint", "test", "audit"])
        #expect(steps[1]["args"] == ["run", "--timeout=5m"])                               // upstream's change
        #expect(steps[2]["image"] == "registry.payments.example/golang:1.22")             // ours
        #expect(merged["spec"]?["params"]?[1]?["default"] == "1.21")                      // ours
        #expect(merged["spec"]?["params"]?[2]?["name"] == "race")                         // upstream's
        #expect(try await store.diff(ResourceRef(parsing: "payments/task/go")).upstream == "task/go@1.1.0")

        // Upstream 1.2.0 changes the test image too: a conflict with the fork's image, nothing written.
        _ = try await store.publish(request(goTemplate("1.2.0", testImage: "golang:1.23", lintArgs: "[\"run\", \"--timeout=5m\"]",
                                                       extraParam: "    - {name: race, default: \"true\"}")), author: alice)
        let before = try await store.indexedCommit()
        let conflicted = try await store.upgrade(ResourceRef(parsing: "payments/task/go"), to: "1.2.0", dryRun: false, author: alice)
        #expect(conflicted.conflicts.map(\.path.description) == ["spec.steps[test].image"])
        #expect(conflicted.conflicts[0].line == "spec.steps[test].image: ours registry.payments.example/golang:1.22, upstream golang:1.23 (was golang:1.22)")
        let after = try await store.indexedCommit()
        #expect(conflicted.commit == nil && after == before)
        // Settled by taking upstream's image: written as a new fork version recording the new upstream.
        let settled = try await store.upgrade(ResourceRef(parsing: "payments/task/go"), to: "1.2.0", dryRun: false,
                                              resolutions: ["spec.steps[test].image": .theirs], author: alice)
        #expect(settled.commit != nil && settled.conflicts.isEmpty)
        let final = try await store.content(of: ResourceRef(parsing: "payments/task/go@1.2.0")).1
        #expect(String(decoding: final, as: UTF8.self).contains("image: golang:1.23"))
        #expect(String(decoding: final, as: UTF8.self).contains("audit"))

        // Reverse lookups.
        let dependents = try await store.dependents(of: ResourceRef(parsing: "stepaction/clone"))
        #expect(dependents.contains(Dependent(ref: "task/go@1.0.0", via: "step", requirement: "^1")))
        #expect(dependents.contains(Dependent(ref: "payments/task/go@1.2.0", via: "step", requirement: "^1")))
        let forks = try await store.dependents(of: ResourceRef(parsing: "task/go")).filter { $0.via == "fork" }
        #expect(forks.map(\.ref) == ["payments/task/go@1.0.0", "payments/task/go@1.0.1", "payments/task/go@1.1.0", "payments/task/go@1.2.0"])
        let images = try await store.images(matching: "payments.example")
        #expect(images.map(\.image) == ["registry.payments.example/audit:2.0", "registry.payments.example/golang:1.22"])
        // The index a fresh rebuild makes is the same.
        let snapshot = try await store.indexSnapshot()
        try await store.reindex()
        #expect(try await store.indexSnapshot() == snapshot)
        _ = dir
    }

    /// Bad requests name the reference, and write nothing.
    @Test func badForkRequests() async throws {
        let (store, dir) = try makeStore()
        _ = try await store.createDepartment("payments", author: alice)
        _ = try await store.publish(request(taskYAML("go", "1.0.0")), author: alice)
        _ = try await store.publish(request(taskYAML("go", "1.1.0")), author: alice)
        let head = try await store.indexedCommit()
        await #expect(throws: StoreError.self) { try await store.fork(ResourceRef(parsing: "task/nope"), department: "payments", author: alice) }
        await #expect(throws: StoreError.self) { try await store.fork(ResourceRef(parsing: "task/go@^9"), department: "payments", author: alice) }
        await #expect(throws: StoreError.self) { try await store.fork(ResourceRef(parsing: "task/go"), department: "nope", author: alice) }
        #expect(try await store.indexedCommit() == head)
        _ = try await store.fork(ResourceRef(parsing: "task/go@1.1.0"), department: "payments", name: "payments-go", author: alice)
        await #expect(throws: StoreError.self) { try await store.fork(ResourceRef(parsing: "task/go@1.1.0"), department: "payments", name: "payments-go", author: alice) }
        await #expect(throws: StoreError.self) { try await store.fork(ResourceRef(parsing: "payments/task/payments-go"), department: "payments", author: alice) }
        await #expect(throws: StoreError.self) {
            try await store.upgrade(ResourceRef(parsing: "payments/task/payments-go"), to: "1.0.0", dryRun: false, author: alice)
        }
        await #expect(throws: StoreError.self) { try await store.upgrade(ResourceRef(parsing: "task/go"), to: "1.1.0", dryRun: true, author: alice) }
        await #expect(throws: StoreError.self) { try await store.diff(ResourceRef(parsing: "payments/task/nope")) }
        let renamed = try await store.content(of: ResourceRef(parsing: "payments/task/payments-go")).1
        #expect(String(decoding: renamed, as: UTF8.self).contains("name: payments-go"))
        _ = dir
    }
}
