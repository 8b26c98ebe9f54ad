/// One side of a change report: a version's document and its effective parameter schema (sidecar included).
public struct ComparedVersion: Sendable, Hashable {
    /// How the report names this side: a version (`0.9`) or a reference (`task/go@1.0.0`).
    public var label: String
    public var resource: TektonResource
    /// The effective parameter schema (`ParameterSchema.effective`).
    public var parameterSchema: JSONValue

    public init(label: String, resource: TektonResource, parameterSchema: JSONValue) {
        self.label = label
        self.resource = resource
        self.parameterSchema = parameterSchema
    }

    /// A side whose schema is derived from its params and `sidecar`.
    /// - Throws: `ParameterSchemaError` when the sidecar cannot refine the params.
    public init(label: String, resource: TektonResource, sidecar: JSONValue? = nil) throws(ParameterSchemaError) {
        self.init(label: label, resource: resource, parameterSchema: try ParameterSchema.effective(for: resource, sidecar: sidecar))
    }
}
