import Foundation
import Logging
import Metrics
import ServiceLifecycle
import StepyardStore

/// Runs each sync when its interval has passed since its last run (a service beside the HTTP server). The commit a
/// sync makes is served like any commit around the server (`IndexWatcher`).
struct SyncScheduler: Service {
    let store: Store
    /// How often due syncs are looked for.
    let tick: Duration
    let logger: Logger
    /// Told when a sync fails (a `dev.stepyard.sync.failed` event is recorded).
    var events: EventWake? = nil

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            let formatter = ISO8601DateFormatter()
            for source in (try? store.syncs()) ?? [] {
                let last = source.status.lastRun.flatMap(formatter.date(from:)) ?? .distantPast
                guard now.timeIntervalSince(last) >= Double(source.intervalSeconds) else { continue }
                _ = try? await Self.run(source.id, store: store, logger: logger, events: events)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
        }
    }

    /// One run of a sync, logged and counted.
    static func run(_ id: String, store: Store, logger: Logger, events: EventWake? = nil) async throws(APIError) -> SyncStatus {
        let status: SyncStatus
        do {
            status = try await store.runSync(id, author: Author(name: "Stepyard sync", email: "sync@stepyard.invalid"))
        } catch {
            throw APIError(error)
        }
        let outcome = status.lastError != nil ? "failed" : status.refused.isEmpty ? "ok" : "refusals"
        Counter(label: "stepyard_sync_runs_total", dimensions: [("sync", id), ("outcome", outcome)]).increment()
        if let success = status.lastSuccess.flatMap(ISO8601DateFormatter().date(from:)) {
            Gauge(label: "stepyard_sync_last_success_timestamp_seconds", dimensions: [("sync", id)]).record(success.timeIntervalSince1970)
        }
        if let error = status.lastError {
            logger.error("sync failed", metadata: ["stepyard.sync": .string(id), "error": .string(error)])
            // Told to the namespace the sync publishes into, once per failed run.
            if let source = try? store.syncs().first(where: { $0.id == id }) {
                let namespace = source.namespace
                let event = StoreEvent(id: "sync/\(id)/\(status.lastRun ?? Store.timestamp(Date()))", type: EventType.syncFailed, namespace: namespace,
                                       subject: id, time: status.lastRun ?? Store.timestamp(Date()),
                                       data: ["sync": .string(id), "url": .string(source.url), "error": .string(error)])
                _ = try? await store.record([event])
                events?.signal()
            }
        } else {
            logger.info("sync ran", metadata: ["stepyard.sync": .string(id), "stepyard.published": "\(status.published.count)",
                                                "stepyard.refused": "\(status.refused.count)"])
            for refusal in status.refused {
                logger.warning("sync refused a version", metadata: ["stepyard.sync": .string(id), "stepyard.path": .string(refusal.path),
                                                                     "stepyard.reason": .string(refusal.reason)])
            }
        }
        return status
    }
}
