/// One document of a YAML stream, converted to a `JSONValue`, with the line of every node.
public struct YAMLDocument: Sendable, Hashable {
    /// The document's content.
    public var value: JSONValue
    /// Position of the document in its stream, from 0.
    public var index: Int
    /// Where each node of `value` starts in the source.
    public var sourceMap: SourceMap

    public init(value: JSONValue, index: Int, sourceMap: SourceMap) {
        self.value = value
        self.index = index
        self.sourceMap = sourceMap
    }
}

/// Source lines of the nodes of one document, keyed by JSON pointer (`/spec/steps/0/image`).
///
/// A mapping member is recorded at its key's line, which is what a person looks for.
public struct SourceMap: Sendable, Hashable {
    private var lines: [String: Int]
    /// The line of the document's first node (1-based).
    public let startLine: Int

    public init(startLine: Int, lines: [String: Int] = [:]) {
        self.startLine = startLine
        self.lines = lines
    }

    /// `false` when the document was loaded without recording lines (every lookup then gives `startLine`).
    public var hasLines: Bool { !lines.isEmpty }

    /// The line of the node at `pointer`, or of its nearest recorded ancestor, or the document's first line.
    public func line(of pointer: JSONPointer) -> Int {
        var tokens = pointer.tokens
        while true {
            if let line = lines[JSONPointer(tokens: tokens).description] { return line }
            if tokens.isEmpty { return startLine }
            tokens.removeLast()
        }
    }
}
