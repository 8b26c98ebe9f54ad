/// Variable references found exactly as Tekton's admission finds them (`pkg/substitution`): its regular expression
/// `\$\(PREFIX(\.(?P<var1>.*?(\[\*\])?)|\["(?P<var2>.*?(\[\*\])?)"\]|\['(?P<var3>.*?(\[\*\])?)'\])\)`, matched
/// leftmost-first and without overlaps, written out by hand on bytes.
///
/// This differs from `VariableReference` (what Stepyard substitutes) on purpose: Tekton's webhook does not honour
/// `$$(…)` escapes, stops a reference at the first `)` and never crosses a line, and lint must agree with it.
enum Substitution {
    /// One reference: its text and the variable after the prefix (`url` of `$(params.url)`, `obj.key`, `a[*]`).
    struct Match: Hashable {
        var text: String
        var variable: String
        /// The dot notation (`$(params.x)`), whose variable is split at its first dot; bracket notation is not.
        var dotted: Bool
    }

    /// Every match of `prefix` (a literal such as `params`, `context.taskRun`, `params.obj`) in `value`.
    static func matches(in value: String, prefix: String) -> [Match] {
        let bytes = Array(value.utf8), head = Array("$(\(prefix)".utf8)
        var out: [Match] = []
        var i = 0
        func find(_ needle: [UInt8], from start: Int) -> Int? {
            var j = start
            while j + needle.count <= bytes.count {
                if bytes[j] == UInt8(ascii: "\n") { return nil }
                if bytes[j] == needle[0], Array(bytes[j..<(j + needle.count)]) == needle { return j }
                j += 1
            }
            return nil
        }
        while i + head.count < bytes.count {
            guard bytes[i] == head[0], Array(bytes[i..<(i + head.count)]) == head else { i += 1; continue }
            let k = i + head.count
            var found: (end: Int, variable: Range<Int>, dotted: Bool)?
            if bytes[k] == UInt8(ascii: "."), let close = find([UInt8(ascii: ")")], from: k + 1) {
                found = (close + 1, (k + 1)..<close, true)
            } else if k + 1 < bytes.count, bytes[k] == UInt8(ascii: "["),
                      bytes[k + 1] == UInt8(ascii: "\"") || bytes[k + 1] == UInt8(ascii: "'") {
                let quote = bytes[k + 1]
                if let close = find([quote, UInt8(ascii: "]"), UInt8(ascii: ")")], from: k + 2) {
                    found = (close + 3, (k + 2)..<close, false)
                }
            }
            guard let found else { i += 1; continue }
            out.append(Match(text: String(decoding: bytes[i..<found.end], as: UTF8.self),
                             variable: String(decoding: bytes[found.variable], as: UTF8.self), dotted: found.dotted))
            i = found.end
        }
        return out
    }

    /// A finding of one of the checks below: the reference at fault and why.
    struct Problem: Hashable {
        enum Kind: Hashable { case tooManyDots, unknown, wholeValue, notIsolated }
        var kind: Kind
        var reference: String
        var variable: String
    }

    /// `ExtractVariablesFromString`: the variable names (dot notation keeps what precedes its first dot); a
    /// reference with more than two dot-separated parts is a problem of its own.
    static func variables(in value: String, prefix: String) -> (names: [String], matches: [Match], problem: Problem?) {
        let found = matches(in: value, prefix: prefix)
        var names: [String] = []
        for match in found {
            if match.dotted, match.variable.contains(".") {
                let parts = match.variable.split(separator: ".", omittingEmptySubsequences: false)
                if parts.count > 2 {
                    return (names, found, Problem(kind: .tooManyDots, reference: match.text, variable: match.variable))
                }
                names.append(String(parts[0]))
            } else {
                names.append(match.variable)
            }
        }
        return (names, found, nil)
    }

    /// `ValidateNoReferencesToUnknownVariables`: the first reference to a name outside `known`.
    static func unknownVariable(in value: String, prefix: String, known: Set<String>) -> Problem? {
        let (names, found, problem) = variables(in: value, prefix: prefix)
        if let problem { return problem }
        for (name, match) in zip(names, found) where !known.contains(trimArrayIndex(name)) {
            return Problem(kind: .unknown, reference: match.text, variable: trimArrayIndex(name))
        }
        return nil
    }

    /// `ValidateNoReferencesToProhibitedVariables`: a reference to one of `names` as a whole (`[i]` is allowed).
    static func prohibitedVariable(in value: String, prefix: String, names prohibited: Set<String>) -> Problem? {
        let (names, found, problem) = variables(in: value, prefix: prefix)
        if let problem { return problem }
        for (name, match) in zip(names, found) where prohibited.contains(name.dropSuffix("[*]")) {
            return Problem(kind: .wholeValue, reference: match.text, variable: name.dropSuffix("[*]"))
        }
        return nil
    }

    /// `ValidateNoReferencesToEntireProhibitedVariables`: a whole object or array (`$(params.o)`, `$(params.o[*])`;
    /// `$(params.o.key)` is allowed).
    static func entireProhibitedVariable(in value: String, prefix: String, names prohibited: Set<String>) -> Problem? {
        for match in matches(in: value, prefix: prefix) where prohibited.contains(match.variable.dropSuffix("[*]")) {
            return Problem(kind: .wholeValue, reference: match.text, variable: match.variable.dropSuffix("[*]"))
        }
        return nil
    }

    /// `ValidateVariableReferenceIsIsolated`: a reference to one of `names` must be the whole string.
    static func notIsolated(in value: String, prefix: String, names isolated: Set<String>) -> Problem? {
        let (names, found, problem) = variables(in: value, prefix: prefix)
        if let problem { return problem }
        guard let first = found.first else { return nil }
        for (name, match) in zip(names, found) where isolated.contains(name.dropSuffix("[*]")) {
            if value.utf8.count != first.text.utf8.count {
                return Problem(kind: .notIsolated, reference: match.text, variable: name.dropSuffix("[*]"))
            }
        }
        return nil
    }

    /// `TrimArrayIndex`: removes every `[digits]`, `[*]` and `[digits*]`.
    static func trimArrayIndex(_ s: String) -> String {
        guard s.contains("[") else { return s }
        var out = "", i = s.startIndex
        while i < s.endIndex {
            if s[i] == "[" {
                var j = s.index(after: i)
                while j < s.endIndex, s[j].isASCII, s[j].isNumber { j = s.index(after: j) }
                if j < s.endIndex, s[j] == "*" { j = s.index(after: j) }
                if j < s.endIndex, s[j] == "]" { i = s.index(after: j); continue }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }
}

extension String {
    /// The string without `suffix` at its end, when it has it.
    func dropSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
