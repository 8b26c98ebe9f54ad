/// A Pipeline, as Tekton's `Pipeline.Validate` and `PipelineSpec.Validate` check it
/// (`pkg/apis/pipeline/v1/pipeline_validation.go` and its v1beta1 twin), after `SetDefaults`, on create.
///
/// The checks of one pipeline task are in `PipelineTaskValidation.swift`, those of params and their references in
/// `PipelineParamValidation.swift`, the matrix in `MatrixValidation.swift`, the task graph in `PipelineDAG.swift`.
/// Each Swift function names the Go function it mirrors.
enum PipelineValidation {
    /// How the spec is embedded: a Pipeline of its own must declare every param and workspace its tasks use; the
    /// `pipelineSpec` of a PipelineRun may use the run's (propagated) ones.
    enum Placement { case pipeline, embedded }

    /// A Pipeline spec with its tasks decoded.
    struct SpecView {
        var spec: ResourceSpec
        var base: JSONPointer
        var isV1: Bool
        /// Whether `PipelineSpec.SetDefaults` ran on it: it does for a Pipeline and a PipelineRun's `pipelineSpec`,
        /// not for the `pipelineSpec` of a pipeline task (whose params keep the types as written, and whose
        /// `taskRef`s get no `kind`).
        var defaulted: Bool
        var tasks: [PlacedPipelineTask]
        var finally: [PlacedPipelineTask]
        /// The Pipeline's param declarations, types defaulted as `ParamSpec.SetDefaults` does (when `defaulted`).
        var params: [ParamValidation.Declared]
        var taskNames: Set<String>
        var finallyNames: Set<String>

        init(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, defaulted: Bool) {
            self.spec = spec
            self.base = base
            self.isV1 = isV1
            self.defaulted = defaulted
            tasks = PlacedPipelineTask.list(spec.fields["tasks"], at: base / "tasks")
            finally = PlacedPipelineTask.list(spec.fields["finally"], at: base / "finally")
            var params = ParamValidation.declared((spec.fields["params"]?.arrayValue ?? []).map { ParamSpec($0) ?? ParamSpec(fields: [:]) })
            if !defaulted {
                for index in params.indices { params[index].type = params[index].spec.declaredType ?? "" }
            }
            self.params = params
            taskNames = Set(tasks.map(\.name))
            finallyNames = Set(finally.map(\.name))
        }

        /// The tasks, then the finally tasks.
        var all: [PlacedPipelineTask] { tasks + finally }

        /// `equality.Semantic.DeepEqual(ps, &PipelineSpec{})`: nothing set (empty lists count as unset).
        var isEmpty: Bool {
            for key in ["displayName", "description"] where !(spec.string(key) ?? "").isEmpty { return false }
            for key in ["tasks", "params", "workspaces", "results", "finally", "resources"] where !(spec.fields[key]?.arrayValue ?? []).isEmpty {
                return false
            }
            return true
        }
    }

    /// `Pipeline.Validate` (placement `.pipeline`: `PipelineSpec.Validate`, then `validatePipelineParameterUsage` and
    /// `validatePipelineWorkspacesUsage`, which hold only for a Pipeline of its own) or `PipelineSpec.Validate` alone
    /// (`.embedded`, a PipelineRun's `pipelineSpec`) on the spec at `base`.
    static func validate(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, placement: Placement, _ context: inout LintContext) {
        let view = SpecView(spec, at: base, isV1: isV1, defaulted: true)
        validateSpec(view, &context)
        if placement == .pipeline {
            validatePipelineParameterUsage(view, &context)
            validatePipelineWorkspacesUsage(view, &context)
        }
    }

    /// `PipelineSpec.Validate`, in Tekton's order.
    static func validateSpec(_ view: SpecView, _ context: inout LintContext) {
        validateBetaFields(view, &context)
        if view.isEmpty {
            context.error(.pipelineEmpty, at: view.base,
                          "\(view.base.fieldPath) is empty: a Pipeline needs at least one of description, params, tasks or workspaces")
        }
        if !view.isV1, !(view.spec.fields["resources"]?.arrayValue ?? []).isEmpty {
            context.error(.v1beta1Resources, at: view.base / "resources",
                          "must not set the field(s): \(view.base.fieldPath).resources (PipelineResources were removed from Tekton)")
        }
        validatePipelineTasks(view, &context)
        validateGraph(view, &context)
        validatePipelineParameterVariables(view, &context)
        validatePipelineContextVariables(view.tasks, &context)
        validatePipelineContextVariables(view.finally, &context)
        validateExecutionStatusVariables(view, &context)
        validatePipelineWorkspacesDeclarations(view, &context)
        validatePipelineResults(view, &context)
        validatePipelineRefResultReferencesDisallowed(view, &context)
        validateTasksAndFinallySection(view, &context)
        validateFinalTasks(view, &context)
        validateWhenExpressions(view, &context)
        validateArtifactReference(view, &context)
        MatrixValidation.validateMatrix(view.tasks, view: view, &context)
        MatrixValidation.validateMatrix(view.finally, view: view, &context)
        validateVarSubstitutionExpressions(view.tasks, &context)
        validateVarSubstitutionExpressions(view.finally, &context)
    }

    /// `PipelineSpec.ValidateBetaFields` (`PipelineTask.validateBetaFields`): a `taskRef` resolver or resolver params
    /// need `enable-api-fields` beta. `validateRef` applies the same gates to every `taskRef` but a custom task's, so
    /// they are reported here for custom tasks only, not twice for the others.
    static func validateBetaFields(_ view: SpecView, _ context: inout LintContext) {
        for task in view.all where isCustomTask(task, defaulted: view.defaulted) {
            guard let ref = task.taskRef else { continue }
            if !(ref["resolver"]?.stringValue ?? "").isEmpty {
                context.requireAPIFields("a taskRef resolver", .beta, at: task.pointer / "taskRef" / "resolver")
            }
            if !(ref["params"]?.arrayValue ?? []).isEmpty {
                context.requireAPIFields("taskRef params", .beta, at: task.pointer / "taskRef" / "params")
            }
        }
    }

    /// `validateGraph`: `dag.Build` over `spec.tasks` with `PipelineTask.Deps` (its `runAfter` and the tasks whose
    /// results it uses). A second task of the same name is reported by `validatePipelineTasks` already.
    static func validateGraph(_ view: SpecView, _ context: inout LintContext) {
        var dependencies: [(task: String, on: [String])] = []
        var byName: [String: PlacedPipelineTask] = [:]
        for task in view.tasks {
            let refs = task.resultRefs(isV1: view.isV1).map(\.pipelineTask)
            dependencies.append((task.name, Set(refs).union(task.runAfter).sorted()))
            if byName[task.name] == nil { byName[task.name] = task }
        }
        for failure in PipelineDAG.build(names: view.tasks.map(\.name), dependencies: dependencies) {
            switch failure {
            case .duplicate:
                break
            case .cycle(let path):
                let name = path.first ?? ""
                context.error(.pipelineGraph, at: byName[name]?.pointer ?? view.base / "tasks", path.count == 2
                              ? "task \"\(name)\" depends on itself (through runAfter or a reference to its own results)"
                              : "the pipeline's tasks form a cycle, \(path.joined(separator: " → ")) (each depends on the next through runAfter or a result reference)")
            case .missing(let name, let dependency):
                guard let task = byName[name] else { continue }
                let finallyNote = view.finallyNames.contains(dependency)
                    ? "; \"\(dependency)\" is a finally task, and tasks cannot depend on finally tasks" : ""
                if let index = task.runAfter.firstIndex(of: dependency) {
                    context.error(.pipelineGraph, at: task.pointer / "runAfter" / index,
                                  "task \"\(name)\" runs after \"\(dependency)\", but \(view.base.fieldPath).tasks has no task \"\(dependency)\"\(finallyNote)")
                } else {
                    context.error(.pipelineGraph, at: task.pointer,
                                  "task \"\(name)\" uses a result of \"\(dependency)\", but \(view.base.fieldPath).tasks has no task \"\(dependency)\"\(finallyNote)")
                }
            }
        }
    }

    /// Tekton's context variables of pipeline task params: prefix and names.
    private static let contextVariables: [(prefix: String, names: Set<String>)] = [
        ("context.pipelineRun", ["name", "namespace", "uid"]), ("context.pipeline", ["name"]), ("context.pipelineTask", ["retries"]),
    ]

    /// `validatePipelineContextVariables`: `$(context.pipelineRun.…)`, `$(context.pipeline.…)` and
    /// `$(context.pipelineTask.…)` in params name variables Tekton provides. Tekton's loop keeps only the last task's
    /// param values, so only the last task of the list is checked, and `when` never.
    static func validatePipelineContextVariables(_ tasks: [PlacedPipelineTask], _ context: inout LintContext) {
        guard let last = tasks.last else { return }
        for param in last.allParams {
            for (pointer, text) in param.value.strings(at: param.valuePointer) {
                for (prefix, names) in contextVariables {
                    guard let problem = Substitution.unknownVariable(in: text, prefix: prefix, known: names) else { continue }
                    if problem.kind == .tooManyDots {
                        context.error(.contextReference, at: pointer,
                                      "\(problem.reference): only two dot-separated parts may follow \"\(prefix)\"")
                    } else {
                        context.error(.contextReference, at: pointer,
                                      "\(problem.reference) is not a context variable Tekton provides to pipeline tasks; they are $(context.pipelineRun.name), "
                                          + "$(context.pipelineRun.namespace), $(context.pipelineRun.uid), $(context.pipeline.name) and $(context.pipelineTask.retries)")
                    }
                }
            }
        }
    }

    /// `containsExecutionStatusRef`: `tasks.<task>.status`, `tasks.<task>.reason` or `tasks.status`.
    static func isExecutionStatusRef(_ expression: String) -> Bool {
        expression.hasPrefix("tasks.") && (expression.hasSuffix(".status") || expression.hasSuffix(".reason"))
    }

    /// `validateExecutionStatusVariables`: `validateExecutionStatusVariablesInTasks` (a task of `spec.tasks` cannot
    /// read another's status: `validateContainsExecutionStatusVariablesDisallowed`) and
    /// `validateExecutionStatusVariablesInFinally` (a finally task reads only the status of tasks of `spec.tasks`).
    /// Params and `when` only, never steps; an expression list that holds a result reference is not checked.
    static func validateExecutionStatusVariables(_ view: SpecView, _ context: inout LintContext) {
        for task in view.tasks {
            for param in task.params {
                if let status = disallowedExecutionStatus(param.value.expressions) {
                    reportDisallowedStatus(status, task: task, at: param.valuePointer, &context)
                }
            }
            for index in task.when.indices {
                if let status = disallowedExecutionStatus(task.whenExpressions(index)) {
                    reportDisallowedStatus(status, task: task, at: task.pointer / "when" / index, &context)
                }
            }
        }
        for task in view.finally {
            for param in task.params {
                validateExecutionStatusVariablesExpressions(param.value.expressions, task: task, view: view, at: param.valuePointer, &context)
            }
            for index in task.when.indices {
                validateExecutionStatusVariablesExpressions(task.whenExpressions(index), task: task, view: view, at: task.pointer / "when" / index, &context)
            }
        }
    }

    /// `containsExecutionStatusReferences`: the first status reference, unless some expression is a result reference.
    private static func disallowedExecutionStatus(_ expressions: [String]) -> String? {
        guard !PipelineExpressions.containsResultRefs(expressions) else { return nil }
        return expressions.first(where: isExecutionStatusRef)
    }

    private static func reportDisallowedStatus(_ expression: String, task: PlacedPipelineTask, at pointer: JSONPointer, _ context: inout LintContext) {
        context.error(.executionStatus, at: pointer,
                      "pipeline task \"\(task.name)\" uses $(\(expression)): only finally tasks can read the execution status or reason of other tasks")
    }

    /// `validateExecutionStatusVariablesExpressions`: `$(tasks.<task>.status)` and `…reason` of a finally task name
    /// a task of `spec.tasks` (`$(tasks.status)` is the aggregate status).
    private static func validateExecutionStatusVariablesExpressions(_ expressions: [String], task: PlacedPipelineTask, view: SpecView,
                                                                    at pointer: JSONPointer, _ context: inout LintContext) {
        guard !PipelineExpressions.containsResultRefs(expressions) else { return }
        for expression in expressions where expression != "tasks.status" && isExecutionStatusRef(expression) {
            let name = String(expression.dropFirst("tasks.".count).dropLast(expression.hasSuffix(".status") ? ".status".count : ".reason".count))
            guard !view.taskNames.contains(name) else { continue }
            let note = view.finallyNames.contains(name) ? " (\"\(name)\" is a finally task; finally tasks can read the status of spec.tasks only)" : ""
            context.error(.executionStatus, at: pointer,
                          "finally task \"\(task.name)\" uses $(\(expression)), but \(view.base.fieldPath).tasks has no task \"\(name)\"\(note)")
        }
    }

    /// `validatePipelineWorkspacesDeclarations`: every declared workspace has a name, used once.
    static func validatePipelineWorkspacesDeclarations(_ view: SpecView, _ context: inout LintContext) {
        var seen: Set<String> = []
        for (index, workspace) in (view.spec.fields["workspaces"]?.arrayValue ?? []).enumerated() {
            let at = view.base / "workspaces" / index
            let name = workspace["name"]?.stringValue ?? ""
            if name.isEmpty {
                context.error(.workspace, at: at, "workspace \(index) of the Pipeline has an empty name")
            }
            if !seen.insert(name).inserted {
                context.error(.workspace, at: at / "name", "workspace \"\(name)\" is declared more than once in \(view.base.fieldPath).workspaces")
            }
        }
    }

    /// What `taskContainsResult` finds wrong in a pipeline result's value.
    private enum ResultValueProblem {
        /// A `$`-separated piece that is not `$(tasks.<task>.results.<result>…)`.
        case notAReference(String)
        /// A reference to a task missing from `section` (`tasks` or `finally`).
        case noSuchTask(name: String, section: String)
    }

    /// `taskContainsResult`: split at every `$`, each piece must read as a result reference (text after its `)` is
    /// tolerated, text before the first `$` is not) of a task of its section.
    private static func taskContainsResult(_ value: String, view: SpecView) -> ResultValueProblem? {
        for (index, piece) in value.split(separator: "$", omittingEmptySubsequences: false).enumerated() where !piece.isEmpty {
            var expression = "$" + piece
            if expression.hasPrefix("$(") { expression.removeFirst(2) }
            if expression.hasSuffix(")") { expression.removeLast() }
            guard let ref = PipelineExpressions.parseTaskExpression(expression) else {
                return .notAReference(index == 0 ? String(piece) : "$" + piece)
            }
            if expression.hasPrefix("tasks"), !view.taskNames.contains(ref.pipelineTask) {
                return .noSuchTask(name: ref.pipelineTask, section: "tasks")
            }
            if expression.hasPrefix("finally"), !view.finallyNames.contains(ref.pipelineTask) {
                return .noSuchTask(name: ref.pipelineTask, section: "finally")
            }
        }
        return nil
    }

    /// `validatePipelineResults`: a pipeline result's value is made of task results, `$(tasks.<task>.results.<name>)`
    /// or `$(finally.<task>.results.<name>)`, of tasks that exist.
    static func validatePipelineResults(_ view: SpecView, _ context: inout LintContext) {
        for (index, result) in (view.spec.fields["results"]?.arrayValue ?? []).enumerated() {
            let at = view.base / "results" / index / "value"
            let name = result["name"]?.stringValue ?? ""
            let value = PipelineParamValue(result["value"])
            let expressions = value.expressions
            var reported = true
            if expressions.isEmpty {
                context.error(.pipelineResult, at: at,
                              "pipeline result \"\(name)\" must be made of task results, $(tasks.<task>.results.<result>) or $(finally.<task>.results.<result>), but its value has no such reference")
            } else if !PipelineExpressions.containsResultRefs(expressions) {
                context.error(.pipelineResult, at: at,
                              "pipeline result \"\(name)\" must be made of task results, $(tasks.<task>.results.<result>) or $(finally.<task>.results.<result>), not of params or other variables")
            } else if let bad = expressions.first(where: { PipelineExpressions.looksLikeResultRef($0) && PipelineExpressions.parseTaskExpression($0) == nil }) {
                context.error(.pipelineResult, at: at,
                              "pipeline result \"\(name)\" uses $(\(bad)), which is not a result reference Tekton can read: use $(tasks.<task>.results.<result>) or, for a key of an object result, $(tasks.<task>.results.<result>.<key>)")
            } else {
                reported = false
            }
            switch taskContainsResult(value.stringVal, view: view) {
            case .noSuchTask(let task, let section)?:
                let note = section == "tasks" && view.finallyNames.contains(task)
                    ? "; \"\(task)\" is a finally task, whose results are $(finally.\(task).results.<result>)" : ""
                context.error(.pipelineResult, at: at,
                              "pipeline result \"\(name)\" refers to task \"\(task)\", but \(view.base.fieldPath).\(section) has no such task\(note)")
            case .notAReference(let piece)? where !reported:
                context.error(.pipelineResult, at: at,
                              "pipeline result \"\(name)\": \"\(piece)\" is not a task result reference; Tekton reads the value as result references only, each starting with $ (text may follow a reference, not precede the first)")
            default:
                break
            }
        }
    }

    /// `validatePipelineRefResultReferencesDisallowed`: no task uses a result of a task of `spec.tasks` that runs a
    /// Pipeline (`pipelineRef` or `pipelineSpec`): Tekton does not pass results out of a child Pipeline yet.
    static func validatePipelineRefResultReferencesDisallowed(_ view: SpecView, _ context: inout LintContext) {
        let childPipelines = Set(view.tasks.filter { $0.pipelineRef != nil || $0.pipelineSpec != nil }.map(\.name))
        guard !childPipelines.isEmpty else { return }
        for task in view.all {
            var reported: Set<String> = []
            for ref in task.resultRefs(isV1: view.isV1) where childPipelines.contains(ref.pipelineTask) && reported.insert(ref.pipelineTask).inserted {
                context.error(.resultReference, at: task.pointer,
                              "pipeline task \"\(task.name)\" uses a result of \"\(ref.pipelineTask)\", which runs a Pipeline (pipelineRef or pipelineSpec): Tekton cannot pass results out of a child Pipeline yet")
            }
        }
    }

    /// `validateTasksAndFinallySection`: finally tasks need tasks to follow.
    static func validateTasksAndFinallySection(_ view: SpecView, _ context: inout LintContext) {
        guard !view.finally.isEmpty, view.tasks.isEmpty else { return }
        context.error(.pipelineFinally, at: view.base / "finally",
                      "\(view.base.fieldPath).tasks is empty but \(view.base.fieldPath).finally has \(view.finally.count) task\(view.finally.count == 1 ? "" : "s"): a Pipeline with finally tasks needs tasks")
    }

    /// `validateFinalTasks`: no `runAfter` in finally, and `validateTaskResultReferenceInFinallyTasks`.
    static func validateFinalTasks(_ view: SpecView, _ context: inout LintContext) {
        for task in view.finally where !task.runAfter.isEmpty {
            context.error(.pipelineFinally, at: task.pointer / "runAfter",
                          "finally task \"\(task.name)\" cannot have runAfter: finally tasks all run, in parallel, once the pipeline's tasks are done")
        }
        validateTaskResultReferenceInFinallyTasks(view, &context)
    }

    /// `validateTaskResultReferenceInFinallyTasks`: the result references in finally params and `when` (not in steps).
    static func validateTaskResultReferenceInFinallyTasks(_ view: SpecView, _ context: inout LintContext) {
        for task in view.finally {
            for param in task.params {
                validateResultsVariablesExpressionsInFinally(param.value.expressions, task: task, view: view, at: param.valuePointer, &context)
            }
            for index in task.when.indices {
                validateResultsVariablesExpressionsInFinally(task.whenExpressions(index), task: task, view: view, at: task.pointer / "when" / index, &context)
            }
        }
    }

    /// `validateResultsVariablesExpressionsInFinally`: a finally task reads results of tasks of `spec.tasks` only.
    private static func validateResultsVariablesExpressionsInFinally(_ expressions: [String], task: PlacedPipelineTask, view: SpecView,
                                                                     at pointer: JSONPointer, _ context: inout LintContext) {
        guard PipelineExpressions.containsResultRefs(expressions) else { return }
        for ref in PipelineExpressions.resultRefs(expressions) {
            if view.finallyNames.contains(ref.pipelineTask) {
                context.error(.resultReference, at: pointer,
                              "finally task \"\(task.name)\" uses a result of \"\(ref.pipelineTask)\", another finally task: finally tasks run in parallel and read results of \(view.base.fieldPath).tasks only")
            } else if !view.taskNames.contains(ref.pipelineTask) {
                context.error(.resultReference, at: pointer,
                              "finally task \"\(task.name)\" uses a result of \"\(ref.pipelineTask)\", but \(view.base.fieldPath).tasks has no such task")
            }
        }
    }

    /// `validateWhenExpressions`: each `when` of tasks and finally tasks (`WhenExpressions.validate`).
    static func validateWhenExpressions(_ view: SpecView, _ context: inout LintContext) {
        for task in view.all where !task.when.isEmpty {
            WhenValidation.validate(task.when, at: task.pointer / "when", &context)
        }
    }

    /// `validateArtifactReference`: `$(tasks.<task>.inputs|outputs.<name>)` in task params needs `enable-artifacts`
    /// (Tekton reports the first one only).
    static func validateArtifactReference(_ view: SpecView, _ context: inout LintContext) {
        guard !context.flags.enableArtifacts else { return }
        for task in view.all {
            for param in task.params {
                for (pointer, text) in param.value.strings(at: param.valuePointer) where containsTaskArtifact(text) {
                    context.error(.featureFlag, at: pointer,
                                  FeatureFlags.flagMessage("an artifact reference ($(tasks.<task>.outputs.<name>)) in the params of pipeline task \"\(task.name)\"",
                                                           key: FeatureFlags.Key.enableArtifacts))
                    return
                }
            }
        }
    }

    /// `artifactref.TaskArtifactRegex` alone (not the literal `$(artifacts.path)`).
    private static func containsTaskArtifact(_ value: String) -> Bool {
        TektonPatterns.containsArtifactUsage(value, root: "tasks")
    }

    /// The first part of the variables Tekton substitutes in a pipeline task.
    private static let validPrefixes: Set<String> = ["params", "tasks", "finally", "context", "workspaces", "results"]

    /// `validateVarSubstitutionExpressions`: every `$(…)` in params, `when` and (of a matrixed task) matrix params
    /// starts with a prefix Tekton substitutes; `$(HOME)` is a shell variable written the wrong way.
    static func validateVarSubstitutionExpressions(_ tasks: [PlacedPipelineTask], _ context: inout LintContext) {
        for task in tasks {
            var places: [(pointer: JSONPointer, expressions: [String])] = []
            for param in task.params { places.append((param.valuePointer, param.value.expressions)) }
            for index in task.when.indices { places.append((task.pointer / "when" / index, task.whenExpressions(index))) }
            if task.isMatrixed {
                for param in task.matrixParams + task.matrixInclude.flatMap(\.params) { places.append((param.valuePointer, param.value.expressions)) }
            }
            for (pointer, expressions) in places {
                for expression in expressions where !validPrefixes.contains(String(expression.prefix { $0 != "." })) {
                    context.error(.variablePrefix, at: pointer,
                                  "$(\(expression)) is not a variable Tekton substitutes: references start with params, tasks, finally, context, workspaces or results; for a shell variable write ${VAR}")
                }
            }
        }
    }

    /// `validatePipelineWorkspacesUsage` (`validatePipelineTasksWorkspacesUsage`): the workspaces tasks bind are
    /// declared by the Pipeline (a Pipeline of its own only).
    static func validatePipelineWorkspacesUsage(_ view: SpecView, _ context: inout LintContext) {
        let declared = Set((view.spec.fields["workspaces"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" })
        for task in view.all {
            validateWorkspaces(task, declared: declared, &context)
        }
    }
}
