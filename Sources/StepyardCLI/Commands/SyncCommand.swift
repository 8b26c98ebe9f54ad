import ArgumentParser
import StepyardStore

/// `stepyard sync add|list|remove|run`: namespaces that follow a git repository's catalog.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Follow a git repository's catalog: new versions come in through the gate.",
        discussion: """
            A running `stepyard serve` fetches each sync's branch on its interval (and on POST /api/v1/syncs/{id}/run, \
            for a push webhook); `stepyard sync run` does it once, now.
            """,
        subcommands: [Add.self, List.self, Remove.self, Run.self])

    struct Add: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a repository to follow.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The repository: http://, https:// or file:// (a public repository; no credentials).") var url: String
        @Option(help: "The branch to follow.") var branch: String = "main"
        @Option(help: "The catalog's folder inside the repository (Tekton catalog layout: <kind>/<name>/<version>/).") var path: String = ""
        @Option(help: "The namespace its versions go into (default: the organisation).") var namespace: String?
        @Option(help: "How often to fetch: 30s, 5m, 1h (at least 5s).") var interval: String = "5m"

        func perform() async -> CommandOutput {
            guard let seconds = SyncCommand.seconds(interval) else {
                return CommandOutput(stderr: "stepyard sync add: --interval \(interval) is not a duration: give 30s, 5m or 1h\n", exitCode: ExitStatus.usage)
            }
            return await options.withStore("sync add") { store throws(StoreError) in
                let source = try await store.addSync(url: url, branch: branch, path: path, namespace: namespace, intervalSeconds: seconds)
                return options.render(source) { "added \(source.id): \(source.url) (\(source.branch)) into \(source.namespace), every \(interval)\n" }
            }
        }
    }

    struct List: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the syncs and how each last went.")
        @OptionGroup var options: StoreOptions

        func perform() async -> CommandOutput {
            await options.withStore("sync list") { store throws(StoreError) in
                let all = try store.syncs()
                return options.render(all) {
                    all.map { source in
                        "\(source.id)\t\(source.url) (\(source.branch)\(source.path.isEmpty ? "" : ", " + source.path)) → \(source.namespace)"
                            + "\tlast success: \(source.status.lastSuccess ?? "never")"
                            + (source.status.lastError.map { "\tlast error: \($0)" } ?? "") + "\n"
                    }.joined()
                }
            }
        }
    }

    struct Remove: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop following a repository.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The sync's id (stepyard sync list).") var id: String

        func perform() async -> CommandOutput {
            await options.withStore("sync remove") { store throws(StoreError) in
                try await store.removeSync(id)
                return options.render(["removed": id]) { "removed \(id)\n" }
            }
        }
    }

    struct Run: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Fetch a sync's branch now and import what is new.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The sync's id (stepyard sync list).") var id: String

        func perform() async -> CommandOutput {
            await options.withStore("sync run") { store throws(StoreError) in
                let status = try await store.runSync(id, author: options.identity)
                var output = options.render(status) {
                    if let error = status.lastError { return "sync \(id) failed: \(error)\n" }
                    return status.published.map { "published \($0)\n" }.joined()
                        + status.refused.map { "refused \($0.path): \($0.reason)\n" }.joined()
                        + (status.published.isEmpty && status.refused.isEmpty ? "nothing new\n" : "")
                }
                if status.lastError != nil || !status.refused.isEmpty { output.exitCode = 1 }
                return output
            }
        }
    }

    /// `30s`, `5m`, `1h` (a bare number: seconds).
    static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = text.last, let unit = units[last], let value = Int(text.dropLast()), value > 0 { return value * unit }
        return Int(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
