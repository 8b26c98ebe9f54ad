import YAMLEvents

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
        // A byte-order mark may open a YAML stream (YAML 1.2, 5.2); editors on Windows write one.
        let text = text.utf8.starts(with: Self.byteOrderMark) ? String(text.dropFirst()) : text
        var builder = EventBuilder(maxDepth: maxDepth, maxNodes: maxNodes, recordsLines: recordsLines)
        return try builder.documents(from: YAMLEventParser(bytes: text.utf8))
    }

    /// U+FEFF in UTF-8.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

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
