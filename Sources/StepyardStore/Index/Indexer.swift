import Foundation
import GRDB
import StepyardCore

/// Brings the index up to a commit of the repository: incrementally (the versions whose files changed
/// between the indexed commit and the target), or from scratch. Both give the same rows.
struct Indexer {
    let git: GitRepository
    let organisation: String
    let loader = YAMLLoader(recordsLines: false)
    /// Documents the caller already parsed, by `ContentDigest.sha256` of their bytes (an import hands over what
    /// it linted, so nothing is parsed twice).
    var known: [String: JSONValue] = [:]
    /// Blobs the caller just wrote, by id: read from here rather than back from git.
    var blobs: [ObjectID: [UInt8]] = [:]
    /// The store's feature flags: a version that arrived by git is checked for them as an import checks it.
    var flags = FeatureFlags.defaults

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
        let written = try reindex(keys.sorted(), at: head, db)
        try refreshImages(written: written, changed: Set(keys.map { ResourceKey(kind: $0.kind, name: $0.name) }), at: head, db)
        for name in departments.sorted() { try reindexDepartment(name, at: head, db) }
        try IndexDatabase.setIndexedCommit(db, head.description)
        return .incremental(versions: keys.count)
    }

    /// Rebuilds every row from the tree of `head`. Blobs are read on this thread (libgit2 handles are
    /// not shared); parsing, facts and digests run on all cores; rows are written in one transaction.
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
        let sources = try versions.sorted(by: { $0.key < $1.key }).map { key, files in try source(key, files: files) }
        let prepared = Self.prepareConcurrently(sources, loader: loader, known: known, flags: flags)
        var count = 0
        for (source, version) in zip(sources, prepared) {
            switch version {
            case .version(let version):
                try write(version, db)
                count += 1
            case .refused(let reason): try writeRefusal(source.key, reason: reason, db)
            case .none: break
            }
        }
        try refreshAllImages(at: head, db)
        try IndexDatabase.setIndexedCommit(db, head.description)
        return count
    }

    /// Replaces the rows of some versions with what `commit` holds (none for a version whose main file is gone);
    /// returns the ids of the rows written.
    private func reindex(_ keys: [VersionKey], at commit: ObjectID, _ db: Database) throws -> [Int64] {
        var sources: [Source] = []
        let folders = try self.folders(of: keys, at: commit)
        for (key, folder) in zip(keys, folders) {
            // Prepared once per transaction, not once per version: an import replaces hundreds.
            let arguments: StatementArguments = [key.namespace, key.kind.rawValue, key.name, key.version]
            try db.cachedStatement(sql: "DELETE FROM search WHERE rowid IN (SELECT id FROM version WHERE namespace = ? AND kind = ? AND name = ? AND version = ?)")
                .execute(arguments: arguments)
            try db.cachedStatement(sql: "DELETE FROM version WHERE namespace = ? AND kind = ? AND name = ? AND version = ?")
                .execute(arguments: arguments)
            try db.cachedStatement(sql: "DELETE FROM refused WHERE namespace = ? AND kind = ? AND name = ? AND version = ?")
                .execute(arguments: arguments)
            sources.append(try source(key, files: folder))
        }
        let prepared = sources.count > 1 ? Self.prepareConcurrently(sources, loader: loader, known: known, flags: flags)
            : sources.map { Self.prepare($0, loader: loader, known: known, flags: flags) }
        var written: [Int64] = []
        for (source, version) in zip(sources, prepared) {
            switch version {
            case .version(let version): written.append(try write(version, db))
            case .refused(let reason): try writeRefusal(source.key, reason: reason, db)
            case .none: break
            }
        }
        return written
    }

    /// The files (name → blob) of each version's folder at `commit`. Many versions (an import): one walk of the
    /// whole tree; a few (a publish): a lookup each, which does not grow with the store.
    private func folders(of keys: [VersionKey], at commit: ObjectID) throws -> [[String: ObjectID]] {
        let paths = keys.map { RepositoryLayout.folder(of: $0, organisation: organisation) + "/" }
        guard keys.count > 32 else {
            return try paths.map { folder in
                var files: [String: ObjectID] = [:]
                for file in try git.files(at: commit, under: folder) { files[String(file.path.dropFirst(folder.count))] = file.blob }
                return files
            }
        }
        var byFolder: [Substring: [String: ObjectID]] = Dictionary(uniqueKeysWithValues: paths.map { (Substring($0), [:]) })
        for file in try git.files(at: commit) {
            guard let slash = file.path.lastIndex(of: "/") else { continue }
            let folder = file.path[...slash]
            if byFolder[folder] != nil { byFolder[folder]![String(file.path[file.path.index(after: slash)...])] = file.blob }
        }
        return paths.map { byFolder[Substring($0)]! }
    }

    private func reindexDepartment(_ name: String, at commit: ObjectID, _ db: Database) throws {
        let exists = try git.entryID(RepositoryLayout.departmentRecord(name), at: commit) != nil
        if exists {
            try DepartmentRecord(name: name).save(db)
        } else {
            _ = try DepartmentRecord.deleteOne(db, key: name)
        }
    }

    /// The bytes of one version folder's files that the index reads.
    struct Source: Sendable {
        var key: VersionKey
        var main: [UInt8]?
        var mainBlob: String
        var readme: [UInt8]?
        var lifecycle: [UInt8]?
        var fork: [UInt8]?
    }

    private func source(_ key: VersionKey, files: [String: ObjectID]) throws -> Source {
        let main = files[key.name + ".yaml"]
        return Source(key: key, main: try main.map(content), mainBlob: main?.description ?? "",
                      readme: try files[RepositoryLayout.readmeFile].map(content),
                      lifecycle: try files[RepositoryLayout.lifecycleFile].map(content),
                      fork: try files[RepositoryLayout.forkFile].map(content))
    }

    private func content(_ blob: ObjectID) throws -> [UInt8] {
        if let bytes = blobs[blob] { return bytes }
        return try git.blobContent(blob)
    }

    /// A version ready to be written: its row and the rows that hang off it.
    struct Prepared: Sendable {
        var record: VersionRecord
        var annotations: [(String, String)]
        var facts: ResourceFacts
        var upstream: ForkUpstream?
        /// The parsed document as compact JSON, what resolution reads.
        var document: String
    }

    /// What indexing a version folder gives: its rows, a refusal to list, or nothing (not a version folder).
    enum Preparation: Sendable {
        case version(Prepared)
        case refused(String)
        case none
    }

    /// Parses one version. A folder that is not a version (no main file, a name that is no version) gives nothing;
    /// a main file the gate refuses — unreadable YAML, not a Task, StepAction or Pipeline, or an error of Tekton's
    /// admission rules, as an import checks it — is refused with the reason. Documents the store hands over
    /// (`known`) passed that gate when they were written and are not checked again.
    static func prepare(_ source: Source, loader: YAMLLoader, known: [String: JSONValue] = [:], flags: FeatureFlags = .defaults) -> Preparation {
        let key = source.key
        guard let version = ResourceVersion(key.version), let bytes = source.main else { return .none }
        let value: JSONValue
        var checked = false
        if !known.isEmpty, let parsed = known[ContentDigest.sha256(bytes)] {
            value = parsed
            checked = true
        } else {
            do {
                guard let document = try loader.load(bytes).first else { return .refused("the main file holds no YAML document") }
                value = document.value
            } catch {
                return .refused("the main file is not valid YAML: \(error)")
            }
        }
        guard let resource = TektonResource(document: value) else {
            return .refused("the main file is not a Task, StepAction or Pipeline")
        }
        if !checked {
            let path = "\(key.kind.rawValue)/\(key.name)/\(key.version)/\(key.name).yaml"
            let errors = Linter(flags: flags).lint(LoadedFile(path: path, document: value))
                .filter { $0.severity == .error && !$0.rule.hasPrefix("catalog.") }
            if !errors.isEmpty { return .refused(errors.map { "\($0.message) [\($0.rule)]" }.joined(separator: "; ")) }
        }
        let facts = ResourceFacts(resource)
        let lifecycle = source.lifecycle.map { Lifecycle(bytes: $0) } ?? Lifecycle()
        let record = VersionRecord(
            id: nil, namespace: key.namespace, kind: key.kind.rawValue, name: key.name, version: key.version,
            semver: version.normalized, major: version.semver.major, minor: version.semver.minor, patch: version.semver.patch,
            prerelease: version.semver.prereleaseIdentifiers.joined(separator: "."),
            digest: ContentDigest.of(value), path: "", apiVersion: facts.apiVersion,
            description: facts.description, displayName: facts.displayName, language: facts.language,
            categories: facts.categories.joined(separator: ","), tags: facts.tags.joined(separator: ","),
            platforms: facts.platforms.joined(separator: ","),
            deprecated: lifecycle.deprecated || facts.deprecatedInDocument,
            deprecationMessage: lifecycle.deprecationMessage, deprecatedAt: lifecycle.deprecatedAt, yanked: lifecycle.yanked,
            readme: source.readme.map { String(decoding: $0, as: UTF8.self) }, blob: source.mainBlob)
        return .version(Prepared(record: record, annotations: resource.metadata.annotations.map { ($0.key, $0.value) }, facts: facts,
                                 upstream: source.fork.flatMap(ForkUpstream.init(bytes:)),
                                 document: String(decoding: value.serializedBytes(), as: UTF8.self)))
    }

    /// `prepare` over all cores, results in input order.
    static func prepareConcurrently(_ sources: [Source], loader: YAMLLoader, known: [String: JSONValue] = [:],
                                    flags: FeatureFlags = .defaults) -> [Preparation] {
        let results = Slots<Preparation>(count: sources.count, initial: .none)
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, sources.count))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var i = chunk
            while i < sources.count {
                results[i] = prepare(sources[i], loader: loader, known: known, flags: flags)
                i += chunks
            }
        }
        return results.values
    }

    /// Records a version folder the gate refuses.
    private func writeRefusal(_ key: VersionKey, reason: String, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO refused(namespace, kind, name, version, path, reason) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [key.namespace, key.kind.rawValue, key.name, key.version,
                                 RepositoryLayout.mainFile(of: key, organisation: organisation), reason])
    }

    /// Writes one prepared version's rows (its images: those of its own document); returns its id.
    @discardableResult
    private func write(_ prepared: Prepared, _ db: Database) throws -> Int64 {
        var record = prepared.record
        record.path = RepositoryLayout.mainFile(of: VersionKey(namespace: record.namespace, kind: ResourceKind(rawValue: record.kind)!,
                                                               name: record.name, version: record.version), organisation: organisation)
        let insertVersion = try db.cachedStatement(sql: """
            INSERT INTO version(namespace, kind, name, version, semver, major, minor, patch, prerelease, digest, path, apiVersion,
                                description, displayName, language, categories, tags, platforms, deprecated, deprecationMessage,
                                yanked, readme, blob, deprecatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insertVersion.execute(arguments: [
            record.namespace, record.kind, record.name, record.version, record.semver, record.major, record.minor, record.patch,
            record.prerelease, record.digest, record.path, record.apiVersion, record.description, record.displayName, record.language,
            record.categories, record.tags, record.platforms, record.deprecated, record.deprecationMessage, record.yanked,
            record.readme, record.blob, record.deprecatedAt,
        ])
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "INSERT INTO document(versionId, json) VALUES (?, ?)").execute(arguments: [id, prepared.document])
        let annotation = try db.cachedStatement(sql: "INSERT INTO annotation(versionId, key, value) VALUES (?, ?, ?)")
        for (key, value) in prepared.annotations { try annotation.execute(arguments: [id, key, value]) }
        let dependency = try db.cachedStatement(sql: "INSERT INTO dependency(versionId, kind, name, requirement) VALUES (?, ?, ?, ?)")
        for d in prepared.facts.dependencies { try dependency.execute(arguments: [id, d.kind.rawValue, d.name, d.requirement]) }
        let image = try db.cachedStatement(sql: "INSERT INTO image(versionId, image) VALUES (?, ?)")
        for i in prepared.facts.images { try image.execute(arguments: [id, i]) }
        if let u = prepared.upstream {
            try ForkRecord(versionId: id, upstreamNamespace: u.namespace, upstreamKind: u.kind.rawValue, upstreamName: u.name,
                           upstreamVersion: u.version, upstreamDigest: u.digest).insert(db)
        }
        let search = try db.cachedStatement(sql: "INSERT INTO search(rowid, name, displayName, description, tags, steps, readme) VALUES (?, ?, ?, ?, ?, ?, ?)")
        try search.execute(arguments: [id, record.name, record.displayName ?? "", record.description,
                                       (prepared.facts.tags + prepared.facts.categories).joined(separator: " "),
                                       Self.searchedSteps(prepared.facts), record.readme ?? ""])
        return id
    }

    /// What the search table's `steps` column holds for a version: its step and task names and the images they run.
    static func searchedSteps(_ facts: ResourceFacts) -> String {
        (facts.stepNames + facts.images).joined(separator: " ")
    }
}
