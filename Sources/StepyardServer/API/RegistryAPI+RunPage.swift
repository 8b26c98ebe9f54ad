import Foundation
import HTTPTypes
import OpenAPIRuntime
import OrderedCollections
import StepyardCore
import StepyardStore

// MARK: - Start a run

extension RegistryAPI {
    /// `GET /ui/{ns}/{kind}/{name}/{version}/run`: the form; with `bind=1`, the values checked (each error beside its
    /// field) and, when they hold, the bound run to copy with the `kubectl` line that submits it.
    func getRunPage(_ input: Operations.GetRunPage.Input) async throws -> Operations.GetRunPage.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        guard ref.kind != .stepAction else { throw APIError.notFound("a StepAction does not run on its own: start a run of a Task that uses it") }
        let items = QueryItems(RequestState.current.query)
        if items["download"] == "1" {
            let bound = try await runPage(ref, items: items)
            guard let run = bound.run else {
                throw APIError.badRequest("the form's values do not bind a run: open the form without download=1 to see each problem")
            }
            RequestState.current.record?.contentDisposition = "attachment; filename=\"\(bound.fileName)\""
            return .ok(.init(body: .yaml(HTTPBody(represent(Array(run.utf8), as: "application/yaml", negotiated: false).bytes))))
        }
        // The empty form is the same for everyone who may read it; a filled one depends on its values (in the key).
        let html = try await webPage { try await runPage(ref, items: items).page }
        return .ok(.init(body: .html(htmlBody(html))))
    }

    /// The run form of a version, filled from `items` when they were submitted (`bind=1`); with the bound run when
    /// the values hold.
    private func runPage(_ ref: ResourceRef, items: QueryItems) async throws -> (page: PageCache.Page, run: String?, fileName: String) {
        let department = ref.namespace
        let (info, bytes, schema) = try await call { store throws(StoreError) in
            let (info, bytes) = try await store.content(of: ref)
            return (info, bytes, try await store.parameterSchema(of: ref).1)
        }
        let document = try Self.document(bytes)
        let submitted = items["bind"] == "1"
        var form = RunForm(schema: schema, document: document, kind: ref.kind, items: submitted ? items : nil)
        var runText: String?
        var digest = ""
        if submitted {
            let body = form.request()
            switch RunRequest.read(body) {
            case .failure(let problems):
                form.place(problems.all)
                // The values' own errors too, so the form shows every mistake at once.
                let values = body["params"] ?? .object([:])
                let (_, valueErrors) = try await call { store throws(StoreError) in try await store.checkParameters(ref, values: values) }
                form.place(valueErrors.map { error in
                    var error = error
                    error.instancePointer = "/params" + error.instancePointer
                    return error
                })
            case .success(let request):
                let exact = ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name, selector: .requirement(.exact(ResourceVersion(info.version)!)))
                let resolved = try await call { store throws(StoreError) in try await store.resolve(exact, department: department, run: request) }
                if resolved.errors.isEmpty, form.hasNoErrors {
                    runText = resolved.yaml
                    digest = resolved.digest
                } else {
                    form.place(resolved.errors)
                }
            }
        }
        let hasName = !(items["run.name"] ?? "").isEmpty
        let pagePath = Self.pagePath(info.namespace, info.kind, info.name, info.version)
        let runKind = ref.kind == .pipeline ? "PipelineRun" : "TaskRun"
        let runName = (items["run.name"] ?? "").filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
        let fileName = (runName.isEmpty ? info.name + "-run" : runName) + ".yaml"
        let query = RequestState.current.query ?? ""
        let content = pageContent("run", [
            "name": info.name, "version": info.version,
            "pageHref": pagePath, "action": pagePath + "/run",
            "validateHref": "/api/v1/resources/\(info.namespace)/\(info.kind.rawValue)/\(info.name)/\(QueryItems.encode(info.version))/validate",
            "fields": form.fields.map(\.context), "workspaces": form.workspaces.map(\.context), "options": form.options.map(\.context),
            "otherErrors": form.otherErrors, "hasOtherErrors": !form.otherErrors.isEmpty,
            "run": runText ?? false, "digest": digest, "runKind": runKind,
            "kubectl": hasName ? "kubectl apply -f \(fileName)" : "kubectl create -f \(fileName)",
            "downloadHref": pagePath + "/run?" + query + "&download=1", "downloadName": fileName,
        ])
        return (PageCache.Page(title: "Run \(info.name) \(info.version)", content: content, scripts: ["run.js"]), runText, fileName)
    }
}

/// The run form of one template: a field per param (from the effective schema), per declared workspace, and the run's
/// name, namespace and service account; filled from a submitted query, read into a run request, and given back the
/// problems, each beside its field.
struct RunForm {
    struct Field {
        enum Control { case text, lines, select([String]) }
        var id: String
        var input: String
        var name: String
        var control: Control = .text
        var required = false
        var value = ""
        var placeholder = ""
        var help = ""
        var errors: [String] = []
        /// Where the run request holds it (`/params/git-url`), to place problems.
        var pointer: String
        /// A param's schema type (`string`, `array`, `object`), which says how the form's text is read.
        var type = "string"

        var context: [String: Any] {
            var out: [String: Any] = ["id": id, "input": input, "name": name, "label": name, "required": required, "value": value,
                                      "placeholder": placeholder, "help": help, "errors": errors, "invalid": !errors.isEmpty, "type": type]
            switch control {
            case .text: out["isText"] = true
            case .lines: out["isLines"] = true
            case .select(let values):
                out["isSelect"] = true
                out["options"] = ([""] + values).map { ["value": $0, "label": $0.isEmpty ? "(default)" : $0, "selected": $0 == value] }
            }
            return out
        }
    }

    var fields: [Field] = []
    var workspaces: [Field] = []
    var options: [Field] = []
    var otherErrors: [String] = []
    private var types: [String: String] = [:]

    /// Whether reading the form found nothing wrong (an object line that is not `key=value`, a workspace line).
    var hasNoErrors: Bool {
        (fields + workspaces + options).allSatisfy(\.errors.isEmpty) && otherErrors.isEmpty
    }

    init(schema: JSONValue, document: JSONValue, kind: ResourceKind, items: QueryItems?) {
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        for (name, property) in schema["properties"]?.objectValue ?? [:] {
            let type = property["type"]?.stringValue ?? "string"
            types[name] = type
            var field = Field(id: "p-\(name)", input: "p.\(name)", name: name, required: required.contains(name),
                              help: property["description"]?.stringValue ?? "", pointer: "/params/" + name, type: type)
            let defaultValue = property["default"]
            switch type {
            case "array":
                field.control = .lines
                field.placeholder = "one item per line"
                field.value = items?["p.\(name)"] ?? (defaultValue?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "\n")
            case "object":
                field.control = .lines
                field.placeholder = "key=value, one per line"
                field.value = items?["p.\(name)"] ?? (defaultValue?.objectValue ?? [:]).map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: "\n")
            default:
                if let values = property["enum"]?.arrayValue?.compactMap(\.stringValue) { field.control = .select(values) }
                field.placeholder = (property["examples"]?.arrayValue?.first?.stringValue) ?? ""
                field.value = items?["p.\(name)"] ?? defaultValue?.stringValue ?? ""
            }
            fields.append(field)
        }
        for workspace in document["spec"]?["workspaces"]?.arrayValue ?? [] {
            guard let name = workspace["name"]?.stringValue else { continue }
            let isRequired = workspace["optional"] != .bool(true)
            var field = Field(id: "ws-\(name)", input: "ws.\(name)", name: name, required: isRequired,
                              help: workspace["description"]?.stringValue ?? "", pointer: "/workspaces/" + name)
            field.value = items?["ws.\(name)"] ?? (isRequired ? (kind == .pipeline ? "volumeClaimTemplate:1Gi" : "emptyDir") : "")
            workspaces.append(field)
        }
        for (key, label, placeholder) in [("name", "Name (kubectl apply; empty: a generated name, kubectl create)", "app-build-1"),
                                          ("namespace", "Namespace", "ci"), ("serviceAccountName", "Service account", "default")] {
            var field = Field(id: "o-\(key)", input: "run.\(key)", name: label, placeholder: placeholder, pointer: "/" + key)
            field.value = items?["run.\(key)"] ?? ""
            options.append(field)
        }
    }

    /// The run request the filled form makes (blank fields are not given: defaults apply).
    mutating func request() -> JSONValue {
        var params = OrderedDictionary<String, JSONValue>()
        for index in fields.indices {
            let field = fields[index]
            let text = field.value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            switch types[field.name] {
            case "array":
                params[field.name] = .array(lines.map { .string($0) })
            case "object":
                var object = OrderedDictionary<String, JSONValue>()
                for line in lines {
                    let pair = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2, !pair[0].isEmpty else {
                        fields[index].errors.append("\"\(line)\" is not key=value")
                        continue
                    }
                    object[pair[0]] = .string(pair[1])
                }
                params[field.name] = .object(object)
            default:
                params[field.name] = .string(field.value)
            }
        }
        var request: OrderedDictionary<String, JSONValue> = ["params": .object(params)]
        var bindings = OrderedDictionary<String, JSONValue>()
        for index in workspaces.indices {
            let text = workspaces[index].value.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            if let binding = RunRequest.workspaceBinding(line: text) { bindings[workspaces[index].name] = binding } else {
                workspaces[index].errors.append("give \(RunRequest.workspaceLineForms)")
            }
        }
        if !bindings.isEmpty { request["workspaces"] = .object(bindings) }
        for option in options {
            let text = option.value.trimmingCharacters(in: .whitespaces)
            if !text.isEmpty { request[String(option.pointer.dropFirst())] = .string(text) }
        }
        return .object(request)
    }

    /// Each problem beside the field it is about (a problem inside a value goes to the value's field); the rest below
    /// the form.
    mutating func place(_ problems: [ValidationError]) {
        for problem in problems {
            let pointer = problem.instancePointer
            func owns(_ field: Field) -> Bool { pointer == field.pointer || pointer.hasPrefix(field.pointer + "/") }
            if let index = fields.firstIndex(where: owns) {
                fields[index].errors.append(problem.message)
            } else if let index = workspaces.firstIndex(where: owns) {
                workspaces[index].errors.append(problem.message)
            } else if let index = options.firstIndex(where: owns) {
                options[index].errors.append(problem.message)
            } else if problem.keyword == "required", let name = problem.message.split(separator: "\"").dropFirst().first,
                      let index = fields.firstIndex(where: { $0.name == name }) {
                fields[index].errors.append("required")
            } else if pointer == "/workspaces", problem.message.hasPrefix("required workspace") {
                for index in workspaces.indices where workspaces[index].required && workspaces[index].value.isEmpty {
                    workspaces[index].errors.append("required: bind it to a volume")
                }
            } else {
                otherErrors.append((pointer.isEmpty ? "" : pointer + ": ") + problem.message)
            }
        }
    }
}

