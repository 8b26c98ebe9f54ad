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

    var snapshot: Snapshot { state.withLock { $0 } }

    /// The first of `departments` that does not exist (any more), without copying the snapshot.
    func missingDepartment(among departments: [String]) -> String? {
        state.withLock { snapshot in departments.first { !snapshot.departments.contains($0) } }
    }
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Records the commit the index now reflects; returns whether it moved.
    @discardableResult
    func update(commit: String?, departments: [String]) -> Bool {
        state.withLock { snapshot in
            let moved = snapshot.commit != commit || snapshot.departments != Set(departments)
            if moved {
                snapshot.generation &+= 1
                snapshot.commit = commit
                snapshot.departments = Set(departments)
            }
            snapshot.ready = true
            return moved
        }
    }
}
