import NIOCore
import OrderedCollections
import Synchronization

/// The server's open connections, held to `--max-connections` by evicting: when a connection arrives past the
/// limit, the one that has been idle the longest (no request in progress) is closed to make room, or the newcomer
/// itself when every other connection is busy. So the server keeps accepting — a client that connects and asks at
/// once is served even while thousands of idle or trickling connections are opened against it — and the number of
/// open sockets stays bounded.
final class ConnectionRegistry: Sendable {
    let limit: Int

    private struct State {
        var nextID = 0
        var open = 0
        /// Idle connections, longest idle first (a connection moves to the end when it becomes idle again).
        var idle = OrderedDictionary<Int, any Channel>()
    }

    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Registers a connection (idle until its first request) and closes one if the limit is passed.
    /// - Returns: its id, for `busy`, `idle` and `closed`.
    func opened(_ channel: any Channel) -> Int {
        let (id, evicted): (Int, (any Channel)?) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.open += 1
            var evicted: (any Channel)?
            if state.open > limit {
                // The longest idle, else the newcomer (it is not registered as idle, so it is never picked first).
                evicted = state.idle.isEmpty ? channel : state.idle.removeFirst().value
            }
            if evicted !== channel { state.idle[id] = channel }
            return (id, evicted)
        }
        if let evicted {
            evicted.close(promise: nil)
            ServerMetrics.connectionsEvicted.increment()
        }
        ServerMetrics.connectionsOpen.record(count)
        return id
    }

    /// A request began on the connection.
    func busy(_ id: Int) {
        state.withLock { _ = $0.idle.removeValue(forKey: id) }
    }

    /// The connection answered its request and waits for the next.
    func idle(_ id: Int, _ channel: any Channel) {
        state.withLock { state in
            state.idle.removeValue(forKey: id)
            state.idle[id] = channel
        }
    }

    func closed(_ id: Int) {
        let open = state.withLock { state in
            state.open -= 1
            state.idle.removeValue(forKey: id)
            return state.open
        }
        ServerMetrics.connectionsOpen.record(open)
    }

    /// Connections open now.
    var count: Int { state.withLock { $0.open } }
}
