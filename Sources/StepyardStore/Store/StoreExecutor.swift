import Dispatch

/// The serial executor every `Store` runs on: a dispatch queue of its own, so the store's blocking work — libgit2,
/// the write lock's `flock`, synchronous SQLite with its busy timeout, the compare-and-swap retry's waits, indexing
/// on all cores — never runs on the event loops that answer HTTP (`stepyard serve` runs Swift concurrency's global
/// executor on them). Callers await the store; their event loop goes on serving others meanwhile.
final class StoreExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
