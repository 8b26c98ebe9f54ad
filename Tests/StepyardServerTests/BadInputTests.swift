import Foundation
import Hummingbird
import HummingbirdTesting
import StepyardCLI
import StepyardCore
import StepyardStore
import Testing

/// The bad-input corpus (`Fixtures/bad-input`) against both doors: the CLI and the HTTP API. Every case is refused
/// with a message, nothing is written, and the server keeps answering.
@Suite struct BadInputTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bad-input")

    static func cases() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// `stepyard publish FILE`: exit 1 or 2 with a message on stderr; the repository does not move.
    @Test func cliRefusesEveryCase() async throws {
        let fixture = try await ServerFixture.make()
        let head = try await fixture.store.headCommit()
        let cases = try Self.cases()
        #expect(cases.count >= 15)
        for file in cases {
            let result = await StepyardMain.run(["publish", file.path, "--store", fixture.storeURL.path])
            #expect(result.exitCode == 1 || result.exitCode == 2, "\(file.lastPathComponent): exit \(result.exitCode)")
            #expect(!result.stderr.isEmpty, "\(file.lastPathComponent): no message")
        }
        #expect(try await Store.open(at: fixture.storeURL).headCommit() == head)
    }

    /// `PUT /api/v1/resources/...` with each case: a JSON 4xx naming the problem, nothing written, the server alive.
    @Test func apiRefusesEveryCase() async throws {
        let fixture = try await ServerFixture.make()
        let head = try await fixture.store.headCommit()
        try await fixture.application().test(.router) { client in
            for file in try Self.cases() {
                let body = try Data(contentsOf: file)
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(fixture.publisher)"
                headers[.contentType] = "application/yaml"
                let (status, text) = try await client.execute(uri: "/api/v1/resources/tekton/task/bad-input/1.0.0", method: .put,
                                                              headers: headers, body: ByteBuffer(bytes: body)) { response in
                    (response.status, String(buffer: response.body))
                }
                #expect((400..<500).contains(status.code), "\(file.lastPathComponent): \(status)")
                let error = try? JSONValue(parsingJSON: text)
                #expect(error?["error"]?["message"]?.stringValue?.isEmpty == false, "\(file.lastPathComponent): \(text.prefix(200))")
            }
            #expect(try await client.call(.get, "/healthz").status == .ok)
        }
        #expect(try await fixture.store.headCommit() == head)
    }

    /// Oversized bodies (declared and chunked), forged and malformed tokens, traversal in path segments.
    @Test func transportLevelAbuse() async throws {
        let fixture = try await ServerFixture.make()
        let head = try await fixture.store.headCommit()
        // A refused body closes its connection (`Connection: close`), and the test client does not reconnect: one
        // server for that request, another for the rest.
        try await fixture.application { $0.maxBodyBytes = 1 << 20 }.test(.live) { client in
            let huge = String(repeating: "a", count: (1 << 20) + 1)
            let tooLarge = try await client.call(.put, "/api/v1/resources/tekton/task/x/1.0.0", token: fixture.publisher, body: huge,
                                                 contentType: "application/yaml")
            #expect(tooLarge.status == .contentTooLarge && tooLarge.headers[.connection] == "close")
        }
        try await fixture.application().test(.live) { client in
            for token in ["sy_" + String(repeating: "f", count: 64), "not-a-token", "", String(repeating: "x", count: 5000)] {
                let answer = try await client.call(.put, "/api/v1/resources/tekton/task/x/1.0.0", token: token, body: taskYAML("x", "1.0.0"),
                                                   contentType: "application/yaml")
                #expect(answer.status == .unauthorized, "token \(token.prefix(20)): \(answer.status)")
            }
            for path in ["/api/v1/resources/tekton/task/%2E%2E%2F%2E%2E/1.0.0", "/api/v1/resources/..%2Fsecret/task/x",
                         "/api/v1/resources/tekton/task/x%00y", "/v1/resource/tekton/task/%2e%2e/0.1/raw",
                         "/api/v1/resources/tekton/task/git-clone/..%2F..%2Frepo.git"] {
                let answer = try await client.call(.get, path)
                #expect((400..<500).contains(answer.status.code), "\(path): \(answer.status)")
            }
            #expect(try await client.call(.get, "/healthz").status == .ok)
        }
        #expect(try await fixture.store.headCommit() == head)
    }
}
