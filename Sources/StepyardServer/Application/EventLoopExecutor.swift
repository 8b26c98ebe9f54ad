import NIOCore
import NIOPosix

/// Runs Swift concurrency's global executor on the event loops that already do the server's I/O.
///
/// Hummingbird reads and writes on `MultiThreadedEventLoopGroup.singleton`; without this, every request hops from
/// an event loop to the concurrency pool and back, two context switches per request on a 2-core machine. With it,
/// a request's handler runs on the thread that read it. Blocking work behaves as before: the pool it replaces had
/// one thread per core too.
public enum EventLoopExecutor {
    /// Installs the event loops as the global executor. Call once, from the main thread, before anything else
    /// uses concurrency (the `serve` command's process only); later calls do nothing.
    /// - Returns: whether it was installed.
    @discardableResult
    public static func install() -> Bool {
        guard !installed else { return false }
        installed = true
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Only the main thread reads or writes it, before any other thread exists.
    nonisolated(unsafe) private static var installed = false
}
