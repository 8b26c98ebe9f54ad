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
        var writer = JSONTextWriter(sortedKeys: sortedKeys, pretty: pretty)
        writer.write(self, indent: 0)
        return writer.output
    }
}

/// Accumulates JSON text for `JSONValue.serialized(sortedKeys:pretty:)`.
struct JSONTextWriter {
    let sortedKeys: Bool
    let pretty: Bool
    var output = ""

    init(sortedKeys: Bool, pretty: Bool) {
        self.sortedKeys = sortedKeys
        self.pretty = pretty
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .number(let n): output += n.description
        case .string(let s): Self.appendQuoted(s, to: &output)
        case .array(let elements):
            if elements.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { output += "," }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output += "]"
        case .object(let members):
            if members.isEmpty {
                output += "{}"
                return
            }
            output += "{"
            let keys = sortedKeys ? members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) } : Array(members.keys)
            for (i, key) in keys.enumerated() {
                if i > 0 { output += "," }
                newline(indent + 1)
                Self.appendQuoted(key, to: &output)
                output += pretty ? ": " : ":"
                write(members[key]!, indent: indent + 1)
            }
            newline(indent)
            output += "}"
        }
    }

    private mutating func newline(_ level: Int) {
        guard pretty else { return }
        output += "\n"
        output += String(repeating: "  ", count: level)
    }

    /// Appends `s` as a JSON string literal.
    static func appendQuoted(_ s: String, to output: inout String) {
        output += "\""
        // Fast path: nothing to escape.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            output += s
            output += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
