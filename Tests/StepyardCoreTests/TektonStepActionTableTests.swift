import Foundation
import OrderedCollections
import Testing
@testable import StepyardCore

/// One case of Tekton's StepAction table tests (`TestGetStepActionsData` and its error tables in
/// `pkg/reconciler/taskrun/resources/taskspec_test.go`), with the steps or the error Tekton's own
/// `GetStepActionsData` gave (`Fixtures/tekton-stepactions/`).
struct StepActionTableCase: CustomTestStringConvertible, Sendable {
    var file: String
    var testDescription: String { file }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tekton-stepactions")

    static let all: [StepActionTableCase] = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted().map { StepActionTableCase(file: $0) }

    func load() throws -> JSONValue {
        try YAMLLoader().load(Array(try Data(contentsOf: Self.root.appendingPathComponent(file))))[0].value
    }
}

@Suite("StepAction resolution agrees with Tekton's table tests")
struct TektonStepActionTableTests {
    /// Stepyard's resolved steps behave as Tekton's: after Tekton's own run-time parameter substitution (the
    /// TaskRun's values, then the Task's defaults) both are the same steps; an error case is an error here too.
    ///
    /// Stepyard resolves a template before any run exists, so where Tekton's reconciler substitutes a Task param's
    /// run value into a StepAction, Stepyard carries the reference (`$(params.arrayparam[0])`) and Tekton substitutes
    /// it when the run starts; comparing after that substitution compares what the pod runs.
    @Test(arguments: StepActionTableCase.all)
    func stepsAgree(_ fixture: StepActionTableCase) throws {
        let document = try fixture.load()
        let source = MemorySource()
        for stepAction in document["stepActions"]?.arrayValue ?? [] {
            guard let name = stepAction["metadata"]?["name"]?.stringValue else { continue }  // Tekton: cannot be fetched
            source.add(.stepAction, name, "0.1.0", YAMLWriter().write(stepAction))
        }
        let task: JSONValue = ["apiVersion": "tekton.dev/v1", "kind": "Task", "metadata": ["name": "table-case"],
                               "spec": document["taskSpec"] ?? [:]]
        source.add(.task, "table-case", "1.0.0", YAMLWriter().write(task))
        let expected = try #require(document["expected"])
        if let error = expected["error"]?.stringValue {
            #expect(throws: ResolutionError.self, "Tekton: \(error)") { try resolve(source, .task, "table-case") }
            return
        }
        let resolution = try resolve(source, .task, "table-case")
        let runValues = TektonRunSubstitution(taskSpec: document["taskSpec"], taskRun: document["taskRun"])
        let ours = (resolution.document["spec"]?["steps"]?.arrayValue ?? []).map { runValues.apply(toStep: $0).normalizedStep }
        let theirs = (expected["steps"]?.arrayValue ?? []).map { runValues.apply(toStep: $0).normalizedStep }
        #expect(ours == theirs)
    }

    /// Every table case of the Tekton commit is here: 21 of `TestGetStepActionsData` (with the concurrency case),
    /// 7 error cases.
    @Test func tablesAreComplete() {
        #expect(StepActionTableCase.all.filter { $0.file.hasPrefix("ok-") }.count == 21)
        #expect(StepActionTableCase.all.filter { $0.file.hasPrefix("error-") }.count == 7)
    }
}

/// Tekton's run-time parameter substitution into steps (`ApplyParameters` in
/// `pkg/reconciler/taskrun/resources/apply.go`): a TaskRun's values, else the Task's defaults, replace
/// `$(params.name)`, `$(params.name[i])`, `$(params.name.key)` (and the bracket spellings); an isolated
/// `$(params.name[*])` element of `command` or `args` expands to the array.
struct TektonRunSubstitution {
    var strings: [String: String] = [:]
    var arrays: [String: [String]] = [:]

    init(taskSpec: JSONValue?, taskRun: JSONValue?) {
        var values: OrderedDictionary<String, JSONValue> = [:]
        for param in taskSpec?["params"]?.arrayValue ?? [] {
            if let name = param["name"]?.stringValue, let value = param["default"], value != .null { values[name] = value }
        }
        for param in taskRun?["spec"]?["params"]?.arrayValue ?? [] {
            if let name = param["name"]?.stringValue, let value = param["value"] {
                if case .object(let given) = value, case .object(var merged)? = values[name] {
                    for (k, v) in given { merged[k] = v }
                    values[name] = .object(merged)
                } else {
                    values[name] = value
                }
            }
        }
        for (name, value) in values {
            let spellings = ["params.\(name)", "params[\"\(name)\"]", "params['\(name)']"]
            switch value {
            case .array(let items):
                let elements = items.map { $0.stringValue ?? "" }
                for spelling in spellings {
                    arrays[spelling] = elements
                    for (i, element) in elements.enumerated() { strings["\(spelling)[\(i)]"] = element }
                }
            case .object(let members):
                for spelling in spellings {
                    for (key, v) in members { strings["\(spelling).\(key)"] = v.stringValue ?? "" }
                }
            default:
                for spelling in spellings { strings[spelling] = value.stringValue ?? "" }
            }
        }
    }

    func apply(toStep step: JSONValue) -> JSONValue {
        guard case .object(var fields) = step else { return step }
        for (key, value) in fields {
            if key == "command" || key == "args", case .array(let items) = value {
                fields[key] = .array(items.flatMap { item -> [JSONValue] in
                    if let text = item.stringValue, text.hasPrefix("$("), text.hasSuffix("[*])"),
                       let elements = arrays[String(text.dropFirst(2).dropLast(4))] {
                        return elements.map(JSONValue.string)
                    }
                    return [apply(to: item)]
                })
            } else {
                fields[key] = apply(to: value)
            }
        }
        return .object(fields)
    }

    private func apply(to value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            var out = text
            for (name, replacement) in strings { out = out.replacingOccurrences(of: "$(\(name))", with: replacement) }
            return .string(out)
        case .array(let items): return .array(items.map(apply(to:)))
        case .object(let members):
            var out = members
            for (k, v) in members { out[k] = apply(to: v) }
            return .object(out)
        default: return value
        }
    }
}

extension JSONValue {
    /// A step without the empty members Go's marshalling writes (`name: ""`, `computeResources: {}`).
    var normalizedStep: JSONValue {
        guard case .object(var fields) = self else { return self }
        for (key, value) in fields where value == .string("") || value == .object([:]) || value == .array([]) || value == .null {
            fields[key] = nil
        }
        return .object(fields)
    }
}
