import OrderedCollections

/// The structural difference between two Tekton documents, with list elements matched by name (steps by name,
/// params by name, env by name, …), so a reorder shows as a reorder and not as a change of every element.
///
/// The plain comparison under the change report (`ChangeReport`), which words these changes for people, marks
/// them breaking or compatible and covers the interface by name; ask the report, not this, how two versions differ.
public struct StructuralDiff: Sendable, Hashable, Codable {
    /// One difference at one path.
    public struct Change: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Codable { case added, removed, changed, reordered }
        public var kind: Kind
        public var path: KeyedPath
        /// The value on the left (the upstream), when there is one.
        public var before: JSONValue?
        /// The value on the right (the fork), when there is one.
        public var after: JSONValue?
    }

    public var changes: [Change]

    /// The differences from `before` to `after`. `metadata.labels["app.kubernetes.io/version"]` and
    /// `metadata.name` are part of the diff like any field.
    public init(from before: JSONValue, to after: JSONValue) {
        var changes: [Change] = []
        Self.compare(before, after, at: KeyedPath(), into: &changes)
        self.changes = changes
    }

    static func compare(_ a: JSONValue, _ b: JSONValue, at path: KeyedPath, into changes: inout [Change]) {
        if a == b { return }
        switch (a, b) {
        case let (.object(x), .object(y)):
            for (key, value) in x {
                if let other = y[key] { compare(value, other, at: path.appending(.key(key)), into: &changes) }
                else { changes.append(Change(kind: .removed, path: path.appending(.key(key)), before: value, after: nil)) }
            }
            for (key, value) in y where x[key] == nil {
                changes.append(Change(kind: .added, path: path.appending(.key(key)), before: nil, after: value))
            }
        case let (.array(x), .array(y)):
            if let left = KeyedPath.namedElements(x), let right = KeyedPath.namedElements(y) {
                for (name, value) in left {
                    if let other = right[name] { compare(value, other, at: path.appending(.named(name)), into: &changes) }
                    else { changes.append(Change(kind: .removed, path: path.appending(.named(name)), before: value, after: nil)) }
                }
                for (name, value) in right where left[name] == nil {
                    changes.append(Change(kind: .added, path: path.appending(.named(name)), before: nil, after: value))
                }
                let common = left.keys.filter { right[$0] != nil }
                let rightOrder = right.keys.filter { left[$0] != nil }
                if Array(common) != Array(rightOrder) {
                    changes.append(Change(kind: .reordered, path: path, before: .array(common.map(JSONValue.string)),
                                          after: .array(rightOrder.map(JSONValue.string))))
                }
            } else {
                changes.append(Change(kind: .changed, path: path, before: a, after: b))
            }
        default:
            changes.append(Change(kind: .changed, path: path, before: a, after: b))
        }
    }
}

extension JSONValue {
    /// A short rendering for one-line messages: strings as they are (multi-line ones as a line count), other values
    /// as JSON, cut at `limit` characters.
    func preview(limit: Int) -> String {
        let text = stringValue.map { $0.contains("\n") ? "(\($0.split(separator: "\n").count) lines)" : $0 } ?? serialized()
        return text.count > limit ? String(text.prefix(limit - 3)) + "..." : text
    }
}
