import Foundation
import GRDB
import StepyardCore

extension Store {
    /// Every version of a resource, lowest first (semver order).
    public func versions(of ref: ResourceRef) throws(StoreError) -> [VersionInfo] {
        let namespace = try namespace(of: ref)
        let rows = try read { db in
            try VersionRecord.filter(Column("namespace") == namespace && Column("kind") == ref.kind.rawValue && Column("name") == ref.name)
                .fetchAll(db)
        }
        guard !rows.isEmpty else { throw .notFound(ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name).description) }
        return rows.compactMap { row in ResourceVersion(row.version).map { ($0, row) } }
            .sorted { $0.0 < $1.0 }
            .map { Self.info($0.1) }
    }

    /// The version a reference selects: exact (yanked too), the highest non-yanked in a range, or by digest.
    public func select(_ ref: ResourceRef) throws(StoreError) -> VersionInfo {
        let all = try versions(of: ref)
        guard let chosen = VersionSelector.choose(ref.selector, among: all, version: \.version, yanked: \.yanked, digest: \.digest) else {
            throw .noMatch(ref.description)
        }
        return chosen
    }

    /// The YAML of the version a reference selects, byte for byte as published.
    public func content(of ref: ResourceRef) throws(StoreError) -> (VersionInfo, [UInt8]) {
        let info = try select(ref)
        guard let head = try head() else { throw .notFound(ref.description) }
        do {
            guard let bytes = try git.file(info.path, at: head) else { throw StoreError.notFound(ref.description) }
            return (info, bytes)
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .notFound(ref.description)
        }
    }

    /// Full-text search over names, descriptions, tags, step names, images and READMEs; one hit per resource, best
    /// first: an exact name, then names a word of the search begins a part of (`golan` → `golang-build`), then by
    /// bm25 with a name weighing ten times a README.
    public func search(_ text: String, kind: ResourceKind? = nil, category: String? = nil, tag: String? = nil,
                       language: String? = nil, namespace: String? = nil, limit: Int = 20) throws(StoreError) -> [SearchHit] {
        let search: SearchText
        do { search = try SearchText(text) } catch { throw .invalidQuery(error.message) }
        // Each word as a prefix (`golan` finds golang): a name half typed in a search box already finds it.
        let words = search.words.map { "\"\($0)\"*" }
        var arguments: [any DatabaseValueConvertible] = [search.exactName]
        var sql = "SELECT v.*, "
        if words.isEmpty {
            sql += "0.0 AS score, (v.name = ?) AS exact FROM version v WHERE 1"
        } else {
            // bm25 weights: name, displayName, description, tags, steps, readme.
            sql += """
                s.score AS score, (v.name = ?) AS exact FROM version v
                JOIN (SELECT rowid, bm25(search, 10.0, 5.0, 2.0, 3.0, 2.0, 1.0) AS score FROM search WHERE search MATCH ?) s ON s.rowid = v.id
                WHERE 1
                """
            arguments.append(words.joined(separator: " "))
        }
        if let kind { sql += " AND v.kind = ?"; arguments.append(kind.rawValue) }
        if let language { sql += " AND v.language = ?"; arguments.append(language) }
        if let namespace { sql += " AND v.namespace = ?"; arguments.append(namespace) }
        if let category { sql += " AND (',' || lower(v.categories) || ',') LIKE ?"; arguments.append("%," + category.lowercased() + ",%") }
        if let tag { sql += " AND (',' || lower(v.tags) || ',') LIKE ?"; arguments.append("%," + tag.lowercased() + ",%") }
        let rows = try read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
        var best: [String: (score: Double, exact: Bool, record: VersionRecord, version: ResourceVersion)] = [:]
        for row in rows {
            let record = try? VersionRecord(row: row)
            guard let record, let version = ResourceVersion(record.version) else { continue }
            let key = "\(record.namespace)/\(record.kind)/\(record.name)"
            let score: Double = row["score"] ?? 0
            let isExact: Bool = row["exact"] ?? false
            if let current = best[key] {
                let bestScore = min(current.score, score)
                let latest = (!record.yanked && (current.record.yanked || version > current.version)) ? (record, version) : (current.record, current.version)
                best[key] = (bestScore, isExact, latest.0, latest.1)
            } else {
                best[key] = (score, isExact, record, version)
            }
        }
        func tier(_ name: String, exact: Bool) -> Int {
            if exact { return 0 }
            let parts = name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            return search.words.contains { word in parts.contains { $0.hasPrefix(word) } } ? 1 : 2
        }
        return best.values
            .map { (tier: tier($0.record.name, exact: $0.exact), entry: $0) }
            .sorted { a, b in
                if a.tier != b.tier { return a.tier < b.tier }
                if a.entry.score != b.entry.score { return a.entry.score < b.entry.score }
                // Ties in a fixed order, so two processes over one index page alike.
                return (a.entry.record.name, a.entry.record.kind, a.entry.record.namespace) < (b.entry.record.name, b.entry.record.kind, b.entry.record.namespace)
            }
            .prefix(max(0, limit))
            .map { Self.hit($0.entry.record) }
    }

    /// A resource as a search shows it, by the version it chose.
    static func hit(_ record: VersionRecord) -> SearchHit {
        SearchHit(namespace: record.namespace, kind: ResourceKind(rawValue: record.kind) ?? .task, name: record.name,
                  latestVersion: record.version, description: record.description, deprecated: record.deprecated,
                  yanked: record.yanked, language: record.language, categories: ResourceFacts.list(record.categories),
                  tags: ResourceFacts.list(record.tags))
    }

    /// The commits that touched a resource (or one version of it), newest first.
    public func history(of ref: ResourceRef, limit: Int = 200) throws(StoreError) -> [HistoryEntry] {
        let namespace = try namespace(of: ref)
        var path = RepositoryLayout.resourceFolder(namespace: namespace, kind: ref.kind, name: ref.name, organisation: organisation)
        if ref.selector != nil {
            path = String(try select(ref).path.split(separator: "/").dropLast().joined(separator: "/"))
        }
        guard let head = try head() else { return [] }
        do {
            guard try git.entryID(path, at: head) != nil else { throw StoreError.notFound(ref.description) }
            let formatter = ISO8601DateFormatter()
            return try git.history(of: path, from: head, limit: limit).map { commit in
                HistoryEntry(commit: commit.id.description, author: commit.author.name, email: commit.author.email,
                             date: formatter.string(from: Date(timeIntervalSince1970: TimeInterval(commit.author.time))),
                             message: commit.message.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        } catch let error as GitError {
            throw .git(error)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .io("\(error)")
        }
    }

    /// The departments, by name.
    public func departments() throws(StoreError) -> [DepartmentInfo] {
        try read { db in try DepartmentRecord.order(Column("name")).fetchAll(db) }.map { DepartmentInfo(name: $0.name) }
    }

    /// The commit the index reflects.
    public func indexedCommit() throws(StoreError) -> String? {
        try read { db in try IndexDatabase.indexedCommit(db) }
    }

    /// The resources (`kind/name`, any namespace) with a version added, changed or removed between two commits of
    /// `main`, or `nil` when that cannot be told cheaply (no old commit, history rewritten, an unknown commit): what a
    /// cache of resolved templates must forget when the served commit moves.
    public func changedResources(from old: String?, to new: String?) -> Set<String>? {
        guard let old = old.flatMap(ObjectID.init(hex:)), let new = new.flatMap(ObjectID.init(hex:)),
              (try? git.isAncestor(old, of: new)) == true, let paths = try? git.changedPaths(from: old, to: new) else { return nil }
        var changed: Set<String> = []
        for path in paths {
            if case .version(let key, _) = RepositoryLayout.entry(for: path, organisation: organisation) {
                changed.insert("\(key.kind.rawValue)/\(key.name)")
            }
        }
        return changed
    }

    /// Version folders in git that the gate refuses (they arrived by git, not through publish): not served, each
    /// with its reason, in path order; empty once later commits fix or remove them.
    public func refused() throws(StoreError) -> [RefusedVersion] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT namespace, kind, name, version, path, reason FROM refused ORDER BY path").map { row in
                RefusedVersion(namespace: row[0], kind: ResourceKind(rawValue: row[1]) ?? .task, name: row[2], version: row[3],
                               path: row[4], reason: row[5])
            }
        }
    }

    /// Every indexed version (for comparisons and tests), in key order.
    public func allVersions() throws(StoreError) -> [VersionInfo] {
        try read { db in try VersionRecord.order(Column("namespace"), Column("kind"), Column("name"), Column("version")).fetchAll(db) }
            .map(Self.info)
    }

    static func info(_ row: VersionRecord) -> VersionInfo {
        VersionInfo(namespace: row.namespace, kind: ResourceKind(rawValue: row.kind) ?? .task, name: row.name, version: row.version,
                    semver: row.semver, digest: row.digest, description: row.description, deprecated: row.deprecated,
                    deprecationMessage: row.deprecationMessage, deprecatedAt: row.deprecatedAt, yanked: row.yanked, path: row.path)
    }
}
