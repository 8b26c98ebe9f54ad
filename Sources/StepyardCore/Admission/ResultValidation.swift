/// Result declarations of Tasks, steps and StepActions (`pkg/apis/pipeline/v1/result_validation.go`).
enum ResultValidation {
    /// `TaskResult.Validate`: a name, a type, an object's keys, and a `value` naming a step result.
    static func validateTaskResults(_ results: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        for (index, result) in results.enumerated() {
            let at = base / index
            guard validateName(result, at: at, &context) else { continue }
            let name = result["name"]?.stringValue ?? ""
            let type = defaultedType(result)
            switch type {
            case "object": validateObjectKeys(result, name: name, keyTypesDefaulted: true, at: at, &context)
            case "array", "string": break
            default:
                context.error(.resultType, at: at / "type", "result \"\(name)\" has type \"\(type)\"; results are string, array or object")
            }
            validateValue(result, name: name, at: at, &context)
        }
    }

    /// `StepResult.Validate`: as a Task result, without `value`. A StepAction's results were defaulted
    /// (`StepResult.SetDefaults` gives keys without a type the type string); a Task's step results are not, so
    /// there every key must say `type: string`.
    static func validateStepResults(_ results: [JSONValue], at base: JSONPointer, defaulted: Bool, _ context: inout LintContext) {
        for (index, result) in results.enumerated() {
            let at = base / index
            guard validateName(result, at: at, &context) else { continue }
            let name = result["name"]?.stringValue ?? ""
            switch defaulted ? defaultedType(result) : (result["type"]?.stringValue ?? "") {
            case "object": validateObjectKeys(result, name: name, keyTypesDefaulted: defaulted, at: at, &context)
            case "" where !defaulted: break
            case "array", "string": break
            case let type:
                context.error(.resultType, at: at / "type", "result \"\(name)\" has type \"\(type)\"; results are string, array or object")
            }
        }
    }

    /// `TaskResult.SetDefaults`: `object` when `properties` are given, else `string`.
    private static func defaultedType(_ result: JSONValue) -> String {
        if let type = result["type"]?.stringValue, !type.isEmpty { return type }
        return (result["properties"].map { $0 != .null } ?? false) ? "object" : "string"
    }

    /// `resultNameFormatRegex`, `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`; Tekton checks nothing else of a
    /// result whose name is wrong.
    private static func validateName(_ result: JSONValue, at: JSONPointer, _ context: inout LintContext) -> Bool {
        let name = result["name"]?.stringValue ?? ""
        guard TektonNames.isResultName(name) else {
            context.error(.resultName, at: at / "name",
                          name.isEmpty ? "missing field(s): \(at.fieldPath).name"
                                       : "result name \"\(name)\" is invalid: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit")
            return false
        }
        return true
    }

    /// `validateObjectResult`: an object result declares its keys, each of type string.
    private static func validateObjectKeys(_ result: JSONValue, name: String, keyTypesDefaulted: Bool, at: JSONPointer, _ context: inout LintContext) {
        guard let properties = result["properties"]?.objectValue else {
            context.error(.resultType, at: at, "missing field(s): \(name).properties (an object result declares its keys)")
            return
        }
        let bad = properties.filter {
            let type = $0.value["type"]?.stringValue ?? ""
            return !(type == "string" || (type.isEmpty && keyTypesDefaulted))
        }.map(\.key)
        if !bad.isEmpty {
            context.error(.resultType, at: at / "properties",
                          "object result \"\(name)\" declares keys \(bad.sorted()) without type string (each key needs type: string)")
        }
    }

    /// `TaskResult.validateValue`: a Task result's `value` is a string `$(steps.<step>.results.<name>)`.
    private static func validateValue(_ result: JSONValue, name: String, at: JSONPointer, _ context: inout LintContext) {
        guard let value = result["value"], value != .null else { return }
        guard ParamSpec.valueType(of: value) == .string else {
            context.error(.resultValue, at: at / "value", "the value of result \"\(name)\" must be a string $(steps.<step>.results.<name>), not \(value.typeDescription)")
            return
        }
        let text = value.stringValue ?? (value == .string("") ? "" : "\(value)")
        guard !text.isEmpty else { return }
        guard let (step, stepResult) = TektonPatterns.stepResultName(in: text) else {
            context.error(.resultValue, at: at / "value",
                          "the value of result \"\(name)\" must look like $(steps.<step>.results.<name>), not \"\(text)\"")
            return
        }
        if !TektonNames.isDNS1123Label(step) {
            context.error(.resultValue, at: at / "value", "the value of result \"\(name)\" names step \"\(step)\", which is not a valid step name")
        }
        if !TektonNames.isResultName(stepResult) {
            context.error(.resultValue, at: at / "value", "the value of result \"\(name)\" names result \"\(stepResult)\", which is not a valid result name")
        }
    }
}
