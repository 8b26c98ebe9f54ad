import OrderedCollections

/// A three-way structural merge of Tekton documents: the change from `base` to `theirs` (upstream's new release)
/// applied to `ours` (a department's fork), list elements matched by name so a reorder is not a conflict.
///
/// Per field: changed on one side only, that side wins; changed alike on both, fine; changed differently on both
/// (objects recursed first), a conflict with its path. Conflicts can be settled per path with `.ours` or `.theirs`.
public struct ThreeWayMerge: Sendable {
    public enum Side: String, Sendable, Codable { case ours, theirs }

    /// A field both sides changed differently.
    public struct Conflict: Sendable, Hashable, Codable {
        public var path: KeyedPath
        public var base: JSONValue?
        public var ours: JSONValue?
        public var theirs: JSONValue?

        /// `spec.steps[build].image: ours golang:1.23, upstream golang:1.24 (was golang:1.22)`.
        public var line: String {
            func show(_ v: JSONValue?) -> String { v?.preview(limit: 60) ?? "(removed)" }
            return "\(path): ours \(show(ours)), upstream \(show(theirs)) (was \(show(base)))"
        }
    }

    /// The merged document (with settled conflicts applied, unsettled ones left as ours).
    public var merged: JSONValue
    /// Conflicts no resolution settled.
    public var conflicts: [Conflict]

    /// Merges; `resolutions` settle conflicts by path (`spec.steps[build].image` → `.theirs`).
    public init(base: JSONValue, ours: JSONValue, theirs: JSONValue, resolutions: [String: Side] = [:]) {
        var conflicts: [Conflict] = []
        merged = Self.merge(base, ours, theirs, at: KeyedPath(), resolutions: resolutions, conflicts: &conflicts) ?? ours
        self.conflicts = conflicts
    }

    /// Merges one value (`nil` = absent); returns the merged value or `nil` for "absent".
    static func merge(_ base: JSONValue?, _ ours: JSONValue?, _ theirs: JSONValue?, at path: KeyedPath,
                      resolutions: [String: Side], conflicts: inout [Conflict]) -> JSONValue? {
        if ours == theirs { return ours }
        if ours == base { return theirs }
        if theirs == base { return ours }
        // Both changed, differently.
        switch (base, ours, theirs) {
        case let (.object(b)?, .object(o)?, .object(t)?):
            return .object(mergeObjects(b, o, t, at: path, resolutions: resolutions, conflicts: &conflicts))
        case let (nil, .object(o)?, .object(t)?):
            return .object(mergeObjects([:], o, t, at: path, resolutions: resolutions, conflicts: &conflicts))
        case let (.array(b)?, .array(o)?, .array(t)?):
            if let merged = mergeNamed(b, o, t, at: path, resolutions: resolutions, conflicts: &conflicts) { return .array(merged) }
        case let (nil, .array(o)?, .array(t)?):
            if let merged = mergeNamed([], o, t, at: path, resolutions: resolutions, conflicts: &conflicts) { return .array(merged) }
        default:
            break
        }
        switch resolutions[path.description] {
        case .ours?: return ours
        case .theirs?: return theirs
        case nil:
            conflicts.append(Conflict(path: path, base: base, ours: ours, theirs: theirs))
            return ours
        }
    }

    private static func mergeObjects(_ b: OrderedDictionary<String, JSONValue>, _ o: OrderedDictionary<String, JSONValue>,
                                     _ t: OrderedDictionary<String, JSONValue>, at path: KeyedPath, resolutions: [String: Side],
                                     conflicts: inout [Conflict]) -> OrderedDictionary<String, JSONValue> {
        var out = OrderedDictionary<String, JSONValue>()
        // Our order first, then keys upstream added.
        var keys = Array(o.keys)
        for key in t.keys where o[key] == nil && !keys.contains(key) { keys.append(key) }
        for key in keys {
            if let value = merge(b[key], o[key], t[key], at: path.appending(.key(key)), resolutions: resolutions, conflicts: &conflicts) {
                out[key] = value
            }
        }
        return out
    }

    /// Lists of named elements merge by name: elements merged one by one, our order kept, upstream's new elements
    /// placed after their upstream predecessor. `nil` when the lists are not all named (they merge as values).
    private static func mergeNamed(_ b: [JSONValue], _ o: [JSONValue], _ t: [JSONValue], at path: KeyedPath,
                                   resolutions: [String: Side], conflicts: inout [Conflict]) -> [JSONValue]? {
        let base = b.isEmpty ? OrderedDictionaryOfNamed() : KeyedPath.namedElements(b)
        let ours = o.isEmpty ? OrderedDictionaryOfNamed() : KeyedPath.namedElements(o)
        let theirs = t.isEmpty ? OrderedDictionaryOfNamed() : KeyedPath.namedElements(t)
        guard let base, let ours, let theirs else { return nil }
        var order = Array(ours.keys)
        for (index, name) in theirs.keys.enumerated() where ours[name] == nil && base[name] == nil {
            // An element upstream added: after its upstream predecessor when we still have it.
            let predecessor = index > 0 ? theirs.keys[index - 1] : nil
            if let predecessor, let at = order.firstIndex(of: predecessor) { order.insert(name, at: at + 1) }
            else if predecessor == nil { order.insert(name, at: 0) }
            else { order.append(name) }
        }
        for name in base.keys where ours[name] == nil && theirs[name] != nil && !order.contains(name) {
            // We removed it; if upstream changed it meanwhile, that is a conflict (decided below).
            order.append(name)
        }
        var out: [JSONValue] = []
        for name in order {
            if let value = merge(base[name], ours[name], theirs[name], at: path.appending(.named(name)), resolutions: resolutions, conflicts: &conflicts) {
                out.append(value)
            }
        }
        return out
    }
}
