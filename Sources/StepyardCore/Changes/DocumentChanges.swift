import OrderedCollections

/// The document part of a change report: everything the interface parts do not cover, by its place in the
/// document (`spec.steps[test].image`), from the structural diff. Steps, sidecars and Pipeline tasks are added,
/// removed or moved by name; env entries change as a whole (`spec.steps[test].env[GOFLAGS]`); a script reports
/// the lines added and removed. Compatible by the gate's rules.
enum DocumentChanges {
    /// Lists whose elements are reported as moved one by one (their order is what runs).
    static let orderedLists: Set<String> = ["steps", "sidecars", "tasks", "finally"]

    static func between(_ old: JSONValue, _ new: JSONValue) -> [Change] {
        let before = comparable(old, other: new), after = comparable(new, other: old)
        var changes: [Change] = []
        var collapsed = Set<KeyedPath>()
        var oldLookup = Lookup(before), newLookup = Lookup(after)
        for raw in StructuralDiff(from: before, to: after).changes {
            if let entry = envEntry(raw.path), entry != raw.path {
                // A member of an env entry changed: the entry is reported once, whole.
                guard collapsed.insert(entry).inserted else { continue }
                let a = oldLookup.value(at: entry), b = newLookup.value(at: entry)
                changes.append(Change(path: entry.description, kind: .changed, before: a, after: b, breaking: false,
                                      message: "\(a.map(envText) ?? "-") → \(b.map(envText) ?? "-")"))
                continue
            }
            changes += describe(raw, &oldLookup, &newLookup)
        }
        return changes
    }

    /// One structural change as the report words it.
    private static func describe(_ raw: StructuralDiff.Change, _ before: inout Lookup, _ after: inout Lookup) -> [Change] {
        let path = raw.path.description.isEmpty ? "document" : raw.path.description
        let components = raw.path.components
        // `…steps[NAME]`: the list's key, when the path ends at a named element.
        var listKey: String?
        if components.count >= 2, case .named = components[components.count - 1], case .key(let key) = components[components.count - 2] {
            listKey = key
        }
        switch raw.kind {
        case .added, .removed:
            let value = raw.after ?? raw.before ?? .null
            let added = raw.kind == .added
            if let listKey, orderedLists.contains(listKey) {
                let what = entity(value).map { " (\($0))" } ?? ""
                return [Change(path: path, kind: added ? .added : .removed, before: raw.before, after: raw.after, breaking: false,
                               message: (added ? "added" : "removed") + what)]
            }
            if listKey == "env" {
                return [Change(path: path, kind: added ? .added : .removed, before: raw.before, after: raw.after, breaking: false,
                               message: added ? "added: \(envText(value))" : "removed (was \(envText(value)))")]
            }
            return ValueChange.of(raw.before, raw.after, at: path).map { [$0] } ?? []
        case .changed:
            return ValueChange.of(raw.before, raw.after, at: path).map { [$0] } ?? []
        case .reordered:
            let old = names(before.value(at: raw.path)), new = names(after.value(at: raw.path))
            if case .key(let key)? = components.last, orderedLists.contains(key) {
                return moved(raw.path, old, new)
            }
            return NamedEntries.order(at: path, old, new).map { [$0] } ?? []
        }
    }

    /// Each element that changed place, with its positions (1-based) before and after.
    private static func moved(_ list: KeyedPath, _ old: [String], _ new: [String]) -> [Change] {
        let inNew = Set(new), inOld = Set(old)
        let common = old.filter { inNew.contains($0) }, commonAfter = new.filter { inOld.contains($0) }
        var oldPosition: [String: Int] = [:], newPosition: [String: Int] = [:]
        for (index, name) in old.enumerated() where oldPosition[name] == nil { oldPosition[name] = index + 1 }
        for (index, name) in new.enumerated() where newPosition[name] == nil { newPosition[name] = index + 1 }
        return NamedEntries.movedNames(common, commonAfter).map { name in
            let from = oldPosition[name] ?? 0, to = newPosition[name] ?? 0
            let place = to > 1 ? "after \(new[to - 2])" : "first"
            return Change(path: list.appending(.named(name)).description, kind: .moved, before: .number(JSONNumber(from)),
                          after: .number(JSONNumber(to)), breaking: false, message: "moved from position \(from) to \(to) (now \(place))")
        }
    }

    /// What a step, sidecar or Pipeline task runs, for a message: `image golang:1.23`, `ref git-clone`, `task go`.
    private static func entity(_ value: JSONValue) -> String? {
        if let image = value["image"]?.stringValue { return "image \(image)" }
        if let ref = value["ref"]?["name"]?.stringValue { return "ref \(ref)" }
        if let task = value["taskRef"]?["name"]?.stringValue { return "task \(task)" }
        if value["taskSpec"] != nil { return "embedded taskSpec" }
        return nil
    }

    /// An env entry's value for a message: its `value`, else its other members as JSON (`valueFrom`).
    private static func envText(_ entry: JSONValue) -> String {
        guard case .object(var fields) = entry else { return ChangeText.text(entry) }
        fields.removeValue(forKey: "name")
        if fields.count == 1, let value = fields["value"] { return ChangeText.text(value) }
        return ChangeText.json(.object(fields))
    }

    /// The env entry a path lies in (`…env[NAME]`), if any.
    private static func envEntry(_ path: KeyedPath) -> KeyedPath? {
        let c = path.components
        guard c.count >= 2 else { return nil }
        for i in 1..<c.count {
            if case .key("env") = c[i - 1], case .named = c[i] { return KeyedPath(Array(c[...i])) }
        }
        return nil
    }

    /// The element names of a named list.
    private static func names(_ list: JSONValue?) -> [String] {
        (list?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    /// Values of a document by path, named elements by `name`; each named list is indexed once, so looking up every
    /// element of a long list stays linear.
    private struct Lookup {
        let document: JSONValue
        var lists: [KeyedPath: [String: JSONValue]] = [:]

        init(_ document: JSONValue) { self.document = document }

        mutating func value(at path: KeyedPath) -> JSONValue? {
            var current: JSONValue? = document
            var walked = KeyedPath()
            for component in path.components {
                switch component {
                case .key(let key): current = current?[key]
                case .index(let index): current = current?[index]
                case .named(let name):
                    if lists[walked] == nil {
                        var byName: [String: JSONValue] = [:]
                        for item in current?.arrayValue ?? [] {
                            if let n = item["name"]?.stringValue, byName[n] == nil { byName[n] = item }
                        }
                        lists[walked] = byName
                    }
                    current = lists[walked]?[name]
                }
                walked = walked.appending(component)
            }
            return current
        }
    }

    /// A document without what the report shows elsewhere or leaves out: the version label (the report's `from` and
    /// `to`), the params, results and workspaces (the interface parts), and pin annotations whose pins differ from
    /// `other`'s (the pins part).
    private static func comparable(_ document: JSONValue, other: JSONValue) -> JSONValue {
        guard case .object(var root) = document else { return document }
        if case .object(var metadata)? = root["metadata"] {
            if case .object(var labels)? = metadata["labels"] {
                labels.removeValue(forKey: WellKnown.versionLabel)
                metadata["labels"] = labels.isEmpty ? nil : .object(labels)
            }
            if case .object(var annotations)? = metadata["annotations"] {
                let mine = Metadata(fields: metadata), theirs = Metadata(other["metadata"]) ?? Metadata(fields: [:])
                for (annotation, _) in PinChanges.annotations where PinChanges.differ(annotation, mine, theirs) {
                    annotations.removeValue(forKey: annotation)
                }
                metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
            }
            root["metadata"] = .object(metadata)
        }
        if case .object(var spec)? = root["spec"] {
            for key in ["params", "results", "workspaces"] { spec.removeValue(forKey: key) }
            root["spec"] = .object(spec)
        }
        return .object(root)
    }
}
