import ArgumentParser
import Foundation
import StepyardStore

/// `stepyard import DIR`: imports a Tekton catalog (TEP-0003 layout) in one commit.
struct ImportCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Tekton catalog directory (<kind>/<name>/<version>/<name>.yaml) in one commit.",
        discussion: "Versions Tekton itself would refuse are reported and skipped; catalog convention problems are reported only."
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The catalog directory.")
    var directory: String

    @Option(name: .long, help: "Import into this department instead of the organisation namespace.")
    var department: String?

    func perform() async -> CommandOutput {
        await options.withStore("import") { store throws(StoreError) in
            let report = try await store.importCatalog(from: URL(fileURLWithPath: directory), department: department, author: options.identity)
            var result = options.render(report) {
                var text = ""
                for refusal in report.refused { text += "refused \(refusal.path): \(refusal.reason)\n" }
                for finding in report.findings { text += finding.formatted + "\n" }
                text += "imported \(report.imported.count) version(s), \(report.unchanged.count) unchanged, \(report.refused.count) refused"
                text += report.commit.map { " (commit \($0.prefix(12)))" } ?? ""
                return text + "\n"
            }
            if !report.refused.isEmpty { result.exitCode = ExitStatus.findings }
            return result
        }
    }
}
