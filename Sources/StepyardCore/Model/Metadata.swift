public import OrderedCollections

/// Kubernetes object metadata: name, labels, annotations, and whatever else the document carries.
public struct Metadata: ObjectView {
    public var fields: OrderedDictionary<String, JSONValue>
    public init(fields: OrderedDictionary<String, JSONValue>) { self.fields = fields }

    public var name: String? {
        get { string("name") }
        set { setString("name", newValue) }
    }

    public var labels: OrderedDictionary<String, String> { stringMap("labels") }
    public var annotations: OrderedDictionary<String, String> { stringMap("annotations") }

    /// The catalog's version label, `app.kubernetes.io/version`.
    public var versionLabel: String? { labels[WellKnown.versionLabel] }

    /// `true` when the resource carries `tekton.dev/deprecated: "true"`.
    public var isDeprecated: Bool { annotations[WellKnown.deprecatedAnnotation] == "true" }
}

/// Label and annotation keys with a meaning in the Tekton catalog.
public enum WellKnown {
    public static let versionLabel = "app.kubernetes.io/version"
    public static let minVersionAnnotation = "tekton.dev/pipelines.minVersion"
    public static let deprecatedAnnotation = "tekton.dev/deprecated"
    public static let categoriesAnnotation = "tekton.dev/categories"
    public static let tagsAnnotation = "tekton.dev/tags"
    public static let platformsAnnotation = "tekton.dev/platforms"
    public static let displayNameAnnotation = "tekton.dev/displayName"
}
