public import OrderedCollections

/// A typed view over a JSON object that keeps every member, known or not.
///
/// Model types (`Step`, `ParamSpec`, …) store the object they were read from and expose typed
/// accessors over it, so loading and writing a resource never drops a field the model does not know.
public protocol ObjectView: Sendable, Hashable {
    /// The object's members, in document order.
    var fields: OrderedDictionary<String, JSONValue> { get set }
    init(fields: OrderedDictionary<String, JSONValue>)
}

extension ObjectView {
    /// Reads a view from a value; `nil` when the value is not an object.
    public init?(_ value: JSONValue?) {
        guard case .object(let fields)? = value else { return nil }
        self.init(fields: fields)
    }

    /// The view as a JSON value.
    public var json: JSONValue { .object(fields) }

    /// A string member, `nil` when absent or not a string.
    public func string(_ key: String) -> String? { fields[key]?.stringValue }

    /// Sets or removes a string member, keeping its position.
    public mutating func setString(_ key: String, _ value: String?) {
        fields[key] = value.map(JSONValue.string)
    }

    /// A list of strings; `nil` when absent or not a list of strings.
    public func strings(_ key: String) -> [String]? {
        guard let items = fields[key]?.arrayValue else { return nil }
        var out: [String] = []
        for item in items {
            guard let s = item.stringValue else { return nil }
            out.append(s)
        }
        return out
    }

    /// A list of objects read as views; elements that are not objects are skipped (the linter reports them).
    public func views<V: ObjectView>(_ key: String, as type: V.Type = V.self) -> [V] {
        (fields[key]?.arrayValue ?? []).compactMap { V($0) }
    }

    /// A string-to-string map (labels, annotations); non-string values are skipped.
    public func stringMap(_ key: String) -> OrderedDictionary<String, String> {
        var out = OrderedDictionary<String, String>()
        for (k, v) in fields[key]?.objectValue ?? [:] {
            if let s = v.stringValue { out[k] = s }
        }
        return out
    }
}
