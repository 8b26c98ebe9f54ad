/// The pinned dependencies part of a change report: the version requirements of `stepyard.dev/steps` (a Task's
/// StepActions) and `stepyard.dev/tasks` (a Pipeline's Tasks), at `pins.stepaction/NAME` and `pins.task/NAME`.
/// Compatible: a pin decides what resolves, not what users pass or read.
enum PinChanges {
    /// The pin annotations and the kind each pins.
    static let annotations = [(ResourceFacts.stepsAnnotation, "stepaction"), (ResourceFacts.tasksAnnotation, "task")]

    static func between(_ old: Metadata, _ new: Metadata) -> [Change] {
        var changes: [Change] = []
        for (annotation, kind) in annotations {
            let before = ResourceFacts.pins(old.annotations[annotation]), after = ResourceFacts.pins(new.annotations[annotation])
            for name in Set(before.keys).union(after.keys).sorted() {
                let path = "pins.\(kind)/\(name)"
                switch (before[name], after[name]) {
                case let (nil, requirement?):
                    changes.append(Change(path: path, kind: .added, after: .string(requirement), breaking: false, message: "added: \(requirement)"))
                case let (requirement?, nil):
                    changes.append(Change(path: path, kind: .removed, before: .string(requirement), breaking: false,
                                          message: "removed (was \(requirement))"))
                case let (a?, b?) where a != b:
                    changes.append(Change(path: path, kind: .changed, before: .string(a), after: .string(b), breaking: false, message: "\(a) → \(b)"))
                default:
                    break
                }
            }
        }
        return changes
    }

    /// Whether an annotation's pins differ (then `between` reports them; a rewrite with the same pins is left to
    /// the document part).
    static func differ(_ annotation: String, _ old: Metadata, _ new: Metadata) -> Bool {
        ResourceFacts.pins(old.annotations[annotation]) != ResourceFacts.pins(new.annotations[annotation])
    }
}
