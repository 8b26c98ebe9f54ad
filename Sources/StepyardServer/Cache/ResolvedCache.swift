import HTTPTypes
import NIOCore
import Synchronization

/// Resolved templates as sent, keyed by what was asked (`{ns}/{kind}/{name}/{version}` and the format), each
/// remembering the resources that went into it (its root and every entry of its lock, by `kind/name`) and the
/// repository state (generation) it is valid for: a repeated GET costs a lookup.
///
/// When the served commit moves, only the entries that used a resource the commit changed are dropped (a new
/// version, a yank, a department's own resource of that name: anything that could change what a reference
/// selects); the rest carry over to the new generation. A publish of an unrelated resource leaves the cache warm.
///
/// Below it, the store keeps parsed documents by content digest, so a miss only re-resolves.
final class ResolvedCache: Sendable {
    /// One answer. A class, immutable: handing it out costs one reference count, not one per buffer and array
    /// (the event loops share entries, and every count is an atomic write to a cache line both cores touch).
    final class Entry: Sendable {
        /// What is sent: the bytes, their media type and validators.
        let representation: Representation
        var body: [UInt8] { representation.bytes }
        var etag: String { representation.etag }
        /// The same bytes, ready to send without a copy (`ResolvedHotPath`).
        let buffer: ByteBuffer
        /// `Deprecation`, `Link` and `Warning` fields when a version it was resolved from is deprecated or yanked.
        let lifecycle: [HTTPField]
        /// The resources it was resolved from, as `kind/name` (any namespace).
        let uses: Set<String>
        /// The status line and the fields that never change of the connection pipeline's answers (`200` with the
        /// validators, the lifecycle fields, `Content-Type` and `Content-Length`; `304` with the validators and the
        /// lifecycle fields), serialised once here instead of on every request.
        let okHead: ByteBuffer
        let notModifiedHead: ByteBuffer

        init(_ representation: Representation, lifecycle: [HTTPField] = [], uses: Set<String> = []) {
            self.representation = representation
            self.buffer = ByteBuffer(bytes: representation.bytes)
            self.lifecycle = lifecycle
            self.uses = uses
            var shared = representation.validatorLines
            for field in lifecycle { shared += "\(field.name.rawName): \(field.value)\r\n" }
            okHead = ByteBuffer(string: "HTTP/1.1 200 OK\r\n" + shared
                                + "Content-Type: \(representation.contentType)\r\nContent-Length: \(representation.bytes.count)\r\n")
            notModifiedHead = ByteBuffer(string: "HTTP/1.1 304 Not Modified\r\n" + shared)
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
        var entries: [String: (generation: UInt64, entry: Entry)] = [:]
    }

    private let storage = Mutex(Storage())
    private let capacity: Int
    /// Misses being resolved, so that many requests missing the same key at once resolve it once.
    let flights = SingleFlight<Entry>()

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The entry for `key` if it is valid in `generation`.
    func lookup(_ key: String, generation: UInt64) -> Entry? {
        storage.withLock { storage in
            guard let stored = storage.entries[key], stored.generation == generation else { return nil }
            return stored.entry
        }
    }

    func store(_ entry: Entry, for key: String, generation: UInt64) {
        storage.withLock { storage in
            if let existing = storage.entries[key], existing.generation > generation { return }
            if storage.entries.count >= capacity { storage.entries.removeAll(keepingCapacity: true) }
            storage.entries[key] = (generation, entry)
        }
    }

    /// The served commit moved from generation `old` to `new`, changing the resources in `changed` (`kind/name`;
    /// `nil` when unknown: everything goes). Entries of `old` that used none of them are valid in `new`.
    func advance(from old: UInt64, to new: UInt64, changed: Set<String>?) {
        storage.withLock { storage in
            storage.entries = storage.entries.filter { _, stored in
                stored.generation == new || (stored.generation == old && changed.map { stored.entry.uses.isDisjoint(with: $0) } ?? false)
            }.mapValues { (new, $0.entry) }
        }
    }

    /// How many entries are valid in `generation` (tests, metrics).
    func count(generation: UInt64) -> Int {
        storage.withLock { $0.entries.values.filter { $0.generation == generation }.count }
    }
}

/// Runs one computation per key at a time: callers asking for a key already being computed wait for that result.
actor SingleFlight<Value: Sendable> {
    private var running: [String: (task: Task<Value, any Error>, waiting: Int)] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let flight = running[key] {
            running[key]?.waiting += 1
            return try await flight.task.value
        }
        let task = Task { try await work() }
        running[key] = (task, 0)
        defer { running[key] = nil }
        return try await task.value
    }

    /// How many callers wait for the computation of `key` besides the one that started it; `nil` when none runs.
    func waiting(for key: String) -> Int? { running[key]?.waiting }
}
