/// What the index records about one resource version, read from its document.
public struct ResourceFacts: Sendable, Hashable {
    public var apiVersion: String
    public var description: String
    public var displayName: String?
    public var categories: [String]
    public var tags: [String]
    public var platforms: [String]
    /// `stepyard.dev/language` (go, java-maven, node, …).
    public var language: String?
    /// Marked deprecated in the document itself (`tekton.dev/deprecated: "true"`).
    public var deprecatedInDocument: Bool
    /// Other catalog resources this one uses.
    public var dependencies: [Dependency]
    /// Container images its steps and sidecars run, in document order, without repeats.
    public var images: [String]
    /// What its steps are called (and the StepActions they use), a Pipeline's task names and the Tasks they use, in
    /// document order, without repeats: what a search for a step finds it by.
    public var stepNames: [String]

    /// A use of another resource: a Task's step `ref` to a StepAction, a Pipeline's `taskRef` to a Task.
    public struct Dependency: Sendable, Hashable {
        public var kind: ResourceKind
        public var name: String
        /// The version requirement pinned by `stepyard.dev/steps` or `stepyard.dev/tasks`, else `latest`.
        public var requirement: String
    }

    /// Annotation pinning the StepActions a Task uses: `git-clone@^1, go-test@~1.2`.
    public static let stepsAnnotation = "stepyard.dev/steps"
    /// Annotation pinning the Tasks a Pipeline uses: `go@^1`.
    public static let tasksAnnotation = "stepyard.dev/tasks"
    public static let languageAnnotation = "stepyard.dev/language"

    public init(_ resource: TektonResource) {
        let metadata = resource.metadata
        let annotations = metadata.annotations
        let spec = resource.spec
        apiVersion = resource.apiVersion ?? ""
        description = spec.description ?? ""
        displayName = annotations[WellKnown.displayNameAnnotation] ?? spec.string("displayName")
        categories = Self.list(annotations[WellKnown.categoriesAnnotation])
        tags = Self.list(annotations[WellKnown.tagsAnnotation])
        platforms = Self.list(annotations[WellKnown.platformsAnnotation])
        language = annotations[Self.languageAnnotation]
        deprecatedInDocument = metadata.isDeprecated

        var dependencies: [Dependency] = []
        var images: [String] = []
        var stepNames: [String] = []
        func recordName(_ name: String?) {
            if let name, !name.isEmpty, !stepNames.contains(name) { stepNames.append(name) }
        }
        // An image chosen by a param (`golang:$(params.go-version)`) is recorded as it runs by default.
        func recordImage(_ image: String?, defaults: [String: String]) {
            guard var image, !image.isEmpty else { return }
            if image.contains("$(") {
                let substituted = VariableReference.replacing(in: image, root: "params") { $0.selector == .whole ? defaults[$0.name] : nil }
                if !substituted.contains("$(") { image = substituted }
            }
            if !images.contains(image) { images.append(image) }
        }
        func stringDefaults(_ spec: ResourceSpec) -> [String: String] {
            var defaults: [String: String] = [:]
            for param in spec.params {
                if let name = param.name, let value = param.defaultValue?.stringValue, defaults[name] == nil { defaults[name] = value }
            }
            return defaults
        }
        /// A param chosen by the caller (a Pipeline task's binding) replaces the Task's default; `nil` = unknown.
        func scanTaskSpec(_ spec: ResourceSpec, pins: [String: String], bound: [String: String?] = [:]) {
            var defaults = stringDefaults(spec)
            for (name, value) in bound { defaults[name] = value }
            func addImage(_ image: String?) { recordImage(image, defaults: defaults) }
            addImage(spec.fields["stepTemplate"]?["image"]?.stringValue)
            for step in spec.steps {
                recordName(step.name)
                recordName(step.refName)
                if let ref = step.refName, step.fields["ref"]?["resolver"] == nil {
                    let dependency = Dependency(kind: .stepAction, name: ref, requirement: pins[ref] ?? "latest")
                    if !dependencies.contains(dependency) { dependencies.append(dependency) }
                }
                addImage(step.image)
            }
            for sidecar in spec.views("sidecars", as: Step.self) { addImage(sidecar.image) }
        }
        switch resource.kind {
        case .task:
            scanTaskSpec(spec, pins: Self.pins(annotations[Self.stepsAnnotation]))
        case .stepAction:
            recordImage(spec.string("image"), defaults: stringDefaults(spec))
        case .pipeline:
            let pins = Self.pins(annotations[Self.tasksAnnotation])
            let pipelineDefaults = stringDefaults(spec)
            for task in spec.tasks + spec.finallyTasks {
                recordName(task.name)
                recordName(task.taskRefName)
                if let name = task.taskRefName, task.fields["taskRef"]?["resolver"] == nil,
                   (task.fields["taskRef"]?["kind"]?.stringValue ?? "Task") == "Task" {
                    let dependency = Dependency(kind: .task, name: name, requirement: pins[name] ?? "latest")
                    if !dependencies.contains(dependency) { dependencies.append(dependency) }
                }
                if let embedded = ResourceSpec(task.fields["taskSpec"]) {
                    // What the Pipeline passes (with its own defaults substituted) is what the embedded Task runs
                    // with; a value known only at run time (a task result) leaves the image as written.
                    var bound: [String: String?] = [:]
                    for binding in task.params {
                        guard let name = binding.name else { continue }
                        let value = binding.value?.stringValue.map { text in
                            VariableReference.replacing(in: text, root: "params") { $0.selector == .whole ? pipelineDefaults[$0.name] : nil }
                        }
                        bound[name] = value.flatMap { $0.contains("$(") ? nil : $0 }
                    }
                    scanTaskSpec(embedded, pins: Self.pins(annotations[Self.stepsAnnotation]), bound: bound)
                }
            }
        }
        self.dependencies = dependencies
        self.images = images
        self.stepNames = stepNames
    }

    /// `a, b ,c` → `["a", "b", "c"]`.
    public static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }

    /// `git-clone@^1, go-test` → `["git-clone": "^1", "go-test": "latest"]`.
    public static func pins(_ text: String?) -> [String: String] {
        var out: [String: String] = [:]
        for item in list(text) {
            let parts = item.split(separator: "@", maxSplits: 1).map { String($0).trimmingWhitespace }
            out[parts[0]] = parts.count > 1 ? parts[1] : "latest"
        }
        return out
    }
}
