import Foundation
import HTTPTypes
import OpenAPIRuntime
import StepyardCore
import StepyardStore

/// The implementation of the API that `openapi.yaml` describes (the protocol is generated from it, so the two cannot
/// drift). One extension per area: resources, publishing, resolution, forks, administration, operations, and the
/// Tekton Hub / Artifact Hub compatibility paths.
///
/// Handlers throw `APIError` for every refusal; `ErrorMiddleware` turns it into the JSON error body.
struct RegistryAPI: APIProtocol {
    let context: ServerContext

    var store: Store { context.store }
    var organisation: String { context.store.organisation }
    var principal: Principal { RequestState.current.principal }
}

// MARK: - Access

extension RegistryAPI {
    /// A reference the caller may read; a namespace it may not read answers exactly like a missing resource.
    func readable(_ namespace: String, _ kind: Components.Schemas.Kind, _ name: String, version: String? = nil) throws(APIError) -> ResourceRef {
        try readable(namespace, ResourceKind(kind), name, version: version)
    }

    func readable(_ namespace: String, _ kind: ResourceKind, _ name: String, version: String? = nil) throws(APIError) -> ResourceRef {
        try checkNames(namespace, name)
        guard context.policy.canRead(namespace, principal) else { throw hidden(namespace, kind, name) }
        return ResourceRef(namespace: namespace == organisation ? nil : namespace, kind: kind, name: name,
                           selector: try selector(version))
    }

    /// A reference the caller may change: invisible namespaces are 404, visible but read-only ones 401/403.
    func writable(_ namespace: String, _ kind: Components.Schemas.Kind, _ name: String, version: String? = nil) throws(APIError) -> ResourceRef {
        let ref = try readable(namespace, kind, name, version: version)
        try requireWrite(namespace)
        return ref
    }

    func requireWrite(_ namespace: String) throws(APIError) {
        if let refusal = context.policy.writeRefusal(namespace, principal) { throw refusal }
    }

    func requireAdmin() throws(APIError) {
        if let refusal = context.policy.adminRefusal(principal) { throw refusal }
    }

    /// What the caller gets for something it may not see: the same 404 as for a resource that does not exist. (With
    /// anonymous read off, a caller without a token never gets here: `RequestAdmission` answers 401 first.)
    func hidden(_ namespace: String, _ kind: ResourceKind, _ name: String) -> APIError {
        .notFound("\(namespace)/\(kind.rawValue)/\(name) not found")
    }

    func checkNames(_ names: String..., where place: String = "in the path") throws(APIError) {
        for name in names {
            if let problem = ResourceName.problem(with: name) { throw .badRequest("invalid name \(place): \(problem)") }
        }
    }

    func selector(_ version: String?) throws(APIError) -> VersionSelector? {
        guard let version else { return nil }
        guard let selector = VersionSelector(version) else {
            throw .badRequest("\"\(version)\" is not a version, range or digest (use 1.2.0, 0.9, ^1, ~1.2, >=1.0.0 <2.0.0, latest or sha256:…)")
        }
        return selector
    }

    /// The namespaces the caller may read, `nil` meaning all of them.
    var visibleNamespaces: Set<String>? {
        context.policy.visibleNamespaces(principal, departments: Array(context.state.snapshot.departments))
    }

    /// Tells the consumer, in the answer's headers, about the deprecated or yanked versions among `notices`.
    func announce(_ notices: [LifecycleNotice]) {
        guard !notices.isEmpty else { return }
        RequestState.current.record?.lifecycleFields = lifecycleFields(notices)
    }

    /// Tells the consumer when the version an answer is about is deprecated or yanked.
    func announce(_ info: VersionInfo) {
        if let notice = LifecycleNotice(info, reference: info.ref) { announce([notice]) }
    }

    /// The lifecycle header fields, linking each version to its resource in this server's REST API.
    func lifecycleFields(_ notices: [LifecycleNotice]) -> [HTTPField] {
        let base = RequestState.current.baseURL
        return LifecycleHeaders.fields(notices) { notice in
            // `namespace/kind/name@version` or `kind/name@version` (the organisation's).
            let at = notice.reference.split(separator: "@", maxSplits: 1).map(String.init)
            var parts = at[0].split(separator: "/").map(String.init)
            if parts.count == 2 { parts.insert(organisation, at: 0) }
            let version = at.count == 2 ? at[1].addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["+"])) ?? at[1] : ""
            return base + "/api/v1/resources/" + parts.joined(separator: "/") + "/" + version
        }
    }

    /// Runs a store operation, turning its errors into API errors.
    func call<T: Sendable>(_ body: (Store) async throws(StoreError) -> T) async throws(APIError) -> T {
        do {
            return try await body(store)
        } catch {
            let mapped = APIError(error)
            if mapped.status == .internalServerError {
                context.logger.error("store failure", metadata: ["stepyard.request_id": .string(RequestState.current.requestID),
                                                                "error": .string(error.description)])
            }
            throw mapped
        }
    }

    /// After a write: the served generation moves at once (the watcher would notice within its interval).
    func wrote() async {
        let departments = (try? await store.departments().map(\.name)) ?? Array(context.state.snapshot.departments)
        await context.state.serve(commit: try? await store.indexedCommit(), departments: departments, store: store, cache: context.cache)
        // The commit's events go out now rather than at the delivery loop's next look.
        context.events.signal()
    }
}

extension ResourceKind {
    init(_ kind: Components.Schemas.Kind) {
        switch kind {
        case .task: self = .task
        case .pipeline: self = .pipeline
        case .stepaction: self = .stepAction
        }
    }
}

// MARK: - Conditional GET and bodies

extension RegistryAPI {
    static func etag(_ digest: String) -> String { "\"\(digest)\"" }

    /// Whether `If-None-Match` names this entity tag (or `*`).
    static func matches(_ ifNoneMatch: String?, _ etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == "*" || tag == etag
        }
    }

    /// Whether the client prefers JSON to YAML (YAML, the catalog's own form, is the default).
    static func prefersJSON<T: AcceptableProtocol>(_ accept: [AcceptHeaderContentType<T>], json: T) -> Bool {
        let ranked = accept.sortedByQuality()
        guard let first = ranked.first(where: { $0.contentType == json || $0.contentType.rawValue.lowercased().contains("yaml") }) else { return false }
        return first.contentType == json
    }

    /// A generated schema type built from a JSON value (both sides are JSON: the document checks the shape).
    static func make<T: Decodable>(_ value: JSONValue, as type: T.Type = T.self) throws(APIError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(value.serializedBytes())) } catch {
            throw .internalError
        }
    }

    /// A generated schema type decoded from JSON bytes we serialized.
    static func decode<T: Decodable>(json bytes: [UInt8], as type: T.Type = T.self) throws(APIError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch {
            throw .internalError
        }
    }

    /// A generated schema type built from one of ours with the same JSON shape.
    static func make<T: Decodable>(_ value: some Encodable, as type: T.Type = T.self) throws(APIError) -> T {
        do { return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value)) } catch {
            throw .internalError
        }
    }

    /// A JSON value from a generated (decoded request) type; object keys sorted, so the result is deterministic.
    static func value(_ decoded: some Encodable) throws(APIError) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try JSONValue(parsingJSON: String(decoding: try encoder.encode(decoded), as: UTF8.self))
        } catch {
            throw .badRequest("the body is not valid JSON")
        }
    }

    /// Reads a whole request body (already limited by `BodyLimitMiddleware`).
    static func bytes(_ body: HTTPBody) async throws(APIError) -> [UInt8] {
        do { return Array(try await [UInt8](collecting: body, upTo: Int.max)) } catch {
            throw .badRequest("the request body could not be read")
        }
    }

    static func document(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        do {
            guard let value = try YAMLLoader(recordsLines: false).load(bytes).first?.value else { throw APIError.internalError }
            return value
        } catch {
            throw .internalError
        }
    }
}
