import OrderedCollections

/// Turns a step that references a StepAction into the concrete step, with Tekton's semantics
/// (`resolveStepRef`, `applyStepActionParameters` in tektoncd/pipeline):
///
/// - the StepAction's `image`, `workingDir` and `securityContext` replace the step's (Tekton overwrites them);
///   its `command`, `args`, `script`, `env`, `volumeMounts` and `results` are taken when it has them;
/// - the step's own fields (`name`, `computeResources`, `timeout`, `onError`, `when`, `workspaces`, …) stay;
/// - the step's `params` bind the StepAction's params, then the StepAction's defaults fill the rest (a default may
///   use another param); a param the StepAction does not declare, or a required one not passed, is an error;
/// - `$(params.x)` in the StepAction becomes the bound value. A value that refers to a Task param
///   (`$(params.files[*])`) or a step result (`$(steps.clone.results.sha)`) is carried over by reference, so Tekton
///   substitutes it at run time exactly as it would have: `$(params.p[0])` becomes `$(params.files[0])`,
///   `$(params.obj.key)` becomes `$(params.taskobj.key)`, an isolated `$(params.arr[*])` in `command`/`args`
///   expands to the array's elements.
public enum StepActionInliner {
    /// The StepAction fields that become the step (in this order in the output).
    static let stepActionFields = ["image", "command", "args", "workingDir", "env", "script", "volumeMounts", "securityContext", "results"]
    /// Fields Tekton takes from the StepAction even when it does not set them.
    static let alwaysReplaced: Set<String> = ["image", "workingDir", "securityContext"]

    /// The concrete step for `step` (which has a `ref`) using `stepAction`'s spec.
    /// - Parameters:
    ///   - reference: how to name the StepAction in errors (`stepaction/git-clone@0.2.0`).
    ///   - taskParams: the params of the Task the step belongs to: a Task object param passed whole
    ///     (`$(params.obj[*])`) is merged key by key with the StepAction param's default, as Tekton merges the run's
    ///     object with it, so a key the Task's object does not have takes the StepAction's default.
    public static func inline(_ step: Step, stepAction: TektonResource, reference: String,
                              taskParams: [ParamSpec] = []) throws(ResolutionError) -> Step {
        let stepName = step.name ?? "(unnamed)"
        let taskObjectKeys = Dictionary(taskParams.compactMap { param -> (String, Set<String>)? in
            guard let name = param.name, param.type == .object else { return nil }
            let keys = param.properties.map { Set($0.keys) } ?? Set(param.defaultValue?.objectValue?.keys ?? [])
            return (name, keys)
        }, uniquingKeysWith: { a, _ in a })
        let bindings = try bind(step, stepAction.spec.params, stepName: stepName, reference: reference, taskObjectKeys: taskObjectKeys)
        let spec = stepAction.spec.fields
        var out = OrderedDictionary<String, JSONValue>()
        if let name = step.fields["name"] { out["name"] = name }
        for field in stepActionFields {
            guard let value = spec[field], !isEmpty(value) else { continue }
            out[field] = try substitute(value, field: field, bindings: bindings, stepName: stepName, reference: reference)
        }
        if case .array(let results)? = out["results"] { out["results"] = .array(results.map(defaultedResult)) }
        for (key, value) in step.fields where key != "name" && key != "ref" && key != "params" {
            if out[key] != nil { continue }
            if alwaysReplaced.contains(key) { continue }  // Tekton takes these from the StepAction, set or not
            out[key] = value
        }
        return Step(fields: out)
    }

    /// `StepResult.SetDefaults`, which Tekton applied to the StepAction when it was created: no type is `string`
    /// (`object` with `properties`), and so is an object key without a type.
    private static func defaultedResult(_ result: JSONValue) -> JSONValue {
        guard case .object(var fields) = result else { return result }
        if (fields["type"]?.stringValue ?? "").isEmpty {
            fields["type"] = .string(fields["properties"].map { $0 != .null } ?? false ? "object" : "string")
        }
        if case .object(var properties)? = fields["properties"] {
            for (key, spec) in properties where (spec["type"]?.stringValue ?? "").isEmpty {
                properties[key] = ["type": "string"]
            }
            fields["properties"] = .object(properties)
        }
        return .object(fields)
    }

    private static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        default: return false
        }
    }

    // MARK: - Binding

    /// A StepAction param's value after binding.
    enum Binding {
        case string(String)
        case array([String])
        case object(OrderedDictionary<String, String>)
        /// A whole reference carried over: `$(params.files)` (a Task array or object param) or `$(steps.s.results.r)`.
        /// For a Task object param whose keys are known, `defaults` holds the StepAction default's values of the keys
        /// the Task's object does not have.
        case reference(root: String, defaults: [String: String] = [:])
    }

    static func bind(_ step: Step, _ params: [ParamSpec], stepName: String, reference: String,
                     taskObjectKeys: [String: Set<String>] = [:]) throws(ResolutionError) -> [String: Binding] {
        let declared = OrderedDictionary(params.compactMap { p in p.name.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        let passed = step.params
        let extra = passed.compactMap(\.name).filter { declared[$0] == nil }
        if !extra.isEmpty {
            throw .params(step: stepName, reference: reference, message: "extra params passed by Step to StepAction: \(extra.sorted())")
        }
        var values: [String: JSONValue] = [:]
        for binding in passed { if let name = binding.name, let value = binding.value { values[name] = value } }
        // A step reference in a value must name a result (Tekton: "must be one of the form steps.<stepName>.results…").
        for (_, value) in values.sorted(by: { $0.key < $1.key }) {
            for text in value.allStrings {
                for ref in VariableReference.all(in: text, root: "steps") {
                    guard case .key(let key) = ref.selector, key.hasPrefix("results."), key.count > "results.".count else {
                        throw .params(step: stepName, reference: reference,
                                      message: "\(ref.text) is not a step result: write $(steps.<step>.results.<result>) or $(steps.<step>.results.<object>.<key>)")
                    }
                }
            }
        }
        let missing = declared.filter { values[$0.key] == nil && ($0.value.defaultValue == nil || $0.value.defaultValue == .null) }.map(\.key)
        if !missing.isEmpty {
            throw .params(step: stepName, reference: reference, message: "non-existent params in Step: \(missing.sorted())")
        }
        var bindings: [String: Binding] = [:]
        var pendingDefaults: [(String, String)] = []
        for (name, spec) in declared {
            if let value = values[name] {
                var bound = try binding(value, type: spec.type, defaults: spec.defaultValue, name: name, stepName: stepName, reference: reference)
                if case .reference(let root, _) = bound, spec.type == .object, root.hasPrefix("params."),
                   let keys = taskObjectKeys[String(root.dropFirst("params.".count))] {
                    var defaults: [String: String] = [:]
                    for (key, value) in spec.defaultValue?.objectValue ?? [:] where !keys.contains(key) {
                        defaults[key] = value.stringValue ?? ParameterSchema.tektonValue(value).stringValue ?? value.serialized()
                    }
                    bound = .reference(root: root, defaults: defaults)
                }
                bindings[name] = bound
            } else if case .string(let text)? = spec.defaultValue, text.contains("$(params.") {
                pendingDefaults.append((name, text))
            } else if let value = spec.defaultValue {
                bindings[name] = try binding(ParameterSchema.tektonValue(value), type: spec.type, defaults: nil, name: name, stepName: stepName, reference: reference)
            }
        }
        // Defaults that use other params, resolved until nothing changes (Tekton: "default values that reference other parameters").
        var rounds = 0
        while !pendingDefaults.isEmpty {
            rounds += 1
            if rounds > pendingDefaults.count + 1 {
                throw .params(step: stepName, reference: reference, message: "circular dependency detected in parameter references")
            }
            var still: [(String, String)] = []
            for (name, text) in pendingDefaults {
                let refs = VariableReference.all(in: text, root: "params")
                if let unknown = refs.first(where: { declared[$0.name] == nil }) {
                    throw .params(step: stepName, reference: reference, message: "parameter \"\(name)\" references non-existent parameter \"\(unknown.name)\"")
                }
                if refs.allSatisfy({ bindings[$0.name] != nil }) {
                    let resolved = try substituteString(text, bindings: bindings, stepName: stepName, reference: reference)
                    bindings[name] = .string(resolved)
                } else {
                    still.append((name, text))
                }
            }
            pendingDefaults = still
        }
        return bindings
    }

    private static func binding(_ value: JSONValue, type: ParamSpec.ParamType, defaults: JSONValue?, name: String, stepName: String,
                                reference: String) throws(ResolutionError) -> Binding {
        switch value {
        case .string(let text):
            // A whole reference changes type as Tekton's applyOrCorrect does: `$(params.files[*])` passed to an array param.
            if type != .string, let whole = wholeReference(text) { return .reference(root: whole) }
            if type == .string { return .string(text) }
            throw .params(step: stepName, reference: reference, message: "param \"\(name)\" is of type \(type.rawValue), but a string was passed")
        case .array(let items) where type == .array:
            return .array(items.map { $0.stringValue ?? ParameterSchema.tektonValue($0).stringValue ?? $0.serialized() })
        case .object(let members) where type == .object:
            // Per key: the StepAction default's keys first, the passed object overriding the keys it has.
            var merged = OrderedDictionary<String, String>()
            for (k, v) in defaults?.objectValue ?? [:] { merged[k] = v.stringValue ?? v.serialized() }
            for (k, v) in members { merged[k] = v.stringValue ?? ParameterSchema.tektonValue(v).stringValue ?? v.serialized() }
            return .object(merged)
        case .number, .bool:
            if type == .string { return .string(ParameterSchema.tektonValue(value).stringValue!) }
            fallthrough
        default:
            throw .params(step: stepName, reference: reference, message: "param \"\(name)\" is of type \(type.rawValue), but a \(value.typeName) was passed")
        }
    }

    /// `$(params.files[*])`, `$(params.files)` or `$(steps.s.results.r)` as the whole value: its root without `[*]`.
    private static func wholeReference(_ text: String) -> String? {
        guard text.hasPrefix("$("), text.hasSuffix(")"), let ref = VariableReference.all(in: text).first, ref.isIsolated else { return nil }
        switch (ref.root, ref.selector) {
        case ("params", .whole), ("params", .star):
            return "params." + ref.name
        case ("steps", .key(let key)) where key.hasPrefix("results."):
            // `$(steps.s.results.r[*])` and `$(steps.s.results.r)` name the same array: carry it without `[*]`.
            return String(text.dropFirst(2).dropLast()).dropSuffix("[*]")
        default:
            return nil
        }
    }

    // MARK: - Substitution

    private static func substitute(_ value: JSONValue, field: String, bindings: [String: Binding], stepName: String,
                                   reference: String) throws(ResolutionError) -> JSONValue {
        switch value {
        case .string(let s):
            return .string(try substituteString(s, bindings: bindings, stepName: stepName, reference: reference))
        case .array(let items):
            var out: [JSONValue] = []
            for item in items {
                if (field == "command" || field == "args"), case .string(let s) = item, let expanded = try expandWholeArray(s, bindings: bindings) {
                    out += expanded.map(JSONValue.string)
                } else {
                    out.append(try substitute(item, field: field, bindings: bindings, stepName: stepName, reference: reference))
                }
            }
            return .array(out)
        case .object(let members):
            var out = OrderedDictionary<String, JSONValue>()
            for (k, v) in members {
                // env[].name and volumeMounts[].name stay literal only when they have no references; Tekton substitutes them too.
                out[k] = try substitute(v, field: field, bindings: bindings, stepName: stepName, reference: reference)
            }
            return .object(out)
        default:
            return value
        }
    }

    /// An isolated whole-array reference in `command`/`args` becomes several elements.
    private static func expandWholeArray(_ text: String, bindings: [String: Binding]) throws(ResolutionError) -> [String]? {
        guard let ref = VariableReference.all(in: text, root: "params").first, ref.isIsolated else { return nil }
        switch (bindings[ref.name], ref.selector) {
        case (.array(let items)?, .whole), (.array(let items)?, .star):
            return items
        case (.reference(let root, _)?, .whole), (.reference(let root, _)?, .star):
            return ["$(" + root + "[*])"]
        default:
            return nil
        }
    }

    static func substituteString(_ text: String, bindings: [String: Binding], stepName: String, reference: String) throws(ResolutionError) -> String {
        do {
            return try VariableReference.replacing(in: text, root: "params") { ref throws(ResolutionError) -> String? in
                guard let binding = bindings[ref.name] else { return nil }  // not a StepAction param: left for Tekton
                switch (binding, ref.selector) {
                case (.string(let s), .whole):
                    return s
                case (.array(let items), .index(let i)):
                    guard items.indices.contains(i) else {
                        throw .params(step: stepName, reference: reference, message: "\(ref.text) is out of range: \"\(ref.name)\" has \(items.count) elements")
                    }
                    return items[i]
                case (.object(let members), .key(let key)):
                    guard let value = members[key] else {
                        throw .params(step: stepName, reference: reference, message: "\(ref.text): \"\(ref.name)\" has no key \"\(key)\"")
                    }
                    return value
                case (.reference(let root, _), .index(let i)):
                    return "$(\(root)[\(i)])"
                case (.reference(let root, let defaults), .key(let key)):
                    return defaults[key] ?? "$(\(root).\(key))"
                case (.reference(let root, _), .whole), (.reference(let root, _), .star):
                    return "$(\(root))"
                default:
                    throw .params(step: stepName, reference: reference, message: "\(ref.text) cannot be used here: \"\(ref.name)\" is not a string")
                }
            }
        } catch let error as ResolutionError {
            throw error
        } catch {
            throw .invalid(reference: reference, message: "\(error)")
        }
    }
}
