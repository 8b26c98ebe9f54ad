/// A Pipeline's tasks, as Tekton's `PipelineSpec.Validate` checks them: names, `taskRef` or `taskSpec`,
/// the graph (`runAfter` and result references, no cycles), `finally`, params and workspaces.
enum PipelineValidation {
    /// How the spec is embedded: a Pipeline of its own must declare every param and workspace it uses.
    enum Placement { case pipeline, embedded }

    static func validate(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, placement: Placement, _ context: inout LintContext) {
        if spec.fields.isEmpty {
            context.error("tekton.pipeline-empty", at: "/spec", "expected at least one of spec.description, spec.params, spec.tasks, spec.workspaces")
            return
        }
        if !isV1, !(spec.fields["resources"]?.arrayValue ?? []).isEmpty {
            context.error("tekton.v1beta1-resources", at: "/spec/resources",
                          "must not set the field(s): spec.resources (PipelineResources were removed from Tekton)")
        }
        let declared = ParamValidation.declared(spec.params)
        ParamValidation.validateTypes(declared, at: "/spec/params", &context)
        ParamValidation.validateUniqueNames(declared, at: "/spec/params", &context)
        ParamValidation.validateEnums(declared, at: "/spec/params", &context)
        let tasks = spec.tasks, finallyTasks = spec.finallyTasks
        if !finallyTasks.isEmpty && tasks.isEmpty {
            context.error("tekton.pipeline-finally", at: "/spec/finally", "spec.tasks is empty but spec.finally has \(finallyTasks.count) tasks")
        }
        let workspaces = Set((spec.fields["workspaces"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        var names: Set<String> = []
        for (section, list) in [("tasks", tasks), ("finally", finallyTasks)] {
            for (index, task) in list.enumerated() {
                let at = "/spec" / section / index
                checkTask(task, at: at, pipelineParams: spec.params, workspaces: workspaces, isV1: isV1, &context)
                if let name = task.name, !names.insert(name).inserted {
                    context.error("tekton.pipeline-task-unique", at: at / "name", "pipeline task name \"\(name)\" is used twice; names must be unique across tasks and finally")
                }
                if section == "finally", !task.runAfter.isEmpty {
                    context.error("tekton.pipeline-finally", at: at / "runAfter", "final task \"\(task.name ?? "")\" cannot have runAfter")
                }
            }
        }
        checkGraph(tasks, finallyNames: Set(finallyTasks.compactMap(\.name)), &context)
    }

    private static func checkTask(_ task: PipelineTask, at: JSONPointer, pipelineParams: [ParamSpec], workspaces: Set<String>,
                                  isV1: Bool, _ context: inout LintContext) {
        if let name = task.name {
            if !TektonNames.isDNS1123Label(name) {
                context.error("tekton.pipeline-task-name", at: at / "name", "pipeline task name \"\(name)\" must be a DNS label: lower-case letters, digits and '-'")
            }
        } else {
            context.error("tekton.pipeline-task-name", at: at, "missing field(s): \(at.fieldPath).name")
        }
        let hasRef = task.fields["taskRef"] != nil, hasSpec = task.fields["taskSpec"] != nil
        if hasRef == hasSpec {
            context.error("tekton.pipeline-task-ref", at: at,
                          hasRef ? "\(at.fieldPath) sets both taskRef and taskSpec; set exactly one" : "\(at.fieldPath) needs a taskRef or a taskSpec")
        }
        if hasSpec, let spec = ResourceSpec(task.fields["taskSpec"]) {
            // An embedded Task is validated as a Task, and its steps may use the Pipeline's params too.
            TaskValidation.validate(spec, at: at / "taskSpec", isV1: isV1, placement: .embedded, &context)
        }
        var bound: Set<String> = []
        for (j, param) in task.params.enumerated() {
            guard let name = param.name else { continue }
            if !bound.insert(name).inserted {
                context.error("tekton.param-unique", at: at / "params" / j / "name", "parameter \"\(name)\" is passed twice to \(task.name ?? "the task")")
            }
            checkParamValue(param.value, at: at / "params" / j / "value", pipelineParams: pipelineParams, &context)
        }
        for (j, binding) in (task.fields["workspaces"]?.arrayValue ?? []).enumerated() {
            let name = binding["workspace"]?.stringValue ?? binding["name"]?.stringValue ?? ""
            if !workspaces.contains(name) {
                context.error("tekton.workspace", at: at / "workspaces" / j,
                              "pipeline task \"\(task.name ?? "")\" expects workspace \"\(name)\" but the Pipeline declares no such workspace")
            }
        }
    }

    /// Values passed to a task may use the Pipeline's params: declared ones, whole arrays and objects only isolated.
    private static func checkParamValue(_ value: JSONValue?, at: JSONPointer, pipelineParams: [ParamSpec], _ context: inout LintContext) {
        let declared = Dictionary(pipelineParams.compactMap { p in p.name.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        func strings(_ value: JSONValue?, _ pointer: JSONPointer, element: Bool) -> [(JSONPointer, String, Bool)] {
            switch value {
            case .string(let s)?: return [(pointer, s, element)]
            case .array(let items)?: return items.enumerated().flatMap { strings($1, pointer / $0, element: true) }
            case .object(let members)?: return members.flatMap { strings($1, pointer / $0, element: false) }
            default: return []
            }
        }
        for (pointer, text, _) in strings(value, at, element: false) {
            for ref in VariableReference.all(in: text, root: "params") {
                guard let param = declared[ref.name] else {
                    context.error("tekton.param-reference", at: pointer, "\(ref.text) refers to pipeline param \"\(ref.name)\", which is not declared")
                    continue
                }
                switch (param.type, ref.selector) {
                case (.object, .key(let key)) where param.properties?[key] == nil:
                    context.error("tekton.param-reference", at: pointer, "\(ref.text): object param \"\(ref.name)\" has no key \"\(key)\"")
                case (.array, .whole), (.array, .star), (.object, .whole), (.object, .star):
                    if !ref.isIsolated {
                        context.error("tekton.param-array-usage", at: pointer,
                                      "\(ref.text): a whole \(param.type.rawValue) param must be the entire value, not part of a string")
                    }
                default:
                    break
                }
            }
        }
    }

    /// `runAfter` and `$(tasks.X.results…)` make edges; every edge must reach a task, and no cycle may form.
    private static func checkGraph(_ tasks: [PipelineTask], finallyNames: Set<String>, _ context: inout LintContext) {
        let names = Set(tasks.compactMap(\.name))
        var edges: [String: [String]] = [:]
        for (index, task) in tasks.enumerated() {
            guard let name = task.name else { continue }
            var deps: [String] = []
            for (j, after) in task.runAfter.enumerated() {
                if !names.contains(after) {
                    let why = finallyNames.contains(after) ? "is a finally task" : "is not a task of this Pipeline"
                    context.error("tekton.pipeline-graph", at: "/spec/tasks" / index / "runAfter" / j, "task \"\(name)\" runs after \"\(after)\", which \(why)")
                } else {
                    deps.append(after)
                }
            }
            for text in Self.strings(in: .object(task.fields.filter { $0.key == "params" || $0.key == "when" })) {
                for ref in VariableReference.all(in: text, root: "tasks") {
                    guard case .key(let key) = ref.selector, key.hasPrefix("results.") else { continue }
                    if names.contains(ref.name) {
                        deps.append(ref.name)
                    } else {
                        context.error("tekton.pipeline-graph", at: "/spec/tasks" / index, "task \"\(name)\" uses \(ref.text), but there is no task \"\(ref.name)\"")
                    }
                }
            }
            edges[name] = deps
        }
        if let cycle = Self.findCycle(edges) {
            context.error("tekton.pipeline-graph", at: "/spec/tasks", "cycle detected: \(cycle.joined(separator: " → "))")
        }
    }

    static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let s): return [s]
        case .array(let a): return a.flatMap(strings(in:))
        case .object(let o): return o.values.flatMap(strings(in:))
        default: return []
        }
    }

    /// The first cycle found by a depth-first walk in name order, as the path that closes it.
    static func findCycle(_ edges: [String: [String]]) -> [String]? {
        var state: [String: Int] = [:]  // 1 = on the path, 2 = done
        var path: [String] = []
        func visit(_ node: String) -> [String]? {
            state[node] = 1
            path.append(node)
            for next in (edges[node] ?? []).sorted() {
                if state[next] == 1, let start = path.firstIndex(of: next) { return Array(path[start...]) + [next] }
                if state[next] == nil, let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            state[node] = 2
            return nil
        }
        for node in edges.keys.sorted() where state[node] == nil {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }
}
