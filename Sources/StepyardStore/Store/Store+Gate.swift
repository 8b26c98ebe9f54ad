import Foundation
import GRDB
import StepyardCore

extension Store {
    /// A reference of a version to something in the store: a step's StepAction, a Pipeline task's Task.
    struct StoredReference {
        var pointer: JSONPointer
        var kind: ResourceKind
        var name: String
        /// The pin (`^1`, `0.9`, `latest` when unpinned).
        var pin: String
        /// What refers (`step "clone"`, `task "build"`), for messages.
        var owner: String
    }

    /// The gate's reference check: every step ref, pin and `taskRef` of a version about to enter the store, resolved
    /// as its consumers will resolve it (the namespace's own resources first, then the organisation's), and then
    /// the whole resolution run, so a version that could never resolve is refused rather than kept forever.
    ///
    /// - Returns: one error finding per reference that does not resolve, naming it and what exists; or one for the
    ///   resolution (params a StepAction does not take, a cycle). Empty when everything resolves.
    func referenceFindings(_ candidate: Candidate, namespace: String, request: PublishRequest) throws(StoreError) -> [Finding] {
        let references = Self.storedReferences(of: candidate.resource)
        guard !references.isEmpty else { return [] }
        let context = namespace == organisation ? nil : namespace
        var problems: [(pointer: JSONPointer, message: String)] = []
        guard let head = try head() else {
            return Self.findings(references.map { ($0.pointer, Self.missingMessage($0, names: [], versions: [])) }, request: request)
        }
        do {
            try index.writer.read { db in
                let source = SnapshotSource(git: git, db: db, organisation: organisation, head: head, cache: documents)
                for reference in references {
                    guard let selector = VersionSelector(reference.pin) else {
                        problems.append((reference.pointer,
                                         "\(reference.owner) pins \(reference.kind.rawValue)/\(reference.name)@\(reference.pin), which is not a version, range or digest"))
                        continue
                    }
                    if try source.version(of: reference.kind, name: reference.name, selector: selector, in: context) == nil {
                        let names = try Self.names(db, kind: reference.kind, namespaces: [organisation] + (context.map { [$0] } ?? []))
                        let versions = try Self.versionSpellings(db, kind: reference.kind, name: reference.name,
                                                                 namespace: context.flatMap { ns in names.contains(where: { $0.namespace == ns && $0.name == reference.name }) ? ns : nil } ?? organisation)
                        problems.append((reference.pointer, Self.missingMessage(reference, names: names.map(\.name), versions: versions)))
                    }
                }
                guard problems.isEmpty else { return }
                let root = SourceVersion(namespace: namespace, kind: candidate.kind, name: candidate.name, version: candidate.version.spelling,
                                         digest: candidate.digest, resource: candidate.resource, isOrganisation: namespace == organisation)
                do {
                    _ = try Resolver(source: source, namespace: context).resolve(root)
                } catch {
                    problems.append((.root, "the version would not resolve: \(error)"))
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .index("\(error)")
        }
        return Self.findings(problems, request: request)
    }

    /// Error findings at the lines of `problems`' pointers (the document is read with lines only when there are any).
    private static func findings(_ problems: [(pointer: JSONPointer, message: String)], request: PublishRequest) -> [Finding] {
        guard !problems.isEmpty else { return [] }
        let map = (try? YAMLLoader(recordsLines: true).load(request.document).first?.sourceMap) ?? nil
        return problems.map {
            Finding(path: request.sourcePath, line: map?.line(of: $0.pointer) ?? 0, severity: .error, rule: "stepyard.reference", message: $0.message)
        }
    }

    /// The references the resolver follows: step refs by name (no resolver), and a Pipeline's `taskRef`s to Tasks,
    /// with their pins (`stepyard.dev/steps`, `stepyard.dev/tasks`).
    static func storedReferences(of resource: TektonResource) -> [StoredReference] {
        let annotations = resource.metadata.annotations
        let stepPins = ResourceFacts.pins(annotations[ResourceFacts.stepsAnnotation])
        let taskPins = ResourceFacts.pins(annotations[ResourceFacts.tasksAnnotation])
        func steps(of spec: JSONValue?, at base: JSONPointer, in task: String?) -> [StoredReference] {
            (spec?["steps"]?.arrayValue ?? []).enumerated().compactMap { index, step in
                guard let ref = step["ref"], ref["resolver"] == nil, let name = ref["name"]?.stringValue, !name.isEmpty,
                      !name.contains("://") else { return nil }
                let stepName = step["name"]?.stringValue.map { "step \"\($0)\"" } ?? "step \(index + 1)"
                return StoredReference(pointer: base / "steps" / index / "ref" / "name", kind: .stepAction, name: name,
                                       pin: stepPins[name] ?? "latest", owner: task.map { "\(stepName) of task \"\($0)\"" } ?? stepName)
            }
        }
        switch resource.kind {
        case .task:
            return steps(of: resource.document["spec"], at: "/spec", in: nil)
        case .stepAction:
            return []
        case .pipeline:
            var out: [StoredReference] = []
            for section in ["tasks", "finally"] {
                for (index, task) in (resource.document["spec"]?[section]?.arrayValue ?? []).enumerated() {
                    let at: JSONPointer = "/spec" / section / index
                    let taskName = task["name"]?.stringValue ?? "\(index + 1)"
                    if let spec = task["taskSpec"], spec != .null {
                        out += steps(of: spec, at: at / "taskSpec", in: taskName)
                    } else if let ref = task["taskRef"], let name = ref["name"]?.stringValue, !name.isEmpty, ref["resolver"] == nil,
                              ref["bundle"] == nil, ref["apiVersion"] == nil, (ref["kind"]?.stringValue ?? "Task") == "Task" {
                        out.append(StoredReference(pointer: at / "taskRef" / "name", kind: .task, name: name, pin: taskPins[name] ?? "latest",
                                                   owner: "task \"\(taskName)\""))
                    }
                }
            }
            return out
        }
    }

    private static func missingMessage(_ reference: StoredReference, names: [String], versions: [String]) -> String {
        let target = "\(reference.kind.rawValue)/\(reference.name)"
        if !versions.isEmpty {
            return "\(reference.owner) uses \(target)@\(reference.pin), but no published version matches (it has \(versions.joined(separator: ", "))); "
                + "change the pin in \(reference.kind == .task ? ResourceFacts.tasksAnnotation : ResourceFacts.stepsAnnotation) or publish a matching version first"
        } else {
            let suggestion = Suggestion.closest(to: reference.name, among: names).map { "; did you mean \($0)?" } ?? ""
            return "\(reference.owner) uses \(target), which is not in the store\(suggestion) (publish it first, or use a resolver)"
        }
    }

    /// The names of resources of `kind` in `namespaces`, for suggestions.
    static func names(_ db: Database, kind: ResourceKind, namespaces: [String]) throws -> [(namespace: String, name: String)] {
        let marks = Array(repeating: "?", count: namespaces.count).joined(separator: ", ")
        let rows = try Row.fetchAll(db, sql: "SELECT DISTINCT namespace, name FROM version WHERE kind = ? AND namespace IN (\(marks)) ORDER BY name",
                                    arguments: StatementArguments([kind.rawValue] + namespaces))
        return rows.map { ($0[0], $0[1]) }
    }

    /// The version spellings of one resource, in semver order.
    static func versionSpellings(_ db: Database, kind: ResourceKind, name: String, namespace: String) throws -> [String] {
        let spellings = try String.fetchAll(db, sql: "SELECT version FROM version WHERE namespace = ? AND kind = ? AND name = ?",
                                            arguments: [namespace, kind.rawValue, name])
        return spellings.compactMap { ResourceVersion($0) }.sorted().map(\.spelling)
    }
}
