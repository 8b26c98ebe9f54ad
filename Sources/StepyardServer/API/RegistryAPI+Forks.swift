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

    /// With `from` and `to`, the change report between two versions of the resource; with neither, a fork's (latest,
    /// or `version`) against its upstream. Read access as for the resource itself.
    func getDiff(_ input: Operations.GetDiff.Input) async throws -> Operations.GetDiff.Output {
        let path = input.path, query = input.query
        switch (query.from, query.to) {
        case (nil, nil):
            let ref = try readable(path.namespace, path.kind, path.name, version: query.version)
            let diff = try await call { store throws(StoreError) in try await store.diff(ref) }
            return .ok(.init(body: .json(try Self.schema(diff.report, fork: diff.fork, upstream: diff.upstream))))
        case let (from?, to?):
            let ref = try readable(path.namespace, path.kind, path.name)
            guard query.version == nil else {
                throw APIError.badRequest("version selects a fork version to compare with its upstream, from and to two versions to compare: give one or the other")
            }
            guard let old = try selector(from), let new = try selector(to) else { throw APIError.badRequest("from and to name versions") }
            let report = try await call { store throws(StoreError) in try await store.changes(of: ref, from: old, to: new) }
            return .ok(.init(body: .json(try Self.schema(report))))
        default:
            throw APIError.badRequest("from and to go together: ?from=1.0.0&to=1.2.0 compares two versions; neither compares a fork with its upstream")
        }
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

// MARK: - Change reports

extension RegistryAPI {
    /// A change report as the API answers it; `fork` and `upstream` for a fork diff.
    static func schema(_ report: ChangeReport, fork: String? = nil, upstream: String? = nil) throws(APIError) -> Components.Schemas.ChangeReport {
        var changes: [Components.Schemas.Change] = []
        changes.reserveCapacity(report.changes.count)
        for change in report.changes {
            let kind: Components.Schemas.Change.KindPayload
            switch change.kind {
            case .added: kind = .added
            case .removed: kind = .removed
            case .changed: kind = .changed
            case .moved: kind = .moved
            }
            changes.append(Components.Schemas.Change(path: change.path, kind: kind, before: try container(change.before),
                                                     after: try container(change.after), breaking: change.breaking, message: change.message))
        }
        return Components.Schemas.ChangeReport(from: report.from, to: report.to, breaking: report.isBreaking, changes: changes,
                                               fork: fork, upstream: upstream)
    }

    /// A document value as the generated types carry any JSON.
    private static func container(_ value: JSONValue?) throws(APIError) -> OpenAPIValueContainer? {
        guard let value else { return nil }
        do { return try OpenAPIValueContainer(unvalidatedValue: plain(value)) } catch { throw .internalError }
    }

    /// `JSONValue` as the plain Swift values `OpenAPIValueContainer` accepts.
    private static func plain(_ value: JSONValue) -> (any Sendable)? {
        switch value {
        case .null: return nil
        case .bool(let b): return b
        case .number(let n):
            if let integer = n.intValue { return integer }
            return n.doubleValue
        case .string(let s): return s
        case .array(let items): return items.map(plain)
        case .object(let members):
            var out: [String: (any Sendable)?] = [:]
            // updateValue keeps a null member (a subscript assignment of nil would drop it).
            for (key, member) in members { out.updateValue(plain(member), forKey: key) }
            return out
        }
    }
}
