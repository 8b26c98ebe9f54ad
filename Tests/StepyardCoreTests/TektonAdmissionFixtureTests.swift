import Foundation
import Testing
@testable import StepyardCore

/// One fixture document with the verdict Tekton's own admission code gave it (`Fixtures/tekton-admission/<group>/`,
/// verdicts in each group's `verdicts.json`, from tektoncd/pipeline at the commit recorded there).
struct AdmissionCase: CustomTestStringConvertible, Sendable {
    var group: String
    var file: String
    var flags: [String: String]
    var accepted: Bool
    var message: String
    var testDescription: String { "\(group)/\(file)" }
}

/// The verdict file's shape.
private struct Verdicts: Decodable {
    struct Tekton: Decodable { var repository: String; var commit: String }
    struct Entry: Decodable { var file: String; var flags: [String: String]?; var verdict: String; var message: String? }
    var tekton: Tekton
    var cases: [Entry]
}

enum AdmissionFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tekton-admission")

    /// The Tekton commit every group's verdicts came from.
    static let tektonCommit = "3ee1745ae5b2d9175b11917d7c1935eaad44910c"

    static let cases: [AdmissionCase] = {
        let groups = (try? FileManager.default.contentsOfDirectory(atPath: root.path))?.sorted() ?? []
        var out: [AdmissionCase] = []
        for group in groups {
            let url = root.appendingPathComponent(group).appendingPathComponent("verdicts.json")
            guard let data = try? Data(contentsOf: url), let verdicts = try? JSONDecoder().decode(Verdicts.self, from: data) else { continue }
            precondition(verdicts.tekton.commit == tektonCommit, "\(group)/verdicts.json comes from another Tekton commit")
            out += verdicts.cases.map {
                AdmissionCase(group: group, file: $0.file, flags: $0.flags ?? [:], accepted: $0.verdict == "accepted", message: $0.message ?? "")
            }
        }
        return out
    }()

    /// The admission errors lint finds in a fixture, linted for the flags Tekton ran it with.
    static func errors(_ fixture: AdmissionCase) throws -> [Finding] {
        let url = root.appendingPathComponent(fixture.group).appendingPathComponent(fixture.file)
        let bytes = Array(try Data(contentsOf: url))
        let linter = Linter(ruleSets: [StrictDecodeRules(), AdmissionRules()], flags: try FeatureFlags(fixture.flags))
        return linter.lint(LoadedFile(path: "\(fixture.group)/\(fixture.file)", bytes: bytes)).filter { $0.severity == .error }
    }
}

@Suite("Lint agrees with Tekton's admission")
struct TektonAdmissionFixtureTests {
    /// Each fixture gets Tekton's verdict from lint: no error where Tekton accepts, at least one where it rejects.
    @Test(arguments: AdmissionFixtures.cases)
    func verdictAgrees(_ fixture: AdmissionCase) throws {
        let errors = try AdmissionFixtures.errors(fixture)
        if fixture.accepted {
            #expect(errors.isEmpty, "Tekton accepts \(fixture.file), lint refuses it: \(errors.map(\.formatted))")
        } else {
            #expect(!errors.isEmpty, "Tekton refuses \(fixture.file) (\(fixture.message)), lint finds no error")
        }
    }

    /// The corpus is as large as promised, in both directions, and every fixture file has a verdict.
    @Test func corpusCoversBothDirections() throws {
        let cases = AdmissionFixtures.cases
        #expect(cases.count >= 150)
        #expect(cases.filter(\.accepted).count >= 50)
        #expect(cases.filter { !$0.accepted }.count >= 50)
        for group in Set(cases.map(\.group)) {
            let files = try FileManager.default.contentsOfDirectory(atPath: AdmissionFixtures.root.appendingPathComponent(group).path)
                .filter { $0.hasSuffix(".yaml") }
            #expect(Set(files) == Set(cases.filter { $0.group == group }.map(\.file)), "\(group): fixtures without a verdict or verdicts without a file")
        }
    }
}
