import OrderedCollections

/// The schema documents a `JSONSchema` may reference, by absolute URI. Nothing is ever fetched from
/// the network: a `$ref` to a URI that is neither in the schema itself nor here is a `SchemaError`.
public struct SchemaRegistry: Sendable {
    /// Documents by their absolute URI without fragment.
    private(set) var documents: [String: JSONValue] = [:]
    /// Embedded schema resources (subschemas with their own `$id`) by absolute URI.
    private(set) var embeddedResources: [String: (documentURI: String, pointer: String)] = [:]

    /// Creates a registry, by default holding the JSON Schema draft 2020-12 metaschema and its
    /// vocabulary metaschemas (`https://json-schema.org/draft/2020-12/...`).
    public init(includingDraft202012Metaschemas: Bool = true) {
        guard includingDraft202012Metaschemas else { return }
        for (uri, document) in Self.draft202012Documents { try? add(document, uri: uri) }
    }

    /// The embedded metaschemas, parsed once.
    private static let draft202012Documents: [(String, JSONValue)] = Draft202012Metaschemas.documents.compactMap { entry in
        guard let value = try? JSONValue(parsingJSON: entry.text) else { return nil }
        return (entry.uri, value)
    }

    /// Registers `document` under the absolute `uri` (its retrieval URI). A top-level `$id` in the
    /// document, and `$id`s of subschemas, are registered as well (resolved against `uri`).
    ///
    /// - Throws: `SchemaError.invalidSchema` when `uri` is not absolute, `SchemaError.duplicateURI`
    ///   when a different document is already registered under that URI.
    public mutating func add(_ document: JSONValue, uri: String) throws {
        let reference = URIReference(uri)
        guard reference.scheme != nil else {
            throw SchemaError.invalidSchema(location: uri, reason: "registry URIs must be absolute (with a scheme)")
        }
        let key = reference.withoutFragment.description
        if let existing = documents[key], existing != document { throw SchemaError.duplicateURI(key) }
        documents[key] = document
        for (resourceURI, pointer) in SchemaWalker.embeddedResources(in: document, baseURI: key) where resourceURI != key {
            if documents[resourceURI] == nil && embeddedResources[resourceURI] == nil {
                embeddedResources[resourceURI] = (key, pointer)
            }
        }
    }

    /// The registered document at `uri` (fragment ignored), if any.
    public func document(at uri: String) -> JSONValue? {
        documents[URIReference(uri).withoutFragment.description]
    }

    /// All registered document URIs.
    public var uris: [String] { Array(documents.keys).sorted() }
}

/// Knows where subschemas sit inside a schema object (keyword positions of draft 2020-12).
enum SchemaWalker {
    /// Keywords whose value is one subschema.
    static let singleSchemaKeywords: Set<String> = [
        "additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems",
    ]
    /// Keywords whose value is an array of subschemas.
    static let schemaArrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]
    /// Keywords whose value is an object of subschemas.
    static let schemaMapKeywords: Set<String> = ["properties", "patternProperties", "dependentSchemas", "$defs", "definitions"]

    /// Calls `body` with the pointer tokens (relative to `schema`) and value of each direct subschema.
    static func forEachSubschema(of schema: OrderedDictionary<String, JSONValue>, _ body: ([String], JSONValue) throws -> Void) rethrows {
        for (keyword, value) in schema {
            if singleSchemaKeywords.contains(keyword) {
                if case .array(let elements) = value {
                    // Legacy tuple form of `items` (draft 2019-09 and older).
                    for (i, element) in elements.enumerated() { try body([keyword, String(i)], element) }
                } else {
                    try body([keyword], value)
                }
            } else if schemaArrayKeywords.contains(keyword), case .array(let elements) = value {
                for (i, element) in elements.enumerated() { try body([keyword, String(i)], element) }
            } else if schemaMapKeywords.contains(keyword), case .object(let members) = value {
                for (name, member) in members { try body([keyword, name], member) }
            }
        }
    }

    /// Absolute URIs of every schema resource (the root and subschemas with `$id`) with their pointers.
    static func embeddedResources(in document: JSONValue, baseURI: String) -> [(String, String)] {
        var result: [(String, String)] = []
        func walk(_ value: JSONValue, base: URIReference, pointer: String) {
            guard case .object(let members) = value else { return }
            var base = base
            if case .string(let id) = members["$id"] {
                base = base.resolving(id).withoutFragment
                result.append((base.description, pointer))
            }
            forEachSubschema(of: members) { tokens, child in
                walk(child, base: base, pointer: pointer + JSONPointer.make(tokens))
            }
        }
        walk(document, base: URIReference(baseURI), pointer: "")
        return result
    }
}
