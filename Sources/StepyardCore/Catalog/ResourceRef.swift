/// A reference to a resource, as users write it: `[namespace/]kind/name[@version-or-range-or-digest]`,
/// e.g. `task/go-build@^1`, `payments/task/go-build`, `task/git-clone@0.9`, `task/x@sha256:…`.
public struct ResourceRef: Sendable, Hashable, CustomStringConvertible {
    /// `nil` means the organisation's namespace.
    public var namespace: String?
    public var kind: ResourceKind
    public var name: String
    /// What version is asked for; `nil` means latest.
    public var selector: VersionSelector?

    public init(namespace: String? = nil, kind: ResourceKind, name: String, selector: VersionSelector? = nil) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
        self.selector = selector
    }

    /// Parses a reference.
    /// - Throws: `ReferenceError` naming the part that is wrong.
    public init(parsing text: String) throws(ReferenceError) {
        var path = Substring(text)
        var selector: VersionSelector? = nil
        if let at = text.firstIndex(of: "@") {
            path = text[..<at]
            let spec = String(text[text.index(after: at)...])
            guard let parsed = VersionSelector(spec) else { throw .badVersion(text, spec) }
            selector = parsed
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { throw .shape(text) }
        let kindText = parts[parts.count - 2], name = parts[parts.count - 1]
        guard let kind = ResourceKind(rawValue: kindText) else { throw .unknownKind(text, kindText) }
        if let problem = ResourceName.problem(with: name) { throw .badName(text, problem) }
        var namespace: String? = nil
        if parts.count == 3 {
            if let problem = ResourceName.problem(with: parts[0]) { throw .badName(text, problem) }
            namespace = parts[0]
        }
        self.init(namespace: namespace, kind: kind, name: name, selector: selector)
    }

    public var description: String {
        var text = (namespace.map { $0 + "/" } ?? "") + kind.rawValue + "/" + name
        if let selector { text += "@" + selector.description }
        return text
    }
}

/// The version part of a reference: a requirement (`1.2.0`, `^1`, `latest`, `0.9`) or a content digest.
public enum VersionSelector: Sendable, Hashable, CustomStringConvertible {
    case requirement(VersionRequirement)
    case digest(String)

    public init?(_ text: String) {
        if text.hasPrefix("sha256:") {
            let hex = text.dropFirst(7)
            guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
            self = .digest(text)
            return
        }
        guard let requirement = VersionRequirement(text) else { return nil }
        self = .requirement(requirement)
    }

    public var description: String {
        switch self {
        case .requirement(let r): return r.description
        case .digest(let d): return d
        }
    }
}

/// Why a reference could not be read.
public enum ReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    case shape(String)
    case unknownKind(String, String)
    case badName(String, String)
    case badVersion(String, String)

    public var description: String {
        switch self {
        case .shape(let ref):
            return "\"\(ref)\" is not a reference: write [namespace/]kind/name[@version], e.g. task/git-clone@0.9"
        case let .unknownKind(ref, kind):
            return "\"\(ref)\": unknown kind \"\(kind)\" (task, stepaction or pipeline)"
        case let .badName(ref, problem):
            return "\"\(ref)\": \(problem)"
        case let .badVersion(ref, version):
            return "\"\(ref)\": \"\(version)\" is not a version, range (^1.2, ~1.2.3, >=1.0.0 <2.0.0, 1, 1.2), latest or sha256 digest"
        }
    }
}
