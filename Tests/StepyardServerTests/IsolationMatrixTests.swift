import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import Testing
@testable import StepyardServer

/// A department never sees another department's resources: every endpoint × every role × the resources of
/// `payments`. Only admins and payments' members get them; everyone else gets exactly what a missing resource gives.
@Suite struct IsolationMatrixTests {
    struct Probe: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        /// For listings: answered 200 but must not mention payments' resources.
        var listing = false
        var description: String { "\(method) \(path)" }
    }

    /// Every endpoint that names or could reveal a department resource.
    static let probes: [Probe] = {
        let resource = "/api/v1/resources/payments/task/ledger-close"
        let fork = "/api/v1/resources/payments/task/git-clone"
        return [
            Probe(method: .get, path: resource),
            Probe(method: .get, path: resource + "/1.0.0"),
            Probe(method: .get, path: resource + "/%5E1"),
            Probe(method: .get, path: resource + "/1.0.0/readme"),
            Probe(method: .get, path: resource + "/1.0.0/schema"),
            Probe(method: .post, path: resource + "/1.0.0/validate", body: #"{"target": "x"}"#),
            Probe(method: .get, path: resource + "/1.0.0/resolved"),
            Probe(method: .post, path: resource + "/1.0.0/resolved", body: #"{"target": "x"}"#),
            Probe(method: .post, path: resource + "/1.0.0/deprecate", body: #"{"message": "gone"}"#),
            Probe(method: .post, path: resource + "/1.0.0/yank"),
            Probe(method: .put, path: resource + "/1.0.1", body: taskYAML("ledger-close", "1.0.1")),
            Probe(method: .get, path: resource + "/history"),
            Probe(method: .get, path: resource + "/dependents"),
            Probe(method: .get, path: fork + "/diff"),
            Probe(method: .post, path: fork + "/upgrade", body: #"{"to": "0.10", "dryRun": true}"#),
            Probe(method: .post, path: "/api/v1/departments/payments/forks", body: #"{"from": "task/git-clone@0.8", "name": "other"}"#),
            Probe(method: .get, path: "/v1/resource/payments/task/ledger-close"),
            Probe(method: .get, path: "/v1/resource/payments/task/ledger-close/1.0.0"),
            Probe(method: .get, path: "/v1/resource/payments/task/ledger-close/1.0.0/yaml"),
            Probe(method: .get, path: "/v1/resource/payments/task/ledger-close/1.0.0/readme"),
            Probe(method: .get, path: "/v1/resource/payments/task/ledger-close/1.0.0/raw"),
            Probe(method: .get, path: "/v1/resource/payments/task/ledger-close/raw"),
            Probe(method: .get, path: "/v1/query?catalogs=payments"),
            Probe(method: .get, path: "/api/v1/packages/tekton-task/payments/ledger-close"),
            Probe(method: .get, path: "/api/v1/packages/tekton-task/payments/ledger-close/1.0.0"),
            Probe(method: .get, path: "/api/v1/search?q=ledger", listing: true),
            Probe(method: .get, path: "/api/v1/search?namespace=payments", listing: true),
            Probe(method: .get, path: "/api/v1/search", listing: true),
            Probe(method: .get, path: "/api/v1/images?match=alpine", listing: true),
            Probe(method: .get, path: "/api/v1/departments", listing: true),
            Probe(method: .get, path: "/api/v1/resources/tekton/task/git-clone/dependents", listing: true),
            Probe(method: .get, path: "/v1/catalogs", listing: true),
            Probe(method: .get, path: "/v1/query?name=ledger", listing: true),
            Probe(method: .get, path: "/v1/query?name=git-clone", listing: true),
        ]
    }()

    /// An answer with the request id and the namespace named in the request left out.
    static func normalized(_ answer: Answer) -> String {
        var json = answer.json
        if case .object(var root) = json, case .object(var error)? = root["error"] {
            error["requestId"] = nil
            root["error"] = .object(error)
            json = .object(root)
        }
        return "\(answer.status.code) " + json.serialized().replacingOccurrences(of: "payments", with: "NS").replacingOccurrences(of: "nowhere", with: "NS")
    }

    /// Outsiders (anonymous, reader, publisher, another department's member) learn nothing about payments (but
    /// that publishers see its forks of organisation resources): each answer equals the one about a department that
    /// does not exist.
    @Test func outsidersSeeNothing() async throws {
        let fixture = try await ServerFixture.make()
        let outsiders: [(String, String?)] = [("anonymous", nil), ("reader", fixture.reader), ("publisher", fixture.publisher),
                                               ("logistics member", fixture.logistics)]
        let head = try await fixture.store.headCommit()
        try await fixture.application().test(.router) { client in
            for (role, token) in outsiders {
                for probe in Self.probes {
                    // The one thing the organisation's publishers are shown about departments: which of them forked an
                    // organisation resource (whom a release affects; `PublishingOverHTTPTests.publishersSeeForks`).
                    if role == "publisher", probe.path == "/api/v1/resources/tekton/task/git-clone/dependents" { continue }
                    let answer = try await client.call(probe.method, probe.path, token: token, body: probe.body,
                                                       contentType: probe.method == .put ? "application/yaml" : "application/json")
                    let context = "\(role): \(probe)"
                    if probe.listing {
                        #expect(answer.status == .ok || answer.status == .notFound, "\(context) → \(answer.status)")
                        #expect(!answer.text.contains("payments") && !answer.text.contains("ledger"), "\(context) leaked: \(answer.text.prefix(300))")
                    } else {
                        // Exactly what the same request about a department that does not exist gets.
                        let elsewhere = try await client.call(probe.method, probe.path.replacingOccurrences(of: "payments", with: "nowhere"),
                                                              token: token, body: probe.body,
                                                              contentType: probe.method == .put ? "application/yaml" : "application/json")
                        // A change without a token is 401 before anything is looked up (for any namespace alike).
                        let change = role == "anonymous" && RequestAdmission.isChange(method: probe.method, path: Substring(probe.path))
                        #expect(answer.status == (change ? .unauthorized : .notFound), "\(context) → \(answer.status)")
                        #expect(Self.normalized(answer) == Self.normalized(elsewhere), "\(context): \(answer.text) vs \(elsewhere.text)")
                    }
                }
            }
        }
        #expect(try await fixture.store.headCommit() == head, "nothing was written")
    }

    /// The foreign answer is the same as for a department that does not exist at all.
    @Test func foreignLooksMissing() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let foreign = try await client.call(.get, "/api/v1/resources/payments/task/ledger-close", token: fixture.logistics)
            let missing = try await client.call(.get, "/api/v1/resources/nowhere/task/ledger-close", token: fixture.logistics)
            #expect(foreign.status == missing.status)
            #expect(foreign.json["error"]?["message"]?.stringValue?.replacingOccurrences(of: "payments", with: "nowhere")
                    == missing.json["error"]?["message"]?.stringValue)
        }
    }

    /// A resolved template cached for a member (the hot path answers repeats before routing) is still refused to
    /// outsiders, exactly like a missing one; the member's repeat is served from the cache with the same bytes.
    @Test func cachedResolutionStaysIsolated() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let path = "/api/v1/resources/payments/task/ledger-close/1.0.0/resolved"
            let first = try await client.call(.get, path, token: fixture.payments)
            let repeated = try await client.call(.get, path, token: fixture.payments)
            #expect(first.status == .ok && repeated.text == first.text && repeated.headers[.eTag] == first.headers[.eTag])
            #expect(try await client.call(.get, path, token: fixture.payments, headers: ["If-None-Match": first.headers[.eTag] ?? ""]).status == .notModified)
            for token in [nil, fixture.reader, fixture.logistics, fixture.publisher] {
                let outsider = try await client.call(.get, path, token: token)
                let missing = try await client.call(.get, path.replacingOccurrences(of: "payments", with: "nowhere"), token: token)
                #expect(outsider.status == .notFound && Self.normalized(outsider) == Self.normalized(missing))
            }
            #expect(try await client.call(.get, path, token: "sy_" + String(repeating: "1", count: 64)).status == .unauthorized)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.text.contains("hb_requests{http_route=\"/api/v1/resources/{namespace}/{kind}/{name}/{version}/resolved\""))
        }
    }

    /// Payments' own members and admins do see and change payments' resources (the matrix is not vacuous).
    @Test func insidersSeeTheirOwn() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            for token in [fixture.payments, fixture.admin] {
                for probe in Self.probes where !probe.listing && probe.method == .get {
                    let answer = try await client.call(probe.method, probe.path, token: token)
                    #expect(answer.status == .ok, "\(probe) → \(answer.status): \(answer.text.prefix(200))")
                }
                let search = try await client.call(.get, "/api/v1/search?q=ledger", token: token)
                #expect(search.text.contains("ledger-close"))
            }
            let publish = try await client.call(.put, "/api/v1/resources/payments/task/ledger-close/1.0.1", token: fixture.payments,
                                                body: taskYAML("ledger-close", "1.0.1"), contentType: "application/yaml")
            #expect(publish.status == .created)
        }
        let history = try await fixture.store.history(of: try ResourceRef(parsing: "payments/task/ledger-close"))
        #expect(history.first?.author == "Pam Payments")
    }
}
