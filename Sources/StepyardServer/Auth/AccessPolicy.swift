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
        if role == .admin || namespace == organisation { return true }
        return principal.departments.contains(namespace)
    }

    func canWrite(_ namespace: String, _ principal: Principal) -> Bool {
        guard let role = principal.role else { return false }
        switch role {
        case .admin: return true
        case .publisher: return namespace == organisation || principal.departments.contains(namespace)
        case .member: return namespace != organisation && principal.departments.contains(namespace)
        case .reader: return false
        }
    }

    /// The namespaces a caller may read, among `departments` (all of the store's departments); `nil` = every one.
    func visibleNamespaces(_ principal: Principal, departments: [String]) -> Set<String>? {
        if principal.isAdmin { return nil }
        var visible = Set(departments.filter { principal.departments.contains($0) })
        if principal.role != nil || anonymousRead { visible.insert(organisation) }
        return visible
    }
}
