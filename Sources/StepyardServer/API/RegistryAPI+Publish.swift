import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

extension RegistryAPI {
    func publishVersion(_ input: Operations.PublishVersion.Input) async throws -> Operations.PublishVersion.Output {
        let path = input.path
        let ref = try writable(path.namespace, path.kind, path.name, version: path.version)
        try Self.requireOneVersion(ref, verb: "publish")
        var request: PublishRequest
        let source = "\(path.namespace)/\(ref.kind.rawValue)/\(ref.name)@\(path.version)"
        switch input.body {
        case .yaml(let body):
            request = PublishRequest(document: try await Self.bytes(body), sourcePath: source)
        case .json(let body):
            var schema: [UInt8]?
            if let sidecar = body.schema { schema = try Self.value(sidecar).serializedBytes(pretty: true) + [0x0A] }
            request = PublishRequest(document: Array(body.document.utf8), sourcePath: source,
                                     readme: body.readme.map { Array($0.utf8) }, schema: schema, allowBreaking: body.allowBreaking ?? false)
            if let message = body.message, !message.isEmpty { request.note = message }
        }
        request.department = path.namespace == organisation ? nil : path.namespace
        request.expected = ResourceRef(kind: ref.kind, name: ref.name, selector: ref.selector)
        request.dryRun = input.query.dryRun ?? false
        let author = principal.author
        let outcome: Result<PublishResult, APIError>
        do { outcome = .success(try await call { [request] store throws(StoreError) in try await store.publish(request, author: author) }) } catch {
            outcome = .failure(error)
        }
        let result: PublishResult
        switch outcome {
        case .success(let done): result = done
        case .failure(let refusal):
            // Counted by why: the error's code (unprocessable: the gate's findings; conflict: immutability, …).
            if !request.dryRun { ServerMetrics.published("refused", reason: refusal.code) }
            throw refusal
        }
        if !result.dryRun { ServerMetrics.published(result.outcome.rawValue) }
        let body = try Self.make(result, as: Components.Schemas.PublishResult.self)
        if result.outcome == .published, !result.dryRun {
            await wrote()
            return .created(.init(body: .json(body)))
        }
        return .ok(.init(body: .json(body)))
    }

    func deprecateVersion(_ input: Operations.DeprecateVersion.Input) async throws -> Operations.DeprecateVersion.Output {
        let path = input.path
        let ref = try writable(path.namespace, path.kind, path.name, version: path.version)
        try Self.requireOneVersion(ref, verb: "deprecate")
        guard case .json(let body) = input.body, !body.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("deprecate needs a message telling users what to use instead")
        }
        guard body.message.count <= 2000 else { throw APIError.badRequest("the deprecation message is longer than 2000 characters") }
        let author = principal.author
        let commit = try await call { store throws(StoreError) in try await store.deprecate(ref, message: body.message, author: author) }
        if commit != nil { await wrote() }
        return .ok(.init(body: .json(.init(ref: ref.description, commit: commit))))
    }

    func yankVersion(_ input: Operations.YankVersion.Input) async throws -> Operations.YankVersion.Output {
        let path = input.path
        let ref = try writable(path.namespace, path.kind, path.name, version: path.version)
        try Self.requireOneVersion(ref, verb: "yank")
        let author = principal.author
        let commit = try await call { store throws(StoreError) in try await store.yank(ref, author: author) }
        if commit != nil { await wrote() }
        return .ok(.init(body: .json(.init(ref: ref.description, commit: commit))))
    }

    /// Un-yank is the admins': a yank may have been a security response, so publishers cannot undo it.
    func unyankVersion(_ input: Operations.UnyankVersion.Input) async throws -> Operations.UnyankVersion.Output {
        let path = input.path
        let ref = try writable(path.namespace, path.kind, path.name, version: path.version)
        try requireAdmin()
        try Self.requireOneVersion(ref, verb: "unyank")
        let author = principal.author
        let commit = try await call { store throws(StoreError) in try await store.unyank(ref, author: author) }
        if commit != nil { await wrote() }
        return .ok(.init(body: .json(.init(ref: ref.description, commit: commit))))
    }

    func validateValues(_ input: Operations.ValidateValues.Input) async throws -> Operations.ValidateValues.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let body: JSONValue
        switch input.body {
        case .json: body = try Self.parsedJSONBody()
        case .yaml(let text): body = try Self.yamlBody(await Self.bytes(text))
        }
        let request: RunRequest
        switch RunRequest.read(body) {
        case .success(let read): request = read
        case .failure(let problems): return .unprocessableContent(.init(body: .json(.ValidationReport(try Self.report(problems.all)))))
        }
        let (info, errors) = try await call { store throws(StoreError) in try await store.checkParameters(ref, values: request.values) }
        announce(info)
        let placed = errors.map { error in
            var error = error
            error.instancePointer = request.pointer(ofValue: error.instancePointer)
            return error
        }
        let report = try Self.report(placed)
        return placed.isEmpty ? .ok(.init(body: .json(report))) : .unprocessableContent(.init(body: .json(.ValidationReport(report))))
    }

    /// A JSON body as `ContractMiddleware` parsed it: strictly (no trailing commas, no comments), numbers exact.
    static func parsedJSONBody() throws(APIError) -> JSONValue {
        guard let body = RequestState.current.record?.jsonBody else { throw APIError.badRequest("the body is not valid JSON") }
        return body
    }

    /// A YAML body read by the parser `stepyard resolve --params` uses.
    static func yamlBody(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        do { return try ValuesDocument.parse(bytes, format: .yaml) } catch {
            throw APIError.badRequest("the body is \(error.description)")
        }
    }

    static func report(_ errors: [ValidationError]) throws(APIError) -> Components.Schemas.ValidationReport {
        try make(["valid": .bool(errors.isEmpty),
                  "errors": .array(errors.map { ["pointer": .string($0.instancePointer), "keyword": .string($0.keyword),
                                                 "keywordLocation": .string($0.keywordLocation), "message": .string($0.message)] })])
    }

    /// Publishing and lifecycle name one version (`1.2.0`, or a catalog's `0.9`), never a range or digest.
    static func requireOneVersion(_ ref: ResourceRef, verb: String) throws(APIError) {
        guard case .requirement(let requirement)? = ref.selector, requirement.namesOneVersion else {
            throw .badRequest("\(verb) needs an exact version in the path, not \"\(ref.selector?.description ?? "")\"")
        }
    }
}
