import OrderedCollections
import StepyardStore
import Synchronization

/// Bundles already built, each under the version it was built for and the digest of the resolved document it
/// holds first (`ResolvedCache` decides when that changes), so a repeated pull costs lookups and a bundle is
/// rebuilt only when what it holds changed; and each repository's versions (its tags) for the repository state
/// (generation) they were read in. Bounded: past `capacity` the least recently used of each goes.
final class BundleCache: Sendable {
    private let capacity: Int
    private let built = Mutex(Built())
    private let versions = Mutex(OrderedDictionary<String, (generation: UInt64, versions: [VersionInfo])>())

    /// The bundles, least recently used first, and which bundle holds each manifest or blob digest.
    private struct Built {
        var bundles = OrderedDictionary<String, TektonBundle>()
        var holders: [String: Set<String>] = [:]

        mutating func insert(_ bundle: TektonBundle, for key: String) {
            remove(key)
            bundles[key] = bundle
            for digest in bundle.digests { holders[digest, default: []].insert(key) }
        }

        mutating func remove(_ key: String) {
            guard let bundle = bundles.removeValue(forKey: key) else { return }
            for digest in bundle.digests {
                holders[digest]?.remove(key)
                if holders[digest]?.isEmpty == true { holders.removeValue(forKey: digest) }
            }
        }
    }

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// `ns/kind/name@version sha256:…`
    static func key(repository: String, version: String, rootDigest: String) -> String {
        "\(repository)@\(version) \(rootDigest)"
    }

    func lookup(_ key: String) -> TektonBundle? {
        built.withLock { built in
            guard let bundle = built.bundles.removeValue(forKey: key) else { return nil }
            built.bundles[key] = bundle
            return bundle
        }
    }

    func store(_ bundle: TektonBundle, for key: String) {
        guard capacity > 0 else { return }
        built.withLock { built in
            built.insert(bundle, for: key)
            while built.bundles.count > capacity, let oldest = built.bundles.keys.first { built.remove(oldest) }
        }
    }

    /// A cached bundle of `repository` holding the manifest or blob `digest`.
    func find(digest: String, in repository: String) -> TektonBundle? {
        let prefix = repository + "@"
        return built.withLock { built in
            guard let key = built.holders[digest]?.first(where: { $0.hasPrefix(prefix) }) else { return nil }
            return built.bundles[key]
        }
    }

    /// The versions of `repository` (`ns/kind/name`) read in `generation`, if they are kept.
    func versions(of repository: String, generation: UInt64) -> [VersionInfo]? {
        versions.withLock { kept in
            guard let entry = kept[repository], entry.generation == generation else { return nil }
            return entry.versions
        }
    }

    func store(_ list: [VersionInfo], of repository: String, generation: UInt64) {
        guard capacity > 0 else { return }
        versions.withLock { kept in
            if let existing = kept[repository], existing.generation > generation { return }
            kept.removeValue(forKey: repository)
            kept[repository] = (generation, list)
            if kept.count > capacity { kept.removeFirst(kept.count - capacity) }
        }
    }
}
