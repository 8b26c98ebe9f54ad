/// `validate.ObjectMetadata` (`pkg/apis/validate/metadata.go`): an object's name is a DNS-1123 subdomain (dots are
/// allowed) of at most 63 characters.
enum MetadataValidation {
    static func validate(_ metadata: JSONValue?, at base: JSONPointer, _ context: inout LintContext) {
        var name = metadata?["name"]?.stringValue ?? ""
        // The API server makes the name from generateName before Tekton's validating webhook sees the object.
        if name.isEmpty, let prefix = metadata?["generateName"]?.stringValue, !prefix.isEmpty { name = prefix + "x7k2q" }
        // A stored kind without a name is reported once, by StoredResourceRules.
        if name.isEmpty, context.kind.resourceKind != nil { return }
        if !TektonNames.isDNS1123Subdomain(name) {
            context.error(.name, at: base / "name",
                          name.isEmpty ? "missing field(s): metadata.name (or metadata.generateName)"
                                       : "metadata.name \"\(name)\" must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit")
        } else if name.utf8.count > 63 {
            context.error(.name, at: base / "name", "metadata.name \"\(name)\" is longer than 63 characters")
        }
    }
}
