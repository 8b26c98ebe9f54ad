// Resolving a Task with 6 step references, uncached: no resolved output is kept, and in the first measurement no
// parsed document either — each resolution selects the 7 versions in the index, reads each one's stored JSON form
// from SQLite, parses it, inlines the steps, digests and writes the YAML. Target: median under 1 ms.
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

/// Median, p90 and p99 of `iterations` resolutions, dropping the document cache first when `cold`.
func measure(cold: Bool) async throws -> (Double, Double, Double) {
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<iterations {
        if cold { await store.dropDocumentCache() }
        let start = clock.now
        let result = try await store.resolve(ref)
        let elapsed = clock.now - start
        precondition(result.digest == first.digest)
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[samples.count * 9 / 10], samples[samples.count * 99 / 100])
}

let (coldMedian, coldP90, coldP99) = try await measure(cold: true)
let (warmMedian, warmP90, warmP99) = try await measure(cold: false)
print(String(format: "resolve task/go (6 step refs), no resolved-output cache, %d runs each:", iterations))
print(String(format: "  documents read and parsed every time: median %.3f ms, p90 %.3f ms, p99 %.3f ms", coldMedian, coldP90, coldP99))
print(String(format: "  parsed documents cached by digest:   median %.3f ms, p90 %.3f ms, p99 %.3f ms", warmMedian, warmP90, warmP99))
print("target: median under 1 ms: reading and parsing every time \(coldMedian < 1 ? "meets" : "MISSES"), with parsed documents \(warmMedian < 1 ? "meets" : "MISSES")")
