// Resolving a Task with 6 step references, uncached: each resolution reads the index, reads the 7 documents from
// git, parses them and inlines the steps. Target: median under 1 ms.
// Usage: resolve-bench [iterations]   (default 1000)
import Foundation
import StepyardCore
import StepyardStore

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1000 : 1000
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-resolve-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: scratch) }
let author = Author(name: "Bench", email: "bench@example.com")
let store = try Store.initialize(at: scratch, author: author)

let actions = ["clone", "restore-cache", "lint", "test", "build", "push"]
for name in actions {
    let yaml = """
        apiVersion: tekton.dev/v1beta1
        kind: StepAction
        metadata:
          name: \(name)
          labels: {app.kubernetes.io/version: "1.0.0"}
          annotations: {tekton.dev/pipelines.minVersion: "0.60.0"}
        spec:
          description: The \(name) step.
          params:
            - {name: source, default: /workspace/source}
            - {name: flags, type: array, default: ["-v"]}
            - {name: config, type: object, properties: {mode: {type: string}}, default: {mode: fast}}
          results: [{name: summary}]
          image: registry.example.com/tools/\(name):1.0.0
          workingDir: $(params.source)
          env:
            - {name: MODE, value: $(params.config.mode)}
            - {name: SOURCE, value: $(params.source)}
          args: ["$(params.flags[*])"]
          script: |
            set -eu
            echo "\(name) in $SOURCE ($MODE)" | tee $(step.results.summary.path)

        """
    _ = try await store.publish(PublishRequest(document: Array(yaml.utf8), sourcePath: name), author: author)
}
let steps = actions.map { name in
    "    - name: \(name)\n      ref: {name: \(name)}\n      params:\n        - {name: source, value: $(workspaces.source.path)}\n        - {name: flags, value: [\"--\(name)\"]}\n"
}.joined()
let task = """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: go
      labels: {app.kubernetes.io/version: "1.0.0"}
      annotations:
        tekton.dev/pipelines.minVersion: "0.60.0"
        stepyard.dev/steps: "\(actions.map { "\($0)@^1" }.joined(separator: ", "))"
    spec:
      description: Builds Go.
      params: [{name: url}, {name: revision, default: main}]
      workspaces: [{name: source}]
      steps:
    \(steps)
    """
_ = try await store.publish(PublishRequest(document: Array(task.utf8), sourcePath: "go"), author: author)
let ref = try ResourceRef(parsing: "task/go@^1")
let first = try await store.resolve(ref)
guard first.lock.count == 7, !first.yaml.contains("ref:") else { fatalError("unexpected resolution: \(first.lock)") }

var samples: [Double] = []
let clock = ContinuousClock()
for _ in 0..<iterations {
    let start = clock.now
    let result = try await store.resolve(ref)
    let elapsed = clock.now - start
    precondition(result.digest == first.digest)
    samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
}
samples.sort()
let median = samples[samples.count / 2], p90 = samples[samples.count * 9 / 10], p99 = samples[samples.count * 99 / 100]
print(String(format: "resolve task/go (6 step refs, uncached), %d runs: median %.3f ms, p90 %.3f ms, p99 %.3f ms", iterations, median, p90, p99))
print(String(format: "target: median under 1 ms: %@", median < 1 ? "meets" : "MISSES"))
