import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import Testing

/// `GET …/diff?from=&to=`: the change report between two versions, under the same access rules as every read.
@Suite struct ChangeReportAPITests {
    /// The report of git-clone 0.8 → 0.9, a breaking pair, ranges, and the 400s and 404s of bad queries.
    @Test func betweenVersions() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let base = "/api/v1/resources/tekton/task/git-clone/diff"
            let report = try await client.call(.get, base + "?from=0.8&to=0.9")
            #expect(report.status == .ok)
            #expect(report.json["from"] == "0.8" && report.json["to"] == "0.9" && report.json["breaking"] == false)
            #expect(report.json["fork"] == nil && report.json["upstream"] == nil)
            #expect(report.json["changes"]?.arrayValue?.map { $0["path"]?.stringValue ?? "" } == [
                "params.gitInitImage.default", "params.userHome.default", "results.committer-date",
                "metadata.annotations.tekton.dev/pipelines.minVersion", "spec.steps[clone].script",
            ])
            #expect(report.json["changes"]?[1] == ["path": "params.userHome.default", "kind": "changed", "before": "/tekton/home",
                                                   "after": "/home/git", "breaking": false, "message": #""/tekton/home" → "/home/git""#])
            #expect(report.json["changes"]?[2]?["before"] == nil && report.json["changes"]?[2]?["kind"] == "added")

            let breaking = try await client.call(.get, base + "?from=0.1&to=0.2", token: fixture.reader)
            #expect(breaking.status == .ok && breaking.json["breaking"] == true)
            #expect(breaking.json["changes"]?.arrayValue?.filter { $0["breaking"] == true }.map { $0["path"]?.stringValue ?? "" } == ["params.userHome"])
            let ranged = try await client.call(.get, base + "?from=%5E0.8&to=latest")
            #expect(ranged.status == .ok && ranged.json["from"] == "0.8" && ranged.json["to"] == "0.10")

            for query in ["?from=0.8", "?to=0.9", "?from=0.8&to=0.9&version=0.9", "?from=nope&to=0.9"] {
                let bad = try await client.call(.get, base + query)
                #expect(bad.status == .badRequest && bad.errorCode != nil, "\(query): \(bad.text)")
            }
            let lonely = try await client.call(.get, base + "?from=0.8")
            #expect(lonely.json["error"]?["message"] == "from and to go together: ?from=1.0.0&to=1.2.0 compares two versions; neither compares a fork with its upstream")
            let unknown = try await client.call(.get, base + "?from=0.8&to=9.9")
            #expect(unknown.status == .notFound)
            #expect(unknown.json["error"]?["message"] == "no version of task/git-clone@9.9 (task/git-clone has 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.10) matches")
        }
    }

    /// A department's versions are compared for its members and admins; to everyone else the request answers
    /// exactly what it answers for a department that does not exist. The fork diff is the same report.
    @Test func isolation() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let path = "/api/v1/resources/payments/task/ledger-close/diff?from=1.0.0&to=1.0.0"
            for token in [fixture.payments, fixture.admin] {
                let own = try await client.call(.get, path, token: token)
                #expect(own.status == .ok && own.json["changes"] == [] && own.json["breaking"] == false)
            }
            for token in [nil, fixture.reader, fixture.publisher, fixture.logistics] {
                let foreign = try await client.call(.get, path, token: token)
                let missing = try await client.call(.get, path.replacingOccurrences(of: "payments", with: "nowhere"), token: token)
                #expect(foreign.status == .notFound)
                #expect(Self.normalized(foreign) == Self.normalized(missing), "\(foreign.text) vs \(missing.text)")
            }
            let fork = try await client.call(.get, "/api/v1/resources/payments/task/git-clone/diff", token: fixture.payments)
            #expect(fork.status == .ok)
            #expect(fork.json["fork"] == "payments/task/git-clone@0.9" && fork.json["upstream"] == "task/git-clone@0.9")
            #expect(fork.json["from"] == "task/git-clone@0.9" && fork.json["to"] == "payments/task/git-clone@0.9")
            #expect(fork.json["breaking"] == false && fork.json["changes"] == [])
        }
    }

    /// An error answer with the request id and the department's name left out.
    static func normalized(_ answer: Answer) -> String {
        var json = answer.json
        if case .object(var root) = json, case .object(var error)? = root["error"] {
            error["requestId"] = nil
            root["error"] = .object(error)
            json = .object(root)
        }
        return "\(answer.status.code) " + json.serialized().replacingOccurrences(of: "payments", with: "NS").replacingOccurrences(of: "nowhere", with: "NS")
    }
}
