/// How two versions of a resource differ, change by change, each marked breaking or compatible: params (presence,
/// type, default, enum, description, object keys, and every keyword of the effective parameter schema, sidecar
/// included), results, workspaces, pinned dependencies (`stepyard.dev/steps`, `stepyard.dev/tasks`), steps by name
/// (added, removed, moved, image, script, env by name, computeResources, any other field) and the rest of the
/// document. The version label is left out: `from` and `to` say which versions these are.
///
/// The one engine behind `stepyard diff A..B`, `stepyard compat`, the publish gate (which refuses a report with a
/// breaking change) and the fork diff (the report from upstream to fork). What breaks is the gate's rule set, see
/// `Compatibility`.
///
/// ```swift
/// let report = ChangeReport(from: try ComparedVersion(label: "0.8", resource: old),
///                           to: try ComparedVersion(label: "0.9", resource: new), registry: SchemaRegistry())
/// print(report.text)   // results.committer-date: added [compatible] … 0.9 is compatible with 0.8
/// ```
public struct ChangeReport: Sendable, Hashable, Codable {
    /// The older side's label (a version, or for a fork diff the upstream reference).
    public var from: String
    /// The newer side's label.
    public var to: String
    public var changes: [Change]

    public init(from: String, to: String, changes: [Change]) {
        self.from = from
        self.to = to
        self.changes = changes
    }

    /// Compares `old` with `new`. `registry` resolves the `$ref`s of the new schema, to check that values the old
    /// one documented (examples, default, enum) still pass.
    public init(from old: ComparedVersion, to new: ComparedVersion, registry: SchemaRegistry) {
        var changes = ParamChanges.between(old, new, registry: registry)
        changes += SchemaChanges.root(old.parameterSchema, new.parameterSchema)
        changes += ResultChanges.between(old.resource.spec, new.resource.spec)
        changes += WorkspaceChanges.between(old.resource.spec, new.resource.spec)
        changes += PinChanges.between(old.resource.metadata, new.resource.metadata)
        changes += DocumentChanges.between(old.resource.document, new.resource.document)
        self.init(from: old.label, to: new.label, changes: changes)
    }

    /// Whether any change breaks users of `from`.
    public var isBreaking: Bool { changes.contains(where: \.breaking) }

    /// The breaking changes alone.
    public var breaking: [Change] { changes.filter(\.breaking) }

    /// One line per change: `spec.steps[test].image: golang:1.22 → golang:1.23 [compatible]`.
    public var lines: [String] { changes.map(\.line) }

    /// The report as people read it: one line per change (or `no changes`), then whether `to` breaks users of `from`.
    public var text: String {
        let body = changes.isEmpty ? "no changes\n" : lines.map { $0 + "\n" }.joined()
        let count = breaking.count
        return body + (count == 0 ? "\(to) is compatible with \(from)\n"
                                  : "\(to) breaks users of \(from): \(count) breaking change\(count == 1 ? "" : "s")\n")
    }

    private enum CodingKeys: String, CodingKey { case from, to, breaking, changes }

    /// `{"from", "to", "breaking", "changes"}`; `breaking` is derived from the changes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(isBreaking, forKey: .breaking)
        try container.encode(changes, forKey: .changes)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(from: try container.decode(String.self, forKey: .from), to: try container.decode(String.self, forKey: .to),
                  changes: try container.decode([Change].self, forKey: .changes))
    }
}
