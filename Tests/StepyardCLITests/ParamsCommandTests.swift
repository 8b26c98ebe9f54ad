import Foundation
import StepyardCLI
import StepyardTestSupport
import Testing

@Suite("stepyard params, schema and compat")
struct ParamsCommandTests {
    /// `schema check` reports all 8 errors of the shared bad values and none for the good ones.
    @Test func schemaCheckOnBenchFixtures() async throws {
        let bench = Corpus.root.deletingLastPathComponent().appendingPathComponent("bench")
        let schema = bench.appendingPathComponent("param-schema.json").path
        let bad = await StepyardMain.run(["schema", "check", schema, bench.appendingPathComponent("params-bad.json").path, "--output", "json"])
        #expect(bad.exitCode == 1)
        let report = try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any]
        #expect(report?["valid"] as? Bool == false)
        let errors = report?["errors"] as? [[String: String]] ?? []
        #expect(errors.count == 8)
        #expect(errors.allSatisfy { $0["pointer"] != nil && $0["keyword"] != nil && $0["message"] != nil })
        let good = await StepyardMain.run(["schema", "check", schema, bench.appendingPathComponent("params-good.json").path])
        #expect(good.exitCode == 0 && good.stdout == "valid\n")
        let dir = try TemporaryDirectory()
        let invalidSchema = try dir.write("s.json", text: #"{"type": "strin"}"#)
        #expect(await StepyardMain.run(["schema", "check", invalidSchema, bench.appendingPathComponent("params-good.json").path]).exitCode == 2)
    }

    /// `params schema`, `params check` (YAML values, a number for a string reported) and `compat` on a store.
    @Test func paramsOnAStore() async throws {
        let dir = try TemporaryDirectory()
        let store = dir.url.appendingPathComponent("store").path
        func run(_ args: String...) async -> CommandOutput { await StepyardMain.run(args + ["--store", store]) }
        #expect(await run("init").exitCode == 0)
        _ = await run("import", Corpus.tektonCatalog.path)
        let schema = await run("params", "schema", "task/git-clone@0.9")
        #expect(schema.exitCode == 0 && schema.stdout.contains("\"required\": [\n    \"url\"\n  ]"))
        let values = try dir.write("values.yaml", text: "url: https://github.com/tektoncd/catalog\ndepth: 1\nsslVerify: true\nnope: x\n")
        let check = await run("params", "check", "task/git-clone@0.9", values)
        #expect(check.exitCode == 1)
        #expect(check.stdout.contains("/depth: expected string, but 1 is a number [type]"))
        #expect(check.stdout.contains("/sslVerify: expected string, but true is a boolean [type]"))
        #expect(check.stdout.contains("nope"))
        let good = try dir.write("good.json", text: #"{"url": "https://github.com/tektoncd/catalog", "depth": "1"}"#)
        #expect(await run("params", "check", "task/git-clone@0.9", good).exitCode == 0)
        #expect(await run("params", "check", "task/git-clone@0.9", dir.url.appendingPathComponent("missing.yaml").path).exitCode == 2)
        // 0.9 added a result to 0.8, and changed two defaults, the minimum Tekton and the script: compat shows every
        // change (it showed the result alone before the change report), none of them breaking.
        let compat = await run("compat", "task/git-clone", "--from", "0.8", "--to", "0.9")
        #expect(compat.exitCode == 0)
        #expect(compat.stdout == """
            params.gitInitImage.default: "ghcr.io/tektoncd/github.com/tektoncd/pipeline/cmd/git-init:v0.29.0" → "ghcr.io/tektoncd/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2" [compatible]
            params.userHome.default: "/tekton/home" → "/home/git" [compatible]
            results.committer-date: added [compatible]
            metadata.annotations.tekton.dev/pipelines.minVersion: 0.29.0 → 0.38.0 [compatible]
            spec.steps[clone].script: 4 lines added, 2 removed [compatible]
            0.9 is compatible with 0.8

            """)
        let json = await run("compat", "task/git-clone", "--from", "0.8", "--to", "0.9", "--output", "json")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((report?["changes"] as? [[String: Any]])?.count == 5 && report?["breaking"] as? Bool == false)
        #expect(await run("compat", "task/git-clone", "--from", "not-a-version", "--to", "0.9").exitCode == 1)
        #expect(await run("compat", "task/git-clone", "--from", "0.8", "--to", "9.9").exitCode == 1)
    }
}
