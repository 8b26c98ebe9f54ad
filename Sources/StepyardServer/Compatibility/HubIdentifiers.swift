import Crypto
import StepyardCore

/// Numeric ids for the Tekton Hub API, which names resources and versions by integers (`/v1/resource/{id}/versions`).
///
/// The index is rebuildable, so its row ids are not stable; these ids are derived from the names instead (48 bits of
/// SHA-256, exact in any JSON reader): the same resource has the same id on every replica and after every reindex.
enum HubIdentifiers {
    static func resource(namespace: String, kind: ResourceKind, name: String) -> Int {
        id("\(namespace)/\(kind.rawValue)/\(name)")
    }

    static func version(namespace: String, kind: ResourceKind, name: String, version: String) -> Int {
        id("\(namespace)/\(kind.rawValue)/\(name)@\(version)")
    }

    static func catalog(_ namespace: String) -> Int {
        id("catalog:" + namespace)
    }

    /// The id of anything else the hubs number (tags, categories, platforms), from a text naming it.
    static func id(_ text: String) -> Int {
        let digest = Array(SHA256.hash(data: Array(text.utf8)))
        return digest.prefix(6).reduce(0) { ($0 << 8) | Int($1) }
    }
}
