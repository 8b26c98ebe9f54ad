/// What the compatibility gate reads: the change report between the predecessor in the version line and the new
/// version. (The name dates from when it covered the params and results only.)
public typealias CompatibilityReport = ChangeReport

/// The compatibility gate's rules: which changes between two versions of a resource break its users.
///
/// Breaking: removing a param or result; adding a param without default; removing a default; changing a param's or
/// a result's type; adding or narrowing an enum; adding keys to an object param (every key is required); in the
/// effective schema (sidecar included), adding a constraint, tightening a bound (`maxLength` 100 → 10), changing any
/// other constraint, or refusing a value the old schema documented as good (an example, the default, an enum value).
/// Compatible: everything else the change report lists — an optional param or a result added, an enum widened or
/// removed, a constraint relaxed or removed, defaults and descriptions, workspaces, pins, steps, images, scripts and
/// the rest of the document.
///
/// Each rule is applied where the report finds the change (`ParamChanges`, `SchemaChanges`, `ResultChanges`); the
/// keyword tables are here.
public enum Compatibility {
    /// The change report from `old` to `new`, each with its effective parameter schema; the gate refuses it when it
    /// `isBreaking`. `registry` resolves the new schema's `$ref`s.
    public static func compare(old: TektonResource, oldSchema: JSONValue, new: TektonResource, newSchema: JSONValue,
                               registry: SchemaRegistry, from: String, to: String) -> CompatibilityReport {
        ChangeReport(from: ComparedVersion(label: from, resource: old, parameterSchema: oldSchema),
                     to: ComparedVersion(label: to, resource: new, parameterSchema: newSchema), registry: registry)
    }

    /// Bounds that refuse more the higher they are.
    static let lowerBounds: Set<String> = ["minLength", "minItems", "minimum", "exclusiveMinimum", "minProperties", "minContains"]
    /// Bounds that refuse more the lower they are.
    static let upperBounds: Set<String> = ["maxLength", "maxItems", "maximum", "exclusiveMaximum", "maxProperties", "maxContains"]
    /// Schema keywords that describe and never refuse a value; every other keyword is a constraint.
    static let annotations: Set<String> = ["title", "description", "default", "examples", "$comment", "deprecated", "readOnly",
                                           "writeOnly", "contentMediaType", "contentEncoding", "contentSchema", "$id", "$anchor",
                                           "$dynamicAnchor", "$schema", "$vocabulary"]

    /// Whether a bound moving from `old` to `new` refuses values it accepted; `nil` when `keyword` is no bound.
    static func tightens(_ keyword: String, from old: JSONNumber, to new: JSONNumber) -> Bool? {
        if lowerBounds.contains(keyword) { return new > old }
        if upperBounds.contains(keyword) { return new < old }
        return nil
    }
}
