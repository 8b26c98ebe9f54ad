import Foundation
import Metrics
import OpenAPIRuntime
import StepyardCore
import StepyardStore

/// Subscriptions and their delivery logs, the sink for Tekton's run events, and what each version's runs did.
/// Admins manage the organisation's subscriptions (and any), members their departments'; a namespace a caller may
/// not manage answers like a missing subscription. Deliveries are made by `EventDelivery`.
extension RegistryAPI {
    func listSubscriptions(_ input: Operations.ListSubscriptions.Input) async throws -> Operations.ListSubscriptions.Output {
        if principal.isAnonymous { throw APIError.unauthorized("subscriptions need a token (Authorization: Bearer <token>)") }
        let managed = managedNamespaces
        let wanted = input.query.namespace.map { Set([$0]) }
        let items = try await call { store throws(StoreError) in try await store.subscriptions(in: nil) }
            .filter { managed?.contains($0.namespace) ?? true }
            .filter { wanted?.contains($0.namespace) ?? true }
        return .ok(.init(body: .json(.init(items: try items.map { try Self.make(Self.value($0)) }))))
    }

    func addSubscription(_ input: Operations.AddSubscription.Input) async throws -> Operations.AddSubscription.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("the body must be JSON: {\"url\", \"namespace\"?, \"types\"?, \"resource\"?, \"secret\"?, \"format\"?}") }
        let namespace = body.namespace ?? organisation
        try requireManage(namespace)
        if namespace != organisation {
            let departments = try await call { store throws(StoreError) in try await store.departments().map(\.name) }
            guard departments.contains(namespace) else { throw APIError.notFound("namespace \(namespace) not found") }
        }
        if let problem = WebhookAllowList.problem(with: body.url) { throw APIError.badRequest("url: \(problem)") }
        if let refusal = await context.webhooks.refusal(for: body.url) { throw APIError.unprocessable("url: \(refusal)") }
        let types = body.types ?? []
        if let problem = EventType.problem(with: types) { throw APIError.badRequest("types: \(problem)") }
        let subscription = Subscription(id: Subscription.newID(),
                                        namespace: namespace, url: body.url, types: Array(Set(types)).sorted(), resource: body.resource,
                                        format: body.format.flatMap { Subscription.Format(rawValue: $0.rawValue) } ?? .cloudevents,
                                        secret: body.secret, createdBy: principal.name, createdAt: Store.timestamp(Date()))
        try await call { store throws(StoreError) in try await store.addSubscription(subscription) }
        return .created(.init(body: .json(try Self.make(Self.value(subscription)))))
    }

    func removeSubscription(_ input: Operations.RemoveSubscription.Input) async throws -> Operations.RemoveSubscription.Output {
        let subscription = try await managedSubscription(input.path.id)
        _ = try await call { store throws(StoreError) in try await store.removeSubscription(subscription.id) }
        return .noContent(.init())
    }

    func listDeliveries(_ input: Operations.ListDeliveries.Input) async throws -> Operations.ListDeliveries.Output {
        let subscription = try await managedSubscription(input.path.id)
        let limit = input.query.limit ?? 100
        let items = try await call { store throws(StoreError) in try await store.deliveries(of: subscription.id, limit: limit) }
        return .ok(.init(body: .json(.init(items: try items.map { try Self.make($0) }))))
    }

    /// A test event through the outbox, like any other; the answer is its first attempt (or its pending row).
    func testSubscription(_ input: Operations.TestSubscription.Input) async throws -> Operations.TestSubscription.Output {
        let subscription = try await managedSubscription(input.path.id)
        let event = StoreEvent.test(for: subscription, requestedBy: principal.name)
        try await call { store throws(StoreError) in _ = try await store.record([event]) }
        context.events.signal()
        var delivery: Delivery?
        for _ in 0..<200 {
            delivery = try await call { store throws(StoreError) in try await store.delivery(subscription: subscription.id, event: event.id) }
            if let delivery, delivery.attempts > 0 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard let delivery else { throw APIError.internalError }
        return .ok(.init(body: .json(try Self.make(delivery))))
    }

    func getUsage(_ input: Operations.GetUsage.Input) async throws -> Operations.GetUsage.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name, version: path.version)
        let usage = try await call { store throws(StoreError) in try await store.usage(of: ref) }
        return .ok(.init(body: .json(try Self.make(usage))))
    }

    // MARK: - Who manages what

    /// The namespaces whose subscriptions the caller manages; `nil` = every one (admins).
    var managedNamespaces: Set<String>? {
        if principal.isAdmin { return nil }
        return principal.role == .member || principal.role == .publisher ? principal.departments : []
    }

    func requireManage(_ namespace: String) throws(APIError) {
        if principal.isAnonymous { throw APIError.unauthorized("subscriptions need a token (Authorization: Bearer <token>)") }
        if namespace == organisation { try requireAdmin(); return }
        guard managedNamespaces?.contains(namespace) ?? true else {
            if context.policy.canRead(namespace, principal) {
                throw APIError.forbidden("\(principal.name) may not manage the subscriptions of \(namespace)")
            }
            throw APIError.notFound("namespace \(namespace) not found")
        }
    }

    /// A subscription the caller manages; any other is the 404 of a missing one.
    func managedSubscription(_ id: String) async throws -> Subscription {
        if principal.isAnonymous { throw APIError.unauthorized("subscriptions need a token (Authorization: Bearer <token>)") }
        guard let subscription = try await call({ store throws(StoreError) in try await store.subscription(id) }),
              managedNamespaces?.contains(subscription.namespace) ?? true else {
            throw APIError.notFound("subscription \(id) not found")
        }
        return subscription
    }

    /// A subscription as the API shows it: never its secret.
    static func value(_ subscription: Subscription) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(subscription.id), "namespace": .string(subscription.namespace), "url": .string(subscription.url),
            "types": .array(subscription.types.map(JSONValue.string)), "format": .string(subscription.format.rawValue),
            "hasSecret": .bool(subscription.hasSecret), "createdBy": .string(subscription.createdBy), "createdAt": .string(subscription.createdAt),
        ]
        if let resource = subscription.resource { object["resource"] = .string(resource) }
        return .object(.init(uniqueKeysWithValues: object.sorted { $0.key < $1.key }))
    }
}

// MARK: - Tekton's events

extension RegistryAPI {
    func receiveTektonEvent(_ input: Operations.ReceiveTektonEvent.Input) async throws -> Operations.ReceiveTektonEvent.Output {
        guard principal.isAdmin || principal.role == .events else {
            if principal.isAnonymous { throw APIError.unauthorized("the events sink needs a token of role events (?token= in the sink URL, or Authorization: Bearer)") }
            throw APIError.forbidden("the events sink takes tokens of role events; \(principal.name) is \(principal.role?.rawValue ?? "anonymous")")
        }
        let document = try Self.parsedJSONBody()
        let headers = input.headers
        let event: TektonRunEvent
        switch TektonRunEvent.read(body: document, type: headers.ceType, id: headers.ceId, specVersion: headers.ceSpecversion,
                                   organisation: organisation) {
        case .success(let read): event = read
        case .failure(let problem): throw APIError.badRequest(problem.message)
        }
        guard let outcome = event.outcome else {
            return .accepted(.init(body: .json(.init(recorded: false))))
        }
        guard let template = event.template else {
            return .accepted(.init(body: .json(.init(recorded: false, outcome: .init(rawValue: outcome.rawValue)))))
        }
        let reference = (template.namespace == organisation ? "" : template.namespace + "/") + "\(template.kind.rawValue)/\(template.name)@\(template.version)"
        let ref = ResourceRef(namespace: template.namespace == organisation ? nil : template.namespace, kind: template.kind, name: template.name,
                              selector: ResourceVersion(template.version).map { .requirement(.exact($0)) })
        let known = (try? await store.select(ref)) != nil
        guard known else {
            return .accepted(.init(body: .json(.init(recorded: false, outcome: .init(rawValue: outcome.rawValue)))))
        }
        let report = RunReport(uid: event.uid, kind: event.runKind, name: event.runName, template: template, outcome: outcome,
                               reason: event.reason, message: event.message, durationSeconds: event.durationSeconds, at: event.time)
        let changed = try await call { store throws(StoreError) in try await store.record(report) }
        if changed && outcome != .started {
            Counter(label: "stepyard_template_runs_total", dimensions: [("namespace", template.namespace), ("kind", template.kind.rawValue),
                                                                        ("name", template.name), ("version", template.version),
                                                                        ("outcome", outcome.rawValue)]).increment()
            var run: [String: JSONValue] = ["kind": .string(event.runKind), "name": .string(event.runName), "uid": .string(event.uid)]
            if let namespace = event.runNamespace { run["namespace"] = .string(namespace) }
            if let reason = event.reason { run["reason"] = .string(reason) }
            if let message = event.message { run["message"] = .string(message) }
            if let seconds = event.durationSeconds, let number = JSONNumber(seconds) { run["durationSeconds"] = .number(number) }
            let forwarded = StoreEvent(id: "run/\(event.uid)/\(outcome.rawValue)", type: outcome == .succeeded ? EventType.runSucceeded : EventType.runFailed,
                                       namespace: template.namespace, subject: reference, time: event.time,
                                       data: ["run": .object(.init(uniqueKeysWithValues: run.sorted { $0.key < $1.key })), "template": .string(reference)])
            try await call { store throws(StoreError) in _ = try await store.record([forwarded]) }
            context.events.signal()
        }
        return .accepted(.init(body: .json(.init(recorded: changed, template: reference, outcome: .init(rawValue: outcome.rawValue)))))
    }
}
