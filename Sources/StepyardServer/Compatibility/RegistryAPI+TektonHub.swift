import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

/// Tekton Hub's read API, with the JSON shapes `tkn hub` and Tekton's hub resolver (`type: tekton`) decode
/// (tektoncd/hub `api/v1`, tektoncd/pipeline `pkg/resolution/resolver/hub`). Catalogs are namespaces: the organisation
/// answers to its own name and to the clients' default catalog names, any case; a department is a catalog named
/// after it, visible to its members only.
extension RegistryAPI {
    func hubCatalogs(_ input: Operations.HubCatalogs.Input) async throws -> Operations.HubCatalogs.Output {
        let visible = visibleNamespaces
        var namespaces = [organisation]
        namespaces += context.state.snapshot.departments.sorted().filter { visible?.contains($0) ?? true }
        let catalogs: [JSONValue] = namespaces.map { namespace in
            hubCatalog(namespace).setting("url", .string(RequestState.current.baseURL + "/api/v1/search?namespace=" + namespace))
                .setting("provider", "stepyard")
        }
        return .ok(.init(body: .json(try Self.make(["data": .array(catalogs)]))))
    }

    func hubQuery(_ input: Operations.HubQuery.Input) async throws -> Operations.HubQuery.Output {
        let query = input.query
        var kinds: Set<ResourceKind> = []
        for kind in query.kinds ?? [] {
            guard let parsed = ResourceKind(rawValue: kind.lowercased()) else {
                throw APIError.badRequest("resource kind '\(kind)' not supported. Supported kinds are [Task Pipeline StepAction]")
            }
            kinds.insert(parsed)
        }
        var namespaces = Set<String>()
        if let catalogs = query.catalogs, !catalogs.isEmpty {
            for catalog in catalogs { if let namespace = hubNamespace(catalog) { namespaces.insert(namespace) } }
        } else {
            namespaces = visibleNamespaces ?? Set([organisation] + context.state.snapshot.departments)
            namespaces = namespaces.filter { context.policy.canRead($0, principal) }
        }
        let entries = try await call { store throws(StoreError) in try await store.catalogEntries(namespaces: namespaces) }
        let name = (query.name ?? "").lowercased()
        let exact = query.match == .exact
        let lowered = { (values: [String]?) in Set((values ?? []).map { $0.lowercased() }) }
        let (tags, categories, platforms) = (lowered(query.tags), lowered(query.categories), lowered(query.platforms))
        var results: [JSONValue] = []
        for resource in Self.groupedByResource(entries) {
            let listed = resource.filter { !$0.info.yanked }
            guard let latest = listed.last else { continue }
            let info = latest.info
            if !kinds.isEmpty && !kinds.contains(info.kind) { continue }
            if !name.isEmpty && (exact ? info.name.lowercased() != name : !info.name.lowercased().contains(name)) { continue }
            if !tags.isEmpty && tags.isDisjoint(with: latest.tags.map { $0.lowercased() }) { continue }
            if !categories.isEmpty && categories.isDisjoint(with: latest.categories.map { $0.lowercased() }) { continue }
            if !platforms.isEmpty && platforms.isDisjoint(with: latest.platforms.map { $0.lowercased() }) { continue }
            results.append(hubResource(listed, withVersions: false))
        }
        let limit = query.limit ?? 1000
        guard !results.isEmpty, limit > 0 else { throw APIError.notFound("resource not found") }
        return .ok(.init(body: .json(try Self.make(["data": .array(Array(results.prefix(limit)))]))))
    }

    func hubVersionsByID(_ input: Operations.HubVersionsByID.Input) async throws -> Operations.HubVersionsByID.Output {
        guard let id = Int(input.path.catalog), id >= 0 else { throw APIError.badRequest("id \"\(input.path.catalog)\" is not a resource id") }
        let namespaces = (visibleNamespaces ?? Set([organisation] + context.state.snapshot.departments)).filter { context.policy.canRead($0, principal) }
        let entries = try await call { store throws(StoreError) in try await store.catalogEntries(namespaces: namespaces) }
        guard let resource = Self.groupedByResource(entries).first(where: {
            HubIdentifiers.resource(namespace: $0[0].info.namespace, kind: $0[0].info.kind, name: $0[0].info.name) == id
        }) else { throw APIError.notFound("resource not found") }
        let listed = resource.filter { !$0.info.yanked }
        guard let latest = listed.last else { throw APIError.notFound("resource not found") }
        let data: JSONValue = ["latest": hubVersion(latest, view: .min), "versions": .array(listed.map { hubVersion($0, view: .min) })]
        return .ok(.init(body: .json(try Self.make(["data": data]))))
    }

    func hubResource(_ input: Operations.HubResource.Input) async throws -> Operations.HubResource.Output {
        let path = input.path
        var listed = try await hubEntries(path.catalog, path.kind, path.name).filter { !$0.info.yanked }
        if let wanted = input.query.pipelinesversion {
            guard let limit = ResourceVersion(wanted.hasPrefix("v") ? String(wanted.dropFirst()) : wanted) else {
                throw APIError.badRequest("pipelinesversion \"\(wanted)\" is not a version")
            }
            listed = listed.filter { entry in entry.minPipelinesVersion.flatMap { ResourceVersion($0) }.map { $0 <= limit } ?? true }
        }
        guard !listed.isEmpty else { throw APIError.notFound("resource not found") }
        return .ok(.init(body: .json(try Self.make(["data": hubResource(listed, withVersions: true)]))))
    }

    func hubLatestRaw(_ input: Operations.HubLatestRaw.Input) async throws -> Operations.HubLatestRaw.Output {
        let path = input.path
        guard let latest = try await hubEntries(path.catalog, path.kind, path.name).last(where: { !$0.info.yanked }).map({ entry in
            announce(entry.info)
            return entry
        }) else {
            throw APIError.notFound("resource not found")
        }
        return .ok(.init(body: .plainText(HTTPBody(represent(try await hubFile(latest), as: "text/plain", negotiated: false).bytes))))
    }

    func hubVersion(_ input: Operations.HubVersion.Input) async throws -> Operations.HubVersion.Output {
        let path = input.path
        let entries = try await hubEntries(path.catalog, path.kind, path.name)
        let entry = try hubMatch(path.version, entries)
        var data = hubVersion(entry, view: .full)
        if let date = try? await store.history(of: Self.exact(entry.info), limit: 1).first?.date { data = data.setting("updatedAt", .string(date)) }
        let listed = entries.filter { !$0.info.yanked }
        var resource = hubResource(listed.isEmpty ? [entry] : listed, withVersions: false, info: true)
        resource = resource.setting("hubURLPath", .string(hubURLPath(entry.info) + "/" + entry.info.version))
        return .ok(.init(body: .json(try Self.make(["data": data.setting("resource", resource)]))))
    }

    func hubVersionYAML(_ input: Operations.HubVersionYAML.Input) async throws -> Operations.HubVersionYAML.Output {
        let path = input.path
        let entry = try hubMatch(path.version, try await hubEntries(path.catalog, path.kind, path.name))
        let yaml = String(decoding: try await hubFile(entry), as: UTF8.self)
        return .ok(.init(body: .json(.init(data: .init(yaml: yaml)))))
    }

    func hubVersionReadme(_ input: Operations.HubVersionReadme.Input) async throws -> Operations.HubVersionReadme.Output {
        let path = input.path
        let entry = try hubMatch(path.version, try await hubEntries(path.catalog, path.kind, path.name))
        let (_, readme) = try await call { store throws(StoreError) in try await store.readme(of: Self.exact(entry.info)) }
        guard let readme else { throw APIError.notFound("resource not found") }
        return .ok(.init(body: .json(.init(data: .init(readme: String(decoding: readme, as: UTF8.self))))))
    }

    func hubVersionRaw(_ input: Operations.HubVersionRaw.Input) async throws -> Operations.HubVersionRaw.Output {
        let path = input.path
        let entry = try hubMatch(path.version, try await hubEntries(path.catalog, path.kind, path.name))
        return .ok(.init(body: .plainText(HTTPBody(represent(try await hubFile(entry), as: "text/plain", negotiated: false).bytes))))
    }
}

// MARK: - Shapes

extension RegistryAPI {
    enum HubVersionView { case min, withoutResource, full }

    /// The namespace a hub catalog name means for this caller, or `nil` when there is none it may read.
    func hubNamespace(_ catalog: String) -> String? {
        if HubCatalogNames.meansOrganisation(catalog, organisation: organisation) {
            return context.policy.canRead(organisation, principal) ? organisation : nil
        }
        let lowered = catalog.lowercased()
        guard let department = context.state.snapshot.departments.first(where: { $0.lowercased() == lowered }),
              context.policy.canRead(department, principal) else { return nil }
        return department
    }

    /// Every version of a resource in a hub catalog (yanked ones too: an exact version still fetches them).
    func hubEntries(_ catalog: String, _ kind: Components.Schemas.Kind, _ name: String) async throws -> [CatalogEntry] {
        guard ResourceName.problem(with: name.lowercased()) == nil, let namespace = hubNamespace(catalog) else {
            throw APIError.notFound("resource not found")
        }
        let kind = ResourceKind(kind)
        let entries = try await call { store throws(StoreError) in
            try await store.catalogEntries(namespaces: [namespace], kind: kind, name: name.lowercased())
        }
        guard !entries.isEmpty else { throw APIError.notFound("resource not found") }
        return entries
    }

    func hubMatch(_ version: String, _ entries: [CatalogEntry]) throws(APIError) -> CatalogEntry {
        guard let info = HubVersionMatch.find(version, in: entries.map(\.info)),
              let entry = entries.first(where: { $0.info == info }) else { throw .notFound("resource not found") }
        announce(info)
        return entry
    }

    func hubFile(_ entry: CatalogEntry) async throws -> [UInt8] {
        try await call { store throws(StoreError) in try await store.content(of: Self.exact(entry.info)) }.1
    }

    static func exact(_ info: VersionInfo) -> ResourceRef {
        ResourceRef(namespace: info.namespace, kind: info.kind, name: info.name,
                    selector: ResourceVersion(info.version).map { .requirement(.exact($0)) })
    }

    static func groupedByResource(_ entries: [CatalogEntry]) -> [[CatalogEntry]] {
        var groups: [[CatalogEntry]] = []
        for entry in entries {
            if let last = groups.last?.last, last.info.namespace == entry.info.namespace, last.info.kind == entry.info.kind,
               last.info.name == entry.info.name {
                groups[groups.count - 1].append(entry)
            } else {
                groups.append([entry])
            }
        }
        return groups.sorted { ($0[0].info.name, $0[0].info.namespace) < ($1[0].info.name, $1[0].info.namespace) }
    }

    static func hubKind(_ kind: ResourceKind) -> String {
        switch kind {
        case .task: return "Task"
        case .pipeline: return "Pipeline"
        case .stepAction: return "StepAction"
        }
    }

    func hubCatalog(_ namespace: String) -> JSONValue {
        ["id": .number(JSONNumber(HubIdentifiers.catalog(namespace))), "name": .string(namespace),
         "type": .string(namespace == organisation ? "official" : "community")]
    }

    static func named(_ prefix: String, _ names: [String]) -> JSONValue {
        .array(names.map { ["id": .number(JSONNumber(HubIdentifiers.id(prefix + ":" + $0))), "name": .string($0)] })
    }

    func hubURLPath(_ info: VersionInfo) -> String { "\(info.namespace)/\(Self.hubKind(info.kind))/\(info.name)" }

    func hubVersion(_ entry: CatalogEntry, view: HubVersionView) -> JSONValue {
        let info = entry.info
        let base = RequestState.current.baseURL
        let raw = "resource/\(info.namespace)/\(info.kind.rawValue)/\(info.name)/\(info.version)/raw"
        var value: JSONValue = ["id": .number(JSONNumber(HubIdentifiers.version(namespace: info.namespace, kind: info.kind, name: info.name,
                                                                                  version: info.version))),
                                "version": .string(info.version)]
        if view != .min {
            value = value.setting("displayName", .string(entry.displayName ?? info.name))
            if info.deprecated { value = value.setting("deprecated", true) }
            value = value.setting("description", .string(info.description))
                .setting("minPipelinesVersion", .string(entry.minPipelinesVersion ?? ""))
        }
        return value.setting("rawURL", .string(base + "/v1/" + raw))
            .setting("webURL", .string(base + Self.pagePath(info.namespace, info.kind, info.name, info.version)))
            .setting("hubURLPath", .string(hubURLPath(info) + "/" + info.version))
            .setting("hubRawURLPath", .string(raw))
            .setting("platforms", Self.named("platform", entry.platforms))
    }

    /// A resource as Tekton Hub shows it: its latest version (`withoutResource` view) and, on request, every version.
    func hubResource(_ versions: [CatalogEntry], withVersions: Bool, info: Bool = false) -> JSONValue {
        let latest = versions[versions.count - 1]
        let resource = latest.info
        var value: JSONValue = ["id": .number(JSONNumber(HubIdentifiers.resource(namespace: resource.namespace, kind: resource.kind, name: resource.name))),
                                "name": .string(resource.name), "catalog": hubCatalog(resource.namespace),
                                "categories": Self.named("category", latest.categories), "kind": .string(Self.hubKind(resource.kind)),
                                "hubURLPath": .string(hubURLPath(resource))]
        if !info {
            value = value.setting("hubRawURLPath", .string("resource/\(resource.namespace)/\(resource.kind.rawValue)/\(resource.name)/raw"))
                .setting("latestVersion", hubVersion(latest, view: .withoutResource))
        }
        value = value.setting("tags", Self.named("tag", latest.tags)).setting("platforms", Self.named("platform", latest.platforms))
            .setting("rating", 0)
        if withVersions { value = value.setting("versions", .array(versions.map { hubVersion($0, view: .min) })) }
        return value
    }
}
