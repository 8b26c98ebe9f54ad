import StepyardStore

/// Who may see and change which namespace. The one place these rules live.
///
/// A department never sees another department's resources: where a caller may not read a namespace, the server
/// answers exactly as if the resource did not exist.
struct AccessPolicy: Sendable {
    /// The organisation namespace's name.
    var organisation: String
    /// Whether callers without a token may read the organisation namespace.
    var anonymousRead: Bool

    func canRead(_ namespace: String, _ principal: Principal) -> Bool {
        guard let role = principal.role else { return anonymousRead && namespace == organisation }
        if role == .admin || role == .replica || namespace == organisation { return true }
        return principal.departments.contains(namespace)
    }

    func canWrite(_ namespace: String, _ principal: Principal) -> Bool {
        guard let role = principal.role else { return false }
        switch role {
        case .admin: return true
        case .publisher: return namespace == organisation || principal.departments.contains(namespace)
        case .member: return namespace != organisation && principal.departments.contains(namespace)
        case .reader, .replica, .events: return false
        }
    }

    /// The namespaces a caller may read, among `departments` (all of the store's departments); `nil` = every one.
    func visibleNamespaces(_ principal: Principal, departments: [String]) -> Set<String>? {
        if principal.isAdmin || principal.role == .replica { return nil }
        var visible = Set(departments.filter { principal.departments.contains($0) })
        if principal.role != nil || anonymousRead { visible.insert(organisation) }
        return visible
    }
}

extension AccessPolicy {
    /// Why a caller may not change a namespace: 404 when it may not even see it (as for a missing one), 401 without
    /// a token, 403 with one; `nil` when it may.
    func writeRefusal(_ namespace: String, _ principal: Principal) -> APIError? {
        guard canRead(namespace, principal) else { return .notFound("namespace \(namespace) not found") }
        guard canWrite(namespace, principal) else {
            if principal.isAnonymous { return .unauthorized("this change needs a token (Authorization: Bearer <token>)") }
            return .forbidden("\(principal.name) (\(principal.role?.rawValue ?? "anonymous")) may not change namespace \(namespace)")
        }
        return nil
    }

    /// Why a caller may not administer the server (departments, tokens, refused versions); `nil` for an admin.
    func adminRefusal(_ principal: Principal) -> APIError? {
        if principal.isAnonymous { return .unauthorized("this needs an admin token (Authorization: Bearer <token>)") }
        guard principal.isAdmin else { return .forbidden("this needs the admin role; \(principal.name) is \(principal.role?.rawValue ?? "anonymous")") }
        return nil
    }
}
