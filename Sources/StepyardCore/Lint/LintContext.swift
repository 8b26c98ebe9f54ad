/// Collects the findings of one resource, turning document pointers into lines.
public struct LintContext: Sendable {
    public let path: String
    public let loaded: LoadedResource
    public let location: CatalogLocation?
    public private(set) var findings: [Finding] = []

    public init(path: String, loaded: LoadedResource, location: CatalogLocation?) {
        self.path = path
        self.loaded = loaded
        self.location = location
    }

    public var resource: TektonResource { loaded.resource }
    public var document: JSONValue { loaded.resource.document }

    /// Records a finding at the node `pointer` points to.
    public mutating func report(_ severity: Severity, _ rule: String, at pointer: JSONPointer, _ message: String) {
        findings.append(Finding(path: path, line: loaded.sourceMap.line(of: pointer), severity: severity,
                                rule: rule, message: message))
    }

    public mutating func error(_ rule: String, at pointer: JSONPointer, _ message: String) {
        report(.error, rule, at: pointer, message)
    }

    public mutating func warning(_ rule: String, at pointer: JSONPointer, _ message: String) {
        report(.warning, rule, at: pointer, message)
    }

    /// The value at `pointer` in the document, if any.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        document.value(at: pointer)
    }
}

/// A group of related checks over one resource.
public protocol LintRuleSet: Sendable {
    /// Adds this set's findings about `context.resource` to `context`.
    func check(_ context: inout LintContext)
}
