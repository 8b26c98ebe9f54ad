import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

extension RegistryAPI {
    func listDepartments(_ input: Operations.ListDepartments.Input) async throws -> Operations.ListDepartments.Output {
        let visible = visibleNamespaces
        let departments = try await call { store throws(StoreError) in try await store.departments() }
            .filter { visible?.contains($0.name) ?? true }
        return .ok(.init(body: .json(.init(items: departments.map { .init(name: $0.name) }))))
    }

    func createDepartment(_ input: Operations.CreateDepartment.Input) async throws -> Operations.CreateDepartment.Output {
        try requireAdmin()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the body must be JSON: {\"name\"}") }
        try checkNames(body.name, where: "in the body")
        let author = principal.author
        _ = try await call { store throws(StoreError) in try await store.createDepartment(body.name, author: author) }
        await wrote()
        return .created(.init(body: .json(.init(name: body.name))))
    }

    func listRefused(_ input: Operations.ListRefused.Input) async throws -> Operations.ListRefused.Output {
        try requireAdmin()
        let refused = try await call { store throws(StoreError) in try await store.refused() }
        return .ok(.init(body: .json(.init(items: refused.map { .init(ref: $0.ref, path: $0.path, reason: $0.reason) }))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        try requireAdmin()
        guard case .json(let body) = input.body else { throw APIError.badRequest("the body must be JSON: {\"role\", \"name\", \"departments\"?}") }
        let departments = body.departments ?? []
        guard departments.count <= 50 else { throw APIError.badRequest("a token belongs to at most 50 departments") }
        let known = Set(try await call { store throws(StoreError) in try await store.departments() }.map(\.name))
        if let unknown = departments.first(where: { !known.contains($0) }) {
            throw APIError.unprocessable("there is no department \"\(unknown)\"; create it first")
        }
        guard let role = Role(rawValue: body.role.rawValue) else { throw APIError.badRequest("unknown role \(body.role.rawValue)") }
        let tokens = context.tokens
        let lifetime = body.expiresInDays.map { TimeInterval($0) * 86_400 }
        let (secret, token) = try await call { _ throws(StoreError) in
            try tokens.create(name: body.name, role: role, departments: departments, expiresIn: lifetime)
        }
        return .created(.init(body: .json(.init(token: secret, id: token.id, name: token.name, role: token.role.rawValue, departments: token.departments,
                                                expires: token.expires))))
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        try requireAdmin()
        let tokens = context.tokens
        let all = try await call { _ throws(StoreError) in try tokens.list() }
        return .ok(.init(body: .json(.init(items: try all.map { try Self.make($0) }))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        try requireAdmin()
        let tokens = context.tokens, id = input.path.id
        guard try await call({ _ throws(StoreError) in try tokens.revoke(id: id) }) else { throw APIError.notFound("token \(id) not found") }
        // Verdicts this server remembers go with it: the revocation holds from the next request.
        context.verifier.forgetAll()
        return .noContent(.init())
    }
}
