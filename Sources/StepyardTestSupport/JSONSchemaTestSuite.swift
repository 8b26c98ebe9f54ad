import Foundation
import StepyardCore

/// Runs the official JSON Schema test suite (draft 2020-12) against Stepyard's validator: `remotes/` served
/// from disk as `http://localhost:1234/…`, the metaschemas from `metaschemas/draft202012`, nothing fetched.
public struct JSONSchemaTestSuite {
    public struct Tally: Sendable {
        public var passed = 0
        public var failed = 0
        /// One line per failed test: `file: group / test (reason)`.
        public var failures: [String] = []
    }

    public let root: URL
    private let registry: SchemaRegistry

    /// Loads the registry of remotes and metaschemas from the suite at `root`.
    public init(root: URL = Corpus.jsonSchemaSuite) throws {
        self.root = root
        var registry = SchemaRegistry(includingDraft202012Metaschemas: false)
        let remotes = root.appendingPathComponent("remotes")
        for url in Self.files(under: remotes, extension: "json") {
            let relative = String(url.standardizedFileURL.path.dropFirst(remotes.standardizedFileURL.path.count + 1))
            try registry.add(try Self.readJSON(url), uri: "http://localhost:1234/" + relative)
        }
        for url in Self.files(under: root.appendingPathComponent("metaschemas/draft202012"), extension: nil) {
            let document = try Self.readJSON(url)
            guard let id = document["$id"]?.stringValue else { throw CocoaError(.fileReadCorruptFile) }
            try registry.add(document, uri: id)
        }
        self.registry = registry
    }

    /// The required tests (`tests/draft2020-12/*.json`).
    public func runRequired() throws -> Tally {
        var tally = Tally()
        let files = Self.files(under: testsDirectory, extension: "json").filter { !$0.path.contains("/optional/") }
        for url in files { try run(url, name: url.lastPathComponent, formatAssertion: false, into: &tally) }
        return tally
    }

    /// The optional tests; `format` ones with format assertion on.
    public func runOptional() throws -> Tally {
        var tally = Tally()
        let directory = testsDirectory.appendingPathComponent("optional")
        for url in Self.files(under: directory, extension: "json") {
            let name = "optional/" + String(url.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count + 1))
            try run(url, name: name, formatAssertion: name.hasPrefix("optional/format/"), into: &tally)
        }
        return tally
    }

    private var testsDirectory: URL { root.appendingPathComponent("tests/draft2020-12") }

    private func run(_ url: URL, name: String, formatAssertion: Bool, into tally: inout Tally) throws {
        for group in try Self.readJSON(url).arrayValue ?? [] {
            let groupName = group["description"]?.stringValue ?? "?"
            let tests = group["tests"]?.arrayValue ?? []
            let schema: JSONSchema
            do {
                schema = try JSONSchema(group["schema"] ?? .bool(true), registry: registry,
                                        options: ValidationOptions(formatAssertion: formatAssertion))
            } catch {
                for test in tests {
                    tally.failed += 1
                    tally.failures.append("\(name): \(groupName) / \(test["description"]?.stringValue ?? "?") (schema did not compile: \(error))")
                }
                continue
            }
            for test in tests {
                let expected = test["valid"] == .bool(true)
                let result = schema.validate(test["data"] ?? .null)
                let quick = schema.isValid(test["data"] ?? .null)
                if result.isValid == expected && quick == expected && result.isValid == result.errors.isEmpty {
                    tally.passed += 1
                } else {
                    tally.failed += 1
                    let reason = result.isValid != quick ? "validate() and isValid() disagree"
                        : expected ? "expected valid: " + result.errors.map(\.message).joined(separator: "; ") : "expected invalid"
                    tally.failures.append("\(name): \(groupName) / \(test["description"]?.stringValue ?? "?") (\(reason))")
                }
            }
        }
    }

    static func readJSON(_ url: URL) throws -> JSONValue {
        try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    static func files(under directory: URL, extension ext: String?) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var result: [URL] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            if let ext, url.pathExtension != ext { continue }
            result.append(url)
        }
        return result.sorted { $0.path < $1.path }
    }
}
