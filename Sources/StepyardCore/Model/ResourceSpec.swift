public import OrderedCollections

/// The `spec` of a Task, StepAction or Pipeline, with accessors for the parts they share and
/// the parts particular to each kind. Unknown members are kept.
public struct ResourceSpec: ObjectView {
    public var fields: OrderedDictionary<String, JSONValue>
    public init(fields: OrderedDictionary<String, JSONValue>) { self.fields = fields }

    public var description: String? { string("description") }
    public var params: [ParamSpec] { views("params") }
    public var results: [ResultSpec] { views("results") }

    /// Task: the steps, in order.
    public var steps: [Step] { views("steps") }
    /// Pipeline: the tasks, then the `finally` tasks.
    public var tasks: [PipelineTask] { views("tasks") }
    public var finallyTasks: [PipelineTask] { views("finally") }
}

/// One entry of a Pipeline's `tasks` or `finally`.
public struct PipelineTask: ObjectView {
    public var fields: OrderedDictionary<String, JSONValue>
    public init(fields: OrderedDictionary<String, JSONValue>) { self.fields = fields }

    public var name: String? { string("name") }
    /// The referenced Task's name (`taskRef.name`), when it refers by name.
    public var taskRefName: String? { fields["taskRef"]?["name"]?.stringValue }
    public var runAfter: [String] { strings("runAfter") ?? [] }
    public var params: [ParamBinding] { views("params") }
}
