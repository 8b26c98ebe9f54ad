/// `when` expressions of steps and Pipeline tasks (`pkg/apis/pipeline/v1/when_validation.go`,
/// `WhenExpressions.validate`).
enum WhenValidation {
    /// `validateWhenExpressionFields` on each expression: `input` with `in`/`notin` and values, or `cel` (behind
    /// `enable-cel-in-whenexpression`) alone.
    ///
    /// Tekton compiles a CEL expression with cel-go; lint checks its syntax and names (`CELExpression`), not its
    /// types.
    static func validate(_ expressions: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        for (index, expression) in expressions.enumerated() {
            let at = base / index
            let cel = expression["cel"]?.stringValue ?? ""
            let input = expression["input"]?.stringValue ?? ""
            let op = expression["operator"]?.stringValue ?? ""
            let values = expression["values"]?.arrayValue ?? []
            if !cel.isEmpty {
                if !context.flags.enableCELInWhenExpression {
                    context.error(.featureFlag, at: at / "cel", FeatureFlags.flagMessage("a CEL when expression", key: FeatureFlags.Key.enableCELInWhenExpression))
                } else if !input.isEmpty || !op.isEmpty || !values.isEmpty {
                    context.error(.when, at: at, "cel and input, operator, values cannot be set in one when expression")
                } else if let problem = CELExpression.problem(in: cel) {
                    context.error(.when, at: at / "cel", "invalid CEL expression \"\(cel)\": \(problem.message)")
                }
                continue
            }
            if input.isEmpty && op.isEmpty && values.isEmpty {
                context.error(.when, at: at, "missing field(s): \(at.fieldPath): a when expression needs input, operator and values (or cel)")
                continue
            }
            guard op == "in" || op == "notin" else {
                context.error(.when, at: at / "operator", "when operator \"\(op)\" is not recognized; use in or notin")
                continue
            }
            if values.isEmpty {
                context.error(.when, at: at / "values", "when expression values must not be empty")
            }
        }
    }
}
