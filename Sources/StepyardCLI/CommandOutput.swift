/// What a command printed and how it ended; `StepyardMain` writes it out, tests read it.
public struct CommandOutput: Sendable, Equatable {
    public var stdout: String = ""
    public var stderr: String = ""
    public var exitCode: Int32 = ExitStatus.ok

    public init(stdout: String = "", stderr: String = "", exitCode: Int32 = ExitStatus.ok) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }
}

/// The exit statuses every command keeps to.
public enum ExitStatus {
    /// Done, nothing to report.
    public static let ok: Int32 = 0
    /// Findings (lint errors, invalid values) or a refused operation.
    public static let findings: Int32 = 1
    /// Bad usage, or the environment is wrong (unreadable path, no store).
    public static let usage: Int32 = 2
}

/// A subcommand that computes its output instead of printing it, so it can be tested in-process.
protocol OutputCommand: AsyncParsableCommand {
    func perform() async -> CommandOutput
}

import ArgumentParser
