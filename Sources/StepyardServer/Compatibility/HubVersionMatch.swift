import StepyardCore
import StepyardStore

/// How the hub clients' version spellings find a version.
///
/// Tekton Hub clients send the catalog's spelling (`0.9`), but the hub resolver cuts every version to MAJOR.MINOR
/// (`1.0.0` is asked as `1.0`); Artifact Hub clients send X.Y.Z (`0.9.0` for a `0.9` folder). So: the exact spelling
/// first, then the same version normalised, then — for a two-part request — the highest non-yanked patch of that line.
enum HubVersionMatch {
    static func find(_ requested: String, in versions: [VersionInfo]) -> VersionInfo? {
        if let exact = versions.first(where: { $0.version == requested }) { return exact }
        guard let wanted = ResourceVersion(requested) else { return nil }
        if let same = versions.first(where: { ResourceVersion($0.version)?.isSameVersion(as: wanted) == true }) { return same }
        let parts = requested.split(separator: ".")
        guard parts.count == 2 else { return nil }
        return versions
            .filter { !$0.yanked }
            .compactMap { info in ResourceVersion(info.version).map { (info, $0) } }
            .filter { $0.1.semver.major == wanted.semver.major && $0.1.semver.minor == wanted.semver.minor && $0.1.semver.prereleaseIdentifiers.isEmpty }
            .max { $0.1 < $1.1 }?.0
    }
}
