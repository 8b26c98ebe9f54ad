import Foundation
import StepyardCLI
import StepyardTestSupport
import Testing

@Suite("stepyard store commands")
struct StoreCommandTests {
    /// init, import, versions, show, search, history, deprecate, yank, departments and reindex, end to end,
    /// with the documented exit statuses and JSON output.
    @Test func endToEnd() async throws {
        let dir = try TemporaryDirectory()
        let store = dir.url.appendingPathComponent("store").path
        func run(_ args: String...) async -> CommandOutput {
            await StepyardMain.run(args + ["--store", store, "--author", "Dana Ops <dana@example.com>"])
        }
        #expect(await run("versions", "task/git-clone").exitCode == 2)  // no store yet
        #expect(await run("init").exitCode == 0)
        #expect(await run("init").exitCode == 2)

        let imported = await run("import", Corpus.tektonCatalog.path, "--output", "json")
        #expect(imported.exitCode == 1)  // some versions were refused, and said so
        let report = try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any]
        #expect((report?["imported"] as? [String])?.count == 297)
        #expect((report?["refused"] as? [[String: String]])?.count == 12)

        let versions = await run("versions", "task/git-clone")
        #expect(versions.exitCode == 0)
        #expect(versions.stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "0.10"])
        let shown = await run("show", "task/git-clone@0.9")
        #expect(shown.stdout == String(decoding: try Data(contentsOf: Corpus.tektonCatalog.appendingPathComponent("task/git-clone/0.9/git-clone.yaml")), as: UTF8.self))
        let search = await run("search", "git clone", "--output", "json")
        let hits = try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [[String: Any]]
        #expect(hits?.first?["name"] as? String == "git-clone")
        // A search over the limits is a usage error that names the limit.
        let wordy = await run("search", (1...17).map { "w\($0)" }.joined(separator: " "))
        #expect(wordy.exitCode == 2 && wordy.stderr == "stepyard search: the search text has 17 words; at most 16 are accepted\n")

        // Publish a new version, then deprecate and yank it.
        let file = try dir.write("work/hello.yaml", text: """
            apiVersion: tekton.dev/v1
            kind: Task
            metadata:
              name: hello
              labels: {app.kubernetes.io/version: "1.0.0"}
              annotations: {tekton.dev/pipelines.minVersion: "0.50.0"}
            spec:
              description: Says hello.
              steps: [{name: hello, image: "alpine:3.20", script: echo hello}]
            """)
        let published = await run("publish", file)
        #expect(published.exitCode == 0 && published.stdout.contains("published tekton/task/hello@1.0.0"))
        #expect(await run("publish", file).stdout.contains("unchanged"))
        #expect(await run("deprecate", "task/hello@1.0.0", "--message", "use 2.x").exitCode == 0)
        // Consumers are told, on stderr (stdout stays the document).
        let resolved = await run("resolve", "task/hello@1.0.0")
        #expect(resolved.exitCode == 0 && resolved.stdout.hasPrefix("apiVersion: tekton.dev/v1"))
        #expect(resolved.stderr == "stepyard resolve: warning: task/hello@1.0.0 is deprecated: use 2.x\n")
        #expect(await run("show", "task/hello@1.0.0").stderr == "stepyard show: warning: task/hello@1.0.0 is deprecated: use 2.x\n")
        #expect(await run("yank", "task/hello@1.0.0").exitCode == 0)
        #expect(await run("yank", "task/hello@^1").exitCode == 1)
        let history = await run("history", "task/hello")
        #expect(history.stdout.contains("Dana Ops <dana@example.com>"))
        #expect(history.stdout.split(separator: "\n").count == 3)
        #expect(await run("versions", "task/hello").stdout.contains("yanked\tdeprecated: use 2.x"))
        // A release candidate with a dotted pre-release: published, deprecated and yanked by its exact version.
        let candidate = try dir.write("work/hello-rc.yaml", text: try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "\"1.0.0\"", with: "\"2.0.0-rc.1\""))
        #expect(await run("publish", candidate).stdout.contains("published tekton/task/hello@2.0.0-rc.1"))
        #expect(await run("deprecate", "task/hello@2.0.0-rc.1", "--message", "use 2.0.0").exitCode == 0)
        #expect(await run("yank", "task/hello@2.0.0-rc.1").exitCode == 0)
        #expect(await run("unyank", "task/hello@2.0.0-rc.1").stdout == "un-yanked task/hello@2.0.0-rc.1\n")
        #expect(await run("unyank", "task/hello@2.0.0-rc.1").stdout == "task/hello@2.0.0-rc.1 was not yanked\n")
        #expect(await run("history", "task/hello").stdout.contains("Un-yank task/hello@2.0.0-rc.1"))
        #expect(await run("show", "task/hello@2.0.0-rc.1").exitCode == 0)
        // A dry run says what publishing would do and writes nothing.
        let release = try dir.write("work/hello-2.yaml", text: try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "\"1.0.0\"", with: "\"2.0.0\""))
        let dry = await run("publish", release, "--dry-run")
        #expect(dry.exitCode == 0 && dry.stdout.hasPrefix("dry run: would publish tekton/task/hello@2.0.0 sha256:"), "\(dry.stdout)\(dry.stderr)")
        #expect(await run("show", "task/hello@2.0.0").exitCode != 0)

        #expect(await run("department", "create", "payments").exitCode == 0)
        #expect(await run("department", "create", "payments").exitCode == 1)
        #expect(await run("department", "list").stdout == "payments\n")
        #expect(await run("publish", file, "--department", "payments").exitCode == 0)
        #expect(await run("versions", "payments/task/hello").exitCode == 0)
        #expect(await run("publish", file, "--department", "nope").exitCode == 1)

        #expect(await run("reindex").stdout == "reindexed 300 version(s)\n")

        // Bad references are usage errors; unknown resources are refusals.
        #expect(await run("show", "task/Hello").exitCode == 2)
        #expect(await run("show", "task/nope").exitCode == 1)
        #expect(await run("show", "task/hello@^9").exitCode == 1)
        let broken = try dir.write("work/broken.yaml", text: "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: broken, labels: {app.kubernetes.io/version: '1.0.0'}}\nspec: {}\n")
        let refused = await run("publish", broken)
        #expect(refused.exitCode == 1 && refused.stderr.contains("missing field(s): spec.steps"))
        #expect(await run("versions", "task/broken").exitCode == 1)

        // The repository is a healthy git repository whose log says who did what.
        let fsck = Process()
        fsck.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        fsck.arguments = ["git", "--git-dir", store + "/repo.git", "fsck", "--strict"]
        fsck.standardOutput = FileHandle.nullDevice
        fsck.standardError = FileHandle.nullDevice
        if (try? fsck.run()) != nil {
            fsck.waitUntilExit()
            #expect(fsck.terminationStatus == 0)
        }
    }
}
