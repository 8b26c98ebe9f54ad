import Foundation
import StepyardCLI
import StepyardTestSupport
import Testing

@Suite("stepyard fork, diff, upgrade, dependents, images, resolve")
struct ForkCommandTests {
    /// The fork workflow through the CLI, with its exit statuses.
    @Test func forkWorkflow() async throws {
        let dir = try TemporaryDirectory()
        let store = dir.url.appendingPathComponent("store").path
        func run(_ args: String...) async -> CommandOutput { await StepyardMain.run(args + ["--store", store]) }
        func task(_ version: String, image: String) throws -> String {
            try dir.write("t\(version)-\(image.count)/go.yaml", text: """
                apiVersion: tekton.dev/v1
                kind: Task
                metadata:
                  name: go
                  labels: {app.kubernetes.io/version: "\(version)"}
                  annotations: {tekton.dev/pipelines.minVersion: "0.60.0"}
                spec:
                  description: Builds Go.
                  params: [{name: url}]
                  steps:
                    - {name: test, image: "\(image)", script: go test ./...}
                """)
        }
        #expect(await run("init").exitCode == 0)
        #expect(await run("department", "create", "payments").exitCode == 0)
        #expect(await run("publish", try task("1.0.0", image: "golang:1.22")).exitCode == 0)
        #expect(await run("fork", "task/go@1.0.0", "--department", "payments").stdout.contains("forked into payments/task/go@1.0.0"))
        #expect(await run("diff", "payments/task/go").exitCode == 0)
        #expect(await run("publish", try task("1.0.1", image: "golang:1.22-alpine"), "--department", "payments").exitCode == 0)
        let diff = await run("diff", "payments/task/go")
        #expect(diff.exitCode == 1 && diff.stdout.contains("  spec.steps[test].image: golang:1.22 → golang:1.22-alpine [compatible]\n"))
        #expect(await run("publish", try task("1.1.0", image: "golang:1.23")).exitCode == 0)
        let conflicted = await run("upgrade", "payments/task/go", "--to", "1.1.0")
        #expect(conflicted.exitCode == 1 && conflicted.stdout.contains("spec.steps[test].image: ours golang:1.22-alpine, upstream golang:1.23"))
        let dry = await run("upgrade", "payments/task/go", "--to", "1.1.0", "--ours", "spec.steps[test].image", "--dry-run")
        #expect(dry.exitCode == 0 && dry.stdout.contains("image: golang:1.22-alpine"))
        #expect(await run("versions", "payments/task/go").stdout.split(separator: "\n").count == 2)
        let done = await run("upgrade", "payments/task/go", "--to", "1.1.0", "--ours", "spec.steps[test].image")
        #expect(done.exitCode == 0 && done.stdout.contains("as 1.1.0"))
        #expect(await run("upgrade", "payments/task/go", "--to", "1.0.0").exitCode == 1)
        #expect(await run("dependents", "task/go").stdout.contains("payments/task/go@1.1.0\tfork\t1.1.0"))
        #expect(await run("images", "--match", "alpine").stdout == "golang:1.22-alpine\n  payments/task/go@1.0.1\n  payments/task/go@1.1.0\n")
        let resolved = await run("resolve", "payments/task/go@1.1.0")
        #expect(resolved.exitCode == 0 && resolved.stdout.contains("stepyard.dev/lock: payments/task/go@1.1.0 sha256:"))
        let values = try dir.write("values.yaml", text: "url: 42\n")
        let refused = await run("resolve", "task/go", "--params", values)
        #expect(refused.exitCode == 1 && refused.stdout.contains("/url: expected string, but 42 is a number"))
        let good = try dir.write("good.yaml", text: "url: https://example.com/app.git\n")
        #expect(await run("resolve", "task/go", "--params", good).stdout.hasPrefix("apiVersion: tekton.dev/v1\nkind: TaskRun\n"))
    }
}
