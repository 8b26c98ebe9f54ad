import Foundation

/// A Task's steps, sidecars, volumes and workspaces, as Tekton's `TaskSpec.Validate`, `Step.Validate`
/// and `Sidecar.Validate` check them; and a StepAction's single step (`StepActionSpec.Validate`).
public struct StepRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        switch context.resource.kind {
        case .task:
            Self.checkTaskSpec(context.resource.spec, at: "/spec", isV1: context.resource.apiVersion == "tekton.dev/v1", &context)
        case .stepAction:
            checkStepAction(context.resource.spec, &context)
        case .pipeline:
            break
        }
    }

    /// Checks a Task spec at `base` (a Task's `/spec`, or a Pipeline task's embedded `taskSpec`).
    static func checkTaskSpec(_ spec: ResourceSpec, at base: JSONPointer, isV1: Bool, _ context: inout LintContext) {
        let steps = spec.steps
        if steps.isEmpty {
            context.error("tekton.steps-required", at: base, "missing field(s): \(base.fieldPath).steps: a Task needs at least one step")
        }
        if !isV1, spec.fields["resources"] != nil {
            context.error("tekton.v1beta1-resources", at: base / "resources",
                          "must not set the field(s): \(base.fieldPath).resources (PipelineResources were removed from Tekton)")
        }
        let templateImage = spec.fields["stepTemplate"]?["image"]?.stringValue
        var names: Set<String> = []
        for (index, step) in steps.enumerated() {
            let at = base / "steps" / index
            checkStep(step, at: at, templateImage: templateImage, isV1: isV1, &context)
            if let name = step.name, !name.isEmpty, !names.insert(name).inserted {
                context.error("tekton.step-unique", at: at / "name", "step name \"\(name)\" is used by an earlier step; step names must be unique")
            }
        }
        for (index, sidecar) in spec.views("sidecars", as: Step.self).enumerated() {
            let at = base / "sidecars" / index
            if sidecar.name == "tekton-log-results" {
                context.error("tekton.sidecar", at: at / "name", "cannot use reserved sidecar name tekton-log-results")
            }
            if (sidecar.image ?? "").isEmpty {
                context.error("tekton.sidecar", at: at, "missing field(s): \(at.fieldPath).image")
            }
            if let script = sidecar.script, !script.isEmpty, !(sidecar.command ?? []).isEmpty {
                context.error("tekton.script-command", at: at / "script", "script cannot be used with command")
            }
        }
        var volumes: Set<String> = []
        for (index, volume) in (spec.fields["volumes"]?.arrayValue ?? []).enumerated() {
            if let name = volume["name"]?.stringValue, !volumes.insert(name).inserted {
                context.error("tekton.volume-unique", at: base / "volumes" / index / "name", "multiple volumes with same name \"\(name)\"")
            }
        }
        checkWorkspaces(spec, steps: steps, at: base, &context)
    }

    private static func checkStep(_ step: Step, at: JSONPointer, templateImage: String?, isV1: Bool, _ context: inout LintContext) {
        if let name = step.name, !name.isEmpty, !TektonNames.isDNS1123Label(name) {
            context.error("tekton.step-name", at: at / "name",
                          "step name \"\(name)\" must be a DNS label: lower-case letters, digits and '-', at most 63 characters")
        }
        if step.isReference {
            checkReference(step, at: at, &context)
        } else {
            if !step.params.isEmpty {
                context.error("tekton.step-params", at: at / "params", "params cannot be used without ref")
            }
            if (step.image ?? "").isEmpty && (templateImage ?? "").isEmpty {
                context.error("tekton.step-image", at: at, "missing field(s): \(at.fieldPath).image (and no stepTemplate image)")
            }
            if let script = step.script, !script.isEmpty, !(step.command ?? []).isEmpty {
                context.error("tekton.script-command", at: at / "script", "script cannot be used with command (use args, or put the command in the script)")
            }
        }
        for (index, mount) in (step.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            checkVolumeMount(mount, at: at / "volumeMounts" / index, &context)
        }
        if let onError = step.fields["onError"]?.stringValue, !onError.isEmpty, !onError.hasPrefix("$(params") {
            let allowed = isV1 ? ["continue", "stopAndFail", "continueAndFail"] : ["continue", "stopAndFail"]
            if !allowed.contains(onError) {
                context.error("tekton.on-error", at: at / "onError",
                              "onError \"\(onError)\" is not one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
        }
        for field in ["stdoutConfig", "stderrConfig"] where step.fields[field] != nil {
            context.warning("tekton.alpha-field", at: at / field, "\(field) needs enable-api-fields \"alpha\" (the default is \"beta\")")
        }
        if let script = step.script, script.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("#!win") {
            context.warning("tekton.alpha-field", at: at / "script", "Windows scripts need enable-api-fields \"alpha\" (the default is \"beta\")")
        }
        checkStepResultPlacement(step, at: at, &context)
    }

    /// A step with `ref` takes its container from the StepAction: it may not set one of its own.
    private static func checkReference(_ step: Step, at: JSONPointer, _ context: inout LintContext) {
        let ref = step.fields["ref"]
        if ref?["resolver"] == nil {
            if let name = ref?["name"]?.stringValue, !name.isEmpty {
                if !TektonNames.isQualifiedName(name) && !name.contains("://") {
                    context.error("tekton.step-ref", at: at / "ref" / "name", "ref name \"\(name)\" is not a valid Kubernetes name")
                }
            } else {
                context.error("tekton.step-ref", at: at / "ref", "missing field(s): \(at.fieldPath).ref.name")
            }
        }
        let forbidden: [(String, String)] = [
            ("image", "image"), ("command", "command"), ("args", "args"), ("script", "script"),
            ("workingDir", "working dir"), ("env", "env"), ("volumeMounts", "volumeMounts"), ("results", "results"),
        ]
        for (field, label) in forbidden {
            guard let value = step.fields[field] else { continue }
            let empty: Bool = switch value {
            case .string(let s): s.isEmpty
            case .array(let a): a.isEmpty && field != "env"
            case .null: true
            default: false
            }
            if !empty {
                context.error("tekton.step-ref", at: at / field, "\(label) cannot be used with ref: the StepAction \(step.refName.map { "\"\($0)\" " } ?? "")provides it")
            }
        }
    }

    private static func checkVolumeMount(_ mount: JSONValue, at: JSONPointer, _ context: inout LintContext) {
        if let path = mount["mountPath"]?.stringValue {
            let clean = cleanPath(path)
            if clean.hasPrefix("/tekton/") && !clean.hasPrefix("/tekton/home") {
                context.error("tekton.volume-mount", at: at / "mountPath",
                              "volumeMount \"\(mount["name"]?.stringValue ?? "")\" cannot be mounted under /tekton/ (mounted at \"\(path)\")")
            }
        }
        if let name = mount["name"]?.stringValue, name.hasPrefix("tekton-internal-") {
            context.error("tekton.volume-mount", at: at / "name", "volumeMount name \"\(name)\" cannot start with \"tekton-internal-\"")
        }
    }

    /// `$(steps.<step>.results.<name>)` is resolved by the entrypoint, so only env, command and args may use it.
    private static func checkStepResultPlacement(_ step: Step, at: JSONPointer, _ context: inout LintContext) {
        var fields: [(JSONPointer, String)] = []
        for key in ["name", "image", "script", "imagePullPolicy", "workingDir"] {
            if let s = step.string(key) { fields.append((at / key, s)) }
        }
        for (index, mount) in (step.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            for key in ["name", "mountPath", "subPath"] {
                if let s = mount[key]?.stringValue { fields.append((at / "volumeMounts" / index / key, s)) }
            }
        }
        for (pointer, text) in fields where VariableReference.all(in: text, root: "steps").contains(where: { $0.selector.isStepResult }) {
            context.error("tekton.step-result-reference", at: pointer,
                          "step results ($(steps.<step>.results.<name>)) may only be used in env, command and args, not in \(pointer.tokens.last!)")
        }
    }

    private static func checkWorkspaces(_ spec: ResourceSpec, steps: [Step], at base: JSONPointer, _ context: inout LintContext) {
        var names: Set<String> = []
        var mountPaths: [String: String] = [:]
        for step in steps {
            for mount in step.fields["volumeMounts"]?.arrayValue ?? [] {
                if let path = mount["mountPath"]?.stringValue { mountPaths[cleanPath(path)] = "a step's volumeMount" }
            }
        }
        let declared = spec.fields["workspaces"]?.arrayValue ?? []
        for (index, workspace) in declared.enumerated() {
            let at = base / "workspaces" / index
            guard let name = workspace["name"]?.stringValue else { continue }
            if !names.insert(name).inserted {
                context.error("tekton.workspace", at: at / "name", "workspace name \"\(name)\" must be unique")
            }
            let path = cleanPath(workspace["mountPath"]?.stringValue ?? "/workspace/\(name)")
            if let other = mountPaths[path] {
                context.error("tekton.workspace", at: at, "workspace mount path \"\(path)\" must be unique (also used by \(other))")
            }
            mountPaths[path] = "workspace \"\(name)\""
        }
        for (index, step) in steps.enumerated() {
            for (j, usage) in (step.fields["workspaces"]?.arrayValue ?? []).enumerated() {
                if let name = usage["name"]?.stringValue, !names.contains(name) {
                    context.error("tekton.workspace", at: base / "steps" / index / "workspaces" / j / "name", "undefined workspace \"\(name)\"")
                }
            }
        }
    }

    private func checkStepAction(_ spec: ResourceSpec, _ context: inout LintContext) {
        let step = Step(fields: spec.fields)
        if (step.image ?? "").isEmpty {
            context.error("tekton.step-image", at: "/spec", "missing field(s): spec.image")
        }
        if let script = step.script, !script.isEmpty {
            if !(step.command ?? []).isEmpty {
                context.error("tekton.script-command", at: "/spec/script", "script cannot be used with command")
            }
            if !VariableReference.all(in: script, root: "params").isEmpty {
                context.error("tekton.stepaction-script-params", at: "/spec/script",
                              "param substitution in StepAction scripts is not allowed: pass params through env and read $VAR")
            }
        }
        for (index, mount) in (spec.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            guard let name = mount["name"]?.stringValue else { continue }
            let refs = VariableReference.all(in: name, root: "params")
            if refs.count != 1 || !refs[0].isIsolated {
                context.error("tekton.volume-mount", at: "/spec/volumeMounts" / index / "name",
                              "StepAction volumeMount name \"\(name)\" must be a single param reference, like $(params.volume)")
                break
            }
        }
    }
}

/// Go's `filepath.Clean` for absolute Unix paths: folds `//`, `.` and `..` without touching the disk.
func cleanPath(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
        switch part {
        case ".": continue
        case "..": if !parts.isEmpty { parts.removeLast() }
        default: parts.append(part)
        }
    }
    let joined = parts.joined(separator: "/")
    return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
}

extension VariableReference.Selector {
    /// `$(steps.<step>.results.<name>)` parses as root `steps`, name `<step>`, key `results.<name>`.
    var isStepResult: Bool {
        if case .key(let key) = self { return key.hasPrefix("results.") }
        return false
    }
}
