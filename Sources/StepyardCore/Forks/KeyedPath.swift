/// A path into a Tekton document where list elements are named by their `name` (`spec.steps[build].image`),
/// so a reorder does not change paths.
public struct KeyedPath: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public enum Component: Sendable, Hashable, Codable {
        case key(String)
        case named(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public func appending(_ component: Component) -> KeyedPath { KeyedPath(components + [component]) }

    public var description: String {
        var out = ""
        for c in components {
            switch c {
            case .key(let k): out += out.isEmpty ? k : "." + k
            case .named(let n): out += "[\(n)]"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }

    public static func < (a: KeyedPath, b: KeyedPath) -> Bool { a.description < b.description }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        self.init([.key(try decoder.singleValueContainer().decode(String.self))])
    }

    /// Lists whose elements are keyed by `name` in Tekton documents (steps, params, env, results, workspaces, …):
    /// every element an object with a unique string `name`.
    static func namedElements(_ items: [JSONValue]) -> OrderedDictionaryOfNamed? {
        guard !items.isEmpty else { return nil }
        var out = OrderedDictionaryOfNamed()
        for item in items {
            guard let name = item["name"]?.stringValue, out[name] == nil else { return nil }
            out[name] = item
        }
        return out
    }
}

import OrderedCollections
typealias OrderedDictionaryOfNamed = OrderedDictionary<String, JSONValue>
