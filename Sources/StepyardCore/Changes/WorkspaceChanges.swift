/// The workspaces part of a change report, at `workspaces.NAME[.FIELD]`: added (optional or required), removed,
/// and changed fields (`optional`, `readOnly`, `mountPath`, `description`). None is breaking by the gate's rules.
enum WorkspaceChanges {
    static func between(_ old: ResourceSpec, _ new: ResourceSpec) -> [Change] {
        let before = NamedEntries.of(old.fields["workspaces"]), after = NamedEntries.of(new.fields["workspaces"])
        var changes: [Change] = []
        for name in NamedEntries.union(before.keys, after.keys) {
            let path = "workspaces.\(name)"
            switch (before[name], after[name]) {
            case let (fields?, nil):
                changes.append(Change(path: path, kind: .removed, before: .object(fields), breaking: false, message: "removed"))
            case let (nil, fields?):
                let optional = fields["optional"] == .bool(true)
                changes.append(Change(path: path, kind: .added, after: .object(fields), breaking: false,
                                      message: optional ? "added (optional)" : "added (required)"))
            case let (a?, b?):
                changes += NamedEntries.members(a, b, at: path, handled: ["name"])
            case (nil, nil):
                break
            }
        }
        if let moved = NamedEntries.order(at: "workspaces", before.keys, after.keys) { changes.append(moved) }
        return changes
    }
}
