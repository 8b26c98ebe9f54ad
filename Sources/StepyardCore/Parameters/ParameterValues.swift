import OrderedCollections

/// Checks parameter values against an effective parameter schema, reporting every error at once.
///
/// Values are a mapping `name: value` (or Tekton's list `[{name, value}]`). Tekton values are strings, arrays
/// of strings and objects of strings: a number or boolean given for a string param is reported, not converted.
public struct ParameterValues: Sendable {
    public let schema: JSONSchema

    /// Compiles the schema once.
    public init(schema: JSONValue, registry: SchemaRegistry) throws(ParameterSchemaError) {
        do {
            self.schema = try JSONSchema(schema, registry: registry, options: ValidationOptions(validateAgainstMetaschema: true))
        } catch {
            throw .invalid("\(error)")
        }
    }

    /// Reads values: a mapping, or a Tekton `params` list of `{name, value}`.
    /// - Throws: `ParameterSchemaError.invalid` for anything else, or a list entry without a string name.
    public static func normalize(_ values: JSONValue) throws(ParameterSchemaError) -> JSONValue {
        switch values {
        case .object:
            return values
        case .array(let items):
            var out = OrderedDictionary<String, JSONValue>()
            for (index, item) in items.enumerated() {
                guard let name = item["name"]?.stringValue, let value = item["value"] else {
                    throw .invalid("entry \(index) of the values list needs a string \"name\" and a \"value\"")
                }
                out[name] = value
            }
            return .object(out)
        default:
            return .null
        }
    }

    /// Every error, one per problem: when a value has the wrong type, other complaints about that same value
    /// (which only repeat it) are left out.
    public func check(_ values: JSONValue) -> [ValidationError] {
        let errors = schema.validate(values).errors
        let mistyped = Set(errors.filter { $0.keyword == "type" }.map(\.instancePointer))
        var seen: Set<String> = []
        return errors.filter { error in
            if mistyped.contains(error.instancePointer) && error.keyword != "type" { return false }
            return seen.insert(error.instancePointer + "\u{0}" + error.keyword + "\u{0}" + error.message).inserted
        }
    }
}
