import Synchronization

/// How many git programs run at once (each is a process, and a pack costs CPU): at most `running`; up to `waiting`
/// more requests wait their turn in order; past that a request is refused at once (503), so a flood of clones cannot
/// fork the machine to a standstill.
final class GitProcessLimit: Sendable {
    let running: Int
    let waiting: Int
    private struct State {
        var active = 0
        var queue: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    init(running: Int, waiting: Int) {
        self.running = max(1, running)
        self.waiting = max(0, waiting)
    }

    /// Runs `body` when a place is free.
    /// - Throws: 503 when `waiting` requests already wait.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    func acquire() async throws(APIError) {
        enum Decision { case go, wait, refuse }
        let decision: Decision = state.withLock { state in
            if state.active < running { state.active += 1; return .go }
            return state.queue.count < waiting ? .wait : .refuse
        }
        switch decision {
        case .go: return
        case .refuse:
            throw APIError(.serviceUnavailable, "busy", "the server is running as many git requests as it takes (\(running), and \(waiting) waiting): try again shortly")
        case .wait:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let go = state.withLock { state -> Bool in
                    // A place may have freed while this request got here.
                    if state.active < running { state.active += 1; return true }
                    state.queue.append(continuation)
                    return false
                }
                if go { continuation.resume() }
            }
        }
    }

    /// Frees a place: the longest waiting request takes it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.queue.isEmpty { state.active -= 1; return nil }
            return state.queue.removeFirst()
        }
        next?.resume()
    }

    /// Running and waiting now (metrics, tests).
    var load: (active: Int, queued: Int) { state.withLock { ($0.active, $0.queue.count) } }
}
