import OrderedCollections

/// An error found while parsing JSON text, with the position (1-based line and column, counted in
/// Unicode scalars) where it was detected.
public struct JSONParseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, e.g. `"expected ':' after object key"`.
    public var reason: String
    /// The 1-based line of the offending character.
    public var line: Int
    /// The 1-based column of the offending character (in Unicode scalars).
    public var column: Int

    public var description: String { "JSON parse error at line \(line), column \(column): \(reason)" }
}

extension JSONValue {
    /// Parses strict RFC 8259 JSON text.
    ///
    /// Numbers are kept exact (`JSONNumber`), object key order is preserved and a duplicated key keeps
    /// its last value. Nesting deeper than `maxDepth` arrays/objects is rejected with an error instead
    /// of exhausting the stack.
    ///
    /// - Throws: `JSONParseError` describing the first problem, with its line and column.
    public init(parsingJSON text: String, maxDepth: Int = 512) throws {
        var parser = JSONTextParser(bytes: Array(text.utf8), maxDepth: maxDepth)
        self = try parser.parseDocument()
    }
}

/// A recursive-descent parser over UTF-8 bytes implementing the RFC 8259 grammar.
struct JSONTextParser {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index = 0
    private var depth = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws -> JSONValue {
        // A leading byte order mark is tolerated, as RFC 8259 allows.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw error("unexpected content after the JSON value") }
        return value
    }

    // MARK: - Values

    private mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character \(describeCurrent()), expected a value")
        }
    }

    private mutating func enterNesting() throws {
        depth += 1
        if depth > maxDepth { throw error("nesting deeper than the limit of \(maxDepth) arrays/objects") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enterNesting()
        index += 1  // {
        var members = OrderedDictionary<String, JSONValue>()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string object key, found \(describeCurrent())") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after object key, found \(describeCurrent())") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members[key] = value  // duplicate keys: the last one wins (keeping the first position)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default: throw error("expected ',' or '}' in object, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enterNesting()
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw error("expected ',' or ']' in array, found \(describeCurrent())")
            }
        }
    }

    private mutating func expectLiteral(_ literal: String) throws {
        let start = index
        for byte in literal.utf8 {
            guard index < bytes.count, bytes[index] == byte else {
                index = start
                throw error("invalid literal, expected '\(literal)'")
            }
            index += 1
        }
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws -> JSONNumber {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw error("expected a digit in number") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw error("leading zeros are not allowed in numbers") }
        } else {
            while let c = peek(), isDigit(c) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let c = peek(), isDigit(c) else { throw error("expected a digit after the decimal point") }
            while let c = peek(), isDigit(c) { index += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let c = peek(), isDigit(c) else { throw error("expected a digit in the exponent") }
            while let c = peek(), isDigit(c) { index += 1 }
        }
        let digits = JSONNumber.digitCount(bytes[start..<index])
        if digits > JSONNumber.digitLimit {
            index = start
            throw error("a number of \(digits) digits; numbers may have at most \(JSONNumber.digitLimit)")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let number = JSONNumber(Substring(text)) else {
            index = start
            throw error("number \(text) is out of the supported range")
        }
        return number
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    // MARK: - Strings

    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("unescaped control character U+\(hex4(UInt32(c))) in string") }
            index += 1
        }
        var scalars = String.UnicodeScalarView()
        var utf8Buffer = Array(bytes[start..<index])
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                break
            }
            if c < 0x20 { throw error("unescaped control character U+\(hex4(UInt32(c))) in string") }
            if c != UInt8(ascii: "\\") {
                utf8Buffer.append(c)
                index += 1
                continue
            }
            // Flush raw bytes before handling the escape.
            if !utf8Buffer.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8Buffer, as: UTF8.self).unicodeScalars)
                utf8Buffer.removeAll(keepingCapacity: true)
            }
            index += 1
            guard index < bytes.count else { throw error("unterminated escape sequence") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                let unit = try parseHex4()
                if (0xD800...0xDBFF).contains(unit) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired high surrogate \\u\(hex4(unit)) in string")
                    }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate \\u\(hex4(low)) in string") }
                    let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    scalars.append(Unicode.Scalar(value)!)
                } else if (0xDC00...0xDFFF).contains(unit) {
                    throw error("unpaired low surrogate \\u\(hex4(unit)) in string")
                } else {
                    scalars.append(Unicode.Scalar(unit)!)
                }
            default:
                index -= 1
                throw error("invalid escape sequence '\\\(describeCurrent())' in string")
            }
        }
        if !utf8Buffer.isEmpty { scalars.append(contentsOf: String(decoding: utf8Buffer, as: UTF8.self).unicodeScalars) }
        return String(scalars)
    }

    private mutating func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("incomplete \\u escape") }
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hexadecimal digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private func hex4(_ value: UInt32) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    // MARK: - Helpers

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        // Decode the scalar starting here for the message.
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        if let scalar = text.unicodeScalars.first, scalar.value < 0x20 { return "U+\(hex4(scalar.value))" }
        return "'\(text)'"
    }

    /// Builds an error located at the current byte offset.
    private func error(_ reason: String) -> JSONParseError {
        var line = 1
        var column = 1
        var i = 0
        let limit = min(index, bytes.count)
        while i < limit {
            let c = bytes[i]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return JSONParseError(reason: reason, line: line, column: column)
    }
}
