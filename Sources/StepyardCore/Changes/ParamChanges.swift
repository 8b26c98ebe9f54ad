/// The params part of a change report, at `params.NAME[.FIELD]`: presence, type, default, description, enum,
/// object keys, other fields of the spec, the sidecar's keywords, and old documented values the new schema
/// refuses; breaking by `Compatibility`'s rules.
enum ParamChanges {
    static func between(_ old: ComparedVersion, _ new: ComparedVersion, registry: SchemaRegistry) -> [Change] {
        let before = NamedEntries.of(old.resource.spec.fields["params"]), after = NamedEntries.of(new.resource.spec.fields["params"])
        let compiled = try? JSONSchema(new.parameterSchema, registry: registry)
        var changes: [Change] = []
        for name in NamedEntries.union(before.keys, after.keys) {
            let path = "params.\(name)"
            switch (before[name].map(ParamSpec.init(fields:)), after[name].map(ParamSpec.init(fields:))) {
            case let (spec?, nil):
                changes.append(Change(path: path, kind: .removed, before: spec.json, breaking: true,
                                      message: "removed (values passed for it are now refused)"))
            case let (nil, spec?):
                changes.append(Self.defaultValue(of: spec) == nil
                    ? Change(path: path, kind: .added, after: spec.json, breaking: true, message: "added (required: no default, and existing users do not pass it)")
                    : Change(path: path, kind: .added, after: spec.json, breaking: false, message: "added (optional)"))
            case let (a?, b?):
                changes += compare(name, a, b, old.parameterSchema["properties"]?[name], new.parameterSchema["properties"]?[name], compiled)
            case (nil, nil):
                break
            }
        }
        if let moved = NamedEntries.order(at: "params", before.keys, after.keys) { changes.append(moved) }
        return changes
    }

    /// A param both versions declare; `oldSchema` and `newSchema` are its effective schemas.
    private static func compare(_ name: String, _ a: ParamSpec, _ b: ParamSpec, _ oldSchema: JSONValue?, _ newSchema: JSONValue?,
                                _ compiled: JSONSchema?) -> [Change] {
        let path = "params.\(name)"
        var changes: [Change] = []
        if a.type != b.type {
            changes.append(Change(path: path + ".type", kind: .changed, before: .string(a.type.rawValue), after: .string(b.type.rawValue),
                                  breaking: true, message: "\(a.type.rawValue) → \(b.type.rawValue)"))
        } else if let declared = ValueChange.of(a.fields["type"], b.fields["type"], at: path + ".type") {
            // The type written out (or left to Tekton's default) is the same type.
            changes.append(declared)
        }
        switch (defaultValue(of: a), defaultValue(of: b)) {
        case let (value?, nil):
            changes.append(Change(path: path + ".default", kind: .removed, before: value, breaking: true,
                                  message: "removed (was \(ChangeText.json(value))): the param is now required"))
        case let (nil, value?):
            changes.append(Change(path: path + ".default", kind: .added, after: value, breaking: false,
                                  message: "added: \(ChangeText.json(value)) (the param is now optional)"))
        case let (old?, new?) where old != new:
            changes.append(Change(path: path + ".default", kind: .changed, before: old, after: new, breaking: false,
                                  message: ChangeText.jsonTransition(old, new)))
        default:
            break
        }
        // The description people see: the sidecar's when it gives one, else the spec's.
        if let change = ValueChange.of(oldSchema?["description"] ?? a.fields["description"], newSchema?["description"] ?? b.fields["description"],
                                       at: path + ".description") {
            changes.append(change)
        }
        changes += enumChanges(path + ".enum", oldSchema?["enum"]?.arrayValue, newSchema?["enum"]?.arrayValue)
        changes += keyChanges(path + ".properties", a.fields["properties"]?.objectValue, b.fields["properties"]?.objectValue)
        changes += NamedEntries.members(a.fields, b.fields, at: path, handled: ["name", "type", "default", "description", "enum", "properties"])
        changes += SchemaChanges.property(at: path, oldSchema, newSchema)
        if let compiled, case .object(let old)? = oldSchema { changes += refusedSamples(name, old, compiled) }
        return changes
    }

    /// The default as Tekton reads it: absent or null means the param is required.
    private static func defaultValue(of spec: ParamSpec) -> JSONValue? {
        guard let value = spec.defaultValue, value != .null else { return nil }
        return value
    }

    /// Enums of the effective schema (Tekton's, or the sidecar's when the spec has none): added or narrowed breaks.
    private static func enumChanges(_ path: String, _ old: [JSONValue]?, _ new: [JSONValue]?) -> [Change] {
        let before = old.flatMap { $0.isEmpty ? nil : $0 }, after = new.flatMap { $0.isEmpty ? nil : $0 }
        switch (before, after) {
        case let (nil, values?):
            return [Change(path: path, kind: .added, after: .array(values), breaking: true, message: "added: only \(ChangeText.list(values)) accepted")]
        case let (values?, nil):
            return [Change(path: path, kind: .removed, before: .array(values), breaking: false, message: "removed: any value accepted")]
        case let (x?, y?) where x != y:
            let removed = Set(x).subtracting(y), added = Set(y).subtracting(x)
            var changes: [Change] = []
            if !removed.isEmpty {
                changes.append(Change(path: path, kind: .changed, before: .array(x), after: .array(y), breaking: true,
                                      message: "narrowed: \(ChangeText.list(removed)) no longer accepted"))
            }
            if !added.isEmpty {
                changes.append(Change(path: path, kind: .changed, before: .array(x), after: .array(y), breaking: false,
                                      message: "widened: \(ChangeText.list(added)) accepted"))
            }
            if changes.isEmpty {
                changes.append(Change(path: path, kind: .changed, before: .array(x), after: .array(y), breaking: false, message: "reordered: the same values"))
            }
            return changes
        default:
            return []
        }
    }

    /// Object params' keys: a key added breaks (every key is required), one removed does not.
    private static func keyChanges(_ path: String, _ old: NamedEntries.Fields?, _ new: NamedEntries.Fields?) -> [Change] {
        guard old != new else { return [] }
        let before = old ?? [:], after = new ?? [:]
        let added = after.keys.filter { before[$0] == nil }, removed = before.keys.filter { after[$0] == nil }
        let oldValue = old.map(JSONValue.object), newValue = new.map(JSONValue.object)
        var changes: [Change] = []
        if !added.isEmpty {
            changes.append(Change(path: path, kind: .changed, before: oldValue, after: newValue, breaking: true,
                                  message: "keys added (every key is required): \(added.joined(separator: ", "))"))
        }
        if !removed.isEmpty {
            changes.append(Change(path: path, kind: .changed, before: oldValue, after: newValue, breaking: false,
                                  message: "keys removed: \(removed.joined(separator: ", "))"))
        }
        if changes.isEmpty, let change = ValueChange.of(oldValue, newValue, at: path) { changes.append(change) }
        return changes
    }

    /// Values the old schema documented as good (examples, default, enum) that the new schema refuses.
    private static func refusedSamples(_ name: String, _ old: NamedEntries.Fields, _ compiled: JSONSchema) -> [Change] {
        var samples: [JSONValue] = old["examples"]?.arrayValue ?? []
        if let value = old["default"] { samples.append(value) }
        samples += old["enum"]?.arrayValue ?? []
        let pointer = "/" + JSONPointer.escape(name)
        var seen = Set<JSONValue>(), changes: [Change] = []
        for sample in samples where seen.insert(sample).inserted {
            let errors = compiled.validate(.object([name: sample])).errors
            if let first = errors.first(where: { $0.instancePointer == pointer || $0.instancePointer.hasPrefix(pointer + "/") }) {
                changes.append(Change(path: "params.\(name)", kind: .changed, before: sample, breaking: true,
                                      message: "\(sample.serialized()), accepted before, is now refused: \(first.message)"))
            }
        }
        return changes
    }
}
