import Foundation
import GRDB
import StepyardCore

/// The server's events and what became of them, in `DIR/events.sqlite` (server state like `access.sqlite`, not
/// catalog content, so not in git): subscriptions, the outbox of events (each recorded once, by id), one delivery
/// row per event and subscription (its attempts, last answer and next try), the commit up to which the catalog's
/// changes have become events, and the runs the Tekton events sink attributed to template versions.
///
/// Events and their deliveries are written in one transaction with the commit they come from, so a crash loses
/// none: what was recorded is delivered after a restart, and commits past the recorded one become events then.
final class EventLog: Sendable {
    let writer: any DatabaseWriter

    static func open(at path: String) throws -> EventLog {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return try EventLog(queue)
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Migrations are never edited once released; add a new one instead.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "subscription") { t in
                t.primaryKey("id", .text)
                t.column("namespace", .text).notNull()
                t.column("url", .text).notNull()
                t.column("types", .text).notNull()
                t.column("resource", .text)
                t.column("format", .text).notNull()
                t.column("secret", .text)
                t.column("createdBy", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "event") { t in
                t.primaryKey("id", .text)
                t.column("type", .text).notNull()
                t.column("namespace", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("time", .text).notNull()
                t.column("data", .text).notNull()
            }
            try db.create(table: "delivery") { t in
                t.column("subscription", .text).notNull().references("subscription", onDelete: .cascade)
                t.column("event", .text).notNull().references("event")
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("lastStatusCode", .integer)
                t.column("lastError", .text)
                t.column("lastAttemptAt", .text)
                t.column("nextAttempt", .double)
                t.column("createdAt", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.primaryKey(["subscription", "event"])
            }
            try db.create(index: "delivery_due", on: "delivery", columns: ["status", "nextAttempt"])
            try db.create(table: "run") { t in
                t.primaryKey("uid", .text)
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("namespace", .text).notNull()
                t.column("templateKind", .text).notNull()
                t.column("templateName", .text).notNull()
                t.column("version", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("reason", .text)
                t.column("message", .text)
                t.column("duration", .double)
                t.column("at", .text).notNull()
            }
            try db.create(index: "run_version", on: "run", columns: ["namespace", "templateKind", "templateName", "version", "outcome", "duration"])
        }
        return migrator
    }

    static func timestamp(_ date: Date) -> String { Store.timestamp(date) }

    // MARK: - The cursor

    /// The commit up to which the catalog's changes have become events; `nil` before the first.
    func cursor() throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'cursor'") }
    }

    // MARK: - Subscriptions

    func add(_ subscription: Subscription) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO subscription (id, namespace, url, types, resource, format, secret, createdBy, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [subscription.id, subscription.namespace, subscription.url, subscription.types.joined(separator: " "),
                                 subscription.resource, subscription.format.rawValue, subscription.secret, subscription.createdBy,
                                 subscription.createdAt])
        }
    }

    /// The subscriptions of `namespaces` (every one when `nil`), oldest first.
    func subscriptions(in namespaces: Set<String>?) throws -> [Subscription] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM subscription ORDER BY createdAt, id").map(Self.subscription)
                .filter { namespaces?.contains($0.namespace) ?? true }
        }
    }

    func subscription(_ id: String) throws -> Subscription? {
        try writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM subscription WHERE id = ?", arguments: [id]).map(Self.subscription) }
    }

    /// Removes a subscription and its deliveries; `false` when there was none.
    func remove(_ id: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM delivery WHERE subscription = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM subscription WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    private static func subscription(_ row: Row) -> Subscription {
        let types: String = row["types"]
        return Subscription(id: row["id"], namespace: row["namespace"], url: row["url"],
                            types: types.split(separator: " ").map(String.init), resource: row["resource"],
                            format: Subscription.Format(rawValue: row["format"]) ?? .cloudevents, secret: row["secret"],
                            createdBy: row["createdBy"], createdAt: row["createdAt"])
    }

    // MARK: - The outbox

    /// Records events (an id already recorded is skipped) with a delivery for each subscription that wants it, and
    /// moves the cursor to `cursor` when given — one transaction.
    /// - Returns: the deliveries created.
    @discardableResult
    func enqueue(_ events: [StoreEvent], cursor: String?, now: Date = Date()) throws -> Int {
        try writer.write { db in
            let subscriptions = try Row.fetchAll(db, sql: "SELECT * FROM subscription").map(Self.subscription)
            var created = 0
            var sequence = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) FROM delivery") ?? 0
            for event in events {
                try db.execute(sql: "INSERT OR IGNORE INTO event (id, type, namespace, subject, time, data) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [event.id, event.type, event.namespace, event.subject, event.time, event.data.serialized()])
                guard db.changesCount > 0 else { continue }
                for subscription in subscriptions where subscription.wants(event) {
                    // A test event goes to the one subscription it was made for.
                    if event.type == EventType.test && event.data["subscription"]?.stringValue != subscription.id { continue }
                    sequence += 1
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO delivery (subscription, event, status, attempts, nextAttempt, createdAt, sequence)
                        VALUES (?, ?, 'pending', 0, ?, ?, ?)
                        """, arguments: [subscription.id, event.id, now.timeIntervalSince1970, Self.timestamp(now), sequence])
                    created += db.changesCount
                }
            }
            if let cursor {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [cursor])
            }
            return created
        }
    }

    /// Deliveries due by `now`, oldest first, with their event and subscription.
    func due(now: Date, limit: Int) throws -> [(delivery: Delivery, event: StoreEvent, subscription: Subscription)] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, e.type AS eventType, e.namespace AS eventNamespace, e.subject, e.time, e.data
                FROM delivery d JOIN event e ON e.id = d.event
                WHERE d.status = 'pending' AND d.nextAttempt <= ? ORDER BY d.nextAttempt, d.sequence LIMIT ?
                """, arguments: [now.timeIntervalSince1970, limit]).compactMap { row in
                guard let subscription = try Row.fetchOne(db, sql: "SELECT * FROM subscription WHERE id = ?", arguments: [row["subscription"] as String])
                    .map(Self.subscription) else { return nil }
                let event = StoreEvent(id: row["event"], type: row["eventType"], namespace: row["eventNamespace"], subject: row["subject"],
                                       time: row["time"], data: (try? JSONValue(parsingJSON: row["data"] as String)) ?? .null)
                return (Self.delivery(row, type: row["eventType"]), event, subscription)
            }
        }
    }

    /// When the next pending delivery is due, if any.
    func nextDue() throws -> Date? {
        try writer.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(nextAttempt) FROM delivery WHERE status = 'pending'").map(Date.init(timeIntervalSince1970:))
        }
    }

    /// What one attempt did: delivered, or failed with the receiver's status or an error, to be tried again at
    /// `retryAt` (given up when `nil`).
    func record(subscription: String, event: String, statusCode: Int?, error: String?, delivered: Bool, retryAt: Date?, now: Date = Date()) throws {
        try writer.write { db in
            let status = delivered ? Delivery.Status.delivered : retryAt == nil ? .failed : .pending
            try db.execute(sql: """
                UPDATE delivery SET status = ?, attempts = attempts + 1, lastStatusCode = ?, lastError = ?, lastAttemptAt = ?, nextAttempt = ?
                WHERE subscription = ? AND event = ?
                """, arguments: [status.rawValue, statusCode, error, Self.timestamp(now), retryAt?.timeIntervalSince1970,
                                 subscription, event])
        }
    }

    /// A subscription's deliveries, newest first.
    func deliveries(of subscription: String, limit: Int) throws -> [Delivery] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, e.type AS eventType FROM delivery d JOIN event e ON e.id = d.event
                WHERE d.subscription = ? ORDER BY d.sequence DESC LIMIT ?
                """, arguments: [subscription, limit]).map { Self.delivery($0, type: $0["eventType"]) }
        }
    }

    /// One delivery, by subscription and event.
    func delivery(subscription: String, event: String) throws -> Delivery? {
        try writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT d.*, e.type AS eventType FROM delivery d JOIN event e ON e.id = d.event WHERE d.subscription = ? AND d.event = ?
                """, arguments: [subscription, event]).map { Self.delivery($0, type: $0["eventType"]) }
        }
    }

    private static func delivery(_ row: Row, type: String) -> Delivery {
        let next: Double? = row["nextAttempt"]
        let status = Delivery.Status(rawValue: row["status"]) ?? .pending
        return Delivery(subscription: row["subscription"], event: row["event"], type: type, status: status,
                        attempts: row["attempts"], lastStatusCode: row["lastStatusCode"], lastError: row["lastError"],
                        lastAttemptAt: row["lastAttemptAt"],
                        nextAttemptAt: status == .pending ? next.map { timestamp(Date(timeIntervalSince1970: $0)) } : nil,
                        createdAt: row["createdAt"])
    }

    /// Forgets deliveries that ended (delivered or given up) before `date`, and events no delivery needs any more
    /// that are that old: the log stays the size of its recent traffic.
    /// - Returns: the deliveries forgotten.
    @discardableResult
    func prune(before date: Date) throws -> Int {
        let cutoff = Self.timestamp(date)
        return try writer.write { db in
            try db.execute(sql: "DELETE FROM delivery WHERE status != 'pending' AND createdAt < ?", arguments: [cutoff])
            let forgotten = db.changesCount
            try db.execute(sql: "DELETE FROM event WHERE time < ? AND id NOT IN (SELECT event FROM delivery)", arguments: [cutoff])
            return forgotten
        }
    }

    // MARK: - Runs

    /// Records a run's report: a start when the run is new, an end once (a repeated or late report changes nothing).
    /// - Returns: whether it changed what is recorded.
    func record(_ run: RunReport) throws -> Bool {
        try writer.write { db in
            let existing = try String.fetchOne(db, sql: "SELECT outcome FROM run WHERE uid = ?", arguments: [run.uid])
            if let existing, existing != RunReport.Outcome.started.rawValue { return false }
            if existing != nil && run.outcome == .started { return false }
            try db.execute(sql: """
                INSERT INTO run (uid, kind, name, namespace, templateKind, templateName, version, outcome, reason, message, duration, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(uid) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, message = excluded.message,
                    duration = excluded.duration, at = excluded.at
                """, arguments: [run.uid, run.kind, run.name, run.template.namespace, run.template.kind.rawValue, run.template.name,
                                 run.template.version, run.outcome.rawValue, run.reason, run.message, run.durationSeconds, run.at])
            return true
        }
    }

    func usage(of key: VersionKey) throws -> VersionUsage {
        try writer.read { db in
            let arguments: StatementArguments = [key.namespace, key.kind.rawValue, key.name, key.version]
            let scope = "namespace = ? AND templateKind = ? AND templateName = ? AND version = ?"
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT outcome, COUNT(*) FROM run WHERE \(scope) GROUP BY outcome", arguments: arguments) {
                counts[row[0]] = row[1]
            }
            let failure = try Row.fetchOne(db, sql: "SELECT name, reason, message, at FROM run WHERE \(scope) AND outcome = 'failed' ORDER BY at DESC LIMIT 1",
                                           arguments: arguments).map { VersionUsage.Failure(run: $0[0], reason: $0[1], message: $0[2], at: $0[3]) }
            let timed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run WHERE \(scope) AND outcome != 'started' AND duration IS NOT NULL",
                                         arguments: arguments) ?? 0
            var durations: [String: Double] = [:]
            if timed > 0 {
                for (label, fraction) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
                    // Nearest rank: the smallest duration at or above the fraction of the runs.
                    let rank = max(1, Int((fraction * Double(timed)).rounded(.up)))
                    durations[label] = try Double.fetchOne(db, sql: """
                        SELECT duration FROM run WHERE \(scope) AND outcome != 'started' AND duration IS NOT NULL ORDER BY duration LIMIT 1 OFFSET ?
                        """, arguments: arguments + [rank - 1])
                }
            }
            let succeeded = counts["succeeded"] ?? 0, failed = counts["failed"] ?? 0
            return VersionUsage(runs: succeeded + failed, succeeded: succeeded, failed: failed, running: counts["started"] ?? 0,
                                lastFailure: failure, durationSeconds: durations)
        }
    }
}
