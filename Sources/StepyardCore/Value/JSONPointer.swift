/// An RFC 6901 JSON pointer (`/spec/steps/0/name`), built token by token.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The unescaped reference tokens, outermost first.
    public var tokens: [String]

    /// The pointer to the whole document.
    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the textual form (`/a/b~1c`); see `init(parsing:)`.
    public init(stringLiteral value: String) {
        self.init(parsing: value)
    }

    /// Parses the textual form leniently: a missing leading `/` and bad `~` escapes are read as plain text.
    public init(parsing text: String) {
        if let tokens = Self.parseTokens(text) {
            self.tokens = tokens
        } else {
            let body = text.hasPrefix("/") ? text.dropFirst() : Substring(text)
            self.tokens = body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
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

    /// The pointer one level up (the root stays the root).
    public var parent: JSONPointer { JSONPointer(tokens: Array(tokens.dropLast())) }

    public static func / (lhs: JSONPointer, rhs: String) -> JSONPointer { lhs.appending(rhs) }
    public static func / (lhs: JSONPointer, rhs: Int) -> JSONPointer { lhs.appending(rhs) }

    public var description: String { Self.make(tokens) }

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

    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var out = ""
        for c in token.unicodeScalars {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Splits a pointer (`""` or `/a/b~1c`) into unescaped reference tokens; `nil` when it does not
    /// start with `/` or has an invalid `~` escape.
    public static func parseTokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var result: [String] = []
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.unicodeScalars.makeIterator()
            while let c = iterator.next() {
                if c == "~" {
                    switch iterator.next() {
                    case "0": token += "~"
                    case "1": token += "/"
                    default: return nil
                    }
                } else {
                    token.unicodeScalars.append(c)
                }
            }
            result.append(token)
        }
        return result
    }

    /// Joins reference tokens into a pointer string.
    public static func make(_ tokens: [String]) -> String {
        tokens.reduce(into: "") { $0 += "/" + escape($1) }
    }

    /// `true` when `text` is a syntactically valid JSON pointer.
    public static func isValid(_ text: String) -> Bool { parseTokens(text) != nil }
}

extension JSONValue {
    /// The value at `pointer`, or `nil` when it does not exist.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        value(atTokens: pointer.tokens[...])
    }

    /// The value at RFC 6901 `pointer` text (`""` is the whole value), or `nil` when it does not exist.
    public func value(atPointer pointer: String) -> JSONValue? {
        guard let tokens = JSONPointer.parseTokens(pointer) else { return nil }
        return value(atTokens: tokens[...])
    }

    func value(atTokens tokens: ArraySlice<String>) -> JSONValue? {
        var current = self
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let i = Int(token), i >= 0, i < elements.count,
                      token == "0" || !token.hasPrefix("0") else { return nil }
                current = elements[i]
            default:
                return nil
            }
        }
        return current
    }
}
