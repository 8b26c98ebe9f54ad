/// One task of a Pipeline's `tasks` or `finally`, as Tekton's `PipelineTaskList.Validate` and `PipelineTask.Validate`
/// check it (`pkg/apis/pipeline/v1/pipeline_validation.go`; v1beta1 differences noted where they apply).
extension PipelineValidation {
    /// `ValidatePipelineTasks` (`PipelineTaskList.Validate` on tasks, then finally): each task's name, unique across
    /// both lists, and `PipelineTask.Validate`.
    static func validatePipelineTasks(_ view: SpecView, _ context: inout LintContext) {
        var names: Set<String> = []
        for task in view.all {
            validateName(task, &context)
            if !names.insert(task.name).inserted {
                context.error(.pipelineTaskUnique, at: task.pointer / "name",
                              "pipeline task name \"\(task.name)\" is already used in \(view.base.fieldPath).tasks or .finally; names must be unique across both")
            }
            validatePipelineTask(task, view: view, &context)
        }
    }

    /// `PipelineTask.ValidateName`: a DNS-1123 label.
    static func validateName(_ task: PlacedPipelineTask, _ context: inout LintContext) {
        guard !TektonNames.isDNS1123Label(task.name) else { return }
        if task.name.isEmpty {
            context.error(.pipelineTaskName, at: task.pointer, "missing field(s): \(task.pointer.fieldPath).name: every pipeline task needs a name")
        } else {
            context.error(.pipelineTaskName, at: task.pointer / "name",
                          "pipeline task name \"\(task.name)\" must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters")
        }
    }

    /// `PipelineTask.Validate`: one of taskRef, taskSpec, pipelineRef, pipelineSpec; inline specs allowed;
    /// `onError`; then a custom task's kind and apiVersion (`validateCustomTask`) or the ref or spec itself
    /// (`validateTask`). v1beta1 also refuses `resources`.
    static func validatePipelineTask(_ task: PlacedPipelineTask, view: SpecView, _ context: inout LintContext) {
        validateRefOrSpec(task, &context)
        validateEnabledInlineSpec(task, &context)
        validateEmbeddedOrType(task, &context)
        if !view.isV1, task.field("resources") != nil {
            context.error(.v1beta1Resources, at: task.pointer / "resources",
                          "must not set the field(s): \(task.pointer.fieldPath).resources (PipelineResources were removed from Tekton)")
        }
        validateOnError(task, &context)
        if isCustomTask(task, defaulted: view.defaulted) {
            validateCustomTask(task, defaulted: view.defaulted, &context)
        } else {
            validateTask(task, view: view, &context)
        }
    }

    /// The classification of `PipelineTask.Validate`: a `taskRef` whose kind (after defaulting) is neither empty nor
    /// `Task`, or that has an apiVersion, or a `taskSpec` likewise, is a custom task.
    static func isCustomTask(_ task: PlacedPipelineTask, defaulted: Bool) -> Bool {
        let taskKinds: Set<String> = ["", "Task"]
        if let ref = task.taskRef {
            if !taskKinds.contains(task.taskRefKind(defaulted: defaulted)) || !(ref["apiVersion"]?.stringValue ?? "").isEmpty { return true }
        }
        if let spec = task.taskSpec {
            if !taskKinds.contains(spec["kind"]?.stringValue ?? "") || !(spec["apiVersion"]?.stringValue ?? "").isEmpty { return true }
        }
        return false
    }

    /// `validateRefOrSpec`: exactly one of taskRef, taskSpec, pipelineRef and pipelineSpec (the last two alpha).
    static func validateRefOrSpec(_ task: PlacedPipelineTask, _ context: inout LintContext) {
        var given: [String] = []
        if task.taskRef != nil { given.append("taskRef") }
        if task.taskSpec != nil { given.append("taskSpec") }
        for key in ["pipelineRef", "pipelineSpec"] where task.field(key) != nil {
            context.requireAPIFields("\(key) in a pipeline task (a Pipeline in a Pipeline)", .alpha, at: task.pointer / key)
            given.append(key)
        }
        if given.count > 1 {
            context.error(.pipelineTaskRef, at: task.pointer,
                          "pipeline task \"\(task.name)\" sets \(given.joined(separator: " and ")); set exactly one")
        } else if given.isEmpty {
            let wanted = context.flags.enableAPIFields == .alpha ? "one of taskRef, taskSpec, pipelineRef or pipelineSpec" : "a taskRef or a taskSpec"
            context.error(.pipelineTaskRef, at: task.pointer, "pipeline task \"\(task.name)\" needs \(wanted)")
        }
    }

    /// `validateEnabledInlineSpec`: `disable-inline-spec` listing `pipeline` refuses a taskSpec or pipelineSpec.
    static func validateEnabledInlineSpec(_ task: PlacedPipelineTask, _ context: inout LintContext) {
        guard context.flags.disableInlineSpec.contains("pipeline") else { return }
        for key in ["taskSpec", "pipelineSpec"] where task.field(key) != nil {
            context.error(.featureFlag, at: task.pointer / key,
                          "must not set the field(s): \(task.pointer.fieldPath).\(key) (the cluster's disable-inline-spec includes pipeline; refer to a \(key == "taskSpec" ? "Task" : "Pipeline") instead)")
        }
    }

    /// `validateEmbeddedOrType`: an embedded Task (a taskSpec with steps) sets no apiVersion or kind.
    static func validateEmbeddedOrType(_ task: PlacedPipelineTask, _ context: inout LintContext) {
        guard let spec = task.taskSpec, !(spec["steps"]?.arrayValue ?? []).isEmpty else { return }
        for key in ["apiVersion", "kind"] where !(spec[key]?.stringValue ?? "").isEmpty {
            context.error(.pipelineTaskRef, at: task.pointer / "taskSpec" / key,
                          "taskSpec.\(key) cannot be set beside taskSpec.steps: a taskSpec with steps is an embedded Task; a custom task has no steps")
        }
    }

    /// `PipelineTask.ValidateOnError`: `continue` or `stopAndFail` (beta), not `continue` with retries; a param
    /// reference is resolved at run time.
    static func validateOnError(_ task: PlacedPipelineTask, _ context: inout LintContext) {
        let onError = task.task.string("onError") ?? ""
        guard !onError.isEmpty, !onError.hasPrefix("$(params") else { return }
        context.requireAPIFields("onError on a pipeline task", .beta, at: task.pointer / "onError")
        if onError != "continue", onError != "stopAndFail" {
            context.error(.onError, at: task.pointer / "onError",
                          "onError \"\(onError)\" of pipeline task \"\(task.name)\" is not one of \"continue\", \"stopAndFail\"")
        }
        if onError == "continue", case .number(let retries)? = task.field("retries"), retries.doubleValue > 0 {
            context.error(.onError, at: task.pointer / "retries",
                          "pipeline task \"\(task.name)\" has onError: continue, so it cannot have retries (a failure is ignored, never retried)")
        }
    }

    /// `isValidAPIVersion`: `group/version`, both parts non-empty.
    static func isValidAPIVersion(_ apiVersion: String) -> Bool {
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
    }

    /// `validateCustomTask`: a custom task's ref or spec names its kind and a `group/version` apiVersion.
    static func validateCustomTask(_ task: PlacedPipelineTask, defaulted: Bool, _ context: inout LintContext) {
        for (key, value) in [("taskRef", task.taskRef), ("taskSpec", task.taskSpec)] {
            guard let value else { continue }
            let at = task.pointer / key
            let what = key == "taskRef" ? "custom task ref" : "custom task spec"
            let kind = key == "taskRef" ? task.taskRefKind(defaulted: defaulted) : (value["kind"]?.stringValue ?? "")
            if kind.isEmpty {
                context.error(.pipelineTaskRef, at: at, "missing field(s): \(at.fieldPath).kind: a \(what) must give the kind of the custom task")
            }
            let apiVersion = value["apiVersion"]?.stringValue ?? ""
            if apiVersion.isEmpty {
                let note = kind == "ClusterTask" ? " (ClusterTask was removed from Tekton; with that kind Tekton takes the ref for a custom task)" : ""
                context.error(.pipelineTaskRef, at: at, "missing field(s): \(at.fieldPath).apiVersion: a \(what) must give its apiVersion\(note)")
            } else if !isValidAPIVersion(apiVersion) {
                context.error(.pipelineTaskRef, at: at / "apiVersion",
                              "apiVersion \"\(apiVersion)\" of the \(what) must be written group/version (e.g. example.dev/v1alpha1)")
            }
        }
    }

    /// `validateTask`: the embedded Task (`TaskSpec.Validate`), the taskRef (`TaskRef.Validate`) and, in v1 only,
    /// the pipelineRef (`PipelineRef.Validate`) and the embedded Pipeline (`PipelineSpec.Validate`, on a spec
    /// Tekton has not defaulted).
    static func validateTask(_ task: PlacedPipelineTask, view: SpecView, _ context: inout LintContext) {
        if let value = task.taskSpec, let spec = ResourceSpec(value) {
            let at = task.pointer / "taskSpec"
            if !view.defaulted { validateUndefaultedParamTypes(spec.fields["params"]?.arrayValue ?? [], at: at / "params", &context) }
            TaskValidation.validate(spec, at: at, isV1: view.isV1, placement: .embedded, &context)
        }
        if let ref = task.taskRef {
            StepValidation.validateTaskRef(ref, at: task.pointer / "taskRef", isV1: view.isV1, &context)
        }
        guard view.isV1 else { return }
        if let ref = task.pipelineRef {
            StepValidation.validateRef(ref, at: task.pointer / "pipelineRef", owner: "pipeline", &context)
        }
        if let value = task.pipelineSpec, let spec = ResourceSpec(value) {
            validateSpec(SpecView(spec, at: task.pointer / "pipelineSpec", isV1: view.isV1, defaulted: false), &context)
        }
    }

    /// `ParamSpec.ValidateType` on declarations `ParamSpec.SetDefaults` never saw (inside the `pipelineSpec` of a
    /// pipeline task): a param needs its type written, and each object key its type.
    static func validateUndefaultedParamTypes(_ params: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        for (index, param) in params.enumerated() {
            let name = param["name"]?.stringValue ?? ""
            if (param["type"]?.stringValue ?? "").isEmpty {
                context.error(.paramType, at: base / index,
                              "param \"\(name)\" needs a type (string, array or object): Tekton does not fill in types inside the pipelineSpec of a pipeline task")
                continue
            }
            let untyped = (param["properties"]?.objectValue ?? [:]).filter { ($0.value["type"]?.stringValue ?? "").isEmpty }.map(\.key)
            if !untyped.isEmpty {
                context.error(.paramObject, at: base / index / "properties",
                              "keys \(untyped.sorted()) of object param \"\(name)\" need type: string: Tekton does not fill in types inside the pipelineSpec of a pipeline task")
            }
        }
    }

    /// `PipelineTask.validateWorkspaces`: binding names unique within the task, and each bound workspace (`workspace`,
    /// else `name`) one of `declared`.
    static func validateWorkspaces(_ task: PlacedPipelineTask, declared: Set<String>, _ context: inout LintContext) {
        var seen: Set<String> = []
        for (index, binding) in (task.task.fields["workspaces"]?.arrayValue ?? []).enumerated() {
            let at = task.pointer / "workspaces" / index
            let name = binding["name"]?.stringValue ?? ""
            let workspace = binding["workspace"]?.stringValue ?? ""
            if seen.contains(name) {
                context.error(.workspace, at: at / "name", "workspace binding \"\(name)\" appears more than once in pipeline task \"\(task.name)\"")
            }
            let wanted = workspace.isEmpty ? name : workspace
            if !declared.contains(wanted) {
                context.error(.workspace, at: at / (workspace.isEmpty ? "name" : "workspace"),
                              "pipeline task \"\(task.name)\" binds workspace \"\(wanted)\", but the Pipeline declares no such workspace (add it to spec.workspaces)")
            }
            seen.insert(name)
        }
    }
}
