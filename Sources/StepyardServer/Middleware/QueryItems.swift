import Foundation

/// A query string read into its items (`+` as a space, percent-escapes decoded; `=x`, `x=`, `=` and `x` alike: a
/// name, maybe empty, and a value, maybe empty). The one reader of query strings: the contract's checks and the web
/// catalog's forms.
struct QueryItems {
    /// Every item, in order (a name may repeat: `kinds=task&kinds=pipeline`).
    let pairs: [(name: String, value: String)]

    init(_ query: String?) {
        pairs = (query ?? "").split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(pair[0]), pair.count > 1 ? Self.decode(pair[1]) : "")
        }
    }

    /// The last value given for `name`.
    subscript(name: String) -> String? { pairs.last { $0.name == name }?.value }

    private static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }

    /// `value` as a query item (for links the server writes).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
