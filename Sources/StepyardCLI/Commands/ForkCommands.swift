import ArgumentParser
import StepyardCore
import StepyardStore

/// `stepyard fork REF --department D [--name N]`.
struct ForkCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "fork", abstract: "Copy an organisation template version into a department, recording its upstream.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "kind/name[@version-or-range]") var ref: String
    @Option(name: .long, help: "The department to fork into.") var department: String
    @Option(name: .long, help: "The fork's name (default: the upstream's).") var name: String?

    func perform() async -> CommandOutput {
        await options.withStore("fork") { store throws(StoreError) in
            let result = try await store.fork(options.reference(ref), department: department, name: name, author: options.identity)
            return options.render(result) { "forked into \(result.ref) \(result.digest)\n" }
        }
    }
}

/// `stepyard diff REF@A..B`: the change report between two versions of a resource; `stepyard diff REF`: a fork
/// against its upstream, as the same report.
struct DiffCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Show how two versions of a resource differ (REF@A..B), or how a fork differs from its upstream.",
        discussion: """
            stepyard diff task/go@1.0.0..1.2.0 lists the changes between two versions: params, results, steps by name \
            (added, removed, moved, image, script, env, computeResources), workspaces and pins, each marked breaking or \
            compatible by the compatibility gate's rules. stepyard diff payments/task/go reports a fork against the \
            upstream version it records, the same way.
            Exit status: for a range, 0 no breaking change, 1 breaking changes; for a fork, 0 no difference, 1 differences.
            """)
    @OptionGroup var options: StoreOptions
    @Argument(help: "kind/name@FROM..TO, or department/kind/name[@version] of a fork") var ref: String

    func perform() async -> CommandOutput {
        guard ChangeRange.isRange(ref) else { return await forkDiff() }
        let range: ChangeRange
        do { range = try ChangeRange(parsing: ref) } catch { return usage(error.description) }
        return await options.withStore("diff") { store throws(StoreError) in
            let report = try await store.changes(of: range.resource, from: range.from, to: range.to)
            var result = options.render(report) { report.text }
            if report.isBreaking { result.exitCode = ExitStatus.findings }
            return result
        }
    }

    private func forkDiff() async -> CommandOutput {
        await options.withStore("diff") { store throws(StoreError) in
            let diff = try await store.diff(options.reference(ref))
            var result = options.render(diff) {
                "\(diff.fork) against upstream \(diff.upstream):\n" + (diff.changes.isEmpty ? "  no differences\n" : diff.report.lines.map { "  " + $0 + "\n" }.joined())
            }
            if !diff.changes.isEmpty { result.exitCode = ExitStatus.findings }
            return result
        }
    }

    /// A reference that cannot be read as a range: a usage error, printed as every command prints one.
    private func usage(_ message: String) -> CommandOutput {
        switch options.output {
        case .text: return CommandOutput(stderr: "stepyard diff: \(message)\n", exitCode: ExitStatus.usage)
        case .json: return CommandOutput(stdout: JSONOutput.encode(["error": ["message": message]]), exitCode: ExitStatus.usage)
        }
    }
}

/// `stepyard upgrade REF --to VERSION [--dry-run] [--ours PATH]... [--theirs PATH]...`.
struct UpgradeCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Merge upstream's change into a fork (three-way, keyed by names) as a new fork version.",
        discussion: """
            Conflicts are reported with their path (spec.steps[build].image) and nothing is written until each is
            settled with --ours PATH or --theirs PATH. --dry-run prints the merged result and writes nothing.
            Exit status: 0 upgraded (or a clean dry run), 1 conflicts or refused.
            """)
    @OptionGroup var options: StoreOptions
    @Argument(help: "department/kind/name") var ref: String
    @Option(name: .long, help: "The upstream version to upgrade to.") var to: String
    @Flag(name: .long, help: "Print the merged result; write nothing.") var dryRun = false
    @Option(name: .long, help: "Keep the fork's value at this conflict path.") var ours: [String] = []
    @Option(name: .long, help: "Take upstream's value at this conflict path.") var theirs: [String] = []

    func perform() async -> CommandOutput {
        var resolutions: [String: ThreeWayMerge.Side] = [:]
        for path in ours { resolutions[path] = .ours }
        for path in theirs { resolutions[path] = .theirs }
        return await options.withStore("upgrade") { store throws(StoreError) in
            let result = try await store.upgrade(options.reference(ref), to: to, dryRun: dryRun, resolutions: resolutions, author: options.identity)
            var output = options.render(result) {
                var text = ""
                if !result.conflicts.isEmpty {
                    text += "conflicts (settle each with --ours PATH or --theirs PATH; nothing was written):\n"
                    text += result.conflicts.map { "  " + $0.line + "\n" }.joined()
                }
                if result.dryRun { text += result.merged }
                if let commit = result.commit {
                    text += "upgraded \(result.fork) from upstream \(result.from) to \(result.to) as \(result.newVersion) (commit \(commit.prefix(12)))\n"
                }
                return text
            }
            if !result.conflicts.isEmpty { output.exitCode = ExitStatus.findings }
            return output
        }
    }
}

/// `stepyard dependents REF`: which templates and forks use a StepAction or template.
struct DependentsCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "dependents", abstract: "List the templates and forks that use a resource.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "kind/name") var ref: String

    func perform() async -> CommandOutput {
        await options.withStore("dependents") { store throws(StoreError) in
            let list = try await store.dependents(of: options.reference(ref))
            return options.render(list) { list.map { "\($0.ref)\t\($0.via)\t\($0.requirement)\n" }.joined() }
        }
    }
}

/// `stepyard images [--match TEXT]`: which versions run which container images.
struct ImagesCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "images", abstract: "List container images and the versions that use them.")
    @OptionGroup var options: StoreOptions
    @Option(name: .long, help: "Only images containing this text.") var match: String?

    func perform() async -> CommandOutput {
        await options.withStore("images") { store throws(StoreError) in
            let uses = try await store.images(matching: match)
            return options.render(uses) { uses.map { "\($0.image)\n" + $0.versions.map { "  \($0)\n" }.joined() }.joined() }
        }
    }
}
