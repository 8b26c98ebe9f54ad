/// A Task spec, as Tekton's `Task.Validate` and `TaskSpec.Validate` check it (`pkg/apis/pipeline/v1/task_validation.go`
/// and its v1beta1 twin), for a Task, the `taskSpec` of a Pipeline task and the `taskSpec` of a TaskRun.
enum TaskValidation {
    /// How the spec is embedded, which decides the checks Tekton applies to its variables.
    enum Placement {
        /// A Task of its own (`Task.Validate`): every param a step uses must be declared.
        case task
        /// Inside a Pipeline or a run: params may come from the enclosing Pipeline or run (propagated), so
        /// Tekton does not check that they are declared.
        case embedded
    }

    /// `TaskSpec.Validate` (plus, for a `.task`, `ValidateUsageOfDeclaredParameters`) on the spec at `base`.
    static func validate(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, placement: Placement, _ context: inout LintContext) {
        let rawSteps = spec.fields["steps"]?.arrayValue ?? []
        if rawSteps.isEmpty {
            context.error(.stepsRequired, at: base, "missing field(s): \(base.fieldPath.isEmpty ? "" : base.fieldPath + ".")steps: a Task needs at least one step")
        }
        validateVolumes(spec, at: base, &context)
        validateDeclaredWorkspaces(spec, at: base, &context)
        validateWorkspaceUsages(spec, at: base, &context)
        let template = spec.fields["stepTemplate"]
        let steps = rawSteps.enumerated().map { index, value in
            PlacedStep.merging(Step(value) ?? Step(fields: [:]), at: base / "steps" / index, template: template, templateAt: base / "stepTemplate")
        }
        validateSteps(steps, &context)
        validateSidecars(spec, at: base, isV1: isV1, &context)
        let params = ParamValidation.declared(spec.params)
        ParamValidation.validateTypes(params, at: base / "params", &context)
        // ValidateParameterVariables
        ParamValidation.validateUniqueNames(params, at: base / "params", &context)
        ParamValidation.validateEnums(params, at: base / "params", &context)
        ParamValidation.validateNameFormat(params, at: base / "params", &context)
        validateArrayUsage(steps, arrays: Set(params.filter { $0.type == "array" }.map(\.name)), &context)
        validateContextVariables(steps, &context)
        validateResultsVariables(steps, results: Set(spec.results.compactMap(\.name)), &context)
        ResultValidation.validateTaskResults(spec.fields["results"]?.arrayValue ?? [], at: base / "results", &context)
        if !isV1, spec.fields["resources"].map({ $0 != .null }) ?? false {
            context.error(.v1beta1Resources, at: base / "resources",
                          "must not set the field(s): \(base.fieldPath).resources (PipelineResources were removed from Tekton)")
        }
        if placement == .task {
            validateUsageOfDeclaredParameters(steps, params: params, at: base, &context)
        }
    }

    /// Declared params as the usage checks look them up, built once per list (a Pipeline's are shared by all its
    /// tasks, so checking T tasks against P params costs T + P, not T × P).
    struct ParamScope {
        var names: Set<String>
        /// Object params and their keys (an object without `properties` has none).
        var objectKeys: [String: Set<String>]

        init(_ params: [ParamValidation.Declared]) {
            names = Set(params.map(\.name))
            objectKeys = [:]
            for param in params where param.type == "object" { objectKeys[param.name] = Set(param.keys ?? []) }
        }
    }

    /// `ValidateUsageOfDeclaredParameters`: params used by steps are declared, object keys exist, objects are not used
    /// whole, object params declare their keys.
    static func validateUsageOfDeclaredParameters(_ steps: [PlacedStep], params: [ParamValidation.Declared], at base: JSONPointer,
                                                  checkProperties: Bool = true, _ context: inout LintContext) {
        validateUsageOfDeclaredParameters(steps, scopes: [ParamScope(params)], &context)
        if checkProperties { ParamValidation.validateObjectsHaveProperties(params, at: base / "params", &context) }
    }

    /// The same over params declared in several lists (a taskSpec's own and its Pipeline's): a name is declared
    /// when one list declares it; an object's key must be among the keys of every list declaring that object.
    ///
    /// Tekton runs one regular-expression scan per object param (`validateVariables` with prefix
    /// `params.<object>`); one scan with prefix `params` finds the same references, since both end at the first `)`,
    /// so each field is read once.
    static func validateUsageOfDeclaredParameters(_ steps: [PlacedStep], scopes: [ParamScope], _ context: inout LintContext) {
        validateParamUsage(steps.flatMap { $0.variableFields().map { ($0.pointer, $0.text, $0.role != .onError) } }, scopes: scopes, &context)
    }

    /// The param usage checks over string fields (pointer, text, and whether a whole object is refused there): every
    /// `$(params.x)` declared in one of `scopes`, an object's key among its keys, no object used whole.
    static func validateParamUsage(_ fields: [(pointer: JSONPointer, text: String, refusesWholeObjects: Bool)], scopes: [ParamScope],
                                   _ context: inout LintContext) {
        func declared(_ name: String) -> Bool { scopes.contains { $0.names.contains(name) } }
        let objectScopes = scopes.filter { !$0.objectKeys.isEmpty }
        for field in fields {
            let (names, found, problem) = Substitution.variables(in: field.text, prefix: "params")
            if let problem {
                reportUnknown(problem, prefix: "params", objectKeysOf: nil, at: field.pointer, &context)
                continue
            }
            if let (name, match) = zip(names, found).first(where: { !declared(Substitution.trimArrayIndex($0.0)) }) {
                reportUnknown(Substitution.Problem(kind: .unknown, reference: match.text, variable: Substitution.trimArrayIndex(name)),
                              prefix: "params", objectKeysOf: nil, at: field.pointer, &context)
            }
            guard !objectScopes.isEmpty else { continue }
            // validateObjectUsage: `$(params.<object>.<key>)` names a declared key.
            for match in found where match.dotted {
                let parts = match.variable.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { continue }
                let object = String(parts[0])
                let key = Substitution.trimArrayIndex(String(parts[1].split(separator: ".", omittingEmptySubsequences: false)[0]))
                if objectScopes.contains(where: { scope in scope.objectKeys[object].map { !$0.contains(key) } ?? false }) {
                    reportUnknown(Substitution.Problem(kind: .unknown, reference: match.text, variable: key),
                                  prefix: "params.\(object)", objectKeysOf: object, at: field.pointer, &context)
                }
            }
            // validateObjectUsageAsWhole
            guard field.refusesWholeObjects else { continue }
            for match in found {
                let whole = match.variable.dropSuffix("[*]")
                if objectScopes.contains(where: { $0.objectKeys[whole] != nil }) {
                    context.error(.paramObjectUsage, at: field.pointer,
                                  "\(match.text): a whole object param cannot be used here; use one key, $(params.\(whole).KEY)")
                    break
                }
            }
        }
    }

    /// `validateVariables`: references with `prefix` in the step fields Tekton reads must name one of `known`.
    static func validateVariables(_ steps: [PlacedStep], prefix: String, known: Set<String>, _ context: inout LintContext) {
        for placed in steps {
            for field in placed.variableFields() {
                guard let problem = Substitution.unknownVariable(in: field.text, prefix: prefix, known: known) else { continue }
                reportUnknown(problem, prefix: prefix, objectKeysOf: nil, at: field.pointer, &context)
            }
        }
    }

    /// The sentence for a reference `Substitution` found wrong.
    static func reportUnknown(_ problem: Substitution.Problem, prefix: String, objectKeysOf object: String?, at pointer: JSONPointer,
                              _ context: inout LintContext) {
        switch problem.kind {
        case .tooManyDots:
            context.error(.paramReference, at: pointer,
                          "\(problem.reference): only two dot-separated parts may follow \"\(prefix)\"; a name with dots is written $(\(prefix)[\"a.b\"])")
        case .unknown where object != nil:
            context.error(.paramReference, at: pointer, "\(problem.reference): object param \"\(object!)\" has no key \"\(problem.variable)\"")
        case .unknown where prefix.hasPrefix("context."):
            context.error(.contextReference, at: pointer, "\(problem.reference) is not a context variable Tekton provides in a Task")
        default:
            context.error(.paramReference, at: pointer, "\(problem.reference) refers to \(prefix == "params" ? "param" : prefix) \"\(problem.variable)\", which is not declared")
        }
    }

    /// `validateArrayUsage`: a whole array param may only be an entire `command` or `args` element.
    static func validateArrayUsage(_ steps: [PlacedStep], arrays: Set<String>, _ context: inout LintContext) {
        guard !arrays.isEmpty else { return }
        for placed in steps {
            for field in placed.variableFields() where field.role != .onError {
                let problem = field.role == .commandOrArgs
                    ? Substitution.notIsolated(in: field.text, prefix: "params", names: arrays)
                    : Substitution.prohibitedVariable(in: field.text, prefix: "params", names: arrays)
                guard let problem else { continue }
                switch problem.kind {
                case .notIsolated:
                    context.error(.paramArrayUsage, at: field.pointer,
                                  "\(problem.reference) is not isolated: a whole array param must be the entire command or args element")
                case .tooManyDots:
                    reportUnknown(problem, prefix: "params", objectKeysOf: nil, at: field.pointer, &context)
                default:
                    context.error(.paramArrayUsage, at: field.pointer,
                                  "\(problem.reference): a whole array param can only be used as a complete element of command or args; use one element, $(params.\(problem.variable)[0])")
                }
            }
        }
    }

    /// `validateTaskContextVariables`: `$(context.taskRun.{name,namespace,uid})`, `$(context.task.{name,retry-count})`.
    static func validateContextVariables(_ steps: [PlacedStep], _ context: inout LintContext) {
        validateVariables(steps, prefix: "context.taskRun", known: ["name", "namespace", "uid"], &context)
        validateVariables(steps, prefix: "context.task", known: ["name", "retry-count"], &context)
    }

    /// `validateTaskResultsVariables`: `$(results.<name>.path)` in a script names a declared result.
    static func validateResultsVariables(_ steps: [PlacedStep], results: Set<String>, _ context: inout LintContext) {
        for placed in steps {
            guard let script = placed.step.script,
                  let problem = Substitution.unknownVariable(in: script, prefix: "results", known: results) else { continue }
            context.error(.resultReference, at: placed.pointer("script"),
                          problem.kind == .tooManyDots ? "\(problem.reference): a result reference is $(results.<name>.path)"
                                                       : "\(problem.reference) refers to result \"\(problem.variable)\", which the Task does not declare")
        }
    }

    /// `StepList.Validate`: unique names, each step, its results and its `when`.
    static func validateSteps(_ steps: [PlacedStep], _ context: inout LintContext) {
        var names: Set<String> = []
        for placed in steps {
            let step = placed.step
            if let name = step.name, !name.isEmpty, !names.insert(name).inserted {
                context.error(.stepUnique, at: placed.base / "name", "step name \"\(name)\" is used by an earlier step; step names must be unique")
            }
            StepValidation.validate(placed, &context)
            if let results = step.fields["results"]?.arrayValue {
                // ValidateStepResultsVariables, ValidateStepResults
                let declared = Set(results.compactMap { $0["name"]?.stringValue })
                if let script = step.script, let problem = Substitution.unknownVariable(in: script, prefix: "step.results", known: declared) {
                    context.error(.resultReference, at: placed.pointer("script"),
                                  "\(problem.reference) refers to step result \"\(problem.variable)\", which the step does not declare")
                }
                ResultValidation.validateStepResults(results, at: placed.pointer("results"), defaulted: false, &context)
            }
            if let when = step.fields["when"]?.arrayValue, !when.isEmpty {
                WhenValidation.validate(when, at: placed.pointer("when"), &context)
            }
        }
    }

    /// `ValidateVolumes`: volume names are unique.
    private static func validateVolumes(_ spec: ResourceSpec, at base: JSONPointer, _ context: inout LintContext) {
        var names: Set<String> = []
        for (index, volume) in (spec.fields["volumes"]?.arrayValue ?? []).enumerated() {
            let name = volume["name"]?.stringValue ?? ""
            if !names.insert(name).inserted {
                context.error(.volumeUnique, at: base / "volumes" / index / "name", "multiple volumes with same name \"\(name)\"")
            }
        }
    }

    /// `validateDeclaredWorkspaces`: unique names, and mount paths used by nothing else.
    private static func validateDeclaredWorkspaces(_ spec: ResourceSpec, at base: JSONPointer, _ context: inout LintContext) {
        var mountPaths: [String: String] = [:]
        for step in spec.fields["steps"]?.arrayValue ?? [] {
            for mount in step["volumeMounts"]?.arrayValue ?? [] {
                mountPaths[cleanPath(mount["mountPath"]?.stringValue ?? "")] = "a step's volumeMount"
            }
        }
        for mount in spec.fields["stepTemplate"]?["volumeMounts"]?.arrayValue ?? [] {
            mountPaths[cleanPath(mount["mountPath"]?.stringValue ?? "")] = "a stepTemplate volumeMount"
        }
        var names: Set<String> = []
        for (index, workspace) in (spec.fields["workspaces"]?.arrayValue ?? []).enumerated() {
            let at = base / "workspaces" / index
            let name = workspace["name"]?.stringValue ?? ""
            if !names.insert(name).inserted {
                context.error(.workspace, at: at / "name", "workspace name \"\(name)\" must be unique")
            }
            let given = workspace["mountPath"]?.stringValue ?? ""
            let path = cleanPath(given.isEmpty ? "/workspace/\(name)" : given)
            if let other = mountPaths[path] {
                context.error(.workspace, at: at, "workspace mount path \"\(path)\" must be unique (also used by \(other))")
            }
            mountPaths[path] = "workspace \"\(name)\""
        }
    }

    /// `validateWorkspaceUsages`: step and sidecar `workspaces` (beta) name declared workspaces.
    private static func validateWorkspaceUsages(_ spec: ResourceSpec, at base: JSONPointer, _ context: inout LintContext) {
        let declared = Set((spec.fields["workspaces"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        for section in ["steps", "sidecars"] {
            for (index, container) in (spec.fields[section]?.arrayValue ?? []).enumerated() {
                let usages = container["workspaces"]?.arrayValue ?? []
                guard !usages.isEmpty else { continue }
                context.requireAPIFields("\(section == "steps" ? "step" : "sidecar") workspaces", .beta, at: base / section / index / "workspaces")
                for (j, usage) in usages.enumerated() {
                    let name = usage["name"]?.stringValue ?? ""
                    if !declared.contains(name) {
                        context.error(.workspace, at: base / section / index / "workspaces" / j / "name", "undefined workspace \"\(name)\": the Task declares no such workspace")
                    }
                }
            }
        }
    }

    /// `SidecarList.Validate` (v1); v1beta1's `validateSidecarNames` checks only the reserved name.
    private static func validateSidecars(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, _ context: inout LintContext) {
        for (index, value) in (spec.fields["sidecars"]?.arrayValue ?? []).enumerated() {
            let sidecar = Step(value) ?? Step(fields: [:])
            let at = base / "sidecars" / index
            if isV1 {
                StepValidation.validateSidecar(sidecar, at: at, &context)
            } else if sidecar.name == "tekton-log-results" {
                context.error(.sidecar, at: at / "name", "cannot use reserved sidecar name tekton-log-results")
            }
        }
    }
}
