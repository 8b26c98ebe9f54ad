import OrderedCollections

/// What changed in a resource's interface between two versions, and which changes break its users.
public struct CompatibilityReport: Sendable, Hashable, Codable {
    /// One difference in the interface.
    public struct Change: Sendable, Hashable, Codable {
        public var breaking: Bool
        /// Where: `params.url`, `results.digest`, `params.url.pattern`.
        public var path: String
        public var message: String
    }

    public var from: String
    public var to: String
    public var changes: [Change]

    public var breaking: [Change] { changes.filter(\.breaking) }
    public var isBreaking: Bool { changes.contains(where: \.breaking) }

    /// People-readable lines: `breaking: params.url: …`.
    public var lines: [String] {
        changes.map { "\($0.breaking ? "breaking" : "compatible"): \($0.path): \($0.message)" }
    }
}

/// Compares two versions' interfaces: removing a param or result, adding a required param, changing a type,
/// narrowing an enum, or a sidecar schema that rejects values the old one accepted is breaking; adding an
/// optional param, widening an enum or adding a result is not.
public enum Compatibility {
    /// Compares `old` with `new`, each with its effective parameter schema.
    public static func compare(old: TektonResource, oldSchema: JSONValue, new: TektonResource, newSchema: JSONValue,
                               registry: SchemaRegistry, from: String, to: String) -> CompatibilityReport {
        var changes: [CompatibilityReport.Change] = []
        func breaking(_ path: String, _ message: String) { changes.append(.init(breaking: true, path: path, message: message)) }
        func compatible(_ path: String, _ message: String) { changes.append(.init(breaking: false, path: path, message: message)) }

        let oldParams = Dictionary(old.spec.params.compactMap { p in p.name.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        let newParams = Dictionary(new.spec.params.compactMap { p in p.name.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        for name in oldParams.keys.sorted() where newParams[name] == nil {
            breaking("params.\(name)", "param removed: values passed for it are now refused")
        }
        for name in newParams.keys.sorted() {
            let param = newParams[name]!
            let hasDefault = param.defaultValue != nil && param.defaultValue != .null
            guard let before = oldParams[name] else {
                if hasDefault { compatible("params.\(name)", "optional param added") } else { breaking("params.\(name)", "required param added (no default): existing users do not pass it") }
                continue
            }
            let hadDefault = before.defaultValue != nil && before.defaultValue != .null
            if hadDefault && !hasDefault { breaking("params.\(name).default", "default removed: the param is now required") }
            if before.type != param.type {
                breaking("params.\(name).type", "type changed from \(before.type.rawValue) to \(param.type.rawValue)")
                continue
            }
            compareEnums(before, param, name, &changes)
            if param.type == .object {
                let oldKeys = Set(before.properties?.keys ?? []), newKeys = Set(param.properties?.keys ?? [])
                let added = newKeys.subtracting(oldKeys).sorted()
                if !added.isEmpty { breaking("params.\(name).properties", "object keys added (every key is required): \(added.joined(separator: ", "))") }
            }
        }
        compareConstraints(oldSchema, newSchema, params: Set(oldParams.keys).intersection(newParams.keys), registry: registry, &changes)

        let oldResults = Dictionary(old.spec.results.compactMap { r in r.name.map { ($0, r) } }, uniquingKeysWith: { a, _ in a })
        let newResults = Dictionary(new.spec.results.compactMap { r in r.name.map { ($0, r) } }, uniquingKeysWith: { a, _ in a })
        for name in oldResults.keys.sorted() {
            guard let after = newResults[name] else {
                breaking("results.\(name)", "result removed: users reading it break")
                continue
            }
            let t0 = oldResults[name]!.declaredType ?? "string", t1 = after.declaredType ?? "string"
            if t0 != t1 { breaking("results.\(name).type", "result type changed from \(t0) to \(t1)") }
        }
        for name in newResults.keys.sorted() where oldResults[name] == nil {
            compatible("results.\(name)", "result added")
        }
        return CompatibilityReport(from: from, to: to, changes: changes)
    }

    private static func compareEnums(_ before: ParamSpec, _ after: ParamSpec, _ name: String, _ changes: inout [CompatibilityReport.Change]) {
        let oldEnum = before.enumValues.flatMap { $0.isEmpty ? nil : Set($0) }
        let newEnum = after.enumValues.flatMap { $0.isEmpty ? nil : Set($0) }
        switch (oldEnum, newEnum) {
        case let (nil, values?):
            changes.append(.init(breaking: true, path: "params.\(name).enum", message: "enum added: only \(render(values)) are accepted now"))
        case (_?, nil):
            changes.append(.init(breaking: false, path: "params.\(name).enum", message: "enum removed: any value accepted"))
        case let (old?, new?):
            let removed = old.subtracting(new), added = new.subtracting(old)
            if !removed.isEmpty { changes.append(.init(breaking: true, path: "params.\(name).enum", message: "enum narrowed: \(render(removed)) no longer accepted")) }
            if !added.isEmpty { changes.append(.init(breaking: false, path: "params.\(name).enum", message: "enum widened: \(render(added)) accepted")) }
        default:
            break
        }
    }

    /// Sidecar refinements: a constraint added or tightened is breaking, and so is any old example, default or
    /// enum value the new schema rejects.
    private static func compareConstraints(_ oldSchema: JSONValue, _ newSchema: JSONValue, params: Set<String>,
                                           registry: SchemaRegistry, _ changes: inout [CompatibilityReport.Change]) {
        let lowerBounds: Set<String> = ["minLength", "minItems", "minimum", "exclusiveMinimum", "minProperties", "minContains"]
        let upperBounds: Set<String> = ["maxLength", "maxItems", "maximum", "exclusiveMaximum", "maxProperties", "maxContains"]
        let constraints: Set<String> = Set(["pattern", "format", "const", "$ref", "multipleOf", "allOf", "anyOf", "oneOf", "not",
                                        "if", "then", "else", "uniqueItems", "contains", "prefixItems", "propertyNames", "dependentRequired"])
            .union(lowerBounds).union(upperBounds)
        let compiled = try? JSONSchema(newSchema, registry: registry)
        for name in params.sorted() {
            guard case .object(let before)? = oldSchema["properties"]?[name], case .object(let after)? = newSchema["properties"]?[name] else { continue }
            for keyword in constraints.sorted() {
                let path = "params.\(name).\(keyword)"
                switch (before[keyword], after[keyword]) {
                case let (nil, value?):
                    changes.append(.init(breaking: true, path: path, message: "constraint added: \(keyword) \(value.serialized())"))
                case (_?, nil):
                    changes.append(.init(breaking: false, path: path, message: "constraint removed: \(keyword)"))
                case let (old?, new?) where old != new:
                    if case .number(let a) = old, case .number(let b) = new {
                        let tighter = lowerBounds.contains(keyword) ? b > a : upperBounds.contains(keyword) ? b < a : true
                        changes.append(.init(breaking: tighter, path: path, message: "\(keyword) changed from \(a) to \(b)"))
                    } else {
                        changes.append(.init(breaking: true, path: path, message: "\(keyword) changed from \(old.serialized()) to \(new.serialized())"))
                    }
                default:
                    break
                }
            }
            // Values the old version documented as good must still pass.
            guard let compiled else { continue }
            var samples: [JSONValue] = before["examples"]?.arrayValue ?? []
            if let value = before["default"] { samples.append(value) }
            samples += before["enum"]?.arrayValue ?? []
            for sample in samples {
                let errors = compiled.validate(.object([name: sample])).errors.filter { $0.instancePointer.hasPrefix("/" + JSONPointer.escape(name)) }
                if let first = errors.first {
                    changes.append(.init(breaking: true, path: "params.\(name)", message: "\(sample.serialized()), accepted before, is now refused: \(first.message)"))
                }
            }
        }
    }

    private static func render(_ values: Set<JSONValue>) -> String {
        values.map { $0.serialized() }.sorted().joined(separator: ", ")
    }
}
