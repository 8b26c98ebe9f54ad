import StepyardCore

/// The upstream version a fork version derives from, as its `fork.json` records it.
public struct ForkUpstream: Sendable, Hashable, Codable {
    public var namespace: String
    public var kind: ResourceKind
    public var name: String
    public var version: String
    public var digest: String

    public var reference: String { "\(kind.rawValue)/\(name)@\(version)" }

    init(namespace: String, kind: ResourceKind, name: String, version: String, digest: String) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
        self.version = version
        self.digest = digest
    }

    /// Reads a `fork.json`; `nil` when it is not one.
    init?(bytes: [UInt8]) {
        guard let value = try? JSONValue(parsingJSON: String(decoding: bytes, as: UTF8.self)), let u = value["upstream"],
              let namespace = u["namespace"]?.stringValue, let kind = u["kind"]?.stringValue.flatMap(ResourceKind.init(rawValue:)),
              let name = u["name"]?.stringValue, let version = u["version"]?.stringValue, let digest = u["digest"]?.stringValue else { return nil }
        self.init(namespace: namespace, kind: kind, name: name, version: version, digest: digest)
    }

    /// The `fork.json` bytes.
    var bytes: [UInt8] {
        let value: JSONValue = ["upstream": ["namespace": .string(namespace), "kind": .string(kind.rawValue), "name": .string(name),
                                             "version": .string(version), "digest": .string(digest)]]
        return Array((value.serialized(pretty: true) + "\n").utf8)
    }
}
