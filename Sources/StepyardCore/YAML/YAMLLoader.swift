import Foundation
import OrderedCollections
import Yams

/// Turns YAML text into `YAMLDocument`s the way Kubernetes reads manifests (YAML 1.1 scalars, merge keys),
/// with limits that make hostile input fail fast and clearly.
///
/// ```swift
/// let documents = try YAMLLoader().load(bytes)   // one per `---` document
/// ```
public struct YAMLLoader: Sendable {
    /// Largest file accepted, in bytes.
    public var maxBytes: Int
    /// Deepest nesting of collections accepted.
    public var maxDepth: Int
    /// Most nodes one stream may expand to, counting every alias expansion.
    public var maxNodes: Int
    /// Whether to record each node's line (findings need them; indexing does not, and is faster without).
    public var recordsLines: Bool

    public init(maxBytes: Int = 4 << 20, maxDepth: Int = 200, maxNodes: Int = 1_000_000, recordsLines: Bool = true) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.recordsLines = recordsLines
    }

    /// Loads every document of a YAML stream given as bytes.
    /// - Throws: `YAMLLoadError` naming what is wrong and, when known, the line.
    public func load(_ bytes: some Collection<UInt8>) throws(YAMLLoadError) -> [YAMLDocument] {
        guard bytes.count <= maxBytes else { throw .tooLarge(bytes: bytes.count, limit: maxBytes) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidUTF8(line: Self.lineOfFirstInvalidByte(bytes))
        }
        return try load(text: text)
    }

    /// Loads every document of a YAML stream given as text.
    public func load(text: String) throws(YAMLLoadError) -> [YAMLDocument] {
        guard text.utf8.count <= maxBytes else { throw .tooLarge(bytes: text.utf8.count, limit: maxBytes) }
        // Shallow documents (nearly all) parse on the caller's thread; only possibly deep ones pay for a thread
        // with a large stack.
        if Self.nestingEstimate(text) < 64 {
            do {
                return try compose(text)
            } catch let error as YAMLLoadError {
                throw error
            } catch {
                throw Self.syntaxError(error, maxDepth: maxDepth)
            }
        }
        let result: Result<[YAMLDocument], YAMLLoadError> = LargeStack.run {
            do {
                return .success(try compose(text))
            } catch let error as YAMLLoadError {
                return .failure(error)
            } catch {
                return .failure(Self.syntaxError(error, maxDepth: maxDepth))
            }
        }
        return try result.get()
    }

    private func compose(_ text: String) throws -> [YAMLDocument] {
        // The basic resolver: scalars are resolved by `ScalarResolver`, so Yams need not run its regular
        // expressions on every node (they were most of the loading time).
        let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
        var documents: [YAMLDocument] = []
        var budget = maxNodes
        while let root = try parser.nextRoot() {
            var converter = NodeConverter(budget: budget, maxNodes: maxNodes, maxDepth: maxDepth, recordsLines: recordsLines)
            let value = try converter.convert(root, at: "", depth: 0)
            budget = converter.budget
            let start = root.mark?.line ?? 1
            // An empty document (`---` followed by nothing) is skipped, as kubectl does.
            if case .null = value { continue }
            documents.append(YAMLDocument(value: value, index: documents.count,
                                          sourceMap: SourceMap(startLine: start, lines: converter.lines)))
        }
        return documents
    }

    /// An upper bound of the nesting depth, in one cheap pass: open flow brackets plus the deepest block
    /// indentation (a column per level, `- ` counting as indentation). Quotes are not tracked, so the bound is loose.
    static func nestingEstimate(_ text: String) -> Int {
        var flow = 0, maxFlow = 0, indent = 0, maxIndent = 0, atLineStart = true
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"):
                indent = 0
                atLineStart = true
                continue
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: "\t"):
                if atLineStart {
                    indent += 1
                    maxIndent = max(maxIndent, indent)
                    continue
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flow += 1
                maxFlow = max(maxFlow, flow)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if flow > 0 { flow -= 1 }
            default:
                break
            }
            atLineStart = false
        }
        return maxFlow + maxIndent
    }

    private static func syntaxError(_ error: Error, maxDepth: Int) -> YAMLLoadError {
        if let yaml = error as? YamlError {
            switch yaml {
            case let .parser(_, problem, mark, _) where problem.contains("nesting level"):
                // libyaml stops at 1000 levels on its own; say it in our words.
                return .tooDeep(line: mark.line, limit: maxDepth)
            case let .scanner(context, problem, mark, _):
                return .syntax(line: mark.line, message: [context?.text, problem].compactMap { $0 }.joined(separator: " ") + " (line \(mark.line), column \(mark.column))")
            case let .parser(context, problem, mark, _):
                return .syntax(line: mark.line, message: [context?.text, problem].compactMap { $0 }.joined(separator: " ") + " (line \(mark.line), column \(mark.column))")
            case let .composer(context, problem, mark, _):
                return .syntax(line: mark.line, message: [context?.text, problem].compactMap { $0 }.joined(separator: " ") + " (line \(mark.line), column \(mark.column))")
            case let .duplicatedKeysInMapping(duplicates, context):
                return .duplicateKey(key: duplicates.first ?? "", line: context.mark.line)
            default:
                return .syntax(line: nil, message: "\(yaml)")
            }
        }
        return .syntax(line: nil, message: "\(error)")
    }

    private static func lineOfFirstInvalidByte(_ bytes: some Collection<UInt8>) -> Int {
        var line = 1
        var start = bytes.startIndex
        var index = bytes.startIndex
        while true {
            let atEnd = index == bytes.endIndex
            if atEnd || bytes[index] == UInt8(ascii: "\n") {
                if String(validating: bytes[start..<index], as: UTF8.self) == nil || atEnd { return line }
                line += 1
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
    }
}
