import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

extension RegistryAPI {
    /// The hot path of the composer: served from `ResolvedCache` when the repository has not moved since.
    func getResolved(_ input: Operations.GetResolved.Input) async throws -> Operations.GetResolved.Output {
        let path = input.path
        let json = Self.prefersJSON(input.headers.accept, json: .json)
        let key = ResolvedCache.key(namespace: path.namespace, kind: path.kind.rawValue, name: path.name, version: path.version, json: json)
        let generation = context.state.generation
        let entry: ResolvedCache.Entry
        // Only requests that passed every check were cached, so a hit needs only the access rule.
        if context.policy.canRead(path.namespace, principal), let cached = context.cache.lookup(key, generation: generation) {
            ServerMetrics.resolveCacheHits.increment()
            entry = cached
        } else {
            let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
            ServerMetrics.resolveCacheMisses.increment()
            // Many requests missing one key at once (after a commit that changed what it uses) resolve it once.
            entry = try await context.cache.flights.run("\(generation) \(key)") {
                let department = path.namespace == organisation ? nil : path.namespace
                let (resolved, notices) = try await call { store throws(StoreError) in
                    let resolved = try await store.resolve(ref, department: department)
                    return (resolved, try await store.lifecycleNotices(resolved.lock))
                }
                let body = json ? resolved.document.serializedBytes(pretty: true) + [0x0A] : Array(resolved.yaml.utf8)
                let uses = Set(([ref.kind.rawValue + "/" + ref.name] + resolved.lock.map(\.resource)))
                let entry = ResolvedCache.Entry(body: body, etag: Self.etag(resolved.digest), lifecycle: lifecycleFields(notices), uses: uses)
                context.cache.store(entry, for: key, generation: generation)
                return entry
            }
        }
        if !entry.lifecycle.isEmpty { RequestState.current.record?.lifecycleFields = entry.lifecycle }
        if Self.matches(input.headers.ifNoneMatch, entry.etag) { return .notModified(.init(headers: .init(eTag: entry.etag))) }
        if json {
            return .ok(.init(headers: .init(eTag: entry.etag), body: .json(try Self.decode(json: entry.body))))
        }
        return .ok(.init(headers: .init(eTag: entry.etag), body: .yaml(HTTPBody(entry.body))))
    }

    func bindResolved(_ input: Operations.BindResolved.Input) async throws -> Operations.BindResolved.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        guard case .json(let body) = input.body else { throw APIError.badRequest("the body must be a JSON object of values") }
        let values = try Self.value(body)
        let department = path.namespace == organisation ? nil : path.namespace
        let (resolved, notices) = try await call { store throws(StoreError) in
            let resolved = try await store.resolve(ref, department: department, values: values)
            return (resolved, try await store.lifecycleNotices(resolved.lock))
        }
        announce(notices)
        if !resolved.errors.isEmpty { return .unprocessableContent(.init(body: .json(.ValidationReport(try Self.report(resolved.errors))))) }
        let etag = Self.etag(resolved.digest)
        if Self.prefersJSON(input.headers.accept, json: .json) {
            return .ok(.init(headers: .init(eTag: etag), body: .json(try Self.make(resolved.document))))
        }
        return .ok(.init(headers: .init(eTag: etag), body: .yaml(HTTPBody(resolved.yaml))))
    }
}
