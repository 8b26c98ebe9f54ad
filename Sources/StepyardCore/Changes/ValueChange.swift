/// A change of one value that no rule of the gate concerns: compatible, described with its values.
enum ValueChange {
    /// `nil` when the two are equal; else an addition, a removal or a change at `path`.
    static func of(_ before: JSONValue?, _ after: JSONValue?, at path: String) -> Change? {
        switch (before, after) {
        case let (nil, value?):
            return Change(path: path, kind: .added, after: value, breaking: false, message: "added: \(ChangeText.text(value))")
        case let (value?, nil):
            return Change(path: path, kind: .removed, before: value, breaking: false, message: "removed (was \(ChangeText.text(value)))")
        case let (old?, new?) where old != new:
            return Change(path: path, kind: .changed, before: old, after: new, breaking: false, message: ChangeText.transition(old, new))
        default:
            return nil
        }
    }
}
