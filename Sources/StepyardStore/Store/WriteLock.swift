import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The store's write lock across processes (`DIR/write.lock`, `flock`): one writer at a time between the CLI and the
/// server, and — because the kernel drops an `flock` when its process dies — a writer killed mid-write never wedges
/// the store. While holding it, a `refs/heads/main.lock` left by a dead writer can be recognised as stale.
struct WriteLock {
    private let descriptor: Int32

    /// Blocks until the lock is held.
    init(directory: URL) throws(StoreError) {
        let path = directory.appendingPathComponent("write.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("cannot open \(path): \(String(cString: strerror(errno)))") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw .io("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        self.descriptor = descriptor
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Removes git's lock file of a reference when no live writer can own it: Stepyard writers hold `WriteLock`
    /// (so none is running), and a `git push` holds its lock for milliseconds, so one older than `age` is stale.
    /// - Returns: whether a stale lock was removed.
    static func removeStaleReferenceLock(_ lockFile: String, olderThan age: TimeInterval = 2) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: lockFile),
              let modified = attributes[.modificationDate] as? Date, Date().timeIntervalSince(modified) > age else { return false }
        return (try? FileManager.default.removeItem(atPath: lockFile)) != nil
    }
}
