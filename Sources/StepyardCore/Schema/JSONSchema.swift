/// A compiled JSON Schema (draft 2020-12), ready to validate many instances.
///
/// Compiling resolves every `$id`, `$anchor`, `$dynamicAnchor` and `$ref` (loading referenced
/// documents from the `SchemaRegistry`, never from the network), pre-compiles regular expressions and
/// rejects reference cycles. The result is immutable, so one `JSONSchema` may validate on many threads
/// at once.
///
/// ```swift
/// let schema = try JSONSchema(JSONValue(parsingJSON: schemaText))
/// let result = schema.validate(try JSONValue(parsingJSON: instanceText))
/// for error in result.errors { print(error.instancePointer, error.message) }
/// ```
public final class JSONSchema: Sendable {
    let root: SchemaNode
    let nodes: [SchemaNode]
    let refTargets: [Int]
    let resources: [SchemaResource]
    /// The options the schema was compiled with.
    public let options: ValidationOptions

    /// Compiles `schema`.
    ///
    /// - Parameters:
    ///   - schema: the schema document (an object or a boolean).
    ///   - baseURI: the URI the schema was retrieved from, against which a relative `$id` and `$ref`
    ///     resolve; when `nil`, an internal URN is used.
    ///   - registry: other documents `$ref` may name; by default the draft 2020-12 metaschemas.
    ///   - options: see `ValidationOptions`.
    /// - Throws: `SchemaError` for malformed schemas, unknown reference targets, invalid regular
    ///   expressions, reference cycles, or (with `options.validateAgainstMetaschema`) metaschema violations.
    public init(_ schema: JSONValue, baseURI: String? = nil, registry: SchemaRegistry = .init(), options: ValidationOptions = .init()) throws {
        if options.validateAgainstMetaschema {
            try Self.checkAgainstMetaschema(schema, registry: registry)
        }
        var compiler = SchemaCompiler(registry: registry, formatAssertion: options.formatAssertion)
        let output = try compiler.compile(schema, baseURI: baseURI)
        root = output.root
        nodes = output.nodes
        refTargets = output.refTargets
        resources = output.resources
        self.options = options
    }

    /// Compiles `schema`, first checking it against its metaschema when `validateAgainstMetaschema` is
    /// `true` (the metaschema named by `$schema`, by default draft 2020-12, must be in the registry).
    public convenience init(_ schema: JSONValue, baseURI: String? = nil, registry: SchemaRegistry = .init(),
                            options: ValidationOptions = .init(), validateAgainstMetaschema: Bool) throws {
        var options = options
        options.validateAgainstMetaschema = validateAgainstMetaschema
        try self.init(schema, baseURI: baseURI, registry: registry, options: options)
    }

    /// Validates `instance`, collecting every error.
    public func validate(_ instance: JSONValue) -> ValidationResult {
        var state = EvaluationState(collecting: true, maxDepth: options.maxEvaluationDepth)
        var annotations = Annotations()
        let valid = evaluate(root, instance, &state, &annotations, wantsAnnotations: false)
        if state.depthExceeded {
            var errors = state.errors
            if !errors.contains(where: { $0.keyword == "maxEvaluationDepth" }) {
                errors.append(ValidationError(instancePointer: "", keyword: "maxEvaluationDepth", keywordLocation: "",
                                              message: "schema evaluation nested deeper than \(options.maxEvaluationDepth) levels"))
            }
            return ValidationResult(isValid: false, errors: errors)
        }
        return ValidationResult(isValid: valid && state.errors.isEmpty, errors: state.errors)
    }

    /// `true` when `instance` is valid; stops at the first error (faster than `validate` for invalid
    /// instances).
    public func isValid(_ instance: JSONValue) -> Bool {
        var state = EvaluationState(collecting: false, maxDepth: options.maxEvaluationDepth)
        var annotations = Annotations()
        let valid = evaluate(root, instance, &state, &annotations, wantsAnnotations: false)
        return valid && !state.depthExceeded
    }

    private static func checkAgainstMetaschema(_ schema: JSONValue, registry: SchemaRegistry) throws {
        let metaschemaURI = schema["$schema"]?.stringValue ?? "https://json-schema.org/draft/2020-12/schema"
        guard let metaschema = registry.document(at: metaschemaURI) else {
            throw SchemaError.unresolvableReference(uri: metaschemaURI, location: "#/$schema")
        }
        let validator = try JSONSchema(metaschema, baseURI: URIReference(metaschemaURI).withoutFragment.description, registry: registry)
        let result = validator.validate(schema)
        if !result.isValid { throw SchemaError.metaschemaViolation(errors: result.errors) }
    }
}
