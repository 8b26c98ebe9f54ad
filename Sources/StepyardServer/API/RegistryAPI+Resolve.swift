import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

extension RegistryAPI {
    /// The hot path of the composer: served from `ResolvedCache` when the repository has not moved since.
    func getResolved(_ input: Operations.GetResolved.Input) async throws -> Operations.GetResolved.Output {
        let path = input.path
        let json = Self.prefersJSON(input.headers.accept, json: .json)
        let entry = try await resolvedEntry(path.namespace, ResourceKind(path.kind), path.name, version: path.version, json: json)
        if !entry.lifecycle.isEmpty { RequestState.current.record?.lifecycleFields = entry.lifecycle }
        RequestState.current.record?.representation = entry.representation
        let headers = Operations.GetResolved.Output.Ok.Headers(eTag: entry.representation.etag)
        return .ok(.init(headers: headers, body: json ? .json(.init()) : .yaml(HTTPBody(entry.body))))
    }

    /// The resolved template as `…/resolved` sends it, from `ResolvedCache` when the repository has not moved since
    /// (what the resolved GET and the bundles serve). The caller must be allowed to read the namespace.
    func resolvedEntry(_ namespace: String, _ kind: ResourceKind, _ name: String, version: String, json: Bool) async throws -> ResolvedCache.Entry {
        let key = ResolvedCache.key(namespace: namespace, kind: kind.rawValue, name: name, version: version, json: json)
        let generation = context.state.generation
        // Only requests that passed every check were cached, so a hit needs only the access rule.
        if context.policy.canRead(namespace, principal), let cached = context.cache.lookup(key, generation: generation) {
            ServerMetrics.resolveCacheHits.increment()
            return cached
        }
        let ref = try readable(namespace, kind, name, version: version)
        ServerMetrics.resolveCacheMisses.increment()
        // Many requests missing one key at once (after a commit that changed what it uses) resolve it once.
        return try await context.cache.flights.run("\(generation) \(key)") {
            let department = namespace == organisation ? nil : namespace
            let (resolved, notices) = try await call { store throws(StoreError) in
                let resolved = try await store.resolve(ref, department: department)
                return (resolved, try await store.lifecycleNotices(resolved.lock))
            }
            let body = json ? resolved.document.serializedBytes(pretty: true) + [0x0A] : Array(resolved.yaml.utf8)
            let uses = Set(([ref.kind.rawValue + "/" + ref.name] + resolved.lock.map(\.resource)))
            let representation = Representation(bytes: body, contentType: json ? Representation.json : Representation.yaml, negotiated: true)
            let entry = ResolvedCache.Entry(representation, lifecycle: lifecycleFields(notices), uses: uses)
            context.cache.store(entry, for: key, generation: generation)
            return entry
        }
    }

    /// A run of the template: values and binding options in any form `RunRequest` reads, as JSON or YAML.
    func bindResolved(_ input: Operations.BindResolved.Input) async throws -> Operations.BindResolved.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let request: RunRequest
        let body: JSONValue
        switch input.body {
        case .json: body = try Self.parsedJSONBody()
        case .yaml(let text): body = try Self.yamlBody(await Self.bytes(text))
        }
        switch RunRequest.read(body) {
        case .success(let read): request = read
        case .failure(let problems): return .unprocessableContent(.init(body: .json(.ValidationReport(try Self.report(problems.all)))))
        }
        let department = path.namespace == organisation ? nil : path.namespace
        let (resolved, notices) = try await call { store throws(StoreError) in
            let resolved = try await store.resolve(ref, department: department, run: request)
            return (resolved, try await store.lifecycleNotices(resolved.lock))
        }
        announce(notices)
        if !resolved.errors.isEmpty { return .unprocessableContent(.init(body: .json(.ValidationReport(try Self.report(resolved.errors))))) }
        let json = Self.prefersJSON(input.headers.accept, json: .json)
        let representation = represent(json ? resolved.document.serializedBytes(pretty: true) + [0x0A] : Array(resolved.yaml.utf8),
                                       as: json ? Representation.json : Representation.yaml, negotiated: true)
        let headers = Operations.BindResolved.Output.Ok.Headers(eTag: representation.etag)
        return .ok(.init(headers: headers, body: json ? .json(.init()) : .yaml(HTTPBody(representation.bytes))))
    }
}

extension RegistryAPI {
    /// Chooses the representation to send (`RepresentationMiddleware` writes its bytes and validators).
    @discardableResult
    func represent(_ bytes: [UInt8], as contentType: String, negotiated: Bool) -> Representation {
        let representation = Representation(bytes: bytes, contentType: contentType, negotiated: negotiated)
        RequestState.current.record?.representation = representation
        return representation
    }
}
