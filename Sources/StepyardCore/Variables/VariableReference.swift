/// A `$(…)` variable reference found in a string, such as `$(params.url)`, `$(params["a.b"])`,
/// `$(params.args[*])`, `$(params.files[0])` or `$(params.spec.image)`.
public struct VariableReference: Sendable, Hashable {
    /// What follows the name.
    public enum Selector: Sendable, Hashable {
        /// `$(params.x)`: the value itself (a string param, or one key of an object with `.key`).
        case whole
        /// `$(params.x[*])`: every element of an array, or the whole object.
        case star
        /// `$(params.x[2])`: one element of an array.
        case index(Int)
        /// `$(params.x.key)`: one key of an object param.
        case key(String)
    }

    /// The first segment: `params`, `results`, `workspaces`, `context`, `steps`, …
    public var root: String
    /// The name after the root (`url` in `$(params.url)`).
    public var name: String
    public var selector: Selector
    /// The reference as written, `$(` to `)`.
    public var text: String
    /// `true` when the reference is the whole string (`"$(params.args[*])"`), as array and object
    /// expansion requires.
    public var isIsolated: Bool
    /// Where the reference sits in its string, in Unicode scalars.
    public var scalarRange: Range<Int> = 0..<0

    /// `string` with each reference `transform` answers for replaced in one pass (so a replacement is never
    /// substituted again); references it answers `nil` for stay as they are.
    public static func replacing(in string: String, root: String? = nil,
                                 _ transform: (VariableReference) throws -> String?) rethrows -> String {
        let refs = all(in: string, root: root)
        guard !refs.isEmpty else { return string }
        let scalars = Array(string.unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        for ref in refs {
            guard let replacement = try transform(ref) else { continue }
            out.append(contentsOf: scalars[cursor..<ref.scalarRange.lowerBound])
            out.append(contentsOf: replacement.unicodeScalars)
            cursor = ref.scalarRange.upperBound
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }

    /// Every `$(root.…)` reference in `string` whose root is `root` (or all roots when `nil`).
    ///
    /// Escaped references (`$$(params.x)`) are skipped, as Tekton does not substitute them.
    public static func all(in string: String, root: String? = nil) -> [VariableReference] {
        guard string.contains("$(") else { return [] }
        var out: [VariableReference] = []
        let chars = Array(string.unicodeScalars)
        var i = 0
        while i + 1 < chars.count {
            guard chars[i] == "$", chars[i + 1] == "(" else { i += 1; continue }
            if i > 0, chars[i - 1] == "$" { i += 2; continue }
            // Find the matching `)`, skipping quoted brackets such as `["a)b"]`.
            var j = i + 2
            var quote: Unicode.Scalar? = nil
            while j < chars.count {
                let c = chars[j]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == ")" {
                    break
                }
                j += 1
            }
            guard j < chars.count else { break }
            var body = String(String.UnicodeScalarView(chars[(i + 2)..<j]))
            let text = "$(" + body + ")"
            let isolated = i == 0 && j == chars.count - 1
            if var ref = parse(&body, text: text, isolated: isolated), root == nil || ref.root == root {
                ref.scalarRange = i..<(j + 1)
                out.append(ref)
            }
            i = j + 1
        }
        return out
    }

    private static func parse(_ body: inout String, text: String, isolated: Bool) -> VariableReference? {
        guard let separator = body.firstIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
        let root = String(body[..<separator])
        var rest = body[separator...]
        let name: String
        if rest.hasPrefix("[\"") || rest.hasPrefix("['") {
            // Bracket notation: `params["name.with.dots"]`.
            let quote = rest.dropFirst().first!
            let inner = rest.dropFirst(2)
            guard let end = inner.firstIndex(of: quote), inner[inner.index(after: end)...].hasPrefix("]") else { return nil }
            name = String(inner[..<end])
            rest = inner[inner.index(end, offsetBy: 2)...]
        } else if rest.hasPrefix(".") {
            let tail = rest.dropFirst()
            let end = tail.firstIndex(where: { $0 == "." || $0 == "[" }) ?? tail.endIndex
            name = String(tail[..<end])
            rest = tail[end...]
        } else {
            return nil
        }
        guard !name.isEmpty else { return nil }
        let selector: Selector
        if rest.isEmpty {
            selector = .whole
        } else if rest == "[*]" {
            selector = .star
        } else if rest.hasPrefix("["), rest.hasSuffix("]"), let index = Int(rest.dropFirst().dropLast()) {
            selector = .index(index)
        } else if rest.hasPrefix(".") {
            selector = .key(String(rest.dropFirst()))
        } else {
            selector = .key(String(rest))
        }
        return VariableReference(root: root, name: name, selector: selector, text: text, isIsolated: isolated)
    }
}
