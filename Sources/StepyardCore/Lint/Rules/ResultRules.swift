/// Result declarations of Tasks, steps and StepActions (`TaskResult.Validate`, `StepResult.Validate`).
public struct ResultRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        guard context.resource.kind != .pipeline else { return }
        let spec = context.resource.spec
        Self.checkResults(spec.results, at: "/spec/results", &context)
        if context.resource.kind == .task {
            for (index, step) in spec.steps.enumerated() {
                Self.checkResults(step.views("results"), at: "/spec/steps" / index / "results", &context)
            }
        }
    }

    static func checkResults(_ results: [ResultSpec], at base: JSONPointer, _ context: inout LintContext) {
        for (index, result) in results.enumerated() {
            let at = base / index
            guard let name = result.name else {
                context.error("tekton.result-name", at: at, "missing field(s): \(at.fieldPath).name")
                continue
            }
            if !TektonNames.isResultName(name) {
                context.error("tekton.result-name", at: at / "name",
                              "result name \"\(name)\" is invalid: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit")
            }
            let type = result.declaredType ?? (result.fields["properties"] != nil ? "object" : "string")
            switch type {
            case "", "string", "array":
                break
            case "object":
                guard let properties = result.fields["properties"]?.objectValue else {
                    context.error("tekton.result-type", at: at, "object result \"\(name)\" must declare its keys in properties")
                    break
                }
                let bad = properties.filter { ($0.value["type"]?.stringValue ?? "string") != "string" }.map(\.key)
                if !bad.isEmpty {
                    context.error("tekton.result-type", at: at / "properties",
                                  "object result \"\(name)\" declares keys \(bad.sorted()) with a type other than string")
                }
            default:
                context.error("tekton.result-type", at: at / "type", "result \"\(name)\" has type \"\(type)\"; results are string, array or object")
            }
        }
    }
}
