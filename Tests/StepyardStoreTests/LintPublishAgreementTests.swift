import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

/// `stepyard lint --publish` (a `Linter` in publishing mode) and `stepyard publish` judge a document alike: lint
/// finds an error exactly when publishing refuses the document for what it is. What only a store can know — a
/// reference to something not yet published, a version already taken by other content — is publishing's alone.
@Suite("lint --publish agrees with publish")
struct LintPublishAgreementTests {
    struct Outcome: Equatable { var lintRefuses: Bool; var publishRefuses: Bool }

    /// Publishes every main file of a catalog (StepActions, then Tasks, then Pipelines, versions in order) into a
    /// fresh store and lints each the way `lint --publish` does; returns the files they disagree on.
    func disagreements(in catalog: URL) async throws -> (checked: Int, refused: Int, disagreeing: [String]) {
        let directory = try TemporaryDirectory()
        let store = try Store.initialize(at: directory.url.appendingPathComponent("store"), author: alice)
        let linter = Linter(publishing: true)
        var files: [(ResourceKind, String, ResourceVersion?, URL)] = []
        for kind in [ResourceKind.stepAction, .task, .pipeline] {
            let root = catalog.appendingPathComponent(kind.rawValue)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
                for version in (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(name).path)) ?? [] {
                    let file = root.appendingPathComponent(name).appendingPathComponent(version).appendingPathComponent(name + ".yaml")
                    if FileManager.default.fileExists(atPath: file.path) { files.append((kind, name, ResourceVersion(version), file)) }
                }
            }
        }
        func rank(_ kind: ResourceKind) -> Int { kind == .stepAction ? 0 : kind == .task ? 1 : 2 }
        files.sort { a, b in
            if rank(a.0) != rank(b.0) { return rank(a.0) < rank(b.0) }
            if a.1 != b.1 { return a.1 < b.1 }
            if let x = a.2, let y = b.2, x != y { return x < y }
            return a.3.path < b.3.path
        }
        var refused = 0
        var disagreeing: [String] = []
        for (_, _, _, url) in files {
            let bytes = Array(try Data(contentsOf: url))
            // Where the user keeps the file does not matter to either: both check it as publishing files it.
            let lintRefuses = linter.lint(LoadedFile(path: url.lastPathComponent, bytes: bytes)).contains { $0.severity == .error }
            var publishRefuses = false
            do {
                var publish = request(String(decoding: bytes, as: UTF8.self))
                publish.allowBreaking = true  // the compatibility gate compares with the store's versions: store state
                _ = try await store.publish(publish, author: alice)
            } catch StoreError.versionConflict {
                continue  // the version is taken by other content: store state
            } catch let StoreError.invalidDocument(_, findings) where findings.allSatisfy({ $0.rule == "stepyard.reference" }) {
                continue  // a reference to something the store lacks: store state
            } catch {
                publishRefuses = true
            }
            if publishRefuses { refused += 1 }
            if lintRefuses != publishRefuses {
                disagreeing.append("\(url.path): lint \(lintRefuses ? "refuses" : "accepts"), publish \(publishRefuses ? "refuses" : "accepts")")
            }
        }
        return (files.count, refused, disagreeing)
    }

    /// Every version of the Tekton community catalog: the same verdict from both. Both refuse 23: the 11 with
    /// PipelineResources, and 12 that miss a description, a minimum Tekton version or a version label (the five
    /// StepActions, the three jumpstarter Tasks, oci-cli, python-boto3-aws, python-sdk-azure, rhacs-generic).
    @Test func tektonCatalog() async throws {
        let (checked, refused, disagreeing) = try await disagreements(in: Corpus.tektonCatalog)
        #expect(checked == 308)
        #expect(refused == 23)
        #expect(disagreeing.isEmpty, "\(disagreeing)")
    }

    /// The bundled catalog publishes whole, and lint --publish finds nothing in it.
    @Test func bundledCatalog() async throws {
        let (checked, refused, disagreeing) = try await disagreements(in: Corpus.packageRoot.appendingPathComponent("catalog"))
        #expect(checked >= 40)
        #expect(refused == 0)
        #expect(disagreeing.isEmpty, "\(disagreeing)")
    }
}
