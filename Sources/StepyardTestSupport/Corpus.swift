import Foundation

/// Paths of the real-world corpora tests read (`../shared/corpus` beside the repository) and scratch space.
public enum Corpus {
    /// The repository's root folder.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // Sources/StepyardTestSupport/Corpus.swift -> the package root.
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `../shared/corpus`.
    public static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    /// The Tekton community catalog in its TEP-0003 layout.
    public static let tektonCatalog = root.appendingPathComponent("tekton-catalog")

    /// The official JSON Schema test suite.
    public static let jsonSchemaSuite = root.appendingPathComponent("json-schema-test-suite")

    /// Every YAML file of the Tekton catalog, sorted.
    public static func tektonCatalogFiles() throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: tektonCatalog, includingPropertiesForKeys: nil)
        var out: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "yaml" { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }
}

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `relativePath` (creating folders) and returns the file's path.
    @discardableResult
    public func write(_ relativePath: String, _ contents: some DataProtocol) throws -> String {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents).write(to: file)
        return file.path
    }

    /// Writes text to `relativePath` and returns the file's path.
    @discardableResult
    public func write(_ relativePath: String, text: String) throws -> String {
        try write(relativePath, Data(text.utf8))
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

extension Corpus {
    /// The built `stepyard` executable (debug), if the build made one.
    public static var stepyardBinary: URL? {
        for candidate in [".build/debug/stepyard", ".build/x86_64-unknown-linux-gnu/debug/stepyard"] {
            let url = packageRoot.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }
}
