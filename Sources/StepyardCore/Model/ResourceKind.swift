/// The Tekton kinds Stepyard stores, named as in the catalog layout (`task/`, `stepaction/`, `pipeline/`).
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case task
    case stepAction = "stepaction"
    case pipeline

    /// The Kubernetes `kind` field (`Task`, `StepAction`, `Pipeline`).
    public var kindName: String {
        switch self {
        case .task: return "Task"
        case .stepAction: return "StepAction"
        case .pipeline: return "Pipeline"
        }
    }

    /// The `apiVersion`s Tekton serves for this kind.
    public var apiVersions: [String] {
        switch self {
        case .task: return ["tekton.dev/v1", "tekton.dev/v1beta1"]
        case .stepAction: return ["tekton.dev/v1beta1", "tekton.dev/v1alpha1"]
        case .pipeline: return ["tekton.dev/v1", "tekton.dev/v1beta1"]
        }
    }

    /// The kind for a Kubernetes `kind` field, or `nil` when Stepyard does not store it.
    public init?(kindName: String) {
        guard let kind = Self.allCases.first(where: { $0.kindName == kindName }) else { return nil }
        self = kind
    }

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
