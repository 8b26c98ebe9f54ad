/// The words of a search, read from what a person typed: letters and digits, split at everything else, lower-cased.
///
/// Bounded, because the full-text engine's cost grows faster than the number of words: at most `maxCharacters`
/// characters and `maxWords` words; more is an error saying so (a catalog search needs a few words, not a page).
public struct SearchText: Sendable, Hashable {
    public static let maxCharacters = 256
    public static let maxWords = 16

    /// The words, lower-cased, in order.
    public let words: [String]
    /// The text as a resource name would spell it (`git clone` → `git-clone`), to rank an exact name first.
    public let exactName: String

    /// Reads a search text.
    /// - Throws: a sentence naming the limit that was passed.
    public init(_ text: String) throws(SearchTextError) {
        let characters = text.count
        guard characters <= Self.maxCharacters else { throw SearchTextError(message: "the search text has \(characters) characters; at most \(Self.maxCharacters) are accepted") }
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.lowercased() }
        guard words.count <= Self.maxWords else {
            throw SearchTextError(message: "the search text has \(words.count) words; at most \(Self.maxWords) are accepted")
        }
        self.words = words
        exactName = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: "-")
    }
}

/// A search text over the limits.
public struct SearchTextError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
