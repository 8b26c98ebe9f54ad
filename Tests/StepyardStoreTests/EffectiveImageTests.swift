import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

/// `images` answers "which templates run image X" with what each version's resolved form runs.
@Suite("Effective images")
struct EffectiveImageTests {
    static let catalog = Corpus.packageRoot.appendingPathComponent("catalog")

    /// A file of the bundled catalog, as text.
    static func catalogFile(_ path: String) throws -> String {
        try String(contentsOf: catalog.appendingPathComponent(path), encoding: .utf8)
    }

    /// The versions listed for exactly `image`.
    static func versions(running image: String, in store: Store) async throws -> [String] {
        try await store.images(matching: image).first { $0.image == image }?.versions ?? []
    }

    /// Tasks and Pipelines list the images their StepActions bring, with the defaults that reach them; a fork whose
    /// changed default selects another tag lists that tag; a Pipeline's binding chooses its Task's image.
    @Test func resolvedImagesOfTheBundledCatalog() async throws {
        let (store, dir) = try makeStore()
        _ = dir
        _ = try await store.importCatalog(from: Self.catalog, author: alice)

        // Given the bundled catalog: go-test runs golang:$(params.go-version), and task/go passes its own param on.
        #expect(try await Self.versions(running: "docker.io/library/golang:1.23.4", in: store)
                == ["pipeline/go-pipeline@1.0.0", "stepaction/go-build@1.0.0", "stepaction/go-test@1.0.0", "task/go@1.0.0"])
        // The kaniko image comes only from a StepAction, never written in a Task.
        let kaniko = try await store.images(matching: "kaniko-project/executor").flatMap(\.versions)
        #expect(kaniko.contains("task/go@1.0.0") && kaniko.contains("pipeline/go-pipeline@1.0.0") && kaniko.contains("stepaction/kaniko-build@1.0.0"))

        // When payments forks task/go and changes the go-version default.
        _ = try await store.createDepartment("payments", author: alice)
        _ = try await store.fork(ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: alice)
        let changed = try Self.catalogFile("task/go/1.0.0/go.yaml")
            .replacingOccurrences(of: "app.kubernetes.io/version: \"1.0.0\"", with: "app.kubernetes.io/version: \"1.0.1\"")
            .replacingOccurrences(of: "default: \"1.23.4\"", with: "default: \"1.22.10\"")
        _ = try await store.publish(request(changed, department: "payments"), author: alice)
        // Then the fork's new version runs golang:1.22.10, and the version it forked still the upstream's.
        #expect(try await Self.versions(running: "docker.io/library/golang:1.22.10", in: store) == ["payments/task/go@1.0.1"])
        #expect(try await Self.versions(running: "docker.io/library/golang:1.23.4", in: store).contains("payments/task/go@1.0.0"))
        // Another department's caller does not see it.
        #expect(try await store.images(matching: "golang:1.22.10", namespaces: ["tekton"]).isEmpty)

        // When a Pipeline binds go-version to a literal, its embedded Task runs that tag.
        _ = try await store.publish(request("""
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: go-legacy
              labels: {app.kubernetes.io/version: "1.0.0"}
              annotations: {tekton.dev/pipelines.minVersion: "0.60.0", stepyard.dev/tasks: "go@^1"}
            spec:
              description: Builds a Go service still on Go 1.21.
              params:
                - {name: git-url}
                - {name: image}
              workspaces: [{name: source}]
              tasks:
                - name: build
                  taskRef: {name: go}
                  params:
                    - {name: git-url, value: $(params.git-url)}
                    - {name: image, value: $(params.image)}
                    - {name: go-version, value: "1.21.13"}
                  workspaces: [{name: source, workspace: source}]
            """), author: alice)
        #expect(try await Self.versions(running: "docker.io/library/golang:1.21.13", in: store) == ["pipeline/go-legacy@1.0.0"])

        // The incremental rows equal a rebuild's.
        let incremental = try await store.indexSnapshot()
        try await store.reindex()
        #expect(try await store.indexSnapshot() == incremental)
    }

    /// A new StepAction release that an unpinned or ranged reference selects changes its users' images (and their
    /// users', through a Pipeline); a yank of it changes them back.
    @Test func aReleaseOfAStepActionMovesItsUsers() async throws {
        let (store, dir) = try makeStore()
        _ = dir
        _ = try await store.importCatalog(from: Self.catalog, author: alice)
        let bookworm = "docker.io/library/golang:1.23.4-bookworm"
        #expect(try await Self.versions(running: bookworm, in: store).isEmpty)

        // When go-test 1.1.0 runs the bookworm variant.
        let release = try Self.catalogFile("stepaction/go-test/1.0.0/go-test.yaml")
            .replacingOccurrences(of: "app.kubernetes.io/version: \"1.0.0\"", with: "app.kubernetes.io/version: \"1.1.0\"")
            .replacingOccurrences(of: "golang:$(params.go-version)", with: "golang:$(params.go-version)-bookworm")
        _ = try await store.publish(request(release), author: alice)
        // Then task/go (go-test@^1) and the Pipeline that runs it run it too; go-build still brings the plain tag.
        #expect(try await Self.versions(running: bookworm, in: store)
                == ["pipeline/go-pipeline@1.0.0", "stepaction/go-test@1.1.0", "task/go@1.0.0"])
        #expect(try await Self.versions(running: "docker.io/library/golang:1.23.4", in: store).contains("task/go@1.0.0"))

        // When it is yanked, ranges no longer select it: its users go back.
        _ = try await store.yank(ResourceRef(parsing: "stepaction/go-test@1.1.0"), author: alice)
        #expect(try await Self.versions(running: bookworm, in: store) == ["stepaction/go-test@1.1.0"])
        let incremental = try await store.indexSnapshot()
        try await store.reindex()
        #expect(try await store.indexSnapshot() == incremental)
    }
}
