import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardSchemas
import StepyardStore

extension RegistryAPI {
    func search(_ input: Operations.Search.Input) async throws -> Operations.Search.Output {
        let query = input.query
        let offset: Int
        if let cursor = query.cursor {
            guard let parsed = Int(cursor), parsed >= 0 else { throw APIError.badRequest("cursor \"\(cursor)\" is not one this server gave") }
            offset = parsed
        } else {
            offset = 0
        }
        let limit = query.limit ?? 50
        guard (1...500).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 500") }
        let visible = visibleNamespaces
        if let namespace = query.namespace, visible.map({ !$0.contains(namespace) }) ?? false {
            return .ok(.init(body: .json(.init(items: []))))
        }
        let hits = try await call { store throws(StoreError) in
            try await store.search(query.q ?? "", kind: query.kind.map(ResourceKind.init), category: query.category, tag: query.tag,
                                   language: query.language, namespace: query.namespace, limit: Int.max)
        }.filter { visible?.contains($0.namespace) ?? true }
        let page = Array(hits.dropFirst(offset).prefix(limit))
        let next = offset + page.count < hits.count ? String(offset + page.count) : nil
        return .ok(.init(body: .json(.init(items: try Self.make(page), nextCursor: next))))
    }

    func getResource(_ input: Operations.GetResource.Input) async throws -> Operations.GetResource.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name)
        let (versions, upstreams, latest, files) = try await call { store throws(StoreError) in
            let versions = try await store.versions(of: ref)
            return (versions, try await store.upstreams(of: ref), try? await store.select(ref), try await store.publishedFileDigests(of: versions))
        }
        let summaries: [JSONValue] = zip(versions, files).map { info, file in
            var summary: JSONValue = ["version": .string(info.version), "semver": .string(info.semver), "digest": .string(info.digest),
                                      "description": .string(info.description), "deprecated": .bool(info.deprecated),
                                      "yanked": .bool(info.yanked),
                                      "url": .string("/api/v1/resources/\(path.namespace)/\(ref.kind.rawValue)/\(ref.name)/\(info.version)")]
            if let file { summary = summary.setting("sha256", .string(file)) }
            if let message = info.deprecationMessage { summary = summary.setting("deprecationMessage", .string(message)) }
            return summary
        }
        var resource: JSONValue = ["namespace": .string(path.namespace), "kind": .string(ref.kind.rawValue), "name": .string(ref.name),
                                   "versions": .array(summaries)]
        if let latest { resource = resource.setting("latestVersion", .string(latest.version)) }
        if let newest = versions.last, let upstream = upstreams[newest.version] {
            resource = resource.setting("upstream", ["namespace": .string(upstream.namespace), "kind": .string(upstream.kind.rawValue),
                                                     "name": .string(upstream.name), "version": .string(upstream.version),
                                                     "digest": .string(upstream.digest)])
        }
        return .ok(.init(body: .json(try Self.make(resource))))
    }

    func getHistory(_ input: Operations.GetHistory.Input) async throws -> Operations.GetHistory.Output {
        let ref = try readable(input.path.namespace, input.path.kind, input.path.name)
        let limit = input.query.limit ?? 200
        guard (1...1000).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 1000") }
        let entries = try await call { store throws(StoreError) in try await store.history(of: ref, limit: limit) }
        return .ok(.init(body: .json(.init(items: try Self.make(entries)))))
    }

    func getDependents(_ input: Operations.GetDependents.Input) async throws -> Operations.GetDependents.Output {
        let ref = try readable(input.path.namespace, input.path.kind, input.path.name)
        let visible = visibleNamespaces
        // The organisation's publishers see which departments forked an organisation resource (whom a release
        // affects); everyone else sees forks only in the namespaces they may read.
        let forksEverywhere = principal.role == .publisher && ref.namespace.map { $0 == organisation } ?? true
        let dependents = try await call { store throws(StoreError) -> [Dependent] in
            _ = try await store.versions(of: ref)
            var dependents = try await store.dependents(of: ref, namespaces: visible)
            if forksEverywhere {
                let seen = Set(dependents)
                dependents += try await store.dependents(of: ref).filter { $0.via == "fork" && !seen.contains($0) }
                dependents.sort { ($0.ref, $0.via) < ($1.ref, $1.via) }
            }
            return dependents
        }
        return .ok(.init(body: .json(.init(items: try Self.make(dependents)))))
    }

    func listImages(_ input: Operations.ListImages.Input) async throws -> Operations.ListImages.Output {
        let visible = visibleNamespaces
        let uses = try await call { store throws(StoreError) in try await store.images(matching: input.query.match, namespaces: visible) }
        return .ok(.init(body: .json(.init(items: try Self.make(uses)))))
    }

    func getVersion(_ input: Operations.GetVersion.Input) async throws -> Operations.GetVersion.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let (info, bytes) = try await call { store throws(StoreError) in try await store.content(of: ref) }
        announce(info)
        let json = Self.prefersJSON(input.headers.accept, json: .json)
        let representation = represent(json ? try Self.document(bytes).serializedBytes(pretty: true) + [0x0A] : bytes,
                                       as: json ? Representation.json : Representation.yaml, negotiated: true)
        let headers = Operations.GetVersion.Output.Ok.Headers(eTag: representation.etag, stepyardVersion: info.version)
        return .ok(.init(headers: headers, body: json ? .json(.init()) : .yaml(HTTPBody(bytes))))
    }

    func getReadme(_ input: Operations.GetReadme.Input) async throws -> Operations.GetReadme.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let (info, readme) = try await call { store throws(StoreError) in try await store.readme(of: ref) }
        announce(info)
        guard let readme else { throw APIError.notFound("\(info.ref) has no README") }
        let served = ReadmeLinks.rewrite(readme, of: info, organisation: organisation)
        let representation = represent(Array(served.utf8), as: "text/markdown; charset=utf-8", negotiated: false)
        return .ok(.init(headers: .init(eTag: representation.etag), body: .textMarkdown(HTTPBody(representation.bytes))))
    }

    func getParameterSchema(_ input: Operations.GetParameterSchema.Input) async throws -> Operations.GetParameterSchema.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let (info, schema) = try await call { store throws(StoreError) in try await store.parameterSchema(of: ref) }
        announce(info)
        let served = SchemaLinks.served(schema)
        let representation = represent(served.serializedBytes(pretty: true) + [0x0A], as: "application/schema+json", negotiated: false)
        return .ok(.init(headers: .init(eTag: representation.etag), body: .applicationSchemaJson(.init())))
    }
}

extension JSONValue {
    /// This object with `key` set (appended when new).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = value
        return .object(object)
    }
}

extension RegistryAPI {
    /// The shipped schemas as served (`SchemaLinks`), by `group/file`; read once.
    static let sharedSchemaFiles: [String: [UInt8]] = {
        guard let documents = try? SharedSchemas.documents() else { return [:] }
        var out: [String: [UInt8]] = [:]
        for (id, document) in documents where id.hasPrefix(SchemaLinks.idPrefix) {
            out[String(id.dropFirst(SchemaLinks.idPrefix.count))] = SchemaLinks.served(document).serializedBytes(pretty: true) + [0x0A]
        }
        return out
    }()

    func getSharedSchema(_ input: Operations.GetSharedSchema.Input) async throws -> Operations.GetSharedSchema.Output {
        let name = "\(input.path.group.rawValue)/\(input.path.file)"
        guard let bytes = Self.sharedSchemaFiles[name] else {
            throw APIError.notFound("no shipped schema \(name); the parameter types are \(Self.sharedSchemaFiles.keys.filter { $0.hasPrefix("params/") }.sorted().joined(separator: ", "))")
        }
        let representation = represent(bytes, as: "application/schema+json", negotiated: false)
        return .ok(.init(headers: .init(eTag: representation.etag), body: .applicationSchemaJson(.init())))
    }
}
