/// A Pipeline's params and the references its tasks make to them, as Tekton checks them
/// (`pipeline_validation.go`: `ValidatePipelineParameterVariables`, `validatePipelineParameterUsage`; `param_types.go`:
/// `validatePipelineParametersVariablesInTaskParameters` and its helpers; `when_validation.go`).
extension PipelineValidation {
    /// The names `validatePipelineParametersVariables` checks references against (`paramNames`, `arrayParamNames`,
    /// `objectParamNameKeys`), and who declares them, for messages.
    struct ParamNames {
        var all: Set<String>
        var arrays: Set<String>
        /// Object params with at least one declared key (Tekton's map leaves out an object without properties).
        var objectKeys: [String: Set<String>]
        /// Object names that a `$(params.NAME` scan cannot isolate (with `.`, `[`, `)` or a line break), checked
        /// against every string.
        var unusualObjectNames: [String]
        /// Who may declare the params, for messages: "the Pipeline", or a PipelineRun's sources.
        var declarer: String

        init(_ params: [ParamValidation.Declared], declarer: String) {
            all = Set(params.map(\.name))
            arrays = Set(params.filter { $0.type == "array" }.map(\.name))
            var objectKeys: [String: Set<String>] = [:]
            for param in params where param.type == "object" {
                for key in param.keys ?? [] { objectKeys[param.name, default: []].insert(key) }
            }
            self.objectKeys = objectKeys
            unusualObjectNames = objectKeys.keys.filter { $0.contains(where: { ".[)\n".contains($0) }) }.sorted()
            self.declarer = declarer
        }
    }

    /// `ValidatePipelineParameterVariables`, which Tekton runs for tasks and again for finally (reporting the
    /// Pipeline's param errors twice); here once: each declaration's type and default (`ValidateParameterTypes`),
    /// unique names, enums, and every task's params passed once (`validateDuplicateParameters`, which the other
    /// param checks repeat and which is reported only here).
    static func validatePipelineParameterVariables(_ view: SpecView, _ context: inout LintContext) {
        let at = view.base / "params"
        var typed = view.params
        if !view.defaulted {
            validateUndefaultedParamTypes(view.spec.fields["params"]?.arrayValue ?? [], at: at, &context)
            typed = typed.filter { !$0.type.isEmpty }
        }
        ParamValidation.validateTypes(typed, at: at, &context)
        ParamValidation.validateUniqueNames(view.params, at: at, &context)
        ParamValidation.validateEnums(view.params, at: at, &context)
        for task in view.all {
            validateDuplicateParameters(task.params, of: task, &context)
        }
    }

    /// `Params.validateDuplicateParameters`: each name passed once (compared as written, unlike a run's params).
    static func validateDuplicateParameters(_ params: [PlacedParam], of task: PlacedPipelineTask, _ context: inout LintContext) {
        var seen: Set<String> = []
        for param in params where !seen.insert(param.name).inserted {
            context.error(.paramUnique, at: param.pointer / "name", "param \"\(param.name)\" is passed more than once to pipeline task \"\(task.name)\"")
        }
    }

    /// `validatePipelineParameterUsage` (a Pipeline of its own): the params steps of embedded Tasks use
    /// (`validateUsageOfDeclaredPipelineTaskParameters`) and those task params, matrices and `when` use
    /// (`validatePipelineTaskParameterUsage`) are declared, and used the way their types allow.
    static func validatePipelineParameterUsage(_ view: SpecView, _ context: inout LintContext) {
        validateUsageOfDeclaredPipelineTaskParameters(view.all, view: view, &context)
        let names = ParamNames(view.params, declarer: "the Pipeline")
        validatePipelineParametersVariables(view.tasks, names: names, &context)
        validatePipelineParametersVariables(view.finally, names: names, &context)
    }

    /// `PipelineTaskList.validateUsageOfDeclaredPipelineTaskParameters`: `ValidateUsageOfDeclaredParameters` on the
    /// steps (as written, without the stepTemplate) of each task with a taskSpec, a custom one included, against the
    /// taskSpec's params and the Pipeline's. An object param without properties is reported where it is declared,
    /// a Pipeline's once.
    static func validateUsageOfDeclaredPipelineTaskParameters(_ tasks: [PlacedPipelineTask], view: SpecView, _ context: inout LintContext) {
        let pipelineScope = TaskValidation.ParamScope(view.params)
        // The Pipeline's object params without properties, reported once, at the first task that embeds a taskSpec.
        var unreported = view.params.filter { $0.type == "object" && $0.keys == nil }
        for task in tasks {
            guard let value = task.taskSpec else { continue }
            let at = task.pointer / "taskSpec"
            let own = ParamValidation.declared((value["params"]?.arrayValue ?? []).map { ParamSpec($0) ?? ParamSpec(fields: [:]) })
            let steps = (value["steps"]?.arrayValue ?? []).enumerated().map { index, step in
                PlacedStep(step: Step(step) ?? Step(fields: [:]), at: at / "steps" / index)
            }
            TaskValidation.validateUsageOfDeclaredParameters(steps, scopes: [TaskValidation.ParamScope(own), pipelineScope], &context)
            // ValidateObjectParamsHaveProperties
            for param in own where param.type == "object" && param.keys == nil {
                context.error(.paramObject, at: at / "params" / param.index,
                              "missing field(s): \(param.name).properties (an object param declares its keys)")
            }
            for param in unreported {
                context.error(.paramObject, at: view.base / "params" / param.index,
                              "missing field(s): \(param.name).properties: an object param declares its keys once a task embeds a taskSpec (here \"\(task.name)\")")
            }
            unreported = []
        }
    }

    /// `validatePipelineParametersVariables` (from `validatePipelineTaskParameterUsage`): each task's params
    /// (`validatePipelineParametersVariablesInTaskParameters`), its matrix if it is matrixed
    /// (`validatePipelineParametersVariablesInMatrixParameters`) and its `when`
    /// (`WhenExpressions.validatePipelineParametersVariables`).
    static func validatePipelineParametersVariables(_ tasks: [PlacedPipelineTask], names: ParamNames, _ context: inout LintContext) {
        for task in tasks {
            validatePipelineParametersVariablesInTaskParameters(task.params, names: names, &context)
            if task.isMatrixed {
                MatrixValidation.validatePipelineParametersVariablesInMatrixParameters(task, names: names, &context)
            }
            validateWhenParametersVariables(task, names: names, &context)
        }
    }

    /// `validatePipelineParametersVariablesInTaskParameters`: array elements as array variables, object values and
    /// strings as string variables (a string that is exactly `$(params.NAME[*])` only needs NAME declared).
    static func validatePipelineParametersVariablesInTaskParameters(_ params: [PlacedParam], names: ParamNames, _ context: inout LintContext) {
        for param in params {
            switch param.value {
            case .array(let items):
                for (index, item) in items.enumerated() { validateArrayVariable(item, names: names, at: param.valuePointer / index, &context) }
            case .object(let pairs):
                for (key, value) in pairs { validateStringVariable(value, names: names, at: param.valuePointer / key, &context) }
            case .string(let value):
                validateParamStringValue(value, names: names, at: param.valuePointer, &context)
            }
        }
    }

    /// `validateParamStringValue`: `ValidateWholeArrayOrObjectRefInStringVariable` for an isolated whole reference,
    /// else `validateStringVariable`.
    static func validateParamStringValue(_ value: String, names: ParamNames, at pointer: JSONPointer, _ context: inout LintContext) {
        if isIsolatedWholeReference(value) {
            if let problem = Substitution.unknownVariable(in: value, prefix: "params", known: names.all) {
                reportParamProblem(problem, names: names, at: pointer, &context)
            }
            return
        }
        validateStringVariable(value, names: names, at: pointer, wholeValueAllowed: true, &context)
    }

    /// The pattern of `ValidateWholeArrayOrObjectRefInStringVariable`: the whole string is `$(params.NAME[*])`,
    /// `$(params["NAME[*]"])` or `$(params['NAME[*]'])`, NAME of `[_a-zA-Z0-9.-]`.
    static func isIsolatedWholeReference(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        let head = Array("$(params".utf8)
        guard bytes.count > head.count, Array(bytes[0..<head.count]) == head else { return false }
        var i = head.count
        let close: [UInt8]
        switch bytes[i] {
        case UInt8(ascii: "."):
            i += 1
            close = Array("[*])".utf8)
        case UInt8(ascii: "["):
            guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") || bytes[i + 1] == UInt8(ascii: "'") else { return false }
            close = Array("[*]".utf8) + [bytes[i + 1]] + Array("])".utf8)
            i += 2
        default:
            return false
        }
        let nameStart = i
        while i < bytes.count, isParamNameByte(bytes[i]) { i += 1 }
        return i > nameStart && Array(bytes[i...]) == close
    }

    private static func isParamNameByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    }

    /// `validateStringVariable`: declared params, known object keys, no whole object, no whole array.
    /// `wholeValueAllowed` (a task param's string value, which may be exactly `$(params.NAME[*])`) only shapes the
    /// advice of a message.
    static func validateStringVariable(_ value: String, names: ParamNames, at pointer: JSONPointer, wholeValueAllowed: Bool = false,
                                       _ context: inout LintContext) {
        if let problem = Substitution.unknownVariable(in: value, prefix: "params", known: names.all) {
            reportParamProblem(problem, names: names, at: pointer, &context)
        }
        validateObjectVariable(value, names: names, at: pointer, wholeValueAllowed: wholeValueAllowed, &context)
        // A reference with too many dots was reported by the first check.
        if let problem = Substitution.prohibitedVariable(in: value, prefix: "params", names: names.arrays), problem.kind != .tooManyDots {
            reportParamProblem(problem, names: names, wholeValueAllowed: wholeValueAllowed, at: pointer, &context)
        }
    }

    /// `validateArrayVariable`: declared params, known object keys, and a whole array only as the entire element.
    static func validateArrayVariable(_ value: String, names: ParamNames, at pointer: JSONPointer, _ context: inout LintContext) {
        if let problem = Substitution.unknownVariable(in: value, prefix: "params", known: names.all) {
            reportParamProblem(problem, names: names, at: pointer, &context)
        }
        validateObjectVariable(value, names: names, at: pointer, &context)
        if let problem = Substitution.notIsolated(in: value, prefix: "params", names: names.arrays), problem.kind != .tooManyDots {
            reportParamProblem(problem, names: names, at: pointer, &context)
        }
    }

    /// `validateObjectVariable`: `$(params.OBJECT.KEY)` names a declared key, and no object is used whole. Tekton
    /// tries every object param on every string; only the objects the string mentions can match, so only those are
    /// tried.
    static func validateObjectVariable(_ value: String, names: ParamNames, at pointer: JSONPointer, wholeValueAllowed: Bool = false,
                                       _ context: inout LintContext) {
        guard !names.objectKeys.isEmpty else { return }
        for object in mentionedObjects(in: value, names: names) {
            if let problem = Substitution.unknownVariable(in: value, prefix: "params.\(object)", known: names.objectKeys[object] ?? []) {
                reportParamProblem(problem, names: names, object: object, at: pointer, &context)
            }
        }
        if let problem = Substitution.entireProhibitedVariable(in: value, prefix: "params", names: Set(names.objectKeys.keys)) {
            reportParamProblem(problem, names: names, object: problem.variable, wholeValueAllowed: wholeValueAllowed, at: pointer, &context)
        }
    }

    /// The object params whose `$(params.NAME` the string holds, in the order first met.
    private static func mentionedObjects(in value: String, names: ParamNames) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        let bytes = Array(value.utf8), head = Array("$(params.".utf8)
        var from = 0
        while let start = TektonPatterns.find(head, in: bytes, from: from) {
            var end = start + head.count
            while end < bytes.count, !".[)\n".utf8.contains(bytes[end]) { end += 1 }
            let name = String(decoding: bytes[(start + head.count)..<end], as: UTF8.self)
            if names.objectKeys[name] != nil, seen.insert(name).inserted { out.append(name) }
            from = start + 1
        }
        for name in names.unusualObjectNames where value.contains("$(params.\(name)") && seen.insert(name).inserted { out.append(name) }
        return out
    }

    /// `WhenExpressions.validatePipelineParametersVariables`: `input` as a string variable; each value as an array
    /// variable when it is `$(params.ARRAY[*])` of a declared array, else as a string variable.
    static func validateWhenParametersVariables(_ task: PlacedPipelineTask, names: ParamNames, _ context: inout LintContext) {
        for (index, expression) in task.when.enumerated() {
            let at = task.pointer / "when" / index
            validateStringVariable(expression["input"]?.stringValue ?? "", names: names, at: at / "input", &context)
            for (j, item) in (expression["values"]?.arrayValue ?? []).enumerated() {
                let value = item.stringValue ?? ""
                if names.arrays.contains(arrayReference(value)) {
                    validateArrayVariable(value, names: names, at: at / "values" / j, &context)
                } else {
                    validateStringVariable(value, names: names, at: at / "values" / j, &context)
                }
            }
        }
    }

    /// `ArrayReference`: `arrayParam` of `$(params.arrayParam[*])` (the text with that prefix and suffix removed).
    static func arrayReference(_ value: String) -> String {
        var text = Substring(value)
        if text.hasPrefix("$(params.") { text = text.dropFirst("$(params.".count) }
        if text.hasSuffix("[*])") { text = text.dropLast("[*])".count) }
        return String(text)
    }

    /// The sentence for a reference to a pipeline param that `Substitution` found wrong.
    static func reportParamProblem(_ problem: Substitution.Problem, names: ParamNames, object: String? = nil, wholeValueAllowed: Bool = false,
                                   at pointer: JSONPointer, _ context: inout LintContext) {
        switch problem.kind {
        case .tooManyDots:
            context.error(.paramReference, at: pointer,
                          "\(problem.reference): only two dot-separated parts may follow \"params\"; a name with dots is written $(params[\"a.b\"])")
        case .unknown:
            if let object {
                let keys = (names.objectKeys[object] ?? []).sorted().joined(separator: ", ")
                context.error(.paramReference, at: pointer, "\(problem.reference): object param \"\(object)\" has no key \"\(problem.variable)\" (its keys: \(keys))")
            } else {
                context.error(.paramReference, at: pointer, "\(problem.reference) refers to param \"\(problem.variable)\", which is not declared by \(names.declarer)")
            }
        case .wholeValue where object != nil:
            let whole = wholeValueAllowed ? ", or pass the whole object as the entire value, $(params.\(problem.variable)[*])" : ""
            context.error(.paramObjectUsage, at: pointer,
                          "\(problem.reference) uses object param \"\(problem.variable)\" whole, where a string is expected; use one key, $(params.\(problem.variable).KEY)\(whole)")
        case .wholeValue:
            let whole = wholeValueAllowed ? ", or pass the whole array as the entire value, $(params.\(problem.variable)[*])" : ""
            context.error(.paramArrayUsage, at: pointer,
                          "\(problem.reference) uses array param \"\(problem.variable)\" whole, where a string is expected; use one element, $(params.\(problem.variable)[0])\(whole)")
        case .notIsolated:
            context.error(.paramArrayUsage, at: pointer,
                          "\(problem.reference) is not isolated: a whole array param must be the entire element, not part of it")
        }
    }
}
