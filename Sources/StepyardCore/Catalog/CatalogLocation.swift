/// Where a file sits in a Tekton catalog (TEP-0003 layout): `…/<kind>/<name>/<version>/<file>`.
///
/// Only the path's last four components matter, so a catalog checked out anywhere is recognised.
public struct CatalogLocation: Sendable, Hashable {
    public var kind: ResourceKind
    /// The resource folder's name.
    public var name: String
    /// The version folder's name, as spelled (`0.9`).
    public var version: String
    /// The file's name inside the version folder.
    public var fileName: String

    /// Recognises a catalog path; `nil` for a file outside that layout.
    public init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 4 else { return nil }
        let tail = Array(parts.suffix(4))
        guard let kind = ResourceKind(rawValue: tail[0]) else { return nil }
        guard Self.looksLikeVersion(tail[2]) else { return nil }
        self.kind = kind
        self.name = tail[1]
        self.version = tail[2]
        self.fileName = tail[3]
    }

    /// `true` for the resource's main file, `<name>.yaml` (or `.yml`).
    public var isMainFile: Bool { fileName == name + ".yaml" || fileName == name + ".yml" }

    /// `0.9`, `1.2.3`, `1.0.0-rc.1`: digits first, dots between numeric parts.
    static func looksLikeVersion(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isNumber else { return false }
        return text.contains(".")
    }
}
