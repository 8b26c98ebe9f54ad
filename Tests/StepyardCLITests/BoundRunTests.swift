import Foundation
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardCLI

/// Runs bound from the bundled catalog are what Tekton admits, byte for byte: each request in
/// `Fixtures/bound-runs` binds to the committed run, and Tekton's own admission code accepted that run
/// (`verdicts.json`, with the Tekton commit; see the folder's README).
@Suite struct BoundRunTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bound-runs")

    struct Verdicts: Decodable {
        struct Tekton: Decodable { var repository: String; var commit: String }
        struct Document: Decodable { var file: String; var kind: String; var name: String; var verdict: String; var message: String }
        var tekton: Tekton
        var documents: [Document]
    }

    static func requests() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".request.yaml") }
            .map { String($0.dropLast(".request.yaml".count)) }.sorted()
    }

    /// `pipeline/<x>-pipeline` for `<x>-pipeline`, else `task/<x>`.
    static func reference(_ template: String) throws -> ResourceRef {
        try ResourceRef(parsing: template.hasSuffix("-pipeline") ? "pipeline/\(template)" : "task/\(template)")
    }

    /// A store made by the CLI from the bundled catalog: its directory (kept alive by the caller) and path.
    static func bundledStore() async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let storePath = directory.url.appendingPathComponent("store").path
        _ = await StepyardMain.run(["init", "--store", storePath])
        _ = await StepyardMain.run(["import", BundledCatalogTests.catalog.path, "--store", storePath])
        return (directory, storePath)
    }

    @Test func everyBundledPipelineBindsToTheRunTektonAccepted() async throws {
        let verdicts = try JSONDecoder().decode(Verdicts.self, from: try Data(contentsOf: Self.folder.appendingPathComponent("verdicts.json")))
        #expect(verdicts.tekton.commit == "3ee1745ae5b2d9175b11917d7c1935eaad44910c")
        let templates = try Self.requests()
        // The seven language pipelines, and every Task on its own.
        #expect(templates.filter { $0.hasSuffix("-pipeline") }.count == 7)
        #expect(templates.count == 17)
        let directory = try TemporaryDirectory()
        let store = try Store.initialize(at: directory.url.appendingPathComponent("store"), author: Author(name: "CI", email: "ci@example.com"))
        _ = try await store.importCatalog(from: BundledCatalogTests.catalog, author: Author(name: "CI", email: "ci@example.com"))
        for template in templates {
            let verdict = try #require(verdicts.documents.first { $0.file == "\(template).run.yaml" }, "no Tekton verdict for \(template)")
            #expect(verdict.verdict == "accepted", "\(template): \(verdict.message)")
            let body = try ValuesDocument.parse(Array(try Data(contentsOf: Self.folder.appendingPathComponent("\(template).request.yaml"))), format: .yaml)
            let request = try RunRequest.read(body).get()
            let resolved = try await store.resolve(try Self.reference(template), run: request)
            #expect(resolved.errors.isEmpty, "\(template): \(resolved.errors)")
            let expected = try String(contentsOf: Self.folder.appendingPathComponent("\(template).run.yaml"), encoding: .utf8)
            #expect(resolved.yaml == expected, "\(template): the run differs from the one Tekton accepted")
            #expect(resolved.document["kind"]?.stringValue == verdict.kind)
            // The run's own digest, not the template's; the template's lock stays in an annotation.
            #expect(resolved.digest == ContentDigest.of(resolved.document))
            #expect(resolved.document["metadata"]?["annotations"]?[Resolver.lockAnnotation]?.stringValue?.contains(template) == true)
            // A pod template the template declares: steps run as 65534, so volumes are made writable for it.
            let podTemplate = resolved.document["spec"]?["taskRunTemplate"]?["podTemplate"] ?? resolved.document["spec"]?["podTemplate"]
            #expect(podTemplate?["securityContext"]?["fsGroup"] == 65534, "\(template)")
        }
    }

    /// The CLI's options make the same run as the request file's fields.
    @Test func optionsBindLikeTheRequestFile() async throws {
        let (directory, storePath) = try await Self.bundledStore()
        defer { withExtendedLifetime(directory) {} }
        let values = directory.url.appendingPathComponent("values.yaml")
        try "git-url: https://github.com/example/payments-api.git\nimage: registry.example.com/example/payments-api:1.4.2\n".write(to: values, atomically: true, encoding: .utf8)
        let result = await StepyardMain.run(["resolve", "pipeline/go-pipeline", "--store", storePath, "--params", values.path,
                                             "--name", "payments-api-build-1", "--namespace", "ci", "--service-account", "deployer",
                                             "--workspace", "source=volumeClaimTemplate:2Gi:standard", "--workspace", "docker-config=secret:registry-credentials"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let expected = try String(contentsOf: Self.folder.appendingPathComponent("go-pipeline.run.yaml"), encoding: .utf8)
        #expect(result.stdout == expected)
    }

    /// Values alone no longer make a run that cannot start: a required workspace must be bound, and the error says how.
    @Test func anUnboundRequiredWorkspaceIsNamed() async throws {
        let (directory, storePath) = try await Self.bundledStore()
        defer { withExtendedLifetime(directory) {} }
        let values = directory.url.appendingPathComponent("values.json")
        try #"[{"name": "git-url", "value": "https://github.com/example/app.git"}, {"name": "image", "value": "registry.example.com/app:1"}]"#
            .write(to: values, atomically: true, encoding: .utf8)
        let result = await StepyardMain.run(["resolve", "pipeline/go-pipeline", "--store", storePath, "--params", values.path, "--output", "json"])
        #expect(result.exitCode == 1)
        let report = try JSONValue(parsingJSON: result.stdout)
        #expect(report["errors"]?[0]?["pointer"] == "/workspaces")
        #expect(report["errors"]?[0]?["message"]?.stringValue?.hasPrefix("required workspace \"source\" not bound") == true)
    }

    @Test(arguments: [
        ("source=volumeClaimTemplate:lots", "/workspaces/source/volumeClaimTemplate/storage"),
        ("source=secret:Bad_Name", "/workspaces/source/secret"),
        ("nosuch=emptyDir", "/workspaces/nosuch"),
    ])
    func aBadWorkspaceOptionPointsAtItself(option: String, pointer: String) async throws {
        let (directory, storePath) = try await Self.bundledStore()
        defer { withExtendedLifetime(directory) {} }
        let result = await StepyardMain.run(["resolve", "task/notify", "--store", storePath, "--workspace", option, "--output", "json"])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let report = try JSONValue(parsingJSON: result.stdout)
        #expect(report["errors"]?.arrayValue?.map { $0["pointer"]?.stringValue ?? "" }.contains(pointer) == true, "\(result.stdout)")
    }

    @Test(arguments: ["source=volume", "source", "source=secret", "=emptyDir"])
    func anUnreadableWorkspaceOptionIsAUsageError(option: String) async throws {
        let result = await StepyardMain.run(["resolve", "task/notify", "--store", "/nonexistent", "--workspace", option])
        #expect(result.exitCode == ExitStatus.usage)
        #expect(result.stderr.contains("--workspace"))
    }
}
