/// Collects the findings of one resource, at the document pointers they are about (the linter turns pointers into
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
    public let loaded: LoadedResource
    public let location: CatalogLocation?
    public private(set) var reports: [Report] = []

    public init(path: String, loaded: LoadedResource, location: CatalogLocation?) {
        self.path = path
        self.loaded = loaded
        self.location = location
    }

    public var resource: TektonResource { loaded.resource }
    public var document: JSONValue { loaded.resource.document }

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
