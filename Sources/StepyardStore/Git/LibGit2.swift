internal import CLibGit2

/// Facts about the libgit2 library Stepyard is linked with.
public enum LibGit2 {
    /// The linked libgit2's version, e.g. `1.5.1`.
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
