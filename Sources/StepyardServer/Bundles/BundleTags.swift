import StepyardCore

/// The tags of a bundle repository, derived from its versions: every version exactly (`+` of build metadata, which
/// a tag cannot hold, written `_`; semver never uses `_`, so the mapping reverses), and the floating `MAJOR`,
/// `MAJOR.MINOR` and `latest`, which select as the same spellings do everywhere else in Stepyard (the highest
/// non-yanked version of the line; a version spelled exactly `1.2`, as Tekton catalogs do, first).
enum BundleTags {
    /// The tag of one version.
    static func tag(for version: String) -> String {
        version.replacingOccurrences(of: "+", with: "_")
    }

    /// Whether `text` is a tag by the OCI distribution grammar: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
    static func isTag(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...128).contains(bytes.count) else { return false }
        func word(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F }
        return word(bytes[0]) && bytes.dropFirst().allSatisfy { word($0) || $0 == 0x2E || $0 == 0x2D }
    }

    /// A repository's version as tags see it: its spelling and whether it is yanked.
    typealias Version = (version: String, yanked: Bool)

    /// The version a tag stands for among `versions` (its spelling); `nil` when none.
    static func version(for tag: String, among versions: [Version]) -> String? {
        guard isTag(tag) else { return nil }
        let spelled = tag.replacingOccurrences(of: "_", with: "+")
        guard let requirement = VersionRequirement(spelled) else { return nil }
        switch requirement {
        case .latest where tag != "latest": return nil  // `*` and the empty text are not tags
        case .range: return nil
        default: break
        }
        let candidates = versions.compactMap { entry in ResourceVersion(entry.version).map { (version: $0, yanked: entry.yanked) } }
        return requirement.select(from: candidates)?.spelling
    }

    /// Every tag of the repository, in lexical (byte) order.
    static func all(_ versions: [Version]) -> [String] {
        var tags = Set(versions.map { tag(for: $0.version) })
        var floating: Set<String> = ["latest"]
        for entry in versions {
            guard let version = ResourceVersion(entry.version) else { continue }
            floating.insert("\(version.semver.major)")
            floating.insert("\(version.semver.major).\(version.semver.minor)")
        }
        for candidate in floating where !tags.contains(candidate) && version(for: candidate, among: versions) != nil {
            tags.insert(candidate)
        }
        return tags.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
