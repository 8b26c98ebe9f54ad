import Foundation

/// An RFC 6901 JSON pointer (`/spec/steps/0/name`), built token by token.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The unescaped reference tokens, outermost first.
    public var tokens: [String]

    /// The pointer to the whole document.
    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the textual form (`/a/b~1c`); a string without a leading `/` is taken as one token path.
    public init(stringLiteral value: String) {
        self.init(parsing: value)
    }

    /// Parses the textual form, unescaping `~1` and `~0`.
    public init(parsing text: String) {
        guard !text.isEmpty else { self.tokens = []; return }
        let body = text.hasPrefix("/") ? text.dropFirst() : Substring(text)
        self.tokens = body.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// The pointer one level down, to a member.
    public func appending(_ key: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [key])
    }

    /// The pointer one level down, to an array element.
    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(tokens: tokens + [String(index)])
    }

    public static func / (lhs: JSONPointer, rhs: String) -> JSONPointer { lhs.appending(rhs) }
    public static func / (lhs: JSONPointer, rhs: Int) -> JSONPointer { lhs.appending(rhs) }

    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    /// Tekton-style field path for messages: `spec.steps[0].name`.
    public var fieldPath: String {
        var out = ""
        for token in tokens {
            if let index = Int(token), index >= 0, String(index) == token {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? token : "." + token
            }
        }
        return out
    }
}
