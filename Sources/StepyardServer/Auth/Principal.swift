import StepyardStore

/// Who is calling: a token's identity, or anonymous.
struct Principal: Sendable, Hashable {
    /// The author of the commits this caller makes.
    var name: String
    /// `nil` for an anonymous caller.
    var role: Role?
    var departments: Set<String>

    static let anonymous = Principal(name: "anonymous", role: nil, departments: [])

    init(name: String, role: Role?, departments: Set<String>) {
        self.name = name
        self.role = role
        self.departments = departments
    }

    init(_ token: AccessToken) {
        self.init(name: token.name, role: token.role, departments: Set(token.departments))
    }

    var isAnonymous: Bool { role == nil }
    var isAdmin: Bool { role == .admin }

    /// The commit author a write by this caller gets.
    var author: Author { Author(parsing: name) }
}
