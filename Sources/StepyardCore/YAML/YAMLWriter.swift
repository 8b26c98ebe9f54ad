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
        // Built as bytes: resolution writes every resolved template, and byte appends cost far less than string
        // concatenation of the pieces.
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        switch value {
        case .object(let o) where !o.isEmpty:
            writeObject(o, level: 0, into: &out)
        case .array(let a) where !a.isEmpty:
            writeArray(a, level: 0, into: &out)
        default:
            appendScalar(value, level: 0, into: &out)
            out.append(0x0A)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Several documents separated by `---`.
    public func write(documents: [JSONValue]) -> String {
        documents.map { write($0) }.joined(separator: "---\n")
    }

    private func pad(_ level: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(0x20, count: level * indent))
    }

    private func writeObject(_ object: JSONObjectMembers, level: Int, into out: inout [UInt8]) {
        for (key, value) in object {
            pad(level, into: &out)
            Self.appendKey(key, into: &out)
            out.append(UInt8(ascii: ":"))
            writeMember(value, level: level, into: &out)
        }
    }

    private func writeArray(_ array: [JSONValue], level: Int, into out: inout [UInt8]) {
        for item in array {
            switch item {
            case .object(let o) where !o.isEmpty:
                // `- first: x` then the other members aligned under `first`.
                var first = true
                for (key, value) in o {
                    if first {
                        pad(level, into: &out)
                        out.append(UInt8(ascii: "-"))
                        out.append(0x20)
                    } else {
                        pad(level + 1, into: &out)
                    }
                    first = false
                    Self.appendKey(key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    writeMember(value, level: level + 1, into: &out)
                }
            case .array(let a) where !a.isEmpty:
                pad(level, into: &out)
                out.append(UInt8(ascii: "-"))
                out.append(0x0A)
                writeArray(a, level: level + 1, into: &out)
            default:
                pad(level, into: &out)
                out.append(UInt8(ascii: "-"))
                out.append(0x20)
                appendScalar(item, level: level + 1, into: &out)
                out.append(0x0A)
            }
        }
    }

    private func writeMember(_ value: JSONValue, level: Int, into out: inout [UInt8]) {
        switch value {
        case .object(let o) where !o.isEmpty:
            out.append(0x0A)
            writeObject(o, level: level + 1, into: &out)
        case .array(let a) where !a.isEmpty:
            out.append(0x0A)
            writeArray(a, level: level + 1, into: &out)
        default:
            out.append(0x20)
            appendScalar(value, level: level + 1, into: &out)
            out.append(0x0A)
        }
    }

    private func appendScalar(_ value: JSONValue, level: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.description.utf8)
        case .array: out.append(contentsOf: "[]".utf8)
        case .object: out.append(contentsOf: "{}".utf8)
        case .string(let s):
            if Self.isPlainSafe(s) {
                out.append(contentsOf: s.utf8)
            } else if !appendLiteralBlock(s, level: level, into: &out) {
                out.append(contentsOf: Self.doubleQuoted(s).utf8)
            }
        }
    }

    /// Appends a literal block (`|`, `|-`, `|+`) for multi-line text that has no characters a block cannot hold;
    /// `false` (nothing appended) for any other text.
    private func appendLiteralBlock(_ s: String, level: Int, into out: inout [UInt8]) -> Bool {
        var text = s
        return text.withUTF8 { bytes -> Bool in
            guard bytes.contains(0x0A) else { return false }
            var ascii = true
            for byte in bytes {
                if (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F { return false }
                if byte >= 0x80 { ascii = false }
            }
            if !ascii {
                for scalar in s.unicodeScalars {
                    let v = scalar.value
                    if v == 0x85 || v == 0x2028 || v == 0x2029 || v == 0xFEFF { return false }
                }
            }
            var end = bytes.count
            var trailing = 0
            while end > 0, bytes[end - 1] == 0x0A { end -= 1; trailing += 1 }
            // A leading space or an empty first line needs an explicit indentation indicator (relative to the
            // parent's indentation, which is always one step here).
            let needsIndicator = end == 0 || bytes[0] == 0x0A || bytes[0] == 0x20
            out.append(UInt8(ascii: "|"))
            if needsIndicator { out.append(contentsOf: String(indent).utf8) }
            if trailing == 0 { out.append(UInt8(ascii: "-")) } else if trailing > 1 { out.append(UInt8(ascii: "+")) }
            var start = 0
            while true {
                var stop = start
                while stop < end, bytes[stop] != 0x0A { stop += 1 }
                out.append(0x0A)
                if stop > start {
                    pad(max(level, 1), into: &out)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<stop]))
                }
                if stop >= end { break }
                start = stop + 1
            }
            // With keep chomping, the extra line breaks after the last line are content.
            if trailing > 1 { out.append(contentsOf: repeatElement(0x0A, count: trailing - 1)) }
            return true
        }
    }

    private static func appendKey(_ key: String, into out: inout [UInt8]) {
        if isPlainSafe(key) { out.append(contentsOf: key.utf8) } else { out.append(contentsOf: doubleQuoted(key).utf8) }
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
