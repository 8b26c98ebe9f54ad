/// The `matrix` of pipeline tasks, as Tekton checks it (`pkg/apis/pipeline/v1/matrix_types.go` and the matrix parts of
/// `pipeline_validation.go`; v1beta1's twin differs only in how it counts combinations).
enum MatrixValidation {
    /// Tekton's `default-max-matrix-combinations-count` (config-defaults, not a feature flag).
    static let maxCombinations = 256

    /// `validateMatrix` on one list (tasks or finally): each task's matrix, then the results of matrixed tasks
    /// that other tasks of the same list consume (`validateTaskResultsFromMatrixedPipelineTasksConsumed`).
    static func validateMatrix(_ tasks: [PlacedPipelineTask], view: PipelineValidation.SpecView, _ context: inout LintContext) {
        for task in tasks {
            validateTaskMatrix(task, isV1: view.isV1, &context)
        }
        validateTaskResultsFromMatrixedPipelineTasksConsumed(tasks, defaulted: view.defaulted, &context)
    }

    /// `PipelineTask.validateMatrix`: a matrix (beta) of at most 256 combinations, params unique in it, and no param
    /// both in the matrix and in the task's params.
    static func validateTaskMatrix(_ task: PlacedPipelineTask, isV1: Bool, _ context: inout LintContext) {
        let at = task.pointer / "matrix"
        if task.isMatrixed {
            context.requireAPIFields("matrix", .beta, at: at)
            // validateCombinationsCount
            let count = countCombinations(task, isV1: isV1)
            if count > maxCombinations {
                context.error(.matrix, at: at,
                              "the matrix of pipeline task \"\(task.name)\" makes \(count == Int.max ? "too many" : String(count)) combinations; Tekton allows at most \(maxCombinations) (default-max-matrix-combinations-count)")
            }
            // validateUniqueParams
            for include in task.matrixInclude {
                PipelineValidation.validateDuplicateParameters(include.params, of: task, &context)
            }
            PipelineValidation.validateDuplicateParameters(task.matrixParams, of: task, &context)
        }
        // validateParameterInOneOfMatrixOrParams
        let matrixNames = Set((task.matrixParams + task.matrixInclude.flatMap(\.params)).map(\.name))
        for param in task.params where matrixNames.contains(param.name) {
            context.error(.matrix, at: param.pointer / "name",
                          "param \"\(param.name)\" of pipeline task \"\(task.name)\" is given both in params and in the matrix; give it in one of them")
        }
    }

    /// `Matrix.CountCombinations`: the product of the matrix params' lengths (`countGeneratedCombinationsFromParams`;
    /// v1 skips an empty or non-array param, v1beta1 multiplies by its 0) plus the include combinations that add one
    /// (`countNewCombinationsFromInclude`), capped at `Int.max`.
    static func countCombinations(_ task: PlacedPipelineTask, isV1: Bool) -> Int {
        var count = 0
        if !task.matrixParams.isEmpty {
            count = 1
            for param in task.matrixParams {
                let length = param.value.arrayVal?.count ?? 0
                if length > 0, count > Int.max / length { return Int.max }
                if length > 0 || !isV1 { count *= length }
            }
        }
        let include = countNewCombinationsFromInclude(task)
        return count > Int.max - include ? Int.max : count + include
    }

    /// `Matrix.countNewCombinationsFromInclude`: without matrix params every include combination is one; with them,
    /// an include combination adds one for each of its params (up to the first whose value a matrix param of that
    /// name has) whose value is not among that matrix param's.
    static func countNewCombinationsFromInclude(_ task: PlacedPipelineTask) -> Int {
        guard !task.matrixInclude.isEmpty else { return 0 }
        guard !task.matrixParams.isEmpty else { return task.matrixInclude.count }
        var values: [String: Set<String>] = [:]
        for param in task.matrixParams { values[param.name] = Set(param.value.arrayVal ?? []) }
        var count = 0
        for include in task.matrixInclude {
            for param in include.params {
                guard let existing = values[param.name] else { continue }
                if existing.contains(param.value.stringVal) { break }
                count += 1
            }
        }
        return count
    }

    /// `Matrix.validatePipelineParametersVariablesInMatrixParameters`: the string value of each include param as a
    /// string variable, each element of each matrix param (that is an array) as an array variable. Matrix params are
    /// not type-checked: a string value is not looked at.
    static func validatePipelineParametersVariablesInMatrixParameters(_ task: PlacedPipelineTask, names: PipelineValidation.ParamNames,
                                                                      _ context: inout LintContext) {
        for include in task.matrixInclude {
            for param in include.params {
                PipelineValidation.validateStringVariable(param.value.stringVal, names: names, at: param.valuePointer, &context)
            }
        }
        for param in task.matrixParams {
            for (index, element) in (param.value.arrayVal ?? []).enumerated() {
                PipelineValidation.validateArrayVariable(element, names: names, at: param.valuePointer / index, &context)
            }
        }
    }

    /// `validateTaskResultsFromMatrixedPipelineTasksConsumed`: a task's param consumes a matrixed task's result only
    /// whole, `[*]` (`findAndValidateResultRefsForMatrix`, `validateMatrixedPipelineTaskConsumed`: Tekton stops at the
    /// first param that does not), and a consumed result of a matrixed task is a string
    /// (`validateMatrixEmittingStringResults`). Tasks are looked up by name in this list only, and, as in Tekton, only
    /// the last param with result references is checked for string results, and a `taskRef` is looked up among the
    /// list's task names.
    static func validateTaskResultsFromMatrixedPipelineTasksConsumed(_ tasks: [PlacedPipelineTask], defaulted: Bool, _ context: inout LintContext) {
        var byName: [String: PlacedPipelineTask] = [:]
        for task in tasks { byName[task.name] = task }
        var consumed: [PipelineExpressions.ResultRef] = []
        for task in tasks {
            for param in task.params {
                let expressions = param.value.expressions
                guard PipelineExpressions.containsResultRefs(expressions) else { continue }
                var matrixed: [String] = []
                var failed = false
                for expression in expressions where PipelineExpressions.looksLikeResultRef(expression) {
                    let producer = String(expression.split(separator: ".", omittingEmptySubsequences: false)[1])
                    guard byName[producer]?.isMatrixed == true else { continue }
                    if !expression.hasSuffix("[*]") {
                        context.error(.matrix, at: param.valuePointer,
                                      "$(\(expression)): \"\(producer)\" is a matrixed task, so its results can only be consumed whole, as $(\(expression)[*]) (an array of every combination's result)")
                        failed = true
                    }
                    matrixed.append(expression)
                }
                if failed { return }
                consumed = PipelineExpressions.resultRefs(matrixed)
            }
        }
        validateMatrixEmittingStringResults(consumed, byName: byName, defaulted: defaulted, &context)
    }

    /// `validateMatrixEmittingStringResults` and `validateStringResults`: the consumed results of matrixed tasks are
    /// declared of type string, by the task's taskSpec or, for a `taskRef`, by the taskSpec of the pipeline task
    /// named like the ref (Tekton looks the ref's name up among the pipeline's task names).
    static func validateMatrixEmittingStringResults(_ refs: [PipelineExpressions.ResultRef], byName: [String: PlacedPipelineTask], defaulted: Bool,
                                                    _ context: inout LintContext) {
        for ref in refs {
            guard let producer = byName[ref.pipelineTask] else { continue }
            var declaring = producer
            if let taskRef = producer.taskRef {
                guard let named = byName[taskRef["name"]?.stringValue ?? ""] else { continue }
                declaring = named
            }
            guard let spec = declaring.taskSpec else { continue }
            for (index, result) in (spec["results"]?.arrayValue ?? []).enumerated() where (result["name"]?.stringValue ?? "") == ref.result {
                var type = result["type"]?.stringValue ?? ""
                if type.isEmpty, defaulted { type = result["properties"].map { $0 != .null } ?? false ? "object" : "string" }
                guard type != "string" else { continue }
                let through = declaring.name == producer.name ? "" : " (Tekton takes the declaration from pipeline task \"\(declaring.name)\", named like the taskRef)"
                context.error(.matrix, at: declaring.pointer / "taskSpec" / "results" / index,
                              "result \"\(ref.result)\" of matrixed task \"\(producer.name)\" is consumed by another task, so it must be of type string, not \(type.isEmpty ? "untyped" : type)\(through)")
            }
        }
    }
}
