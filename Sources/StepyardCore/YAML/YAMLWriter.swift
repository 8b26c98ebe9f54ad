import OrderedCollections

/// Writes a `JSONValue` as block-style YAML that any YAML 1.1 or 1.2 reader (kubectl, Yams, PyYAML)
/// reads back as the same data.
///
/// Strings stay plain when no reader could take them for anything else, multi-line strings (scripts)
/// become literal blocks, and everything else is double-quoted with JSON escapes.
public struct YAMLWriter: Sendable {
    /// Spaces per nesting level.
    public var indent: Int = 2

    public init() {}

    /// The YAML text of one document, ending with a newline.
    public func write(_ value: JSONValue) -> String {
        var out = ""
        switch value {
        case .object(let o) where !o.isEmpty:
            writeObject(o, level: 0, into: &out)
        case .array(let a) where !a.isEmpty:
            writeArray(a, level: 0, into: &out)
        default:
            out = scalar(value, level: 0) + "\n"
        }
        return out
    }

    /// Several documents separated by `---`.
    public func write(documents: [JSONValue]) -> String {
        documents.map { write($0) }.joined(separator: "---\n")
    }

    private func pad(_ level: Int) -> String { String(repeating: " ", count: level * indent) }

    private func writeObject(_ object: JSONObjectMembers, level: Int, into out: inout String) {
        for (key, value) in object {
            out += pad(level) + Self.key(key) + ":"
            writeMember(value, level: level, into: &out)
        }
    }

    private func writeArray(_ array: [JSONValue], level: Int, into out: inout String) {
        for item in array {
            switch item {
            case .object(let o) where !o.isEmpty:
                // `- first: x` then the other members aligned under `first`.
                var first = true
                for (key, value) in o {
                    out += (first ? pad(level) + "- " : pad(level + 1)) + Self.key(key) + ":"
                    first = false
                    writeMember(value, level: level + 1, into: &out)
                }
            case .array(let a) where !a.isEmpty:
                out += pad(level) + "-\n"
                writeArray(a, level: level + 1, into: &out)
            default:
                out += pad(level) + "- " + scalar(item, level: level + 1) + "\n"
            }
        }
    }

    private func writeMember(_ value: JSONValue, level: Int, into out: inout String) {
        switch value {
        case .object(let o) where !o.isEmpty:
            out += "\n"
            writeObject(o, level: level + 1, into: &out)
        case .array(let a) where !a.isEmpty:
            out += "\n"
            writeArray(a, level: level + 1, into: &out)
        default:
            out += " " + scalar(value, level: level + 1) + "\n"
        }
    }

    private func scalar(_ value: JSONValue, level: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .array: return "[]"
        case .object: return "{}"
        case .string(let s): return string(s, level: level)
        }
    }

    private func string(_ s: String, level: Int) -> String {
        if Self.isPlainSafe(s) { return s }
        if let block = literalBlock(s, level: level) { return block }
        return Self.doubleQuoted(s)
    }

    /// A literal block (`|`, `|-`, `|+`) for multi-line text that has no characters a block cannot hold.
    private func literalBlock(_ s: String, level: Int) -> String? {
        guard s.contains("\n") else { return nil }
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if (v < 0x20 && v != 0x0A && v != 0x09) || v == 0x7F || v == 0x85 || v == 0x2028 || v == 0x2029 || v == 0xFEFF {
                return nil
            }
        }
        var body = Substring(s)
        var trailing = 0
        while body.last == "\n" { body = body.dropLast(); trailing += 1 }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        // A leading space or an empty first line needs an explicit indentation indicator (relative to the
        // parent's indentation, which is always one step here).
        let first = lines.first ?? ""
        let needsIndicator = first.isEmpty || first.first == " "
        let chomp = trailing == 0 ? "-" : trailing == 1 ? "" : "+"
        var out = "|" + (needsIndicator ? String(indent) : "") + chomp
        let prefix = pad(max(level, 1))
        for line in lines {
            out += "\n" + (line.isEmpty ? "" : prefix + line)
        }
        // With keep chomping, the extra line breaks after the last line are content.
        if trailing > 1 { out += String(repeating: "\n", count: trailing - 1) }
        return out
    }

    static func key(_ key: String) -> String {
        isPlainSafe(key) ? key : doubleQuoted(key)
    }

    /// `true` when `s` written plain reads back as the same string in YAML 1.1 and 1.2.
    static func isPlainSafe(_ s: String) -> Bool {
        var utf8 = s.utf8
        let count = utf8.count
        guard count > 0 else { return false }
        // One pass over the bytes: indicators, ": ", " #", control and non-printable characters.
        let safe: Bool? = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let first = bytes[0], last = bytes[count - 1]
            if last == 0x20 || last == 0x09 || last == UInt8(ascii: ":") { return false }
            switch first {
            case UInt8(ascii: "-"):
                // `-x` is plain; `-` alone, `- x` and `--x` are not worth the doubt.
                if count == 1 || bytes[1] == 0x20 || bytes[1] == UInt8(ascii: "-") { return false }
            case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                 UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                 UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"),
                 0x20, 0x09, UInt8(ascii: "0")...UInt8(ascii: "9"):
                return false
            default:
                break
            }
            var previous: UInt8 = 0
            var ascii = true
            for byte in bytes {
                if byte < 0x20 || byte == 0x7F { return false }
                if byte >= 0x80 { ascii = false }
                if previous == UInt8(ascii: ":") && (byte == 0x20 || byte == 0x09) { return false }
                if previous == 0x20 && byte == UInt8(ascii: "#") { return false }
                previous = byte
            }
            if !ascii {
                for scalar in s.unicodeScalars {
                    let v = scalar.value
                    if (v >= 0x80 && v < 0xA0) || v == 0x2028 || v == 0x2029 || v == 0xFEFF { return false }
                }
                if let first = s.unicodeScalars.first, first.properties.numericType != nil { return false }
            }
            return true
        }
        if safe == nil {
            // Non-contiguous storage (bridged strings): copy once.
            var copy = s
            copy.makeContiguousUTF8()
            utf8 = copy.utf8
            return isPlainSafe(copy)
        }
        guard safe == true else { return false }
        guard case .string = (try? ScalarResolver.plain(s, line: 0)) ?? .null else { return false }
        // YAML 1.1 readers also know `y`/`n`, `=` and `<<`.
        if count <= 2, ["y", "Y", "n", "N", "=", "<<", "~"].contains(s) { return false }
        return true
    }

    /// A JSON-compatible double-quoted scalar.
    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) || v == 0x2028 || v == 0x2029 || v == 0xFEFF {
                    out += v <= 0xFF ? "\\x" + hex(v, width: 2) : "\\u" + hex(v, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

typealias JSONObjectMembers = OrderedDictionary<String, JSONValue>
