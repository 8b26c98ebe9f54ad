/// Object names: Kubernetes wants a DNS-1123 subdomain, Tekton adds "no dot, at most 63 characters"
/// (`validate.ObjectMetadata`). A registry also needs a name to file the resource under.
public struct MetadataRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        guard let name = context.resource.name, !name.isEmpty else {
            if context.value(at: "/metadata/generateName") != nil {
                context.error("stepyard.name", at: "/metadata", "metadata.generateName cannot be published: give the resource a metadata.name")
            } else {
                context.error("stepyard.name", at: "/metadata", "missing field(s): metadata.name")
            }
            return
        }
        if name.contains(".") {
            context.error("tekton.name", at: "/metadata/name", "Invalid resource name \"\(name)\": special character . must not be present")
        } else if name.utf8.count > 63 {
            context.error("tekton.name", at: "/metadata/name", "Invalid resource name \"\(name)\": length must be no more than 63 characters")
        } else if !TektonNames.isDNS1123Subdomain(name) {
            context.error("kubernetes.name", at: "/metadata/name",
                          "metadata.name \"\(name)\" must be a DNS-1123 name: lower-case letters, digits and '-', starting and ending with a letter or digit")
        }
    }
}
