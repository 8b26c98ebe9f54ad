import ArgumentParser
import StepyardServer

/// Parses arguments, runs the command and returns what it printed: the whole CLI as a function.
///
/// ```swift
/// let result = await StepyardMain.run(["lint", "catalog", "--output", "json"])
/// ```
public enum StepyardMain {
    /// Process-wide set-up a command needs before anything else runs; call it first, from the main thread.
    /// `serve` runs Swift concurrency on the server's event loops (see `EventLoopExecutor`).
    public static func prepareProcess(_ arguments: [String]) {
        if arguments.first == "serve", helpRequest(arguments) == nil { EventLoopExecutor.install() }
    }

    public static func run(_ arguments: [String]) async -> CommandOutput {
        if let subcommand = helpRequest(arguments) {
            return CommandOutput(stdout: StepyardCommand.helpMessage(for: subcommand) + "\n")
        }
        let command: any ParsableCommand
        do {
            command = try StepyardCommand.parseAsRoot(arguments)
        } catch {
            let message = StepyardCommand.fullMessage(for: error)
            let code = StepyardCommand.exitCode(for: error)
            // --help and --version end "successfully"; everything else is a usage error (2, not ArgumentParser's 64).
            if code == .success { return CommandOutput(stdout: message + "\n") }
            return CommandOutput(stderr: message + "\n", exitCode: ExitStatus.usage)
        }
        guard let runnable = command as? any OutputCommand else {
            return CommandOutput(stdout: StepyardCommand.helpMessage() + "\n")
        }
        return await runnable.perform()
    }

    /// The command whose help `stepyard [help] SUB... [--help|-h]` asks for, or `nil` when no help is asked.
    static func helpRequest(_ arguments: [String]) -> ParsableCommand.Type? {
        var words = arguments
        let explicit = words.first == "help"
        if explicit { words.removeFirst() }
        guard explicit || words.contains("--help") || words.contains("-h") else { return nil }
        var command: ParsableCommand.Type = StepyardCommand.self
        for word in words where !word.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0.configuration.commandName == word }) else { break }
            command = next
        }
        return command
    }
}
