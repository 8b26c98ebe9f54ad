/// A token as stored: who it acts as and what it may do. The secret itself is never stored, only its hash.
public struct AccessToken: Sendable, Hashable, Codable {
    /// A short public identifier (the first 12 hex digits of the hash), for listing and revoking.
    public var id: String
    /// Who the token acts as: the author of the commits it makes.
    public var name: String
    public var role: Role
    /// The departments a member (or a publisher or reader) belongs to.
    public var departments: [String]
    /// ISO 8601, UTC.
    public var created: String
    /// When it stops working (ISO 8601, UTC); `nil`: never.
    public var expires: String?
    /// When it was last used (to the minute; ISO 8601, UTC); `nil`: never.
    public var lastUsed: String?

    public init(id: String, name: String, role: Role, departments: [String], created: String, expires: String? = nil, lastUsed: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.departments = departments
        self.created = created
        self.expires = expires
        self.lastUsed = lastUsed
    }
}
