import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardServer

/// Events: subscriptions, the outbox and its deliveries to a receiver on loopback (signed, retried, logged), the
/// allow-list, and the sink for Tekton's run events fed with what Tekton's own code sends.
@Suite struct EventTests {
    static let secret = "a-secret-of-thirty-two-characters"

    // MARK: - Each event kind, to its namespace only

    @Test func eachNamespaceHearsOfItsOwnChangesSigned() async throws {
        let fixture = try await ServerFixture.make()
        let receiver = Receiver()
        try await receiver.application.test(.live) { hook in
            let base = "http://127.0.0.1:\(hook.port!)"
            try await fixture.application { Self.configure(&$0) }.test(.live) { client in
                for (namespace, token) in [("tekton", fixture.admin), ("payments", fixture.payments), ("logistics", fixture.logistics)] {
                    let added = try await client.call(.post, "/api/v1/subscriptions", token: token,
                                                      body: #"{"url": "\#(base)/\#(namespace)", "namespace": "\#(namespace)", "secret": "\#(Self.secret)"}"#)
                    #expect(added.status == .created, "\(added.text)")
                    #expect(added.json["hasSecret"] == true && added.json["secret"] == nil)
                }
                // logistics forks git-clone@0.8 and upgrades it to 0.9; the organisation releases 0.11; 0.2's lifecycle.
                #expect(try await client.call(.post, "/api/v1/departments/logistics/forks", token: fixture.logistics,
                                              body: #"{"from": "task/git-clone@0.8"}"#).status == .created)
                #expect(try await client.call(.post, "/api/v1/resources/logistics/task/git-clone/upgrade", token: fixture.logistics,
                                              body: #"{"to": "0.9"}"#).status == .ok)
                let (_, latest) = try await fixture.store.content(of: try ResourceRef(parsing: "task/git-clone@0.10"))
                let next = String(decoding: latest, as: UTF8.self).replacingOccurrences(of: "app.kubernetes.io/version: \"0.10\"", with: "app.kubernetes.io/version: \"0.11\"")
                #expect(next.contains("\"0.11\""))
                #expect(try await client.call(.put, "/api/v1/resources/tekton/task/git-clone/0.11", token: fixture.publisher, body: next,
                                              contentType: "application/yaml").status == .created)
                for action in ["deprecate", "yank", "unyank"] {
                    #expect(try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/0.2/\(action)", token: action == "unyank" ? fixture.admin : fixture.publisher,
                                                  body: action == "deprecate" ? #"{"message": "use 0.9"}"# : nil).status == .ok)
                }
                let org = try await receiver.wait(for: "/tekton", count: 4)
                #expect(org.map(\.type) == [EventType.published, EventType.deprecated, EventType.yanked, EventType.unyanked])
                #expect(org.map(\.subject) == ["task/git-clone@0.11", "task/git-clone@0.2", "task/git-clone@0.2", "task/git-clone@0.2"])
                #expect(org[1].event["data"]?["deprecationMessage"] == "use 0.9")
                let payments = try await receiver.wait(for: "/payments", count: 1)
                #expect(payments.map(\.type) == [EventType.upstreamReleased])
                #expect(payments[0].subject == "payments/task/git-clone@0.9")
                #expect(payments[0].event["data"]?["released"]?["version"] == "0.11")
                #expect(payments[0].event["data"]?["upstream"]?["version"] == "0.9")
                #expect([.bool(true), .bool(false)].contains(payments[0].event["data"]?["merge"]?["clean"]))
                let logistics = try await receiver.wait(for: "/logistics", count: 5)
                #expect(logistics.map(\.type) == [EventType.published, EventType.forkCreated, EventType.published, EventType.forkUpgraded,
                                                  EventType.upstreamReleased])
                #expect(logistics[1].event["data"]?["upstream"]?["reference"] == "task/git-clone@0.8")
                #expect(logistics[3].event["data"]?["previousUpstream"] == "task/git-clone@0.8")
                // Every delivery: CloudEvents 1.0, signed over its time and body, and about its own namespace only.
                for request in org + payments + logistics {
                    #expect(request.contentType == "application/cloudevents+json")
                    #expect(request.event["specversion"] == "1.0" && request.event["id"]?.stringValue == request.headers["x-stepyard-event-id"])
                    #expect(Self.verify(request.headers["x-stepyard-signature"] ?? "", body: request.body, secret: Self.secret), "\(request.path)")
                    let namespace = String(request.path.dropFirst())
                    #expect(request.text.contains(namespace) && !["tekton", "payments", "logistics"].filter { $0 != namespace && $0 != "tekton" }
                        .contains { request.text.contains($0 + "/") }, "\(request.path): \(request.text)")
                }
                // A second look finds nothing more (each event once).
                try await Task.sleep(for: .milliseconds(300))
                let counts = [await receiver.count(for: "/tekton"), await receiver.count(for: "/payments"), await receiver.count(for: "/logistics")]
                #expect(counts == [4, 1, 5])
            }
        }
    }

    /// `t=<seconds>,v1=<hex>` with `v1` the HMAC-SHA256 of `"<t>.<body>"`: how a receiver checks a delivery.
    static func verify(_ header: String, body: [UInt8], secret: String) -> Bool {
        let fields = Dictionary(uniqueKeysWithValues: header.split(separator: ",").compactMap { field -> (String, String)? in
            let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
            return pair.count == 2 ? (pair[0], pair[1]) : nil
        })
        guard let time = fields["t"], let signature = fields["v1"], let seconds = Int(time),
              abs(Date().timeIntervalSince1970 - Double(seconds)) < 300 else { return false }
        let expected = HMAC<SHA256>.authenticationCode(for: Array("\(time).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return expected.map { String(format: "%02x", $0) }.joined() == signature
    }

    // MARK: - Delivery to rely on

    /// A receiver that fails twice: the delivery is retried with backoff, every attempt in the log, then delivered.
    @Test func aFailingReceiverIsRetriedAndTheLogShowsEachAttempt() async throws {
        let fixture = try await ServerFixture.make()
        let receiver = Receiver(failFirst: 2)
        try await receiver.application.test(.live) { hook in
            try await fixture.application { Self.configure(&$0) }.test(.live) { client in
                let added = try await client.call(.post, "/api/v1/subscriptions", token: fixture.admin,
                                                  body: #"{"url": "http://127.0.0.1:\#(hook.port!)/hook", "format": "chat"}"#)
                let id = try #require(added.json["id"]?.stringValue)
                #expect(try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/0.3/yank", token: fixture.admin).status == .ok)
                let delivered = try await receiver.wait(for: "/hook", count: 3)
                #expect(delivered.map(\.status) == [500, 500, 200])
                #expect(delivered[2].json["text"]?.stringValue?.hasPrefix("task/git-clone@0.3 was yanked") == true)
                #expect(delivered[2].json["text"]?.stringValue?.contains("/ui/tekton/task/git-clone/0.3") == true)
                #expect(Set(delivered.map { $0.headers["x-stepyard-event-id"] ?? "" }).count == 1)  // one event, three attempts
                let log = try await client.waitForDelivery(id, token: fixture.admin) { $0["status"] == "delivered" }
                #expect(log["attempts"] == 3 && log["lastStatusCode"] == 200 && log["type"] == .string(EventType.yanked))
                // The test delivery goes through the same outbox.
                let test = try await client.call(.post, "/api/v1/subscriptions/\(id)/test", token: fixture.admin)
                #expect(test.status == .ok && test.json["status"] == "delivered" && test.json["type"] == .string(EventType.test), "\(test.text)")
                // Another department's member sees no subscription of the organisation.
                #expect(try await client.call(.get, "/api/v1/subscriptions/\(id)/deliveries", token: fixture.payments).status == .notFound)
                #expect(try await client.call(.get, "/api/v1/subscriptions", token: fixture.payments).json["items"] == [])
            }
        }
    }

    /// A write whose events were not yet sent when the server stopped (here: made with no server running, as a
    /// crash right after the commit leaves it) is delivered by the next start, once; a later restart sends nothing again.
    @Test func eventsOfAWriteAreDeliveredAfterARestartOnce() async throws {
        let fixture = try await ServerFixture.make()
        let receiver = Receiver()
        try await receiver.application.test(.live) { hook in
            _ = try await fixture.store.catchUpEvents()
            try await fixture.store.addSubscription(Subscription(id: "sub-0000abcd", namespace: "tekton", url: "http://127.0.0.1:\(hook.port!)/hook",
                                                                 types: [EventType.yanked], resource: nil, format: .cloudevents, secret: nil,
                                                                 createdBy: "test", createdAt: "2026-12-07T00:00:00Z"))
            _ = try await fixture.store.yank(try ResourceRef(parsing: "task/git-clone@0.4"), author: ServerFixture.author)
            for _ in 0..<2 {
                try await fixture.application { Self.configure(&$0) }.test(.live) { client in
                    _ = try await receiver.wait(for: "/hook", count: 1)
                    _ = try await client.waitForDelivery("sub-0000abcd", token: fixture.admin) { $0["status"] == "delivered" }
                }
            }
            let received = try await receiver.wait(for: "/hook", count: 1)
            #expect(received.count == 1 && received[0].subject == "task/git-clone@0.4")
        }
    }

    /// A receiver's redirect is not followed (it could lead where the allow-list does not): the attempt failed.
    @Test func aRedirectIsNotFollowed() async throws {
        let receiver = Receiver(redirect: "/elsewhere")
        try await receiver.application.test(.live) { hook in
            let sender = WebhookSender(allowList: WebhookAllowList(hosts: ["127.0.0.1"]), base: "http://stepyard.test", timeout: 5)
            let subscription = Subscription(id: "sub-00000001", namespace: "tekton", url: "http://127.0.0.1:\(hook.port!)/hook", types: [],
                                            resource: nil, format: .cloudevents, secret: nil, createdBy: "test", createdAt: "2026-12-07T00:00:00Z")
            let event = StoreEvent(id: "x", type: EventType.test, namespace: "tekton", subject: "subscription sub-00000001",
                                   time: "2026-12-07T00:00:00Z", data: [:])
            let outcome = await sender.send(event, to: subscription)
            #expect(outcome.statusCode == 307 && !outcome.delivered, "\(outcome)")
            let counts = [await receiver.count(for: "/hook"), await receiver.count(for: "/elsewhere")]
            #expect(counts == [1, 0])
        }
    }

    /// Ended deliveries and the events only they needed are forgotten after a while; pending ones stay.
    @Test func theLogForgetsWhatEnded() async throws {
        let fixture = try await ServerFixture.make()
        let store = fixture.store
        try await store.addSubscription(Subscription(id: "sub-00000002", namespace: "tekton", url: "http://hooks.example.com/x", types: [],
                                                     resource: nil, format: .chat, secret: nil, createdBy: "test", createdAt: "2026-12-07T00:00:00Z"))
        let old = Date().addingTimeInterval(-40 * 24 * 3600)
        let events = (0..<3).map { StoreEvent(id: "e\($0)", type: EventType.published, namespace: "tekton", subject: "task/x@1.0.\($0)",
                                              time: Store.timestamp(old), data: [:]) }
        _ = try await store.record(events)
        try await store.recordAttempt(subscription: "sub-00000002", event: "e0", statusCode: 200, error: nil, delivered: true, retryAt: nil)
        try await store.recordAttempt(subscription: "sub-00000002", event: "e1", statusCode: 500, error: "the receiver answered 500",
                                      delivered: false, retryAt: nil)
        // Ended a while ago: made 40 days back, as far as the log knows.
        #expect(try await store.deliveries(of: "sub-00000002").count == 3)
        #expect(try await store.pruneEvents(before: Date().addingTimeInterval(3600)) == 2)
        #expect(try await store.deliveries(of: "sub-00000002").map(\.event) == ["e2"])
    }

    // MARK: - Where webhooks may go

    @Test func theAllowListRefusesLoopbackByDefault() async throws {
        let fixture = try await ServerFixture.make()
        for (hosts, url, refused) in [([String](), "http://127.0.0.1:9/hook", true), (["*"], "http://127.0.0.1:9/hook", true),
                                      (["*"], "http://[::1]:9/hook", true), (["*"], "http://169.254.169.254/latest", true),
                                      (["*.example.com"], "http://10.1.2.3/hook", true),
                                      (["127.0.0.1"], "http://127.0.0.1:9/hook", false)] {
            try await fixture.application { $0.webhookAllowHosts = hosts }.test(.router) { client in
                let answer = try await client.call(.post, "/api/v1/subscriptions", token: fixture.admin, body: #"{"url": "\#(url)"}"#)
                #expect((answer.status == .unprocessableContent) == refused, "\(hosts) \(url): \(answer.text)")
                if refused { #expect(answer.json["error"]?["message"]?.stringValue?.contains("url:") == true) }
            }
        }
        for bad in ["ftp://example.com/x", "http://user:pass@example.com/x", "not a url"] {
            try await fixture.application().test(.router) { client in
                let answer = try await client.call(.post, "/api/v1/subscriptions", token: fixture.admin, body: #"{"url": "\#(bad)"}"#)
                #expect(answer.status == .badRequest, "\(bad): \(answer.text)")
            }
        }
    }

    @Test(arguments: [("127.0.0.1", true), ("10.0.0.8", true), ("172.20.1.1", true), ("192.168.1.1", true), ("169.254.169.254", true),
                      ("100.64.0.1", true), ("0.0.0.0", true), ("::1", true), ("fe80::1", true), ("fd00::1", true), ("::ffff:127.0.0.1", true),
                      ("93.184.216.34", false), ("172.32.0.1", false), ("2606:4700::1111", false)])
    func internalAddresses(_ address: String, _ expected: Bool) {
        #expect(WebhookAllowList.isInternal(address) == expected)
    }

    /// Who may subscribe where: admins for the organisation, members for their own departments.
    @Test func subscriptionsFollowTheAccessRules() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application { $0.webhookAllowHosts = ["hooks.example.com"] }.test(.router) { client in
            let url = #""url": "https://hooks.example.com/x""#
            #expect(try await client.call(.post, "/api/v1/subscriptions", body: "{\(url)}").status == .unauthorized)
            #expect(try await client.call(.post, "/api/v1/subscriptions", token: fixture.publisher, body: "{\(url)}").status == .forbidden)
            #expect(try await client.call(.post, "/api/v1/subscriptions", token: fixture.payments, body: #"{\#(url), "namespace": "logistics"}"#).status == .notFound)
            #expect(try await client.call(.post, "/api/v1/subscriptions", token: fixture.payments,
                                          body: #"{\#(url), "namespace": "payments", "types": ["dev.stepyard.nothing"]}"#).status == .badRequest)
            let mine = try await client.call(.post, "/api/v1/subscriptions", token: fixture.payments, body: #"{\#(url), "namespace": "payments"}"#)
            #expect(mine.status == .created)
            let id = try #require(mine.json["id"]?.stringValue)
            #expect(try await client.call(.delete, "/api/v1/subscriptions/\(id)", token: fixture.logistics).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/subscriptions", token: fixture.admin).json["items"]?.arrayValue?.count == 1)
            #expect(try await client.call(.delete, "/api/v1/subscriptions/\(id)", token: fixture.payments).status == .noContent)
        }
    }

    // MARK: - Tekton's run events

    static let cloudEvents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tekton-cloudevents")

    /// What Tekton's own events controller sends (see the fixtures' README), posted in binary mode as it posts them.
    static func tektonEvent(_ name: String) throws -> (headers: [String: String], body: String) {
        let headers = try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: cloudEvents.appendingPathComponent(name + ".headers.json")), as: UTF8.self))
        let body = String(decoding: try Data(contentsOf: cloudEvents.appendingPathComponent(name + ".body.json")), as: UTF8.self)
        var sent: [String: String] = [:]
        for (field, value) in headers.objectValue ?? [:] where field.hasPrefix("ce-") { sent[field] = value.stringValue }
        return (sent, body)
    }

    @Test func theSinkCountsEachRunOnceForTheVersionItRan() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "pipeline/go-pipeline@1.0.0"), department: "payments", author: ServerFixture.author)
        let events = try fixture.tokens.create(name: "Tekton events", role: .events, departments: []).secret
        let receiver = Receiver()
        try await receiver.application.test(.live) { hook in
            try await fixture.application { Self.configure(&$0) }.test(.live) { client in
                for (namespace, token) in [("tekton", fixture.admin), ("payments", fixture.payments)] {
                    #expect(try await client.call(.post, "/api/v1/subscriptions", token: token, body: #"""
                        {"url": "http://127.0.0.1:\#(hook.port!)/\#(namespace)", "namespace": "\#(namespace)", "types": ["dev.stepyard.run.succeeded", "dev.stepyard.run.failed"]}
                        """#).status == .created)
                }
                let sink = "/api/v1/tekton/events?token=\(events)"
                // Each: the fixture, what the sink answers (recorded, template).
                let expected: [(String, Bool, String?)] = [
                    ("taskrun-started", true, "task/go@1.0.0"), ("taskrun-successful", true, "task/go@1.0.0"),
                    ("taskrun-failed", false, "task/go@1.0.0"),  // the same run again: it counted already
                    ("taskrun-refsource-successful", true, "task/go@1.0.0"),  // attributed by its provenance's URL
                    ("pipelinerun-started", true, "payments/pipeline/go-pipeline@1.0.0"), ("pipelinerun-failed", true, "payments/pipeline/go-pipeline@1.0.0"),
                    ("pipelinerun-successful", false, "payments/pipeline/go-pipeline@1.0.0"),
                    ("taskrun-successful", false, "task/go@1.0.0"),  // Tekton retries: a repeat changes nothing
                ]
                for (name, recorded, template) in expected {
                    let event = try Self.tektonEvent(name)
                    let answer = try await client.call(.post, sink, body: event.body, headers: event.headers)
                    #expect(answer.status == .accepted, "\(name): \(answer.text)")
                    #expect(answer.json["recorded"] == .bool(recorded) && answer.json["template"]?.stringValue == template, "\(name): \(answer.text)")
                }
                let task = try await client.call(.get, "/api/v1/resources/tekton/task/go/1.0.0/usage")
                #expect(task.json == ["runs": 2, "succeeded": 2, "failed": 0, "running": 0, "durationSeconds": ["p50": 30, "p90": 95, "p99": 95]], "\(task.text)")
                let pipeline = try await client.call(.get, "/api/v1/resources/payments/pipeline/go-pipeline/1.0.0/usage", token: fixture.payments)
                #expect(pipeline.json["runs"] == 1 && pipeline.json["failed"] == 1 && pipeline.json["durationSeconds"] == ["p50": 130, "p90": 130, "p99": 130])
                #expect(pipeline.json["lastFailure"] == ["run": "ci-run-x7k2q", "reason": "Failed", "message": "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0",
                                                         "at": "2026-12-07T10:02:10Z"], "\(pipeline.text)")
                #expect(try await client.call(.get, "/api/v1/resources/payments/pipeline/go-pipeline/1.0.0/usage", token: fixture.logistics).status == .notFound)
                // Each run's end told to the template's namespace only.
                let org = try await receiver.wait(for: "/tekton", count: 2)
                #expect(org.map(\.type) == [EventType.runSucceeded, EventType.runSucceeded])
                let payments = try await receiver.wait(for: "/payments", count: 1)
                #expect(payments.map(\.type) == [EventType.runFailed] && payments[0].event["data"]?["run"]?["name"] == "ci-run-x7k2q")
                // (The metrics are the process's: other tests of this run may have counted runs of task/go too.)
                let metrics = try await client.call(.get, "/metrics")
                let line = metrics.text.split(separator: "\n").first { $0.hasPrefix(#"stepyard_template_runs_total{namespace="tekton",kind="task",name="go",version="1.0.0",outcome="succeeded"}"#) }
                #expect((line?.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= 2, "\(line ?? "no line")")
            }
        }
    }

    /// Malformed events are 400 and change nothing; the sink takes events tokens (and admins) only.
    @Test func theSinkRefusesWhatIsNotARunEvent() async throws {
        let fixture = try await ServerFixture.bundled()
        let events = try fixture.tokens.create(name: "Tekton events", role: .events, departments: []).secret
        let good = try Self.tektonEvent("taskrun-successful")
        try await fixture.application().test(.router) { client in
            let sink = "/api/v1/tekton/events"
            var noType = good.headers
            noType["ce-type"] = nil
            var otherType = good.headers
            otherType["ce-type"] = "dev.tekton.event.customrun.successful.v1"
            var badVersion = good.headers
            badVersion["ce-specversion"] = "0.3"
            for (headers, body, words) in [(noType, good.body, "ce-type"), (otherType, good.body, "not a TaskRun or PipelineRun event"),
                                           (badVersion, good.body, "1.0"), (good.headers, #"{"pipelineRun": {}}"#, "no taskRun"),
                                           (good.headers, #"{"taskRun": {"metadata": {}}}"#, "metadata.name")] {
                let answer = try await client.call(.post, sink, token: events, body: body, headers: headers)
                #expect(answer.status == .badRequest && answer.json["error"]?["message"]?.stringValue?.contains(words) == true, "\(answer.text)")
            }
            #expect(try await client.call(.post, sink, body: good.body, headers: good.headers).status == .unauthorized)
            #expect(try await client.call(.post, sink, token: fixture.reader, body: good.body, headers: good.headers).status == .forbidden)
            let usage = try await client.call(.get, "/api/v1/resources/tekton/task/go/1.0.0/usage")
            #expect(usage.json["runs"] == 0 && usage.json["running"] == 0)
            // Structured mode is read too.
            let structured = #"{"specversion": "1.0", "type": "\#(good.headers["ce-type"]!)", "id": "x-1", "source": "/x", "data": \#(good.body)}"#
            let answer = try await client.call(.post, sink, token: events, body: structured, contentType: "application/cloudevents+json")
            #expect(answer.status == .accepted && answer.json["recorded"] == true, "\(answer.text)")
        }
    }

    static func configure(_ configuration: inout ServerConfiguration) {
        configuration.webhookAllowHosts = ["127.0.0.1"]
        configuration.webhookRetryBase = .milliseconds(50)
    }
}

extension TestClientProtocol {
    /// Polls a subscription's newest delivery until `done` holds (deliveries are made by the server's own loop).
    func waitForDelivery(_ id: String, token: String, seconds: Double = 20, _ done: (JSONValue) -> Bool) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let log = try await call(.get, "/api/v1/subscriptions/\(id)/deliveries", token: token)
            if let newest = log.json["items"]?[0], done(newest) { return newest }
            if Date() > deadline { Issue.record("no delivery of \(id) came to pass: \(log.text)"); return .null }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A webhook receiver on loopback: records every request by path and answers 500 to the first `failFirst`.
final class Receiver: Sendable {
    struct Request: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
        var status: Int
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue { (try? JSONValue(parsingJSON: text)) ?? .null }
        var event: JSONValue { json }
        var type: String { event["type"]?.stringValue ?? headers["x-stepyard-event-type"] ?? "" }
        var subject: String { event["subject"]?.stringValue ?? "" }
        var contentType: String? { headers["content-type"] }
    }

    private let state: Recorded
    let failFirst: Int
    /// Where to send every request instead of answering it (a 307).
    let redirect: String?

    init(failFirst: Int = 0, redirect: String? = nil) {
        self.failFirst = failFirst
        self.redirect = redirect
        state = Recorded()
    }

    actor Recorded {
        var requests: [Request] = []
        var answered = 0

        func add(_ request: Request) { requests.append(request) }
        func nextStatus(failFirst: Int) -> Int {
            answered += 1
            return answered <= failFirst ? 500 : 200
        }
    }

    var application: some ApplicationProtocol {
        let router = Router()
        let state = self.state, failFirst = self.failFirst, redirect = self.redirect
        router.post("/{path}") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = redirect == nil ? await state.nextStatus(failFirst: failFirst) : 307
            await state.add(Request(path: request.uri.path, headers: headers, body: Array(buffer: body), status: status))
            if let redirect { return Response(status: .temporaryRedirect, headers: [.location: redirect]) }
            return Response(status: .init(code: status))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func count(for path: String) async -> Int { await state.requests.filter { $0.path == path }.count }

    /// The requests to `path` once there are `count` (in arrival order); fails the test after 20 s.
    func wait(for path: String, count: Int) async throws -> [Request] {
        let deadline = Date().addingTimeInterval(20)
        while true {
            let found = await state.requests.filter { $0.path == path }
            if found.count >= count { return found }
            if Date() > deadline {
                Issue.record("\(path): \(found.count) of \(count) requests arrived: \(found.map(\.type))")
                return found
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
