import OrderedCollections

/// The lists of a Tekton document whose elements are keyed by `name` (params, results, workspaces, steps, env),
/// as the change report compares them: by name, so a reorder is one change and not a change of every element.
enum NamedEntries {
    typealias Fields = OrderedDictionary<String, JSONValue>

    /// Name → members, in list order; the first of a repeated name wins, an element without a string name is left
    /// out (the linter reports both).
    static func of(_ list: JSONValue?) -> OrderedDictionary<String, Fields> {
        var out = OrderedDictionary<String, Fields>()
        for item in list?.arrayValue ?? [] {
            guard case .object(let fields) = item, let name = fields["name"]?.stringValue, out[name] == nil else { continue }
            out[name] = fields
        }
        return out
    }

    /// Every name of either list: the new list's order, then the names only the old one has, in its order.
    static func union(_ old: some Collection<String>, _ new: some Collection<String>) -> [String] {
        let known = Set(new)
        return Array(new) + old.filter { !known.contains($0) }
    }

    /// The members that differ between two elements of one name, each a compatible change at `path.member`;
    /// members in `handled` are compared by the caller.
    static func members(_ old: Fields, _ new: Fields, at path: String, handled: Set<String>) -> [Change] {
        union(old.keys, new.keys).filter { !handled.contains($0) }.compactMap { key in
            ValueChange.of(old[key], new[key], at: "\(path).\(key)")
        }
    }

    /// One `moved` change at `path` when the names both lists share are in another order, naming the ones moved.
    static func order(at path: String, _ old: some Collection<String>, _ new: some Collection<String>) -> Change? {
        let inNew = Set(new), inOld = Set(old)
        let before = old.filter { inNew.contains($0) }, after = new.filter { inOld.contains($0) }
        guard before != after else { return nil }
        let moved = movedNames(before, after)
        return Change(path: path, kind: .moved, before: .array(before.map(JSONValue.string)), after: .array(after.map(JSONValue.string)),
                      breaking: false, message: "reordered: \(moved.joined(separator: ", ")) moved")
    }

    /// The fewest names whose moving turns the order `before` into `after` (both the same names): those outside a
    /// longest run of names that keep their relative order, in `after`'s order. O(n log n).
    static func movedNames(_ before: [String], _ after: [String]) -> [String] {
        var rank: [String: Int] = [:]
        for (index, name) in after.enumerated() { rank[name] = index }
        let sequence = before.map { rank[$0] ?? 0 }
        // Patience sorting: tails[k] ends the best increasing run of length k + 1 found so far.
        var tails: [Int] = [], previous = Array(repeating: -1, count: sequence.count)
        for (i, value) in sequence.enumerated() {
            var low = 0, high = tails.count
            while low < high {
                let mid = (low + high) / 2
                if sequence[tails[mid]] < value { low = mid + 1 } else { high = mid }
            }
            if low > 0 { previous[i] = tails[low - 1] }
            if low == tails.count { tails.append(i) } else { tails[low] = i }
        }
        var kept = Set<String>()
        var index = tails.last ?? -1
        while index >= 0 {
            kept.insert(before[index])
            index = previous[index]
        }
        return after.filter { !kept.contains($0) }
    }
}
