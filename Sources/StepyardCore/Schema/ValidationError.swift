/// One reason an instance does not satisfy a schema.
public struct ValidationError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// RFC 6901 pointer to the offending part of the instance (`""` for the whole instance).
    public var instancePointer: String
    /// The keyword that failed, e.g. `"required"`.
    public var keyword: String
    /// Where the keyword sits in its schema document, as a JSON pointer (`"/properties/url/pattern"`);
    /// keywords of other documents are prefixed with that document's URI (`"https://x/s.json#/type"`).
    public var keywordLocation: String
    /// A sentence a person understands, e.g. `missing required property "image"`.
    public var message: String

    public init(instancePointer: String, keyword: String, keywordLocation: String, message: String) {
        self.instancePointer = instancePointer
        self.keyword = keyword
        self.keywordLocation = keywordLocation
        self.message = message
    }

    public var description: String {
        (instancePointer.isEmpty ? "(root)" : instancePointer) + ": " + message
    }
}

/// The outcome of validating one instance.
public struct ValidationResult: Sendable, Hashable {
    /// `true` when the instance satisfies the schema.
    public var isValid: Bool
    /// Every error found (empty when valid), in evaluation order.
    public var errors: [ValidationError]

    public init(isValid: Bool, errors: [ValidationError]) {
        self.isValid = isValid
        self.errors = errors
    }
}

/// Settings for compiling and validating.
public struct ValidationOptions: Sendable {
    /// Treat `format` as an assertion (invalid formats are errors) instead of an annotation.
    public var formatAssertion: Bool = false
    /// The deepest nesting of schema evaluation allowed before giving up with an error (guards
    /// against deeply nested instances and runaway `$dynamicRef` recursion).
    public var maxEvaluationDepth: Int = 400
    /// Check the schema against its metaschema (when the registry holds it) before compiling.
    public var validateAgainstMetaschema: Bool = false

    public init(formatAssertion: Bool = false, maxEvaluationDepth: Int = 400, validateAgainstMetaschema: Bool = false) {
        self.formatAssertion = formatAssertion
        self.maxEvaluationDepth = maxEvaluationDepth
        self.validateAgainstMetaschema = validateAgainstMetaschema
    }
}

/// Why a schema could not be compiled.
public enum SchemaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The schema is malformed; `location` is where (a URI with a JSON-pointer fragment).
    case invalidSchema(location: String, reason: String)
    /// A `$ref`/`$dynamicRef` (at `location`) names a URI that neither the schema nor the registry holds.
    case unresolvableReference(uri: String, location: String)
    /// A `pattern`/`patternProperties` regular expression is not valid ECMA-262 syntax.
    case invalidRegex(pattern: String, location: String, reason: String)
    /// References lead back to the same schema without examining any deeper part of the instance.
    case referenceCycle(locations: [String])
    /// `$schema` names a metaschema requiring a vocabulary this implementation does not know.
    case unsupportedVocabulary(uri: String, metaschema: String)
    /// The schema does not satisfy its metaschema (only with `validateAgainstMetaschema`).
    case metaschemaViolation(errors: [ValidationError])
    /// A registry document was added twice under the same URI with different content.
    case duplicateURI(String)

    public var description: String {
        switch self {
        case .invalidSchema(let location, let reason):
            return "invalid schema at \(location): \(reason)"
        case .unresolvableReference(let uri, let location):
            return "cannot resolve reference \"\(uri)\" at \(location): no such schema in this document or the registry (schemas are never fetched from the network; add it with SchemaRegistry.add)"
        case .invalidRegex(let pattern, let location, let reason):
            return "invalid regular expression \"\(pattern)\" at \(location): \(reason)"
        case .referenceCycle(let locations):
            return "reference cycle without progress through the instance: " + locations.joined(separator: " -> ")
        case .unsupportedVocabulary(let uri, let metaschema):
            return "metaschema \(metaschema) requires the unknown vocabulary \(uri)"
        case .metaschemaViolation(let errors):
            return "schema does not satisfy its metaschema: " + errors.map(\.description).joined(separator: "; ")
        case .duplicateURI(let uri):
            return "a different schema is already registered as \(uri)"
        }
    }
}
