import ArgumentParser
import Foundation
import StepyardCore
import StepyardStore

/// Options every store command takes: where the store is, how to print, who is acting.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (default: $STEPYARD_HOME, else ./.stepyard).")
    var store: String?

    @Option(name: .long, help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(name: .long, help: "Who makes the change, as \"Name <email>\" (default: $STEPYARD_AUTHOR, else $USER).")
    var author: String?

    /// The store directory this command works on.
    var storeURL: URL {
        let path = store ?? ProcessInfo.processInfo.environment["STEPYARD_HOME"] ?? ".stepyard"
        return URL(fileURLWithPath: path)
    }

    var identity: Author {
        let env = ProcessInfo.processInfo.environment
        return Author(parsing: author ?? env["STEPYARD_AUTHOR"] ?? env["USER"] ?? "stepyard")
    }

    /// Opens the store and runs `body`, turning store errors into the documented exit statuses.
    func withStore(_ command: String, _ body: (Store) async throws(StoreError) -> CommandOutput) async -> CommandOutput {
        do {
            let store = try Store.open(at: storeURL)
            return try await body(store)
        } catch {
            return failure(command, error)
        }
    }

    /// A refused or failed operation: 1 when the request was understood and refused, 2 for usage and environment.
    func failure(_ command: String, _ error: StoreError) -> CommandOutput {
        let code: Int32
        switch error {
        case .notAStore, .alreadyExists, .invalidReference, .invalidQuery, .git, .index, .io, .contention: code = ExitStatus.usage
        default: code = ExitStatus.findings
        }
        switch output {
        case .text:
            return CommandOutput(stderr: "stepyard \(command): \(error)\n", exitCode: code)
        case .json:
            return CommandOutput(stdout: JSONOutput.encode(["error": ["message": error.description]]), exitCode: code)
        }
    }

    /// Parses a REF argument.
    func reference(_ text: String) throws(StoreError) -> ResourceRef {
        do { return try ResourceRef(parsing: text) } catch { throw .invalidReference(error) }
    }

    /// Text for people, JSON for scripts.
    func render<T: Encodable>(_ value: T, text: () -> String) -> CommandOutput {
        switch output {
        case .text: return CommandOutput(stdout: text())
        case .json: return CommandOutput(stdout: JSONOutput.encode(value))
        }
    }
}
