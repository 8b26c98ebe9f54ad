/// A YAML file read into the resources it holds, with the findings loading produced.
public struct LoadedFile: Sendable {
    /// The path as given by the user (used in findings).
    public var path: String
    /// Every document lint checks: the kinds Stepyard stores, and TaskRuns and PipelineRuns (checked, never stored).
    public var documents: [LoadedDocument]
    /// Load problems: broken YAML, limits, documents of kinds Stepyard does not check.
    public var findings: [Finding]
    /// Where the file sits in a catalog, if it does.
    public var location: CatalogLocation?
    /// The file's bytes, kept when they were loaded without source lines (the linter reads them again for lines).
    public var bytes: [UInt8]?

    /// Reads `bytes` (the file's content) as a stream of Tekton documents.
    ///
    /// A document of another kind (a ServiceAccount beside a Pipeline) is reported as a warning, not
    /// fatal; broken YAML is an error finding naming the line.
    public init(path: String, bytes: some Collection<UInt8>, loader: YAMLLoader = YAMLLoader()) {
        self.path = path
        self.location = CatalogLocation(path: path)
        self.documents = []
        self.findings = []
        if !loader.recordsLines { self.bytes = Array(bytes) }
        let documents: [YAMLDocument]
        do {
            documents = try loader.load(bytes)
        } catch {
            findings.append(Finding(path: path, line: error.line ?? 0, severity: .error, rule: "yaml.load",
                                    message: error.description))
            return
        }
        if documents.isEmpty {
            findings.append(Finding(path: path, line: 0, severity: .warning, rule: "yaml.empty",
                                    message: "the file holds no YAML document"))
        }
        for document in documents {
            let line = document.sourceMap.startLine
            guard case .object(let fields) = document.value else {
                findings.append(Finding(path: path, line: line, severity: .error, rule: "yaml.not-object",
                                        message: "document \(document.index + 1) is a \(document.value.typeName), not a Kubernetes object"))
                continue
            }
            guard let kind = fields["kind"]?.stringValue else {
                findings.append(Finding(path: path, line: line, severity: .error, rule: "yaml.no-kind",
                                        message: "document \(document.index + 1) has no \"kind\""))
                continue
            }
            guard let linted = LintedKind(rawValue: kind) else {
                findings.append(Finding(path: path, line: line, severity: .warning, rule: "resource.other-kind",
                                        message: "document \(document.index + 1) is a \(kind), not a Task, StepAction, Pipeline, TaskRun or PipelineRun; it is not checked"))
                continue
            }
            self.documents.append(LoadedDocument(document: document.value, kind: linted, sourceMap: document.sourceMap, documentIndex: document.index))
        }
    }
}

extension LoadedFile {
    /// A file already parsed into one document (an index rebuilding from git lints what it parsed, without lines).
    public init(path: String, document: JSONValue) {
        self.path = path
        self.location = CatalogLocation(path: path)
        self.findings = []
        self.documents = []
        if let kind = document["kind"]?.stringValue.flatMap(LintedKind.init(rawValue:)) {
            documents = [LoadedDocument(document: document, kind: kind, sourceMap: SourceMap(startLine: 0), documentIndex: 0)]
        }
    }

    /// A file that could not be loaded at all (too large to read, for one), with the reason as its finding.
    public init(path: String, failure: YAMLLoadError) {
        self.path = path
        self.location = CatalogLocation(path: path)
        self.documents = []
        self.findings = [Finding(path: path, line: failure.line ?? 0, severity: .error, rule: "yaml.load", message: failure.description)]
    }
}

extension LoadedFile {
    /// The documents of the kinds Stepyard stores (Task, StepAction, Pipeline), as resources.
    public var resources: [LoadedResource] {
        documents.compactMap { loaded in
            TektonResource(document: loaded.document).map {
                LoadedResource(resource: $0, sourceMap: loaded.sourceMap, documentIndex: loaded.documentIndex)
            }
        }
    }
}

/// A document lint checks, with its kind and the source lines of its document.
public struct LoadedDocument: Sendable, Hashable {
    public var document: JSONValue
    public var kind: LintedKind
    public var sourceMap: SourceMap
    public var documentIndex: Int
}

/// A Tekton resource with the source lines of its document.
public struct LoadedResource: Sendable, Hashable {
    public var resource: TektonResource
    public var sourceMap: SourceMap
    public var documentIndex: Int
}

/// The kinds lint checks, by their Kubernetes `kind`: the three Stepyard stores, and the two run kinds, checked as
/// Tekton's admission checks them (`stepyard lint` on a folder of runs) but never stored.
public enum LintedKind: String, Sendable, Hashable, CaseIterable {
    case task = "Task"
    case stepAction = "StepAction"
    case pipeline = "Pipeline"
    case taskRun = "TaskRun"
    case pipelineRun = "PipelineRun"

    /// The `apiVersion`s Tekton serves for this kind.
    public var apiVersions: [String] {
        switch self {
        case .stepAction: return ["tekton.dev/v1beta1", "tekton.dev/v1alpha1"]
        default: return ["tekton.dev/v1", "tekton.dev/v1beta1"]
        }
    }

    /// The stored kind, for the three Stepyard stores.
    public var resourceKind: ResourceKind? { ResourceKind(kindName: rawValue) }
}
