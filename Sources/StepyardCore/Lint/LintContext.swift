/// Collects the findings of one document, at the document pointers they are about (the linter turns pointers into
/// lines once, and only when there is something to report).
public struct LintContext: Sendable {
    /// A finding before it has a line.
    public struct Report: Sendable {
        public var pointer: JSONPointer
        public var severity: Severity
        public var rule: String
        public var message: String
    }

    public let path: String
    public let loaded: LoadedDocument
    public let location: CatalogLocation?
    /// The feature flags of the cluster the document is checked for (Tekton's defaults unless told otherwise).
    public let flags: FeatureFlags
    /// Linting for a publish: the catalog conventions apply wherever the file is (`stepyard lint --publish`).
    public let publishing: Bool
    public private(set) var reports: [Report] = []

    public init(path: String, loaded: LoadedDocument, location: CatalogLocation?, flags: FeatureFlags = .defaults, publishing: Bool = false) {
        self.path = path
        self.loaded = loaded
        self.location = location
        self.flags = flags
        self.publishing = publishing
    }

    public var kind: LintedKind { loaded.kind }
    public var document: JSONValue { loaded.document }
    /// The document as a stored resource, for the kinds Stepyard stores.
    public var resource: TektonResource? { TektonResource(document: loaded.document) }
    public var apiVersion: String? { document["apiVersion"]?.stringValue }
    /// `tekton.dev/v1beta1` (and StepAction's `v1alpha1`) differ from `v1` in a few checks.
    public var isV1: Bool { apiVersion == "tekton.dev/v1" }
    public var spec: ResourceSpec { ResourceSpec(document["spec"]) ?? ResourceSpec(fields: [:]) }

    /// Records a finding at the node `pointer` points to.
    public mutating func report(_ severity: Severity, _ rule: String, at pointer: JSONPointer, _ message: String) {
        reports.append(Report(pointer: pointer, severity: severity, rule: rule, message: message))
    }

    public mutating func error(_ rule: String, at pointer: JSONPointer, _ message: String) {
        report(.error, rule, at: pointer, message)
    }

    public mutating func warning(_ rule: String, at pointer: JSONPointer, _ message: String) {
        report(.warning, rule, at: pointer, message)
    }

    /// Records an admission error of `rule` (a Tekton check).
    public mutating func error(_ rule: TektonRule, at pointer: JSONPointer, _ message: String) {
        report(.error, rule.id, at: pointer, message)
    }

    /// Records an error when `enable-api-fields` does not admit a feature of stability `wanted`
    /// (`config.ValidateEnabledAPIFields`); the message names the flag.
    public mutating func requireAPIFields(_ feature: String, _ wanted: FeatureFlags.APIFields, at pointer: JSONPointer) {
        if let message = flags.apiFieldsMessage(feature, needs: wanted) {
            error(.featureFlag, at: pointer, message)
        }
    }

    /// The value at `pointer` in the document, if any.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        document.value(at: pointer)
    }
}

/// A group of related checks over one document.
public protocol LintRuleSet: Sendable {
    /// Adds this set's findings about `context.document` to `context`.
    func check(_ context: inout LintContext)
}
