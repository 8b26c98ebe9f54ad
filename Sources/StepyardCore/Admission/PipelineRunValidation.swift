import OrderedCollections

/// A PipelineRun, as Tekton's `PipelineRunSpec.Validate` checks it on create, after `SetDefaults`
/// (`pkg/apis/pipeline/v1/pipelinerun_validation.go` and its v1beta1 twin).
enum PipelineRunValidation {
    /// `config.DefaultTimeoutMinutes`: the pipeline timeout `SetDefaults` fills in.
    static let defaultTimeout = GoDuration(nanoseconds: 60 * 60e9)

    /// `PipelineRunSpec.Validate` on the spec at `base`.
    static func validate(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, _ context: inout LintContext) {
        let ref = field(spec, "pipelineRef")
        let pipelineSpec = field(spec, "pipelineSpec").flatMap { ResourceSpec($0) }
        switch (ref, field(spec, "pipelineSpec")) {
        case (nil, nil):
            context.error(.run, at: base, "\(base.fieldPath) needs a pipelineRef or a pipelineSpec")
        case (.some, .some):
            context.error(.run, at: base, "\(base.fieldPath) sets both pipelineRef and pipelineSpec; set exactly one")
        default:
            break
        }
        if let ref { validatePipelineRef(ref, at: base / "pipelineRef", isV1: isV1, &context) }
        if let pipelineSpec {
            if context.flags.disableInlineSpec.contains("pipelinerun") {
                context.error(.featureFlag, at: base / "pipelineSpec",
                              "must not set the field(s): \(base.fieldPath).pipelineSpec (the cluster's disable-inline-spec includes pipelinerun; refer to a Pipeline instead)")
            }
            PipelineValidation.validate(pipelineSpec, at: base / "pipelineSpec", isV1: isV1, placement: .embedded, &context)
        }
        validatePipelineRunParameters(spec, at: base, &context)
        if let pipelineSpec { validateInlineParameters(spec, pipelineSpec: pipelineSpec, at: base, &context) }
        if !isV1 {
            if let pipelineSpec { validatePropagatedWorkspaces(spec, pipelineSpec: pipelineSpec, at: base, &context) }
            if let timeout = duration(spec.fields["timeout"]), timeout.isNegative {
                context.error(.runTimeout, at: base / "timeout", "timeout \(goString(timeout)) should be >= 0")
            }
        }
        let timeouts = timeoutFields(spec, isV1: isV1)
        if let timeouts {
            if !isV1, field(spec, "timeout") != nil {
                context.error(.runTimeout, at: base / "timeout",
                              "must not set the field(s): \(base.fieldPath).timeout, \(base.fieldPath).timeouts (timeout is deprecated; give the pipeline's timeout as timeouts.pipeline)")
            }
            validateTimeouts(timeouts, at: base / "timeouts", &context)
        }
        for (index, runSpec) in (spec.fields["taskRunSpecs"]?.arrayValue ?? []).enumerated() {
            validateTaskRunSpec(runSpec, at: base / "taskRunSpecs" / index, timeouts: timeouts, isV1: isV1, &context)
        }
        validateSpecStatus(spec.string("status") ?? "", at: base / "status", &context)
        validateWorkspaces(spec.fields["workspaces"]?.arrayValue ?? [], at: base / "workspaces", &context)
        if !isV1, field(spec, "resources") != nil {
            context.error(.v1beta1Resources, at: base / "resources",
                          "must not set the field(s): \(base.fieldPath).resources (PipelineResources were removed from Tekton)")
        }
    }

    /// A field that is set (Go's non-nil pointer or slice): present and not `null`.
    private static func field(_ spec: ResourceSpec, _ key: String) -> JSONValue? {
        guard let value = spec.fields[key], value != .null else { return nil }
        return value
    }

    /// A `metav1.Duration` (one that does not parse is refused by the strict decode already).
    private static func duration(_ value: JSONValue?) -> GoDuration? {
        value?.stringValue.flatMap { GoDuration($0) }
    }

    /// `PipelineRef.Validate`: `validateRef`; v1beta1 also refuses `bundle` on create.
    static func validatePipelineRef(_ ref: JSONValue, at: JSONPointer, isV1: Bool, _ context: inout LintContext) {
        if !isV1, !(ref["bundle"]?.stringValue ?? "").isEmpty {
            context.error(.pipelineRef, at: at / "bundle",
                          "must not set the field(s): \(at.fieldPath).bundle (Tekton bundles are referenced with the bundles resolver: resolver: bundles)")
        }
        StepValidation.validateRef(ref, at: at, owner: "pipeline", &context)
    }

    /// `validatePipelineRunParameters`: param names unique without regard to case (`ValidateParameters`), and no
    /// task result in a value.
    static func validatePipelineRunParameters(_ spec: ResourceSpec, at base: JSONPointer, _ context: inout LintContext) {
        let params = PlacedParam.list(spec.fields["params"], at: base / "params")
        var seen: Set<String> = []
        for param in params {
            if !seen.insert(param.name.lowercased()).inserted {
                context.error(.paramUnique, at: param.pointer / "name",
                              "param \"\(param.name)\" is given more than once (names are compared without case)")
            }
            let expressions = param.value.expressions
            guard PipelineExpressions.containsResultRefs(expressions) else { continue }
            let refs = expressions.filter(PipelineExpressions.looksLikeResultRef)
            if !PipelineExpressions.resultRefs(refs).isEmpty {
                context.error(.resultReference, at: param.valuePointer,
                              "param \"\(param.name)\" uses \(refs.map { "$(\($0))" }.joined(separator: ", ")): a PipelineRun's params are set before any task runs, so they cannot use task results")
            }
        }
    }

    /// One entry of `validateInlineParameters`' map: the spec Tekton builds or keeps, and where it was written.
    private struct InlineParam {
        var spec: ParamSpec
        var list: JSONPointer
        var index: Int
    }

    /// `createParamSpecFromParam`: a declaration typed by the value, the value as default, its keys as properties.
    private static func paramSpec(from param: PlacedParam) -> ParamSpec {
        var spec = ParamSpec(fields: ["name": .string(param.name), "type": .string(param.value.type), "default": param.raw ?? .string("")])
        if case .object(let pairs) = param.value {
            spec.fields["properties"] = .object(addingStringKeys(pairs.map(\.key), to: [:]))
        }
        return spec
    }

    /// `properties` with each of `keys` set to `{type: string}`.
    private static func addingStringKeys(_ keys: [String], to properties: OrderedDictionary<String, JSONValue>) -> OrderedDictionary<String, JSONValue> {
        var properties = properties
        for key in keys { properties[key] = .object(["type": .string("string")]) }
        return properties
    }

    /// `validateInlineParameters`: the params a PipelineRun may use through propagation are the run's, the
    /// pipelineSpec's, the params the pipelineSpec's tasks (not finally) pass (`appendPipelineTaskParams`) and their
    /// taskSpecs declare (`combineParamSpec`). Against them Tekton checks the steps of the tasks' taskSpecs
    /// (`ValidateParameterVariables`, `ValidateUsageOfDeclaredParameters`) and the tasks' params, matrices and `when`
    /// (`validatePipelineTaskParameterUsage`); finally tasks are not checked. Checks that can only repeat what
    /// `PipelineSpec.Validate` reported about a declaration (types, enums, params passed twice) are not repeated.
    static func validateInlineParameters(_ spec: ResourceSpec, pipelineSpec: ResourceSpec, at base: JSONPointer,
                                         _ context: inout LintContext) {
        let specAt = base / "pipelineSpec"
        var order: [String] = []
        var combined: [String: InlineParam] = [:]
        func store(_ name: String, _ entry: InlineParam) {
            if combined[name] == nil { order.append(name) }
            combined[name] = entry
        }
        // combineParamSpec
        func combine(_ declared: ParamValidation.Declared, list: JSONPointer, _ context: inout LintContext) {
            let name = declared.name
            guard var existing = combined[name] else {
                var typed = declared.spec
                typed.fields["type"] = .string(declared.type)
                store(name, InlineParam(spec: typed, list: list, index: declared.index))
                return
            }
            let hasProperties = declared.spec.fields["properties"].map { $0 != .null } ?? false
            if case .object = PipelineParamValue(declared.spec.defaultValue), !hasProperties {
                context.error(.paramObject, at: list / declared.index,
                              "missing field(s): \(name).properties: a param with an object default declares its keys")
                return
            }
            if existing.spec.declaredType == "object" {
                guard hasProperties else {
                    context.error(.paramObject, at: list / declared.index,
                                  "missing field(s): \(name).properties: \"\(name)\" is an object param, which declares its keys")
                    return
                }
                existing.spec.fields["properties"] = declared.spec.fields["properties"]
            }
            combined[name] = existing
        }
        for param in PlacedParam.list(spec.fields["params"], at: base / "params") {
            store(param.name, InlineParam(spec: paramSpec(from: param), list: base / "params", index: param.index))
        }
        let pipelineParams = ParamValidation.declared((pipelineSpec.fields["params"]?.arrayValue ?? []).map { ParamSpec($0) ?? ParamSpec(fields: [:]) })
        for declared in pipelineParams { combine(declared, list: specAt / "params", &context) }
        let tasks = PlacedPipelineTask.list(pipelineSpec.fields["tasks"], at: specAt / "tasks")
        for task in tasks {
            // appendPipelineTaskParams
            for param in task.params {
                if var existing = combined[param.name] {
                    if case .object(let pairs) = param.value {
                        existing.spec.fields["properties"] = .object(addingStringKeys(pairs.map(\.key), to: existing.spec.properties ?? [:]))
                        combined[param.name] = existing
                    }
                } else {
                    store(param.name, InlineParam(spec: paramSpec(from: param), list: task.pointer / "params", index: param.index))
                }
            }
            if let taskSpec = task.taskSpec, let params = taskSpec["params"], params != .null {
                let declared = ParamValidation.declared((params.arrayValue ?? []).map { ParamSpec($0) ?? ParamSpec(fields: [:]) })
                for param in declared { combine(param, list: task.pointer / "taskSpec" / "params", &context) }
            }
        }
        guard pipelineSpec.fields["tasks"].map({ $0 != .null }) ?? false else { return }
        let entries = order.compactMap { combined[$0] }
        var params = ParamValidation.declared(entries.map(\.spec))
        for index in params.indices { params[index].index = entries[index].index }
        let withSteps = tasks.filter { task in task.taskSpec?["steps"].map { steps in steps != .null } ?? false }
        if !withSteps.isEmpty {
            // ValidateParameterVariables: ValidateNameFormat, once for all tasks, where each param was written.
            for (param, entry) in zip(params, entries) {
                ParamValidation.validateNameFormat([param], at: entry.list, &context)
            }
            let arrays = Set(params.filter { $0.type == "array" }.map(\.name))
            let scope = TaskValidation.ParamScope(params)
            for task in withSteps {
                let at = task.pointer / "taskSpec"
                let steps = (task.taskSpec?["steps"]?.arrayValue ?? []).enumerated().map { index, step in
                    PlacedStep(step: Step(step) ?? Step(fields: [:]), at: at / "steps" / index)
                }
                TaskValidation.validateArrayUsage(steps, arrays: arrays, &context)
                TaskValidation.validateUsageOfDeclaredParameters(steps, scopes: [scope], &context)
            }
            // ValidateObjectParamsHaveProperties
            for (param, entry) in zip(params, entries) where param.type == "object" && param.keys == nil {
                context.error(.paramObject, at: entry.list / entry.index, "missing field(s): \(param.name).properties (an object param declares its keys)")
            }
        }
        let names = PipelineValidation.ParamNames(params, declarer: "the PipelineRun, its pipelineSpec or the params of its tasks")
        PipelineValidation.validatePipelineParametersVariables(tasks, names: names, &context)
    }

    /// `validatePropagatedWorkspaces` (v1beta1): each task binds a workspace of the run, of the pipelineSpec, or
    /// one an earlier binding (of this task or one before) named.
    static func validatePropagatedWorkspaces(_ spec: ResourceSpec, pipelineSpec: ResourceSpec, at base: JSONPointer, _ context: inout LintContext) {
        var names = Set((spec.fields["workspaces"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" })
        names.formUnion((pipelineSpec.fields["workspaces"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" })
        for section in ["tasks", "finally"] {
            for task in PlacedPipelineTask.list(pipelineSpec.fields[section], at: base / "pipelineSpec" / section) {
                names.formUnion((task.task.fields["workspaces"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" })
                PipelineValidation.validateWorkspaces(task, declared: names, &context)
            }
        }
    }

    /// `TimeoutFields`: a run's `timeouts`.
    struct TimeoutFields {
        var tasks: GoDuration?
        var finally: GoDuration?
        var pipeline: GoDuration
        /// Whether `pipeline` is Tekton's default (the run sets none).
        var pipelineDefaulted: Bool

        /// The pipeline timeout for messages.
        var pipelineText: String {
            "the pipeline timeout \(PipelineRunValidation.goString(pipeline))" + (pipelineDefaulted ? " (Tekton's default: the run sets no timeouts.pipeline)" : "")
        }
    }

    /// The run's `timeouts` after `SetDefaults`: v1 always has them, the pipeline timeout defaulting to 60m;
    /// v1beta1 only when given (else it defaults the deprecated `timeout`).
    private static func timeoutFields(_ spec: ResourceSpec, isV1: Bool) -> TimeoutFields? {
        let timeouts = field(spec, "timeouts")
        guard isV1 || timeouts != nil else { return nil }
        let pipeline = duration(timeouts?["pipeline"])
        return TimeoutFields(tasks: duration(timeouts?["tasks"]), finally: duration(timeouts?["finally"]),
                             pipeline: pipeline ?? defaultTimeout, pipelineDefaulted: pipeline == nil)
    }

    /// `validateTimeoutDuration` on each timeout, then `validatePipelineTimeout`: the tasks and finally timeouts
    /// (each, and their sum) fit in the pipeline timeout; `0s` (no timeout) for tasks or finally needs a pipeline
    /// timeout of `0s`, but a sum is compared with it all the same.
    private static func validateTimeouts(_ timeouts: TimeoutFields, at base: JSONPointer,
                                         _ context: inout LintContext) {
        let all: [(key: String, timeout: GoDuration?)] = [("tasks", timeouts.tasks), ("finally", timeouts.finally), ("pipeline", Optional(timeouts.pipeline))]
        for (key, timeout) in all {
            if let timeout, timeout.isNegative {
                context.error(.runTimeout, at: base / key, "timeouts.\(key) \(goString(timeout)) should be >= 0")
            }
        }
        let pipeline = timeouts.pipeline
        let noTimeout = GoDuration(nanoseconds: 0)
        for (key, timeout) in [("tasks", timeouts.tasks), ("finally", timeouts.finally)] {
            guard let timeout, pipeline != noTimeout else { continue }
            if timeout == noTimeout {
                context.error(.runTimeout, at: base / key,
                              "timeouts.\(key) 0s (no timeout) should be <= \(timeouts.pipelineText): only a pipeline without timeout (timeouts.pipeline: 0s) can have \(key) without one")
            } else if timeout > pipeline {
                context.error(.runTimeout, at: base / key, "timeouts.\(key) \(goString(timeout)) should be <= \(timeouts.pipelineText)")
            }
        }
        if let tasks = timeouts.tasks, let finally = timeouts.finally, GoDuration(nanoseconds: tasks.nanoseconds + finally.nanoseconds) > pipeline {
            context.error(.runTimeout, at: base,
                          "timeouts.tasks + timeouts.finally (\(goString(tasks)) + \(goString(finally))) should be <= \(timeouts.pipelineText)"
                              + (pipeline == noTimeout ? " (Tekton compares the sum even with a pipeline timeout of 0s, no timeout)" : ""))
        }
    }

    /// `validateTaskRunSpec`: step and sidecar specs (v1beta1: overrides) beta, named once each; computeResources
    /// beta and not beside step resources; the timeout (`validateTaskRunSpecTimeout`).
    static func validateTaskRunSpec(_ runSpec: JSONValue, at base: JSONPointer, timeouts: TimeoutFields?,
                                    isV1: Bool, _ context: inout LintContext) {
        let (stepsKey, sidecarsKey, resourcesKey) = isV1 ? ("stepSpecs", "sidecarSpecs", "computeResources") : ("stepOverrides", "sidecarOverrides", "resources")
        for key in [stepsKey, sidecarsKey] {
            guard let list = runSpec[key], list != .null else { continue }
            context.requireAPIFields(key, .beta, at: base / key)
            // validateStepSpecs, validateSidecarSpecs (validateNoDuplicateNames)
            var seen: Set<String> = []
            for (index, item) in (list.arrayValue ?? []).enumerated() {
                let name = item["name"]?.stringValue ?? ""
                if name.isEmpty {
                    context.error(.run, at: base / key / index, "missing field(s): \(base.fieldPath).\(key)[\(index)].name")
                } else if !seen.insert(name.lowercased()).inserted {
                    context.error(.run, at: base / key / index / "name", "\"\(name)\" appears more than once in \(base.fieldPath).\(key) (names are compared without case)")
                }
            }
        }
        if let resources = runSpec["computeResources"], resources != .null {
            context.requireAPIFields("computeResources", .beta, at: base / "computeResources")
            // validateTaskRunComputeResources: a step's non-empty requirements (ResourceRequirements.Size() != 0)
            let stepResources = (runSpec[stepsKey]?.arrayValue ?? []).contains { step in
                ["limits", "requests", "claims"].contains { key in
                    switch step[resourcesKey]?[key] {
                    case .object(let members)?: return !members.isEmpty
                    case .array(let items)?: return !items.isEmpty
                    default: return false
                    }
                }
            }
            if stepResources {
                context.error(.run, at: base / "computeResources",
                              "computeResources cannot be set both for the task run and in \(base.fieldPath).\(stepsKey)[].\(resourcesKey); set one")
            }
        }
        validateTaskRunSpecTimeout(duration(runSpec["timeout"]), at: base / "timeout", timeouts: timeouts, &context)
    }

    /// `validateTaskRunSpecTimeout`: not negative, and within the run's tasks timeout, else its pipeline timeout,
    /// else the default 60m (`0s` there means no limit). A negative limit is reported where it is set.
    private static func validateTaskRunSpecTimeout(_ timeout: GoDuration?, at pointer: JSONPointer,
                                                   timeouts: TimeoutFields?,
                                                   _ context: inout LintContext) {
        guard let timeout else { return }
        if timeout.isNegative {
            context.error(.runTimeout, at: pointer, "timeout \(goString(timeout)) should be >= 0")
            return
        }
        let limit: GoDuration, source: String
        if let tasks = timeouts?.tasks {
            limit = tasks
            source = "the run's timeouts.tasks"
        } else if let timeouts {
            limit = timeouts.pipeline
            source = timeouts.pipelineDefaulted ? "the pipeline timeout (Tekton's default: the run sets no timeouts.pipeline)" : "the run's pipeline timeout"
        } else {
            limit = defaultTimeout
            source = "the default pipeline timeout"
        }
        guard !limit.isNegative, limit.nanoseconds != 0, timeout > limit else { return }
        context.error(.runTimeout, at: pointer, "timeout \(goString(timeout)) should be <= \(source), \(goString(limit))")
    }

    /// `validateSpecStatus`: empty, PipelineRunPending, Cancelled, CancelledRunFinally or StoppedRunFinally.
    static func validateSpecStatus(_ status: String, at pointer: JSONPointer, _ context: inout LintContext) {
        let allowed = ["", "PipelineRunPending", "Cancelled", "CancelledRunFinally", "StoppedRunFinally"]
        guard !allowed.contains(status) else { return }
        context.error(.run, at: pointer, "status \"\(status)\" should be Cancelled, CancelledRunFinally, StoppedRunFinally or PipelineRunPending")
    }

    /// The `workspaces` of `PipelineRunSpec.Validate`: each binding (`WorkspaceBinding.Validate`), each name once.
    static func validateWorkspaces(_ bindings: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        var first: [String: Int] = [:]
        for (index, binding) in bindings.enumerated() {
            WorkspaceBindingValidation.validate(binding, at: base / index, &context)
            let name = binding["name"]?.stringValue ?? ""
            if let earlier = first[name] {
                context.error(.runWorkspace, at: base / index / "name", "workspace \"\(name)\" is bound more than once (also at \(base.fieldPath)[\(earlier)])")
            } else {
                first[name] = index
            }
        }
    }

    /// Go's `time.Duration.String`: `1h30m0s`, `45m0s`, `0s`, `1.5s`, `500ms`.
    static func goString(_ duration: GoDuration) -> String {
        let nanoseconds = duration.nanoseconds.rounded()
        guard abs(nanoseconds) < 9.2e18 else { return "\(nanoseconds)ns" }
        let value = Int64(nanoseconds)
        if value == 0 { return "0s" }
        var u = value.magnitude
        var text: String
        func fraction(_ precision: Int) -> String {
            var digits = ""
            var printing = false
            for _ in 0..<precision {
                let digit = u % 10
                printing = printing || digit != 0
                if printing { digits = String(digit) + digits }
                u /= 10
            }
            return printing ? "." + digits : ""
        }
        if u < 1_000_000_000 {
            let (precision, unit) = u < 1_000 ? (0, "ns") : u < 1_000_000 ? (3, "µs") : (6, "ms")
            let frac = fraction(precision)
            text = "\(u)\(frac)\(unit)"
        } else {
            let frac = fraction(9)
            text = "\(u % 60)\(frac)s"
            u /= 60
            if u > 0 {
                text = "\(u % 60)m" + text
                u /= 60
                if u > 0 { text = "\(u)h" + text }
            }
        }
        return value < 0 ? "-" + text : text
    }
}
