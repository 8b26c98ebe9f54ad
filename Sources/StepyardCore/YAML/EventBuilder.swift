import OrderedCollections
import YAMLEvents

/// Builds `JSONValue` documents from libyaml events with an explicit stack (no recursion, so no depth can
/// exhaust the thread's stack), recording each node's line, counting nodes against a budget (aliases count
/// as many nodes as they expand to, so a "billion laughs" runs out of budget, not memory), refusing duplicate
/// keys and applying merge keys (`<<`).
struct EventBuilder {
    let maxDepth: Int
    let maxNodes: Int
    let recordsLines: Bool
    private var budget: Int

    init(maxDepth: Int, maxNodes: Int, recordsLines: Bool) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.recordsLines = recordsLines
        self.budget = maxNodes
    }

    /// A collection being built.
    private struct Frame {
        enum Kind { case mapping, sequence }
        var kind: Kind
        var pointer: String
        var line: Int
        var anchor: String?
        var count = 1
        var members = OrderedDictionary<String, JSONValue>()
        var items: [JSONValue] = []
        /// A mapping's key waiting for its value, with the key's line.
        var pendingKey: (String, Int)?
        var isMergeKey = false
        var merges: [(JSONValue, Int)] = []
    }

    /// Reads every document of the stream.
    mutating func documents(from parser: YAMLEventParser) throws(YAMLLoadError) -> [YAMLDocument] {
        var documents: [YAMLDocument] = []
        var stack: [Frame] = []
        var anchors: [String: (value: JSONValue, count: Int)] = [:]
        var lines: [String: Int] = [:]
        var root: JSONValue?
        var startLine = 1
        var rootLine: Int?

        func record(_ pointer: String, _ line: Int) {
            if recordsLines, lines[pointer] == nil { lines[pointer] = line }
        }

        /// Where the next value goes, and its pointer.
        func childPointer(_ frame: Frame) -> String {
            guard recordsLines else { return "" }
            switch frame.kind {
            case .sequence: return frame.pointer + "/" + String(frame.items.count)
            case .mapping: return frame.pointer + "/" + JSONPointer.escape(frame.pendingKey?.0 ?? "")
            }
        }

        /// Hands a finished value to its parent (or makes it the document's root), mutating the parent in place.
        func deliver(_ value: JSONValue, count: Int, line: Int) throws(YAMLLoadError) {
            let top = stack.count - 1
            guard top >= 0 else {
                root = value
                return
            }
            stack[top].count += count
            switch stack[top].kind {
            case .sequence:
                stack[top].items.append(value)
            case .mapping:
                guard let (key, keyLine) = stack[top].pendingKey else { throw .unsupportedKey(line: line) }
                stack[top].pendingKey = nil
                if stack[top].isMergeKey {
                    stack[top].isMergeKey = false
                    stack[top].merges.append((value, keyLine))
                } else {
                    stack[top].members[key] = value
                }
            }
        }

        func spend(_ nodes: Int) throws(YAMLLoadError) {
            budget -= nodes
            if budget < 0 { throw .tooManyNodes(limit: maxNodes) }
        }

        while true {
            let event: YAMLEvent?
            do { event = try parser.next() } catch {
                if error.problem.contains("nesting level") { throw .tooDeep(line: error.line, limit: maxDepth) }
                throw .syntax(line: error.line, message: error.description)
            }
            guard let event else { break }
            switch event {
            case .documentStart(let line):
                stack = []
                anchors = [:]
                lines = [:]
                root = nil
                rootLine = nil
                startLine = line
            case .documentEnd:
                if let value = root, value != .null {
                    // A document "starts" at its first node (after any `---` and comments).
                    let first = rootLine ?? startLine
                    documents.append(YAMLDocument(value: value, index: documents.count, sourceMap: SourceMap(startLine: first, lines: lines)))
                }
                root = nil
            case let .scalar(value, anchor, tag, plain, line):
                try spend(1)
                let top = stack.count - 1
                if top >= 0, stack[top].kind == .mapping, stack[top].pendingKey == nil {
                    // A key: taken as written (`1: x` is the key "1"); `<<` is a merge key.
                    if plain && value == "<<" && tag == nil {
                        stack[top].isMergeKey = true
                        stack[top].pendingKey = ("<<", line)
                    } else {
                        if stack[top].members[value] != nil { throw .duplicateKey(key: value, line: line) }
                        stack[top].pendingKey = (value, line)
                        if recordsLines { record(stack[top].pointer + "/" + JSONPointer.escape(value), line) }
                    }
                    if let anchor { anchors[anchor] = (.string(value), 1) }
                    continue
                }
                if let top = stack.last { record(childPointer(top), line) } else { record("", line); rootLine = line }
                let resolved = try ScalarResolver.resolve(value, tag: tag, plain: plain, line: line)
                if let anchor { anchors[anchor] = (resolved, 1) }
                try deliver(resolved, count: 1, line: line)
            case let .alias(anchor, line):
                guard let (value, count) = anchors[anchor] else { throw .syntax(line: line, message: "alias *\(anchor) refers to no anchor") }
                try spend(count)
                if let top = stack.last {
                    if top.kind == .mapping && top.pendingKey == nil { throw .unsupportedKey(line: line) }
                    record(childPointer(top), line)
                }
                try deliver(value, count: count, line: line)
            case let .mappingStart(anchor, _, line), let .sequenceStart(anchor, _, line):
                try spend(1)
                guard stack.count < maxDepth else { throw .tooDeep(line: line, limit: maxDepth) }
                var pointer = ""
                if let top = stack.last {
                    if top.kind == .mapping && top.pendingKey == nil { throw .unsupportedKey(line: line) }
                    pointer = childPointer(top)
                    if !(top.kind == .mapping && top.isMergeKey) { record(pointer, line) }
                } else {
                    record("", line)
                    rootLine = line
                }
                let kind: Frame.Kind = if case .mappingStart = event { .mapping } else { .sequence }
                stack.append(Frame(kind: kind, pointer: pointer, line: line, anchor: anchor))
            case .mappingEnd, .sequenceEnd:
                let frame = stack.removeLast()
                var value: JSONValue
                switch frame.kind {
                case .sequence:
                    value = .array(frame.items)
                case .mapping:
                    var members = frame.members
                    // Merge keys: members not set explicitly come from the merged mappings, earlier sources first.
                    for (merged, line) in frame.merges {
                        let sources: [JSONValue]
                        switch merged {
                        case .object: sources = [merged]
                        case .array(let items): sources = items
                        default: throw .syntax(line: line, message: "a merge key (<<) must refer to a mapping or a list of mappings")
                        }
                        for source in sources {
                            guard case .object(let extra) = source else {
                                throw .syntax(line: line, message: "a merge key (<<) must refer to a mapping or a list of mappings")
                            }
                            for (key, member) in extra where members[key] == nil {
                                members[key] = member
                                record(frame.pointer + (recordsLines ? "/" + JSONPointer.escape(key) : ""), line)
                            }
                        }
                    }
                    value = .object(members)
                }
                if let anchor = frame.anchor { anchors[anchor] = (value, frame.count) }
                try deliver(value, count: frame.count, line: frame.line)
            }
        }
        return documents
    }
}
