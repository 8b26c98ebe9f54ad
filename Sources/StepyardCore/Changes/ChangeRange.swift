/// Two versions of one resource, as `stepyard diff` reads them: `[namespace/]kind/name@FROM..TO`, e.g.
/// `task/go@1.0.0..1.2.0`; each end is a version, range or digest, and the right end may repeat the resource
/// (`task/go@1.0.0..task/go@1.2.0`).
public struct ChangeRange: Sendable, Hashable, CustomStringConvertible {
    /// The resource, without a version.
    public var resource: ResourceRef
    public var from: VersionSelector
    public var to: VersionSelector

    public init(resource: ResourceRef, from: VersionSelector, to: VersionSelector) {
        self.resource = resource
        self.from = from
        self.to = to
    }

    /// Whether `text` is written as a range (it holds `..`, which no reference or version does).
    public static func isRange(_ text: String) -> Bool { text.contains("..") }

    /// Parses `REF@FROM..TO`.
    /// - Throws: `ChangeRangeError` naming what is wrong and how to write it.
    public init(parsing text: String) throws(ChangeRangeError) {
        guard let dots = text.range(of: "..") else { throw .notARange(text) }
        let left = String(text[..<dots.lowerBound]), right = String(text[dots.upperBound...])
        let start: ResourceRef
        do { start = try ResourceRef(parsing: left) } catch { throw .reference(error) }
        guard let from = start.selector, !right.isEmpty else { throw .missingVersion(text) }
        var resource = start
        resource.selector = nil
        if right.contains("/") {
            let end: ResourceRef
            do { end = try ResourceRef(parsing: right) } catch { throw .reference(error) }
            guard let to = end.selector else { throw .missingVersion(text) }
            var other = end
            other.selector = nil
            guard other == resource else { throw .differentResources(text, resource.description, other.description) }
            self.init(resource: resource, from: from, to: to)
        } else {
            guard let to = VersionSelector(right) else { throw .badVersion(text, right) }
            self.init(resource: resource, from: from, to: to)
        }
    }

    public var description: String { "\(resource)@\(from)..\(to)" }
}

/// Why a range of versions could not be read.
public enum ChangeRangeError: Error, Sendable, Hashable, CustomStringConvertible {
    case notARange(String)
    case reference(ReferenceError)
    case missingVersion(String)
    case badVersion(String, String)
    case differentResources(String, String, String)

    public var description: String {
        switch self {
        case .notARange(let text):
            return "\"\(text)\" is not a range of versions: write kind/name@FROM..TO, e.g. task/go@1.0.0..1.2.0"
        case .reference(let error):
            return error.description
        case .missingVersion(let text):
            return "\"\(text)\": a range names both versions, e.g. task/go@1.0.0..1.2.0"
        case let .badVersion(text, version):
            return "\"\(text)\": \"\(version)\" is not a version, range (^1.2, ~1.2.3, 1, 1.2), latest or sha256 digest"
        case let .differentResources(text, left, right):
            return "\"\(text)\" spans two resources (\(left) and \(right)); a range compares two versions of one resource, e.g. \(left)@1.0.0..1.2.0"
        }
    }
}
