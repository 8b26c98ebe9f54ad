/// A CEL expression checked the way Tekton's webhook checks a `when: [{cel: …}]` (cel-go's `Compile` in an
/// environment with no declarations): its syntax by the grammar of the CEL specification, and every name it uses
/// either a standard function or a variable a macro binds (`list.all(x, x > 0)`). Tekton's variables are not in
/// that environment, so they must be quoted: `'$(params.branch)' == 'main'`.
///
/// Not checked: types (`'a' + 1` compiles nowhere, but is accepted here), which cel-go's checker also rejects.
struct CELExpression {
    /// Why an expression does not compile: a sentence with the offending position.
    struct Problem: Error, Equatable { var message: String }

    /// `nil` when `text` parses and uses only known names.
    static func problem(in text: String) -> Problem? {
        var parser = Parser(tokens: [], position: 0, bound: [])
        do {
            parser.tokens = try Lexer.tokens(of: text)
            try parser.expression()
            guard parser.position == parser.tokens.count else { throw parser.unexpected() }
            return nil
        } catch let problem as Problem {
            return problem
        } catch {
            return Problem(message: "\(error)")
        }
    }

    enum Token: Equatable {
        case identifier(String)
        case literal
        case symbol(String)
    }

    /// CEL's lexical grammar: identifiers, reserved words, number, string and bytes literals, operators, `//`
    /// comments.
    enum Lexer {
        static let reserved: Set<String> = ["as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
                                            "loop", "package", "namespace", "return", "var", "void", "while"]
        static let symbols = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "?", ":", "+", "-", "*", "/", "%", ".", ",",
                              "(", ")", "[", "]", "{", "}"]

        static func tokens(of text: String) throws -> [(Token, Int)] {
            let chars = Array(text.unicodeScalars)
            var out: [(Token, Int)] = []
            var i = 0
            func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
            func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
            while i < chars.count {
                let c = chars[i]
                if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" { i += 1; continue }
                if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                    while i < chars.count, chars[i] != "\n" { i += 1 }
                    continue
                }
                let start = i
                // String and bytes literals, with the r (raw) and b (bytes) prefixes in either order.
                var j = i, raw = false
                while j < chars.count, j - i < 2, ["r", "R", "b", "B"].contains(chars[j]) {
                    if chars[j] == "r" || chars[j] == "R" { raw = true }
                    j += 1
                }
                if j < chars.count, chars[j] == "\"" || chars[j] == "'" {
                    i = try string(chars, from: j, raw: raw)
                    out.append((.literal, start))
                    continue
                }
                if isLetter(c) {
                    while i < chars.count, isLetter(chars[i]) || isDigit(chars[i]) { i += 1 }
                    let word = String(String.UnicodeScalarView(chars[start..<i]))
                    if reserved.contains(word) { throw Problem(message: "\"\(word)\" is a reserved word in CEL (at \(start + 1))") }
                    switch word {
                    case "true", "false", "null": out.append((.literal, start))
                    case "in": out.append((.symbol("in"), start))
                    default: out.append((.identifier(word), start))
                    }
                    continue
                }
                if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                    if c == "0", i + 1 < chars.count, chars[i + 1] == "x" || chars[i + 1] == "X" {
                        i += 2
                        let digits = i
                        while i < chars.count, isDigit(chars[i]) || ("a"..."f").contains(chars[i]) || ("A"..."F").contains(chars[i]) { i += 1 }
                        if i == digits { throw Problem(message: "a hexadecimal number needs digits (at \(start + 1))") }
                    } else {
                        while i < chars.count, isDigit(chars[i]) { i += 1 }
                        if i < chars.count, chars[i] == ".", i + 1 < chars.count, isDigit(chars[i + 1]) {
                            i += 1
                            while i < chars.count, isDigit(chars[i]) { i += 1 }
                        }
                        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                            i += 1
                            if i < chars.count, chars[i] == "+" || chars[i] == "-" { i += 1 }
                            let digits = i
                            while i < chars.count, isDigit(chars[i]) { i += 1 }
                            if i == digits { throw Problem(message: "an exponent needs digits (at \(start + 1))") }
                        }
                    }
                    if i < chars.count, chars[i] == "u" || chars[i] == "U" { i += 1 }
                    out.append((.literal, start))
                    continue
                }
                guard let symbol = symbols.first(where: { s in
                    let u = Array(s.unicodeScalars)
                    return i + u.count <= chars.count && Array(chars[i..<(i + u.count)]) == u
                }) else {
                    throw Problem(message: "unexpected character '\(c)' at \(i + 1)" + (c == "$" ? ": quote Tekton variables, as in '$(params.x)'" : ""))
                }
                out.append((.symbol(symbol), start))
                i += symbol.unicodeScalars.count
            }
            return out
        }

        /// The end of the string literal opening at `start` (single, double or triple quotes).
        private static func string(_ chars: [Unicode.Scalar], from start: Int, raw: Bool) throws -> Int {
            let quote = chars[start]
            let triple = start + 2 < chars.count && chars[start + 1] == quote && chars[start + 2] == quote
            var i = start + (triple ? 3 : 1)
            while i < chars.count {
                let c = chars[i]
                if !raw, c == "\\" { i += 2; continue }
                if triple {
                    if c == quote, i + 2 < chars.count, chars[i + 1] == quote, chars[i + 2] == quote { return i + 3 }
                } else {
                    if c == "\n" { break }
                    if c == quote { return i + 1 }
                }
                i += 1
            }
            throw Problem(message: "a string opened at \(start + 1) is not closed")
        }
    }

    /// CEL's syntax (the specification's grammar), with the names each subexpression may use.
    struct Parser {
        var tokens: [(Token, Int)]
        var position: Int
        /// Variables bound by enclosing macros.
        var bound: [String]

        static let functions: Set<String> = [
            "size", "int", "uint", "double", "string", "bytes", "bool", "type", "dyn", "duration", "timestamp", "matches",
            "contains", "startsWith", "endsWith", "has", "all", "exists", "exists_one", "map", "filter", "getFullYear",
            "getMonth", "getDayOfYear", "getDayOfMonth", "getDate", "getDayOfWeek", "getHours", "getMinutes", "getSeconds",
            "getMilliseconds", "null_type", "list", "map_type",
        ]
        static let macros: Set<String> = ["all", "exists", "exists_one", "map", "filter"]

        var current: Token? { position < tokens.count ? tokens[position].0 : nil }

        func unexpected() -> Problem {
            guard position < tokens.count else { return Problem(message: "the expression ends too early") }
            let (token, at) = tokens[position]
            let text: String = switch token {
            case .identifier(let name): name
            case .symbol(let symbol): symbol
            case .literal: "a literal"
            }
            return Problem(message: "unexpected \(text) at \(at + 1)")
        }

        mutating func accept(_ symbol: String) -> Bool {
            guard current == .symbol(symbol) else { return false }
            position += 1
            return true
        }

        mutating func expect(_ symbol: String) throws {
            guard accept(symbol) else { throw unexpected() }
        }

        mutating func expression() throws {
            try binary(level: 0)
            if accept("?") {
                try binary(level: 0)
                try expect(":")
                try expression()
            }
        }

        static let levels: [[String]] = [["||"], ["&&"], ["<", "<=", ">=", ">", "==", "!=", "in"], ["+", "-"], ["*", "/", "%"]]

        mutating func binary(level: Int) throws {
            guard level < Self.levels.count else { return try unary() }
            try binary(level: level + 1)
            while case .symbol(let s)? = current, Self.levels[level].contains(s) {
                position += 1
                try binary(level: level + 1)
            }
        }

        mutating func unary() throws {
            while accept("!") || accept("-") {}
            try member()
        }

        mutating func member() throws {
            try primary()
            while true {
                if accept(".") {
                    guard case .identifier(let name)? = current else { throw unexpected() }
                    position += 1
                    if accept("(") {
                        if Self.macros.contains(name), let variable = try macroVariable() {
                            bound.append(variable)
                            try argumentList()
                            bound.removeLast()
                        } else {
                            guard Self.functions.contains(name) else { throw Problem(message: "undeclared reference to '\(name)'") }
                            try argumentList()
                        }
                    }
                } else if accept("[") {
                    try expression()
                    try expect("]")
                } else {
                    return
                }
            }
        }

        /// After `e.all(`: the bound variable and the `,` that follows it, when the macro has the form `x, …`.
        mutating func macroVariable() throws -> String? {
            guard case .identifier(let variable)? = current, position + 1 < tokens.count, tokens[position + 1].0 == .symbol(",") else {
                return nil
            }
            position += 2
            return variable
        }

        /// The arguments after `(` up to `)`.
        mutating func argumentList() throws {
            if accept(")") { return }
            repeat { try expression() } while accept(",")
            try expect(")")
        }

        /// A primary expression. A name must be a standard function (called) or a macro's variable: the environment
        /// declares nothing else (a qualified name or a message type `Name{…}` is undeclared too).
        mutating func primary() throws {
            _ = accept(".")
            guard let token = current else { throw unexpected() }
            switch token {
            case .literal:
                position += 1
            case .identifier(let name):
                position += 1
                if accept("(") {
                    guard Self.functions.contains(name) else { throw Problem(message: "undeclared reference to '\(name)'") }
                    try argumentList()
                } else if !bound.contains(name) {
                    throw Problem(message: "undeclared reference to '\(name)' (Tekton's variables are strings in quotes: '$(params.\(name))')")
                }
            case .symbol("("):
                position += 1
                try expression()
                try expect(")")
            case .symbol("["):
                position += 1
                if !accept("]") {
                    repeat {
                        if current == .symbol("]") { break }
                        try expression()
                    } while accept(",")
                    try expect("]")
                }
            case .symbol("{"):
                position += 1
                if !accept("}") {
                    repeat {
                        if current == .symbol("}") { break }
                        try expression()
                        try expect(":")
                        try expression()
                    } while accept(",")
                    try expect("}")
                }
            default:
                throw unexpected()
            }
        }
    }
}
