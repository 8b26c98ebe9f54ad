/// What Tekton's webhook refuses before any validation runs: an `apiVersion` it does not serve for the kind, and
/// what its strict decode refuses (knative's `DisallowUnknownFields` decoding into Tekton's Go types): unknown
/// fields and values of the wrong type.
public struct StrictDecodeRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        let kind = context.kind
        guard let apiVersion = context.apiVersion else {
            context.error(.apiVersion, at: .root, "missing field(s): apiVersion (use \(kind.apiVersions.joined(separator: " or ")))")
            return
        }
        guard kind.apiVersions.contains(apiVersion) else {
            context.error(.apiVersion, at: "/apiVersion",
                          "apiVersion \"\(apiVersion)\" is not served for \(kind.rawValue); use \(kind.apiVersions.joined(separator: " or "))")
            return
        }
        guard let schema = TektonFieldSchemas.schema(for: kind, apiVersion: apiVersion) else { return }
        for problem in schema.problems(in: context.document, at: .root) {
            switch problem {
            case let .unknownField(pointer, known):
                let field = pointer.tokens.last ?? ""
                let suggestion = Suggestion.closest(to: field, among: known).map { " (did you mean \"\($0)\"?)" } ?? ""
                context.error(.unknownField, at: pointer,
                              "unknown field \"\(field)\" in \(pointer.parent.fieldPath.isEmpty ? "the document" : pointer.parent.fieldPath)\(suggestion): Tekton's strict decoding refuses fields it does not know")
            case let .wrongType(pointer, expected, found):
                context.error(.fieldType, at: pointer, "\(pointer.fieldPath) must be \(expected), not \(found.typeDescription)")
            }
        }
    }
}

extension JSONValue {
    /// The value's type for messages: "a list", "a number (5)", "a string".
    var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "a boolean (\(b))"
        case .number(let n): return "a number (\(n))"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
