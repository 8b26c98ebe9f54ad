import ArgumentParser
import StepyardCore
import StepyardStore

/// `stepyard resolve REF [--params FILE]`: a self-contained, pinned Tekton document.
struct ResolveCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print a template resolved: step refs inlined, Pipeline taskRefs embedded, with a lock of what went in.",
        discussion: """
            With --params, the values are checked against the template's parameter schema (every error reported)
            and bound into a ready-to-apply TaskRun or PipelineRun. A department's own resources come first
            (the reference's namespace, or --department), then the organisation's.
            Exit status: 0 resolved, 1 refused (missing reference, invalid values), 2 usage.
            """)

    @OptionGroup var options: StoreOptions
    @Argument(help: "[namespace/]kind/name[@version-or-range-or-digest]") var ref: String
    @Option(name: .long, help: "Resolve as this department (its own resources first).") var department: String?
    @Option(name: .long, help: "Parameter values (YAML or JSON) to bind into a TaskRun/PipelineRun.") var params: String?

    func perform() async -> CommandOutput {
        var values: JSONValue?
        if let params {
            do { values = try ValuesFile.read(params) } catch {
                return CommandOutput(stderr: "stepyard resolve: \(error)\n", exitCode: ExitStatus.usage)
            }
        }
        return await options.withStore("resolve") { store throws(StoreError) in
            let resolved = try await store.resolve(options.reference(ref), department: department, values: values)
            if !resolved.errors.isEmpty {
                var result = ValidationReport(resolved.errors).output(options.output)
                result.stderr = "stepyard resolve: the parameter values are not valid; nothing was bound\n"
                return result
            }
            // Consumers hear about what they use that its publisher deprecated or yanked (stdout stays the document).
            let warnings = try await store.lifecycleNotices(resolved.lock).map { "stepyard resolve: warning: \($0.sentence)\n" }.joined()
            switch options.output {
            case .text: return CommandOutput(stdout: resolved.yaml, stderr: warnings)
            case .json: return CommandOutput(stdout: resolved.document.serialized(pretty: true) + "\n", stderr: warnings)
            }
        }
    }
}
