import StepyardStore
import Synchronization

/// What the server knows about its store between requests: the repository state it serves (a generation that moves
/// with every commit it sees), the departments, readiness. Shared by the watcher, the middleware and the handlers.
final class ServerState: Sendable {
    struct Snapshot: Sendable {
        /// Moves whenever the served commit changes; caches keyed by it drop stale entries.
        var generation: UInt64 = 0
        var commit: String?
        var departments: Set<String> = []
        /// The index has caught up with the repository at least once.
        var ready = false
    }

    private let state = Mutex(Snapshot())
    /// Requests waiting for the served commit to move (`waitForMove`), by id.
    private let waiters = Mutex<[UInt64: CheckedContinuation<Void, Never>]>([:])
    private let nextWaiter = Atomic<UInt64>(0)

    var snapshot: Snapshot { state.withLock { $0 } }

    /// The first of `departments` that does not exist (any more), without copying the snapshot.
    func missingDepartment(among departments: [String]) -> String? {
        state.withLock { snapshot in departments.first { !snapshot.departments.contains($0) } }
    }
    var generation: UInt64 { state.withLock { $0.generation } }

    /// A change of what is served: the commit and generation before, the generation after.
    struct Move: Sendable {
        var commit: String?
        var generation: UInt64
        var newGeneration: UInt64
    }

    /// Records the commit the index now reflects; returns the move, `nil` when nothing moved.
    @discardableResult
    func update(commit: String?, departments: [String]) -> Move? {
        let move = record(commit: commit, departments: departments)
        if move != nil, move?.commit != commit {
            let woken = waiters.withLock { waiting in
                let all = Array(waiting.values)
                waiting.removeAll()
                return all
            }
            for waiter in woken { waiter.resume() }
        }
        return move
    }

    /// Waits until the served commit is another than `commit`, or `timeout` has passed (or the task is cancelled);
    /// returns the commit served then. What a replica asks its primary, so it fetches as soon as there is something.
    func waitForMove(from commit: String?, timeout: Duration) async -> String? {
        let id = nextWaiter.add(1, ordering: .relaxed).newValue
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        // Registered under the waiters' lock after reading the commit: a move recorded before cannot
                        // be missed, one recorded after finds the continuation here.
                        let wait = self.waiters.withLock { waiting -> Bool in
                            guard self.snapshot.commit == commit, !Task.isCancelled else { return false }
                            waiting[id] = continuation
                            return true
                        }
                        if !wait { continuation.resume() }
                    }
                } onCancel: {
                    self.waiters.withLock { $0.removeValue(forKey: id) }?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return snapshot.commit
    }

    private func record(commit: String?, departments: [String]) -> Move? {
        state.withLock { snapshot in
            snapshot.ready = true
            guard snapshot.commit != commit || snapshot.departments != Set(departments) else { return nil }
            let move = Move(commit: snapshot.commit, generation: snapshot.generation, newGeneration: snapshot.generation &+ 1)
            snapshot.generation = move.newGeneration
            snapshot.commit = commit
            snapshot.departments = Set(departments)
            return move
        }
    }
}

extension ServerState {
    /// Serves `commit` from now on, keeping the resolved templates that used nothing the move changed.
    /// - Returns: whether anything moved.
    @discardableResult
    func serve(commit: String?, departments: [String], store: Store, cache: ResolvedCache) async -> Bool {
        guard let move = update(commit: commit, departments: departments) else { return false }
        let changed = move.commit == commit ? [] : await store.changedResources(from: move.commit, to: commit)
        cache.advance(from: move.generation, to: move.newGeneration, changed: changed)
        // The git views follow each commit (so each gets its own commit there), after the answer that caused it.
        if move.commit != commit { Task { try? await store.refreshViews() } }
        return true
    }
}
