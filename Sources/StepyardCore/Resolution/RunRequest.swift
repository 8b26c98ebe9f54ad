import OrderedCollections

/// What a composer asks for when it binds a template into a run: parameter values and how the run is to be placed
/// (its name, namespace, service accounts, pod template, workspace volumes, timeouts, labels and annotations).
///
/// Read by `RunRequest.read(_:)` from any of three shapes, so a file given to `stepyard resolve --params` and an HTTP
/// body are one thing:
/// - a mapping of values, `{"git-url": "https://…", "image": "…"}`;
/// - Tekton's list of values, `[{"name": "git-url", "value": "https://…"}]`;
/// - a run request: a mapping with `params` (either form above) beside the binding fields below.
///
/// ```yaml
/// params: {git-url: https://github.com/example/app.git, image: registry.example.com/app:1.0.0}
/// name: app-build-1                       # or generateName: app-build-
/// namespace: ci
/// serviceAccountName: builder
/// taskServiceAccountNames: {deploy: deployer}   # a Pipeline's tasks (pipelineTaskName: account)
/// podTemplate: {nodeSelector: {kubernetes.io/arch: amd64}}
/// workspaces:
///   source: {volumeClaimTemplate: {storage: 5Gi, storageClassName: fast, accessMode: ReadWriteOnce}}
///   docker-config: {secret: registry-credentials}
///   cache: {persistentVolumeClaim: go-cache, subPath: go}
///   settings: {configMap: maven-settings}
///   scratch: {emptyDir: {}}
/// timeouts: {pipeline: 1h, tasks: 50m, finally: 10m}   # a TaskRun takes timeout: 1h
/// labels: {team: payments}
/// annotations: {example.com/ticket: OPS-12}
/// ```
public struct RunRequest: Sendable, Hashable {
    /// The values, as a mapping of param name to value.
    public var values: JSONValue = .object([:])
    /// Whether the values came inside a run request (`params`): problems with them are then under `/params`.
    public var valuesUnderParams = false
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var serviceAccountName: String?
    /// Per pipeline task: the service account its TaskRun runs as (`taskRunSpecs`).
    public var taskServiceAccountNames: OrderedDictionary<String, String> = [:]
    /// A Tekton `PodTemplate`, merged over what the template declares its runs need.
    public var podTemplate: OrderedDictionary<String, JSONValue>?
    public var workspaces: OrderedDictionary<String, WorkspaceVolume> = [:]
    /// A TaskRun's `timeout`.
    public var timeout: String?
    /// A PipelineRun's `timeouts`: `pipeline`, `tasks`, `finally`.
    public var timeouts: OrderedDictionary<String, String> = [:]
    public var labels: OrderedDictionary<String, String> = [:]
    public var annotations: OrderedDictionary<String, String> = [:]

    public init(values: JSONValue = .object([:])) {
        self.values = values
    }

    /// The volume a workspace is bound to.
    public struct WorkspaceVolume: Sendable, Hashable {
        public enum Source: Sendable, Hashable {
            /// A claim made for the run and deleted with it.
            case volumeClaimTemplate(storage: String, storageClassName: String?, accessMode: String)
            /// An existing PersistentVolumeClaim.
            case persistentVolumeClaim(String)
            case secret(String)
            case configMap(String)
            case emptyDir
        }

        public var source: Source
        public var subPath: String?

        public init(_ source: Source, subPath: String? = nil) {
            self.source = source
            self.subPath = subPath
        }
    }

    /// The fields a run request takes beside `params`.
    public static let fields = ["params", "name", "generateName", "namespace", "serviceAccountName", "taskServiceAccountNames",
                                "podTemplate", "workspaces", "timeout", "timeouts", "labels", "annotations"]
    /// The volume sources a workspace may be bound to.
    public static let volumeSources = ["volumeClaimTemplate", "persistentVolumeClaim", "secret", "configMap", "emptyDir"]
    public static let accessModes = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]
    public static let timeoutFields = ["pipeline", "tasks", "finally"]
    /// The default size of a volume claim template.
    public static let defaultStorage = "1Gi"
    /// Annotations under this prefix are Stepyard's (the lock, the digest): a request cannot set them.
    public static let reservedAnnotationPrefix = "stepyard.dev/"

    /// Reads a request from a parsed body or file; every problem at once, each with the pointer to it.
    public static func read(_ body: JSONValue) -> Result<RunRequest, RunProblems> {
        var reader = Reader()
        let request = reader.read(body)
        return reader.problems.isEmpty ? .success(request) : .failure(RunProblems(all: reader.problems))
    }

    /// A workspace binding written on one line, as `stepyard resolve --workspace` and the web catalog's run form take
    /// it — `volumeClaimTemplate[:SIZE[:STORAGECLASS]]`, `persistentVolumeClaim:CLAIM`, `secret:SECRET`,
    /// `configMap:CONFIGMAP` or `emptyDir` — as the request's JSON for it (checked when the request is read), or `nil`
    /// when the line has none of these forms.
    public static func workspaceBinding(line: String) -> JSONValue? {
        let parts = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts[0], parts.count) {
        case ("volumeClaimTemplate", 1...3):
            var claim = OrderedDictionary<String, JSONValue>()
            if parts.count > 1, !parts[1].isEmpty { claim["storage"] = .string(parts[1]) }
            if parts.count > 2, !parts[2].isEmpty { claim["storageClassName"] = .string(parts[2]) }
            return .object(["volumeClaimTemplate": .object(claim)])
        case ("persistentVolumeClaim", 2), ("secret", 2), ("configMap", 2):
            return .object([parts[0]: .string(parts[1])])
        case ("emptyDir", 1):
            return .object(["emptyDir": .object([:])])
        default:
            return nil
        }
    }

    /// The forms `workspaceBinding(line:)` reads, for messages.
    public static let workspaceLineForms = "volumeClaimTemplate[:SIZE[:STORAGECLASS]], persistentVolumeClaim:CLAIM, secret:SECRET, configMap:CONFIGMAP or emptyDir"

    /// The pointer of a values problem as the client wrote it: under `/params` when the values came in a request.
    public func pointer(ofValue pointer: String) -> String {
        valuesUnderParams ? "/params" + pointer : pointer
    }
}

extension RunRequest {
    /// One pass over a body, collecting problems instead of stopping at the first.
    private struct Reader {
        var problems: [ValidationError] = []

        mutating func problem(_ pointer: JSONPointer, _ message: String) {
            problems.append(ValidationError(instancePointer: pointer.description, keyword: "run", keywordLocation: "", message: message))
        }

        mutating func read(_ body: JSONValue) -> RunRequest {
            var request = RunRequest()
            switch body {
            case .array:
                request.values = values(body, at: .root)
            case .object(let fields) where fields["params"] != nil:
                request.valuesUnderParams = true
                read(fields, into: &request)
            case .object:
                request.values = body
            default:
                problem(.root, "expected parameter values: a mapping of name to value, a list of {name, value}, or a run request (a mapping with params beside \(RunRequest.fields.dropFirst().joined(separator: ", ")))")
            }
            return request
        }

        /// Values in either form, as a mapping.
        mutating func values(_ value: JSONValue, at pointer: JSONPointer) -> JSONValue {
            switch value {
            case .object:
                return value
            case .array(let items):
                var out = OrderedDictionary<String, JSONValue>()
                for (index, item) in items.enumerated() {
                    guard let name = item["name"]?.stringValue, let value = item["value"] else {
                        problem(pointer / index, "a list of values holds {name, value} entries: give each a string name and a value")
                        continue
                    }
                    if out[name] != nil { problem(pointer / index / "name", "\"\(name)\" is given twice") }
                    out[name] = value
                }
                return .object(out)
            default:
                problem(pointer, "params must be a mapping of name to value or a list of {name, value}")
                return .object([:])
            }
        }

        mutating func read(_ fields: OrderedDictionary<String, JSONValue>, into request: inout RunRequest) {
            for key in fields.keys where !RunRequest.fields.contains(key) {
                problem(JSONPointer.root / key, "unknown field \"\(key)\": a run request takes \(RunRequest.fields.joined(separator: ", "))")
            }
            request.values = values(fields["params"] ?? .object([:]), at: JSONPointer.root / "params")
            request.name = name(fields, "name", check: Self.nameProblem)
            request.generateName = name(fields, "generateName", check: Self.generateNameProblem)
            if request.name != nil, request.generateName != nil {
                problem(JSONPointer.root / "generateName", "give name (kubectl apply) or generateName (kubectl create), not both")
            }
            request.namespace = name(fields, "namespace") { TektonNames.isDNS1123Label($0) ? nil : "must be a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit" }
            request.serviceAccountName = name(fields, "serviceAccountName", check: Self.subdomainProblem)
            request.taskServiceAccountNames = strings(fields, "taskServiceAccountNames", key: { TektonNames.isDNS1123Label($0) ? nil : "is not a pipeline task name" },
                                                      value: Self.subdomainProblem)
            if let template = fields["podTemplate"] {
                if case .object(let object) = template { request.podTemplate = object } else {
                    problem(JSONPointer.root / "podTemplate", "podTemplate must be a mapping (a Tekton PodTemplate: securityContext, nodeSelector, tolerations, …)")
                }
            }
            if let workspaces = fields["workspaces"] {
                if case .object(let bindings) = workspaces {
                    for (name, binding) in bindings {
                        if let volume = workspace(binding, at: JSONPointer.root / "workspaces" / name) { request.workspaces[name] = volume }
                    }
                } else {
                    problem(JSONPointer.root / "workspaces", "workspaces must be a mapping of workspace name to its volume, e.g. {\"source\": {\"volumeClaimTemplate\": {\"storage\": \"1Gi\"}}}")
                }
            }
            request.timeout = name(fields, "timeout", check: Self.durationProblem)
            request.timeouts = strings(fields, "timeouts", key: { RunRequest.timeoutFields.contains($0) ? nil : "is not a timeout: use \(RunRequest.timeoutFields.joined(separator: ", "))" },
                                       value: Self.durationProblem)
            request.labels = strings(fields, "labels", key: Self.labelKeyProblem, value: Self.labelValueProblem)
            request.annotations = strings(fields, "annotations", key: { key in
                if key.hasPrefix(RunRequest.reservedAnnotationPrefix) { return "is Stepyard's own (the template's lock and digest): choose another prefix" }
                return Self.labelKeyProblem(key)
            }, value: { _ in nil })
        }

        /// A string field, checked.
        mutating func name(_ fields: OrderedDictionary<String, JSONValue>, _ key: String, check: (String) -> String?) -> String? {
            guard let value = fields[key] else { return nil }
            guard let string = value.stringValue else {
                problem(JSONPointer.root / key, "\(key) must be a string")
                return nil
            }
            if let why = check(string) {
                problem(JSONPointer.root / key, "\(key) \"\(string)\" \(why)")
                return nil
            }
            return string
        }

        /// A mapping of strings to strings, each key and value checked.
        mutating func strings(_ fields: OrderedDictionary<String, JSONValue>, _ key: String, key checkKey: (String) -> String?,
                              value checkValue: (String) -> String?) -> OrderedDictionary<String, String> {
            guard let value = fields[key] else { return [:] }
            guard case .object(let members) = value else {
                problem(JSONPointer.root / key, "\(key) must be a mapping of strings")
                return [:]
            }
            var out = OrderedDictionary<String, String>()
            for (name, member) in members {
                let at = JSONPointer.root / key / name
                if let why = checkKey(name) {
                    problem(at, "\"\(name)\" \(why)")
                } else if let string = member.stringValue {
                    if let why = checkValue(string) { problem(at, "\"\(string)\" \(why)") } else { out[name] = string }
                } else {
                    problem(at, "\(key).\(name) must be a string")
                }
            }
            return out
        }

        mutating func workspace(_ binding: JSONValue, at pointer: JSONPointer) -> WorkspaceVolume? {
            let example = "{\"volumeClaimTemplate\": {\"storage\": \"1Gi\"}}, {\"persistentVolumeClaim\": \"claim\"}, {\"secret\": \"name\"}, {\"configMap\": \"name\"} or {\"emptyDir\": {}}"
            guard case .object(let fields) = binding else {
                problem(pointer, "a workspace is bound to one volume: \(example)")
                return nil
            }
            for key in fields.keys where !RunRequest.volumeSources.contains(key) && key != "subPath" {
                problem(pointer / key, "unknown field \"\(key)\": a workspace takes one of \(RunRequest.volumeSources.joined(separator: ", ")), and subPath")
            }
            let given = RunRequest.volumeSources.filter { fields[$0] != nil }
            guard given.count == 1, let kind = given.first, let value = fields[kind] else {
                problem(pointer, given.isEmpty ? "no volume: bind it to one of \(example)"
                                               : "\(given.joined(separator: " and ")): bind a workspace to exactly one volume")
                return nil
            }
            var subPath: String?
            if let path = fields["subPath"] {
                if let string = path.stringValue, !string.isEmpty, !string.hasPrefix("/"), !string.split(separator: "/").contains("..") {
                    subPath = string
                } else {
                    problem(pointer / "subPath", "subPath must be a relative path inside the volume (no leading '/', no '..')")
                }
            }
            let source: WorkspaceVolume.Source?
            switch kind {
            case "volumeClaimTemplate":
                source = claimTemplate(value, at: pointer / kind)
            case "emptyDir":
                if case .object(let members) = value, members.isEmpty { source = .emptyDir } else {
                    problem(pointer / kind, "emptyDir takes no settings: write {\"emptyDir\": {}}")
                    source = nil
                }
            default:
                guard let name = value.stringValue, TektonNames.isDNS1123Subdomain(name) else {
                    problem(pointer / kind, "\(kind) names the \(kind == "persistentVolumeClaim" ? "claim" : kind == "secret" ? "Secret" : "ConfigMap"): a DNS-1123 subdomain such as \"registry-credentials\"")
                    return nil
                }
                source = kind == "persistentVolumeClaim" ? .persistentVolumeClaim(name) : kind == "secret" ? .secret(name) : .configMap(name)
            }
            return source.map { WorkspaceVolume($0, subPath: subPath) }
        }

        mutating func claimTemplate(_ value: JSONValue, at pointer: JSONPointer) -> WorkspaceVolume.Source? {
            guard case .object(let fields) = value else {
                problem(pointer, "volumeClaimTemplate takes storage (default \(RunRequest.defaultStorage)), storageClassName and accessMode")
                return nil
            }
            let known = ["storage", "storageClassName", "accessMode"]
            for key in fields.keys where !known.contains(key) {
                problem(pointer / key, "unknown field \"\(key)\": volumeClaimTemplate takes \(known.joined(separator: ", "))")
            }
            var ok = fields.keys.allSatisfy(known.contains)
            let storage = fields["storage"]?.stringValue ?? (fields["storage"] == nil ? RunRequest.defaultStorage : "")
            if !Quantity.isValid(storage) || storage.hasPrefix("-") {
                problem(pointer / "storage", "storage must be a Kubernetes quantity such as 1Gi, 500Mi or 10G")
                ok = false
            }
            let storageClass = fields["storageClassName"]?.stringValue
            if fields["storageClassName"] != nil, !(storageClass.map(TektonNames.isDNS1123Subdomain) ?? false) {
                problem(pointer / "storageClassName", "storageClassName must name a StorageClass (a DNS-1123 subdomain)")
                ok = false
            }
            let mode = fields["accessMode"]?.stringValue ?? (fields["accessMode"] == nil ? "ReadWriteOnce" : "")
            if !RunRequest.accessModes.contains(mode) {
                problem(pointer / "accessMode", "accessMode must be one of \(RunRequest.accessModes.joined(separator: ", "))")
                ok = false
            }
            return ok ? .volumeClaimTemplate(storage: storage, storageClassName: storageClass, accessMode: mode) : nil
        }

        static func nameProblem(_ name: String) -> String? {
            if let why = subdomainProblem(name) { return why }
            return name.utf8.count > 63 ? "is longer than 63 characters (Tekton's limit for a run's name)" : nil
        }

        /// The API server appends 5 characters to `generateName`; Tekton then checks the whole name.
        static func generateNameProblem(_ prefix: String) -> String? {
            nameProblem(prefix + "x7k2q").map { _ in "must be a name prefix of at most 58 lower-case letters, digits, '-' and '.', starting with a letter or digit" }
        }

        static func subdomainProblem(_ name: String) -> String? {
            TektonNames.isDNS1123Subdomain(name) ? nil : "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
        }

        static func durationProblem(_ text: String) -> String? {
            guard let duration = GoDuration(text) else { return "is not a duration: write it as Go does, e.g. 1h, 45m or 1h30m" }
            return duration.isNegative ? "is negative" : nil
        }

        /// A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters.
        static func labelKeyProblem(_ key: String) -> String? {
            TektonNames.isQualifiedName(key) ? nil : "is not a label or annotation key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.'"
        }

        static func labelValueProblem(_ value: String) -> String? {
            value.isEmpty || (value.utf8.count <= 63 && TektonNames.isResultName(value)) ? nil
                : "is not a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
        }
    }
}

/// Every problem with a run request or with binding it, each with its pointer into the request.
public struct RunProblems: Error, Sendable, Hashable {
    public var all: [ValidationError]

    public init(all: [ValidationError]) {
        self.all = all
    }
}

/// Kubernetes resource quantities (`resource.Quantity`): a decimal number and an optional suffix — binary (`Ki` …
/// `Ei`), decimal SI (`m`, `k`, `M` … `E`) or an exponent (`e3`, `E-2`).
enum Quantity {
    static func isValid(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(digits.count)
        var fraction = Substring("")
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(fraction.count)
        }
        guard !digits.isEmpty || !fraction.isEmpty else { return false }
        let suffixes: Set<Substring> = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E"]
        if suffixes.contains(rest) { return true }
        guard let marker = rest.first, marker == "e" || marker == "E" else { return false }
        var exponent = rest.dropFirst()
        if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
