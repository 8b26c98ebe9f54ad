import OrderedCollections

/// TaskRuns, as Tekton's `TaskRun.Validate` checks them (`pkg/apis/pipeline/v1/taskrun_validation.go` and its
/// v1beta1 twin); PipelineRuns are `PipelineRunValidation`'s.
enum TaskRunValidation {
    /// `TaskRunSpec.Validate` (create): a taskRef or a taskSpec, params, workspace bindings, overrides, status,
    /// retries and timeout.
    static func validate(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, _ context: inout LintContext) {
        let ref = spec.fields["taskRef"].flatMap { $0 == .null ? nil : $0 }
        let taskSpec = spec.fields["taskSpec"].flatMap { $0 == .null ? nil : ResourceSpec($0) }
        switch (ref, taskSpec) {
        case (nil, nil): context.error(.run, at: base, "expected exactly one of \(base.fieldPath).taskRef and \(base.fieldPath).taskSpec, got neither")
        case (.some, .some): context.error(.run, at: base, "expected exactly one of \(base.fieldPath).taskRef and \(base.fieldPath).taskSpec, got both")
        default: break
        }
        if let ref { StepValidation.validateTaskRef(ref, at: base / "taskRef", isV1: isV1, &context) }
        if let taskSpec {
            if context.flags.disableInlineSpec.contains("taskrun") {
                context.error(.featureFlag, at: base / "taskSpec",
                              "must not set the field(s): \(base.fieldPath).taskSpec (the cluster's disable-inline-spec includes taskrun; refer to a Task instead)")
            }
            TaskValidation.validate(taskSpec, at: base / "taskSpec", isV1: isV1, placement: .embedded, &context)
        }
        let params = spec.fields["params"]?.arrayValue ?? []
        ParamValidation.validateBindings(params, at: base / "params", &context)
        if let taskSpec { validateInlineParameters(taskSpec, runParams: params, at: base, &context) }
        WorkspaceBindingValidation.validate(spec.fields["workspaces"]?.arrayValue ?? [], at: base / "workspaces", &context)
        if let debug = spec.fields["debug"], debug != .null {
            context.requireAPIFields("debug", .alpha, at: base / "debug")
            validateDebug(debug, at: base / "debug", &context)
        }
        let (stepsKey, sidecarsKey) = isV1 ? ("stepSpecs", "sidecarSpecs") : ("stepOverrides", "sidecarOverrides")
        for key in [stepsKey, sidecarsKey] {
            guard let list = spec.fields[key], list != .null else { continue }
            context.requireAPIFields(key, .beta, at: base / key)
            validateNamedOverrides(list.arrayValue ?? [], at: base / key, &context)
        }
        if let resources = spec.fields["computeResources"], resources != .null {
            context.requireAPIFields("computeResources", .beta, at: base / "computeResources")
            let stepResources = (spec.fields[stepsKey]?.arrayValue ?? []).contains { override in
                guard case .object(let r)? = override[isV1 ? "computeResources" : "resources"] else { return false }
                return !r.isEmpty
            }
            if stepResources {
                context.error(.run, at: base / "computeResources", "computeResources cannot be set both for the TaskRun and in \(base.fieldPath).\(stepsKey); set one")
            }
        }
        let status = spec.string("status") ?? ""
        if !status.isEmpty, status != "TaskRunCancelled", status != "TaskRunPending" {
            context.error(.run, at: base / "status", "status \"\(status)\" should be TaskRunCancelled or TaskRunPending")
        }
        if status.isEmpty, !(spec.string("statusMessage") ?? "").isEmpty {
            context.error(.run, at: base / "statusMessage", "statusMessage should not be set if status is not set")
        }
        if isV1, case .number(let retries)? = spec.fields["retries"], retries.isNegative {
            context.error(.run, at: base / "retries", "retries \(retries) should be >= 0")
        }
        if let timeout = spec.string("timeout"), let duration = GoDuration(timeout), duration.isNegative {
            context.error(.runTimeout, at: base / "timeout", "timeout \"\(timeout)\" should be >= 0")
        }
        if !isV1, spec.fields["resources"].map({ $0 != .null }) ?? false {
            context.error(.v1beta1Resources, at: base / "resources",
                          "must not set the field(s): \(base.fieldPath).resources (PipelineResources were removed from Tekton)")
        }
    }

    /// `validateInlineParameters`: the run's params (typed by their values) and the taskSpec's declarations together
    /// must cover every param the steps use (propagated params), with the same checks as a Task's own.
    private static func validateInlineParameters(_ taskSpec: ResourceSpec, runParams: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        // createParamSpecFromParam, then combineParamSpec; in name order, as Tekton builds them from a map.
        var combined: [String: ParamSpec] = [:]
        for param in runParams {
            guard let name = param["name"]?.stringValue else { continue }
            let value = param["value"] ?? .string("")
            var fields: OrderedDictionary<String, JSONValue> = ["name": .string(name), "type": .string(ParamSpec.valueType(of: value).rawValue), "default": value]
            if case .object(let members) = value, ParamSpec.valueType(of: value) == .object {
                fields["properties"] = .object(.init(uniqueKeysWithValues: members.keys.map { ($0, JSONValue.object(["type": .string("string")])) }))
            }
            combined[name] = ParamSpec(fields: fields)
        }
        for (index, declared) in taskSpec.params.enumerated() {
            guard let name = declared.name else { continue }
            guard var given = combined[name] else { combined[name] = declared; continue }
            let declaredDefaultIsObject: Bool = {
                if case .object? = declared.defaultValue, ParamSpec.valueType(of: declared.defaultValue!) == .object { return true }
                return false
            }()
            if declaredDefaultIsObject || given.declaredType == "object" {
                guard let properties = declared.fields["properties"], properties != .null else {
                    context.error(.paramObject, at: base / "taskSpec" / "params" / index,
                                  "missing field(s): \(name).properties (an object param declares its keys)")
                    continue
                }
                if given.declaredType == "object" { given.fields["properties"] = properties }
            }
            combined[name] = given
        }
        let params = ParamValidation.declared(combined.keys.sorted().map { combined[$0]! })
        let steps = (taskSpec.fields["steps"]?.arrayValue ?? []).enumerated().map { index, value in
            PlacedStep.merging(Step(value) ?? Step(fields: [:]), at: base / "taskSpec" / "steps" / index,
                               template: taskSpec.fields["stepTemplate"], templateAt: base / "taskSpec" / "stepTemplate")
        }
        guard !steps.isEmpty else { return }
        // ValidateParameterTypes and ValidateParameterVariables over the combined params (their findings about
        // declarations are the taskSpec's own, reported there already), then ValidateUsageOfDeclaredParameters.
        TaskValidation.validateArrayUsage(steps, arrays: Set(params.filter { $0.type == "array" }.map(\.name)), &context)
        TaskValidation.validateUsageOfDeclaredParameters(steps, params: params, at: base / "taskSpec", checkProperties: false, &context)
        // ValidateObjectParamsHaveProperties over the combined params, reported where each was declared.
        let declaredAt = Dictionary(taskSpec.params.enumerated().compactMap { i, p in p.name.map { ($0, base / "taskSpec" / "params" / i) } },
                                    uniquingKeysWith: { a, _ in a })
        for param in params where param.type == "object" && param.keys == nil {
            context.error(.paramObject, at: declaredAt[param.name] ?? base / "params",
                          "missing field(s): \(param.name).properties (an object param declares its keys)")
        }
    }

    /// `validateDebug`: the only onFailure breakpoint is "enabled"; beforeSteps are unique.
    private static func validateDebug(_ debug: JSONValue, at base: JSONPointer, _ context: inout LintContext) {
        guard let breakpoints = debug["breakpoints"], breakpoints != .null else { return }
        let onFailure = breakpoints["onFailure"]?.stringValue ?? ""
        if onFailure != "enabled" {
            context.error(.run, at: base / "breakpoints" / "onFailure",
                          onFailure.isEmpty ? "onFailure breakpoint is empty; it can only be \"enabled\"" : "onFailure breakpoint \"\(onFailure)\" is not valid; it can only be \"enabled\"")
        }
        var seen: Set<String> = []
        for (index, step) in (breakpoints["beforeSteps"]?.arrayValue ?? []).enumerated() {
            let name = step.stringValue ?? ""
            if !seen.insert(name).inserted {
                context.error(.run, at: base / "breakpoints" / "beforeSteps" / index, "before step \"\(name)\" is given more than once")
            }
        }
    }

    /// `validateStepSpecs` / `validateSidecarSpecs` (v1beta1: overrides): each names its step, once.
    private static func validateNamedOverrides(_ list: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        var seen: Set<String> = []
        for (index, item) in list.enumerated() {
            let name = item["name"]?.stringValue ?? ""
            if name.isEmpty {
                context.error(.run, at: base / index, "missing field(s): \(base.fieldPath)[\(index)].name")
            } else if !seen.insert(name.lowercased()).inserted {
                context.error(.run, at: base / index / "name", "\"\(name)\" appears more than once in \(base.fieldPath) (names are compared without case)")
            }
        }
    }
}
