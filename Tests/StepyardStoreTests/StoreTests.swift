import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

@Suite("Store")
struct StoreTests {
    /// The whole Tekton catalog imports in one commit: every version Tekton accepts, the 11 with removed
    /// PipelineResources refused with the reason, files given back byte for byte, versions in semver order.
    @Test func importTektonCatalog() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        let report = try await store.importCatalog(from: Corpus.tektonCatalog, author: alice)
        #expect(report.imported.count == 297)
        #expect(report.refused.count == 12)
        #expect(report.refused.filter { $0.reason.contains("tekton.v1beta1-resources") }.count == 11)
        #expect(report.refused.contains { $0.path == "pipeline/openwhisk/0.1" })
        // Convention problems are reported, and those versions imported anyway; the folder decides the name.
        #expect(report.imported.contains("task/jumpstarter-run-cmd@0.1"))
        #expect(report.imported.contains("task/yq@0.5"))
        let versions = try await store.versions(of: ResourceRef(parsing: "task/git-clone")).map(\.version)
        #expect(versions == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "0.10"])
        let (_, bytes) = try await store.content(of: ResourceRef(parsing: "task/git-clone@0.9"))
        #expect(bytes == Array(try Data(contentsOf: Corpus.tektonCatalog.appendingPathComponent("task/git-clone/0.9/git-clone.yaml"))))
        let hits = try await store.search("git clone")
        #expect(hits.first?.name == "git-clone" && hits.first?.kind == .task)
        #expect(try await store.search("", kind: .stepAction).map(\.name).sorted() == ["git-clone", "tekton-catalog-publish"])
        #expect(try await store.select(ResourceRef(parsing: "task/git-clone@0.9.0")).version == "0.9")
        // Importing again changes nothing.
        let again = try await store.importCatalog(from: Corpus.tektonCatalog, author: alice)
        #expect(again.imported.isEmpty && again.unchanged.count == 297 && again.commit == nil)
        // Incremental catch-up and a fresh rebuild give the same index.
        let before = try await store.indexSnapshot()
        try await store.reindex()
        #expect(try await store.indexSnapshot() == before)
    }

    /// The gate admits what the store's clusters admit: with Tekton's defaults an `enum` param is refused naming its
    /// flag; a store created with `enable-param-enum` publishes it, and keeps the flag across reopening.
    @Test func featureFlagsOfTheClusters() async throws {
        let enumParam = "  params:\n    - {name: mode, enum: [fast, safe], default: fast}\n"
        let yaml = taskYAML("pick", "1.0.0").replacingOccurrences(of: "\n  steps:\n", with: "\n" + enumParam + "  steps:\n")
        #expect(yaml.contains("enum: [fast, safe]"))
        let (plain, _plainDir) = try makeStore()
        _ = _plainDir
        let error = await #expect(throws: StoreError.self) { try await plain.publish(request(yaml), author: alice) }
        guard case .invalidDocument(_, let findings)? = error else {
            Issue.record("expected the document to be refused, got \(String(describing: error))")
            return
        }
        #expect(findings.map(\.rule) == ["tekton.feature-flag"])
        #expect(findings.first?.message.contains("enable-param-enum") == true)
        let dir = try TemporaryDirectory()
        let url = dir.url.appendingPathComponent("store")
        let flagged = try Store.initialize(at: url, featureFlags: try FeatureFlags(["enable-param-enum": "true"]), author: alice)
        #expect(try await flagged.publish(request(yaml), author: alice).outcome == .published)
        #expect(try Store.open(at: url).featureFlags.enableParamEnum)
    }

    /// Versions are immutable: the same content again is a no-op, other content is refused, nothing written.
    @Test func immutableVersions() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        let first = try await store.publish(request(taskYAML("go-build", "1.0.0")), author: alice)
        #expect(first.outcome == .published && first.commit != nil)
        // Formatting differences do not change the digest.
        let reformatted = taskYAML("go-build", "1.0.0").replacingOccurrences(of: "echo building", with: "'echo building'")
        let same = try await store.publish(request(reformatted), author: alice)
        #expect(same.outcome == .unchanged && same.digest == first.digest)
        let head = try await store.indexedCommit()
        await #expect(throws: StoreError.self) {
            try await store.publish(request(taskYAML("go-build", "1.0.0", image: "golang:1.23")), author: alice)
        }
        // 1.0 names the same version as 1.0.0.
        await #expect(throws: StoreError.self) {
            try await store.publish(request(taskYAML("go-build", "1.0", image: "golang:1.23")), author: alice)
        }
        #expect(try await store.indexedCommit() == head)
        let history = try await store.history(of: ResourceRef(parsing: "task/go-build"))
        #expect(history.count == 1 && history[0].author == "Alice Admin" && history[0].message.hasPrefix("Publish task/go-build@1.0.0"))
    }

    /// Bad input is refused with a message and nothing is written.
    @Test func badInput() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        let head = try await store.indexedCommit()
        let cases: [(String, String?)] = [
            (taskYAML("Bad-Name", "1.0.0"), nil),
            (taskYAML("a..b", "1.0.0"), nil),
            (taskYAML("ok", "1.0"), "nope"),
            (taskYAML("ok", "not-semver"), nil),
            (taskYAML("ok", "01.0.0"), nil),
            (taskYAML("ok", "1.0.0").replacingOccurrences(of: "  steps:", with: "  stepz:"), nil),
            ("apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: x\n", nil),
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", nil),
        ]
        for (yaml, department) in cases {
            await #expect(throws: StoreError.self, "\(yaml)") { try await store.publish(request(yaml, department: department), author: alice) }
        }
        await #expect(throws: StoreError.self) { try await store.createDepartment("../etc", author: alice) }
        await #expect(throws: StoreError.self) { try await store.createDepartment("Payments", author: alice) }
        await #expect(throws: StoreError.self) { try await store.createDepartment("tekton", author: alice) }
        #expect(try await store.indexedCommit() == head)
        #expect(try await store.allVersions().isEmpty)
    }

    /// Deprecation and yank are commits; a yanked version leaves ranges but stays fetchable exactly.
    @Test func lifecycle() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        for version in ["1.0.0", "1.1.0", "2.0.0"] {
            _ = try await store.publish(request(taskYAML("node", version)), author: alice)
        }
        #expect(try await store.select(ResourceRef(parsing: "task/node@^1")).version == "1.1.0")
        _ = try await store.yank(ResourceRef(parsing: "task/node@1.1.0"), author: alice)
        #expect(try await store.select(ResourceRef(parsing: "task/node@^1")).version == "1.0.0")
        #expect(try await store.select(ResourceRef(parsing: "task/node@1.1.0")).yanked)
        let digest = try await store.select(ResourceRef(parsing: "task/node@1.1.0")).digest
        #expect(try await store.select(ResourceRef(parsing: "task/node@\(digest)")).version == "1.1.0")
        _ = try await store.deprecate(ResourceRef(parsing: "task/node@1.0.0"), message: "use 2.x", author: alice)
        let v1 = try await store.select(ResourceRef(parsing: "task/node@1.0.0"))
        #expect(v1.deprecated && v1.deprecationMessage == "use 2.x")
        await #expect(throws: StoreError.self) { try await store.yank(ResourceRef(parsing: "task/node@^1"), author: alice) }
        // Lifecycle changes do not change content digests.
        #expect(v1.digest == (try await store.versions(of: ResourceRef(parsing: "task/node"))).first?.digest)
        let history = try await store.history(of: ResourceRef(parsing: "task/node@1.1.0"))
        #expect(history.map { $0.message.components(separatedBy: "\n")[0].components(separatedBy: ":")[0] } == ["Yank task/node@1.1.0", "Publish task/node@1.1.0"])
    }

    /// Departments are namespaces of their own; an unknown department is refused.
    @Test func departments() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        await #expect(throws: StoreError.self) { try await store.publish(request(taskYAML("go", "1.0.0"), department: "payments"), author: alice) }
        _ = try await store.createDepartment("payments", author: alice)
        await #expect(throws: StoreError.self) { try await store.createDepartment("payments", author: alice) }
        let result = try await store.publish(request(taskYAML("go", "1.0.0"), department: "payments"), author: alice)
        #expect(result.ref == "payments/task/go@1.0.0")
        #expect(try await store.departments().map(\.name) == ["payments"])
        #expect(try await store.versions(of: ResourceRef(parsing: "payments/task/go")).count == 1)
        await #expect(throws: StoreError.self) { try await store.versions(of: ResourceRef(parsing: "task/go")) }
        let dir = store.directory
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path)
        #expect(files.contains("repo.git/HEAD") && files.contains("index.sqlite"))
    }
}
