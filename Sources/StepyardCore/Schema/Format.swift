/// A check for one `format` value; formats without a checker (unknown ones) always pass.
struct FormatChecker: Sendable {
    let name: String
    let check: (@Sendable (String) -> Bool)?

    init(name: String) {
        self.name = name
        check = FormatValidators.table[name]
    }
}

/// Validators for the `format` values of JSON Schema draft 2020-12 (RFC 3339 dates and times,
/// RFC 3986 URIs, RFC 5321 e-mail, RFC 1123 host names, IP addresses, ...).
public enum FormatValidators {
    /// Format names this implementation can assert.
    public static var supportedFormats: [String] { table.keys.sorted() }

    /// `true` when `value` satisfies `format`; unknown formats always pass.
    public static func isValid(_ value: String, format: String) -> Bool {
        table[format]?(value) ?? true
    }

    static let table: [String: @Sendable (String) -> Bool] = [
        "date-time": isDateTime, "date": isDate, "time": isTime, "duration": isDuration,
        "email": { isEmail($0, international: false) }, "idn-email": { isEmail($0, international: true) },
        "hostname": { isHostname($0, international: false) }, "idn-hostname": { isHostname($0, international: true) },
        "ipv4": isIPv4, "ipv6": isIPv6,
        "uri": { isURI($0, requireScheme: true, international: false) },
        "uri-reference": { isURI($0, requireScheme: false, international: false) },
        "iri": { isURI($0, requireScheme: true, international: true) },
        "iri-reference": { isURI($0, requireScheme: false, international: true) },
        "uri-template": isURITemplate, "json-pointer": JSONPointer.isValid,
        "relative-json-pointer": isRelativeJSONPointer, "regex": { (try? ECMARegex($0)) != nil },
        "uuid": isUUID,
    ]

    // MARK: Dates and times (RFC 3339)

    private static func digits(_ s: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= s.count else { return nil }
        var value = 0
        for i in start..<(start + count) {
            let c = s[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }

    private static func parseDate(_ s: [UInt8]) -> Bool {
        guard s.count == 10, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
              let year = digits(s, 0, 4), let month = digits(s, 5, 2), let day = digits(s, 8, 2),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    private static func parseTime(_ s: [UInt8]) -> Bool {
        guard s.count >= 9, s[2] == UInt8(ascii: ":"), s[5] == UInt8(ascii: ":"),
              let hour = digits(s, 0, 2), let minute = digits(s, 3, 2), let second = digits(s, 6, 2),
              hour < 24, minute < 60, second <= 60 else { return false }
        var i = 8
        if s[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < s.count, s[i] >= 0x30, s[i] <= 0x39 { i += 1 }
            guard i > start else { return false }
        }
        guard i < s.count else { return false }
        var offsetMinutes = 0
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
            guard i + 1 == s.count else { return false }
        } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            guard i + 6 == s.count, s[i + 3] == UInt8(ascii: ":"), let oh = digits(s, i + 1, 2), let om = digits(s, i + 4, 2),
                  oh < 24, om < 60 else { return false }
            offsetMinutes = (oh * 60 + om) * (s[i] == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return false
        }
        if second == 60 {
            // A leap second is only valid at 23:59:60 UTC.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isDate(_ value: String) -> Bool { parseDate(Array(value.utf8)) }

    static func isTime(_ value: String) -> Bool { parseTime(Array(value.utf8)) }

    static func isDateTime(_ value: String) -> Bool {
        let s = Array(value.utf8)
        guard s.count > 11, s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") else { return false }
        return parseDate(Array(s[0..<10])) && parseTime(Array(s[11...]))
    }

    static func isDuration(_ value: String) -> Bool {
        var s = Substring(value)
        guard s.first == "P" else { return false }
        s = s.dropFirst()
        if s.isEmpty { return false }
        func components(_ text: Substring, units: [Character]) -> [Character]? {
            var found: [Character] = []
            var rest = text
            while !rest.isEmpty {
                let numberEnd = rest.firstIndex { !($0.isASCII && $0.isNumber) } ?? rest.endIndex
                guard numberEnd > rest.startIndex, numberEnd < rest.endIndex else { return nil }
                let unit = rest[numberEnd]
                guard let position = units.firstIndex(of: unit),
                      found.last.map({ units.firstIndex(of: $0)! < position }) ?? true else { return nil }
                found.append(unit)
                rest = rest[rest.index(after: numberEnd)...]
            }
            return found
        }
        if s.last == "W" {
            guard let w = components(s, units: ["W"]), w == ["W"] else { return false }
            return true
        }
        let parts = s.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        guard let date = components(parts[0], units: ["Y", "M", "D"]) else { return false }
        // RFC 3339: dur-year = 1*DIGIT "Y" [dur-month]; dur-month = ... [dur-day]; no gaps.
        if date == ["Y", "D"] { return false }
        var time: [Character] = []
        if parts.count == 2 {
            guard let t = components(parts[1], units: ["H", "M", "S"]), !t.isEmpty else { return false }
            if t == ["H", "S"] { return false }
            time = t
        }
        return !(date.isEmpty && time.isEmpty)
    }

    // MARK: Internet addresses

    static func isIPv4(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  part == "0" || !part.hasPrefix("0"), let n = Int(part), n <= 255 else { return false }
        }
        return true
    }

    static func isIPv6(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        var text = Substring(value)
        var groupsAvailable = 8
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
            groupsAvailable = 6
        }
        func groups(_ part: Substring) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for p in pieces {
                guard (1...4).contains(p.count), p.allSatisfy(\.isHexDigit) else { return nil }
            }
            return pieces.count
        }
        let halves = text.components(separatedBy: "::")
        if halves.count > 2 { return false }
        if halves.count == 2 {
            guard let a = groups(Substring(halves[0])), let b = groups(Substring(halves[1])) else { return false }
            return a + b < groupsAvailable
        }
        guard let n = groups(text) else { return false }
        return n == groupsAvailable
    }

    static func isHostname(_ value: String, international: Bool) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 253 || international else { return false }
        // IDNA also treats the ideographic and fullwidth full stops as label separators.
        let separators: Set<Character> = international ? [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"] : ["."]
        let labels = value.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) })
        for label in labels {
            guard !label.isEmpty, label.unicodeScalars.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
            let scalars = Array(label.unicodeScalars)
            if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-", !label.lowercased().hasPrefix("xn--") { return false }
            if label.lowercased().hasPrefix("xn--") && label.count <= 5 { return false }
            for scalar in scalars {
                if scalar.isASCII {
                    guard scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" else { return false }
                } else {
                    guard international, scalar.properties.isAlphabetic || scalar.properties.numericType != nil ||
                            scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .spacingMark else { return false }
                }
            }
            if let first = scalars.first, [.nonspacingMark, .spacingMark, .enclosingMark].contains(first.properties.generalCategory) { return false }
        }
        return true
    }

    static func isEmail(_ value: String, international: Bool) -> Bool {
        guard let at = value.lastIndex(of: "@") else { return false }
        let local = value[..<at]
        let domain = value[value.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
            let inner = local.dropFirst().dropLast()
            var escaped = false
            for c in inner.unicodeScalars {
                if escaped { escaped = false; continue }
                if c == "\\" { escaped = true; continue }
                if c == "\"" || c.value < 0x20 { return false }
            }
        } else {
            guard local.first != ".", local.last != ".", !local.contains("..") else { return false }
            let allowed = Set("!#$%&'*+-/=?^_`{|}~.".unicodeScalars)
            for c in local.unicodeScalars {
                if c.isASCII {
                    guard c.properties.isAlphabetic || ("0"..."9").contains(c) || allowed.contains(c) else { return false }
                } else if !international {
                    return false
                }
            }
        }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { return false }
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(String(literal))
        }
        return isHostname(String(domain), international: international)
    }

    // MARK: URIs (RFC 3986 / 3987)

    static func isURI(_ value: String, requireScheme: Bool, international: Bool) -> Bool {
        let unreserved = Set("-._~".unicodeScalars)
        let subDelims = Set("!$&'()*+,;=".unicodeScalars)
        let scalars = Array(value.unicodeScalars)
        // Percent encodings and allowed characters.
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "%" {
                guard i + 2 < scalars.count, scalars[i + 1].properties.isASCIIHexDigit, scalars[i + 2].properties.isASCIIHexDigit else { return false }
                i += 3
                continue
            }
            if !c.isASCII {
                guard international, c.properties.generalCategory != .control, !c.properties.isWhitespace else { return false }
            } else {
                guard c.properties.isAlphabetic || ("0"..."9").contains(c) || unreserved.contains(c) || subDelims.contains(c) ||
                        ":/?#[]@".unicodeScalars.contains(c) else { return false }
            }
            i += 1
        }
        let reference = URIReference(value)
        if requireScheme {
            guard let scheme = reference.scheme, !scheme.isEmpty else { return false }
        }
        if let scheme = reference.scheme {
            guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
                  scheme.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) })
            else { return false }
        } else if let firstSegment = reference.path.split(separator: "/", omittingEmptySubsequences: false).first,
                  reference.authority == nil, !reference.path.hasPrefix("/"), firstSegment.contains(":") {
            return false
        }
        if value.firstIndex(of: ":") != nil, reference.scheme == nil, !value.hasPrefix("/"), !value.hasPrefix("?"), !value.hasPrefix("#"),
           let colon = value.firstIndex(of: ":"), !value[..<colon].contains("/"), !value[..<colon].contains("?"), !value[..<colon].contains("#") {
            return false
        }
        if let authority = reference.authority {
            var host = Substring(authority)
            if let at = host.lastIndex(of: "@") {
                let userinfo = host[..<at]
                if userinfo.contains("@") || userinfo.contains("[") || userinfo.contains("]") { return false }
                host = host[host.index(after: at)...]
            }
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { return false }
                let literal = host[host.index(after: host.startIndex)..<close]
                if !literal.hasPrefix("v") && !literal.hasPrefix("V") && !isIPv6(String(literal)) { return false }
                let rest = host[host.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":"), rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                }
            } else {
                if host.contains("[") || host.contains("]") { return false }
                if let colon = host.firstIndex(of: ":") {
                    guard host[host.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                }
            }
        }
        if reference.path.contains("[") || reference.path.contains("]") { return false }
        if let q = reference.query, q.contains("[") || q.contains("]") { return false }
        if let f = reference.fragment, f.contains("#") || f.contains("[") || f.contains("]") { return false }
        return true
    }

    static func isURITemplate(_ value: String) -> Bool {
        var inExpression = false
        var expression = ""
        for c in value.unicodeScalars {
            if inExpression {
                if c == "}" {
                    guard isTemplateExpression(expression) else { return false }
                    inExpression = false
                    expression = ""
                } else if c == "{" {
                    return false
                } else {
                    expression.unicodeScalars.append(c)
                }
            } else if c == "{" {
                inExpression = true
            } else if c == "}" || c == " " || c == "\"" || c == "'" && false || c == "<" || c == ">" || c == "\\" || c == "^" || c == "`" || c == "|" || c.value < 0x21 || c.value == 0x7F {
                return false
            }
        }
        return !inExpression
    }

    private static func isTemplateExpression(_ expression: String) -> Bool {
        var body = Substring(expression)
        if let first = body.first, "+#./;?&".contains(first) { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        for spec in body.split(separator: ",", omittingEmptySubsequences: false) {
            var name = spec
            if name.hasSuffix("*") {
                name = name.dropLast()
            } else if let colon = name.firstIndex(of: ":") {
                let length = name[name.index(after: colon)...]
                guard (1...4).contains(length.count), length.allSatisfy({ $0.isASCII && $0.isNumber }), !length.hasPrefix("0") else { return false }
                name = name[..<colon]
            }
            guard !name.isEmpty, !name.hasPrefix("."), !name.hasSuffix("."), !name.contains("..") else { return false }
            var i = name.startIndex
            while i < name.endIndex {
                let c = name[i]
                if c == "%" {
                    let a = name.index(after: i)
                    guard a < name.endIndex, name[a].isHexDigit, name.index(after: a) < name.endIndex, name[name.index(after: a)].isHexDigit else { return false }
                    i = name.index(a, offsetBy: 2)
                    continue
                }
                guard c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == ".") else { return false }
                i = name.index(after: i)
            }
        }
        return true
    }

    static func isRelativeJSONPointer(_ value: String) -> Bool {
        let digitsEnd = value.firstIndex { !($0.isASCII && $0.isNumber) } ?? value.endIndex
        let prefix = value[..<digitsEnd]
        guard !prefix.isEmpty, prefix == "0" || !prefix.hasPrefix("0") else { return false }
        let rest = value[digitsEnd...]
        return rest == "#" || JSONPointer.isValid(String(rest))
    }

    static func isUUID(_ value: String) -> Bool {
        let s = Array(value.utf8)
        guard s.count == 36 else { return false }
        for (i, c) in s.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) else { return false }
            }
        }
        return true
    }
}
