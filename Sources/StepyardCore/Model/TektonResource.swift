import OrderedCollections

/// One Tekton Task, StepAction or Pipeline document, as loaded: typed accessors over the whole
/// document, which is kept as it was read, so writing it back loses nothing.
public struct TektonResource: Sendable, Hashable {
    /// The document's content (the source of truth for every accessor).
    public var document: JSONValue
    public let kind: ResourceKind

    /// Wraps a document whose `kind` Stepyard stores; `nil` for any other kind.
    public init?(document: JSONValue) {
        guard case .object(let fields) = document,
              let kindName = fields["kind"]?.stringValue,
              let kind = ResourceKind(kindName: kindName) else { return nil }
        self.document = document
        self.kind = kind
    }

    public var apiVersion: String? { document["apiVersion"]?.stringValue }
    public var metadata: Metadata { Metadata(document["metadata"]) ?? Metadata(fields: [:]) }
    public var spec: ResourceSpec { ResourceSpec(document["spec"]) ?? ResourceSpec(fields: [:]) }
    public var name: String? { metadata.name }
}
