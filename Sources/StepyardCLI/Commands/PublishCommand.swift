import ArgumentParser
import Foundation
import StepyardStore

/// `stepyard publish FILE`: publishes one version (its version is the `app.kubernetes.io/version` label).
struct PublishCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a Task, StepAction or Pipeline version from a YAML file.",
        discussion: """
            The version is the file's app.kubernetes.io/version label. README.md and <name>.schema.json beside the
            file are published with it. Publishing the same content again is a no-op; other content under an existing
            version is refused (versions are immutable).
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The YAML file.")
    var file: String

    @Option(name: .long, help: "Publish into this department instead of the organisation namespace.")
    var department: String?

    @Option(name: .long, help: "The README to publish (default: README.md beside the file).")
    var readme: String?

    @Flag(name: .long, help: "Publish even if the interface breaks users of the same version line (recorded in the commit).")
    var allowBreaking = false

    @Flag(name: .long, help: "Check everything and show what publishing would do, changes included; write nothing.")
    var dryRun = false

    func perform() async -> CommandOutput {
        let url = URL(fileURLWithPath: file)
        guard let document = FileManager.default.contents(atPath: url.path) else {
            return options.failure("publish", .io("\(file): cannot read the file"))
        }
        let folder = url.deletingLastPathComponent()
        let readmeBytes = FileManager.default.contents(atPath: readme ?? folder.appendingPathComponent("README.md").path)
        let name = url.deletingPathExtension().lastPathComponent
        let schema = FileManager.default.contents(atPath: folder.appendingPathComponent(name + ".schema.json").path)
        var request = PublishRequest(document: Array(document), sourcePath: file, readme: readmeBytes.map(Array.init),
                                     schema: schema.map(Array.init), department: department, allowBreaking: allowBreaking)
        request.dryRun = dryRun
        return await options.withStore("publish") { store throws(StoreError) in
            let result = try await store.publish(request, author: options.identity)
            return options.render(result) {
                var text = result.warnings.map { $0.formatted + "\n" }.joined()
                switch (result.outcome, result.dryRun) {
                case (.published, false): text += "published \(result.ref) \(result.digest)\n"
                case (.unchanged, false): text += "unchanged: \(result.ref) is already published with this content\n"
                case (.published, true): text += "dry run: would publish \(result.ref) \(result.digest) (nothing written)\n"
                case (.unchanged, true): text += "dry run: \(result.ref) is already published with this content (nothing written)\n"
                }
                for change in result.changes ?? [] {
                    text += "  \(change.path): \(change.message) [\(change.breaking ? "breaking" : "compatible")]\n"
                }
                return text
            }
        }
    }
}
