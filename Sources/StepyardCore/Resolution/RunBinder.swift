import OrderedCollections

/// Binds checked parameter values to a resolved template: a ready-to-apply `TaskRun` (or `PipelineRun`) whose
/// `taskSpec` (`pipelineSpec`) is the resolved document's spec, every param given explicitly (defaults filled).
public enum RunBinder {
    /// The run for `resolution` with `values` (a mapping already checked against the template's param schema).
    /// Declared, non-optional workspaces are bound so the run starts as is: a Pipeline's to a 1 GiB
    /// `volumeClaimTemplate` each (shared by its tasks), a Task's to an `emptyDir`.
    public static func run(for resolution: Resolution, values: JSONValue) -> JSONValue {
        let document = resolution.document
        guard let resource = TektonResource(document: document) else { return document }
        var params: [JSONValue] = []
        let given = values.objectValue ?? [:]
        for param in resource.spec.params {
            guard let name = param.name else { continue }
            if let value = given[name] {
                params.append(.object(["name": .string(name), "value": value]))
            } else if let value = param.defaultValue, value != .null {
                params.append(.object(["name": .string(name), "value": ParameterSchema.tektonValue(value)]))
            }
        }
        var metadata = OrderedDictionary<String, JSONValue>()
        metadata["generateName"] = .string((resource.name ?? "run") + "-")
        metadata["annotations"] = document["metadata"]?["annotations"] ?? .object([:])
        var spec = OrderedDictionary<String, JSONValue>()
        if !params.isEmpty { spec["params"] = .array(params) }
        var specOfTemplate = document["spec"]?.objectValue ?? [:]
        let kind: String
        switch resource.kind {
        case .pipeline:
            kind = "PipelineRun"
            var workspaces: [JSONValue] = []
            for workspace in specOfTemplate["workspaces"]?.arrayValue ?? [] {
                guard let name = workspace["name"]?.stringValue, workspace["optional"] != .bool(true) else { continue }
                workspaces.append(.object([
                    "name": .string(name),
                    "volumeClaimTemplate": .object(["spec": .object([
                        "accessModes": .array(["ReadWriteOnce"]),
                        "resources": .object(["requests": .object(["storage": "1Gi"])]),
                    ])]),
                ]))
            }
            specOfTemplate.removeValue(forKey: "displayName")
            spec["pipelineSpec"] = .object(specOfTemplate)
            if !workspaces.isEmpty { spec["workspaces"] = .array(workspaces) }
        default:
            kind = "TaskRun"
            specOfTemplate.removeValue(forKey: "displayName")
            spec["taskSpec"] = .object(specOfTemplate)
            // Declared workspaces get scratch space so the run starts; bind real volumes by editing the run.
            let workspaces: [JSONValue] = (specOfTemplate["workspaces"]?.arrayValue ?? []).compactMap { workspace in
                guard let name = workspace["name"]?.stringValue, workspace["optional"] != .bool(true) else { return nil }
                return .object(["name": .string(name), "emptyDir": .object([:])])
            }
            if !workspaces.isEmpty { spec["workspaces"] = .array(workspaces) }
        }
        return .object([
            "apiVersion": "tekton.dev/v1",
            "kind": .string(kind),
            "metadata": .object(metadata),
            "spec": .object(spec),
        ])
    }
}
