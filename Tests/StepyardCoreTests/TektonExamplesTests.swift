import Foundation
import Testing
@testable import StepyardCore

/// Tekton's own `examples/v1` (copied in `Fixtures/tekton-examples`, Apache-2.0) with the verdict Tekton's admission
/// code gave each document: Tekton's default flags outside `alpha/`, inside it the flags Tekton's alpha CI job sets.
private struct ExampleVerdicts: Decodable {
    struct Tekton: Decodable { var commit: String }
    struct Document: Decodable { var file: String; var kind: String; var verdict: String; var message: String }
    var tekton: Tekton
    var alphaFlags: [String: String]
    var documents: [Document]
}

struct ExampleFile: CustomTestStringConvertible, Sendable {
    var path: String
    /// Tekton's verdicts of the file's Tekton documents, in order: `true` accepted.
    var verdicts: [(kind: String, accepted: Bool, message: String)]
    var flags: [String: String]
    var testDescription: String { path }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tekton-examples")

    static let all: [ExampleFile] = {
        guard let data = try? Data(contentsOf: root.appendingPathComponent("verdicts.json")),
              let verdicts = try? JSONDecoder().decode(ExampleVerdicts.self, from: data) else { return [] }
        precondition(verdicts.tekton.commit == AdmissionFixtures.tektonCommit)
        var byFile: [String: [(String, Bool, String)]] = [:]
        var order: [String] = []
        for document in verdicts.documents where LintedKind(rawValue: document.kind) != nil && document.verdict != "skipped" {
            if byFile[document.file] == nil { order.append(document.file) }
            byFile[document.file, default: []].append((document.kind, document.verdict == "accepted", document.message))
        }
        return order.map { ExampleFile(path: $0, verdicts: byFile[$0]!, flags: $0.contains("/alpha/") ? verdicts.alphaFlags : [:]) }
    }()
}

@Suite("Lint on Tekton's examples/v1")
struct TektonExamplesTests {
    /// Each Tekton document of an example has an error from lint exactly when Tekton's admission refuses it.
    @Test(arguments: ExampleFile.all)
    func errorsWhereTektonRefuses(_ example: ExampleFile) throws {
        let bytes = Array(try Data(contentsOf: ExampleFile.root.appendingPathComponent(example.path)))
        let file = LoadedFile(path: example.path, bytes: bytes, loader: YAMLLoader(recordsLines: true))
        let linter = Linter(ruleSets: [StrictDecodeRules(), AdmissionRules()], flags: try FeatureFlags(example.flags))
        let errors = linter.lint(file).filter { $0.severity == .error }
        #expect(file.documents.map(\.kind.rawValue) == example.verdicts.map(\.kind))
        // A finding belongs to the last document that starts at or before its line.
        let starts = file.documents.map(\.sourceMap.startLine)
        for (index, verdict) in example.verdicts.enumerated() where index < starts.count {
            let end = index + 1 < starts.count ? starts[index + 1] : Int.max
            let mine = errors.filter { $0.line >= starts[index] && $0.line < end }
            if verdict.accepted {
                #expect(mine.isEmpty, "document \(index) (\(verdict.kind)): Tekton accepts it, lint says \(mine.map(\.formatted))")
            } else {
                #expect(!mine.isEmpty, "document \(index) (\(verdict.kind)): Tekton refuses it (\(verdict.message)), lint finds nothing")
            }
        }
    }

    /// All 152 example files with Tekton documents are checked, 270 documents, one refused.
    @Test func examplesAreAllThere() {
        #expect(ExampleFile.all.count == 152)
        #expect(ExampleFile.all.map(\.verdicts.count).reduce(0, +) == 270)
        #expect(ExampleFile.all.flatMap(\.verdicts).filter { !$0.accepted }.count == 1)
    }
}
