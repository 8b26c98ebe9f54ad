/// The names Stepyard files things under (resources, departments): DNS-1123 labels, so that they are
/// valid Kubernetes names and safe as path segments.
public enum ResourceName {
    /// What is wrong with `name` as a resource or namespace name, or `nil` when it is fine.
    public static func problem(with name: String) -> String? {
        // The common case, a valid label, is one pass over the bytes; only a bad name pays for the explanation.
        if TektonNames.isDNS1123Label(name) { return nil }
        if name.isEmpty { return "the name is empty" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the name contains control characters"
        }
        if name == "." || name == ".." || name.contains("..") { return "\"\(name)\" is not a name (no \"..\")" }
        if name.contains("/") || name.contains("\\") { return "\"\(name)\" must not contain a slash" }
        if name.contains(where: { $0.isUppercase }) { return "\"\(name)\" must be lower-case" }
        if name.utf8.count > 63 { return "\"\(name)\" is longer than 63 characters" }
        if !TektonNames.isDNS1123Label(name) {
            return "\"\(name)\" must use only lower-case letters, digits and '-', and start and end with a letter or digit"
        }
        return nil
    }
}
