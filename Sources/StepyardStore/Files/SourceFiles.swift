import Foundation

/// Finds and reads the YAML files a user names on the command line: files as given, directories
/// recursively (hidden folders such as `.git` skipped), in a stable order.
public enum SourceFiles {
    /// File name endings read as YAML.
    public static let yamlExtensions: Set<String> = ["yaml", "yml"]

    /// Expands `paths` to the YAML files they name, sorted within each directory.
    /// - Throws: `SourceFilesError` for a path that does not exist or cannot be listed, or a directory without YAML.
    public static func collect(_ paths: [String]) throws(SourceFilesError) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound(path) }
            guard isDirectory.boolValue else {
                out.append(path)
                continue
            }
            guard let enumerator = fm.enumerator(at: URL(fileURLWithPath: path),
                                                 includingPropertiesForKeys: [.isRegularFileKey],
                                                 options: [.skipsHiddenFiles]) else { throw .unreadable(path, "cannot list the directory") }
            var found: [String] = []
            for case let url as URL in enumerator where yamlExtensions.contains(url.pathExtension.lowercased()) {
                let isFile = (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false
                if isFile { found.append(join(path, relative: url.path, root: URL(fileURLWithPath: path).path)) }
            }
            guard !found.isEmpty else { throw .noYAML(path) }
            out.append(contentsOf: found.sorted())
        }
        return out
    }

    /// Reads a file's bytes, or only reports its size when it is larger than `limit` (a huge file is
    /// refused without being read whole).
    public static func read(_ path: String, limit: Int) throws(SourceFilesError) -> FileContents {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path, "cannot open the file") }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit {
                let size = (try? handle.seekToEnd()).map(Int.init) ?? data.count
                return .tooLarge(size: size)
            }
            return .bytes([UInt8](data))
        } catch {
            throw .unreadable(path, error.localizedDescription)
        }
    }

    /// Keeps the user's spelling of the root (`catalog/task/x.yaml`, not an absolute path).
    private static func join(_ given: String, relative full: String, root: String) -> String {
        guard full.hasPrefix(root) else { return full }
        var rest = String(full.dropFirst(root.count))
        if rest.hasPrefix("/") { rest.removeFirst() }
        return given.hasSuffix("/") ? given + rest : given + "/" + rest
    }
}

/// A file's content, or the fact that it is too large to read.
public enum FileContents: Sendable {
    case bytes([UInt8])
    case tooLarge(size: Int)
}

/// Why the files a user named could not be read.
public enum SourceFilesError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(String)
    case unreadable(String, String)
    case noYAML(String)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file or directory"
        case let .unreadable(path, why): return "\(path): \(why)"
        case .noYAML(let path): return "\(path): no YAML files (.yaml, .yml) in this directory"
        }
    }
}
