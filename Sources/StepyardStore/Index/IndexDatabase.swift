import Foundation
import GRDB

/// The SQLite index of the store (GRDB): never the truth, always rebuildable from git.
///
/// It records the commit it reflects (`meta.indexed_commit`); `Indexer` brings it up to a commit.
struct IndexDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating and migrating) the index at `path`.
    /// - Throws: a GRDB error when the file is not a usable database; the store then rebuilds it.
    static func open(at path: String) throws -> IndexDatabase {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        // The index is rebuilt from git at will, so a power cut that loses its last transactions loses nothing:
        // it records the commit it reflects and catches up on open. Commits therefore skip the WAL's fsync.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.read { db in
            let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? ""
            if check != "ok" { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "index integrity check: \(check)") }
        }
        return try IndexDatabase(pool)
    }

    /// An index in memory (tests).
    static func inMemory() throws -> IndexDatabase {
        try IndexDatabase(DatabaseQueue())
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Migrations are never edited once released; add a new one instead.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "department") { t in
                t.primaryKey("name", .text)
            }
            try db.create(table: "version") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("namespace", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("version", .text).notNull()
                t.column("semver", .text).notNull()
                t.column("major", .integer).notNull()
                t.column("minor", .integer).notNull()
                t.column("patch", .integer).notNull()
                t.column("prerelease", .text).notNull()
                t.column("digest", .text).notNull()
                t.column("path", .text).notNull()
                t.column("apiVersion", .text).notNull()
                t.column("description", .text).notNull()
                t.column("displayName", .text)
                t.column("language", .text)
                t.column("categories", .text).notNull()
                t.column("tags", .text).notNull()
                t.column("platforms", .text).notNull()
                t.column("deprecated", .boolean).notNull()
                t.column("deprecationMessage", .text)
                t.column("yanked", .boolean).notNull()
                t.column("readme", .text)
                t.column("blob", .text).notNull()
                t.uniqueKey(["namespace", "kind", "name", "version"])
            }
            try db.create(index: "version_digest", on: "version", columns: ["digest"])
            for table in ["annotation", "dependency", "image"] {
                try db.create(table: table) { t in
                    t.column("versionId", .integer).notNull().references("version", onDelete: .cascade)
                    switch table {
                    case "annotation":
                        t.column("key", .text).notNull()
                        t.column("value", .text).notNull()
                    case "dependency":
                        t.column("kind", .text).notNull()
                        t.column("name", .text).notNull()
                        t.column("requirement", .text).notNull()
                    default:
                        t.column("image", .text).notNull()
                    }
                }
                try db.create(index: "\(table)_version", on: table, columns: ["versionId"])
            }
            try db.create(index: "dependency_target", on: "dependency", columns: ["kind", "name"])
            try db.create(index: "image_name", on: "image", columns: ["image"])
            try db.create(virtualTable: "search", using: FTS5()) { t in
                t.tokenizer = .porter(wrapping: .unicode61())
                t.column("name")
                t.column("displayName")
                t.column("description")
                t.column("tags")
                t.column("readme")
            }
        }
        migrator.registerMigration("v2") { db in
            try db.create(table: "fork") { t in
                t.column("versionId", .integer).notNull().references("version", onDelete: .cascade)
                t.column("upstreamNamespace", .text).notNull()
                t.column("upstreamKind", .text).notNull()
                t.column("upstreamName", .text).notNull()
                t.column("upstreamVersion", .text).notNull()
                t.column("upstreamDigest", .text).notNull()
            }
            try db.create(index: "fork_version", on: "fork", columns: ["versionId"])
            try db.create(index: "fork_upstream", on: "fork", columns: ["upstreamKind", "upstreamName"])
        }
        migrator.registerMigration("v3-documents") { db in
            // Each version's document as compact JSON (key order kept): resolution reads it instead of the YAML in
            // git, which costs a tree walk and a YAML parse per file. Existing rows have none, so the index is
            // rebuilt on the next catch-up.
            try db.create(table: "document") { t in
                t.primaryKey("versionId", .integer).references("version", onDelete: .cascade)
                t.column("json", .text).notNull()
            }
            try db.execute(sql: "DELETE FROM meta WHERE key = 'indexed_commit'")
        }
        migrator.registerMigration("v4-refused") { db in
            // Version folders in git that the gate refuses (a commit that arrived by git, not through publish): not
            // served, listed with the reason. Derived from git like every row, so the index is rebuilt to fill it.
            try db.create(table: "refused") { t in
                t.column("namespace", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("version", .text).notNull()
                t.column("path", .text).notNull()
                t.column("reason", .text).notNull()
            }
            try db.create(index: "refused_key", on: "refused", columns: ["namespace", "kind", "name", "version"])
            try db.execute(sql: "DELETE FROM meta WHERE key = 'indexed_commit'")
        }
        migrator.registerMigration("v5-deprecated-at") { db in
            // When a version was deprecated (from lifecycle.json), for the Deprecation header; rebuilt from git.
            try db.alter(table: "version") { t in t.add(column: "deprecatedAt", .text) }
            try db.execute(sql: "DELETE FROM meta WHERE key = 'indexed_commit'")
        }
        migrator.registerMigration("v6-effective-images") { db in
            // The image rows now hold each version's effective images (what its resolved form runs, StepActions'
            // and params' images included), not only those written in its own document: rebuilt from git.
            try db.execute(sql: "DELETE FROM meta WHERE key = 'indexed_commit'")
        }
        migrator.registerMigration("v7-search-steps") { db in
            // Search also finds a template by its steps' names and the images they run (`steps`), and a half-typed
            // word through prefix indexes of 2 to 4 characters instead of a scan of the term list; rebuilt from git.
            try db.drop(table: "search")
            try Self.createSearch(db)
            try db.execute(sql: "DELETE FROM meta WHERE key = 'indexed_commit'")
        }
        return migrator
    }

    /// The full-text table, one row per version (`rowid` = `version.id`). Columns in the order `Store.search`
    /// weighs them: name, displayName, description, tags (with categories), steps (step and task names, the
    /// StepActions and Tasks they use, the images they run), readme.
    static func createSearch(_ db: Database) throws {
        try db.create(virtualTable: "search", using: FTS5()) { t in
            t.tokenizer = .porter(wrapping: .unicode61())
            t.prefixes = [2, 3, 4]
            for column in ["name", "displayName", "description", "tags", "steps", "readme"] { t.column(column) }
        }
    }
}

extension IndexDatabase {
    /// The commit the index reflects, if any.
    static func indexedCommit(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'indexed_commit'")
    }

    static func setIndexedCommit(_ db: Database, _ commit: String) throws {
        try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('indexed_commit', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [commit])
    }

    /// Removes every row (a rebuild starts here).
    static func clear(_ db: Database) throws {
        for table in ["annotation", "dependency", "image", "fork", "document", "version", "department", "search", "refused"] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
        try db.execute(sql: "DELETE FROM meta WHERE key = 'indexed_commit'")
    }
}
