import Crypto
import Foundation
import GRDB
import StepyardCore

/// The tokens of a store, in `DIR/access.sqlite` beside the repository (not in git: revoking must not need a
/// history rewrite, and a mirror of the repository must not carry credentials). Only SHA-256 hashes are stored.
public struct AccessTokens: Sendable {
    private let writer: any DatabaseWriter

    /// Opens (creating) the token file of the store at `directory`.
    public static func open(storeDirectory directory: URL) throws(StoreError) -> AccessTokens {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let queue = try DatabaseQueue(path: directory.appendingPathComponent("access.sqlite").path, configuration: configuration)
            return try AccessTokens(queue)
        } catch {
            throw .io("cannot open the token file in \(directory.path): \(error)")
        }
    }

    /// Tokens in memory (tests).
    public static func inMemory() throws(StoreError) -> AccessTokens {
        do { return try AccessTokens(DatabaseQueue()) } catch { throw .io("\(error)") }
    }

    private init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "token") { t in
                t.primaryKey("hash", .text)
                t.column("id", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("departments", .text).notNull()
                t.column("created", .text).notNull()
            }
        }
        migrator.registerMigration("v2 expiry and last use") { db in
            try db.alter(table: "token") { t in
                t.add(column: "expires", .text)
                t.add(column: "lastUsed", .text)
            }
        }
        try migrator.migrate(writer)
    }

    static func timestamp(_ date: Date) -> String { Store.timestamp(date) }

    /// Creates a token and returns its secret, which is shown once and never stored.
    /// - Parameters:
    ///   - name: who it acts as, `Name` or `Name <email>` (the author of its commits).
    ///   - expiresIn: how long it works; `nil`: until revoked.
    /// - Throws: `.invalidName` for an empty name or a bad department name, `.refused` for a member without department.
    public func create(name: String, role: Role, departments: [String], expiresIn: TimeInterval? = nil) throws(StoreError) -> (secret: String, token: AccessToken) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200, !trimmed.contains(where: \.isNewline), Self.isAuthor(trimmed) else {
            throw .invalidName("a token needs a name of 1 to 200 characters, \"Name\" or \"Name <email>\", without newlines (it becomes the commit author)")
        }
        if let expiresIn, expiresIn <= 0 { throw .refused("a token's lifetime must be positive") }
        for department in departments {
            if let problem = ResourceName.problem(with: department) { throw .invalidName("department: \(problem)") }
        }
        if role == .member && departments.isEmpty { throw .refused("a member token needs at least one --department") }
        var generator = SystemRandomNumberGenerator()
        let secret = "sy_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        let hash = Self.hash(secret)
        let now = Date()
        let token = AccessToken(id: String(hash.prefix(12)), name: trimmed, role: role, departments: Array(Set(departments)).sorted(),
                                created: Self.timestamp(now), expires: expiresIn.map { Self.timestamp(now.addingTimeInterval($0)) })
        do {
            try writer.write { db in
                try db.execute(sql: "INSERT INTO token (hash, id, name, role, departments, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [hash, token.id, token.name, token.role.rawValue, token.departments.joined(separator: ","), token.created,
                                           token.expires])
            }
        } catch {
            throw .io("cannot store the token: \(error)")
        }
        return (secret, token)
    }

    /// `Name`, or `Name <email>` with one `@` in the address (the form `--author` takes).
    static func isAuthor(_ text: String) -> Bool {
        guard text.contains("<") || text.contains(">") else { return true }
        guard text.hasSuffix(">"), let open = text.firstIndex(of: "<"), text.filter({ $0 == "<" }).count == 1,
              text.filter({ $0 == ">" }).count == 1 else { return false }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let email = text[text.index(after: open)..<text.index(before: text.endIndex)]
        return !name.isEmpty && email.filter { $0 == "@" }.count == 1 && !email.hasPrefix("@") && !email.hasSuffix("@") && !email.contains(" ")
    }

    /// The token a secret belongs to, or `nil` for an unknown (forged, revoked) or expired secret. Its last use is
    /// recorded, to the minute.
    public func lookup(secret: String, now: Date = Date()) throws(StoreError) -> AccessToken? {
        guard secret.hasPrefix("sy_"), secret.utf8.count == 67 else { return nil }
        let hash = Self.hash(secret)
        guard var token = try fetch(sql: "SELECT * FROM token WHERE hash = ?", arguments: [hash]).first else { return nil }
        let stamp = Self.timestamp(now)
        if let expires = token.expires, expires <= stamp { return nil }
        if token.lastUsed.map({ $0.prefix(16) != stamp.prefix(16) }) ?? true {
            token.lastUsed = stamp
            // A token whose use cannot be recorded (the file is busy) still works.
            try? writer.write { db in try db.execute(sql: "UPDATE token SET lastUsed = ? WHERE hash = ?", arguments: [stamp, hash]) }
        }
        return token
    }

    /// Every token, oldest first.
    public func list() throws(StoreError) -> [AccessToken] {
        try fetch(sql: "SELECT * FROM token ORDER BY created, id", arguments: [])
    }

    /// Revokes the token with this id; `false` when there is none.
    public func revoke(id: String) throws(StoreError) -> Bool {
        do {
            return try writer.write { db in
                try db.execute(sql: "DELETE FROM token WHERE id = ?", arguments: [id])
                return db.changesCount > 0
            }
        } catch {
            throw .io("cannot revoke the token: \(error)")
        }
    }

    /// The stored form of a secret: SHA-256, hex.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private func fetch(sql: String, arguments: StatementArguments) throws(StoreError) -> [AccessToken] {
        do {
            return try writer.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
                    guard let role = Role(rawValue: row["role"]) else { return nil }
                    let departments: String = row["departments"]
                    return AccessToken(id: row["id"], name: row["name"], role: role,
                                       departments: departments.split(separator: ",").map(String.init), created: row["created"],
                                       expires: row["expires"], lastUsed: row["lastUsed"])
                }
            }
        } catch {
            throw .io("cannot read the token file: \(error)")
        }
    }
}
