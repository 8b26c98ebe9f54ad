import NIOCore
import Synchronization

/// The server's open connections, held to `--max-connections` by evicting: when a connection arrives past the
/// limit, the one that has been idle the longest (no request in progress) is closed to make room, or the newcomer
/// itself when every other connection is busy. So the server keeps accepting — a client that connects and asks at
/// once is served even while thousands of idle or trickling connections are opened against it — and the number of
/// open sockets stays bounded.
///
/// Marking a connection busy or idle (once per request) is a dictionary update; only an eviction (a connection past
/// the limit) looks through them all for the longest idle.
final class ConnectionRegistry: Sendable {
    let limit: Int

    private struct Connection {
        var channel: any Channel
        /// `nil` while a request is in progress; else when it became idle (a sequence number, larger is later).
        var idleSince: UInt64?
    }

    private struct State {
        var nextID = 0
        var clock: UInt64 = 0
        var connections: [Int: Connection] = [:]
        /// Evicted connections whose close has not completed: their sockets are still open, so they still count.
        var closing: Set<Int> = []
    }

    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Registers a connection (idle until its first request) and closes one if the limit is passed.
    /// - Returns: its id, for `busy`, `idle` and `closed`.
    func opened(_ channel: any Channel) -> Int {
        let (id, evicted, open): (Int, (any Channel)?, Int) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.clock += 1
            var evicted: (any Channel)?
            if state.connections.count + state.closing.count >= limit {
                // The longest idle, else the newcomer.
                if let oldest = state.connections.filter({ $0.value.idleSince != nil }).min(by: { $0.value.idleSince! < $1.value.idleSince! }) {
                    evicted = oldest.value.channel
                    state.connections.removeValue(forKey: oldest.key)
                    state.closing.insert(oldest.key)
                } else {
                    evicted = channel
                    state.closing.insert(id)
                }
            }
            if evicted !== channel { state.connections[id] = Connection(channel: channel, idleSince: state.clock) }
            return (id, evicted, state.connections.count + state.closing.count)
        }
        if let evicted {
            evicted.close(promise: nil)
            ServerMetrics.connectionsEvicted.increment()
        }
        ServerMetrics.connectionsOpen.record(open)
        return id
    }

    /// A request began on the connection.
    func busy(_ id: Int) {
        state.withLock { $0.connections[id]?.idleSince = nil }
    }

    /// The connection answered its request and waits for the next.
    func idle(_ id: Int) {
        state.withLock { state in
            state.clock += 1
            state.connections[id]?.idleSince = state.clock
        }
    }

    func closed(_ id: Int) {
        let open = state.withLock { state in
            if state.connections.removeValue(forKey: id) == nil { state.closing.remove(id) }
            return state.connections.count + state.closing.count
        }
        ServerMetrics.connectionsOpen.record(open)
    }

    /// Connections open now, those being closed included.
    var count: Int { state.withLock { $0.connections.count + $0.closing.count } }
}
