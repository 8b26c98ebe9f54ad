import OrderedCollections
import StepyardStore
import Synchronization

/// Bundles already built, each under the version it was built for and the digest of the resolved document it
/// holds first (`ResolvedCache` decides when that changes), so a repeated pull costs lookups and a bundle is
/// rebuilt only when what it holds changed; and each repository's versions (its tags) for the repository state
/// (generation) they were read in. Bounded: past `capacity` the least recently used of each goes.
final class BundleCache: Sendable {
    private let capacity: Int
    private let entries = Mutex(OrderedDictionary<String, TektonBundle>())
    private let versions = Mutex(OrderedDictionary<String, (generation: UInt64, versions: [VersionInfo])>())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// `ns/kind/name@version sha256:…`
    static func key(repository: String, version: String, rootDigest: String) -> String {
        "\(repository)@\(version) \(rootDigest)"
    }

    func lookup(_ key: String) -> TektonBundle? {
        entries.withLock { entries in
            guard let bundle = entries.removeValue(forKey: key) else { return nil }
            entries[key] = bundle
            return bundle
        }
    }

    func store(_ bundle: TektonBundle, for key: String) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            entries.removeValue(forKey: key)
            entries[key] = bundle
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
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

    /// A blob or manifest of a cached bundle of `repository`, by digest.
    func find(digest: String, in repository: String) -> TektonBundle? {
        let prefix = repository + "@"
        return entries.withLock { entries in
            entries.first { key, bundle in
                key.hasPrefix(prefix) && (bundle.blob(digest: digest) != nil || bundle.manifest(digest: digest) != nil)
            }?.value
        }
    }
}
