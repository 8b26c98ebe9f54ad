public import Version

/// What a reference asks for: an exact version, a range, or `latest`.
///
/// Ranges follow npm/Cargo conventions: `^1.2` (`>=1.2.0 <2.0.0`; `^0.3` stays below `0.4.0`), `~1.2.3`
/// (`>=1.2.3 <1.3.0`), comparator sets (`>=1.0.0 <2.0.0`), partial versions (`1` = `1.x`, `1.2` = `1.2.x`,
/// though a version spelled exactly `1.2`, as Tekton catalogs do, is taken first). Pre-releases match only when a
/// comparator names a pre-release of the same `major.minor.patch`; yanked versions never match a range.
public enum VersionRequirement: Sendable, Hashable, CustomStringConvertible {
    case latest
    case exact(ResourceVersion)
    /// `1` or `1.2`: a version spelled exactly so, else the highest in the implied range.
    case partial(spelling: String, range: [Comparator])
    /// All comparators must hold.
    case range(spelling: String, [Comparator])

    /// One bound: `>=1.2.0`, `<2.0.0`, `=1.2.3`.
    public struct Comparator: Sendable, Hashable {
        public enum Operator: String, Sendable, Hashable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "=" }
        public var op: Operator
        public var version: Version

        func holds(for v: Version) -> Bool {
            switch op {
            case .lt: return v < version
            case .le: return v <= version
            case .gt: return v > version
            case .ge: return v >= version
            case .eq: return v == version
            }
        }
    }

    /// Parses a requirement; `nil` when the text is none of the accepted forms.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace
        if trimmed == "latest" || trimmed == "*" || trimmed.isEmpty { self = .latest; return }
        // A full version (three core parts, with any pre-release and build metadata: `2.0.0-rc.1+build.5`) is exact.
        if let version = ResourceVersion(trimmed), trimmed.prefix(while: { $0 != "-" && $0 != "+" }).split(separator: ".").count == 3 {
            self = .exact(version)
            return
        }
        if let partial = Self.partialRange(trimmed) {
            self = .partial(spelling: trimmed, range: partial)
            return
        }
        var comparators: [Comparator] = []
        for token in trimmed.split(separator: " ", omittingEmptySubsequences: true) {
            guard let parsed = Self.comparators(String(token)) else { return nil }
            comparators += parsed
        }
        guard !comparators.isEmpty else { return nil }
        self = .range(spelling: trimmed, comparators)
    }

    public var description: String {
        switch self {
        case .latest: return "latest"
        case .exact(let v): return v.spelling
        case .partial(let s, _), .range(let s, _): return s
        }
    }

    /// Picks the version this requirement selects among `candidates` (name and whether it is yanked):
    /// the exact one (yanked or not), or the highest non-yanked match of a range.
    public func select(from candidates: [(version: ResourceVersion, yanked: Bool)]) -> ResourceVersion? {
        switch self {
        case .exact(let wanted):
            return candidates.first { $0.version.spelling == wanted.spelling }?.version
                ?? candidates.first { $0.version.isSameVersion(as: wanted) }?.version
        case .partial(let spelling, let range):
            if let exact = candidates.first(where: { $0.version.spelling == spelling }) { return exact.version }
            return Self.highest(candidates, matching: range)
        case .range(_, let range):
            return Self.highest(candidates, matching: range)
        case .latest:
            return Self.highest(candidates, matching: [])
        }
    }

    private static func highest(_ candidates: [(version: ResourceVersion, yanked: Bool)], matching range: [Comparator]) -> ResourceVersion? {
        candidates.filter { !$0.yanked && satisfies($0.version.semver, range) }.map(\.version).max()
    }

    static func satisfies(_ v: Version, _ range: [Comparator]) -> Bool {
        guard range.allSatisfy({ $0.holds(for: v) }) else { return false }
        if v.prereleaseIdentifiers.isEmpty { return true }
        // A pre-release only when asked for by name, on the same major.minor.patch.
        return range.contains { c in
            !c.version.prereleaseIdentifiers.isEmpty
                && (c.version.major, c.version.minor, c.version.patch) == (v.major, v.minor, v.patch)
        }
    }

    /// `1` → `>=1.0.0 <2.0.0`; `1.2` → `>=1.2.0 <1.3.0`.
    private static func partialRange(_ text: String) -> [Comparator]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let major = Int(parts[0]), parts.allSatisfy({ Int($0) != nil && $0.first != "+" }) else { return nil }
        if parts.count == 1 {
            return [Comparator(op: .ge, version: Version(major, 0, 0)), Comparator(op: .lt, version: Version(major + 1, 0, 0))]
        }
        let minor = Int(parts[1])!
        return [Comparator(op: .ge, version: Version(major, minor, 0)), Comparator(op: .lt, version: Version(major, minor + 1, 0))]
    }

    /// One token of a range: `^1.2`, `~1.2.3`, `>=1.0.0`, `<2`, `=1.2.3`, `1.2.3`.
    private static func comparators(_ token: String) -> [Comparator]? {
        for op in ["^", "~"] where token.hasPrefix(op) {
            let body = String(token.dropFirst())
            guard let core = body.split(separator: "-", maxSplits: 1).first else { return nil }
            let parts = core.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count), let lower = lowerBound(body) else { return nil }
            let upper: Version
            if op == "^" {
                if lower.major > 0 || parts.count == 1 { upper = Version(lower.major + 1, 0, 0) }
                else if lower.minor > 0 || parts.count == 2 { upper = Version(0, lower.minor + 1, 0) }
                else { upper = Version(0, 0, lower.patch + 1) }
            } else {
                upper = parts.count == 1 ? Version(lower.major + 1, 0, 0) : Version(lower.major, lower.minor + 1, 0)
            }
            return [Comparator(op: .ge, version: lower), Comparator(op: .lt, version: upper)]
        }
        for op in [Comparator.Operator.ge, .le, .gt, .lt, .eq] where token.hasPrefix(op.rawValue) {
            guard let version = lowerBound(String(token.dropFirst(op.rawValue.count))) else { return nil }
            return [Comparator(op: op, version: version)]
        }
        guard let exact = ResourceVersion(token) else { return nil }
        return [Comparator(op: .eq, version: exact.semver)]
    }

    /// `1` → `1.0.0`, `1.2` → `1.2.0`, full versions as they are.
    private static func lowerBound(_ text: String) -> Version? {
        if let v = ResourceVersion(text) { return v.semver }
        guard let major = Int(text), !text.hasPrefix("+"), !text.hasPrefix("-") else { return nil }
        return Version(major, 0, 0)
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}

extension VersionRequirement {
    /// Whether it is spelled as one version (`1.2.0`, or Tekton's two-part `0.9`), not a range.
    public var namesOneVersion: Bool {
        switch self {
        case .exact: return true
        case .partial(let spelling, _): return spelling.split(separator: ".").count == 2 && ResourceVersion(spelling) != nil
        case .latest, .range: return false
        }
    }
}
