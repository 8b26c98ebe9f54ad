import OrderedCollections

/// The fields and types a Tekton document may have, as the strict decode of Tekton's admission webhook knows them:
/// knative decodes the request into Tekton's Go types with unknown fields disallowed, so a misspelt field is refused
/// and a value of the wrong JSON type does not decode.
indirect enum FieldSchema: Sendable {
    case string, integer, number, boolean
    /// A Kubernetes `IntOrString` or quantity: a string or a number.
    case integerOrString
    /// An object whose members are not described.
    case anyObject
    /// Anything (Tekton's `ParamValue`, preserved-unknown members).
    case any
    case list(FieldSchema)
    /// A Go duration string (`metav1.Duration`), which `time.ParseDuration` must read.
    case duration
    /// An object with these members; `open` when others are allowed too (knative decodes `metadata` leniently).
    case fields([String: FieldSchema], open: Bool)
    /// A map: any keys, each value of the one schema.
    case map(FieldSchema)

    /// Reads the compact encoding `scripts/generate-tekton-fields` writes.
    init?(encoded value: JSONValue) {
        switch value {
        case .string(let code):
            switch code {
            case "s": self = .string
            case "i": self = .integer
            case "n": self = .number
            case "b": self = .boolean
            case "q": self = .integerOrString
            case "d": self = .duration
            case "o": self = .anyObject
            case "*": self = .any
            default: return nil
            }
        case .array(let items):
            guard let first = items.first, let element = FieldSchema(encoded: first) else { return nil }
            self = .list(element)
        case .object(let members):
            if members.count == 1, let value = members["{}"] {
                guard let element = FieldSchema(encoded: value) else { return nil }
                self = .map(element)
                return
            }
            var fields: [String: FieldSchema] = [:]
            for (key, member) in members where key != "..." {
                guard let schema = FieldSchema(encoded: member) else { return nil }
                fields[key] = schema
            }
            self = .fields(fields, open: members["..."] != nil)
        default:
            return nil
        }
    }

    /// What a value of this schema is, for messages.
    var expectation: String {
        switch self {
        case .string: return "a string"
        case .duration: return "a duration such as \"10m\" or \"1h30m\" (a number and a unit: ns, us, ms, s, m, h)"
        case .integer: return "an integer"
        case .number: return "a number"
        case .boolean: return "true or false"
        case .integerOrString: return "a number or a string"
        case .anyObject, .fields, .map: return "an object"
        case .any: return "a value"
        case .list(.string): return "a list of strings"
        case .list: return "a list"
        }
    }

    /// `true` when some member of `value` names a known field in other letter case (so `canonical` changes it).
    /// A walk without copies: nearly every document needs nothing, and this is on the import and reindex paths.
    func needsCanonical(_ value: JSONValue) -> Bool {
        var work: [(FieldSchema, JSONValue)] = [(self, value)]
        while let (schema, value) = work.popLast() {
            switch (schema, value) {
            case let (.list(element), .array(items)):
                for item in items { work.append((element, item)) }
            case let (.map(element), .object(members)):
                for member in members.values { work.append((element, member)) }
            case let (.fields(known, _), .object(members)):
                for (key, member) in members {
                    if let field = known[key] {
                        work.append((field, member))
                    } else if known.keys.contains(where: { $0.lowercased() == key.lowercased() }) {
                        return true
                    }
                }
            default:
                continue
            }
        }
        return false
    }

    /// `value` as Go's `encoding/json` reads it into these fields: a member whose name matches a known field only
    /// without regard to case (`Image`, `MountPath`) is that field, so it is renamed to the field's own spelling.
    func canonical(_ value: JSONValue) -> JSONValue {
        switch (self, value) {
        case let (.list(element), .array(items)):
            return .array(items.map { element.canonical($0) })
        case let (.map(element), .object(members)):
            var out = members
            for (key, member) in members { out[key] = element.canonical(member) }
            return .object(out)
        case let (.fields(known, _), .object(members)):
            guard !members.isEmpty else { return value }
            var lowered: [String: String]?
            var out: OrderedDictionary<String, JSONValue> = [:]
            for (key, member) in members {
                var name = key
                if known[key] == nil {
                    if lowered == nil { lowered = Dictionary(known.keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a }) }
                    name = lowered?[key.lowercased()] ?? key
                }
                out[name] = known[name].map { $0.canonical(member) } ?? member
            }
            return .object(out)
        default:
            return value
        }
    }

    /// A problem the strict decode finds.
    enum Problem {
        case unknownField(JSONPointer, known: [String])
        case wrongType(JSONPointer, expected: String, found: JSONValue)
    }

    /// Every unknown field and mistyped value in `value`, depth first (no recursion limit is needed: documents are
    /// bounded by the YAML loader's depth limit).
    func problems(in value: JSONValue, at pointer: JSONPointer) -> [Problem] {
        var out: [Problem] = []
        var work: [(FieldSchema, JSONValue, JSONPointer)] = [(self, value, pointer)]
        while let (schema, value, pointer) = work.popLast() {
            switch (schema, value) {
            case (_, .null), (.any, _), (.string, .string), (.boolean, .bool), (.number, .number), (.anyObject, .object),
                 (.integerOrString, .string), (.integerOrString, .number):
                continue
            case (.integer, .number(let n)) where n.isInteger:
                // Go decodes Kubernetes integers into int64: a larger one does not decode.
                if n.intValue == nil { out.append(.wrongType(pointer, expected: "an integer that fits in 64 bits", found: value)) }
            case (.duration, .string(let text)):
                if GoDuration(text) == nil { out.append(.wrongType(pointer, expected: schema.expectation, found: value)) }
            case let (.list(element), .array(items)):
                for (index, item) in items.enumerated().reversed() { work.append((element, item, pointer / index)) }
            case let (.map(element), .object(members)):
                for (key, member) in members.reversed() { work.append((element, member, pointer / key)) }
            case let (.fields(known, open), .object(members)):
                for (key, member) in members.reversed() {
                    if let schema = known[key] {
                        work.append((schema, member, pointer / key))
                    } else if !open {
                        out.append(.unknownField(pointer / key, known: known.keys.sorted()))
                    }
                }
            default:
                out.append(.wrongType(pointer, expected: schema.expectation, found: value))
            }
        }
        return out
    }
}

/// The field schemas of the kinds lint checks, by kind and `apiVersion`.
enum TektonFieldSchemas {
    static let kinds: [String: FieldSchema] = {
        guard case .object(let members)? = try? JSONValue(parsingJSON: encoded) else { return [:] }
        var out: [String: FieldSchema] = [:]
        for (key, value) in members { out[key] = FieldSchema(encoded: value) }
        return out
    }()

    /// The schema of `kind` at `apiVersion`; `nil` where none is shipped (TaskRuns and PipelineRuns of `v1beta1`).
    static func schema(for kind: LintedKind, apiVersion: String) -> FieldSchema? {
        guard apiVersion.hasPrefix("tekton.dev/") else { return nil }
        let version = apiVersion.dropFirst("tekton.dev/".count)
        return kinds["\(kind.rawValue.lowercased())_\(version)"]
    }
}
