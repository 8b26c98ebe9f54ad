/// Parameter declarations (`spec.params`), as Tekton's `ValidateParameterTypes`, `ValidateNoDuplicateNames`,
/// `validateParamEnums`, `ValidateNameFormat` and `ValidateObjectParamsHaveProperties` check them.
public struct ParamRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        let kind = context.resource.kind
        ParamRules.checkDeclarations(context.resource.spec.params, at: "/spec/params",
                                     nameFormat: kind != .pipeline, enums: kind != .stepAction, &context)
    }

    /// Checks a list of declarations at `base`; shared with embedded `taskSpec`s of Pipelines.
    static func checkDeclarations(_ params: [ParamSpec], at base: JSONPointer, nameFormat: Bool, enums: Bool,
                                  _ context: inout LintContext) {
        var seen: Set<String> = []
        for (index, param) in params.enumerated() {
            let at = base / index
            guard let name = param.name else {
                context.error("tekton.param-name", at: at, "missing field(s): \(at.fieldPath).name")
                continue
            }
            if !seen.insert(name).inserted {
                context.error("tekton.param-unique", at: at / "name", "parameter \"\(name)\" appears more than once")
            }
            if nameFormat { checkNameFormat(param, name: name, at: at, &context) }
            checkType(param, name: name, at: at, &context)
            if enums { checkEnum(param, name: name, at: at, &context) }
        }
    }

    private static func checkNameFormat(_ param: ParamSpec, name: String, at: JSONPointer, _ context: inout LintContext) {
        if param.type == .object {
            if !TektonNames.isObjectParamName(name) {
                context.error("tekton.param-name", at: at / "name",
                              "object param name \"\(name)\" is invalid: use letters, digits, '-' and '_', starting with a letter or '_' (no dots)")
            }
            for key in param.properties?.keys ?? [] where !TektonNames.isObjectParamName(key) {
                context.error("tekton.param-name", at: at / "properties" / key,
                              "key \"\(key)\" of object param \"\(name)\" is invalid: use letters, digits, '-' and '_', starting with a letter or '_' (no dots)")
            }
        } else if !TektonNames.isParamName(name) {
            context.error("tekton.param-name", at: at / "name",
                          "param name \"\(name)\" is invalid: use letters, digits, '-', '_' and '.', starting with a letter or '_'")
        }
    }

    private static func checkType(_ param: ParamSpec, name: String, at: JSONPointer, _ context: inout LintContext) {
        if let declared = param.declaredType, ParamSpec.ParamType(rawValue: declared) == nil {
            context.error("tekton.param-type", at: at / "type",
                          "param \"\(name)\" has type \"\(declared)\"; Tekton params are string, array or object")
            return
        }
        let type = param.type
        if let value = param.defaultValue, value != .null {
            let defaultType = ParamSpec.valueType(of: value)
            if defaultType != type {
                context.error("tekton.param-default", at: at / "default",
                              "param \"\(name)\" is of type \(type.rawValue) but its default is \(Self.article(defaultType)) \(defaultType.rawValue)")
                return
            }
        }
        if type == .object {
            guard let properties = param.properties else {
                context.error("tekton.param-object", at: at, "object param \"\(name)\" must declare its keys in properties")
                return
            }
            let badKeys = properties.filter { key, spec in
                let t = spec["type"]?.stringValue ?? "string"
                return t != "string"
            }.map(\.key)
            if !badKeys.isEmpty {
                context.error("tekton.param-object", at: at / "properties",
                              "object param \"\(name)\" declares keys \(badKeys.sorted()) with a type other than string")
            }
        }
    }

    private static func checkEnum(_ param: ParamSpec, name: String, at: JSONPointer, _ context: inout LintContext) {
        guard let values = param.enumValues, !values.isEmpty else { return }
        context.report(.note, "tekton.param-enum-flag", at: at / "enum",
                       "enum on param \"\(name)\" needs the enable-param-enum feature flag (alpha, off by default)")
        if param.type != .string {
            context.error("tekton.param-enum", at: at / "enum", "enum can only be set on a string param; \"\(name)\" is \(param.type.rawValue)")
            return
        }
        var seen: Set<JSONValue> = []
        for value in values where !seen.insert(value).inserted {
            context.error("tekton.param-enum", at: at / "enum", "enum value \(value.stringValue.map { "\"\($0)\"" } ?? "\(value)") of param \"\(name)\" appears more than once")
        }
        if let value = param.defaultValue?.stringValue, !value.isEmpty, !values.contains(.string(value)) {
            context.error("tekton.param-enum", at: at / "default", "default \"\(value)\" of param \"\(name)\" is not in its enum")
        }
    }

    private static func article(_ type: ParamSpec.ParamType) -> String { type == .array || type == .object ? "an" : "a" }
}
