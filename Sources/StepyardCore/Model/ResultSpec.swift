public import OrderedCollections

/// A result declaration (`spec.results[]`) of a Task, StepAction or Pipeline.
public struct ResultSpec: ObjectView {
    public var fields: OrderedDictionary<String, JSONValue>
    public init(fields: OrderedDictionary<String, JSONValue>) { self.fields = fields }

    public var name: String? { string("name") }
    public var description: String? { string("description") }
    public var declaredType: String? { string("type") }
}
