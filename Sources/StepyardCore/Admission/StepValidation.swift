/// A step's container fields, as Tekton's `Step.Validate`, `Ref.Validate` and `Sidecar.Validate` check them
/// (`pkg/apis/pipeline/v1/container_validation.go`; v1beta1's differences noted where they apply).
enum StepValidation {
    /// `Step.Validate` on one step, merged with the `stepTemplate`.
    static func validate(_ placed: PlacedStep, _ context: inout LintContext) {
        let step = placed.step, at = placed.base
        // validateArtifactsReferencesInStep: artifacts need their flag; Tekton stops checking the step here.
        if !context.flags.enableArtifacts {
            let texts = [step.script ?? ""] + (step.command ?? []) + (step.args ?? [])
                + (step.fields["env"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
            if texts.contains(where: { TektonPatterns.containsStepArtifact($0) || TektonPatterns.containsTaskArtifact($0) }) {
                context.error(.featureFlag, at: at, FeatureFlags.flagMessage("artifacts ($(step.artifacts.path), $(steps.<step>.outputs.<name>))",
                                                                             key: FeatureFlags.Key.enableArtifacts))
                return
            }
        }
        if step.fields["ref"].map({ $0 != .null }) ?? false {
            validateRef(step.fields["ref"] ?? .null, at: at / "ref", owner: "step", &context)
            validateFieldsBesideRef(step, at: at, &context)
        } else {
            if !(step.fields["params"]?.arrayValue ?? []).isEmpty {
                context.error(.stepParams, at: placed.pointer("params"), "params cannot be used without ref: only a step that refers to a StepAction takes params")
            }
            if (step.image ?? "").isEmpty {
                context.error(.stepImage, at: at, "missing field(s): \(at.fieldPath).image (and the stepTemplate sets none)")
            }
            if !(step.script ?? "").isEmpty, !(step.command ?? []).isEmpty {
                context.error(.scriptCommand, at: placed.pointer("script"), "script cannot be used with command (use args, or put the command in the script)")
            }
        }
        if let name = step.name, !name.isEmpty, !TektonNames.isDNS1123Label(name) {
            context.error(.stepName, at: at / "name",
                          "step name \"\(name)\" must be a DNS label: lower-case letters, digits and '-', at most 63 characters")
        }
        if let timeout = step.string("timeout"), let duration = GoDuration(timeout), duration.isNegative {
            context.error(.stepTimeout, at: at / "timeout", "step timeout \"\(timeout)\" is negative")
            return
        }
        validateVolumeMounts(placed, &context)
        if let onError = step.string("onError"), !onError.isEmpty, !onError.hasPrefix("$(params.") {
            let allowed = ["continue", "stopAndFail"]
            if !allowed.contains(onError) {
                context.error(.onError, at: at / "onError",
                              "onError \"\(onError)\" is not one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
        }
        if let script = step.script, script.trimmed.hasPrefix("#!win") {
            context.requireAPIFields("Windows scripts (#!win)", .alpha, at: placed.pointer("script"))
        }
        for field in ["stdoutConfig", "stderrConfig"] where step.fields[field].map({ $0 != .null }) ?? false {
            context.requireAPIFields(field, .alpha, at: at / field)
        }
        validateStepResultAndArtifactPlacement(placed, &context)
    }

    /// The fields a step that refers to a StepAction may not set: the StepAction provides them.
    private static func validateFieldsBesideRef(_ step: Step, at: JSONPointer, _ context: inout LintContext) {
        let refName = step.refName.map { "the StepAction \"\($0)\"" } ?? "the StepAction"
        if !(step.image ?? "").isEmpty { context.error(.stepRef, at: at / "image", "image cannot be used with ref: \(refName) provides it") }
        if !(step.command ?? []).isEmpty { context.error(.stepRef, at: at / "command", "command cannot be used with ref: \(refName) provides it") }
        if !(step.args ?? []).isEmpty { context.error(.stepRef, at: at / "args", "args cannot be used with ref: \(refName) provides them") }
        if !(step.script ?? "").isEmpty { context.error(.stepRef, at: at / "script", "script cannot be used with ref: \(refName) provides it") }
        if !(step.string("workingDir") ?? "").isEmpty {
            context.error(.stepRef, at: at / "workingDir", "workingDir cannot be used with ref: \(refName) provides it")
        }
        // Tekton refuses any `env`, even an empty list, beside a ref.
        if case .array? = step.fields["env"] { context.error(.stepRef, at: at / "env", "env cannot be used with ref: pass values to \(refName) as params") }
        if !(step.fields["volumeMounts"]?.arrayValue ?? []).isEmpty {
            context.error(.stepRef, at: at / "volumeMounts", "volumeMounts cannot be used with ref: \(refName) declares them")
        }
        if !(step.fields["results"]?.arrayValue ?? []).isEmpty {
            context.error(.stepRef, at: at / "results", "results cannot be used with ref: \(refName) declares them")
        }
    }

    /// `validateRef` (`Ref.Validate`, and the same rules for `taskRef`/`pipelineRef` in `RefValidation`): a name, or
    /// a resolver with params; a URL-like name only with concise resolver syntax.
    static func validateRef(_ ref: JSONValue, at: JSONPointer, owner: String, _ context: inout LintContext) {
        let rule: TektonRule = owner == "task" ? .taskRef : owner == "pipeline" ? .pipelineRef : .stepRef
        let name = ref["name"]?.stringValue ?? ""
        let resolver = ref["resolver"]?.stringValue ?? ""
        let hasParams = ref["params"].map { $0 != .null } ?? false
        if !resolver.isEmpty || hasParams {
            if hasParams {
                context.requireAPIFields("resolver params", .beta, at: at / "params")
                if !name.isEmpty {
                    context.error(rule, at: at, "\(at.fieldPath) sets both name and params: a ref names a resource, or asks a resolver with params")
                }
                if resolver.isEmpty {
                    context.error(rule, at: at, "missing field(s): \(at.fieldPath).resolver (params are passed to a resolver)")
                }
                ParamValidation.validateBindings(ref["params"]?.arrayValue ?? [], at: at / "params", &context)
            }
            if !resolver.isEmpty {
                context.requireAPIFields("resolver", .beta, at: at / "resolver")
                if !name.isEmpty {
                    if TektonPatterns.looksLikeURL(name) {
                        if !context.flags.enableConciseResolverSyntax {
                            context.error(.featureFlag, at: at / "name", FeatureFlags.flagMessage("a URL as \(owner) ref name (\"\(name)\")",
                                                                                                  key: FeatureFlags.Key.enableConciseResolverSyntax))
                        }
                    } else {
                        context.error(rule, at: at / "name",
                                      "\(at.fieldPath).name \"\(name)\" beside a resolver must be a URL (concise resolver syntax); to name a resource, drop the resolver")
                    }
                }
            }
        } else if !name.isEmpty {
            if TektonPatterns.looksLikeURL(name) {
                if !context.flags.enableConciseResolverSyntax {
                    context.error(.featureFlag, at: at / "name", FeatureFlags.flagMessage("a URL as \(owner) ref name (\"\(name)\")",
                                                                                          key: FeatureFlags.Key.enableConciseResolverSyntax))
                }
                context.error(rule, at: at, "missing field(s): \(at.fieldPath).resolver (a URL name needs the resolver that fetches it)")
            } else if !TektonNames.isQualifiedName(name) {
                context.error(rule, at: at / "name",
                              "ref name \"\(name)\" is not a valid Kubernetes name: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters")
            }
        } else {
            context.error(rule, at: at, "missing field(s): \(at.fieldPath).name (or a resolver with params)")
        }
    }

    /// `TaskRef.Validate` (`taskref_validation.go`): v1 is `validateRef`; v1beta1 also refuses `bundle` on create.
    static func validateTaskRef(_ ref: JSONValue, at: JSONPointer, isV1: Bool, _ context: inout LintContext) {
        if !isV1, !(ref["bundle"]?.stringValue ?? "").isEmpty {
            context.error(.taskRef, at: at / "bundle",
                          "must not set the field(s): \(at.fieldPath).bundle (Tekton bundles are referenced with the bundles resolver: resolver: bundles)")
        }
        validateRef(ref, at: at, owner: "task", &context)
    }

    /// Mount paths under `/tekton/` (but `/tekton/home`) and `tekton-internal-` names are Tekton's own.
    private static func validateVolumeMounts(_ placed: PlacedStep, _ context: inout LintContext) {
        for (index, mount) in (placed.step.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            let mountAt = placed.pointer("volumeMounts", index)
            let path = mount["mountPath"]?.stringValue ?? ""
            let clean = cleanPath(path)
            if clean.hasPrefix("/tekton/") && !clean.hasPrefix("/tekton/home") {
                context.error(.volumeMount, at: mountAt / "mountPath",
                              "volumeMount \"\(mount["name"]?.stringValue ?? "")\" cannot be mounted under /tekton/ (mounted at \"\(path)\")")
            }
            if let name = mount["name"]?.stringValue, name.hasPrefix("tekton-internal-") {
                context.error(.volumeMount, at: mountAt / "name", "volumeMount name \"\(name)\" cannot start with \"tekton-internal-\"")
            }
        }
    }

    /// `validateStepResultReference` and `validateStepArtifactsReference`: `$(steps.<step>.results.<name>)` is
    /// resolved by the entrypoint, so only env, command and args may use it (artifacts: script too).
    private static func validateStepResultAndArtifactPlacement(_ placed: PlacedStep, _ context: inout LintContext) {
        let step = placed.step
        var fields: [(JSONPointer, String, Bool)] = []  // (where, text, is the script)
        for key in ["name", "image", "script", "imagePullPolicy", "workingDir"] {
            if let s = step.string(key) { fields.append((placed.pointer(key), s, key == "script")) }
        }
        for (index, source) in (step.fields["envFrom"]?.arrayValue ?? []).enumerated() {
            if let s = source["prefix"]?.stringValue { fields.append((placed.pointer("envFrom", index) / "prefix", s, false)) }
            for key in ["configMapRef", "secretRef"] {
                if let s = source[key]?["name"]?.stringValue { fields.append((placed.pointer("envFrom", index) / key / "name", s, false)) }
            }
        }
        for (list, keys) in [("volumeMounts", ["name", "mountPath", "subPath"]), ("volumeDevices", ["name", "devicePath"])] {
            for (index, item) in (step.fields[list]?.arrayValue ?? []).enumerated() {
                for key in keys {
                    if let s = item[key]?.stringValue { fields.append((placed.pointer(list, index) / key, s, false)) }
                }
            }
        }
        for (pointer, text, isScript) in fields {
            if TektonPatterns.containsStepResult(text) {
                context.error(.stepResultReference, at: pointer,
                              "step results ($(steps.<step>.results.<name>)) may only be used in env, command and args, not in \(pointer.fieldPath)")
            }
            if !isScript, TektonPatterns.containsStepArtifact(text) {
                context.error(.artifactReference, at: pointer,
                              "step artifacts may only be used in env, command, args and script, not in \(pointer.fieldPath)")
            }
        }
    }

    /// `Sidecar.Validate`: a name that is not Tekton's own, an image, no script beside a command.
    static func validateSidecar(_ sidecar: Step, at: JSONPointer, _ context: inout LintContext) {
        if sidecar.name == "tekton-log-results" {
            context.error(.sidecar, at: at / "name", "cannot use reserved sidecar name tekton-log-results")
        }
        if (sidecar.image ?? "").isEmpty {
            context.error(.sidecar, at: at, "missing field(s): \(at.fieldPath).image")
        }
        if !(sidecar.script ?? "").isEmpty, !(sidecar.command ?? []).isEmpty {
            context.error(.scriptCommand, at: at / "script", "script cannot be used with command")
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
