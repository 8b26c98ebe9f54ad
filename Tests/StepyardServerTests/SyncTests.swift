import Foundation
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import Testing
@testable import StepyardServer

/// A namespace that follows a git repository served over HTTP on loopback (here another Stepyard's view, which git's
/// own http-backend serves): the first run imports the catalog through the gate, a version published there later
/// arrives within the interval, a refused one is reported with its reason, and the admin API runs and lists syncs.
@Suite struct SyncTests {
    @Test func aSyncFollowsARepositoryOverHTTP() async throws {
        let source = try await ServerFixture.bundled()
        let target = try await ServerFixture.empty()
        try await source.application().test(.live) { origin in
            let url = "http://127.0.0.1:\(origin.port!)/git/tekton.git"
            try await target.application { $0.syncTick = .milliseconds(200) }.test(.live) { client in
                // Admins only; a body the contract refuses.
                let body = #"{"url": "\#(url)", "intervalSeconds": 5}"#
                #expect(try await client.call(.post, "/api/v1/syncs", token: target.publisher, body: body).status == .forbidden)
                #expect(try await client.call(.post, "/api/v1/syncs", body: body).status == .unauthorized)
                let bad = try await client.call(.post, "/api/v1/syncs", token: target.admin, body: #"{"url": "ftp://x/y.git"}"#)
                #expect(bad.status == .unprocessableContent || bad.status == .badRequest, "\(bad.text)")
                let added = try await client.call(.post, "/api/v1/syncs", token: target.admin, body: body)
                #expect(added.status == .created, "\(added.text)")
                let id = try #require(added.json["id"]?.stringValue)

                // The first run (the scheduler's, within a tick) brings the whole catalog, StepActions before the
                // Tasks that use them before the Pipelines.
                var versions: [VersionInfo] = []
                for _ in 0..<100 {
                    versions = (try? await target.store.versions(of: try ResourceRef(parsing: "pipeline/go-pipeline"))) ?? []
                    if !versions.isEmpty { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(versions.map(\.version) == ["1.0.0"])
                let (_, original) = try await source.store.content(of: try ResourceRef(parsing: "task/go@1.0.0"))
                #expect(try await target.store.content(of: try ResourceRef(parsing: "task/go@1.0.0")).1 == original)
                let listed = try await client.call(.get, "/api/v1/syncs", token: target.admin)
                #expect(listed.json["items"]?[0]?["status"]?["lastSuccess"]?.stringValue != nil)
                #expect(listed.json["items"]?[0]?["status"]?["lastError"] == nil)

                // A version published at the source later arrives on the interval (5 s), without being asked (the bound
                // here is loose: the suite runs on a loaded machine).
                _ = try await source.store.publish(PublishRequest(document: Array(taskYAML("late", "1.0.0").utf8), sourcePath: "late.yaml"),
                                                   author: ServerFixture.author)
                let published = ContinuousClock.now
                var arrived = false
                while ContinuousClock.now - published < .seconds(40) {
                    if (try? await target.store.versions(of: try ResourceRef(parsing: "task/late"))) != nil { arrived = true; break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(arrived)

                // A version that cannot come in (the target already has that version with other content) is reported
                // with its reason, and the rest still comes; the run (what a push webhook calls) says so.
                _ = try await source.store.publish(PublishRequest(document: Array(taskYAML("later", "1.0.0").utf8), sourcePath: "later.yaml"),
                                                   author: ServerFixture.author)
                _ = try await target.store.publish(PublishRequest(document: Array(taskYAML("later", "1.0.0", description: "Other content.").utf8),
                                                                  sourcePath: "later.yaml"), author: ServerFixture.author)
                let run = try await client.call(.post, "/api/v1/syncs/\(id)/run", token: target.admin)
                #expect(run.status == .ok, "\(run.text)")
                let refused = run.json["refused"]?.arrayValue ?? []
                #expect(refused.count == 1 && refused.first?["path"] == "task/later/1.0.0"
                        && refused.first?["reason"]?.stringValue?.contains("already published with other content") == true, "\(run.text)")
                #expect(try await client.call(.post, "/api/v1/syncs/sync-00000000/run", token: target.admin).status == .notFound)
                #expect(try await client.call(.delete, "/api/v1/syncs/\(id)", token: target.admin).status == .noContent)
                #expect(try await client.call(.get, "/api/v1/syncs", token: target.admin).json["items"]?.arrayValue?.isEmpty == true)
            }
        }
    }

    /// A repository that cannot be fetched is a recorded error, not a crash or a write.
    @Test func anUnreachableRepositoryIsReported() async throws {
        let target = try await ServerFixture.empty()
        let source = try await target.store.addSync(url: "http://127.0.0.1:1/git/nothing.git", intervalSeconds: 60)
        let status = try await target.store.runSync(source.id, author: ServerFixture.author)
        #expect(status.lastError?.isEmpty == false && status.lastSuccess == nil)
        #expect(try target.store.syncs().first?.status.lastError == status.lastError)
    }
}
