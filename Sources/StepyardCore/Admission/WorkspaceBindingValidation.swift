/// Workspace bindings of runs (`WorkspaceBinding.Validate` in `pkg/apis/pipeline/v1/workspace_validation.go`, and
/// `ValidateWorkspaceBindings` in `taskrun_validation.go`).
enum WorkspaceBindingValidation {
    /// The volume sources a binding may name, exactly one of which it must.
    static let sources = ["volumeClaimTemplate", "persistentVolumeClaim", "emptyDir", "configMap", "secret", "projected", "csi"]

    /// `ValidateWorkspaceBindings`: each binding, and names unique without regard to case.
    static func validate(_ bindings: [JSONValue], at base: JSONPointer, _ context: inout LintContext) {
        var seen: Set<String> = []
        for (index, binding) in bindings.enumerated() {
            validate(binding, at: base / index, &context)
            let name = binding["name"]?.stringValue ?? ""
            if !seen.insert(name.lowercased()).inserted {
                context.error(.runWorkspace, at: base / index / "name", "workspace binding \"\(name)\" appears more than once (names are compared without case)")
            }
        }
    }

    /// `WorkspaceBinding.Validate`: exactly one volume source, with the name it needs.
    static func validate(_ binding: JSONValue, at: JSONPointer, _ context: inout LintContext) {
        guard case .object(let fields) = binding, !fields.isEmpty else {
            context.error(.runWorkspace, at: at, "missing field(s): \(at.fieldPath): a workspace binding needs a name and a volume source")
            return
        }
        let present = sources.filter { fields[$0].map { $0 != .null } ?? false }
        guard present.count == 1 else {
            context.error(.runWorkspace, at: at, present.isEmpty
                          ? "workspace binding \"\(fields["name"]?.stringValue ?? "")\" names no volume source: give exactly one of \(sources.joined(separator: ", "))"
                          : "workspace binding \"\(fields["name"]?.stringValue ?? "")\" names \(present.joined(separator: " and ")): give exactly one volume source")
            return
        }
        let required: [String: (String, String)] = [
            "persistentVolumeClaim": ("claimName", "persistentVolumeClaim.claimName"), "configMap": ("name", "configMap.name"),
            "secret": ("secretName", "secret.secretName"), "csi": ("driver", "csi.driver"),
        ]
        if let (key, label) = required[present[0]], (fields[present[0]]?[key]?.stringValue ?? "").isEmpty {
            context.error(.runWorkspace, at: at / present[0], "missing field(s): \(at.fieldPath).\(label)")
        }
        if present[0] == "projected", (fields["projected"]?["sources"]?.arrayValue ?? []).isEmpty {
            context.error(.runWorkspace, at: at / "projected", "missing field(s): \(at.fieldPath).projected.sources")
        }
    }
}
