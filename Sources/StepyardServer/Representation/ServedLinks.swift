import StepyardCore
import StepyardStore

/// Served parameter schemas `$ref` the shared types by their `$id`s (`https://stepyard.dev/schemas/params/…`), which
/// no one serves. On the way out, each such reference becomes the server's own path (`/schemas/params/git-url.json`,
/// a root-relative reference: it resolves against whatever URL the schema was fetched from, so the bytes are the
/// same on every server), and a served shared schema loses its `$id`, so that it too is identified by where it was
/// fetched.
enum SchemaLinks {
    static let idPrefix = "https://stepyard.dev/schemas/"
    static let servedPrefix = "/schemas/"

    /// `schema` as served: every `$ref` to a shipped schema pointed at this server, the shipped `$id` dropped.
    static func served(_ schema: JSONValue) -> JSONValue {
        switch schema {
        case .object(let members):
            var out = members
            for (key, value) in members {
                if key == "$ref", let ref = value.stringValue, ref.hasPrefix(idPrefix) {
                    out[key] = .string(servedPrefix + ref.dropFirst(idPrefix.count))
                } else if key == "$id", value.stringValue?.hasPrefix(idPrefix) == true {
                    out.removeValue(forKey: key)
                } else {
                    out[key] = served(value)
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(served))
        default:
            return schema
        }
    }
}

/// A version's README links the catalog's files relatively (`../../../task/go/1.0.0/README.md`), which means
/// nothing over HTTP. Served, each link to a catalog file becomes the REST path that serves it: a README to
/// `…/{version}/readme`, a resource's main file to `…/{version}`, a parameter schema sidecar to `…/{version}/schema`
/// (root-relative, the same bytes on every server). Links elsewhere — absolute URLs, anchors, other files — stay.
enum ReadmeLinks {
    static func rewrite(_ readme: [UInt8], of info: VersionInfo, organisation: String) -> String {
        let text = String(decoding: readme, as: UTF8.self)
        let folder = info.path.split(separator: "/").dropLast().map(String.init)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = text[...]
        // Markdown inline links and images: `](target)` or `](target "title")`.
        while let open = rest.range(of: "](") {
            out += rest[..<open.upperBound]
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(where: { $0 == ")" || $0 == " " || $0 == "\n" }) else { continue }
            let target = String(rest[..<close])
            out += served(target, folder: folder, organisation: organisation) ?? target
            rest = rest[close...]
        }
        out += rest
        return out
    }

    /// The served path of a relative link from a README in `folder`, or `nil` to keep it.
    static func served(_ target: String, folder: [String], organisation: String) -> String? {
        guard !target.isEmpty, !target.hasPrefix("/"), !target.hasPrefix("#"), !target.contains(":") else { return nil }
        let (pathPart, fragment) = target.firstIndex(of: "#").map { (String(target[..<$0]), String(target[$0...])) } ?? (target, "")
        var parts = folder
        for segment in pathPart.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": guard !parts.isEmpty else { return nil }; parts.removeLast()
            default: parts.append(String(segment))
            }
        }
        guard case .version(let key, let file) = RepositoryLayout.entry(for: parts.joined(separator: "/"), organisation: organisation) else { return nil }
        let base = "/api/v1/resources/\(key.namespace)/\(key.kind.rawValue)/\(key.name)/\(key.version)"
        switch file {
        case RepositoryLayout.readmeFile: return base + "/readme" + fragment
        case "\(key.name).yaml", "\(key.name).yml": return base + fragment
        case "\(key.name).schema.json": return base + "/schema" + fragment
        default: return nil
        }
    }
}
