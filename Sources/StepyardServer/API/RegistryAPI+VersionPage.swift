import Foundation
import HTTPTypes
import OpenAPIRuntime
import StepyardCore
import StepyardStore

/// A version's page: everything a developer reads before using a template, and for a member the way to fork it (an
/// organisation template) or to see and take its upstream's new versions (a fork).
extension RegistryAPI {
    /// `GET /ui/{ns}/{kind}/{name}/{version}`.
    func getVersionPage(_ input: Operations.GetVersionPage.Input) async throws -> Operations.GetVersionPage.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let html = try await webPage { try await versionPage(ref) }
        return .ok(.init(body: .html(htmlBody(html))))
    }

    private func versionPage(_ ref: ResourceRef) async throws -> PageCache.Page {
        let department = ref.namespace
        let visible = visibleNamespaces
        let resource = ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name)
        let (info, bytes, schema, versions, readme, resolved) = try await call { store throws(StoreError) in
            let (info, bytes) = try await store.content(of: ref)
            let exact = ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name, selector: .requirement(.exact(ResourceVersion(info.version)!)))
            let resolved: ResolvedTemplate? = ref.kind == .stepAction ? nil : try? await store.resolve(exact, department: department)
            return (info, bytes, try await store.parameterSchema(of: exact).1, try await store.versions(of: resource),
                    try await store.readme(of: exact).1, resolved)
        }
        let exact = ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name, selector: .requirement(.exact(ResourceVersion(info.version)!)))
        let (history, dependents, upstream) = try await call { store throws(StoreError) in
            (try await store.history(of: exact, limit: 20), try await store.dependents(of: resource, namespaces: visible),
             try await store.upstreams(of: resource)[info.version])
        }
        let document = try Self.document(bytes)
        let effective = TektonResource(document: resolved?.document ?? document)
        let base = "/api/v1/resources/\(info.namespace)/\(ref.kind.rawValue)/\(ref.name)/\(QueryItems.encode(info.version))"
        let pagePath = Self.pagePath(info.namespace, info.kind, info.name, info.version)
        var context: [String: Any] = [
            "namespace": info.namespace, "kind": info.kind.rawValue, "name": info.name, "version": info.version,
            "description": info.description, "deprecated": info.deprecated, "yanked": info.yanked,
            "deprecationMessage": info.deprecationMessage ?? false,
            "runnable": ref.kind != .stepAction,
        ]
        context["runHref"] = pagePath + "/run"
        context["yamlHref"] = base
        context["resolvedHref"] = base + "/resolved"
        context["schemaHref"] = base + "/schema"
        context["compareHref"] = "/ui/\(info.namespace)/\(info.kind.rawValue)/\(info.name)/compare"
        let params = Self.paramRows(schema)
        context["params"] = params
        context["hasParams"] = !params.isEmpty
        let workspaces = (document["spec"]?["workspaces"]?.arrayValue ?? []).map { workspace -> [String: Any] in
            ["name": workspace["name"]?.stringValue ?? "", "required": workspace["optional"] != .bool(true),
             "description": workspace["description"]?.stringValue ?? ""]
        }
        context["workspaces"] = workspaces
        context["hasWorkspaces"] = !workspaces.isEmpty
        let results = (document["spec"]?["results"]?.arrayValue ?? []).map { result -> [String: Any] in
            ["name": result["name"]?.stringValue ?? "", "description": result["description"]?.stringValue ?? ""]
        }
        context["results"] = results
        context["hasResults"] = !results.isEmpty
        context["stepsTitle"] = ref.kind == .pipeline ? "Tasks" : ref.kind == .stepAction ? "Image" : "Steps"
        context["steps"] = Self.stepRows(ref.kind, document: document, effective: effective, name: ref.name)
        let graph = ref.kind == .pipeline ? PipelineGraph.svg(of: document["spec"], title: "The tasks of \(info.name) \(info.version) and what runs after what") : nil
        context["graph"] = graph ?? false
        let lock = (resolved?.lock ?? []).dropFirst().map { entry -> [String: Any] in
            ["reference": entry.reference, "digest": entry.digest, "href": Self.lockPage(entry.reference, organisation: organisation)]
        }
        context["lock"] = Array(lock)
        context["hasLock"] = !lock.isEmpty
        context["versions"] = versions.reversed().map { version -> [String: Any] in
            ["version": version.version, "href": Self.pagePath(version.namespace, version.kind, version.name, version.version),
             "current": version.version == info.version, "deprecated": version.deprecated, "yanked": version.yanked,
             "message": version.deprecationMessage ?? false]
        }
        let dependentRows = dependents.map { dependent -> [String: Any] in
            ["ref": dependent.ref, "href": Self.lockPage(dependent.ref, organisation: organisation),
             "via": dependent.via == "fork" ? "a fork of" : dependent.via == "task" ? "a Pipeline task, requires" : "a step, requires",
             "requirement": dependent.requirement]
        }
        context["dependents"] = dependentRows
        context["hasDependents"] = !dependentRows.isEmpty
        let historyRows = history.map { entry -> [String: Any] in
            ["date": entry.date, "day": String(entry.date.prefix(10)), "author": entry.author,
             "message": entry.message.split(separator: "\n").first.map(String.init) ?? "", "commit": String(entry.commit.prefix(10))]
        }
        context["history"] = historyRows
        context["hasHistory"] = !historyRows.isEmpty
        context["readme"] = readme.map { ReadmeHTML.render(ReadmeLinks.rewrite($0, of: info, organisation: organisation)) } ?? false
        // A member's ways onward: fork an organisation template; for a fork, its upstream and what upstream released since.
        let departments = writableDepartments
        if info.namespace == organisation, !departments.isEmpty {
            context["forkForm"] = true
            context["forkAction"] = pagePath + "/fork"
            context["forkDepartments"] = departments
        }
        if let upstream {
            let upstreamVersions = (try? await store.versions(of: ResourceRef(namespace: upstream.namespace == organisation ? nil : upstream.namespace,
                                                                             kind: upstream.kind, name: upstream.name))) ?? []
            let newer = Self.newerVersions(upstreamVersions, than: upstream.version)
            context["upstream"] = upstream.reference
            context["upstreamHref"] = Self.pagePath(upstream.namespace, upstream.kind, upstream.name, upstream.version)
            context["newer"] = newer.map { ["version": $0.version, "href": Self.pagePath($0.namespace, $0.kind, $0.name, $0.version)] }
            context["hasNewer"] = !newer.isEmpty
            context["newest"] = newer.last?.version ?? ""
            context["upgradeHref"] = "/ui/\(info.namespace)/\(info.kind.rawValue)/\(info.name)/upgrade"
        }
        var lifecycle: [HTTPField] = []
        if let notice = LifecycleNotice(info, reference: info.ref) { lifecycle = lifecycleFields([notice]) }
        context["usageSource"] = base + "/usage"
        return PageCache.Page(title: "\(info.name) \(info.version)", content: pageContent("version", context), lifecycle: lifecycle,
                              scripts: ["usage.js"])
    }

    /// An upstream's versions after `version` that an upgrade may take (not yanked), lowest first.
    static func newerVersions(_ versions: [VersionInfo], than version: String) -> [VersionInfo] {
        guard let base = ResourceVersion(version) else { return [] }
        return versions.filter { !$0.yanked && (ResourceVersion($0.version).map { $0 > base } ?? false) }
    }

    /// The steps (a Task: as resolved, StepActions inlined), tasks (a Pipeline) or image (a StepAction) of a version.
    static func stepRows(_ kind: ResourceKind, document: JSONValue, effective: TektonResource?, name: String) -> [[String: Any]] {
        switch kind {
        case .pipeline:
            let spec = effective?.document["spec"]
            return ((spec?["tasks"]?.arrayValue ?? []) + (spec?["finally"]?.arrayValue ?? [])).map { task in
                let images = (task["taskSpec"]?["steps"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
                return ["name": task["name"]?.stringValue ?? "", "image": images.isEmpty ? false : images.joined(separator: ", ")]
            }
        case .stepAction:
            return [["name": name, "image": document["spec"]?["image"]?.stringValue ?? false]]
        case .task:
            return (effective?.document["spec"]?["steps"]?.arrayValue ?? []).map { step in
                ["name": step["name"]?.stringValue ?? "(unnamed)", "image": step["image"]?.stringValue ?? false]
            }
        }
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

