/// How the change report writes values into its one-line messages.
enum ChangeText {
    /// The longest rendering of one value in a message.
    static let limit = 80

    /// A value users pass or read (a default, an enum value, a pin) as JSON: `"1"`, `["a","b"]`.
    static func json(_ value: JSONValue) -> String { cut(value.serialized()) }

    /// A document field as people read it: a string as it is (a multi-line one as its first line and its line
    /// count), any other value as JSON.
    static func text(_ value: JSONValue) -> String {
        guard let string = value.stringValue else { return cut(value.serialized()) }
        let lines = string.split(separator: "\n", omittingEmptySubsequences: false)
        let count = lines.count - (string.hasSuffix("\n") ? 1 : 0)
        guard count > 1 else { return cut(string.hasSuffix("\n") ? String(string.dropLast()) : string) }
        let first = lines.first { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
        return cut(first, suffix: " (\(count) lines)")
    }

    /// `a → b` for document fields, or for two multi-line strings (scripts) how many lines were added and removed.
    static func transition(_ before: JSONValue, _ after: JSONValue) -> String {
        if case .string(let a) = before, case .string(let b) = after, a.contains("\n") || b.contains("\n") {
            return lineChange(a, b)
        }
        func plain(_ value: JSONValue) -> String {
            guard let string = value.stringValue else { return value.serialized() }
            return string.contains("\n") ? text(value) : string
        }
        return pair(plain(before), plain(after))
    }

    /// `"1" → "10"` for values users pass or read.
    static func jsonTransition(_ before: JSONValue, _ after: JSONValue) -> String {
        pair(before.serialized(), after.serialized())
    }

    /// `a → b`, each cut to the limit; when both are long and start alike, from a little before where they differ
    /// (`…sha256:79d2… → …sha256:328b…`), so the difference shows.
    static func pair(_ a: String, _ b: String) -> String {
        guard a.count > limit || b.count > limit else { return "\(a) → \(b)" }
        let common = zip(a, b).prefix { $0 == $1 }.count
        let skip = common > 30 ? common - 20 : 0
        func shown(_ s: String) -> String { cut(skip > 0 ? "…" + s.dropFirst(skip) : s) }
        return "\(shown(a)) → \(shown(b))"
    }

    /// `3 lines added, 1 removed`: lines counted as a multiset (linear in the text; a moved line counts as
    /// neither), so a reorder that keeps every line says `lines reordered`.
    static func lineChange(_ a: String, _ b: String) -> String {
        let before = lines(a), after = lines(b)
        if before == after { return b.hasSuffix("\n") ? "final line break added" : "final line break removed" }
        var counts: [Substring: Int] = [:]
        for line in before { counts[line, default: 0] += 1 }
        var added = 0
        for line in after {
            if let n = counts[line], n > 0 { counts[line] = n - 1 } else { added += 1 }
        }
        let removed = counts.values.reduce(0, +)
        switch (added, removed) {
        case (0, 0): return "lines reordered"
        case (_, 0): return "\(plural(added, "line")) added"
        case (0, _): return "\(plural(removed, "line")) removed"
        default: return "\(plural(added, "line")) added, \(removed) removed"
        }
    }

    /// The lines of a text; a final line break ends the last line rather than starting an empty one.
    private static func lines(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    /// Values as a sorted, comma-separated JSON list: `"a", "b"`.
    static func list(_ values: some Sequence<JSONValue>) -> String {
        values.map { $0.serialized() }.sorted().joined(separator: ", ")
    }

    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    private static func cut(_ text: String, suffix: String = "") -> String {
        let room = limit - suffix.count
        return (text.count > room ? String(text.prefix(room - 1)) + "…" : text) + suffix
    }
}
