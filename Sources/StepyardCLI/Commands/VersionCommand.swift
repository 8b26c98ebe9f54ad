import ArgumentParser
import StepyardStore

/// `stepyard version`: Stepyard's version and the libgit2 it is linked with.
struct VersionCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Stepyard's version and its libgit2's.")

    @Option(name: .long, help: "Output format: text or json.")
    var output: OutputFormat = .text

    func perform() async -> CommandOutput {
        switch output {
        case .text:
            return CommandOutput(stdout: "stepyard \(StepyardVersion.current) (libgit2 \(LibGit2.version))\n")
        case .json:
            return CommandOutput(stdout: JSONOutput.encode(["stepyard": StepyardVersion.current, "libgit2": LibGit2.version]))
        }
    }
}
