/// The workspaces part of a change report, at `workspaces.NAME[.FIELD]`: added (optional or required), removed,
/// and changed fields (`optional`, `readOnly`, `mountPath`, `description`).
///
/// Breaking as Tekton's run-time check (`workspace.ValidateBindings`) makes them: a run that binds a workspace the
/// Task or Pipeline no longer declares is refused ("does not match any declared workspace"), and so is a run that
/// does not bind one that became required ("is required but has not been bound"). So a removed workspace, a new
/// required one and an optional one made required break their users; the rest does not.
enum WorkspaceChanges {
    static func between(_ old: ResourceSpec, _ new: ResourceSpec) -> [Change] {
        let before = NamedEntries.of(old.fields["workspaces"]), after = NamedEntries.of(new.fields["workspaces"])
        var changes: [Change] = []
        for name in NamedEntries.union(before.keys, after.keys) {
            let path = "workspaces.\(name)"
            switch (before[name], after[name]) {
            case let (fields?, nil):
                changes.append(Change(path: path, kind: .removed, before: .object(fields), breaking: true,
                                      message: "removed (runs that bind it are now refused)"))
            case let (nil, fields?):
                let optional = isOptional(fields)
                changes.append(Change(path: path, kind: .added, after: .object(fields), breaking: !optional,
                                      message: optional ? "added (optional)" : "added (required: runs that do not bind it are now refused)"))
            case let (a?, b?):
                let madeRequired = isOptional(a) && !isOptional(b)
                if madeRequired {
                    changes.append(Change(path: "\(path).optional", kind: .changed, before: a["optional"], after: b["optional"], breaking: true,
                                          message: "made required (runs that do not bind it are now refused)"))
                }
                changes += NamedEntries.members(a, b, at: path, handled: madeRequired ? ["name", "optional"] : ["name"])
            case (nil, nil):
                break
            }
        }
        if let moved = NamedEntries.order(at: "workspaces", before.keys, after.keys) { changes.append(moved) }
        return changes
    }

    private static func isOptional(_ fields: NamedEntries.Fields) -> Bool { fields["optional"] == .bool(true) }
}
