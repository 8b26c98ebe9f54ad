/// `$(params…)`, `$(results…)` and `$(context…)` references in steps, as Tekton's
/// `ValidateUsageOfDeclaredParameters`, `validateArrayUsage`, `validateObjectUsageAsWhole`,
/// `validateTaskResultsVariables` and `validateTaskContextVariables` check them.
///
/// Only the step fields Tekton looks at are read; references elsewhere (sidecars, stepTemplate, a ref
/// step's `params`) are substituted at run time and not checked at admission, so not here either.
public struct VariableRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        let spec = context.resource.spec
        switch context.resource.kind {
        case .task:
            Self.checkTaskSteps(spec, params: spec.params, at: "/spec", &context)
        case .stepAction:
            checkStepAction(spec, &context)
        case .pipeline:
            break
        }
    }

    /// A string field of a step, with its place and whether array expansion may happen there.
    struct Field {
        var pointer: JSONPointer
        var text: String
        /// `command` and `args` elements: an isolated whole-array reference expands into several elements.
        var expandsArrays: Bool
    }

    /// The fields of one step Tekton checks references in.
    static func fields(of step: Step, at: JSONPointer, scalarKeys: [String] = ["name", "image", "script", "workingDir", "onError"],
                       volumeMountKeys: [String] = ["name", "mountPath", "subPath"]) -> [Field] {
        var out: [Field] = []
        for key in scalarKeys {
            if let s = step.string(key) { out.append(Field(pointer: at / key, text: s, expandsArrays: false)) }
        }
        for key in ["command", "args"] {
            for (index, item) in (step.fields[key]?.arrayValue ?? []).enumerated() {
                if let s = item.stringValue { out.append(Field(pointer: at / key / index, text: s, expandsArrays: true)) }
            }
        }
        for (index, env) in (step.fields["env"]?.arrayValue ?? []).enumerated() {
            if let s = env["value"]?.stringValue { out.append(Field(pointer: at / "env" / index / "value", text: s, expandsArrays: false)) }
        }
        for (index, mount) in (step.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            for key in volumeMountKeys {
                if let s = mount[key]?.stringValue { out.append(Field(pointer: at / "volumeMounts" / index / key, text: s, expandsArrays: false)) }
            }
        }
        return out
    }

    /// Checks the steps of a Task spec at `base` against `params` (a Task's own, or with a Pipeline's added).
    static func checkTaskSteps(_ spec: ResourceSpec, params: [ParamSpec], at base: JSONPointer, _ context: inout LintContext) {
        let declared = Dictionary(params.compactMap { p in p.name.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        let results = Set(spec.results.compactMap(\.name))
        for (index, step) in spec.steps.enumerated() {
            let at = base / "steps" / index
            for field in fields(of: step, at: at) {
                checkParams(in: field, declared: declared, &context)
                checkContext(in: field, &context)
            }
            if let script = step.script {
                checkResults(in: script, roots: ["results"], declared: results, at: at / "script", &context)
            }
        }
    }

    private func checkStepAction(_ spec: ResourceSpec, _ context: inout LintContext) {
        let declared = Dictionary(spec.params.compactMap { p in p.name.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        let step = Step(fields: spec.fields)
        // StepActions: Tekton reads image, script, command, args, env and volumeMount names (not workingDir).
        for field in Self.fields(of: step, at: "/spec", scalarKeys: ["image", "script"], volumeMountKeys: ["name"]) {
            Self.checkParams(in: field, declared: declared, &context)
        }
        if let script = step.script {
            Self.checkResults(in: script, roots: ["results", "step"], declared: Set(spec.results.compactMap(\.name)), at: "/spec/script", &context)
        }
    }

    static func checkParams(in field: Field, declared: [String: ParamSpec], _ context: inout LintContext) {
        for ref in VariableReference.all(in: field.text, root: "params") {
            guard let param = declared[ref.name] else {
                context.error("tekton.param-reference", at: field.pointer, "\(ref.text) refers to param \"\(ref.name)\", which is not declared")
                continue
            }
            if case .key(let key) = ref.selector, key.contains(".") {
                context.error("tekton.param-reference", at: field.pointer,
                              "\(ref.text): only two dot-separated parts may follow \"params\"; a param whose name has dots is written $(params[\"\(ref.name).\(key)\"])")
                continue
            }
            switch (param.type, ref.selector) {
            case (.object, .key(let key)):
                if param.properties?[key] == nil {
                    context.error("tekton.param-reference", at: field.pointer, "\(ref.text): object param \"\(ref.name)\" has no key \"\(key)\"")
                }
            case (.object, .whole), (.object, .star):
                context.error("tekton.param-object-usage", at: field.pointer,
                              "\(ref.text): a whole object param cannot be used in a step; use one key, $(params.\(ref.name).KEY)")
            case (.array, .whole), (.array, .star):
                if !field.expandsArrays {
                    context.error("tekton.param-array-usage", at: field.pointer,
                                  "\(ref.text): a whole array param can only be used as a complete element of command or args; use one element, $(params.\(ref.name)[0])")
                } else if !ref.isIsolated {
                    context.error("tekton.param-array-usage", at: field.pointer,
                                  "\(ref.text) is not isolated: a whole array param must be the entire command or args element")
                }
            default:
                break
            }
        }
    }

    /// `$(context.taskRun.{name,namespace,uid})` and `$(context.task.{name,retry-count})` are all there is.
    private static func checkContext(in field: Field, _ context: inout LintContext) {
        let known: [String: Set<String>] = ["taskRun": ["name", "namespace", "uid"], "task": ["name", "retry-count"]]
        for ref in VariableReference.all(in: field.text, root: "context") {
            guard let allowed = known[ref.name] else { continue }
            if case .key(let key) = ref.selector, allowed.contains(key) { continue }
            context.error("tekton.context-reference", at: field.pointer,
                          "\(ref.text) is not a context variable; context.\(ref.name) has \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// Result paths written by a script must name declared results.
    private static func checkResults(in script: String, roots: Set<String>, declared: Set<String>, at pointer: JSONPointer, _ context: inout LintContext) {
        for ref in VariableReference.all(in: script) where roots.contains(ref.root) {
            var name = ref.name
            if ref.root == "step" {
                // `$(step.results.NAME.path)`: the reference's name is `results`, the result is the key's first part.
                guard ref.name == "results", case .key(let key) = ref.selector else { continue }
                name = String(key.split(separator: ".").first ?? "")
            }
            if !declared.contains(name) {
                context.error("tekton.result-reference", at: pointer, "\(ref.text) refers to result \"\(name)\", which is not declared")
            }
        }
    }
}
