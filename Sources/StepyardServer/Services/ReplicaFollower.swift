import Foundation
import Hummingbird
import Logging
import Metrics
import ServiceLifecycle
import StepyardStore
import Synchronization

/// What a replica knows of its primary: when it last fetched, and the last failure.
final class ReplicaStatus: Sendable {
    /// The primary's address, without a trailing slash.
    let primary: String
    private struct State {
        var lastFetch: ContinuousClock.Instant?
        var lastError: String?
    }
    private let state = Mutex(State())

    init(primary: String) { self.primary = primary.hasSuffix("/") ? String(primary.dropLast()) : primary }

    func fetched() { state.withLock { $0.lastFetch = .now; $0.lastError = nil } }
    func failed(_ error: String) { state.withLock { $0.lastError = error } }

    /// Seconds since the last fetch that reached the primary (`nil`: never): how stale what is served may be.
    var lag: Double? {
        state.withLock { state in
            state.lastFetch.map { ContinuousClock.now - $0 }.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        }
    }

    var lastError: String? { state.withLock { $0.lastError } }
}

/// A replica's loop: fetch the primary's `main` into the store's repository (libgit2, off the event loops) whenever the
/// primary signals a new commit (`GET /api/v1/head?after=`, held until it moves) and at least every 25 s — every
/// interval when the primary cannot be asked — and when it moved, catch the index up and serve it
/// (`IndexWatcher.check`). With the primary down it goes
/// on serving what it has, and says so in `/readyz` and `stepyard_replica_lag_seconds`.
struct ReplicaFollower: Service {
    let store: Store
    let token: String
    let status: ReplicaStatus
    let watcher: IndexWatcher
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let primary = PrimaryClient(primary: status.primary)
        var previous: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let commit = await follow()
            // Nothing new since the last fetch (the primary signalled a commit its index has not caught up with yet):
            // wait an interval rather than ask again at once.
            if commit == nil || commit == previous { try? await Task.sleep(for: interval) }
            previous = commit
            // Fetch again as soon as the primary serves another commit (it answers a held request then, or after 25 s);
            // on the interval when it cannot be asked.
            if !(await primary.waitForCommit(after: commit, token: token)) {
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One fetch, and the catch-up when the primary moved; the commit fetched (`nil` when the fetch failed).
    @discardableResult
    func follow() async -> String? {
        let store = self.store, primary = status.primary, token = self.token
        let result: Result<String, StoreError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Result { () throws(StoreError) -> String in try store.followPrimary(primary, token: token) })
            }
        }
        defer { Gauge(label: "stepyard_replica_lag_seconds").record(status.lag ?? -1) }
        switch result {
        case .success(let commit):
            status.fetched()
            if commit != (try? await store.indexedCommit()) { await watcher.check() }
            return commit
        case .failure(let error):
            if status.lastError == nil { logger.error("replica cannot fetch from its primary", metadata: ["stepyard.primary": .string(primary), "error": .string(error.description)]) }
            status.failed(error.description)
            return nil
        }
    }
}

/// On a replica, what would change the store goes to the primary: `307 Temporary Redirect` to the same path and
/// query there (the method and body are repeated by the client), as does a git push's first request.
struct ReplicaMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Without a trailing slash (`ReplicaStatus.primary`).
    let primary: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let pushing = path.hasPrefix("/git/") && path.hasSuffix("/info/refs") && (request.uri.query ?? "").contains("service=git-receive-pack")
        let change = RequestAdmission.isChange(method: request.method, path: Substring(path)) && !path.hasPrefix("/ui/")
        guard change || pushing else { return try await next(request, context) }
        var headers = HTTPFields()
        headers[.location] = primary + path + (request.uri.query.map { "?" + $0 } ?? "")
        headers[.contentType] = "application/json; charset=utf-8"
        let body = "{\"error\":{\"code\":\"replica\",\"message\":\"this is a read replica: changes go to the primary, \(primary)\"}}\n"
        return Response(status: .temporaryRedirect, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
