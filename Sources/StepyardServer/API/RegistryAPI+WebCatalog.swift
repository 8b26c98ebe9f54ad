import Foundation
import OpenAPIRuntime
import OrderedCollections
import StepyardCore
import StepyardStore

/// The web catalog: the same data and the same access rules as the REST routes, as server-rendered pages (`WebPages`)
/// that work without JavaScript. A page of a namespace the caller may not read is the same 404 as the API's.
extension RegistryAPI {
    static let htmlType = "text/html; charset=utf-8"

    /// `GET /`: the catalog page for a browser, the JSON index of entry points for anyone else.
    func getIndex(_ input: Operations.GetIndex.Input) async throws -> Operations.GetIndex.Output {
        let ranked = input.headers.accept.sortedByQuality()
        let wantsHTML = ranked.first { $0.contentType == .html || $0.contentType == .json }?.contentType == .html
        guard wantsHTML else { return .ok(.init(body: .json(Self.index))) }
        let html = try await catalogPage(input.query)
        return .ok(.init(body: .html(HTTPBody(represent(html, as: Self.htmlType, negotiated: true).bytes))))
    }

    static let index = Components.Schemas.Index(name: "Stepyard", openapi: "/openapi.yaml", links: .init(additionalProperties: [
        "catalog": "/ (Accept: text/html)",
        "openapi": "/openapi.yaml",
        "search": "/api/v1/search?q={text}",
        "resource": "/api/v1/resources/{namespace}/{kind}/{name}",
        "version": "/api/v1/resources/{namespace}/{kind}/{name}/{version}",
        "resolved": "/api/v1/resources/{namespace}/{kind}/{name}/{version}/resolved",
        "schema": "/api/v1/resources/{namespace}/{kind}/{name}/{version}/schema",
        "readme": "/api/v1/resources/{namespace}/{kind}/{name}/{version}/readme",
        "versionPage": "/ui/{namespace}/{kind}/{name}/{version}",
        "sharedSchemas": "/schemas/params/{file}.json",
        "departments": "/api/v1/departments",
        "images": "/api/v1/images?match={text}",
        "tektonHub": "/v1/catalogs",
        "health": "/healthz",
        "readiness": "/readyz",
        "metrics": "/metrics",
    ]))

    func catalogPage(_ query: Operations.GetIndex.Input.Query) async throws -> [UInt8] {
        let text = query.q ?? ""
        let kind = query.kind.flatMap { Components.Schemas.Kind(rawValue: $0.rawValue) }.map(ResourceKind.init)
        let offset = query.cursor.flatMap(Int.init).map { max(0, $0) } ?? 0
        let visible = visibleNamespaces
        let namespaces = [organisation] + context.state.snapshot.departments.sorted().filter { visible?.contains($0) ?? true }
        var hits: [SearchHit] = []
        var problem: String?
        if let namespace = query.namespace, !namespace.isEmpty, !namespaces.contains(namespace) {
            hits = []
        } else {
            do {
                hits = try await store.search(text, kind: kind, category: query.category.flatMap { $0.isEmpty ? nil : $0 },
                                              tag: query.tag.flatMap { $0.isEmpty ? nil : $0 },
                                              language: query.language.flatMap { $0.isEmpty ? nil : $0 },
                                              namespace: query.namespace.flatMap { $0.isEmpty ? nil : $0 }, limit: Int.max)
                    .filter { visible?.contains($0.namespace) ?? true }
            } catch {
                problem = APIError(error).message
            }
        }
        let pageSize = 25
        let shown = Array(hits.dropFirst(offset).prefix(pageSize))
        var next: String?
        if offset + shown.count < hits.count {
            var items = ["cursor=\(offset + shown.count)"]
            for (name, value) in [("q", text), ("kind", query.kind?.rawValue ?? ""), ("language", query.language ?? ""), ("namespace", query.namespace ?? "")]
            where !value.isEmpty { items.append("\(name)=\(QueryItems.encode(value))") }
            next = "/?" + items.joined(separator: "&")
        }
        let kinds: [[String: Any]] = [("", "Any"), ("task", "Task"), ("pipeline", "Pipeline"), ("stepaction", "StepAction")].map { value, label in
            ["value": value, "label": label, "selected": (query.kind?.rawValue ?? "") == value]
        }
        let namespaceOptions: [[String: Any]] = namespaces.count > 1
            ? [["value": "", "label": "All", "selected": (query.namespace ?? "").isEmpty]] + namespaces.map { ["value": $0, "label": $0, "selected": query.namespace == $0] }
            : []
        return page("catalog", [
            "title": text.isEmpty ? "Catalog" : "\(text) — search",
            "query": text, "language": query.language ?? "",
            "kinds": kinds, "namespaces": namespaceOptions, "hasNamespaces": !namespaceOptions.isEmpty,
            "error": problem ?? false,
            "summary": hits.isEmpty ? "Nothing found." : "\(hits.count) found" + (hits.count > shown.count ? ", \(offset + 1)–\(offset + shown.count) shown" : "") + ".",
            "hits": shown.map { hit -> [String: Any] in
                ["name": hit.name, "kind": hit.kind.rawValue, "namespace": hit.namespace, "department": hit.namespace != organisation,
                 "deprecated": hit.deprecated, "latestVersion": hit.latestVersion, "description": hit.description,
                 "href": Self.pagePath(hit.namespace, hit.kind, hit.name, hit.latestVersion)]
            },
            "next": next ?? false,
        ])
    }

    static func pagePath(_ namespace: String, _ kind: ResourceKind, _ name: String, _ version: String) -> String {
        "/ui/\(namespace)/\(kind.rawValue)/\(name)/\(QueryItems.encode(version))"
    }

    func getStaticFile(_ input: Operations.GetStaticFile.Input) async throws -> Operations.GetStaticFile.Output {
        .ok(.init(body: .textCss(HTTPBody(represent(WebPages.stylesheet, as: "text/css; charset=utf-8", negotiated: false).bytes))))
    }

    /// `GET /ui/{ns}/{kind}/{name}/{version}`: everything a developer reads before using a template.
    func getVersionPage(_ input: Operations.GetVersionPage.Input) async throws -> Operations.GetVersionPage.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let department = path.namespace == organisation ? nil : path.namespace
        let (info, bytes, schema, versions, readme, resolved) = try await call { store throws(StoreError) in
            let (info, bytes) = try await store.content(of: ref)
            let exact = ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name, selector: .requirement(.exact(ResourceVersion(info.version)!)))
            let resolved: ResolvedTemplate? = ref.kind == .stepAction ? nil : try? await store.resolve(exact, department: department)
            return (info, bytes, try await store.parameterSchema(of: exact).1, try await store.versions(of: ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name)),
                    try await store.readme(of: exact).1, resolved)
        }
        announce(info)
        let document = try Self.document(bytes)
        let resource = TektonResource(document: resolved?.document ?? document)
        let base = "/api/v1/resources/\(path.namespace)/\(ref.kind.rawValue)/\(ref.name)/\(QueryItems.encode(info.version))"
        var steps: [[String: Any]] = []
        if ref.kind == .pipeline {
            for task in (resource?.document["spec"]?["tasks"]?.arrayValue ?? []) + (resource?.document["spec"]?["finally"]?.arrayValue ?? []) {
                let images = (task["taskSpec"]?["steps"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
                steps.append(["name": task["name"]?.stringValue ?? "", "image": images.isEmpty ? false : images.joined(separator: ", ")])
            }
        } else if ref.kind == .stepAction {
            steps.append(["name": ref.name, "image": document["spec"]?["image"]?.stringValue ?? false])
        } else {
            for step in resource?.document["spec"]?["steps"]?.arrayValue ?? [] {
                steps.append(["name": step["name"]?.stringValue ?? "(unnamed)", "image": step["image"]?.stringValue ?? false])
            }
        }
        let workspaces = (document["spec"]?["workspaces"]?.arrayValue ?? []).map { workspace -> [String: Any] in
            ["name": workspace["name"]?.stringValue ?? "", "required": workspace["optional"] != .bool(true),
             "description": workspace["description"]?.stringValue ?? ""]
        }
        let results = (document["spec"]?["results"]?.arrayValue ?? []).map { result -> [String: Any] in
            ["name": result["name"]?.stringValue ?? "", "description": result["description"]?.stringValue ?? ""]
        }
        let params = Self.paramRows(schema)
        let lock = (resolved?.lock ?? []).dropFirst().map { entry -> [String: Any] in
            ["reference": entry.reference, "digest": entry.digest, "href": Self.lockPage(entry.reference, organisation: organisation)]
        }
        let readmeHTML = readme.map { ReadmeHTML.render(ReadmeLinks.rewrite($0, of: info, organisation: organisation)) }
        var context: [String: Any] = [
            "title": "\(info.name) \(info.version)",
            "namespace": info.namespace, "kind": info.kind.rawValue, "name": info.name, "version": info.version,
            "description": info.description, "deprecated": info.deprecated, "yanked": info.yanked,
            "deprecationMessage": info.deprecationMessage ?? false,
            "runnable": ref.kind != .stepAction,
        ]
        let pagePath = Self.pagePath(info.namespace, info.kind, info.name, info.version)
        context["runHref"] = pagePath + "/run"
        context["yamlHref"] = base
        context["resolvedHref"] = base + "/resolved"
        context["schemaHref"] = base + "/schema"
        context["compareHref"] = "/ui/\(info.namespace)/\(info.kind.rawValue)/\(info.name)/compare"
        context["params"] = params
        context["hasParams"] = !params.isEmpty
        context["workspaces"] = workspaces
        context["hasWorkspaces"] = !workspaces.isEmpty
        context["results"] = results
        context["hasResults"] = !results.isEmpty
        context["stepsTitle"] = ref.kind == .pipeline ? "Tasks" : ref.kind == .stepAction ? "Image" : "Steps"
        context["steps"] = steps
        let graph = ref.kind == .pipeline ? PipelineGraph.svg(of: document["spec"], title: "The tasks of \(info.name) \(info.version) and what runs after what") : nil
        context["graph"] = graph ?? false
        context["lock"] = Array(lock)
        context["hasLock"] = !lock.isEmpty
        context["versions"] = versions.reversed().map { version -> [String: Any] in
            ["version": version.version, "href": Self.pagePath(version.namespace, version.kind, version.name, version.version),
             "current": version.version == info.version, "deprecated": version.deprecated, "yanked": version.yanked,
             "message": version.deprecationMessage ?? false]
        }
        context["readme"] = readmeHTML ?? false
        let html = page("version", context)
        return .ok(.init(body: .html(HTTPBody(represent(html, as: Self.htmlType, negotiated: false).bytes))))
    }

    /// `task/go@1.0.0` or `payments/task/go@1.0.0` (a lock entry) as its page.
    static func lockPage(_ reference: String, organisation: String) -> String {
        let at = reference.split(separator: "@", maxSplits: 1).map(String.init)
        var parts = at[0].split(separator: "/").map(String.init)
        if parts.count == 2 { parts.insert(organisation, at: 0) }
        guard parts.count == 3, at.count == 2, let kind = ResourceKind(rawValue: parts[1]) else { return "/" }
        return pagePath(parts[0], kind, parts[2], at[1])
    }

    /// One row per param of an effective schema: name, type, default, required, description, constraints.
    static func paramRows(_ schema: JSONValue) -> [[String: Any]] {
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        return (schema["properties"]?.objectValue ?? [:]).map { name, property -> [String: Any] in
            var constraints: [String] = []
            if let values = property["enum"]?.arrayValue { constraints.append("one of " + values.map { $0.stringValue ?? $0.serialized() }.joined(separator: ", ")) }
            if let pattern = property["pattern"]?.stringValue { constraints.append("matches \(pattern)") }
            if let ref = property["$ref"]?.stringValue { constraints.append(ref.split(separator: "/").last.map { String($0.dropLast(5)) } ?? ref) }
            if let format = property["format"]?.stringValue { constraints.append("format \(format)") }
            for key in ["minLength", "maxLength", "minItems", "maxItems"] { if let value = property[key] { constraints.append("\(key) \(value.serialized())") } }
            let defaultValue = property["default"]
            return ["name": name, "type": property["type"]?.stringValue ?? "string", "required": required.contains(name),
                    "hasDefault": defaultValue != nil,
                    "defaultValue": defaultValue.map { $0.stringValue.map { $0.isEmpty ? "\"\"" : $0 } ?? $0.serialized() } ?? "",
                    "description": property["description"]?.stringValue ?? "", "constraints": constraints.joined(separator: "; ")]
        }
    }
}

// MARK: - Start a run

extension RegistryAPI {
    /// `GET /ui/{ns}/{kind}/{name}/{version}/run`: the form; with `bind=1`, the values checked (each error beside its
    /// field) and, when they hold, the bound run to copy with the `kubectl` line that submits it.
    func getRunPage(_ input: Operations.GetRunPage.Input) async throws -> Operations.GetRunPage.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        guard ref.kind != .stepAction else { throw APIError.notFound("a StepAction does not run on its own: start a run of a Task that uses it") }
        let department = path.namespace == organisation ? nil : path.namespace
        let (info, bytes, schema) = try await call { store throws(StoreError) in
            let (info, bytes) = try await store.content(of: ref)
            return (info, bytes, try await store.parameterSchema(of: ref).1)
        }
        let document = try Self.document(bytes)
        let items = QueryItems(RequestState.current.query)
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
                if resolved.errors.isEmpty {
                    runText = resolved.yaml
                    digest = resolved.digest
                } else {
                    form.place(resolved.errors)
                }
            }
        }
        let hasName = !(items["run.name"] ?? "").isEmpty
        let html = page("run", [
            "title": "Run \(info.name) \(info.version)",
            "name": info.name, "version": info.version,
            "pageHref": Self.pagePath(info.namespace, info.kind, info.name, info.version),
            "action": Self.pagePath(info.namespace, info.kind, info.name, info.version) + "/run",
            "fields": form.fields.map(\.context), "workspaces": form.workspaces.map(\.context), "options": form.options.map(\.context),
            "otherErrors": form.otherErrors, "hasOtherErrors": !form.otherErrors.isEmpty,
            "run": runText ?? false, "digest": digest,
            "runKind": ref.kind == .pipeline ? "PipelineRun" : "TaskRun",
            "kubectl": hasName ? "kubectl apply -f run.yaml" : "kubectl create -f run.yaml",
        ])
        return .ok(.init(body: .html(HTTPBody(represent(html, as: Self.htmlType, negotiated: false).bytes))))
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

        var context: [String: Any] {
            var out: [String: Any] = ["id": id, "input": input, "name": name, "label": name, "required": required, "value": value,
                                      "placeholder": placeholder, "help": help, "errors": errors, "invalid": !errors.isEmpty]
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

    init(schema: JSONValue, document: JSONValue, kind: ResourceKind, items: QueryItems?) {
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        for (name, property) in schema["properties"]?.objectValue ?? [:] {
            let type = property["type"]?.stringValue ?? "string"
            types[name] = type
            var field = Field(id: "p-\(name)", input: "p.\(name)", name: name, required: required.contains(name),
                              help: property["description"]?.stringValue ?? "", pointer: "/params/" + name)
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

// MARK: - Signing in

extension RegistryAPI {
    /// A page with what every page shows: who is signed in, and the CSRF value its forms repeat (set as a cookie the
    /// first time a browser comes).
    func page(_ template: String, _ context: [String: Any]) -> [UInt8] {
        var context = context
        context["signedIn"] = !principal.isAnonymous
        context["callerName"] = principal.name
        context["csrf"] = csrfValue()
        return WebPages.render(template, context)
    }

    /// The browser's CSRF value, made (and sent as a cookie) when it has none.
    func csrfValue() -> String {
        if let value = RequestState.current.cookies[WebSessions.csrfCookie], value.count == 64, value.allSatisfy(\.isHexDigit) { return value }
        let value = WebSessions.newSecret()
        RequestState.current.record?.setCookies.append(WebSessions.setCookie(WebSessions.csrfCookie, value, secure: secureCookies))
        return value
    }

    var secureCookies: Bool { RequestState.current.baseURL.hasPrefix("https://") }

    /// A form post that repeats the browser's CSRF value; anything else (a post from another site) is refused.
    func requireCSRF(_ given: String) throws(APIError) {
        guard let expected = RequestState.current.cookies[WebSessions.csrfCookie], !expected.isEmpty, given == expected else {
            throw APIError(.forbidden, "forbidden", "this form was not sent from this site's own page (its CSRF value does not match): reload the page and try again")
        }
    }

    func getSignInPage(_ input: Operations.GetSignInPage.Input) async throws -> Operations.GetSignInPage.Output {
        .ok(.init(body: .html(HTTPBody(represent(page("sign-in", ["title": "Sign in"]), as: Self.htmlType, negotiated: false).bytes))))
    }

    func signIn(_ input: Operations.SignIn.Input) async throws -> Operations.SignIn.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw APIError.badRequest("send the sign-in form") }
        try requireCSRF(form.csrf)
        let token = form.token.trimmingCharacters(in: .whitespaces)
        let known = (try? await context.verifier.principal(authorization: "Bearer " + token)).map { !$0.isAnonymous } ?? false
        guard known else {
            let again = page("sign-in", ["title": "Sign in", "error": "That token is not known here (or was revoked)."])
            return .ok(.init(body: .html(HTTPBody(represent(again, as: Self.htmlType, negotiated: false).bytes))))
        }
        let id = context.sessions.create(token: token)
        RequestState.current.record?.setCookies.append(WebSessions.setCookie(WebSessions.sessionCookie, id, secure: secureCookies,
                                                                             maxAge: Int(WebSessions.lifetime.components.seconds)))
        RequestState.current.record?.location = "/"
        return .seeOther(.init())
    }

    func signOut(_ input: Operations.SignOut.Input) async throws -> Operations.SignOut.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw APIError.badRequest("send the sign-out form") }
        try requireCSRF(form.csrf)
        if let id = RequestState.current.cookies[WebSessions.sessionCookie] { context.sessions.end(id) }
        RequestState.current.record?.setCookies.append(WebSessions.setCookie(WebSessions.sessionCookie, "", secure: secureCookies, maxAge: 0))
        RequestState.current.record?.location = "/"
        return .seeOther(.init())
    }
}

// MARK: - Compare

extension RegistryAPI {
    /// `GET /ui/{ns}/{kind}/{name}/compare[?from=&to=]`: the change report the API's `diff` gives, as a table. Without
    /// versions, a fork is compared with its upstream and anything else its newest version with the one before.
    func getComparePage(_ input: Operations.GetComparePage.Input) async throws -> Operations.GetComparePage.Output {
        let path = input.path, query = input.query
        let ref = try readable(path.namespace, path.kind, path.name)
        let versions = try await call { store throws(StoreError) in try await store.versions(of: ref) }.map(\.version)
        guard let newest = versions.last else { throw APIError.notFound("\(path.namespace)/\(path.kind.rawValue)/\(path.name) not found") }
        let fromText = query.from.flatMap { $0.isEmpty ? nil : $0 }, toText = query.to.flatMap { $0.isEmpty ? nil : $0 }
        var report: ChangeReport?
        var title = ""
        var problem: String?
        do {
            if let fromText, let toText {
                guard let old = try selector(fromText), let new = try selector(toText) else { throw APIError.badRequest("from and to name versions") }
                report = try await call { store throws(StoreError) in try await store.changes(of: ref, from: old, to: new) }
                title = "\(fromText) → \(toText)"
            } else if path.namespace != organisation,
                      let diff = try? await store.diff(ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name)) {
                report = diff.report
                title = "\(diff.fork) against its upstream \(diff.upstream)"
            } else if versions.count > 1 {
                let previous = versions[versions.count - 2]
                guard let old = try selector(previous), let new = try selector(newest) else { throw APIError.badRequest("versions to compare") }
                report = try await call { store throws(StoreError) in try await store.changes(of: ref, from: old, to: new) }
                title = "\(previous) → \(newest)"
            } else {
                problem = "\(path.name) has one version: there is nothing to compare it with yet."
            }
        } catch let error as APIError where error.status == .badRequest || error.status == .notFound {
            problem = error.message
        }
        let from = fromText ?? (versions.count > 1 ? versions[versions.count - 2] : newest), to = toText ?? newest
        let changes = (report?.changes ?? []).map { change -> [String: Any] in
            ["path": change.path, "kind": change.kind.rawValue, "breaking": change.breaking,
             "before": change.before.map(Self.shown) ?? false, "after": change.after.map(Self.shown) ?? false]
        }
        let html = page("compare", [
            "title": "Compare \(path.name)", "name": path.name,
            "pageHref": Self.pagePath(path.namespace, ResourceKind(path.kind), path.name, newest),
            "action": "/ui/\(path.namespace)/\(path.kind.rawValue)/\(path.name)/compare",
            "versionChoice": versions.count > 1,
            "fromOptions": versions.map { ["value": $0, "selected": $0 == from] },
            "toOptions": versions.map { ["value": $0, "selected": $0 == to] },
            "error": problem ?? false,
            "report": report != nil, "reportTitle": title, "breaking": report?.isBreaking ?? false,
            "count": changes.isEmpty ? "no change" : changes.count == 1 ? "1 change" : "\(changes.count) changes",
            "changes": changes, "hasChanges": !changes.isEmpty,
        ])
        return .ok(.init(body: .html(HTTPBody(represent(html, as: Self.htmlType, negotiated: false).bytes))))
    }

    /// A value of a change as a line of text (strings as they are, anything else as compact JSON), cut at 200 characters.
    static func shown(_ value: JSONValue) -> String {
        let text = value.stringValue ?? value.serialized()
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
