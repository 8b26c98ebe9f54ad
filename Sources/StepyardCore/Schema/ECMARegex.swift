/// A regular expression with ECMA-262 semantics (as with the `u` flag), as JSON Schema's `pattern`,
/// `patternProperties` and `format: "regex"` require.
///
/// Implemented here rather than on `NSRegularExpression` so that `\d`, `\w`, `\b` are ASCII-only,
/// `\s` and `.` follow ECMA-262, `$` does not match before a trailing newline, `[^]`/`[]` work, and
/// invalid ECMA syntax (`\a`, `(?P<x>)`, `(?i)`) is rejected. Matching is a backtracking search over
/// the string's UTF-8 storage, without copying it. Immutable and safe to share between threads.
public struct ECMARegex: Sendable {
    /// The source pattern.
    public let pattern: String
    let program: RegexProgram

    /// Compiles `pattern`.
    /// - Throws: `ECMARegexSyntaxError` when the pattern is not valid ECMA-262 syntax.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        var parser = RegexParser(pattern)
        let ast = try parser.parse()
        var compiler = RegexCompiler(groupCount: parser.groupCount, recordsCaptures: parser.hasBackreferences)
        program = try compiler.compile(ast)
    }

    /// How a bounded search ended.
    public enum Outcome: Sendable, Equatable {
        case match
        case noMatch
        /// The backtracking search took more than its step budget (a pathological pattern such as `(a+)+$`
        /// on a long non-matching value): it was stopped instead of hanging.
        case exhausted
    }

    /// The most backtracking steps one search may take (about a few milliseconds).
    public static let defaultStepBudget = 1_000_000

    /// `true` when the pattern matches somewhere in `text` (an unanchored search, like `RegExp.test`);
    /// a search that exhausts its step budget counts as no match.
    public func matches(_ text: String) -> Bool {
        evaluate(text) == .match
    }

    /// Searches `text` within a step budget.
    public func evaluate(_ text: String, stepBudget: Int = ECMARegex.defaultStepBudget) -> Outcome {
        var text = text
        return text.withUTF8 { buffer in
            var vm = RegexMachine(program: program, text: buffer, stepBudget: stepBudget)
            if vm.search() { return .match }
            return vm.exhausted ? .exhausted : .noMatch
        }
    }
}

/// Why a pattern is not valid ECMA-262 syntax.
public struct ECMARegexSyntaxError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, e.g. `"unterminated group"`.
    public var reason: String
    public var description: String { reason }
}

// MARK: - Syntax tree

indirect enum RegexNode {
    case empty
    case scalar(UInt32)
    case set(RegexCharSet)
    case any
    case sequence([RegexNode])
    case alternation([RegexNode])
    case group(RegexNode, capture: Int?)
    case repeatNode(RegexNode, min: Int, max: Int?, greedy: Bool)
    case lineStart, lineEnd
    case wordBoundary(negated: Bool)
    case look(RegexNode, ahead: Bool, negated: Bool)
    case backreference(Int)
    case namedBackreference(String)
}

/// A class of scalars: ASCII bitmap (answer precomputed, including negation) plus ranges and
/// predicates for the rest.
struct RegexCharSet: Sendable {
    enum Predicate: Sendable {
        case digit, word, space
        case category(Set<UInt8>)
        case binary(BinaryProperty)
        case anyScalar
    }
    enum BinaryProperty: Sendable { case alphabetic, whiteSpace, uppercase, lowercase, ascii, assigned, emoji, hexDigit, math, ideographic }

    var ranges: [ClosedRange<UInt32>] = []
    var predicates: [(Predicate, negated: Bool)] = []
    var negated = false
    var asciiLow: UInt64 = 0
    var asciiHigh: UInt64 = 0

    mutating func finalize() {
        asciiLow = 0
        asciiHigh = 0
        for c in UInt32(0)..<128 where slowContains(c) {
            if c < 64 { asciiLow |= 1 << UInt64(c) } else { asciiHigh |= 1 << UInt64(c - 64) }
        }
    }

    @inline(__always)
    func contains(_ c: UInt32) -> Bool {
        if c < 64 { return asciiLow & (1 << UInt64(c)) != 0 }
        if c < 128 { return asciiHigh & (1 << UInt64(c - 64)) != 0 }
        return slowContains(c)
    }

    func slowContains(_ c: UInt32) -> Bool {
        var found = false
        for range in ranges where range.contains(c) {
            found = true
            break
        }
        if !found {
            for (predicate, negatedPredicate) in predicates where Self.test(predicate, c) != negatedPredicate {
                found = true
                break
            }
        }
        return found != negated
    }

    static func test(_ predicate: Predicate, _ c: UInt32) -> Bool {
        switch predicate {
        case .digit: return c >= 0x30 && c <= 0x39
        case .word: return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
        case .space: return isECMASpace(c)
        case .anyScalar: return true
        case .category(let categories):
            guard let scalar = Unicode.Scalar(c) else { return categories.contains(RegexProperties.surrogateCode) }
            return categories.contains(RegexProperties.code(scalar.properties.generalCategory))
        case .binary(let property):
            guard let scalar = Unicode.Scalar(c) else { return false }
            let p = scalar.properties
            switch property {
            case .alphabetic: return p.isAlphabetic
            case .whiteSpace: return p.isWhitespace
            case .uppercase: return p.isUppercase
            case .lowercase: return p.isLowercase
            case .ascii: return c < 128
            case .assigned: return p.generalCategory != .unassigned
            case .emoji: return p.isEmoji
            case .hexDigit: return p.isHexDigit
            case .math: return p.isMath
            case .ideographic: return p.isIdeographic
            }
        }
    }

    static func isECMASpace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }
}

/// Unicode property names accepted in `\p{...}`.
enum RegexProperties {
    static let surrogateCode: UInt8 = 28

    static func code(_ category: Unicode.GeneralCategory) -> UInt8 {
        switch category {
        case .uppercaseLetter: return 0
        case .lowercaseLetter: return 1
        case .titlecaseLetter: return 2
        case .modifierLetter: return 3
        case .otherLetter: return 4
        case .nonspacingMark: return 5
        case .spacingMark: return 6
        case .enclosingMark: return 7
        case .decimalNumber: return 8
        case .letterNumber: return 9
        case .otherNumber: return 10
        case .connectorPunctuation: return 11
        case .dashPunctuation: return 12
        case .openPunctuation: return 13
        case .closePunctuation: return 14
        case .initialPunctuation: return 15
        case .finalPunctuation: return 16
        case .otherPunctuation: return 17
        case .mathSymbol: return 18
        case .currencySymbol: return 19
        case .modifierSymbol: return 20
        case .otherSymbol: return 21
        case .spaceSeparator: return 22
        case .lineSeparator: return 23
        case .paragraphSeparator: return 24
        case .control: return 25
        case .format: return 26
        case .privateUse: return 27
        case .surrogate: return 28
        case .unassigned: return 29
        @unknown default: return 29
        }
    }

    /// General categories by short and long name (ECMA-262 `General_Category` values).
    static let categories: [String: Set<UInt8>] = {
        let single: [(String, String, UInt8)] = [
            ("Lu", "Uppercase_Letter", 0), ("Ll", "Lowercase_Letter", 1), ("Lt", "Titlecase_Letter", 2),
            ("Lm", "Modifier_Letter", 3), ("Lo", "Other_Letter", 4), ("Mn", "Nonspacing_Mark", 5),
            ("Mc", "Spacing_Mark", 6), ("Me", "Enclosing_Mark", 7), ("Nd", "Decimal_Number", 8),
            ("Nl", "Letter_Number", 9), ("No", "Other_Number", 10), ("Pc", "Connector_Punctuation", 11),
            ("Pd", "Dash_Punctuation", 12), ("Ps", "Open_Punctuation", 13), ("Pe", "Close_Punctuation", 14),
            ("Pi", "Initial_Punctuation", 15), ("Pf", "Final_Punctuation", 16), ("Po", "Other_Punctuation", 17),
            ("Sm", "Math_Symbol", 18), ("Sc", "Currency_Symbol", 19), ("Sk", "Modifier_Symbol", 20),
            ("So", "Other_Symbol", 21), ("Zs", "Space_Separator", 22), ("Zl", "Line_Separator", 23),
            ("Zp", "Paragraph_Separator", 24), ("Cc", "Control", 25), ("Cf", "Format", 26),
            ("Co", "Private_Use", 27), ("Cs", "Surrogate", 28), ("Cn", "Unassigned", 29),
        ]
        var table: [String: Set<UInt8>] = [:]
        for (short, long, code) in single {
            table[short] = [code]
            table[long] = [code]
        }
        let groups: [([String], Set<UInt8>)] = [
            (["L", "Letter"], [0, 1, 2, 3, 4]), (["LC", "Cased_Letter"], [0, 1, 2]),
            (["M", "Mark", "Combining_Mark"], [5, 6, 7]), (["N", "Number"], [8, 9, 10]),
            (["P", "Punctuation", "punct"], [11, 12, 13, 14, 15, 16, 17]), (["S", "Symbol"], [18, 19, 20, 21]),
            (["Z", "Separator"], [22, 23, 24]), (["C", "Other"], [25, 26, 27, 28, 29]),
            (["cntrl"], [25]), (["digit"], [8]),
        ]
        for (names, codes) in groups { for name in names { table[name] = codes } }
        return table
    }()

    static let binary: [String: RegexCharSet.BinaryProperty] = [
        "Alphabetic": .alphabetic, "Alpha": .alphabetic, "White_Space": .whiteSpace, "space": .whiteSpace,
        "Uppercase": .uppercase, "Upper": .uppercase, "Lowercase": .lowercase, "Lower": .lowercase,
        "ASCII": .ascii, "Assigned": .assigned, "Emoji": .emoji, "Hex_Digit": .hexDigit, "Math": .math,
        "Ideographic": .ideographic, "Ideo": .ideographic,
    ]
}

// MARK: - Parser

struct RegexParser {
    private let scalars: [UInt32]
    private var index = 0
    private(set) var groupCount = 0
    private var groupNames: [String: Int] = [:]
    private var namedReferences: [String] = []
    private var maxBackreference = 0
    /// `true` when the pattern refers back to groups (only then are captures recorded).
    private(set) var hasBackreferences = false

    init(_ pattern: String) {
        scalars = pattern.unicodeScalars.map(\.value)
    }

    mutating func parse() throws -> RegexNode {
        let node = try parseDisjunction()
        if index < scalars.count {
            throw fail(scalars[index] == 0x29 ? "unmatched ')'" : "unexpected character")
        }
        for name in namedReferences where groupNames[name] == nil { throw fail("reference to unknown group name \(name)") }
        if maxBackreference > groupCount { throw fail("backreference \\\(maxBackreference) to a group that does not exist") }
        return resolveNames(node)
    }

    private func resolveNames(_ node: RegexNode) -> RegexNode {
        switch node {
        case .namedBackreference(let name): return .backreference(groupNames[name] ?? 0)
        case .sequence(let nodes): return .sequence(nodes.map(resolveNames))
        case .alternation(let nodes): return .alternation(nodes.map(resolveNames))
        case .group(let inner, let capture): return .group(resolveNames(inner), capture: capture)
        case .repeatNode(let inner, let min, let max, let greedy): return .repeatNode(resolveNames(inner), min: min, max: max, greedy: greedy)
        case .look(let inner, let ahead, let negated): return .look(resolveNames(inner), ahead: ahead, negated: negated)
        default: return node
        }
    }

    private func fail(_ reason: String) -> ECMARegexSyntaxError {
        ECMARegexSyntaxError(reason: "\(reason) at position \(index)")
    }

    private func peek(_ offset: Int = 0) -> UInt32? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func eat(_ c: Character) -> Bool {
        if let p = peek(), p == c.unicodeScalars.first!.value {
            index += 1
            return true
        }
        return false
    }

    private mutating func parseDisjunction() throws -> RegexNode {
        var alternatives = [try parseAlternative()]
        while eat("|") { alternatives.append(try parseAlternative()) }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseAlternative() throws -> RegexNode {
        var terms: [RegexNode] = []
        while let c = peek(), c != 0x7C /* | */, c != 0x29 /* ) */ {
            terms.append(try parseTerm())
        }
        if terms.isEmpty { return .empty }
        return terms.count == 1 ? terms[0] : .sequence(terms)
    }

    private mutating func parseTerm() throws -> RegexNode {
        let c = peek()!
        switch c {
        case 0x5E: index += 1; return .lineStart  // ^
        case 0x24: index += 1; return .lineEnd    // $
        case 0x5C:  // backslash
            if peek(1) == 0x62 { index += 2; return .wordBoundary(negated: false) }  // \b
            if peek(1) == 0x42 { index += 2; return .wordBoundary(negated: true) }   // \B
        case 0x28:  // (
            if peek(1) == 0x3F {  // (?
                let kind = peek(2)
                if kind == 0x3D || kind == 0x21 {  // (?= (?!
                    index += 3
                    let inner = try parseDisjunction()
                    guard eat(")") else { throw fail("unterminated lookahead") }
                    // Annex B allows quantified lookaheads; the u flag does not.
                    return .look(inner, ahead: true, negated: kind == 0x21)
                }
                if kind == 0x3C, let k2 = peek(3), k2 == 0x3D || k2 == 0x21 {  // (?<= (?<!
                    index += 4
                    let inner = try parseDisjunction()
                    guard eat(")") else { throw fail("unterminated lookbehind") }
                    return .look(inner, ahead: false, negated: k2 == 0x21)
                }
            }
        default: break
        }
        let atom = try parseAtom()
        return try parseQuantifier(atom)
    }

    private mutating func parseQuantifier(_ atom: RegexNode) throws -> RegexNode {
        guard let c = peek() else { return atom }
        var min = 0
        var max: Int?
        switch c {
        case 0x2A: index += 1; min = 0; max = nil  // *
        case 0x2B: index += 1; min = 1; max = nil  // +
        case 0x3F: index += 1; min = 0; max = 1    // ?
        case 0x7B:  // {
            guard let (lo, hi, length) = scanBraces() else { throw fail("incomplete quantifier") }
            index += length
            min = lo
            max = hi
            if let hi, hi < lo { throw fail("numbers out of order in {} quantifier") }
        default: return atom
        }
        let greedy = !eat("?")
        if case .lineStart = atom { throw fail("nothing to repeat") }
        if case .lineEnd = atom { throw fail("nothing to repeat") }
        if case .wordBoundary = atom { throw fail("nothing to repeat") }
        if case .look = atom { throw fail("nothing to repeat") }
        return .repeatNode(atom, min: min, max: max, greedy: greedy)
    }

    /// Scans `{n}`, `{n,}` or `{n,m}` at the current position without consuming it.
    private func scanBraces() -> (Int, Int?, Int)? {
        var i = index + 1
        func number() -> Int? {
            var value = 0
            let start = i
            while i < scalars.count, scalars[i] >= 0x30, scalars[i] <= 0x39 {
                value = min(value * 10 + Int(scalars[i] - 0x30), 1_000_000)
                i += 1
            }
            return i > start ? value : nil
        }
        guard let lo = number() else { return nil }
        var hi: Int? = lo
        if i < scalars.count, scalars[i] == 0x2C {
            i += 1
            hi = number()
        }
        guard i < scalars.count, scalars[i] == 0x7D else { return nil }
        return (lo, hi, i + 1 - index)
    }

    private mutating func parseAtom() throws -> RegexNode {
        let c = peek()!
        switch c {
        case 0x2E: index += 1; return .any
        case 0x28:  // (
            index += 1
            var capture: Int?
            if eat("?") {
                if eat(":") {
                    capture = nil
                } else if eat("<") {
                    let name = try parseGroupName()
                    groupCount += 1
                    if groupNames[name] != nil { throw fail("duplicate group name \(name)") }
                    groupNames[name] = groupCount
                    capture = groupCount
                } else {
                    throw fail("invalid group")
                }
            } else {
                groupCount += 1
                capture = groupCount
            }
            let inner = try parseDisjunction()
            guard eat(")") else { throw fail("unterminated group") }
            return .group(inner, capture: capture)
        case 0x5B: return .set(try parseClass())
        case 0x5C: return try parseAtomEscape()
        case 0x2A, 0x2B, 0x3F: throw fail("nothing to repeat")
        case 0x7B:
            if scanBraces() != nil { throw fail("nothing to repeat") }
            throw fail("lone '{' (must be escaped)")
        case 0x7D: throw fail("lone '}' (must be escaped)")
        case 0x5D: throw fail("lone ']' (must be escaped)")
        default:
            index += 1
            return .scalar(c)
        }
    }

    private mutating func parseGroupName() throws -> String {
        var name = ""
        while let c = peek(), c != 0x3E {
            guard let scalar = Unicode.Scalar(c), scalar.properties.isAlphabetic || scalar == "_" || scalar == "$" ||
                    (!name.isEmpty && (scalar.properties.numericType != nil || scalar.properties.generalCategory == .connectorPunctuation)) else {
                throw fail("invalid group name")
            }
            name.unicodeScalars.append(scalar)
            index += 1
        }
        guard eat(">"), !name.isEmpty else { throw fail("invalid group name") }
        return name
    }

    private mutating func parseAtomEscape() throws -> RegexNode {
        index += 1  // backslash
        guard let c = peek() else { throw fail("\\ at end of pattern") }
        if c >= 0x31 && c <= 0x39 {  // backreference
            var value = 0
            while let d = peek(), d >= 0x30, d <= 0x39 {
                value = min(value * 10 + Int(d - 0x30), 100_000)
                index += 1
            }
            maxBackreference = max(maxBackreference, value)
            hasBackreferences = true
            return .backreference(value)
        }
        if c == 0x6B {  // \k<name>
            index += 1
            guard eat("<") else { throw fail("invalid \\k escape") }
            index -= 1
            index += 1
            let name = try parseGroupName()
            namedReferences.append(name)
            hasBackreferences = true
            return .namedBackreference(name)
        }
        if let set = try parseClassEscape() { return .set(set) }
        return .scalar(try parseCharacterEscape(inClass: false))
    }

    /// `\d \D \w \W \s \S \p{..} \P{..}` at the current position (after the backslash).
    private mutating func parseClassEscape() throws -> RegexCharSet? {
        guard let c = peek() else { return nil }
        var set = RegexCharSet()
        switch c {
        case 0x64: set.predicates = [(.digit, false)]
        case 0x44: set.predicates = [(.digit, true)]
        case 0x77: set.predicates = [(.word, false)]
        case 0x57: set.predicates = [(.word, true)]
        case 0x73: set.predicates = [(.space, false)]
        case 0x53: set.predicates = [(.space, true)]
        case 0x70, 0x50:  // p P
            index += 1
            guard eat("{") else { throw fail("invalid \\p escape (expected '{')") }
            var name = ""
            while let d = peek(), d != 0x7D {
                name.unicodeScalars.append(Unicode.Scalar(d)!)
                index += 1
            }
            guard eat("}") else { throw fail("unterminated \\p{...}") }
            set.predicates = [(try property(named: name), c == 0x50)]
            set.finalize()
            return set
        default: return nil
        }
        index += 1
        set.finalize()
        return set
    }

    private func property(named rawName: String) throws -> RegexCharSet.Predicate {
        var name = rawName
        if let eq = rawName.firstIndex(of: "=") {
            let key = rawName[..<eq]
            guard key == "General_Category" || key == "gc" else {
                throw fail("unsupported Unicode property \(rawName)")
            }
            name = String(rawName[rawName.index(after: eq)...])
        }
        if let categories = RegexProperties.categories[name] { return .category(categories) }
        if rawName == name, let binary = RegexProperties.binary[name] { return .binary(binary) }
        if rawName == "Any" { return .anyScalar }
        throw fail("unknown Unicode property \(rawName)")
    }

    /// A character escape (after the backslash), returning its scalar.
    private mutating func parseCharacterEscape(inClass: Bool) throws -> UInt32 {
        let c = peek()!
        index += 1
        switch c {
        case 0x74: return 0x09  // t
        case 0x6E: return 0x0A  // n
        case 0x76: return 0x0B  // v
        case 0x66: return 0x0C  // f
        case 0x72: return 0x0D  // r
        case 0x62 where inClass: return 0x08  // \b in a class is backspace
        case 0x2D where inClass: return 0x2D  // \-
        case 0x63:  // \cX
            guard let letter = peek(), (letter >= 0x41 && letter <= 0x5A) || (letter >= 0x61 && letter <= 0x7A) else {
                throw fail("invalid \\c escape")
            }
            index += 1
            return letter % 32
        case 0x30:  // \0
            if let d = peek(), d >= 0x30, d <= 0x39 { throw fail("invalid octal escape") }
            return 0
        case 0x78:  // \xHH
            guard let value = hexDigits(2) else { throw fail("invalid \\x escape") }
            return value
        case 0x75:  // \uHHHH, \u{H...}
            if eat("{") {
                var value: UInt32 = 0
                var digits = 0
                while let d = peek(), let v = hexValue(d) {
                    value = value &* 16 &+ v
                    digits += 1
                    index += 1
                    if value > 0x10FFFF { throw fail("\\u{...} escape out of range") }
                }
                guard digits > 0, eat("}") else { throw fail("invalid \\u{...} escape") }
                return value
            }
            guard let unit = hexDigits(4) else { throw fail("invalid \\u escape") }
            if (0xD800...0xDBFF).contains(unit), peek() == 0x5C, peek(1) == 0x75 {
                let save = index
                index += 2
                if let low = hexDigits(4), (0xDC00...0xDFFF).contains(low) {
                    return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                }
                index = save
            }
            return unit
        default:
            // Identity escapes: only syntax characters and '/' with the u flag.
            let syntax: Set<UInt32> = [0x5E, 0x24, 0x5C, 0x2E, 0x2A, 0x2B, 0x3F, 0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D, 0x7C, 0x2F]
            if syntax.contains(c) { return c }
            index -= 1
            throw fail("invalid escape \\\(Unicode.Scalar(c).map { String($0) } ?? "?")")
        }
    }

    private func hexValue(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    private mutating func hexDigits(_ count: Int) -> UInt32? {
        var value: UInt32 = 0
        for k in 0..<count {
            guard let d = peek(k), let v = hexValue(d) else { return nil }
            value = value * 16 + v
        }
        index += count
        return value
    }

    private mutating func parseClass() throws -> RegexCharSet {
        index += 1  // [
        var set = RegexCharSet()
        if eat("^") { set.negated = true }
        while true {
            guard let c = peek() else { throw fail("unterminated character class") }
            if c == 0x5D {
                index += 1
                break
            }
            let first = try parseClassAtom()
            if peek() == 0x2D, let next = peek(1), next != 0x5D {
                index += 1  // -
                let second = try parseClassAtom()
                guard case .scalar(let lo) = first, case .scalar(let hi) = second else {
                    throw fail("invalid character class range")
                }
                guard lo <= hi else { throw fail("range out of order in character class") }
                set.ranges.append(lo...hi)
                continue
            }
            switch first {
            case .scalar(let s): set.ranges.append(s...s)
            case .set(let inner): set.predicates.append(contentsOf: inner.predicates)
            }
        }
        set.finalize()
        return set
    }

    private enum ClassAtom { case scalar(UInt32), set(RegexCharSet) }

    private mutating func parseClassAtom() throws -> ClassAtom {
        let c = peek()!
        if c != 0x5C {
            index += 1
            return .scalar(c)
        }
        index += 1
        guard peek() != nil else { throw fail("\\ at end of pattern") }
        if let set = try parseClassEscape() { return .set(set) }
        return .scalar(try parseCharacterEscape(inClass: true))
    }
}

// MARK: - Program

enum RegexInstruction: Sendable {
    case scalar(UInt32)
    case set(Int)
    case any
    case split(Int, Int)  // try the first, backtrack to the second
    case jump(Int)
    case save(Int)
    case lineStart, lineEnd
    case wordBoundary(negated: Bool)
    case look(Int, ahead: Bool, negated: Bool)
    case backreference(Int)
    case mark(Int)         // remember the position in a register
    case progress(Int)     // fail when the position equals the register (empty iteration)
    case match
}

struct RegexProgram: Sendable {
    var instructions: [RegexInstruction] = []
    var sets: [RegexCharSet] = []
    var subprograms: [RegexProgram] = []
    var slotCount = 0
    var registerCount = 0
    var anchoredAtStart = false
}

struct RegexCompiler {
    let groupCount: Int
    let recordsCaptures: Bool
    private var program = RegexProgram()
    private var registerCount = 0
    private static let maxInstructions = 200_000

    init(groupCount: Int, recordsCaptures: Bool) {
        self.groupCount = groupCount
        self.recordsCaptures = recordsCaptures
    }

    mutating func compile(_ node: RegexNode) throws -> RegexProgram {
        program.slotCount = recordsCaptures ? (groupCount + 1) * 2 : 0
        try emit(node)
        program.instructions.append(.match)
        program.registerCount = registerCount
        if case .lineStart = program.instructions.first { program.anchoredAtStart = true }
        return program
    }

    private mutating func emit(_ node: RegexNode) throws {
        if program.instructions.count > Self.maxInstructions { throw ECMARegexSyntaxError(reason: "pattern too large") }
        switch node {
        case .empty: break
        case .scalar(let c): program.instructions.append(.scalar(c))
        case .any: program.instructions.append(.any)
        case .set(let set):
            program.sets.append(set)
            program.instructions.append(.set(program.sets.count - 1))
        case .sequence(let nodes): for n in nodes { try emit(n) }
        case .alternation(let nodes):
            var jumps: [Int] = []
            for (i, n) in nodes.enumerated() {
                if i < nodes.count - 1 {
                    let split = program.instructions.count
                    program.instructions.append(.split(split + 1, 0))
                    try emit(n)
                    jumps.append(program.instructions.count)
                    program.instructions.append(.jump(0))
                    program.instructions[split] = .split(split + 1, program.instructions.count)
                } else {
                    try emit(n)
                }
            }
            for j in jumps { program.instructions[j] = .jump(program.instructions.count) }
        case .group(let inner, let capture):
            if let capture, recordsCaptures { program.instructions.append(.save(capture * 2)) }
            try emit(inner)
            if let capture, recordsCaptures { program.instructions.append(.save(capture * 2 + 1)) }
        case .repeatNode(let inner, let min, let max, let greedy):
            for _ in 0..<min { try emit(inner) }
            if let max {
                // Nested optional copies: (inner (inner ...)?)?
                var exits: [Int] = []
                for _ in min..<max {
                    let split = program.instructions.count
                    program.instructions.append(.split(0, 0))
                    exits.append(split)
                    try emit(inner)
                }
                let end = program.instructions.count
                for split in exits {
                    program.instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1)
                }
            } else {
                let nullable = Self.canMatchEmpty(inner)
                let register = registerCount
                if nullable { registerCount += 1 }
                let loop = program.instructions.count
                program.instructions.append(.split(0, 0))
                if nullable { program.instructions.append(.mark(register)) }
                try emit(inner)
                if nullable { program.instructions.append(.progress(register)) }
                program.instructions.append(.jump(loop))
                let end = program.instructions.count
                program.instructions[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
            }
        case .lineStart: program.instructions.append(.lineStart)
        case .lineEnd: program.instructions.append(.lineEnd)
        case .wordBoundary(let negated): program.instructions.append(.wordBoundary(negated: negated))
        case .look(let inner, let ahead, let negated):
            var sub = RegexCompiler(groupCount: groupCount, recordsCaptures: recordsCaptures)
            sub.registerCount = 0
            let compiled = try sub.compile(inner)
            program.subprograms.append(compiled)
            program.instructions.append(.look(program.subprograms.count - 1, ahead: ahead, negated: negated))
        case .backreference(let n): program.instructions.append(.backreference(n))
        case .namedBackreference: break  // resolved by the parser
        }
    }

    static func canMatchEmpty(_ node: RegexNode) -> Bool {
        switch node {
        case .empty, .lineStart, .lineEnd, .wordBoundary, .look, .backreference, .namedBackreference: return true
        case .scalar, .set, .any: return false
        case .sequence(let nodes): return nodes.allSatisfy(canMatchEmpty)
        case .alternation(let nodes): return nodes.contains(where: canMatchEmpty)
        case .group(let inner, _): return canMatchEmpty(inner)
        case .repeatNode(let inner, let min, _, _): return min == 0 || canMatchEmpty(inner)
        }
    }
}

// MARK: - Matcher

/// A backtracking interpreter of a `RegexProgram` over UTF-8 text.
struct RegexMachine {
    let program: RegexProgram
    let text: UnsafeBufferPointer<UInt8>
    var slots: [Int]
    var registers: [Int]
    private var stack: [Frame] = []

    private enum Frame {
        case branch(pc: Int, position: Int)
        case restoreSlot(Int, Int)
        case restoreRegister(Int, Int)
    }

    /// Steps left before the search gives up; `exhausted` once it has.
    private var stepsLeft: Int
    private(set) var exhausted = false

    init(program: RegexProgram, text: UnsafeBufferPointer<UInt8>, stepBudget: Int = ECMARegex.defaultStepBudget) {
        self.program = program
        self.text = text
        self.stepsLeft = stepBudget
        slots = program.slotCount > 0 ? Array(repeating: -1, count: program.slotCount) : []
        registers = program.registerCount > 0 ? Array(repeating: -1, count: program.registerCount) : []
    }

    /// Tries every start position (scalar boundaries) in order.
    mutating func search() -> Bool {
        var start = 0
        while true {
            if run(program, from: start, requiredEnd: nil) != nil { return true }
            if exhausted || program.anchoredAtStart || start >= text.count { return false }
            start += 1
            while start < text.count, text[start] & 0xC0 == 0x80 { start += 1 }
        }
    }

    @inline(__always)
    private func decode(_ position: Int) -> (UInt32, Int) {
        let b0 = UInt32(text[position])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return (((b0 & 0x1F) << 6) | (UInt32(text[position + 1]) & 0x3F), 2) }
        if b0 < 0xF0 {
            return (((b0 & 0x0F) << 12) | ((UInt32(text[position + 1]) & 0x3F) << 6) | (UInt32(text[position + 2]) & 0x3F), 3)
        }
        return (((b0 & 0x07) << 18) | ((UInt32(text[position + 1]) & 0x3F) << 12) | ((UInt32(text[position + 2]) & 0x3F) << 6)
                | (UInt32(text[position + 3]) & 0x3F), 4)
    }

    private func previousStart(_ position: Int) -> Int {
        var p = position - 1
        while p > 0, text[p] & 0xC0 == 0x80 { p -= 1 }
        return p
    }

    private func isWordAt(_ position: Int) -> Bool {
        guard position >= 0, position < text.count else { return false }
        let c = text[position]
        return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    /// Runs `program` from `start`; returns the end position of the first match.
    private mutating func run(_ program: RegexProgram, from start: Int, requiredEnd: Int?) -> Int? {
        program.instructions.withUnsafeBufferPointer { instructions in
            program.sets.withUnsafeBufferPointer { sets in
                run(program, instructions, sets, from: start, requiredEnd: requiredEnd)
            }
        }
    }

    private mutating func run(_ program: RegexProgram, _ instructions: UnsafeBufferPointer<RegexInstruction>,
                              _ sets: UnsafeBufferPointer<RegexCharSet>, from start: Int, requiredEnd: Int?) -> Int? {
        let base = stack.count
        defer { stack.removeSubrange(base...) }
        var pc = 0
        var position = start
        while true {
            stepsLeft -= 1
            if stepsLeft < 0 || exhausted {
                exhausted = true
                return nil
            }
            var failed = false
            switch instructions[pc] {
            case .scalar(let c):
                if position < text.count {
                    if c < 0x80 {
                        if UInt32(text[position]) == c { position += 1; pc += 1 } else { failed = true }
                    } else {
                        let (s, n) = decode(position)
                        if s == c { position += n; pc += 1 } else { failed = true }
                    }
                } else {
                    failed = true
                }
            case .set(let i):
                if position < text.count {
                    let (s, n) = decode(position)
                    if sets[i].contains(s) { position += n; pc += 1 } else { failed = true }
                } else {
                    failed = true
                }
            case .any:
                if position < text.count {
                    let (s, n) = decode(position)
                    if s == 0x0A || s == 0x0D || s == 0x2028 || s == 0x2029 { failed = true } else { position += n; pc += 1 }
                } else {
                    failed = true
                }
            case .split(let first, let second):
                stack.append(.branch(pc: second, position: position))
                pc = first
            case .jump(let target):
                pc = target
            case .save(let slot):
                stack.append(.restoreSlot(slot, slots[slot]))
                slots[slot] = position
                pc += 1
            case .mark(let register):
                stack.append(.restoreRegister(register, registers[register]))
                registers[register] = position
                pc += 1
            case .progress(let register):
                if registers[register] == position { failed = true } else { pc += 1 }
            case .lineStart:
                if position == 0 { pc += 1 } else { failed = true }
            case .lineEnd:
                if position == text.count { pc += 1 } else { failed = true }
            case .wordBoundary(let negated):
                let before = position > 0 && isWordAt(previousStart(position))
                let after = isWordAt(position)
                if (before != after) != negated { pc += 1 } else { failed = true }
            case .look(let index, let ahead, let negated):
                let sub = program.subprograms[index]
                var found = false
                let savedSlots = slots
                if ahead {
                    found = run(sub, from: position, requiredEnd: nil) != nil
                } else {
                    var s = position
                    while true {
                        if run(sub, from: s, requiredEnd: position) != nil {
                            found = true
                            break
                        }
                        if s == 0 { break }
                        s = previousStart(s)
                    }
                }
                if found != negated {
                    if negated || found == false {
                        slots = savedSlots
                    } else {
                        for k in slots.indices where slots[k] != savedSlots[k] { stack.append(.restoreSlot(k, savedSlots[k])) }
                    }
                    pc += 1
                } else {
                    slots = savedSlots
                    failed = true
                }
            case .backreference(let group):
                let begin = group * 2 < slots.count ? slots[group * 2] : -1
                let end = group * 2 + 1 < slots.count ? slots[group * 2 + 1] : -1
                if begin < 0 || end < 0 || end < begin {
                    pc += 1  // an unset group matches the empty string
                } else {
                    let length = end - begin
                    if position + length <= text.count && (0..<length).allSatisfy({ text[begin + $0] == text[position + $0] }) {
                        position += length
                        pc += 1
                    } else {
                        failed = true
                    }
                }
            case .match:
                if let requiredEnd, position != requiredEnd {
                    failed = true
                } else {
                    return position
                }
            }
            if failed {
                var resumed = false
                while stack.count > base, let frame = stack.popLast() {
                    switch frame {
                    case .branch(let p, let pos):
                        pc = p
                        position = pos
                        resumed = true
                    case .restoreSlot(let slot, let value):
                        slots[slot] = value
                    case .restoreRegister(let register, let value):
                        registers[register] = value
                    }
                    if resumed { break }
                }
                if !resumed { return nil }
            }
        }
    }
}
