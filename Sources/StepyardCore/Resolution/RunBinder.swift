import OrderedCollections

/// Binds a run request to a resolved template: a `TaskRun` (or `PipelineRun`) whose `taskSpec` (`pipelineSpec`) is
/// the resolved document's spec, every param given explicitly (defaults filled), placed as the request says, and
/// checked by Tekton's admission (strict decode, defaults, validation) before anyone sees it.
///
/// Given a `name` it applies with `kubectl apply`; with the default `generateName` (`<template>-`) with `kubectl
/// create`. The template's annotations (its lock, its digest) stay on the run.
///
/// What the runs of a template need, it declares in the annotation `stepyard.dev/run-pod-template`: a JSON
/// `PodTemplate` (for instance `{"securityContext": {"fsGroup": 65534}}`, so that steps running as that user can
/// write to the volumes) that the binder puts under the request's own `podTemplate` (the request wins field by field).
public enum RunBinder {
    public static let podTemplateAnnotation = "stepyard.dev/run-pod-template"

    /// The run for `resolution` bound by `request` (its values already checked against the template's schema), or
    /// every problem with the request (pointers into the request as the client wrote it).
    public static func run(for resolution: Resolution, request: RunRequest, flags: FeatureFlags = .defaults) -> Result<JSONValue, RunProblems> {
        let document = resolution.document
        guard let resource = TektonResource(document: document), resource.kind != .stepAction else {
            return .failure(RunProblems(all: [problem("", "only a Task or a Pipeline can be bound into a run")]))
        }
        let pipeline = resource.kind == .pipeline
        var problems: [ValidationError] = []
        var templateSpec = document["spec"]?.objectValue ?? [:]
        templateSpec.removeValue(forKey: "displayName")

        // Values: every declared param explicit, the template's default where none is given.
        var params: [JSONValue] = []
        let given = request.values.objectValue ?? [:]
        for param in resource.spec.params {
            guard let name = param.name else { continue }
            if let value = given[name] {
                params.append(.object(["name": .string(name), "value": value]))
            } else if let value = param.defaultValue, value != .null {
                params.append(.object(["name": .string(name), "value": ParameterSchema.tektonValue(value)]))
            }
        }

        // Workspaces: only declared ones, every required one bound.
        let declared = (templateSpec["workspaces"]?.arrayValue ?? []).compactMap { workspace -> (name: String, optional: Bool)? in
            workspace["name"]?.stringValue.map { ($0, workspace["optional"] == .bool(true)) }
        }
        let declaredNames = declared.map(\.name)
        for name in request.workspaces.keys where !declaredNames.contains(name) {
            problems.append(problem("/workspaces/\(escape(name))", declaredNames.isEmpty ? "the template declares no workspaces"
                                    : "the template declares no workspace \"\(name)\"; it declares \(declaredNames.joined(separator: ", "))"))
        }
        let unbound = declared.filter { !$0.optional && request.workspaces[$0.name] == nil }.map(\.name)
        if !unbound.isEmpty {
            let example = unbound.map { "\"\($0)\": {\"volumeClaimTemplate\": {\"storage\": \"1Gi\"}}" }.joined(separator: ", ")
            problems.append(problem("/workspaces", "required workspace\(unbound.count == 1 ? "" : "s") \(unbound.map { "\"\($0)\"" }.joined(separator: ", ")) "
                                    + "not bound: bind \(unbound.count == 1 ? "it" : "each") to a volume, e.g. \"workspaces\": {\(example)} (stepyard resolve: --workspace \(unbound[0])=volumeClaimTemplate:1Gi)"))
        }
        let bindings: [JSONValue] = declaredNames.compactMap { name in request.workspaces[name].map { binding(name, $0) } }

        // Service accounts, pod template, timeouts: where each kind of run takes them.
        var spec = OrderedDictionary<String, JSONValue>()
        if !params.isEmpty { spec["params"] = .array(params) }
        var podTemplate = declaredPodTemplate(resource, &problems)
        if let requested = request.podTemplate { podTemplate = merged(podTemplate ?? [:], requested) }
        if pipeline {
            spec["pipelineSpec"] = .object(templateSpec)
            var runTemplate = OrderedDictionary<String, JSONValue>()
            if let account = request.serviceAccountName { runTemplate["serviceAccountName"] = .string(account) }
            if let podTemplate, !podTemplate.isEmpty { runTemplate["podTemplate"] = .object(podTemplate) }
            if !runTemplate.isEmpty { spec["taskRunTemplate"] = .object(runTemplate) }
            let tasks = ((templateSpec["tasks"]?.arrayValue ?? []) + (templateSpec["finally"]?.arrayValue ?? [])).compactMap { $0["name"]?.stringValue }
            var taskRunSpecs: [JSONValue] = []
            for (task, account) in request.taskServiceAccountNames {
                guard tasks.contains(task) else {
                    problems.append(problem("/taskServiceAccountNames/\(escape(task))", "the Pipeline has no task \"\(task)\"; its tasks are \(tasks.joined(separator: ", "))"))
                    continue
                }
                taskRunSpecs.append(.object(["pipelineTaskName": .string(task), "serviceAccountName": .string(account)]))
            }
            if !taskRunSpecs.isEmpty { spec["taskRunSpecs"] = .array(taskRunSpecs) }
            if request.timeout != nil {
                problems.append(problem("/timeout", "a PipelineRun takes timeouts: {\"pipeline\": \"1h\", \"tasks\": \"50m\", \"finally\": \"10m\"}"))
            }
            if !request.timeouts.isEmpty { spec["timeouts"] = .object(request.timeouts.mapValues { .string($0) }) }
        } else {
            spec["taskSpec"] = .object(templateSpec)
            if let account = request.serviceAccountName { spec["serviceAccountName"] = .string(account) }
            if let podTemplate, !podTemplate.isEmpty { spec["podTemplate"] = .object(podTemplate) }
            if !request.taskServiceAccountNames.isEmpty {
                problems.append(problem("/taskServiceAccountNames", "a TaskRun has no pipeline tasks: use serviceAccountName"))
            }
            if !request.timeouts.isEmpty {
                problems.append(problem("/timeouts", "a TaskRun takes one timeout: {\"timeout\": \"1h\"}"))
            }
            if let timeout = request.timeout { spec["timeout"] = .string(timeout) }
        }
        if !bindings.isEmpty { spec["workspaces"] = .array(bindings) }
        guard problems.isEmpty else { return .failure(RunProblems(all: problems)) }

        var metadata = OrderedDictionary<String, JSONValue>()
        if let name = request.name { metadata["name"] = .string(name) } else {
            metadata["generateName"] = .string(request.generateName ?? (resource.name ?? "run") + "-")
        }
        if let namespace = request.namespace { metadata["namespace"] = .string(namespace) }
        if !request.labels.isEmpty { metadata["labels"] = .object(request.labels.mapValues { .string($0) }) }
        var annotations = document["metadata"]?["annotations"]?.objectValue ?? [:]
        for (key, value) in request.annotations { annotations[key] = .string(value) }
        metadata["annotations"] = .object(annotations)
        let run: JSONValue = .object([
            "apiVersion": "tekton.dev/v1",
            "kind": .string(pipeline ? "PipelineRun" : "TaskRun"),
            "metadata": .object(metadata),
            "spec": .object(spec),
        ])

        // Tekton's own checks on what was built: what the request put in (a pod template's fields) can still break it.
        let file = LoadedFile(path: "run.yaml", document: run)
        let refusals = Linter(ruleSets: [StrictDecodeRules(), AdmissionRules()], flags: flags).lint(file).filter { $0.severity == .error }
        guard refusals.isEmpty else {
            return .failure(RunProblems(all: refusals.map { problem("", "Tekton would refuse this run: \($0.message)") }))
        }
        return .success(run)
    }

    /// A Tekton `WorkspaceBinding`.
    static func binding(_ name: String, _ volume: RunRequest.WorkspaceVolume) -> JSONValue {
        var fields: OrderedDictionary<String, JSONValue> = ["name": .string(name)]
        if let subPath = volume.subPath { fields["subPath"] = .string(subPath) }
        switch volume.source {
        case let .volumeClaimTemplate(storage, storageClassName, accessMode):
            var claim: OrderedDictionary<String, JSONValue> = [
                "accessModes": .array([.string(accessMode)]),
                "resources": .object(["requests": .object(["storage": .string(storage)])]),
            ]
            if let storageClassName { claim["storageClassName"] = .string(storageClassName) }
            fields["volumeClaimTemplate"] = .object(["spec": .object(claim)])
        case .persistentVolumeClaim(let claim):
            fields["persistentVolumeClaim"] = .object(["claimName": .string(claim)])
        case .secret(let secret):
            fields["secret"] = .object(["secretName": .string(secret)])
        case .configMap(let map):
            fields["configMap"] = .object(["name": .string(map)])
        case .emptyDir:
            fields["emptyDir"] = .object([:])
        }
        return .object(fields)
    }

    /// The pod template the template declares its runs need (`stepyard.dev/run-pod-template`), if any.
    static func declaredPodTemplate(_ resource: TektonResource, _ problems: inout [ValidationError]) -> OrderedDictionary<String, JSONValue>? {
        guard let text = resource.document["metadata"]?["annotations"]?[podTemplateAnnotation]?.stringValue else { return nil }
        switch declaredPodTemplate(text) {
        case .success(let template): return template
        case .failure(let why):
            problems.append(problem("", "the template's \(podTemplateAnnotation) annotation \(why); its publisher must fix it"))
            return nil
        }
    }

    /// Reads a `stepyard.dev/run-pod-template` annotation: a JSON mapping.
    public static func declaredPodTemplate(_ text: String) -> Result<OrderedDictionary<String, JSONValue>, DeclarationError> {
        guard let value = try? JSONValue(parsingJSON: text), case .object(let template) = value else {
            return .failure(DeclarationError(description: "is not a JSON mapping (a Tekton PodTemplate such as {\"securityContext\": {\"fsGroup\": 65534}})"))
        }
        return .success(template)
    }

    public struct DeclarationError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `base` with `override` laid over it: mappings merge member by member, anything else is replaced.
    static func merged(_ base: OrderedDictionary<String, JSONValue>, _ override: OrderedDictionary<String, JSONValue>) -> OrderedDictionary<String, JSONValue> {
        var out = base
        for (key, value) in override {
            if case .object(let inner) = value, case .object(let existing)? = out[key] {
                out[key] = .object(merged(existing, inner))
            } else {
                out[key] = value
            }
        }
        return out
    }

    static func problem(_ pointer: String, _ message: String) -> ValidationError {
        ValidationError(instancePointer: pointer, keyword: "run", keywordLocation: "", message: message)
    }

    /// A JSON pointer token (`~` and `/` escaped).
    static func escape(_ token: String) -> String {
        String((JSONPointer.root / token).description.dropFirst())
    }
}
