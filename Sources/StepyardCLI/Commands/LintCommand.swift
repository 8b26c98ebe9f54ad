import ArgumentParser
import StepyardCore
import StepyardStore

/// `stepyard lint PATH...`: checks Tekton resources against Tekton's admission rules and the catalog conventions.
struct LintCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check Tekton documents (Tasks, StepActions, Pipelines, runs) as Tekton's admission would.",
        discussion: """
            Files are read as given; directories recursively (*.yaml, *.yml). Tasks, StepActions, Pipelines, \
            TaskRuns and PipelineRuns are checked as Tekton's admission checks them, with Tekton's default feature \
            flags unless --feature-flag says otherwise (a check that depends on a flag names it). Files laid out as \
            a Tekton catalog (<kind>/<name>/<version>/<name>.yaml) are also checked against the catalog conventions; \
            with --publish every file is checked as stepyard publish checks it: the catalog conventions wherever it \
            is, and exactly one Task, StepAction or Pipeline per file. (Publish also resolves every reference against \
            the store, which lint, without a store, cannot.)

            Exit status: 0 no error, 1 at least one error, 2 unreadable path or usage error.
            """
    )

    @Argument(help: "Files or directories to check.")
    var paths: [String]

    @Option(name: .long, help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(name: .long, help: "Lowest severity shown in text output: error, warning or note (JSON always has all).")
    var minSeverity: Severity = .warning

    @Flag(name: .long, help: "Check each file as stepyard publish would (catalog conventions wherever it is).")
    var publish = false

    @Option(name: .customLong("feature-flag"),
            help: ArgumentHelp("A feature flag of the cluster to lint for, as in its feature-flags ConfigMap (repeatable).",
                               valueName: "key=value"))
    var featureFlags: [String] = []

    func perform() async -> CommandOutput {
        let files: [String]
        do {
            files = try SourceFiles.collect(paths)
        } catch {
            return CommandOutput(stderr: "stepyard lint: \(error)\n", exitCode: ExitStatus.usage)
        }
        let flags: FeatureFlags
        do {
            flags = try FeatureFlags(settings: featureFlags)
        } catch {
            return CommandOutput(stderr: "stepyard lint: --feature-flag: \(error)\n", exitCode: ExitStatus.usage)
        }
        let loader = YAMLLoader()
        let linter = Linter(flags: flags, publishing: publish)
        var findings: [Finding] = []
        for path in files {
            let file: LoadedFile
            do {
                switch try SourceFiles.read(path, limit: loader.maxBytes) {
                case .bytes(let bytes): file = LoadedFile(path: path, bytes: bytes, loader: loader)
                case .tooLarge(let size): file = LoadedFile(path: path, failure: .tooLarge(bytes: size, limit: loader.maxBytes))
                }
            } catch {
                return CommandOutput(stderr: "stepyard lint: \(error)\n", exitCode: ExitStatus.usage)
            }
            findings += linter.lint(file)
        }
        let report = LintReport(findings: findings, files: files.count)
        let exit = report.errors > 0 ? ExitStatus.findings : ExitStatus.ok
        switch output {
        case .json:
            return CommandOutput(stdout: JSONOutput.encode(report), exitCode: exit)
        case .text:
            var text = ""
            for finding in findings where finding.severity <= minSeverity {
                text += finding.formatted + "\n"
            }
            text += report.summary(hiddenBelow: minSeverity) + "\n"
            return CommandOutput(stdout: text, exitCode: exit)
        }
    }
}

extension Severity: ExpressibleByArgument {}

/// The JSON shape of `stepyard lint --output json`.
struct LintReport: Encodable {
    var findings: [Finding]
    var files: Int
    var errors: Int
    var warnings: Int
    var notes: Int

    init(findings: [Finding], files: Int) {
        self.findings = findings
        self.files = files
        self.errors = findings.filter { $0.severity == .error }.count
        self.warnings = findings.filter { $0.severity == .warning }.count
        self.notes = findings.filter { $0.severity == .note }.count
    }

    /// `309 files checked: 13 errors, 1 warning (150 notes not shown; --min-severity note shows them)`.
    func summary(hiddenBelow threshold: Severity) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var line = "\(count(files, "file")) checked: \(count(errors, "error")), \(count(warnings, "warning"))"
        let hidden = findings.filter { $0.severity > threshold }.count
        if hidden > 0 { line += " (\(count(hidden, "finding")) below \(threshold.rawValue) not shown; --min-severity note shows all)" }
        return line
    }
}
