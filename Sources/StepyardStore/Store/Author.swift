/// Who makes a change: the author of its commit.
public struct Author: Sendable, Hashable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Parses `Name <email>`, or takes a bare name (`email` becomes `name@stepyard.local`).
    public init(parsing text: String) {
        if let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            name = String(text[..<open]).trimmingCharacters(in: .whitespaces)
            email = String(text[text.index(after: open)..<close])
        } else {
            name = text
            email = text.lowercased().replacingOccurrences(of: " ", with: ".") + "@stepyard.local"
        }
        if name.isEmpty { name = email }
    }
}

import Foundation
