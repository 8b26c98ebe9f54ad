import Foundation
import StepyardCore

/// What Stepyard tells subscribers: one change of the catalog, or one run's result. Its `id` is stable (derived
/// from the commit or the run that caused it), so a receiver that sees it twice knows.
public struct StoreEvent: Sendable, Hashable, Codable {
    public var id: String
    /// `dev.stepyard.version.published`, … (`EventType`).
    public var type: String
    /// The namespace it concerns: only that namespace's subscriptions receive it.
    public var namespace: String
    /// What it is about: `task/go@1.1.0`, `payments/task/go@1.0.1`.
    public var subject: String
    /// RFC 3339, UTC.
    public var time: String
    public var data: JSONValue

    public init(id: String, type: String, namespace: String, subject: String, time: String, data: JSONValue) {
        self.id = id
        self.type = type
        self.namespace = namespace
        self.subject = subject
        self.time = time
        self.data = data
    }

    /// A test event (`dev.stepyard.test`) for one subscription: it goes to that subscription only.
    public static func test(for subscription: Subscription, requestedBy name: String) -> StoreEvent {
        StoreEvent(id: "test/" + UUID().uuidString.lowercased(), type: EventType.test, namespace: subscription.namespace,
                   subject: "subscription \(subscription.id)", time: Store.timestamp(Date()),
                   data: ["subscription": .string(subscription.id), "requestedBy": .string(name)])
    }

    /// `kind/name` of the resource it is about.
    public var resource: String {
        let path = subject.split(separator: "@", maxSplits: 1).first ?? ""
        return path.split(separator: "/").suffix(2).joined(separator: "/")
    }
}

/// The event types, CloudEvents `type` values.
public enum EventType {
    public static let published = "dev.stepyard.version.published"
    public static let deprecated = "dev.stepyard.version.deprecated"
    public static let yanked = "dev.stepyard.version.yanked"
    public static let unyanked = "dev.stepyard.version.unyanked"
    public static let forkCreated = "dev.stepyard.fork.created"
    public static let forkUpgraded = "dev.stepyard.fork.upgraded"
    public static let upstreamReleased = "dev.stepyard.fork.upstream.released"
    public static let syncFailed = "dev.stepyard.sync.failed"
    public static let runSucceeded = "dev.stepyard.run.succeeded"
    public static let runFailed = "dev.stepyard.run.failed"
    public static let test = "dev.stepyard.test"

    /// Every event type.
    public static let all = [published, deprecated, yanked, unyanked, forkCreated, forkUpgraded, upstreamReleased, syncFailed,
                             runSucceeded, runFailed, test]

    /// The types a subscription may ask for (a test event comes to every subscription it is sent to).
    public static let subscribable = all.filter { $0 != test }

    /// Why `types` cannot be a subscription's, or `nil` when they can.
    public static func problem(with types: [String]) -> String? {
        guard let unknown = types.first(where: { !subscribable.contains($0) }) else { return nil }
        return "\(unknown) is not an event type; these are: " + subscribable.joined(separator: ", ")
    }
}

/// Where a namespace's events go: a URL, the types wanted (all when empty), optionally one resource, a format and
/// an optional secret (HMAC-SHA256 signatures).
public struct Subscription: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// CloudEvents 1.0, structured mode (`application/cloudevents+json`).
        case cloudevents
        /// `{"text": …}` with a link, as Slack- and Mattermost-style incoming webhooks take.
        case chat
    }

    public var id: String
    public var namespace: String
    public var url: String
    public var types: [String]
    /// `kind/name`: only events about that resource.
    public var resource: String?
    public var format: Format
    /// Never sent back out; `hasSecret` says whether one is set.
    public var secret: String?
    public var createdBy: String
    public var createdAt: String

    public init(id: String, namespace: String, url: String, types: [String], resource: String?, format: Format, secret: String?,
                createdBy: String, createdAt: String) {
        self.id = id
        self.namespace = namespace
        self.url = url
        self.types = types
        self.resource = resource
        self.format = format
        self.secret = secret
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public var hasSecret: Bool { secret?.isEmpty == false }

    /// A new subscription's id: `sub-` and 8 random hex digits.
    public static func newID() -> String {
        "sub-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }

    /// Whether `event` is one this subscription receives.
    public func wants(_ event: StoreEvent) -> Bool {
        event.namespace == namespace && (types.isEmpty || types.contains(event.type) || event.type == EventType.test)
            && (resource == nil || event.resource == resource)
    }
}

/// One event's delivery to one subscription, as the log shows it.
public struct Delivery: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Not delivered yet; tried again at `nextAttemptAt`.
        case pending
        case delivered
        /// Given up after the last attempt.
        case failed
    }

    public var subscription: String
    public var event: String
    public var type: String
    public var status: Status
    public var attempts: Int
    /// The receiver's last HTTP status, when it answered.
    public var lastStatusCode: Int?
    /// Why the last attempt failed (no answer, refused address, …).
    public var lastError: String?
    public var lastAttemptAt: String?
    public var nextAttemptAt: String?
    public var createdAt: String
}

/// A run's result as the Tekton events sink records it, attributed to the template version it ran.
public struct RunReport: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable { case started, succeeded, failed }

    /// The run's `metadata.uid` (else its CloudEvent id): each run counts once.
    public var uid: String
    /// `PipelineRun` or `TaskRun`.
    public var kind: String
    public var name: String
    /// The template version: namespace, kind, name, version.
    public var template: VersionKey
    public var outcome: Outcome
    public var reason: String?
    public var message: String?
    /// From `status.startTime` to `status.completionTime`.
    public var durationSeconds: Double?
    /// RFC 3339.
    public var at: String

    public init(uid: String, kind: String, name: String, template: VersionKey, outcome: Outcome, reason: String?, message: String?,
                durationSeconds: Double?, at: String) {
        self.uid = uid
        self.kind = kind
        self.name = name
        self.template = template
        self.outcome = outcome
        self.reason = reason
        self.message = message
        self.durationSeconds = durationSeconds
        self.at = at
    }
}

/// What runs of one template version did.
public struct VersionUsage: Sendable, Hashable, Codable {
    public struct Failure: Sendable, Hashable, Codable {
        public var run: String
        public var reason: String?
        public var message: String?
        public var at: String
    }

    /// Runs that ended (succeeded or failed).
    public var runs: Int
    public var succeeded: Int
    public var failed: Int
    /// Runs started and not (yet) reported ended.
    public var running: Int
    public var lastFailure: Failure?
    /// Of the ended runs with both times: median, 90th and 99th percentile (nearest rank), in seconds.
    public var durationSeconds: [String: Double]
}
