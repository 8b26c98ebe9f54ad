public import Version

/// A resource version: strict semver 2.0 (`1.2.0`, `2.0.0-rc.1`), or Tekton's two-part `0.9`, which
/// normalises to `0.9.0` while keeping its spelling (Tekton Hub clients ask for `0.9`).
public struct ResourceVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The version as written (the folder name in the repository).
    public let spelling: String
    /// The semantic version it stands for.
    public let semver: Version

    /// Parses `text`; `nil` for anything that is neither strict semver nor `MAJOR.MINOR`.
    public init?(_ text: String) {
        guard let semver = Self.parse(text) else { return nil }
        self.spelling = text
        self.semver = semver
    }

    /// The normalised semver text (`0.9.0` for `0.9`).
    public var normalized: String { semver.description }
    public var description: String { spelling }
    public var isPrerelease: Bool { !semver.prereleaseIdentifiers.isEmpty }

    /// Ordered by semver precedence; equal versions by spelling, so the order is total.
    public static func < (lhs: ResourceVersion, rhs: ResourceVersion) -> Bool {
        if lhs.semver != rhs.semver { return lhs.semver < rhs.semver }
        return lhs.spelling < rhs.spelling
    }

    /// `true` when both name the same semantic version (`0.9` and `0.9.0`).
    public func isSameVersion(as other: ResourceVersion) -> Bool { semver == other.semver }

    /// Semver 2.0's grammar, checked strictly (mxcl/Version alone accepts `01.2.3` or `1.2.3-`).
    static func parse(_ text: String) -> Version? {
        let (core, rest) = split(text)
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 || (parts.count == 2 && rest.isEmpty), parts.allSatisfy(isNumericIdentifier) else { return nil }
        var pre: [String] = [], build: [String] = []
        var remainder = Substring(rest)
        if remainder.hasPrefix("-") {
            let end = remainder.firstIndex(of: "+") ?? remainder.endIndex
            let ids = remainder.dropFirst()[..<end].split(separator: ".", omittingEmptySubsequences: false)
            guard !ids.isEmpty, ids.allSatisfy({ isNumericIdentifier($0) || isAlphanumericIdentifier($0) }) else { return nil }
            pre = ids.map(String.init)
            remainder = remainder[end...]
        }
        if remainder.hasPrefix("+") {
            let ids = remainder.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            guard !ids.isEmpty, ids.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isIdentifierCharacter) }) else { return nil }
            build = ids.map(String.init)
            remainder = ""
        }
        guard remainder.isEmpty, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        let patch = parts.count == 3 ? Int(parts[2]) : 0
        guard let patch else { return nil }
        return Version(major, minor, patch, pre: pre, build: build)
    }

    private static func split(_ text: String) -> (Substring, Substring) {
        let end = text.firstIndex(where: { $0 == "-" || $0 == "+" }) ?? text.endIndex
        return (text[..<end], text[end...])
    }

    private static func isNumericIdentifier(_ s: Substring) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 18, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return s == "0" || s.first != "0"
    }

    private static func isAlphanumericIdentifier(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy(isIdentifierCharacter) && s.contains(where: { !($0.isASCII && $0.isNumber) })
    }

    private static func isIdentifierCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-")
    }
}
