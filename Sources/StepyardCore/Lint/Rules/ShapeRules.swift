/// The document's shape, as the Kubernetes API server checks it against the CRD schema before Tekton
/// sees it: a known `apiVersion` for the kind, objects where objects belong, strings where strings belong.
/// Only the fields the other rules read are described; the rest is left to the cluster.
public struct ShapeRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        let resource = context.resource
        let apiVersion = resource.apiVersion
        if let apiVersion, !resource.kind.apiVersions.contains(apiVersion) {
            context.error("tekton.api-version", at: "/apiVersion",
                          "apiVersion \"\(apiVersion)\" is not served for \(resource.kind.kindName); use \(resource.kind.apiVersions.joined(separator: " or "))")
        } else if apiVersion == nil {
            context.error("tekton.api-version", at: .root, "missing field(s): apiVersion")
        }
        let shape: Shape = switch resource.kind {
        case .task: Shape.task
        case .stepAction: Shape.stepAction
        case .pipeline: Shape.pipeline
        }
        check(context.document, against: shape, at: .root, &context)
    }

    private func check(_ value: JSONValue, against shape: Shape, at pointer: JSONPointer, _ context: inout LintContext) {
        switch (shape, value) {
        case (_, .null):
            return  // an explicit null reads as "not set" in Kubernetes
        case (.string, .string), (.anyObject, .object), (.any, _):
            return
        case let (.object(members), .object(fields)):
            for (key, member) in members {
                if let field = fields[key] { check(field, against: member, at: pointer / key, &context) }
            }
        case let (.array(element), .array(items)):
            for (index, item) in items.enumerated() { check(item, against: element, at: pointer / index, &context) }
        default:
            context.error("tekton.field-type", at: pointer,
                          "\(pointer.fieldPath) must be \(shape.expectation), not \(value.typeName == "array" ? "a list" : "a " + value.typeName)")
        }
    }
}

/// A description of the parts of a Tekton document whose types the rules rely on.
indirect enum Shape: Sendable {
    case string
    case any
    case anyObject
    case array(Shape)
    case object([(String, Shape)])

    var expectation: String {
        switch self {
        case .string: return "a string"
        case .any: return "a value"
        case .anyObject, .object: return "an object"
        case .array(.string): return "a list of strings"
        case .array: return "a list"
        }
    }

    static let strings = Shape.array(.string)
    static let param = Shape.object([("name", .string), ("type", .string), ("description", .string),
                                     ("properties", .anyObject), ("enum", .strings)])
    static let result = Shape.object([("name", .string), ("type", .string), ("description", .string),
                                      ("properties", .anyObject)])
    static let binding = Shape.object([("name", .string)])
    static let env = Shape.object([("name", .string), ("value", .string)])
    static let volumeMount = Shape.object([("name", .string), ("mountPath", .string), ("subPath", .string)])
    static let metadata = Shape.object([("name", .string), ("labels", .anyObject), ("annotations", .anyObject)])

    static let container: [(String, Shape)] = [
        ("name", .string), ("image", .string), ("script", .string), ("command", .strings), ("args", .strings),
        ("workingDir", .string), ("env", .array(env)), ("volumeMounts", .array(volumeMount)),
    ]
    static let step = Shape.object(container + [
        ("onError", .string), ("ref", .object([("name", .string)])), ("params", .array(binding)),
        ("results", .array(result)),
    ])
    static let taskSpec = Shape.object([
        ("description", .string), ("params", .array(param)), ("results", .array(result)), ("steps", .array(step)),
        ("sidecars", .array(.object(container))), ("stepTemplate", .anyObject),
        ("volumes", .array(.object([("name", .string)]))),
        ("workspaces", .array(.object([("name", .string), ("mountPath", .string)]))),
    ])
    static let task = Shape.object([("apiVersion", .string), ("kind", .string), ("metadata", metadata), ("spec", taskSpec)])
    static let stepAction = Shape.object([
        ("apiVersion", .string), ("kind", .string), ("metadata", metadata),
        ("spec", .object(container.filter { $0.0 != "name" } + [("description", .string), ("params", .array(param)),
                                                              ("results", .array(result))])),
    ])
    static let pipelineTask = Shape.object([
        ("name", .string), ("taskRef", .object([("name", .string), ("kind", .string)])), ("taskSpec", taskSpec),
        ("runAfter", .strings), ("params", .array(binding)),
        ("workspaces", .array(.object([("name", .string), ("workspace", .string)]))),
    ])
    static let pipeline = Shape.object([
        ("apiVersion", .string), ("kind", .string), ("metadata", metadata),
        ("spec", .object([("description", .string), ("params", .array(param)), ("tasks", .array(pipelineTask)),
                          ("finally", .array(pipelineTask)), ("results", .array(.object([("name", .string)]))),
                          ("workspaces", .array(.object([("name", .string)])))])),
    ])
}
