import Foundation
import StepyardCLI
import StepyardTestSupport
import Testing

@Suite("stepyard diff A..B and compat")
struct ChangeReportCommandTests {
    /// `diff REF@A..B` and `compat` print the same report, exit 1 only when something breaks, and say what is wrong
    /// with a bad range or an unknown version.
    @Test func rangesAndCompat() async throws {
        let dir = try TemporaryDirectory()
        let store = dir.url.appendingPathComponent("store").path
        func run(_ args: String...) async -> CommandOutput { await StepyardMain.run(args + ["--store", store]) }
        func task(_ version: String, count: String = "1", image: String = "golang:1.22", race: Bool = false, url: Bool = true) throws -> String {
            try dir.write("go-\(version)/go.yaml", text: changingGo(version, count: count, image: image, race: race, url: url))
        }
        #expect(await run("init").exitCode == 0)
        #expect(await run("publish", try task("1.0.0")).exitCode == 0)
        #expect(await run("publish", try task("1.1.0", race: true)).exitCode == 0)
        #expect(await run("publish", try task("1.2.0", count: "10", image: "golang:1.23", race: true)).exitCode == 0)
        let expected = """
            params.count.default: "1" → "10" [compatible]
            params.race: added (optional) [compatible]
            spec.steps[test].image: golang:1.22 → golang:1.23 [compatible]
            1.2.0 is compatible with 1.0.0

            """
        let diff = await run("diff", "task/go@1.0.0..1.2.0")
        #expect(diff.exitCode == 0 && diff.stdout == expected && diff.stderr.isEmpty)
        let compat = await run("compat", "task/go", "--from", "1.0.0", "--to", "1.2.0")
        #expect(compat.exitCode == 0 && compat.stdout == expected)
        let json = try JSONSerialization.jsonObject(with: Data(await run("diff", "task/go@1.0.0..1.2.0", "--output", "json").stdout.utf8)) as? [String: Any]
        #expect(json?["from"] as? String == "1.0.0" && json?["to"] as? String == "1.2.0" && json?["breaking"] as? Bool == false)
        let first = (json?["changes"] as? [[String: Any]])?.first
        #expect(first?["path"] as? String == "params.count.default" && first?["kind"] as? String == "changed")
        #expect(first?["before"] as? String == "1" && first?["after"] as? String == "10" && first?["breaking"] as? Bool == false)
        #expect(first?["message"] as? String == #""1" → "10""#)

        // A breaking change: exit 1, the summary counts it.
        #expect(await run("publish", try task("2.0.0", count: "10", image: "golang:1.23", race: true, url: false)).exitCode == 0)
        let breaking = await run("diff", "task/go@1.2.0..2.0.0")
        #expect(breaking.exitCode == 1)
        #expect(breaking.stdout == "params.url: removed (values passed for it are now refused) [breaking]\n2.0.0 breaks users of 1.2.0: 1 breaking change\n")
        #expect(await run("compat", "task/go", "--from", "^1", "--to", "2.0.0").stdout == breaking.stdout)

        // Bad input: what is wrong, in words, with the exit status of a usage error or a refusal.
        let across = await run("diff", "task/go@1.0.0..task/node@1.2.0")
        #expect(across.exitCode == 2)
        #expect(across.stderr == "stepyard diff: \"task/go@1.0.0..task/node@1.2.0\" spans two resources (task/go and task/node); a range compares two versions of one resource, e.g. task/go@1.0.0..1.2.0\n")
        let unknown = await run("diff", "task/go@1.0.0..9.9")
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr == "stepyard diff: no version of task/go@9.9 (task/go has 1.0.0, 1.1.0, 1.2.0, 2.0.0) matches\n")
        let unknownJSON = await run("diff", "task/go@1.0.0..9.9", "--output", "json")
        let error = try JSONSerialization.jsonObject(with: Data(unknownJSON.stdout.utf8)) as? [String: [String: String]]
        #expect(unknownJSON.exitCode == 1 && error?["error"]?["message"] == "no version of task/go@9.9 (task/go has 1.0.0, 1.1.0, 1.2.0, 2.0.0) matches")
        #expect(await run("compat", "task/go", "--from", "0.1", "--to", "1.0.0").stderr
                == "stepyard compat: no version of task/go@0.1 (task/go has 1.0.0, 1.1.0, 1.2.0, 2.0.0) matches\n")
        #expect(await run("diff", "task/nope@1.0.0..1.2.0").stderr == "stepyard diff: task/nope not found\n")
        let noVersion = await run("diff", "task/go..1.2.0", "--output", "json")
        #expect(noVersion.exitCode == 2 && noVersion.stdout.contains("a range names both versions, e.g. task/go@1.0.0..1.2.0"))
        let notAVersion = await run("diff", "task/go@1.0.0..nope")
        #expect(notAVersion.exitCode == 2 && notAVersion.stderr.contains("\"nope\" is not a version"))
        let pinned = await run("compat", "task/go@1.0.0", "--from", "1.0.0", "--to", "1.2.0")
        #expect(pinned.exitCode == 1 && pinned.stderr == "stepyard compat: compat compares the versions --from and --to name: write task/go, without @version\n")
        for output in [across, unknown, noVersion, notAVersion, pinned] {
            #expect(!(output.stdout + output.stderr).contains("Error"), "a type's name: \(output)")
        }
    }
}
