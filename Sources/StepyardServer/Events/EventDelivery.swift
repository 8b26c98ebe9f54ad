import Foundation
import Logging
import Metrics
import ServiceLifecycle
import StepyardStore
import Synchronization

/// The events' way out: turns the store's new commits into events (`Store.catchUpEvents`), then sends what is due
/// from the outbox, each delivery retried with exponential backoff (`retryBase` doubled per attempt, at most
/// `retryCap`) until it is delivered or `maxAttempts` have failed, every attempt in the subscription's delivery
/// log, which keeps what ended for `keep` (30 days). Runs until the server stops; what it had not sent is sent after
/// the next start.
struct EventDelivery: Service {
    let store: Store
    let sender: WebhookSender
    let wake: EventWake
    var retryBase: Duration = .seconds(2)
    var retryCap: Duration = .seconds(600)
    var maxAttempts = 12
    /// How many deliveries are in flight at once.
    var concurrency = 4
    let logger: Logger

    /// How long ended deliveries stay in the log.
    var keep: Duration = .seconds(30 * 24 * 3600)

    func run() async throws {
        var pruned = Date.distantPast
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await pass()
            if Date().timeIntervalSince(pruned) > 3600 {
                pruned = Date()
                _ = try? await store.pruneEvents(before: pruned.addingTimeInterval(-Self.seconds(keep)))
            }
            let next = (try? await store.nextDelivery()) ?? nil
            let wait = next.map { min(1.0, max(0.01, $0.timeIntervalSinceNow)) } ?? 1.0
            // A shutdown ends the wait at once.
            await cancelWhenGracefulShutdown { await wake.wait(upTo: .milliseconds(Int(wait * 1000))) }
        }
    }

    /// One pass: events from new commits, then every delivery due now.
    func pass() async {
        do {
            while try await store.catchUpEvents() == 200 {}
        } catch {
            logger.error("events from commits failed", metadata: ["error": .string("\(error)")])
        }
        while true {
            let due = (try? await store.dueDeliveries(now: Date(), limit: 64)) ?? []
            if due.isEmpty { return }
            // One subscription's deliveries in the order of its events; subscriptions side by side.
            var queues: [String: [(delivery: Delivery, event: StoreEvent, subscription: Subscription)]] = [:]
            var order: [String] = []
            for item in due {
                if queues[item.subscription.id] == nil { order.append(item.subscription.id) }
                queues[item.subscription.id, default: []].append(item)
            }
            await withTaskGroup(of: Void.self) { group in
                var iterator = order.compactMap { queues[$0] }.makeIterator()
                func start(_ queue: [(delivery: Delivery, event: StoreEvent, subscription: Subscription)]) {
                    group.addTask { for item in queue { await deliver(item) } }
                }
                for _ in 0..<concurrency {
                    guard let queue = iterator.next() else { break }
                    start(queue)
                }
                while await group.next() != nil {
                    if let queue = iterator.next() { start(queue) }
                }
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func deliver(_ item: (delivery: Delivery, event: StoreEvent, subscription: Subscription)) async {
        let outcome = await sender.send(item.event, to: item.subscription)
        let attempt = item.delivery.attempts + 1
        var retryAt: Date?
        if !outcome.delivered && attempt < maxAttempts {
            retryAt = Date().addingTimeInterval(min(Self.seconds(retryCap), Self.seconds(retryBase) * pow(2, Double(attempt - 1))))
        }
        do {
            try await store.recordAttempt(subscription: item.subscription.id, event: item.event.id, statusCode: outcome.statusCode,
                                          error: outcome.error, delivered: outcome.delivered, retryAt: retryAt)
        } catch {
            logger.error("recording a delivery failed", metadata: ["error": .string("\(error)")])
        }
        let result = outcome.delivered ? "delivered" : retryAt == nil ? "failed" : "retrying"
        Counter(label: "stepyard_event_deliveries_total", dimensions: [("outcome", result)]).increment()
        if !outcome.delivered {
            logger.warning("event delivery failed", metadata: ["stepyard.subscription": .string(item.subscription.id), "stepyard.event": .string(item.event.id),
                                                                "attempt": "\(attempt)", "error": .string(outcome.error ?? "")])
        }
    }
}

/// Wakes the delivery loop when something was recorded (a commit served, a test, a run's result) instead of
/// waiting for its next look.
final class EventWake: Sendable {
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else { state.pending = true; return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when signalled (at once if a signal came since the last wait) or after `limit`.
    func wait(upTo limit: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.pending { state.pending = false; return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                // Also when cancelled (a shutdown): the other child waits for a signal.
                self.signal()
            }
            await group.next()
            group.cancelAll()
        }
        state.withLock { $0.pending = false }
    }
}
