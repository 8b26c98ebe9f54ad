/// A step as Tekton validates it: merged with the Task's `stepTemplate` (`MergeStepsWithStepTemplate`, which
/// Tekton's `TaskSpec.Validate` applies to the steps in place before it checks them), remembering where each field
/// came from so a finding points at the line that wrote it.
struct PlacedStep {
    /// The merged step.
    var step: Step
    /// The step's own pointer (`/spec/steps/2`).
    var base: JSONPointer
    /// Fields taken whole from the template, with the template's pointer.
    private var templateFields: [String: JSONPointer] = [:]
    /// For lists merged by key (env by name, volumeMounts by mountPath, volumeDevices by devicePath): where each
    /// merged element came from.
    private var elementOrigins: [String: [JSONPointer]] = [:]

    /// The step as written, for a step with no template (or a `ref` step, which Tekton does not merge).
    init(step: Step, at base: JSONPointer) {
        self.step = step
        self.base = base
    }

    /// Where `field` of the merged step was written.
    func pointer(_ field: String) -> JSONPointer {
        (templateFields[field] ?? base) / field
    }

    /// Where element `index` of list `field` was written.
    func pointer(_ field: String, _ index: Int) -> JSONPointer {
        if let origins = elementOrigins[field], origins.indices.contains(index) { return origins[index] }
        return pointer(field) / index
    }

    /// Merges `step` with `template` the way Kubernetes' strategic merge patch does for a container: the step's
    /// fields win; env, volumeMounts and volumeDevices are merged by their keys, the step's entries replacing the
    /// template's of the same key. A `ref` step is left as it is.
    static func merging(_ step: Step, at base: JSONPointer, template: JSONValue?, templateAt: JSONPointer) -> PlacedStep {
        var placed = PlacedStep(step: step, at: base)
        guard case .object(let templateFields)? = template, !step.isReference else { return placed }
        let mergeKeys = ["env": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath"]
        for (field, value) in templateFields where value != .null {
            guard let own = step.fields[field], own != .null else {
                placed.step.fields[field] = value
                placed.templateFields[field] = templateAt
                continue
            }
            guard let key = mergeKeys[field], case .array(let ownItems) = own, case .array(let templateItems) = value else { continue }
            var merged = ownItems
            var origins = ownItems.indices.map { base / field / $0 }
            let ownKeys = Set(ownItems.compactMap { $0[key]?.stringValue })
            for (index, item) in templateItems.enumerated() where !ownKeys.contains(item[key]?.stringValue ?? "\u{0}") {
                merged.append(item)
                origins.append(templateAt / field / index)
            }
            placed.step.fields[field] = .array(merged)
            placed.elementOrigins[field] = origins
        }
        return placed
    }

    /// The string fields Tekton reads variables in (`validateStepVariables` and its siblings), with where they were
    /// written and how: `command` and `args` elements may expand whole arrays, `onError` is checked for unknown
    /// params only.
    func variableFields() -> [(pointer: JSONPointer, text: String, role: FieldRole)] {
        var out: [(JSONPointer, String, FieldRole)] = []
        for key in ["name", "image", "workingDir", "script"] {
            if let s = step.string(key) { out.append((pointer(key), s, .plain)) }
        }
        for key in ["command", "args"] {
            for (index, item) in (step.fields[key]?.arrayValue ?? []).enumerated() {
                if let s = item.stringValue { out.append((pointer(key, index), s, .commandOrArgs)) }
            }
        }
        for (index, env) in (step.fields["env"]?.arrayValue ?? []).enumerated() {
            if let s = env["value"]?.stringValue { out.append((pointer("env", index) / "value", s, .plain)) }
        }
        for (index, mount) in (step.fields["volumeMounts"]?.arrayValue ?? []).enumerated() {
            for key in ["name", "mountPath", "subPath"] {
                if let s = mount[key]?.stringValue { out.append((pointer("volumeMounts", index) / key, s, .plain)) }
            }
        }
        if let s = step.string("onError") { out.append((pointer("onError"), s, .onError)) }
        return out
    }

    enum FieldRole { case plain, commandOrArgs, onError }
}
