import DequeModule
import NIOCore
import Synchronization

/// The server's open connections, held to `--max-connections` by evicting: when a connection arrives past the
/// limit, the one that has been idle the longest (no request in progress) is closed to make room, or the newcomer
/// itself when every other connection is busy. So the server keeps accepting — a client that connects and asks at
/// once is served even while thousands of idle or trickling connections are opened against it — and the number of
/// open sockets stays bounded.
///
/// Every operation is O(1) amortised, an eviction included, so a flood of connections past the limit costs each one
/// the same: connections that become idle join a queue in the order they did (`idleOrder`), stamped; an entry whose
/// connection has since become busy, idle again or closed no longer matches its stamp and is skipped when met, and
/// the queue is rebuilt when such entries outnumber the live ones.
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
        /// Connections in the order they became idle, with the stamp they had then; stale entries are skipped.
        var idleOrder: Deque<(id: Int, since: UInt64)> = []

        mutating func markIdle(_ id: Int) {
            clock += 1
            guard connections[id] != nil else { return }
            connections[id]?.idleSince = clock
            idleOrder.append((id, clock))
            if idleOrder.count > 2 * connections.count + 64 { compact() }
        }

        /// The connection idle the longest, taken out of the registry (it is being closed), or `nil` when all are busy.
        mutating func takeLongestIdle() -> (id: Int, channel: any Channel)? {
            while let entry = idleOrder.popFirst() {
                if let connection = connections[entry.id], connection.idleSince == entry.since {
                    connections.removeValue(forKey: entry.id)
                    return (entry.id, connection.channel)
                }
            }
            return nil
        }

        /// Drops the stale entries: the live ones, oldest first.
        private mutating func compact() {
            idleOrder = Deque(idleOrder.filter { connections[$0.id]?.idleSince == $0.since })
        }
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
            var evicted: (any Channel)?
            if state.connections.count + state.closing.count >= limit {
                if let oldest = state.takeLongestIdle() {
                    evicted = oldest.channel
                    state.closing.insert(oldest.id)
                } else {
                    evicted = channel
                    state.closing.insert(id)
                }
            }
            if evicted !== channel {
                state.connections[id] = Connection(channel: channel, idleSince: nil)
                state.markIdle(id)
            }
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
        state.withLock { $0.markIdle(id) }
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
