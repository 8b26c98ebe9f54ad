import OrderedCollections
import Yams

/// Converts a composed Yams `Node` tree into a `JSONValue`, recording each node's line, counting
/// nodes against a budget (aliases expand, so a bomb runs out of budget instead of memory) and
/// refusing duplicate keys.
struct NodeConverter {
    private(set) var budget: Int
    let maxNodes: Int
    let maxDepth: Int
    let recordsLines: Bool
    private(set) var lines: [String: Int] = [:]

    init(budget: Int, maxNodes: Int, maxDepth: Int, recordsLines: Bool = true) {
        self.budget = budget
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
        self.recordsLines = recordsLines
    }

    mutating func convert(_ node: Node, at pointer: String, depth: Int) throws(YAMLLoadError) -> JSONValue {
        budget -= 1
        guard budget >= 0 else { throw .tooManyNodes(limit: maxNodes) }
        let line = node.mark?.line ?? 0
        if recordsLines, lines[pointer] == nil { lines[pointer] = line }
        switch node {
        case .scalar(let scalar):
            return try ScalarResolver.resolve(scalar, line: line)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one is an undefined anchor.
            throw .syntax(line: line, message: "alias to an undefined anchor")
        case .sequence(let sequence):
            guard depth < maxDepth else { throw .tooDeep(line: line, limit: maxDepth) }
            var items: [JSONValue] = []
            items.reserveCapacity(sequence.count)
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, at: recordsLines ? pointer + "/" + String(index) : "", depth: depth + 1))
            }
            return .array(items)
        case .mapping(let mapping):
            guard depth < maxDepth else { throw .tooDeep(line: line, limit: maxDepth) }
            var object = OrderedDictionary<String, JSONValue>()
            var keyLines: [String: Int] = [:]
            var merges: [(Node, Int)] = []
            for (keyNode, valueNode) in mapping {
                let keyLine = keyNode.mark?.line ?? line
                if case .scalar(let k) = keyNode, k.string == "<<", k.style == .plain || k.style == .any {
                    merges.append((valueNode, keyLine))
                    continue
                }
                let key = try Self.key(keyNode, line: keyLine)
                if keyLines[key] != nil { throw .duplicateKey(key: key, line: keyLine) }
                keyLines[key] = keyLine
                let childPointer = recordsLines ? pointer + "/" + JSONPointer.escape(key) : ""
                if recordsLines { lines[childPointer] = keyLine }
                object[key] = try convert(valueNode, at: childPointer, depth: depth + 1)
            }
            // YAML merge keys (`<<: *defaults`): members not set explicitly come from the merged mappings.
            for (mergeNode, mergeLine) in merges {
                let sources: [Node]
                switch mergeNode {
                case .mapping: sources = [mergeNode]
                case .sequence(let seq): sources = Array(seq)
                default: throw .syntax(line: mergeLine, message: "a merge key (<<) must refer to a mapping or a list of mappings")
                }
                for source in sources {
                    var scratch = self
                    let merged = try scratch.convert(source, at: pointer + "/<<", depth: depth)
                    budget = scratch.budget
                    guard case .object(let members) = merged else {
                        throw .syntax(line: mergeLine, message: "a merge key (<<) must refer to a mapping or a list of mappings")
                    }
                    for (key, value) in members where object[key] == nil {
                        object[key] = value
                        if recordsLines { lines[pointer + "/" + JSONPointer.escape(key)] = mergeLine }
                    }
                }
            }
            return .object(object)
        }
    }

    private static func key(_ node: Node, line: Int) throws(YAMLLoadError) -> String {
        guard case .scalar(let scalar) = node else { throw .unsupportedKey(line: line) }
        return scalar.string
    }
}
