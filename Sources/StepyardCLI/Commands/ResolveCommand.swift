import ArgumentParser
import OrderedCollections
import StepyardCore
import StepyardStore

/// `stepyard resolve REF [--params FILE] [binding options]`: a self-contained, pinned Tekton document, or a run.
struct ResolveCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print a template resolved: step refs inlined, Pipeline taskRefs embedded, with a lock of what went in.",
        discussion: """
            With --params or any run option, the template is bound into a TaskRun or PipelineRun that Tekton
            admits as it is: the values are checked against the template's parameter schema (every error
            reported), every required workspace must be bound (--workspace), and the run is checked with
            Tekton's admission rules. --params takes a YAML or JSON file holding a mapping of values, Tekton's
            list of {name, value}, or a whole run request (params beside name, namespace, serviceAccountName,
            taskServiceAccountNames, podTemplate, workspaces, timeout(s), labels, annotations), the body
            POST …/resolved takes; the options below override the file.
            With --name the run applies with kubectl apply; without it, it has a generateName (kubectl create).
            A department's own resources come first (the reference's namespace, or --department), then the
            organisation's.
            Exit status: 0 resolved, 1 refused (missing reference, invalid values or run options), 2 usage.
            """)

    @OptionGroup var options: StoreOptions
    @Argument(help: "[namespace/]kind/name[@version-or-range-or-digest]") var ref: String
    @Option(name: .long, help: "Resolve as this department (its own resources first).") var department: String?
    @Option(name: .long, help: "Values or a run request (YAML, or JSON for a .json file) to bind into a TaskRun/PipelineRun.") var params: String?
    @Option(name: .long, help: "The run's name (kubectl apply).") var name: String?
    @Option(name: .long, help: "The run's name prefix (kubectl create); default: the template's name and '-'.") var generateName: String?
    @Option(name: .long, help: "The run's namespace.") var namespace: String?
    @Option(name: .long, help: "The ServiceAccount the run's pods run as.") var serviceAccount: String?
    @Option(name: .long, help: ArgumentHelp("A pipeline task's own ServiceAccount.", valueName: "task=account")) var taskServiceAccount: [String] = []
    @Option(name: .long, help: ArgumentHelp("""
        Bind a workspace: NAME=volumeClaimTemplate[:SIZE[:STORAGECLASS]], NAME=persistentVolumeClaim:CLAIM, \
        NAME=secret:SECRET, NAME=configMap:CONFIGMAP or NAME=emptyDir.
        """, valueName: "name=volume")) var workspace: [String] = []
    @Option(name: .long, help: "A Tekton PodTemplate (YAML or JSON file): security context, node selector, tolerations …") var podTemplate: String?
    @Option(name: .long, help: "A TaskRun's timeout, or a PipelineRun's timeouts.pipeline (Go duration: 1h, 45m).") var timeout: String?
    @Option(name: .long, help: ArgumentHelp("A label of the run.", valueName: "key=value")) var label: [String] = []
    @Option(name: .long, help: ArgumentHelp("An annotation of the run.", valueName: "key=value")) var annotation: [String] = []

    /// Whether any run option was given (then the template is bound).
    var binds: Bool {
        params != nil || name != nil || generateName != nil || namespace != nil || serviceAccount != nil || !taskServiceAccount.isEmpty
            || !workspace.isEmpty || podTemplate != nil || timeout != nil || !label.isEmpty || !annotation.isEmpty
    }

    func perform() async -> CommandOutput {
        let reference: ResourceRef
        do { reference = try options.reference(ref) } catch {
            return CommandOutput(stderr: "stepyard resolve: \(error)\n", exitCode: ExitStatus.usage)
        }
        var request: RunRequest?
        if binds {
            let body: JSONValue
            do { body = try requestBody(kind: reference.kind) } catch {
                return CommandOutput(stderr: "stepyard resolve: \(error)\n", exitCode: ExitStatus.usage)
            }
            switch RunRequest.read(body) {
            case .success(let read): request = read
            case .failure(let problems):
                var result = ValidationReport(problems.all).output(options.output)
                result.stderr = "stepyard resolve: the run request is not valid; nothing was bound\n"
                return result
            }
        }
        return await options.withStore("resolve") { store throws(StoreError) in
            let resolved = try await store.resolve(reference, department: department, run: request)
            if !resolved.errors.isEmpty {
                var result = ValidationReport(resolved.errors).output(options.output)
                result.stderr = "stepyard resolve: the values or run options are not valid; nothing was bound\n"
                return result
            }
            // Consumers hear about what they use that its publisher deprecated or yanked (stdout stays the document).
            let warnings = try await store.lifecycleNotices(resolved.lock).map { "stepyard resolve: warning: \($0.sentence)\n" }.joined()
            switch options.output {
            case .text: return CommandOutput(stdout: resolved.yaml, stderr: warnings)
            case .json: return CommandOutput(stdout: resolved.document.serialized(pretty: true) + "\n", stderr: warnings)
            }
        }
    }

    /// The run request the file and the options make together (the options win), in the shape `RunRequest.read`
    /// takes. A file of values alone with no option is passed as it is, so problems point into it as written.
    func requestBody(kind: ResourceKind) throws(ValuesFileError) -> JSONValue {
        let file = try params.map(ValuesFile.read) ?? .object([:])
        var fields: OrderedDictionary<String, JSONValue>
        switch file {
        case .object(let object) where object["params"] != nil: fields = object
        default: fields = ["params": file]
        }
        let given = fields.count
        func set(_ key: String, _ value: String?) { if let value { fields[key] = .string(value) } }
        func merge(_ key: String, _ entries: OrderedDictionary<String, JSONValue>) {
            guard !entries.isEmpty else { return }
            var existing = fields[key]?.objectValue ?? [:]
            for (name, value) in entries { existing[name] = value }
            fields[key] = .object(existing)
        }
        set("name", name)
        set("generateName", generateName)
        set("namespace", namespace)
        set("serviceAccountName", serviceAccount)
        merge("taskServiceAccountNames", try pairs(taskServiceAccount, option: "--task-service-account").mapValues { .string($0) })
        merge("labels", try pairs(label, option: "--label").mapValues { .string($0) })
        merge("annotations", try pairs(annotation, option: "--annotation").mapValues { .string($0) })
        var bindings = OrderedDictionary<String, JSONValue>()
        for (name, volume) in try pairs(workspace, option: "--workspace") { bindings[name] = try Self.volume(volume, of: name) }
        merge("workspaces", bindings)
        if let podTemplate { fields["podTemplate"] = try ValuesFile.read(podTemplate) }
        if let timeout {
            if kind == .pipeline { merge("timeouts", ["pipeline": .string(timeout)]) } else { fields["timeout"] = .string(timeout) }
        }
        if fields.count == 1, given == 1, case .object(let object) = file, object["params"] == nil { return file }
        if fields.count == 1, given == 1, case .array = file { return file }
        return .object(fields)
    }

    /// `key=value` options as a mapping.
    func pairs(_ options: [String], option: String) throws(ValuesFileError) -> OrderedDictionary<String, String> {
        var out = OrderedDictionary<String, String>()
        for text in options {
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw .invalid(option, "\"\(text)\" is not key=value") }
            out[String(parts[0])] = String(parts[1])
        }
        return out
    }

    /// A `--workspace` volume (`volumeClaimTemplate:5Gi:fast`, `secret:registry-credentials`, `emptyDir`) as the
    /// request's workspace binding.
    static func volume(_ text: String, of workspace: String) throws(ValuesFileError) -> JSONValue {
        guard let binding = RunRequest.workspaceBinding(line: text) else {
            throw .invalid("--workspace", "\"\(workspace)=\(text)\": give \(RunRequest.workspaceLineForms)")
        }
        return binding
    }
}
