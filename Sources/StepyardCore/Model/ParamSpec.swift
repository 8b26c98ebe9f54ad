public import OrderedCollections

/// A parameter declaration (`spec.params[]`) of a Task, StepAction or Pipeline.
public struct ParamSpec: ObjectView {
    public var fields: OrderedDictionary<String, JSONValue>
    public init(fields: OrderedDictionary<String, JSONValue>) { self.fields = fields }

    /// Tekton's three parameter types.
    public enum ParamType: String, Sendable, Hashable, CaseIterable {
        case string, array, object
    }

    public var name: String? { string("name") }
    public var description: String? { string("description") }
    /// The declared type text, as written (may be invalid).
    public var declaredType: String? { string("type") }
    /// The `default` value, as written.
    public var defaultValue: JSONValue? { fields["default"] }
    public var enumValues: [JSONValue]? { fields["enum"]?.arrayValue }
    /// Object params: the declared keys and their (string) types.
    public var properties: OrderedDictionary<String, JSONValue>? { fields["properties"]?.objectValue }

    /// The effective type, defaulted as Tekton's `ParamSpec.SetDefaults` does: the declared type, else
    /// `object` when `properties` are given, else the shape of the default (§ `valueType(of:)`), else string.
    public var type: ParamType {
        if let declared = declaredType { return ParamType(rawValue: declared) ?? .string }
        if properties != nil { return .object }
        guard let defaultValue, defaultValue != .null else { return .string }
        return Self.valueType(of: defaultValue)
    }

    /// The Tekton type of a param value as Tekton reads it (`ParamValue.UnmarshalJSON`): a list of strings is an
    /// array, a map of strings an object, anything else (numbers and booleans included) a string.
    public static func valueType(of value: JSONValue) -> ParamType {
        switch value {
        case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): return .array
        case .object(let members) where members.values.allSatisfy({ $0.stringValue != nil }): return .object
        default: return .string
        }
    }
}
