/// How much a finding matters: an `error` blocks a publish (and makes `stepyard lint` exit 1),
/// a `warning` is worth fixing, a `note` is information (a deprecated resource).
public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case error, warning, note

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        let order: [Severity] = [.error, .warning, .note]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// One thing the linter (or the loader) has to say about a file, at a line.
public struct Finding: Sendable, Hashable, Codable {
    /// The file, as the user named it.
    public var path: String
    /// 1-based line; 0 when the finding is about the whole file.
    public var line: Int
    public var severity: Severity
    /// The rule's identifier (`tekton.param-name`, `catalog.version-label`, …).
    public var rule: String
    /// A sentence saying what is wrong and where in the document.
    public var message: String

    public init(path: String, line: Int, severity: Severity, rule: String, message: String) {
        self.path = path
        self.line = line
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    /// Compiler-style text: `path:line: error: message [rule]`.
    public var formatted: String {
        let location = line > 0 ? "\(path):\(line)" : path
        return "\(location): \(severity.rawValue): \(message) [\(rule)]"
    }
}
