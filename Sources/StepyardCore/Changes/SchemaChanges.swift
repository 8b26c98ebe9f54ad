/// The keywords of the effective parameter schema that the Tekton param specs do not say: what a sidecar adds per
/// param (`params.url.pattern`) and at the top level (`schema.allOf`), judged by `Compatibility`'s rules.
enum SchemaChanges {
    /// Keywords of a param's schema derived from its Tekton spec (or, for `enum` and `description`, compared as
    /// the param's own by `ParamChanges`); a sidecar's `default` is an annotation Tekton never reads.
    static let derivedFromSpec: Set<String> = ["type", "items", "properties", "required", "additionalProperties", "enum", "description", "default"]
    /// Top-level keywords the derivation writes; the title names the version, so it always differs.
    static let derivedAtRoot: Set<String> = ["$schema", "title", "type", "properties", "required", "additionalProperties"]

    /// The sidecar's changes to one param's schema at `path` (`params.url`).
    static func property(at path: String, _ before: JSONValue?, _ after: JSONValue?) -> [Change] {
        guard case .object(let old)? = before, case .object(let new)? = after else {
            guard let before, let after, before != after else { return [] }
            let forbidden = after == .bool(false)
            return [Change(path: path, kind: .changed, before: before, after: after, breaking: forbidden,
                           message: forbidden ? "refused by the sidecar schema: any value passed for it is an error" : "accepted by the sidecar schema again")]
        }
        return NamedEntries.union(old.keys, new.keys).filter { !derivedFromSpec.contains($0) }.compactMap { keyword in
            Self.keyword(keyword, at: "\(path).\(keyword)", old[keyword], new[keyword])
        }
    }

    /// The sidecar's top-level keywords (constraints across params such as `dependentRequired`, kept under the
    /// effective schema's `allOf`), at `schema.KEYWORD`.
    static func root(_ before: JSONValue, _ after: JSONValue) -> [Change] {
        let old = before.objectValue ?? [:], new = after.objectValue ?? [:]
        return NamedEntries.union(old.keys, new.keys).filter { !derivedAtRoot.contains($0) }.compactMap { keyword in
            Self.keyword(keyword, at: "schema.\(keyword)", old[keyword], new[keyword])
        }
    }

    /// One keyword from `before` to `after`: a constraint added, changed or tightened breaks; one removed or a bound
    /// relaxed does not; annotations never do. `$defs` only breaks when a definition changes (one added is used
    /// through a `$ref`, which is a constraint of its own).
    static func keyword(_ keyword: String, at path: String, _ before: JSONValue?, _ after: JSONValue?) -> Change? {
        let constraint = !Compatibility.annotations.contains(keyword)
        switch (before, after) {
        case let (nil, value?):
            return Change(path: path, kind: .added, after: value, breaking: constraint && keyword != "$defs",
                          message: "added: \(ChangeText.json(value))")
        case let (value?, nil):
            return Change(path: path, kind: .removed, before: value, breaking: false, message: "removed (was \(ChangeText.json(value)))")
        case let (old?, new?) where old != new:
            if case .number(let a) = old, case .number(let b) = new, let tighter = Compatibility.tightens(keyword, from: a, to: b) {
                return Change(path: path, kind: .changed, before: old, after: new, breaking: tighter,
                              message: "\(a) → \(b) (\(tighter ? "tightened" : "relaxed"))")
            }
            return Change(path: path, kind: .changed, before: old, after: new, breaking: constraint,
                          message: ChangeText.jsonTransition(old, new))
        default:
            return nil
        }
    }
}
