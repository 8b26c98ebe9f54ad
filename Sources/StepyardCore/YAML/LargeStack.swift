import Foundation

/// Runs a closure on a thread with a large stack, and waits for it.
///
/// The YAML composer recurses once per nesting level; hostile input nests deep. A dedicated thread
/// with a generous stack (reserved, not committed) keeps that from crashing the caller, whatever thread
/// it runs on (Swift concurrency's threads have small stacks).
enum LargeStack {
    static let size = 256 << 20

    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = size
        thread.start()
        done.wait()
        return box.value!
    }
}

/// Hands a result from the worker thread back to the waiting caller.
/// `@unchecked Sendable`: written once by the worker before it signals, read by the caller only after
/// the wait returns, so the semaphore orders the two accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
