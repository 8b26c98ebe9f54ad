import Foundation
import HTTPTypes
import StepyardStore

/// The header fields that tell a consumer a version it asked for is deprecated or yanked: `Deprecation`
/// (RFC 9745, `@<unix time>` of the deprecation, when it is known), `Link` to the version with `rel="deprecation"`,
/// and a `Warning` (`299`) with the publisher's message for each such version.
enum LifecycleHeaders {
    static let deprecation = HTTPField.Name("Deprecation")!
    static let warning = HTTPField.Name("Warning")!
    static let linkName = HTTPField.Name("Link")!

    /// The fields for `notices`; `link` gives the URL of a version's resource (`…/api/v1/resources/…/{v}`).
    static func fields(_ notices: [LifecycleNotice], link: (LifecycleNotice) -> String) -> [HTTPField] {
        guard !notices.isEmpty else { return [] }
        var fields: [HTTPField] = []
        let deprecated = notices.filter(\.deprecated)
        if let date = deprecated.lazy.compactMap({ $0.deprecatedAt.flatMap(Self.unixTime) }).first {
            fields.append(HTTPField(name: deprecation, value: "@\(date)"))
        }
        if !deprecated.isEmpty {
            fields.append(HTTPField(name: linkName, value: deprecated.map { "<\(link($0))>; rel=\"deprecation\"" }.joined(separator: ", ")))
        }
        fields.append(HTTPField(name: warning, value: notices.map { "299 stepyard \"\(quoted($0.sentence))\"" }.joined(separator: ", ")))
        return fields
    }

    /// A quoted-string's content: printable ASCII, `"` and `\` escaped, anything else as `?`.
    static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(500) {
            switch scalar {
            case "\"", "\\": out += "\\" + String(scalar)
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "?"
            }
        }
        return out
    }

    /// Seconds since 1970 of an RFC 3339 timestamp.
    static func unixTime(_ timestamp: String) -> Int? {
        ISO8601DateFormatter().date(from: timestamp).map { Int($0.timeIntervalSince1970) }
    }
}
