/// One difference between two versions of a resource, as a change report lists it: where it is, what happened,
/// the value on each side, whether it breaks users of the older version, and a sentence for people.
///
/// Paths name the interface by param, result and workspace name (`params.url`, `params.count.default`,
/// `params.url.pattern`, `results.digest`, `workspaces.source`), pins by the resource they pin
/// (`pins.stepaction/git-clone`), the sidecar's top-level keywords under `schema` (`schema.allOf`), and everything
/// else by its place in the document with list elements by name (`spec.steps[test].image`,
/// `spec.steps[test].env[GOFLAGS]`), as the upgrade's conflicts name them.
public struct Change: Sendable, Hashable, Codable {
    /// What happened at the path.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case added, removed, changed
        /// A step (or another named element) now sits elsewhere in its list; a list whose order changed.
        case moved
    }

    public var path: String
    public var kind: Kind
    /// The value in the older version; absent for an addition.
    public var before: JSONValue?
    /// The value in the newer version; absent for a removal.
    public var after: JSONValue?
    /// Breaks users of the older version, by the compatibility gate's rules (see `Compatibility`).
    public var breaking: Bool
    /// What changed, for people: `added (optional)`, `golang:1.22 → golang:1.23`, `"1" → "10"`.
    public var message: String

    public init(path: String, kind: Kind, before: JSONValue? = nil, after: JSONValue? = nil, breaking: Bool, message: String) {
        self.path = path
        self.kind = kind
        self.before = before
        self.after = after
        self.breaking = breaking
        self.message = message
    }

    /// The change as one line: `params.race: added (optional) [compatible]`.
    public var line: String { "\(path): \(message) [\(breaking ? "breaking" : "compatible")]" }
}
