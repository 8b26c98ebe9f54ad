import ArgumentParser
import Foundation
import StepyardStore

/// `stepyard subscription add|list|remove|test|deliveries`: where a namespace's events go.
struct SubscriptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscription", abstract: "Send a namespace's events (publishes, yanks, forks, upstream releases, runs) to a URL.",
        discussion: """
            A running `stepyard serve` delivers them from the store's outbox, retrying with backoff, and only to hosts \
            on its allow-list (`serve --webhook-allow-host`). Over HTTP: /api/v1/subscriptions.
            """,
        subcommands: [Add.self, List.self, Remove.self, Test.self, Deliveries.self])

    struct Add: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Subscribe a URL to a namespace's events.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "Where to POST each event: http:// or https://.") var url: String
        @Option(help: "The department whose events to send (default: the organisation's).") var department: String?
        @Option(name: .customLong("type"), help: "An event type wanted (repeatable; default: all), e.g. dev.stepyard.version.published.")
        var types: [String] = []
        @Option(help: "Only events about this resource: task/go.") var resource: String?
        @Option(help: "Sign each delivery with this secret (X-Stepyard-Signature, HMAC-SHA256); at least 16 characters.") var secret: String?
        @Option(help: "cloudevents (CloudEvents 1.0 structured JSON) or chat (a {\"text\"} payload for Slack- or Mattermost-style webhooks).")
        var format: String = "cloudevents"

        func perform() async -> CommandOutput {
            if let problem = Self.problem(url: url, types: types, secret: secret, format: format) {
                return CommandOutput(stderr: "stepyard subscription add: \(problem)\n", exitCode: ExitStatus.usage)
            }
            return await options.withStore("subscription add") { store throws(StoreError) in
                let namespace = department ?? store.organisation
                if let department, !(try await store.departments().map(\.name).contains(department)) {
                    throw .notFound("department \(department)")
                }
                let subscription = Subscription(id: Subscription.newID(), namespace: namespace,
                                                url: url, types: Array(Set(types)).sorted(), resource: resource,
                                                format: Subscription.Format(rawValue: format)!, secret: secret,
                                                createdBy: options.identity.name, createdAt: Store.timestamp(Date()))
                try await store.addSubscription(subscription)
                return options.render(["id": subscription.id, "namespace": namespace, "url": url]) {
                    "added \(subscription.id): \(namespace) → \(url)\(types.isEmpty ? "" : " (" + types.joined(separator: ", ") + ")")\n"
                }
            }
        }

        static func problem(url: String, types: [String], secret: String?, format: String) -> String? {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
                return "\(url) is not an http:// or https:// URL"
            }
            if let problem = EventType.problem(with: types) { return "--type \(problem)" }
            if let secret, secret.count < 16 { return "--secret must be at least 16 characters" }
            if Subscription.Format(rawValue: format) == nil { return "--format must be cloudevents or chat" }
            return nil
        }
    }

    struct List: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the subscriptions and each one's last delivery.")
        @OptionGroup var options: StoreOptions

        func perform() async -> CommandOutput {
            await options.withStore("subscription list") { store throws(StoreError) in
                let all = try await store.subscriptions()
                var lines = ""
                var rows: [[String: String]] = []
                for subscription in all {
                    let last = try await store.deliveries(of: subscription.id, limit: 1).first
                    let status = last.map { "last: \($0.type) \($0.status.rawValue) after \($0.attempts) attempt(s)" + ($0.lastError.map { " (\($0))" } ?? "") }
                        ?? "nothing sent yet"
                    lines += "\(subscription.id)\t\(subscription.namespace) → \(subscription.url) [\(subscription.format.rawValue)"
                        + (subscription.types.isEmpty ? "" : "; " + subscription.types.joined(separator: ", "))
                        + (subscription.resource.map { "; \($0)" } ?? "") + (subscription.hasSecret ? "; signed" : "") + "]\t\(status)\n"
                    rows.append(["id": subscription.id, "namespace": subscription.namespace, "url": subscription.url, "format": subscription.format.rawValue,
                                 "lastDelivery": last?.status.rawValue ?? ""])
                }
                return options.render(rows) { lines.isEmpty ? "no subscriptions\n" : lines }
            }
        }
    }

    struct Remove: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a subscription (its pending deliveries too).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The subscription's id (stepyard subscription list).") var id: String

        func perform() async -> CommandOutput {
            await options.withStore("subscription remove") { store throws(StoreError) in
                guard try await store.removeSubscription(id) else { throw .notFound("subscription \(id)") }
                return options.render(["removed": id]) { "removed \(id)\n" }
            }
        }
    }

    struct Test: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "test", abstract: "Queue a test event (dev.stepyard.test) for a subscription.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The subscription's id.") var id: String

        func perform() async -> CommandOutput {
            await options.withStore("subscription test") { store throws(StoreError) in
                guard let subscription = try await store.subscription(id) else { throw .notFound("subscription \(id)") }
                let event = StoreEvent.test(for: subscription, requestedBy: options.identity.name)
                try await store.record([event])
                return options.render(["queued": event.id]) {
                    "queued \(event.id) for \(id); a running stepyard serve delivers it (stepyard subscription deliveries \(id))\n"
                }
            }
        }
    }

    struct Deliveries: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "deliveries", abstract: "A subscription's delivery log, newest first.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The subscription's id.") var id: String
        @Option(help: "How many.") var limit: Int = 20

        func perform() async -> CommandOutput {
            await options.withStore("subscription deliveries") { store throws(StoreError) in
                guard try await store.subscription(id) != nil else { throw .notFound("subscription \(id)") }
                let log = try await store.deliveries(of: id, limit: max(1, limit))
                return options.render(log) {
                    log.isEmpty ? "nothing sent yet\n" : log.map { delivery in
                        "\(delivery.createdAt)\t\(delivery.type)\t\(delivery.event)\t\(delivery.status.rawValue), \(delivery.attempts) attempt(s)"
                            + (delivery.lastStatusCode.map { ", last answer \($0)" } ?? "") + (delivery.lastError.map { ", \($0)" } ?? "")
                            + (delivery.nextAttemptAt.map { ", next try \($0)" } ?? "") + "\n"
                    }.joined()
                }
            }
        }
    }
}
