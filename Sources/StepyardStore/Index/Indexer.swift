import GRDB
import StepyardCore

/// Brings the index up to a commit of the repository: incrementally (the versions whose files changed
/// between the indexed commit and the target), or from scratch. Both give the same rows.
struct Indexer {
    let git: GitRepository
    let organisation: String
    let loader = YAMLLoader()

    /// How the index was brought up to date.
    enum Outcome: Equatable {
        case upToDate
        case incremental(versions: Int)
        case rebuilt(versions: Int)
    }

    /// Updates the index to `head` (the current `refs/heads/main`), inside the caller's write transaction.
    func catchUp(_ db: Database, to head: ObjectID?) throws -> Outcome {
        let indexed = try IndexDatabase.indexedCommit(db).flatMap { ObjectID(hex: $0) }
        guard let head else {
            if indexed != nil { try IndexDatabase.clear(db) }
            return .upToDate
        }
        if indexed == head { return .upToDate }
        // Incremental only along history; a rewritten branch (or an unknown commit) means a rebuild.
        guard let indexed, (try? git.isAncestor(indexed, of: head)) == true else {
            return .rebuilt(versions: try rebuild(db, at: head))
        }
        let changed = try git.changedPaths(from: indexed, to: head)
        var keys: Set<VersionKey> = []
        var departments: Set<String> = []
        for path in changed {
            switch RepositoryLayout.entry(for: path, organisation: organisation) {
            case .version(let key, _): keys.insert(key)
            case .department(let name): departments.insert(name)
            case .other: break
            }
        }
        for key in keys.sorted() { try reindex(key, at: head, db) }
        for name in departments.sorted() { try reindexDepartment(name, at: head, db) }
        try IndexDatabase.setIndexedCommit(db, head.description)
        return .incremental(versions: keys.count)
    }

    /// Rebuilds every row from the tree of `head`.
    func rebuild(_ db: Database, at head: ObjectID) throws -> Int {
        try IndexDatabase.clear(db)
        var versions: [VersionKey: [String: ObjectID]] = [:]
        for file in try git.files(at: head) {
            switch RepositoryLayout.entry(for: file.path, organisation: organisation) {
            case .version(let key, let name): versions[key, default: [:]][name] = file.blob
            case .department(let name): try DepartmentRecord(name: name).insert(db)
            case .other: break
            }
        }
        var count = 0
        for (key, files) in versions.sorted(by: { $0.key < $1.key }) {
            if try insert(key, files: files, db) { count += 1 }
        }
        try IndexDatabase.setIndexedCommit(db, head.description)
        return count
    }

    /// Replaces the rows of one version with what `commit` holds (none if its main file is gone).
    private func reindex(_ key: VersionKey, at commit: ObjectID, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM search WHERE rowid IN (SELECT id FROM version WHERE namespace = ? AND kind = ? AND name = ? AND version = ?)",
                       arguments: [key.namespace, key.kind.rawValue, key.name, key.version])
        try db.execute(sql: "DELETE FROM version WHERE namespace = ? AND kind = ? AND name = ? AND version = ?",
                       arguments: [key.namespace, key.kind.rawValue, key.name, key.version])
        let folder = RepositoryLayout.folder(of: key, organisation: organisation)
        var files: [String: ObjectID] = [:]
        for file in try git.files(at: commit, under: folder + "/") {
            files[String(file.path.dropFirst(folder.count + 1))] = file.blob
        }
        _ = try insert(key, files: files, db)
    }

    private func reindexDepartment(_ name: String, at commit: ObjectID, _ db: Database) throws {
        let exists = try git.entryID(RepositoryLayout.departmentRecord(name), at: commit) != nil
        if exists {
            try DepartmentRecord(name: name).save(db)
        } else {
            _ = try DepartmentRecord.deleteOne(db, key: name)
        }
    }

    /// Inserts one version from its folder's files; `false` when it is not a valid version (skipped).
    private func insert(_ key: VersionKey, files: [String: ObjectID], _ db: Database) throws -> Bool {
        guard let version = ResourceVersion(key.version), let main = files[key.name + ".yaml"] else { return false }
        let bytes = try git.blobContent(main)
        guard let document = try? loader.load(bytes).first,
              let resource = TektonResource(document: document.value) else { return false }
        let facts = ResourceFacts(resource)
        let readme = try files[RepositoryLayout.readmeFile].map { String(decoding: try git.blobContent($0), as: UTF8.self) }
        let lifecycle = try files[RepositoryLayout.lifecycleFile].map { try Lifecycle(bytes: git.blobContent($0)) } ?? Lifecycle()
        let path = RepositoryLayout.mainFile(of: key, organisation: organisation)
        var record = VersionRecord(
            id: nil, namespace: key.namespace, kind: key.kind.rawValue, name: key.name, version: key.version,
            semver: version.normalized, major: version.semver.major, minor: version.semver.minor, patch: version.semver.patch,
            prerelease: version.semver.prereleaseIdentifiers.joined(separator: "."),
            digest: ContentDigest.of(document.value), path: path, apiVersion: facts.apiVersion,
            description: facts.description, displayName: facts.displayName, language: facts.language,
            categories: facts.categories.joined(separator: ","), tags: facts.tags.joined(separator: ","),
            platforms: facts.platforms.joined(separator: ","),
            deprecated: lifecycle.deprecated || facts.deprecatedInDocument,
            deprecationMessage: lifecycle.deprecationMessage, yanked: lifecycle.yanked, readme: readme, blob: main.description)
        try record.insert(db)
        let id = record.id!
        for (key, value) in resource.metadata.annotations {
            try AnnotationRecord(versionId: id, key: key, value: value).insert(db)
        }
        for dependency in facts.dependencies {
            try DependencyRecord(versionId: id, kind: dependency.kind.rawValue, name: dependency.name, requirement: dependency.requirement).insert(db)
        }
        for image in facts.images {
            try ImageRecord(versionId: id, image: image).insert(db)
        }
        try db.execute(sql: "INSERT INTO search(rowid, name, displayName, description, tags, readme) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [id, key.name, facts.displayName ?? "", facts.description,
                                   (facts.tags + facts.categories).joined(separator: " "), readme ?? ""])
        return true
    }
}
