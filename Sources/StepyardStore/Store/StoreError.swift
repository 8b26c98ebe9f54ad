import StepyardCore

/// Why a store operation was refused or failed. Every case says what to fix; nothing was written.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The directory exists but holds no store.
    case notAStore(String)
    /// `init` on a directory that already holds one.
    case alreadyExists(String)
    case invalidReference(ReferenceError)
    case invalidName(String)
    case invalidVersion(String)
    case unknownNamespace(String)
    case departmentExists(String)
    case notFound(String)
    /// A range or digest that matches no version.
    case noMatch(String)
    /// Publishing other content under an existing version.
    case versionConflict(key: String, existing: String, new: String)
    /// The document breaks lint rules (errors only are listed).
    case invalidDocument(path: String, findings: [Finding])
    /// The new version breaks users of its version line.
    case breakingChange(CompatibilityReport)
    /// A usage problem of the operation itself (missing version, no resource in a file, …).
    case refused(String)
    /// A query over the limits the store answers within (a search of too many words).
    case invalidQuery(String)
    /// Other writers kept moving the branch; try again.
    case contention
    case git(GitError)
    case index(String)
    case io(String)

    public var description: String {
        switch self {
        case .notAStore(let path): return "\(path) is not a Stepyard store (no repo.git inside); run `stepyard init` or pass --store"
        case .alreadyExists(let path): return "\(path) already holds a Stepyard store"
        case .invalidReference(let error): return error.description
        case .invalidName(let problem): return "invalid name: \(problem)"
        case .invalidVersion(let version): return "\"\(version)\" is not a version: use semver (1.2.0, 2.0.0-rc.1) or Tekton's two-part 0.9"
        case .unknownNamespace(let name): return "there is no department \"\(name)\"; create it with `stepyard department create \(name)`"
        case .departmentExists(let name): return "department \"\(name)\" already exists"
        case .notFound(let ref): return "\(ref) not found"
        case .noMatch(let ref): return "no version of \(ref) matches"
        case .invalidQuery(let message): return message
        case let .versionConflict(key, existing, new):
            return "\(key) is already published with other content (\(existing)); versions are immutable: publish \(new) as a new version"
        case let .invalidDocument(path, findings):
            return "\(path) cannot be published:\n" + findings.map { "  " + $0.formatted }.joined(separator: "\n")
        case .refused(let why): return why
        case .breakingChange(let report):
            return "\(report.to) breaks users of \(report.from) in the same version line; publish it as a new major version, or pass --allow-breaking:\n"
                + report.breaking.map { "  \($0.path): \($0.message)" }.joined(separator: "\n")
        case .contention: return "the repository kept changing under this write (other publishers); try again"
        case .git(let error): return error.description
        case .index(let why): return "index: \(why)"
        case .io(let why): return why
        }
    }
}
