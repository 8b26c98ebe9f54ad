public import OrderedCollections

/// A step of a Task (`spec.steps[]`): a container, or a `ref` to a StepAction with `params`.
public struct Step: ObjectView {
    public var fields: OrderedDictionary<String, JSONValue>
    public init(fields: OrderedDictionary<String, JSONValue>) { self.fields = fields }

    public var name: String? { string("name") }
    public var image: String? { string("image") }
    public var script: String? { string("script") }
    public var command: [String]? { strings("command") }
    public var args: [String]? { strings("args") }
    /// The referenced StepAction (`ref.name`), when the step is a reference.
    public var refName: String? { fields["ref"]?["name"]?.stringValue }
    public var isReference: Bool { fields["ref"] != nil }
    /// Parameter bindings of a referencing step.
    public var params: [ParamBinding] { views("params") }
}

/// A parameter value passed by name (`params: [{name, value}]` of a step, a PipelineTask or a run).
public struct ParamBinding: ObjectView {
    public var fields: OrderedDictionary<String, JSONValue>
    public init(fields: OrderedDictionary<String, JSONValue>) { self.fields = fields }

    public var name: String? { string("name") }
    public var value: JSONValue? { fields["value"] }
}
