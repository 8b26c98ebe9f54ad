import OrderedCollections

/// One resource version a resolution used: what the lock records.
public struct LockEntry: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// `task/go@1.2.0`, or `payments/task/go@1.2.0` for a department's own.
    public var reference: String
    public var digest: String

    public init(reference: String, digest: String) {
        self.reference = reference
        self.digest = digest
    }

    public var description: String { "\(reference) \(digest)" }

    /// The resource without namespace or version: `task/go` (what a reference names in any namespace).
    public var resource: String {
        let path = reference.split(separator: "@", maxSplits: 1).first ?? ""
        return path.split(separator: "/").suffix(2).joined(separator: "/")
    }

    public static func < (a: LockEntry, b: LockEntry) -> Bool { (a.reference, a.digest) < (b.reference, b.digest) }
}

/// A version found by a `ResolutionSource`.
public struct SourceVersion: Sendable {
    public var namespace: String
    public var kind: ResourceKind
    public var name: String
    public var version: String
    public var digest: String
    public var resource: TektonResource
    /// `true` when it comes from the organisation catalog.
    public var isOrganisation: Bool

    public init(namespace: String, kind: ResourceKind, name: String, version: String, digest: String, resource: TektonResource, isOrganisation: Bool) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
        self.version = version
        self.digest = digest
        self.resource = resource
        self.isOrganisation = isOrganisation
    }

    public var lockEntry: LockEntry {
        LockEntry(reference: (isOrganisation ? "" : namespace + "/") + "\(kind.rawValue)/\(name)@\(version)", digest: digest)
    }
}

/// Where resolution finds the resources a template refers to.
public protocol ResolutionSource {
    /// The version of `kind/name` that `selector` picks (`nil`: latest non-yanked), from the department `namespace`'s
    /// own resources first, then the organisation's; `nil` when there is none.
    func version(of kind: ResourceKind, name: String, selector: VersionSelector?, in namespace: String?) throws -> SourceVersion?
}

/// The result of resolving a template: a self-contained Tekton document and its lock.
public struct Resolution: Sendable {
    /// The `tekton.dev/v1` Task or Pipeline (or StepAction), every catalog reference inlined.
    public var document: JSONValue
    /// Every resource that went into it, sorted.
    public var lock: [LockEntry]
    /// `sha256:` of the document (before the digest annotation is added to it).
    public var digest: String

    /// The document as YAML (deterministic bytes).
    public var yaml: String { YAMLWriter().write(document) }
}

/// Resolves templates: every step `ref` to a catalog StepAction inlined with Tekton's semantics, every Pipeline
/// `taskRef` to a catalog Task replaced by the resolved `taskSpec`, a lock of what was used, deterministic output.
///
/// Versions of referenced resources are pinned by annotations on the referencing template: `stepyard.dev/steps:
/// "git-clone@^1, go-test@~1.2"` for a Task's StepActions, `stepyard.dev/tasks: "go@^1"` for a Pipeline's Tasks; an
/// unpinned reference takes the latest non-yanked version, and the lock says which.
public struct Resolver {
    public static let resolvedAnnotation = "stepyard.dev/resolved"
    public static let lockAnnotation = "stepyard.dev/lock"
    public static let digestAnnotation = "stepyard.dev/digest"

    let source: any ResolutionSource
    /// The department asking, whose own resources come first.
    let namespace: String?

    public init(source: any ResolutionSource, namespace: String?) {
        self.source = source
        self.namespace = namespace
    }

    /// Resolves one version of a template.
    public func resolve(_ root: SourceVersion) throws(ResolutionError) -> Resolution {
        var lock: Set<LockEntry> = [root.lockEntry]
        let chain = [root.lockEntry.reference]
        var document: JSONValue
        switch root.kind {
        case .task: document = try resolveTask(root.resource, chain: chain, lock: &lock)
        case .pipeline: document = try resolvePipeline(root.resource, chain: chain, lock: &lock)
        case .stepAction: document = root.resource.document
        }
        let entries = lock.sorted()
        document = Self.annotate(document, [
            Self.resolvedAnnotation: root.lockEntry.reference,
            Self.lockAnnotation: entries.map(\.description).joined(separator: "\n"),
        ])
        let digest = ContentDigest.of(document)
        document = Self.annotate(document, [Self.digestAnnotation: digest])
        return Resolution(document: document, lock: entries, digest: digest)
    }

    // MARK: - Tasks

    private func resolveTask(_ task: TektonResource, chain: [String], lock: inout Set<LockEntry>) throws(ResolutionError) -> JSONValue {
        var document = Self.toV1(task.document)
        let pins = ResourceFacts.pins(task.metadata.annotations[ResourceFacts.stepsAnnotation])
        guard case .object(var spec)? = document["spec"] else { return document }
        spec = try inlineSteps(spec, pins: pins, chain: chain, lock: &lock)
        document = Self.setting(document, "spec", .object(spec))
        return document
    }

    /// Inlines the step refs of a Task spec (a Task's, or an embedded `taskSpec` of a Pipeline).
    private func inlineSteps(_ spec: OrderedDictionary<String, JSONValue>, pins: [String: String], chain: [String],
                             lock: inout Set<LockEntry>) throws(ResolutionError) -> OrderedDictionary<String, JSONValue> {
        guard case .array(let steps)? = spec["steps"] else { return spec }
        var out: [JSONValue] = []
        for value in steps {
            guard let step = Step(value), let name = step.refName, step.fields["ref"]?["resolver"] == nil else {
                out.append(value)
                continue
            }
            let stepAction = try lookup(.stepAction, name, pins: pins, chain: chain, lock: &lock)
            out.append(try StepActionInliner.inline(step, stepAction: stepAction.resource, reference: stepAction.lockEntry.reference,
                                                    taskParams: ResourceSpec(fields: spec).params).json)
        }
        var spec = spec
        spec["steps"] = .array(out)
        return spec
    }

    /// Finds the version of a referenced resource its pin selects (latest when unpinned), refuses cycles, and
    /// records it in the lock.
    private func lookup(_ kind: ResourceKind, _ name: String, pins: [String: String], chain: [String],
                        lock: inout Set<LockEntry>) throws(ResolutionError) -> SourceVersion {
        let pin = pins[name] ?? "latest"
        let reference = "\(kind.rawValue)/\(name)@\(pin)"
        guard let selector = VersionSelector(pin) else {
            throw .invalid(reference: chain.last ?? reference, message: "pin \"\(name)@\(pin)\" is not a version, range or digest")
        }
        let found: SourceVersion?
        do { found = try source.version(of: kind, name: name, selector: selector, in: namespace) } catch {
            throw .invalid(reference: reference, message: "\(error)")
        }
        guard let version = found else { throw .notFound(reference: reference, chain: chain) }
        let entry = version.lockEntry
        if chain.contains(entry.reference) { throw .cycle(chain: chain + [entry.reference]) }
        lock.insert(entry)
        return version
    }

    // MARK: - Pipelines

    private func resolvePipeline(_ pipeline: TektonResource, chain: [String], lock: inout Set<LockEntry>) throws(ResolutionError) -> JSONValue {
        var document = Self.toV1(pipeline.document)
        let annotations = pipeline.metadata.annotations
        let taskPins = ResourceFacts.pins(annotations[ResourceFacts.tasksAnnotation])
        let stepPins = ResourceFacts.pins(annotations[ResourceFacts.stepsAnnotation])
        guard case .object(var spec)? = document["spec"] else { return document }
        for section in ["tasks", "finally"] {
            guard case .array(let tasks)? = spec[section] else { continue }
            var out: [JSONValue] = []
            for value in tasks {
                guard case .object(var task) = value else { out.append(value); continue }
                if case .object(let embedded)? = task["taskSpec"] {
                    task["taskSpec"] = .object(try inlineSteps(embedded, pins: stepPins, chain: chain, lock: &lock))
                } else if let ref = task["taskRef"], let name = ref["name"]?.stringValue, ref["resolver"] == nil, ref["bundle"] == nil,
                          (ref["kind"]?.stringValue ?? "Task") == "Task" {
                    let referenced = try lookup(.task, name, pins: taskPins, chain: chain, lock: &lock)
                    let entry = referenced.lockEntry
                    let resolved = try resolveTask(referenced.resource, chain: chain + [entry.reference], lock: &lock)
                    var embedded = resolved["spec"]?.objectValue ?? [:]
                    // An embedded taskSpec may carry metadata: keep where it came from.
                    embedded["metadata"] = .object(["annotations": .object([Self.resolvedAnnotation: .string(entry.reference)])])
                    task.removeValue(forKey: "taskRef")
                    task["taskSpec"] = .object(embedded)
                }
                out.append(.object(task))
            }
            spec[section] = .array(out)
        }
        document = Self.setting(document, "spec", .object(spec))
        return document
    }

    // MARK: - Documents

    /// `tekton.dev/v1beta1` → `tekton.dev/v1` for Tasks and Pipelines: the apiVersion, and container `resources`
    /// renamed `computeResources` (steps, sidecars, stepTemplate), as Tekton's conversion does.
    static func toV1(_ document: JSONValue) -> JSONValue {
        guard case .object(var root) = document, root["apiVersion"] == .string("tekton.dev/v1beta1") else { return document }
        root["apiVersion"] = .string("tekton.dev/v1")
        if case .object(var spec)? = root["spec"] {
            spec = convertTaskSpec(spec)
            for section in ["tasks", "finally"] {
                guard case .array(let tasks)? = spec[section] else { continue }
                spec[section] = .array(tasks.map { task in
                    guard case .object(var t) = task, case .object(let embedded)? = t["taskSpec"] else { return task }
                    t["taskSpec"] = .object(convertTaskSpec(embedded))
                    return .object(t)
                })
            }
            root["spec"] = .object(spec)
        }
        return .object(root)
    }

    private static func convertTaskSpec(_ spec: OrderedDictionary<String, JSONValue>) -> OrderedDictionary<String, JSONValue> {
        var spec = spec
        func rename(_ container: JSONValue) -> JSONValue {
            guard case .object(let c) = container, c["resources"] != nil, c["computeResources"] == nil else { return container }
            return .object(OrderedDictionary(uniqueKeysWithValues: c.map { ($0.key == "resources" ? "computeResources" : $0.key, $0.value) }))
        }
        for key in ["steps", "sidecars"] {
            if case .array(let items)? = spec[key] { spec[key] = .array(items.map(rename)) }
        }
        if let template = spec["stepTemplate"] { spec["stepTemplate"] = rename(template) }
        return spec
    }

    static func setting(_ document: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var root) = document else { return document }
        root[key] = value
        return .object(root)
    }

    /// Adds annotations (keeping the document's own).
    static func annotate(_ document: JSONValue, _ annotations: [String: String]) -> JSONValue {
        guard case .object(var root) = document else { return document }
        var metadata = root["metadata"]?.objectValue ?? [:]
        var existing = metadata["annotations"]?.objectValue ?? [:]
        for key in annotations.keys.sorted() { existing[key] = .string(annotations[key]!) }
        metadata["annotations"] = .object(existing)
        root["metadata"] = .object(metadata)
        return .object(root)
    }
}
