/// Why a YAML stream could not be turned into documents. Each case names the line when one is known.
public enum YAMLLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not UTF-8; `line` is where the first bad byte sits.
    case invalidUTF8(line: Int)
    /// The file is larger than the loader accepts.
    case tooLarge(bytes: Int, limit: Int)
    /// The YAML syntax is broken.
    case syntax(line: Int?, message: String)
    /// Collections nest deeper than the loader accepts.
    case tooDeep(line: Int, limit: Int)
    /// Aliases expand the document past the node budget (a "billion laughs" bomb, or simply too big).
    case tooManyNodes(limit: Int)
    /// A mapping repeats a key; Kubernetes refuses such documents.
    case duplicateKey(key: String, line: Int)
    /// A mapping key is not a string (`{[a]: b}`, `1: x` is accepted as `"1"`).
    case unsupportedKey(line: Int)
    /// A value has no JSON equivalent (`.nan`, `.inf`, binary).
    case unrepresentable(value: String, line: Int)
    /// A number literal with more digits than values may have (`JSONNumber.digitLimit`).
    case numberTooLong(digits: Int, line: Int)

    /// The line the error is about, when known.
    public var line: Int? {
        switch self {
        case .invalidUTF8(let line), .tooDeep(let line, _), .duplicateKey(_, let line),
             .unsupportedKey(let line), .unrepresentable(_, let line), .numberTooLong(_, let line):
            return line
        case .syntax(let line, _): return line
        case .tooLarge, .tooManyNodes: return nil
        }
    }

    public var description: String {
        switch self {
        case .invalidUTF8:
            return "the file is not valid UTF-8 text"
        case let .tooLarge(bytes, limit):
            return "the file is \(bytes) bytes; resource files may be at most \(limit) bytes (Kubernetes stores at most 1.5 MiB per object)"
        case let .syntax(_, message):
            return "invalid YAML: \(message)"
        case let .numberTooLong(digits, _):
            return "a number of \(digits) digits; numbers may have at most \(JSONNumber.digitLimit) (quote it if it is text)"
        case let .tooDeep(_, limit):
            return "the document nests more than \(limit) levels deep"
        case let .tooManyNodes(limit):
            return "the document expands to more than \(limit) nodes (a YAML alias bomb, or far too large for a resource)"
        case let .duplicateKey(key, _):
            return "duplicate key \"\(key)\": a mapping may set each key only once"
        case .unsupportedKey:
            return "a mapping key must be a string, number or boolean"
        case let .unrepresentable(value, _):
            return "the value \(value) has no JSON equivalent"
        }
    }
}
