import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

extension RegistryAPI {
    func createFork(_ input: Operations.CreateFork.Input) async throws -> Operations.CreateFork.Output {
        let department = input.path.department
        try checkNames(department)
        guard department != organisation else { throw APIError.badRequest("forks go into a department, not the organisation namespace") }
        try requireWrite(department)
        guard case .json(let body) = input.body else { throw APIError.badRequest("the body must be JSON: {\"from\": REF, \"name\"?}") }
        let from: ResourceRef
        do { from = try ResourceRef(parsing: body.from) } catch { throw APIError.badRequest(error.description) }
        if let namespace = from.namespace, namespace != organisation {
            throw APIError.unprocessable("fork takes an organisation template, e.g. task/go@1.0.0; \(body.from) is a department's")
        }
        if let name = body.name { try checkNames(name, where: "in the body") }
        let author = principal.author
        let result = try await call { store throws(StoreError) in
            try await store.fork(from, department: department, name: body.name, author: author)
        }
        await wrote()
        return .created(.init(body: .json(try Self.make(result, as: Components.Schemas.PublishResult.self))))
    }

    func getDiff(_ input: Operations.GetDiff.Input) async throws -> Operations.GetDiff.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: input.query.version)
        let diff = try await call { store throws(StoreError) in try await store.diff(ref) }
        return .ok(.init(body: .json(try Self.make(diff))))
    }

    func upgradeFork(_ input: Operations.UpgradeFork.Input) async throws -> Operations.UpgradeFork.Output {
        let path = input.path
        guard case .json(let body) = input.body else { throw APIError.badRequest("the body must be JSON: {\"to\", \"dryRun\"?, \"resolve\"?}") }
        let dryRun = body.dryRun ?? false
        let ref = dryRun ? try readable(path.namespace, path.kind, path.name) : try writable(path.namespace, path.kind, path.name)
        var resolutions: [String: ThreeWayMerge.Side] = [:]
        for (conflictPath, side) in body.resolve?.additionalProperties ?? [:] {
            resolutions[conflictPath] = side == .ours ? .ours : .theirs
        }
        let author = principal.author
        let result = try await call { [resolutions] store throws(StoreError) in
            try await store.upgrade(ref, to: body.to, dryRun: dryRun, resolutions: resolutions, author: author)
        }
        if result.commit != nil { await wrote() }
        return .ok(.init(body: .json(try Self.make(result))))
    }
}
