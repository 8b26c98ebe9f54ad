import OrderedCollections

/// The effective parameter schema of a Task, StepAction or Pipeline version: a JSON Schema (draft 2020-12)
/// derived from its Tekton param specs, refined by an optional sidecar `<name>.schema.json`.
///
/// Derived: each param's Tekton type (`string`; `array` of strings; `object` whose declared keys are all
/// required strings), its `description`, `default` and `enum`; a param without default is required; unknown
/// params are refused (`additionalProperties: false`). The sidecar adds what Tekton cannot say (patterns,
/// formats, ranges, examples, `$ref`s to the shared types in `schemas/params/`) per param, and may add
/// top-level keywords (`dependentRequired`, `if`/`then`, …).
///
/// ```swift
/// let schema = try ParameterSchema.effective(for: resource, sidecar: sidecarJSON, title: "task/go@1.2.0")
/// ```
public enum ParameterSchema {
    public static let draft = "https://json-schema.org/draft/2020-12/schema"

    /// The schema derived from the param specs alone.
    public static func derive(from resource: TektonResource, title: String? = nil) -> JSONValue {
        var properties = OrderedDictionary<String, JSONValue>()
        var required: [JSONValue] = []
        for param in resource.spec.params {
            guard let name = param.name else { continue }
            properties[name] = .object(property(for: param))
            if param.defaultValue == nil || param.defaultValue == .null { required.append(.string(name)) }
        }
        var schema = OrderedDictionary<String, JSONValue>()
        schema["$schema"] = .string(draft)
        if let title { schema["title"] = .string("Parameters of \(title)") }
        schema["type"] = .string("object")
        schema["properties"] = .object(properties)
        if !required.isEmpty { schema["required"] = .array(required) }
        schema["additionalProperties"] = .bool(false)
        return .object(schema)
    }

    /// The JSON Schema of one Tekton param.
    static func property(for param: ParamSpec) -> OrderedDictionary<String, JSONValue> {
        var p = OrderedDictionary<String, JSONValue>()
        switch param.type {
        case .string:
            p["type"] = .string("string")
        case .array:
            p["type"] = .string("array")
            p["items"] = .object(["type": .string("string")])
        case .object:
            p["type"] = .string("object")
            var keys = OrderedDictionary<String, JSONValue>()
            for key in param.properties?.keys ?? [] { keys[key] = .object(["type": .string("string")]) }
            p["properties"] = .object(keys)
            p["required"] = .array(keys.keys.map(JSONValue.string))
            p["additionalProperties"] = .object(["type": .string("string")])
        }
        if let description = param.description { p["description"] = .string(description) }
        if let values = param.enumValues, !values.isEmpty, param.type == .string { p["enum"] = .array(values) }
        if let value = param.defaultValue, value != .null { p["default"] = tektonValue(value) }
        return p
    }

    /// A default as Tekton reads it: scalars become strings (`3` → `"3"`).
    static func tektonValue(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let n): return .string(n.description)
        case .bool(let b): return .string(b ? "true" : "false")
        default: return value
        }
    }

    /// The derived schema refined by a sidecar.
    /// - Throws: `ParameterSchemaError` when the sidecar is not an object or describes params the resource does not declare.
    public static func refine(_ derived: JSONValue, with sidecar: JSONValue) throws(ParameterSchemaError) -> JSONValue {
        guard case .object(var schema) = derived else { return derived }
        guard case .object(let extra) = sidecar else { throw .sidecarNotObject }
        var properties = schema["properties"]?.objectValue ?? [:]
        var topLevel = OrderedDictionary<String, JSONValue>()
        for (keyword, value) in extra {
            switch keyword {
            case "$schema", "$id":
                continue
            case "title", "description", "$comment", "examples":
                schema[keyword] = value
            case "$defs":
                schema["$defs"] = value
            case "properties":
                guard case .object(let refinements) = value else { throw .sidecarNotObject }
                let unknown = Array(refinements.keys.filter { properties[$0] == nil })
                if !unknown.isEmpty { throw .unknownParams(unknown) }
                for (name, refinement) in refinements {
                    properties[name] = merge(properties[name]!, refinement)
                }
            case "required":
                // A sidecar may require params that have defaults only by repeating Tekton's rule; ignore it.
                continue
            default:
                topLevel[keyword] = value
            }
        }
        schema["properties"] = .object(properties)
        if !topLevel.isEmpty {
            schema["allOf"] = .array((schema["allOf"]?.arrayValue ?? []) + [.object(topLevel)])
        }
        return .object(schema)
    }

    /// Derived schema refined by `sidecar` when there is one.
    public static func effective(for resource: TektonResource, sidecar: JSONValue?, title: String? = nil) throws(ParameterSchemaError) -> JSONValue {
        let derived = derive(from: resource, title: title)
        guard let sidecar else { return derived }
        return try refine(derived, with: sidecar)
    }

    /// Adds a sidecar's keywords to a derived property; a keyword both set differently goes under `allOf`,
    /// so both hold. A boolean `false` refinement forbids the param.
    static func merge(_ base: JSONValue, _ refinement: JSONValue) -> JSONValue {
        guard case .object(var merged) = base else { return base }
        switch refinement {
        case .bool(true): return base
        case .bool(false): return .bool(false)
        case .object(let extra):
            var conflicting = OrderedDictionary<String, JSONValue>()
            for (keyword, value) in extra {
                if let existing = merged[keyword], existing != value {
                    if ["description", "title", "examples", "default"].contains(keyword) { merged[keyword] = value } else { conflicting[keyword] = value }
                } else {
                    merged[keyword] = value
                }
            }
            if !conflicting.isEmpty { merged["allOf"] = .array((merged["allOf"]?.arrayValue ?? []) + [.object(conflicting)]) }
            return .object(merged)
        default:
            return base
        }
    }
}

/// Why a sidecar schema cannot refine a resource's parameters.
public enum ParameterSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    case sidecarNotObject
    case unknownParams([String])
    case invalid(String)

    public var description: String {
        switch self {
        case .sidecarNotObject: return "the sidecar schema must be a JSON object with \"properties\" for the params it refines"
        case .unknownParams(let names): return "the sidecar schema describes params the resource does not declare: \(names.joined(separator: ", "))"
        case .invalid(let why): return "the parameter schema is not valid: \(why)"
        }
    }
}
