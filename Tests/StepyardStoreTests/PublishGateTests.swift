import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

/// A catalog-conformant StepAction with one optional param.
func stepActionYAML(_ name: String, _ version: String) -> String {
    """
    apiVersion: tekton.dev/v1beta1
    kind: StepAction
    metadata:
      name: \(name)
      labels:
        app.kubernetes.io/version: "\(version)"
      annotations:
        tekton.dev/pipelines.minVersion: "0.56.0"
    spec:
      description: Does one thing.
      params:
        - {name: flags, default: ""}
      image: alpine:3.20
      script: echo one thing
    """
}

/// A catalog-conformant Task whose step refers to `ref`, pinned by `pins` (`stepyard.dev/steps`).
func referringTaskYAML(_ name: String, ref: String, pins: String? = nil, params: String = "") -> String {
    """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: \(name)
      labels:
        app.kubernetes.io/version: "1.0.0"
      annotations:
        tekton.dev/pipelines.minVersion: "0.56.0"
    \(pins.map { "    stepyard.dev/steps: \"\($0)\"" } ?? "")
    spec:
      description: Uses a step.
      steps:
        - name: run
          ref: {name: \(ref)}
    \(params)
    """
}

@Suite("The publish gate resolves references")
struct PublishGateTests {
    /// A step ref to a StepAction that is not in the store is refused at its line, with the closest name; nothing is
    /// written.
    @Test func typoInAStepRef() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.publish(request(stepActionYAML("git-clone", "0.1.0")), author: alice)
        let head = try await store.indexedCommit()
        let error = await #expect(throws: StoreError.self) {
            try await store.publish(request(referringTaskYAML("fetch", ref: "git-clon")), author: alice)
        }
        guard case .invalidDocument(let path, let findings)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(path == "task.yaml")
        #expect(findings.map(\.rule) == ["stepyard.reference"])
        #expect(findings.first?.line == 14)
        #expect(findings.first?.message == "step \"run\" uses stepaction/git-clon, which is not in the store; did you mean git-clone? (publish it first, or use a resolver)")
        #expect(try await store.indexedCommit() == head)
        #expect(try await store.search("fetch").isEmpty)
    }

    /// A pin that matches no version names the versions there are.
    @Test func pinMatchingNothing() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.publish(request(stepActionYAML("markdown-lint", "0.1.0")), author: alice)
        _ = try await store.publish(request(stepActionYAML("markdown-lint", "0.2.0")), author: alice)
        let error = await #expect(throws: StoreError.self) {
            try await store.publish(request(referringTaskYAML("docs", ref: "markdown-lint", pins: "markdown-lint@^7")), author: alice)
        }
        guard case .invalidDocument(_, let findings)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(findings.map(\.message) == [
            "step \"run\" uses stepaction/markdown-lint@^7, but no published version matches (it has 0.1.0, 0.2.0); change the pin in stepyard.dev/steps or publish a matching version first",
        ])
        // The same Task pinned to what exists publishes.
        let ok = try await store.publish(request(referringTaskYAML("docs", ref: "markdown-lint", pins: "markdown-lint@^0.2")), author: alice)
        #expect(ok.outcome == .published)
    }

    /// A reference that resolves but whose resolution fails (a param the StepAction does not take) is refused too.
    @Test func resolutionMustSucceed() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.publish(request(stepActionYAML("lint", "0.1.0")), author: alice)
        let extra = "      params: [{name: nope, value: x}]"
        let error = await #expect(throws: StoreError.self) {
            try await store.publish(request(referringTaskYAML("checks", ref: "lint", params: extra)), author: alice)
        }
        guard case .invalidDocument(_, let findings)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("extra params passed by Step to StepAction: [\"nope\"]") == true)
    }

    /// A Pipeline's taskRef is checked the same way; a department's reference finds its own resources first.
    @Test func pipelinesAndDepartments() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.createDepartment("payments", author: alice)
        _ = try await store.publish(request(stepActionYAML("scan", "0.1.0"), department: "payments"), author: alice)
        // The organisation cannot see the department's StepAction; the department can.
        await #expect(throws: StoreError.self) { try await store.publish(request(referringTaskYAML("audit", ref: "scan")), author: alice) }
        #expect(try await store.publish(request(referringTaskYAML("audit", ref: "scan"), department: "payments"), author: alice).outcome == .published)
        let pipeline = """
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: release
              labels: {app.kubernetes.io/version: "1.0.0"}
              annotations: {tekton.dev/pipelines.minVersion: "0.56.0"}
            spec:
              description: Releases.
              tasks:
                - {name: build, taskRef: {name: buld}}
            """
        let error = await #expect(throws: StoreError.self) { try await store.publish(request(pipeline), author: alice) }
        guard case .invalidDocument(_, let findings)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(findings.map(\.message) == ["task \"build\" uses task/buld, which is not in the store (publish it first, or use a resolver)"])
    }

    /// A dry run checks everything and says what a publish would do, with the changes against the predecessor,
    /// and writes nothing; the refusals a publish gives, it gives.
    @Test func dryRun() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.publish(request(taskYAML("go-build", "1.0.0")), author: alice)
        let head = try await store.indexedCommit()
        let withParam = taskYAML("go-build", "1.1.0").replacingOccurrences(of: "\n  steps:\n", with: "\n  params:\n    - {name: race, default: \"false\"}\n  steps:\n")
        var dry = request(withParam)
        dry.dryRun = true
        let result = try await store.publish(dry, author: alice)
        #expect(result.dryRun && result.outcome == .published && result.commit == nil)
        #expect(result.ref == "tekton/task/go-build@1.1.0")
        #expect(result.changes == [PublishResult.Change(path: "params.race", message: "added (optional)", breaking: false)])
        var same = request(taskYAML("go-build", "1.0.0"))
        same.dryRun = true
        #expect(try await store.publish(same, author: alice).outcome == .unchanged)
        var conflicting = request(taskYAML("go-build", "1.0.0", image: "golang:1.23"))
        conflicting.dryRun = true
        await #expect(throws: StoreError.self) { try await store.publish(conflicting, author: alice) }
        var broken = request(referringTaskYAML("fetch", ref: "git-clon"))
        broken.dryRun = true
        await #expect(throws: StoreError.self) { try await store.publish(broken, author: alice) }
        #expect(try await store.indexedCommit() == head)
        #expect(try await store.versions(of: ResourceRef(parsing: "task/go-build")).map(\.version) == ["1.0.0"])
    }
}

/// Commits that arrive by git, around the publish gate: what the gate refuses is listed, never served and never
/// silently dropped, until a later commit fixes it; the list is derived from git like every other row.
@Suite("Versions that arrived by git")
struct RefusedVersionTests {
    @Test func refusedVersionsAreListed() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        let repository = store.directory.appendingPathComponent("repo.git")
        let typo = taskYAML("broken", "1.0.0").replacingOccurrences(of: "script: echo building", with: "scirpt: echo building")
        try GitPlumbing.commit([
            "task/broken/1.0.0/broken.yaml": typo,
            "task/garbled/1.0.0/garbled.yaml": "apiVersion: tekton.dev/v1\nkind: [Task\n",
            "task/fine/1.0.0/fine.yaml": taskYAML("fine", "1.0.0"),
        ], repository: repository)
        try await store.catchUp()
        let refused = try await store.refused()
        #expect(refused.map(\.ref) == ["tekton/task/broken@1.0.0", "tekton/task/garbled@1.0.0"])
        #expect(refused[0].path == "task/broken/1.0.0/broken.yaml")
        #expect(refused[0].reason.contains("unknown field \"scirpt\""))
        #expect(refused[1].reason.hasPrefix("the main file is not valid YAML"))
        #expect(try await store.versions(of: ResourceRef(parsing: "task/fine")).map(\.version) == ["1.0.0"])
        await #expect(throws: StoreError.self) { try await store.versions(of: ResourceRef(parsing: "task/broken")) }
        // A rebuild from git finds the same.
        try await store.reindex()
        #expect(try await store.refused() == refused)
        // A later commit that fixes one takes it off the list and serves it.
        try GitPlumbing.commit(["task/broken/1.0.0/broken.yaml": taskYAML("broken", "1.0.0")], repository: repository)
        try await store.catchUp()
        #expect(try await store.refused().map(\.ref) == ["tekton/task/garbled@1.0.0"])
        #expect(try await store.versions(of: ResourceRef(parsing: "task/broken")).map(\.version) == ["1.0.0"])
    }
}
