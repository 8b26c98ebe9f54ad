import HTTPTypes
import NIOCore
import Synchronization

/// Resolved templates (and other derived answers) as sent, keyed by what was asked and the repository state
/// (generation) they were computed from: a repeated GET costs a lookup. A new commit empties it.
///
/// Below it, the store keeps parsed documents by content digest, so a miss after a commit only re-resolves.
final class ResolvedCache: Sendable {
    struct Entry: Sendable {
        var body: [UInt8]
        /// The same bytes, ready to send without a copy (`ResolvedHotPath`).
        var buffer: ByteBuffer
        var etag: String
        /// `Deprecation`, `Link` and `Warning` fields when a version it was resolved from is deprecated or yanked.
        var lifecycle: [HTTPField]

        init(body: [UInt8], etag: String, lifecycle: [HTTPField] = []) {
            self.body = body
            self.buffer = ByteBuffer(bytes: body)
            self.etag = etag
            self.lifecycle = lifecycle
        }
    }

    /// The key of a resolved template in one format; the handler and the hot path must agree on it. It is the
    /// request path's own `{ns}/{kind}/{name}/{version}` (no segment can hold a `/`: names and versions are
    /// refused before anything is cached) and the format.
    static func key(namespace: String, kind: String, name: String, version: String, json: Bool) -> String {
        "\(namespace)/\(kind)/\(name)/\(version)" + (json ? jsonSuffix : yamlSuffix)
    }

    static let yamlSuffix = "|yaml"
    static let jsonSuffix = "|json"

    private struct Storage {
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
    }

    private let storage = Mutex(Storage())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func lookup(_ key: String, generation: UInt64) -> Entry? {
        storage.withLock { storage in
            guard storage.generation == generation else { return nil }
            return storage.entries[key]
        }
    }

    func store(_ entry: Entry, for key: String, generation: UInt64) {
        storage.withLock { storage in
            if storage.generation != generation {
                guard generation > storage.generation else { return }
                storage = Storage(generation: generation)
            }
            if storage.entries.count >= capacity { storage.entries.removeAll(keepingCapacity: true) }
            storage.entries[key] = entry
        }
    }
}
