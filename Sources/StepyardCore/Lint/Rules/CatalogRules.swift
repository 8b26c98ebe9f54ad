/// The Tekton catalog's conventions (TEP-0003), checked when a file sits at
/// `<kind>/<name>/<version>/<name>.yaml`: the folder decides the kind, name and version, and a
/// published resource describes itself and says which Tekton it needs. When linting for a publish
/// (`LintContext.publishing`), a file anywhere is checked as if it sat where publishing puts it,
/// `<kind>/<name>/<app.kubernetes.io/version>/<name>.yaml`.
public struct CatalogRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        guard let resource = context.resource else { return }
        let metadata = resource.metadata
        guard let location = context.location ?? publishLocation(of: resource, &context) else { return }

        if location.kind != resource.kind {
            context.error("catalog.kind-folder", at: "/kind",
                          "the document is a \(resource.kind.kindName) but sits in the \(location.kind.rawValue)/ folder")
        }
        if let name = metadata.name, name != location.name {
            context.error("catalog.name-folder", at: "/metadata/name",
                          "metadata.name \"\(name)\" differs from its folder \"\(location.name)\"")
        }
        switch metadata.versionLabel {
        case nil:
            context.error("catalog.version-label", at: "/metadata",
                          "missing label \(WellKnown.versionLabel) (the version folder says \"\(location.version)\")")
        case let label? where label != location.version:
            context.error("catalog.version-label", at: JSONPointer.root / "metadata" / "labels" / WellKnown.versionLabel,
                          "label \(WellKnown.versionLabel) is \"\(label)\" but the version folder is \"\(location.version)\"")
        default:
            break
        }
        if (resource.spec.description ?? "").allSatisfy(\.isWhitespace) {
            context.error("catalog.description", at: "/spec", "spec.description is missing: say what the \(resource.kind.kindName) does")
        }
        if metadata.annotations[WellKnown.minVersionAnnotation] == nil {
            context.error("catalog.min-version", at: "/metadata",
                          "missing annotation \(WellKnown.minVersionAnnotation) (the oldest Tekton Pipelines release it runs on)")
        }
        if let declared = metadata.annotations[RunBinder.podTemplateAnnotation], case .failure(let why) = RunBinder.declaredPodTemplate(declared) {
            context.error("stepyard.run-pod-template", at: JSONPointer.root / "metadata" / "annotations" / RunBinder.podTemplateAnnotation,
                          "annotation \(RunBinder.podTemplateAnnotation) \(why)")
        }
        if metadata.isDeprecated {
            context.report(.note, "catalog.deprecated", at: "/metadata/annotations",
                           "\(resource.kind.rawValue)/\(location.name)@\(location.version) is deprecated")
        }
    }

    /// Where publishing files the resource; without a version label there is none (publishing needs it).
    private func publishLocation(of resource: TektonResource, _ context: inout LintContext) -> CatalogLocation? {
        guard context.publishing, let name = resource.name, !name.isEmpty else { return nil }
        guard let version = resource.metadata.versionLabel else {
            context.error("catalog.version-label", at: "/metadata",
                          "missing label \(WellKnown.versionLabel): it names the version to publish (e.g. \"1.0.0\")")
            return nil
        }
        return CatalogLocation(path: "\(resource.kind.rawValue)/\(name)/\(version)/\(name).yaml")
    }
}
