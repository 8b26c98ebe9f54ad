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
    /// Where the reference sits in its string, as UTF-8 offsets.
    public var utf8Range: Range<Int> = 0..<0

    /// `string` with each reference `transform` answers for replaced in one pass (so a replacement is never
    /// substituted again); references it answers `nil` for stay as they are.
    public static func replacing(in string: String, root: String? = nil,
                                 _ transform: (VariableReference) throws -> String?) rethrows -> String {
        let refs = all(in: string, root: root)
        guard !refs.isEmpty else { return string }
        let bytes = Array(string.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var cursor = 0
        for ref in refs {
            guard let replacement = try transform(ref) else { continue }
            out.append(contentsOf: bytes[cursor..<ref.utf8Range.lowerBound])
            out.append(contentsOf: replacement.utf8)
            cursor = ref.utf8Range.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Every `$(root.…)` reference in `string` whose root is `root` (or all roots when `nil`).
    ///
    /// Escaped references (`$$(params.x)`) are skipped, as Tekton does not substitute them. Works on the UTF-8
    /// bytes (every delimiter is ASCII) and allocates only for the references it returns.
    public static func all(in string: String, root: String? = nil) -> [VariableReference] {
        var string = string
        return string.withUTF8 { bytes in scan(bytes, root: root.map { Array($0.utf8) }) }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, root: [UInt8]?) -> [VariableReference] {
        let dollar = UInt8(ascii: "$"), open = UInt8(ascii: "("), close = UInt8(ascii: ")")
        let count = bytes.count
        var out: [VariableReference] = []
        var i = 0
        while i + 1 < count {
            guard bytes[i] == dollar, bytes[i + 1] == open else { i += 1; continue }
            if i > 0, bytes[i - 1] == dollar { i += 2; continue }
            // Find the matching `)`, skipping quoted brackets such as `["a)b"]`.
            var j = i + 2
            var quote: UInt8 = 0
            while j < count {
                let c = bytes[j]
                if quote != 0 {
                    if c == quote { quote = 0 }
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == close {
                    break
                }
                j += 1
            }
            guard j < count else { break }
            if let root {
                // Cheap filter before any allocation: the body must start with `root` followed by `.` or `[`.
                let start = i + 2, end = start + root.count
                guard end < j, bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: "["),
                      (0..<root.count).allSatisfy({ bytes[start + $0] == root[$0] }) else {
                    i = j + 1
                    continue
                }
            }
            let body = UnsafeBufferPointer(rebasing: bytes[(i + 2)..<j])
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[i...j]), as: UTF8.self)
            let isolated = i == 0 && j == count - 1
            if var ref = parse(body, text: text, isolated: isolated) {
                ref.utf8Range = i..<(j + 1)
                out.append(ref)
            }
            i = j + 1
        }
        return out
    }

    /// Reads `root.name…` (or `root["name"]…`) and what follows the name, on bytes: every delimiter is ASCII.
    private static func parse(_ body: UnsafeBufferPointer<UInt8>, text: String, isolated: Bool) -> VariableReference? {
        let dot = UInt8(ascii: "."), open = UInt8(ascii: "["), close = UInt8(ascii: "]")
        let count = body.count
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: body[range]), as: UTF8.self) }
        func first(from start: Int, where match: (UInt8) -> Bool) -> Int? {
            var i = start
            while i < count { if match(body[i]) { return i }; i += 1 }
            return nil
        }
        guard let separator = first(from: 0, where: { $0 == dot || $0 == open }) else { return nil }
        let root = string(0..<separator)
        let name: String
        let rest: Range<Int>
        if separator + 1 < count, body[separator] == open, body[separator + 1] == UInt8(ascii: "\"") || body[separator + 1] == UInt8(ascii: "'") {
            // Bracket notation: `params["name.with.dots"]`.
            let quote = body[separator + 1]
            guard let end = first(from: separator + 2, where: { $0 == quote }), end + 1 < count, body[end + 1] == close else { return nil }
            name = string((separator + 2)..<end)
            rest = (end + 2)..<count
        } else if body[separator] == dot {
            let end = first(from: separator + 1, where: { $0 == dot || $0 == open }) ?? count
            name = string((separator + 1)..<end)
            rest = end..<count
        } else {
            return nil
        }
        guard !name.isEmpty else { return nil }
        let selector: Selector
        if rest.isEmpty {
            selector = .whole
        } else if rest.count == 3, body[rest.lowerBound] == open, body[rest.lowerBound + 1] == UInt8(ascii: "*"), body[rest.lowerBound + 2] == close {
            selector = .star
        } else if rest.count >= 2, body[rest.lowerBound] == open, body[rest.upperBound - 1] == close,
                  let index = Int(string((rest.lowerBound + 1)..<(rest.upperBound - 1))) {
            selector = .index(index)
        } else if body[rest.lowerBound] == dot {
            selector = .key(string((rest.lowerBound + 1)..<rest.upperBound))
        } else {
            selector = .key(string(rest))
        }
        return VariableReference(root: root, name: name, selector: selector, text: text, isIsolated: isolated)
    }
}
