import Foundation
import StepyardCLI
import StepyardTestSupport
import Testing

@Suite("stepyard lint")
struct LintCommandTests {
    struct Report: Decodable {
        struct Finding: Decodable, Hashable { var path, severity, rule, message: String; var line: Int }
        var findings: [Finding]
        var files, errors, warnings: Int
    }

    func lintJSON(_ args: [String]) async throws -> (Report, Int32) {
        let result = await StepyardMain.run(["lint"] + args + ["--output", "json"])
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        return (report, result.exitCode)
    }

    /// The whole Tekton catalog: every file read, each real convention violation reported once, and no
    /// Tekton-rule error except the PipelineResources that Tekton's v1beta1 validation refuses.
    @Test func tektonCatalog() async throws {
        let (report, exit) = try await lintJSON([Corpus.tektonCatalog.path])
        #expect(report.files == 309)
        #expect(exit == 1)
        let errors = report.findings.filter { $0.severity == "error" }
        #expect(Set(errors).count == errors.count, "a finding is reported twice")

        func version(_ path: String) -> String {
            path.components(separatedBy: "/").suffix(4).prefix(3).joined(separator: "/")
        }
        let conventions = errors.filter { $0.rule.hasPrefix("catalog.") }
        let violating = Set(conventions.map { version($0.path) })
        #expect(violating == [
            "task/yq/0.5", "task/jumpstarter-get-lease/0.1", "task/jumpstarter-release-lease/0.1",
            "task/jumpstarter-run-cmd/0.1", "task/rhacs-generic/0.1", "task/python-boto3-aws/0.1",
            "task/python-sdk-azure/0.1", "task/oci-cli/0.1", "stepaction/git-clone/0.1", "stepaction/git-clone/0.2",
            "stepaction/tekton-catalog-publish/0.1", "stepaction/tekton-catalog-publish/0.2",
            "stepaction/tekton-catalog-publish/0.3",
        ])
        #expect(conventions.filter { $0.rule == "catalog.version-label" }.count == 5)
        #expect(conventions.filter { $0.rule == "catalog.name-folder" }.count == 3)
        #expect(conventions.filter { $0.rule == "catalog.description" }.count == 11)
        #expect(conventions.filter { $0.rule == "catalog.min-version" }.count == 3)
        let tekton = Set(errors.filter { !$0.rule.hasPrefix("catalog.") }.map(\.rule))
        #expect(tekton == ["tekton.v1beta1-resources"])
        #expect(report.findings.filter { $0.rule == "catalog.deprecated" }.count == 150)
        #expect(report.findings.contains { $0.rule == "resource.other-kind" && $0.path.hasSuffix("openwhisk/0.1/service-account.yaml") })
    }

    /// Exit 0 without errors, 1 with errors, 2 for unreadable paths, empty directories and bad usage.
    @Test func exitStatuses() async throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.yaml", text: "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: ok}\nspec:\n  steps: [{name: a, image: alpine}]\n")
        let bad = try dir.write("bad.yaml", text: "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: ok}\nspec: {}\n")
        try dir.write("empty/readme.txt", text: "no yaml here")
        #expect(await StepyardMain.run(["lint", good]).exitCode == 0)
        let failing = await StepyardMain.run(["lint", bad])
        #expect(failing.exitCode == 1)
        #expect(failing.stdout.contains("bad.yaml:4: error: missing field(s): spec.steps"))
        let missing = await StepyardMain.run(["lint", dir.url.appendingPathComponent("nope").path])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("no such file or directory"))
        let empty = await StepyardMain.run(["lint", dir.url.appendingPathComponent("empty").path])
        #expect(empty.exitCode == 2)
        #expect(empty.stderr.contains("no YAML files"))
        #expect(await StepyardMain.run(["lint"]).exitCode == 2)
        #expect(await StepyardMain.run(["lint", good, "--output", "xml"]).exitCode == 2)
        #expect(await StepyardMain.run(["frobnicate"]).exitCode == 2)
        #expect(await StepyardMain.run(["--help"]).exitCode == 0)
    }

    /// `--feature-flag` lints as a cluster with those flags: a flag-dependent error names its flag and is gone with
    /// it; an unknown key or a bad value is a usage error naming the key.
    @Test func featureFlags() async throws {
        let dir = try TemporaryDirectory()
        let task = try dir.write("enum.yaml", text: """
            apiVersion: tekton.dev/v1
            kind: Task
            metadata: {name: pick}
            spec:
              params:
                - {name: mode, enum: [fast, safe], default: fast}
              steps: [{name: a, image: alpine, args: ["$(params.mode)"]}]
            """)
        let byDefault = await StepyardMain.run(["lint", task])
        #expect(byDefault.exitCode == 1)
        #expect(byDefault.stdout.contains("enum.yaml:6: error: enum on param \"mode\" requires the feature flag enable-param-enum to be \"true\""))
        #expect(byDefault.stdout.contains("--feature-flag enable-param-enum=true"))
        #expect(await StepyardMain.run(["lint", task, "--feature-flag", "enable-param-enum=true"]).exitCode == 0)
        let unknown = await StepyardMain.run(["lint", task, "--feature-flag", "enable-parm-enum=true"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("unknown feature flag \"enable-parm-enum\""))
        let bad = await StepyardMain.run(["lint", task, "--feature-flag", "enable-api-fields=gamma"])
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.contains("enable-api-fields cannot be \"gamma\": use stable, beta, alpha"))
        #expect(await StepyardMain.run(["lint", task, "--feature-flag", "enable-param-enum"]).exitCode == 2)
    }

    /// Hostile files each give one clear error finding naming the file; the run goes on to the next file.
    @Test func hostileFiles() async throws {
        let dir = try TemporaryDirectory()
        var bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n"
        for (prev, name) in zip("abcdefgh", "bcdefghi") {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
        }
        try dir.write("bomb.yaml", text: bomb)
        try dir.write("huge.yaml", Data(repeating: UInt8(ascii: "a"), count: 10_000_000))
        try dir.write("deep.yaml", text: String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
        try dir.write("utf8.yaml", Data([0x61, 0x3A, 0x20, 0xFF, 0x0A]))
        try dir.write("dup.yaml", text: "kind: Task\nkind: Task\n")
        try dir.write("broken.yaml", text: "a: 'unterminated\n")
        let (report, exit) = try await lintJSON([dir.url.path])
        #expect(exit == 1)
        #expect(report.files == 6)
        let byFile = Dictionary(grouping: report.findings, by: { URL(fileURLWithPath: $0.path).lastPathComponent })
        for name in ["bomb.yaml", "huge.yaml", "deep.yaml", "utf8.yaml", "dup.yaml", "broken.yaml"] {
            let findings = byFile[name] ?? []
            #expect(findings.count == 1 && findings[0].rule == "yaml.load" && findings[0].severity == "error", "\(name): \(findings)")
        }
        #expect(byFile["utf8.yaml"]?.first?.message.contains("UTF-8") == true)
        #expect(byFile["huge.yaml"]?.first?.message.contains("10000000 bytes") == true)
        #expect(byFile["dup.yaml"]?.first?.line == 2)
    }
}
