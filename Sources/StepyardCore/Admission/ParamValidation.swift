/// Parameter declarations and bindings, as Tekton checks them (`pkg/apis/pipeline/v1/param_types.go` and the
/// parameter parts of `task_validation.go`).
enum ParamValidation {
    /// A declaration with its type defaulted as `ParamSpec.SetDefaults` does.
    struct Declared {
        var spec: ParamSpec
        var index: Int
        var name: String { spec.name ?? "" }
        /// The type after defaulting; the declared text when it is not one of Tekton's three.
        var type: String
        /// The keys of an object param (`properties`), `nil` when none are declared.
        var keys: [String]? { spec.properties.map { Array($0.keys) } }
    }

    /// `ParamSpec.SetDefaults`: the declared type, else `object` for `properties`, else the default's type.
    static func declared(_ params: [ParamSpec]) -> [Declared] {
        params.enumerated().map { index, spec in
            let type: String
            if let declared = spec.declaredType, !declared.isEmpty {
                type = declared
            } else if spec.fields["properties"].map({ $0 != .null }) ?? false {
                type = "object"
            } else if let value = spec.defaultValue, value != .null {
                type = ParamSpec.valueType(of: value).rawValue
            } else {
                type = "string"
            }
            return Declared(spec: spec, index: index, type: type)
        }
    }

    /// `ValidateParameterTypes` (`ParamSpec.ValidateType`, `ValidateObjectType`): one of Tekton's types, a default
    /// of that type, object keys of type string.
    static func validateTypes(_ params: [Declared], at base: JSONPointer, _ context: inout LintContext) {
        for param in params {
            let at = base / param.index
            guard ["string", "array", "object"].contains(param.type) else {
                context.error(.paramType, at: at / "type", "param \"\(param.name)\" has type \"\(param.type)\"; Tekton params are string, array or object")
                continue
            }
            if let value = param.spec.defaultValue, value != .null {
                let defaultType = ParamSpec.valueType(of: value).rawValue
                if defaultType != param.type {
                    context.error(.paramDefault, at: at / "default",
                                  "param \"\(param.name)\" is of type \(param.type) but its default is \(article(defaultType)) \(defaultType)")
                    continue
                }
            }
            let badKeys = (param.spec.properties ?? [:]).filter { _, spec in
                let type = spec["type"]?.stringValue ?? ""
                return !(type.isEmpty || type == "string")
            }.map(\.key)
            if !badKeys.isEmpty {
                context.error(.paramObject, at: at / "properties",
                              "object param \"\(param.name)\" declares keys \(badKeys.sorted()) with a type other than string (object keys are strings)")
            }
        }
    }

    /// `ValidateNoDuplicateNames`.
    static func validateUniqueNames(_ params: [Declared], at base: JSONPointer, _ context: inout LintContext) {
        var seen: Set<String> = []
        for param in params where !seen.insert(param.name).inserted {
            context.error(.paramUnique, at: base / param.index / "name", "parameter \"\(param.name)\" appears more than once")
        }
    }

    /// `validateParamEnums`: `enum` needs `enable-param-enum`, a string param, unique values and a default among them.
    static func validateEnums(_ params: [Declared], at base: JSONPointer, _ context: inout LintContext) {
        for param in params {
            let values = param.spec.enumValues ?? []
            guard !values.isEmpty else { continue }
            let at = base / param.index
            if !context.flags.enableParamEnum {
                context.error(.featureFlag, at: at / "enum", FeatureFlags.flagMessage("enum on param \"\(param.name)\"", key: FeatureFlags.Key.enableParamEnum))
            }
            if param.type != "string" {
                context.error(.paramEnum, at: at / "enum", "enum can only be set on a string param; \"\(param.name)\" is \(param.type)")
            }
            var seen: Set<JSONValue> = []
            for value in values where !seen.insert(value).inserted {
                context.error(.paramEnum, at: at / "enum", "enum value \(value.stringValue.map { "\"\($0)\"" } ?? "\(value)") of param \"\(param.name)\" appears more than once")
            }
            if let value = param.spec.defaultValue?.stringValue, !value.isEmpty, !values.contains(.string(value)) {
                context.error(.paramEnum, at: at / "default", "default \"\(value)\" of param \"\(param.name)\" is not in its enum")
            }
        }
    }

    /// `ValidateNameFormat`: `^[_a-zA-Z][_a-zA-Z0-9.-]*$` for strings and arrays, no dots for objects and their keys.
    static func validateNameFormat(_ params: [Declared], at base: JSONPointer, _ context: inout LintContext) {
        for param in params {
            let at = base / param.index
            if param.type == "object" {
                if !TektonNames.isObjectParamName(param.name) {
                    context.error(.paramName, at: at / "name",
                                  "object param name \"\(param.name)\" is invalid: use letters, digits, '-' and '_', starting with a letter or '_' (no dots)")
                }
                for key in param.keys ?? [] where !TektonNames.isObjectParamName(key) {
                    context.error(.paramName, at: at / "properties" / key,
                                  "key \"\(key)\" of object param \"\(param.name)\" is invalid: use letters, digits, '-' and '_', starting with a letter or '_' (no dots)")
                }
            } else if param.type == "string" || param.type == "array", !TektonNames.isParamName(param.name) {
                context.error(.paramName, at: at / "name",
                              "param name \"\(param.name)\" is invalid: use letters, digits, '-', '_' and '.', starting with a letter or '_'")
            }
        }
    }

    /// `ValidateObjectParamsHaveProperties`: an object param declares its keys.
    static func validateObjectsHaveProperties(_ params: [Declared], at base: JSONPointer, _ context: inout LintContext) {
        for param in params where param.type == "object" && param.keys == nil {
            context.error(.paramObject, at: base / param.index, "missing field(s): \(param.name).properties (an object param declares its keys)")
        }
    }

    /// `ValidateParameters` (`validateNoDuplicateNames`): values passed by name, each name once, compared without
    /// regard to case (`url` and `URL` are the same).
    static func validateBindings(_ bindings: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        var seen: Set<String> = []
        for (index, binding) in bindings.enumerated() {
            let name = binding["name"]?.stringValue ?? ""
            if !seen.insert(name.lowercased()).inserted {
                context.error(.paramUnique, at: base / index / "name", "parameter \"\(name)\" is passed more than once (names are compared without case)")
            }
        }
    }

    static func article(_ type: String) -> String { type == "array" || type == "object" ? "an" : "a" }
}
