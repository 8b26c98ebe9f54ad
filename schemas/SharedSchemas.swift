import Foundation
import StepyardCore

/// The JSON Schemas that ship with Stepyard (this folder): shared parameter types (`params/`, for sidecar
/// schemas to `$ref`) and the schemas of Stepyard's own documents (`documents/`).
///
/// ```swift
/// let registry = try SharedSchemas.registry()   // 2020-12 metaschemas + every shared schema, by `$id`
/// ```
public enum SharedSchemas {
    /// The `$id` prefix of the shared parameter types: `https://stepyard.dev/schemas/params/git-url.json`.
    public static let parameterTypesBase = "https://stepyard.dev/schemas/params/"

    /// Every shipped schema, `$id` → document.
    public static func documents() throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for folder in ["params", "documents"] {
            guard let directory = Bundle.module.url(forResource: folder, withExtension: nil) else { continue }
            for url in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            where url.pathExtension == "json" {
                let document = try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: url), as: UTF8.self))
                guard let id = document["$id"]?.stringValue else { continue }
                out[id] = document
            }
        }
        return out
    }

    /// A registry holding the draft 2020-12 metaschemas and every shipped schema.
    public static func registry() throws -> SchemaRegistry {
        var registry = SchemaRegistry()
        for (id, document) in try documents().sorted(by: { $0.key < $1.key }) {
            try registry.add(document, uri: id)
        }
        return registry
    }
}
