/// The JSON types a `type` keyword can name, as a bit set.
struct JSONTypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = JSONTypeSet(rawValue: 1)
    static let boolean = JSONTypeSet(rawValue: 2)
    static let object = JSONTypeSet(rawValue: 4)
    static let array = JSONTypeSet(rawValue: 8)
    static let number = JSONTypeSet(rawValue: 16)
    static let string = JSONTypeSet(rawValue: 32)
    static let integer = JSONTypeSet(rawValue: 64)

    static let names: [(String, JSONTypeSet)] = [
        ("null", .null), ("boolean", .boolean), ("object", .object), ("array", .array),
        ("number", .number), ("string", .string), ("integer", .integer),
    ]

    /// `true` when `value` is of one of the types.
    @inline(__always)
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .object: return contains(.object)
        case .array: return contains(.array)
        case .string: return contains(.string)
        case .number(let n): return contains(.number) || (contains(.integer) && n.isInteger)
        }
    }

    var description: String {
        let list = Self.names.filter { contains($0.1) }.map(\.0)
        if list.count <= 1 { return list.first ?? "nothing" }
        return list.dropLast().joined(separator: ", ") + " or " + list.last!
    }
}

/// The JSON Schema vocabularies a schema resource uses (from its metaschema's `$vocabulary`).
struct Vocabularies: OptionSet, Sendable {
    let rawValue: UInt8
    static let applicator = Vocabularies(rawValue: 1)
    static let unevaluated = Vocabularies(rawValue: 2)
    static let validation = Vocabularies(rawValue: 4)
    static let formatAssertion = Vocabularies(rawValue: 8)
    /// Draft 2019-09 and older: `items` may be an array (tuple form) with `additionalItems`; no `prefixItems`.
    static let legacyItems = Vocabularies(rawValue: 16)
    /// The default set of a draft 2020-12 schema (format as annotation).
    static let standard: Vocabularies = [.applicator, .unevaluated, .validation]
}

/// One compiled schema (object or boolean) with its keywords in evaluation order.
final class SchemaNode: Sendable {
    /// For boolean schemas: the constant outcome; `nil` for object schemas.
    let constant: Bool?
    let keywords: [Keyword]
    /// The schema resource (document root or `$id` subschema) this node belongs to.
    let resource: Int
    /// `true` when this node starts a schema resource (enters the dynamic scope).
    let isResourceRoot: Bool
    /// `true` when a keyword here needs annotations (`unevaluatedProperties`/`unevaluatedItems`).
    let needsAnnotations: Bool
    /// Where the node is, for messages (`"/properties/url"` or `"https://x/y.json#/..."`).
    let location: String

    init(constant: Bool?, keywords: [Keyword], resource: Int, isResourceRoot: Bool, location: String) {
        self.constant = constant
        self.keywords = keywords
        self.resource = resource
        self.isResourceRoot = isResourceRoot
        self.location = location
        needsAnnotations = keywords.contains {
            switch $0.kind {
            case .unevaluatedItems, .unevaluatedProperties: return true
            default: return false
            }
        }
    }
}

/// A keyword ready to evaluate (a class, so that evaluating it does not copy its arguments).
final class Keyword: Sendable {
    /// The keyword name as written (`"pattern"`), used in errors.
    let name: String
    /// The keyword's schema location (`"/properties/url/pattern"`).
    let location: String
    let kind: KeywordKind

    init(name: String, location: String, kind: KeywordKind) {
        self.name = name
        self.location = location
        self.kind = kind
    }
}

/// `properties`, `patternProperties` and `additionalProperties` of one schema, evaluated in one
/// pass over the instance's members.
struct ObjectApplicators: Sendable {
    var properties: [String: SchemaNode] = [:]
    var patterns: [(ECMARegex, SchemaNode)] = []
    var additional: SchemaNode?
    var additionalLocation = ""
    /// `" (allowed: a, b)"` for messages about additional properties, or `""`.
    var allowedSummary = ""
}

/// What a keyword checks, with its compiled arguments.
enum KeywordKind: Sendable {
    case ref(slot: Int)
    case dynamicRef(slot: Int, anchor: String?)
    case allOf([SchemaNode])
    case anyOf([SchemaNode])
    case oneOf([SchemaNode])
    case not(SchemaNode)
    case conditional(condition: SchemaNode, then: SchemaNode?, else: SchemaNode?)
    case dependentSchemas([(String, SchemaNode)])
    case objectApplicators(ObjectApplicators)
    case propertyNames(SchemaNode)
    case items(prefix: [SchemaNode], rest: SchemaNode?)
    case contains(SchemaNode, min: Int, max: Int?)
    case unevaluatedProperties(SchemaNode)
    case unevaluatedItems(SchemaNode)
    case type(JSONTypeSet, description: String)
    case enumeration([JSONValue], summary: String)
    case const(JSONValue)
    case multipleOf(JSONNumber)
    case maximum(JSONNumber)
    case exclusiveMaximum(JSONNumber)
    case minimum(JSONNumber)
    case exclusiveMinimum(JSONNumber)
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex, hint: String?)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([(String, [String])])
    case format(String, FormatChecker)
}

/// A schema resource: its URI and the `$dynamicAnchor`s it defines.
struct SchemaResource: Sendable {
    let uri: String
    var dynamicAnchors: [String: Int] = [:]
}
