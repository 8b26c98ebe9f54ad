extension JSONValue {
    /// Writes the value as JSON text.
    ///
    /// - Parameters:
    ///   - sortedKeys: write object members in ascending key order (by Unicode scalars) instead of
    ///     their stored order, for stable output.
    ///   - pretty: indent nested values by two spaces, one member or element per line.
    /// - Returns: valid JSON; strings escape `"`, `\` and all control characters, numbers use
    ///   `JSONNumber.description`.
    public func serialized(sortedKeys: Bool = false, pretty: Bool = false) -> String {
        String(decoding: serializedBytes(sortedKeys: sortedKeys, pretty: pretty), as: UTF8.self)
    }

    /// The UTF-8 bytes of `serialized(sortedKeys:pretty:)` (what digests hash, without building a `String`).
    public func serializedBytes(sortedKeys: Bool = false, pretty: Bool = false) -> [UInt8] {
        var writer = JSONTextWriter(sortedKeys: sortedKeys, pretty: pretty)
        writer.write(self, indent: 0)
        return writer.output
    }
}

/// Accumulates JSON text as UTF-8 bytes for `JSONValue.serialized(sortedKeys:pretty:)`.
struct JSONTextWriter {
    let sortedKeys: Bool
    let pretty: Bool
    var output: [UInt8] = []

    init(sortedKeys: Bool, pretty: Bool) {
        self.sortedKeys = sortedKeys
        self.pretty = pretty
        output.reserveCapacity(1024)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): output.append(contentsOf: n.description.utf8)
        case .string(let s): Self.appendQuoted(s, to: &output)
        case .array(let elements):
            if elements.isEmpty {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            if sortedKeys {
                // Unicode scalar order equals UTF-8 byte order.
                let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                for (i, key) in keys.enumerated() { member(key, members[key]!, first: i == 0, indent: indent) }
            } else {
                for (i, (key, value)) in members.enumerated() { member(key, value, first: i == 0, indent: indent) }
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func member(_ key: String, _ value: JSONValue, first: Bool, indent: Int) {
        if !first { output.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        Self.appendQuoted(key, to: &output)
        output.append(UInt8(ascii: ":"))
        if pretty { output.append(UInt8(ascii: " ")) }
        write(value, indent: indent + 1)
    }

    private mutating func newline(_ level: Int) {
        guard pretty else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }

    /// Appends `s` as a JSON string literal.
    static func appendQuoted(_ s: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case 0x08: output.append(contentsOf: "\\b".utf8)
            case 0x0C: output.append(contentsOf: "\\f".utf8)
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: "\\u00".utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
