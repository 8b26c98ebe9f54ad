import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

/// The syncs: namespaces that follow a git repository's catalog (admins). `SyncScheduler` runs them on their
/// intervals; `runSync` now.
extension RegistryAPI {
    func listSyncs(_ input: Operations.ListSyncs.Input) async throws -> Operations.ListSyncs.Output {
        try requireAdmin()
        let all = try await call { store throws(StoreError) in try store.syncs() }
        return .ok(.init(body: .json(.init(items: try Self.make(all)))))
    }

    func addSync(_ input: Operations.AddSync.Input) async throws -> Operations.AddSync.Output {
        try requireAdmin()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the body must be JSON: {\"url\", \"branch\"?, \"path\"?, \"namespace\"?, \"intervalSeconds\"?}") }
        if let namespace = body.namespace { try checkNames(namespace, where: "in the body") }
        let source = try await call { store throws(StoreError) in
            try await store.addSync(url: body.url, branch: body.branch ?? "main", path: body.path ?? "", namespace: body.namespace,
                                    intervalSeconds: body.intervalSeconds ?? 300)
        }
        return .created(.init(body: .json(try Self.make(source))))
    }

    func removeSync(_ input: Operations.RemoveSync.Input) async throws -> Operations.RemoveSync.Output {
        try requireAdmin()
        let id = input.path.id
        try await call { store throws(StoreError) in try await store.removeSync(id) }
        return .noContent(.init())
    }

    func runSync(_ input: Operations.RunSync.Input) async throws -> Operations.RunSync.Output {
        try requireAdmin()
        let status = try await SyncScheduler.run(input.path.id, store: store, logger: context.logger, events: context.events)
        await wrote()
        return .ok(.init(body: .json(try Self.make(status))))
    }
}

extension RegistryAPI {
    /// `GET /api/v1/whoami`: who the token stands for (a replica asks its primary this for every token it sees).
    func whoami(_ input: Operations.Whoami.Input) async throws -> Operations.Whoami.Output {
        let role = principal.role.flatMap { Operations.Whoami.Output.Ok.Body.JsonPayload.RolePayload(rawValue: $0.rawValue) }
        return .ok(.init(body: .json(.init(name: principal.name, role: role, departments: principal.departments.sorted()))))
    }
}

extension RegistryAPI {
    /// `GET /api/v1/head[?after=&wait=]`: the served commit, at once or when it moves on from `after` (admins and
    /// replicas: when something changes is not everyone's to know).
    func getHead(_ input: Operations.GetHead.Input) async throws -> Operations.GetHead.Output {
        if principal.role != .replica { try requireAdmin() }
        var commit = context.state.snapshot.commit
        if let after = input.query.after {
            commit = await context.state.waitForMove(from: after, timeout: .seconds(input.query.wait ?? 25))
        }
        return .ok(.init(body: .json(.init(commit: commit))))
    }
}
