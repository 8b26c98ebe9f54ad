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

    /// The effective type: the declared one, else inferred from the default as Tekton does
    /// (`SetDefaults`: an array default makes an array param, an object default an object param), else string.
    public var type: ParamType {
        if let declared = declaredType, let t = ParamType(rawValue: declared) { return t }
        if declaredType == nil {
            switch defaultValue {
            case .array?: return .array
            case .object?: return .object
            default: break
            }
            if properties != nil { return .object }
        }
        return .string
    }
}
