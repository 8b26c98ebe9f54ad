internal import CLibGit2

/// A libgit2 call that failed: the operation, libgit2's return code and its message.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var message: String

    public var description: String { "git: \(operation) failed: \(message) (libgit2 error \(code))" }

    /// Turns a libgit2 return code into a thrown `GitError`, reading `git_error_last()` at once: it is
    /// thread-local, so nothing may run between the call and this check.
    @discardableResult
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(GitError) -> Int32 {
        guard code < 0 else { return code }
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
        throw GitError(operation: operation(), code: code, message: message)
    }

    /// `true` for "not found" (an unborn branch, a missing path).
    var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
}
