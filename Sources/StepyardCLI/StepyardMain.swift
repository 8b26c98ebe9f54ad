import ArgumentParser

/// Parses arguments, runs the command and returns what it printed: the whole CLI as a function.
///
/// ```swift
/// let result = await StepyardMain.run(["lint", "catalog", "--output", "json"])
/// ```
public enum StepyardMain {
    public static func run(_ arguments: [String]) async -> CommandOutput {
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
}
