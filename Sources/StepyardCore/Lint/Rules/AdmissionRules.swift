/// Tekton's admission validation (`Validate` after `SetDefaults`, within create) of each kind lint checks, with
/// the feature flags of `LintContext.flags`. The checks live in `Admission/`, one file per Tekton validation file.
public struct AdmissionRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        // validate.ObjectMetadata (every kind)
        MetadataValidation.validate(context.document["metadata"], at: "/metadata", &context)
        let spec = context.spec
        switch context.kind {
        case .task:
            TaskValidation.validate(spec, at: "/spec", isV1: context.isV1, placement: .task, &context)
        case .stepAction:
            StepActionValidation.validate(spec, at: "/spec", &context)
        case .pipeline:
            PipelineValidation.validate(spec, at: "/spec", isV1: context.isV1, placement: .pipeline, &context)
        case .taskRun:
            TaskRunValidation.validate(spec, at: "/spec", isV1: context.isV1, &context)
        case .pipelineRun:
            PipelineRunValidation.validate(spec, at: "/spec", isV1: context.isV1, &context)
        }
    }
}

/// What a registry needs beyond Tekton for a document it stores: a name to file it under (a cluster accepts
/// `generateName`; a catalog cannot).
public struct StoredResourceRules: LintRuleSet {
    public init() {}

    public func check(_ context: inout LintContext) {
        guard context.kind.resourceKind != nil else { return }
        if (context.document["metadata"]?["name"]?.stringValue ?? "").isEmpty {
            if context.value(at: "/metadata/generateName") != nil {
                context.error("stepyard.name", at: "/metadata", "metadata.generateName cannot be published: give the resource a metadata.name")
            } else {
                context.error("stepyard.name", at: "/metadata", "missing field(s): metadata.name")
            }
        }
    }
}
