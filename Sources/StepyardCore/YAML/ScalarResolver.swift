import BigInt

/// Resolves a YAML scalar to a JSON value with the YAML 1.1 rules Kubernetes applies to manifests:
/// plain `yes`/`no`/`on`/`off`/`true`/`false` are booleans, `~`/`null`/empty is null, integers in
/// decimal, hex (`0x`), octal (`0o`, leading `0`) and binary (`0b`) with `_` separators, decimals and
/// exponents. Quoted and block scalars are always strings; timestamps stay strings.
enum ScalarResolver {
    /// Resolves one scalar: `tag` as libyaml reports it (`nil` when untagged), `plain` when unquoted and not a block.
    static func resolve(_ text: String, tag: String?, plain: Bool, line: Int) throws(YAMLLoadError) -> JSONValue {
        switch tag {
        case nil:
            return plain ? try self.plain(text, line: line) : .string(text)
        case "tag:yaml.org,2002:null":
            return .null
        case "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            let value = try self.plain(text, line: line)
            if case .string = value { throw .unrepresentable(value: "\(tag!) \"\(text)\"", line: line) }
            return value
        case "tag:yaml.org,2002:binary":
            throw .unrepresentable(value: "of type !!binary", line: line)
        default:
            // `!!str`, the non-specific `!`, and application tags: the text as written.
            return .string(text)
        }
    }

    static func plain(_ text: String, line: Int) throws(YAMLLoadError) -> JSONValue {
        guard let first = text.utf8.first else { return .null }
        // Fast path: most scalars in a manifest are names, images and scripts.
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            if let number = number(text) { return .number(number) }
            let digits = JSONNumber.digitCount(text.utf8)
            if digits > JSONNumber.digitLimit { throw .numberTooLong(digits: digits, line: line) }
            if [".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN"].contains(text) {
                throw .unrepresentable(value: text, line: line)
            }
            return .string(text)
        case UInt8(ascii: "~"):
            return text == "~" ? .null : .string(text)
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            switch text {
            case "null", "Null", "NULL": return .null
            case "no", "No", "NO": return .bool(false)
            default: return .string(text)
            }
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
             UInt8(ascii: "o"), UInt8(ascii: "O"):
            switch text {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
            case "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
            default: return .string(text)
            }
        default:
            return .string(text)
        }
    }

    /// YAML 1.1 integers and floats; `nil` for anything else (a version like `1.2.3`, a date).
    static func number(_ text: String) -> JSONNumber? {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let cleaned = body.contains("_") ? Substring(body.filter { $0 != "_" }) : body
        guard !cleaned.isEmpty else { return nil }
        func integer(_ digits: Substring, radix: Int) -> JSONNumber? {
            guard !digits.isEmpty, let magnitude = BigInt(digits, radix: radix) else { return nil }
            return JSONNumber(significand: negative ? -magnitude : magnitude, exponent: 0)
        }
        if cleaned.hasPrefix("0x") { return integer(cleaned.dropFirst(2), radix: 16) }
        if cleaned.hasPrefix("0o") { return integer(cleaned.dropFirst(2), radix: 8) }
        if cleaned.hasPrefix("0b") { return integer(cleaned.dropFirst(2), radix: 2) }
        if cleaned.count > 1, cleaned.first == "0", cleaned.allSatisfy({ $0 >= "0" && $0 <= "7" }) {
            return integer(cleaned.dropFirst(), radix: 8)
        }
        // Decimal integer or float: digits, at most one point, optional exponent. `.5` is a float in YAML 1.1.
        var sawDigit = false, sawPoint = false, sawExponent = false
        var previous: Character = " "
        for c in cleaned {
            if c.isASCII && c.isNumber { sawDigit = true }
            else if c == "." && !sawPoint && !sawExponent { sawPoint = true }
            else if (c == "e" || c == "E") && sawDigit && !sawExponent { sawExponent = true }
            else if (c == "-" || c == "+") && (previous == "e" || previous == "E") { }
            else { return nil }
            previous = c
        }
        guard sawDigit else { return nil }
        var spelled = cleaned
        if spelled.first == "." { spelled = "0" + spelled }
        if spelled.last == "." { spelled = spelled.dropLast() }
        guard let parsed = JSONNumber(spelled) else { return nil }
        return negative ? JSONNumber(significand: -parsed.significand, exponent: parsed.exponent) : parsed
    }
}
