/// The results part of a change report, at `results.NAME[.FIELD]`: a result removed or retyped breaks the users
/// reading it; one added, and any other field (description, properties, a Pipeline result's value), does not.
enum ResultChanges {
    static func between(_ old: ResourceSpec, _ new: ResourceSpec) -> [Change] {
        let before = NamedEntries.of(old.fields["results"]), after = NamedEntries.of(new.fields["results"])
        var changes: [Change] = []
        for name in NamedEntries.union(before.keys, after.keys) {
            let path = "results.\(name)"
            switch (before[name], after[name]) {
            case let (fields?, nil):
                changes.append(Change(path: path, kind: .removed, before: .object(fields), breaking: true, message: "removed (users reading it break)"))
            case let (nil, fields?):
                changes.append(Change(path: path, kind: .added, after: .object(fields), breaking: false, message: "added"))
            case let (a?, b?):
                let t0 = type(of: a), t1 = type(of: b)
                if t0 != t1 {
                    changes.append(Change(path: path + ".type", kind: .changed, before: .string(t0), after: .string(t1), breaking: true,
                                          message: "\(t0) → \(t1)"))
                } else if let declared = ValueChange.of(a["type"], b["type"], at: path + ".type") {
                    // The type written out (or left to Tekton's default) is the same type.
                    changes.append(declared)
                }
                changes += NamedEntries.members(a, b, at: path, handled: ["name", "type"])
            case (nil, nil):
                break
            }
        }
        if let moved = NamedEntries.order(at: "results", before.keys, after.keys) { changes.append(moved) }
        return changes
    }

    /// The type as Tekton's `SetDefaults` gives it: the declared one, else `object` with properties, else the
    /// shape of a Pipeline result's value, else `string`.
    private static func type(of result: NamedEntries.Fields) -> String {
        if let declared = result["type"]?.stringValue { return declared }
        if result["properties"] != nil { return "object" }
        switch result["value"] {
        case .array?: return "array"
        case .object?: return "object"
        default: return "string"
        }
    }
}
