import Foundation
import StepyardCore

/// Reads a JSON or YAML file into a value: `.json` files with the strict JSON parser (exact numbers, no YAML
/// conversions), anything else as one YAML document — the parser the server uses for the same bodies.
enum ValuesFile {
    static func read(_ path: String) throws(ValuesFileError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        do { return try ValuesDocument.parse([UInt8](data), format: path.hasSuffix(".json") ? .json : .yaml) } catch {
            throw .invalid(path, error.description)
        }
    }
}

enum ValuesFileError: Error, CustomStringConvertible {
    case unreadable(String)
    case invalid(String, String)

    var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot read the file"
        case let .invalid(path, why): return "\(path): \(why)"
        }
    }
}

/// The JSON shape of a validation: `{"valid": false, "errors": [{"pointer", "keyword", "message"}]}`.
struct ValidationReport: Encodable {
    struct Entry: Encodable {
        var pointer: String
        var keyword: String
        var keywordLocation: String
        var message: String
    }
    var valid: Bool
    var errors: [Entry]

    init(_ errors: [ValidationError]) {
        valid = errors.isEmpty
        self.errors = errors.map { Entry(pointer: $0.instancePointer, keyword: $0.keyword, keywordLocation: $0.keywordLocation, message: $0.message) }
    }

    /// One line per error: `/url: "ftp:/x" does not match … [pattern]`.
    var text: String {
        valid ? "valid\n" : errors.map { "\($0.pointer.isEmpty ? "(root)" : $0.pointer): \($0.message) [\($0.keyword)]\n" }.joined()
    }

    func output(_ format: OutputFormat) -> CommandOutput {
        CommandOutput(stdout: format == .json ? JSONOutput.encode(self) : text, exitCode: valid ? ExitStatus.ok : ExitStatus.findings)
    }
}
