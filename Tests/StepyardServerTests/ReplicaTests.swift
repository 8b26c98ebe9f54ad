import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import Logging
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardServer

/// Two servers on loopback: a primary and a read replica of it (a mirror of the primary's repository fetched with an
/// admin token, an index of its own). A publish on the primary is served by the replica; writes to the
/// replica are sent to the primary; tokens are the primary's; with the primary gone, the replica goes on serving.
@Suite struct ReplicaTests {
    @Test func aReplicaFollowsRedirectsAndOutlivesItsPrimary() async throws {
        let primary = try await ServerFixture.bundled()
        _ = try await primary.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        // The replica fetches with a token of the replica role: it reads everything and may change nothing.
        let replicaToken = try primary.tokens.create(name: "Replica", role: .replica, departments: []).secret
        let port = try freePort()
        let primaryURL = "http://127.0.0.1:\(port)"
        let primaryApp = try await primary.application { $0.port = port }
        let running = Task { try await primaryApp.runService() }
        defer { running.cancel() }
        // The replica's first fetch, once the primary listens.
        let directory = try TemporaryDirectory()
        var replicaStore: Store?
        for _ in 0..<100 where replicaStore == nil {
            replicaStore = try? Store.replicate(from: primaryURL, token: replicaToken, at: directory.url.appendingPathComponent("store"))
            if replicaStore == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let store = try #require(replicaStore)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.watchInterval = .milliseconds(100)
        configuration.replicaOf = primaryURL
        configuration.replicaToken = replicaToken
        configuration.replicaInterval = .milliseconds(100)
        var logger = Logger(label: "stepyard-replica-test")
        logger.logLevel = .critical
        let replica = try await buildApplication(store: store, tokens: try AccessTokens.open(storeDirectory: directory.url.appendingPathComponent("store")),
                                                 configuration: configuration, logger: logger)
        try await replica.test(.live) { client in
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/go/1.0.0").status == .ok)
            // The department the replica token read on the primary is here too (the whole repository came).
            #expect(try await client.call(.get, "/api/v1/resources/payments/task/go", token: primary.payments).status == .ok)
            // A publish on the primary is served here without being asked (how soon is bench/replica's figure: a test on
            // a loaded machine only bounds it loosely).
            _ = try await primary.store.publish(PublishRequest(document: Array(taskYAML("fresh", "1.0.0").utf8), sourcePath: "fresh.yaml"),
                                                author: ServerFixture.author)
            let published = ContinuousClock.now
            var served = false
            while ContinuousClock.now - published < .seconds(30) {
                if try await client.call(.get, "/api/v1/resources/tekton/task/fresh").status == .ok { served = true; break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(served)
            // Writes go to the primary, before any body is read; a push's first request too.
            let put = try await client.call(.put, "/api/v1/resources/tekton/task/other/1.0.0", token: primary.publisher,
                                            body: taskYAML("other", "1.0.0"), contentType: "application/yaml")
            #expect(put.status == .temporaryRedirect && put.headers[.location] == primaryURL + "/api/v1/resources/tekton/task/other/1.0.0")
            let push = try await client.call(.get, "/git/payments.git/info/refs?service=git-receive-pack")
            #expect(push.status == .temporaryRedirect && push.headers[.location] == primaryURL + "/git/payments.git/info/refs?service=git-receive-pack")
            // Tokens are the primary's: a member reads its department here, another member does not, a made-up one is 401.
            #expect(try await client.call(.get, "/api/v1/resources/payments/task/go", token: primary.payments).status == .ok)
            #expect(try await client.call(.get, "/api/v1/resources/payments/task/go", token: primary.logistics).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/go", token: "sy_madeup").status == .unauthorized)
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.status == .ok && ready.text.contains("replica of \(primaryURL): last fetch"))

            // The primary goes away: reads go on, and the replica says it cannot reach it.
            running.cancel()
            _ = await running.result
            var noticed = false
            for _ in 0..<100 {
                let text = try await client.call(.get, "/readyz").text
                if text.contains("the primary cannot be reached") { noticed = true; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(noticed)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/fresh").status == .ok)
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/go/1.0.0/resolved").status == .ok)
            // A token it has not seen cannot be checked now: 503, not a guess.
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/go", token: primary.reader).status == .serviceUnavailable)
        }
    }
}

extension ReplicaTests {
    /// What a replica waits on: the served commit, at once or when it moves on (admins and replicas only).
    @Test func theHeadAnswersWhenTheCommitMoves() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.live) { client in
            #expect(try await client.call(.get, "/api/v1/head", token: fixture.payments).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/head").status == .unauthorized)
            let head = try #require(try await client.call(.get, "/api/v1/head", token: fixture.admin).json["commit"]?.stringValue)
            let unchanged = try await client.call(.get, "/api/v1/head?after=\(head)&wait=1", token: fixture.admin)
            #expect(unchanged.status == .ok && unchanged.json["commit"]?.stringValue == head)
            // Whether the commit lands before or while the request waits, the answer is the new commit. (It is made
            // beside the server, as the CLI would: the test client sends its requests one at a time on one connection.)
            async let waited = client.call(.get, "/api/v1/head?after=\(head)&wait=20", token: fixture.admin)
            _ = try await fixture.store.publish(PublishRequest(document: Array(taskYAML("next", "1.0.0").utf8), sourcePath: "next.yaml"),
                                                author: ServerFixture.author)
            let moved = try await waited
            #expect(moved.status == .ok && moved.json["commit"]?.stringValue != head && moved.json["commit"]?.stringValue?.count == 40)
        }
    }
}

/// A TCP port nothing listens on now (the kernel's choice).
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
