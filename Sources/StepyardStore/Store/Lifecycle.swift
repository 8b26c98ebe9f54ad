import OrderedCollections
import StepyardCore

/// A version's lifecycle, kept in `lifecycle.json` beside its YAML so that deprecating or yanking never
/// changes the version's content or digest.
struct Lifecycle: Sendable, Hashable {
    var deprecated = false
    var deprecationMessage: String?
    /// When it was deprecated (RFC 3339, UTC), recorded since deprecations carry one (`Deprecation` headers).
    var deprecatedAt: String?
    var yanked = false

    init() {}

    /// Reads `lifecycle.json`; unreadable content counts as "nothing set".
    init(bytes: [UInt8]) {
        guard let value = try? JSONValue(parsingJSON: String(decoding: bytes, as: UTF8.self)) else { return }
        deprecated = value["deprecated"] == .bool(true)
        deprecationMessage = value["message"]?.stringValue
        deprecatedAt = value["deprecatedAt"]?.stringValue
        yanked = value["yanked"] == .bool(true)
    }

    /// The file's bytes (stable key order, trailing newline).
    var bytes: [UInt8] {
        var object = OrderedDictionary<String, JSONValue>()
        if deprecated {
            object["deprecated"] = .bool(true)
            if let deprecationMessage { object["message"] = .string(deprecationMessage) }
            if let deprecatedAt { object["deprecatedAt"] = .string(deprecatedAt) }
        }
        if yanked { object["yanked"] = .bool(true) }
        return Array((JSONValue.object(object).serialized(pretty: true) + "\n").utf8)
    }
}
