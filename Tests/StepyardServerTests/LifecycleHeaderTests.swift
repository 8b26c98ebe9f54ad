import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import Testing
@testable import StepyardServer

/// Consumers learn that a version is deprecated or yanked from every answer naming it: `Deprecation` (RFC 9745,
/// the date it was deprecated), `Link` to the version with `rel="deprecation"`, and `Warning` with the message — on
/// REST reads, resolved templates (computed, from the cache and from the connection pipeline) and the hub paths.
@Suite("Lifecycle headers")
struct LifecycleHeaderTests {
    static let warning = HTTPField.Name("Warning")!, deprecation = HTTPField.Name("Deprecation")!, link = HTTPField.Name("Link")!

    @Test func deprecatedAndYankedVersionsAreAnnounced() async throws {
        let fixture = try await ServerFixture.make()
        let before = Int(Date().timeIntervalSince1970)
        _ = try await fixture.store.deprecate(try ResourceRef(parsing: "task/git-clone@0.8"), message: "use \"0.9\" or later", author: ServerFixture.author)
        for version in ["1.0.0", "1.1.0"] {
            _ = try await fixture.store.publish(PublishRequest(document: Array(taskYAML("go-build", version).utf8), sourcePath: "go-build.yaml"),
                                                author: ServerFixture.author)
        }
        _ = try await fixture.store.yank(try ResourceRef(parsing: "task/go-build@1.0.0"), author: ServerFixture.author)
        try await fixture.application().test(.live) { client in
            let base = "/api/v1/resources/tekton/task/git-clone/"
            let version = try await client.call(.get, base + "0.8")
            #expect(version.status == .ok)
            #expect(version.headers[Self.warning] == #"299 stepyard "tekton/task/git-clone@0.8 is deprecated: use \"0.9\" or later""#)
            let date = try #require(version.headers[Self.deprecation].flatMap { Int($0.dropFirst()) })
            #expect(version.headers[Self.deprecation]?.hasPrefix("@") == true && date >= before - 1 && date <= before + 60)
            #expect(version.headers[Self.link]?.hasSuffix(#"/api/v1/resources/tekton/task/git-clone/0.8>; rel="deprecation""#) == true)
            for path in [base + "0.8/readme", base + "0.8/schema", "/v1/resource/tekton/task/git-clone/0.8/yaml",
                         "/v1/resource/tekton/task/git-clone/0.8", "/v1/resource/tekton/task/git-clone/0.8/raw"] {
                let answer = try await client.call(.get, path)
                #expect(answer.headers[Self.warning]?.contains("is deprecated") == true, "\(path): \(answer.status)")
            }
            // Resolved: computed, then repeated (answered from the cache in the connection's pipeline).
            for _ in 0..<3 {
                let resolved = try await client.call(.get, base + "0.8/resolved")
                #expect(resolved.status == .ok && resolved.headers[Self.warning]?.contains("task/git-clone@0.8 is deprecated") == true)
                #expect(resolved.headers[Self.deprecation] == version.headers[Self.deprecation])
            }
            // Deprecated in the document itself (the Tekton catalog's `tekton.dev/deprecated`): no date is known.
            let annotated = try await client.call(.get, base + "0.9")
            #expect(annotated.headers[Self.warning] == #"299 stepyard "tekton/task/git-clone@0.9 is deprecated""#)
            #expect(annotated.headers[Self.deprecation] == nil && annotated.headers[Self.link] != nil)
            let goBuild = "/api/v1/resources/tekton/task/go-build/"
            let yanked = try await client.call(.get, goBuild + "1.0.0")
            #expect(yanked.headers[Self.warning] == #"299 stepyard "tekton/task/go-build@1.0.0 is yanked (ranges no longer select it)""#)
            #expect(yanked.headers[Self.deprecation] == nil && yanked.headers[Self.link] == nil)
            // A version neither deprecated nor yanked gets none of them.
            let fine = try await client.call(.get, goBuild + "1.1.0")
            #expect(fine.status == .ok && fine.headers[Self.warning] == nil && fine.headers[Self.deprecation] == nil)
            #expect(try await client.call(.get, goBuild + "1.1.0/resolved").headers[Self.warning] == nil)
        }
    }
}
