/// A StepAction, as Tekton's `StepActionSpec.Validate` checks it (`pkg/apis/pipeline/v1beta1/stepaction_validation.go`;
/// v1alpha1's is the same).
enum StepActionValidation {
    static func validate(_ spec: ResourceSpec, at base: JSONPointer, _ context: inout LintContext) {
        let step = Step(fields: spec.fields)
        if (step.image ?? "").isEmpty {
            context.error(.stepImage, at: base, "missing field(s): \(base.fieldPath).image")
        }
        if let script = step.script, !script.isEmpty {
            if !(step.command ?? []).isEmpty {
                context.error(.scriptCommand, at: base / "script", "script cannot be used with command")
            }
            if script.trimmed.hasPrefix("#!win") {
                context.requireAPIFields("Windows scripts (#!win)", .alpha, at: base / "script")
            }
            // validateNoParamSubstitutionsInScript
            if !Substitution.matches(in: script, prefix: "params").isEmpty {
                context.error(.stepActionScriptParams, at: base / "script",
                              "param substitution in StepAction scripts is not allowed: pass params through env and read $VAR")
            }
        }
        let params = ParamValidation.declared(spec.params)
        let fields = variableFields(step, at: base)
        // validateUsageOfDeclaredParameters (ValidateObjectUsage, validateStepActionObjectUsageAsWhole)
        TaskValidation.validateParamUsage(fields.map { ($0.pointer, $0.text, true) }, scopes: [TaskValidation.ParamScope(params)], &context)
        ParamValidation.validateObjectsHaveProperties(params, at: base / "params", &context)
        ParamValidation.validateTypes(params, at: base / "params", &context)
        // validateParameterVariables
        ParamValidation.validateUniqueNames(params, at: base / "params", &context)
        ParamValidation.validateNameFormat(params, at: base / "params", &context)
        let arrays = Set(params.filter { $0.type == "array" }.map(\.name))
        for field in fields where !arrays.isEmpty {
            let problem = field.commandOrArgs
                ? Substitution.notIsolated(in: field.text, prefix: "params", names: arrays)
                : Substitution.prohibitedVariable(in: field.text, prefix: "params", names: arrays)
            if let problem, problem.kind != .tooManyDots {
                context.error(.paramArrayUsage, at: field.pointer, problem.kind == .notIsolated
                              ? "\(problem.reference) is not isolated: a whole array param must be the entire command or args element"
                              : "\(problem.reference): a whole array param can only be a complete element of command or args")
            }
        }
        if context.apiVersion == "tekton.dev/v1alpha1" {
            validateDefaultParameterReferences(spec.params, at: base / "params", &context)
        }
        // ValidateStepActionResultsVariables, ValidateStepResults
        let results = Set(spec.results.compactMap(\.name))
        if let script = step.script {
            for prefix in ["step.results", "results"] {
                if let problem = Substitution.unknownVariable(in: script, prefix: prefix, known: results) {
                    context.error(.resultReference, at: base / "script", "\(problem.reference) refers to result \"\(problem.variable)\", which the StepAction does not declare")
                }
            }
        }
        ResultValidation.validateStepResults(spec.fields["results"]?.arrayValue ?? [], at: base / "results", defaulted: true, &context)
        validateVolumeMounts(spec, params: Set(params.map(\.name)), at: base, &context)
    }

    /// `validateDefaultParameterReferences` (v1alpha1 only): a default may use other params, which must exist and
    /// must not depend on each other in a circle.
    private static func validateDefaultParameterReferences(_ params: [ParamSpec], at base: JSONPointer, _ context: inout LintContext) {
        let names = Set(params.compactMap(\.name))
        var resolved: Set<String> = []
        var pending: [(name: String, index: Int, needs: [String])] = []
        for (index, param) in params.enumerated() {
            let name = param.name ?? ""
            let matches = Substitution.matches(in: param.defaultValue?.stringValue ?? "", prefix: "params")
            guard !matches.isEmpty else { resolved.insert(name); continue }
            let needs = matches.map { $0.text.dropFirst("$(params.".count).dropLast(1) }.map(String.init)
            let undefined = needs.filter { !names.contains($0) }
            for missing in undefined {
                context.error(.paramReference, at: base / index / "default",
                              "the default of param \"\(name)\" uses param \"\(missing)\", which is not declared")
            }
            if undefined.isEmpty { pending.append((name, index, needs)) }
        }
        while !pending.isEmpty {
            let ready = pending.filter { $0.needs.allSatisfy(resolved.contains) }
            guard !ready.isEmpty else {
                for param in pending {
                    context.error(.paramReference, at: base / param.index / "default",
                                  "the default of param \"\(param.name)\" depends on itself through \(param.needs.joined(separator: ", ")) (a circle of defaults)")
                }
                return
            }
            resolved.formUnion(ready.map(\.name))
            pending.removeAll { item in ready.contains { $0.index == item.index } }
        }
    }

    /// The fields `validateStepActionVariables` reads: image, script, command, args, env values, volumeMount names.
    private static func variableFields(_ step: Step, at base: JSONPointer) -> [(pointer: JSONPointer, text: String, commandOrArgs: Bool)] {
        var out: [(JSONPointer, String, Bool)] = []
        for key in ["image", "script"] {
            if let s = step.string(key) { out.append((base / key, s, false)) }
        }
        for key in ["command", "args"] {
            for (index, item) in (step.fields[key]?.arrayValue ?? []).enumerated() {
                if let s = item.stringValue { out.append((base / key / index, s, true)) }
            }
        }
        for (index, env) in (step.fields["env"]?.arrayValue ?? []).enumerated() {
            if let s = env["value"]?.stringValue { out.append((base / "env" / index / "value", s, false)) }
        }
        for (index, mount) in (step.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            if let s = mount["name"]?.stringValue { out.append((base / "volumeMounts" / index / "name", s, false)) }
        }
        return out
    }

    /// `validateVolumeMounts`: a StepAction's volumeMount name is a single param reference, naming a declared param.
    private static func validateVolumeMounts(_ spec: ResourceSpec, params: Set<String>, at base: JSONPointer, _ context: inout LintContext) {
        for (index, mount) in (spec.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            let name = mount["name"]?.stringValue ?? ""
            let matches = Substitution.matches(in: name, prefix: "params")
            guard matches.count == 1, matches[0].text == name else {
                context.error(.volumeMount, at: base / "volumeMounts" / index / "name",
                              "StepAction volumeMount name \"\(name)\" must be a single param reference, like $(params.volume)")
                return
            }
            if let problem = Substitution.unknownVariable(in: name, prefix: "params", known: params) {
                TaskValidation.reportUnknown(problem, prefix: "params", objectKeysOf: nil, at: base / "volumeMounts" / index / "name", &context)
            }
        }
    }
}
