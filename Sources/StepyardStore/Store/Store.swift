import Foundation
import GRDB
import OrderedCollections
import StepyardCore

/// A Stepyard store on disk: `DIR/repo.git` (bare git repository, the truth) and `DIR/index.sqlite`
/// (the index, rebuilt from git whenever it is missing, corrupt or behind).
///
/// Every write is one commit on `refs/heads/main`, moved by compare-and-swap, so a concurrent writer
/// (another process, a `git push`) is never overwritten: the write is rebuilt on the new head and retried.
///
/// ```swift
/// let store = try Store.open(at: URL(fileURLWithPath: ".stepyard"))
/// let versions = try await store.versions(of: ResourceRef(parsing: "task/git-clone"))
/// ```
public actor Store {
    public nonisolated let directory: URL
    /// The organisation namespace's name (`tekton` unless configured at `init`).
    public nonisolated let organisation: String
    /// The feature flags of the Tekton clusters the store serves (`stepyard init --feature-flag`, kept in
    /// `stepyard.json`): the gate lints every version for them, so what enters is what those clusters admit.
    public nonisolated let featureFlags: FeatureFlags
    let git: GitRepository
    let index: IndexDatabase
    /// Parsed resources by digest, for resolution.
    let documents = DocumentCache()
    static let branch = "refs/heads/main"
    /// Namespaces whose git view a push is writing to: git moves the view's ref itself, so it is not refreshed
    /// until the push ends (`Store+GitViews`).
    var viewsBeingPushed: Set<String> = []
    /// Pushes waiting for another push to the same view to end (one push per view at a time).
    var pushesWaiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// The events log (`DIR/events.sqlite`), opened when first needed (`Store+Events`).
    var openedEventLog: EventLog?
    /// Where the store's work runs: a queue of its own, off the server's event loops (`StoreExecutor`).
    private nonisolated let executor = StoreExecutor(label: "stepyard.store")

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(directory: URL, settings: Settings, git: GitRepository, index: IndexDatabase) {
        self.directory = directory
        self.organisation = settings.organisation
        self.featureFlags = settings.featureFlags
        self.git = git
        self.index = index
    }

    static func repositoryPath(_ directory: URL) -> String { directory.appendingPathComponent("repo.git").path }
    static func indexPath(_ directory: URL) -> String { directory.appendingPathComponent("index.sqlite").path }

    /// Creates a store in `directory` (made if missing) with a first commit holding its settings.
    /// - Parameter featureFlags: the Tekton feature flags of the clusters it serves (Tekton's defaults unless set).
    /// - Throws: `StoreError.alreadyExists` when the directory already holds one.
    public static func initialize(at directory: URL, organisation: String = "tekton", featureFlags: FeatureFlags = .defaults,
                                  author: Author) throws(StoreError) -> Store {
        if let problem = ResourceName.problem(with: organisation) { throw .invalidName(problem) }
        let repoPath = repositoryPath(directory)
        if FileManager.default.fileExists(atPath: repoPath) { throw .alreadyExists(directory.path) }
        let git: GitRepository
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            git = try GitRepository.create(at: repoPath, branch: "main")
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .io("cannot create \(directory.path): \(error.localizedDescription)")
        }
        var settings: JSONValue = .object(["organisation": .string(organisation)])
        if !featureFlags.overrides.isEmpty, case .object(var fields) = settings {
            fields["featureFlags"] = .object(.init(uniqueKeysWithValues: featureFlags.overrides.sorted(by: { $0.key < $1.key }).map { ($0.key, JSONValue.string($0.value)) }))
            settings = .object(fields)
        }
        do {
            let commit = try git.commit(changes: [RepositoryLayout.settingsFile: Array((settings.serialized(pretty: true) + "\n").utf8)],
                                        parent: nil, author: signature(author), message: "Create the Stepyard store (organisation \(organisation))")
            _ = try git.updateReference(branch, to: commit, expecting: nil, message: "init")
        } catch {
            throw .git(error)
        }
        return try open(at: directory)
    }

    /// Opens the store in `directory` and brings its index up to the repository.
    /// - Throws: `StoreError.notAStore` when there is no repository; a broken index is rebuilt, not an error.
    public static func open(at directory: URL) throws(StoreError) -> Store {
        let repoPath = repositoryPath(directory)
        guard FileManager.default.fileExists(atPath: repoPath) else { throw .notAStore(directory.path) }
        let git: GitRepository
        do { git = try GitRepository.open(at: repoPath) } catch { throw .git(error) }
        let settings = try readSettings(git)
        let index = try openIndex(directory)
        let store = Store(directory: directory, settings: settings, git: git, index: index)
        do {
            _ = try store.catchUpSync()
        } catch {
            // An index that cannot take the catch-up is rebuilt from scratch.
            let fresh = try rebuildIndexFile(directory)
            let rebuilt = Store(directory: directory, settings: settings, git: git, index: fresh)
            do { _ = try rebuilt.catchUpSync() } catch { throw .index("\(error)") }
            return rebuilt
        }
        return store
    }

    /// What `stepyard.json` holds.
    struct Settings {
        var organisation = "tekton"
        var featureFlags = FeatureFlags.defaults
    }

    private static func readSettings(_ git: GitRepository) throws(StoreError) -> Settings {
        let document: JSONValue
        do {
            guard let head = try git.resolve(branch),
                  let bytes = try git.file(RepositoryLayout.settingsFile, at: head),
                  let settings = try? JSONValue(parsingJSON: String(decoding: bytes, as: UTF8.self)) else { return Settings() }
            document = settings
        } catch {
            throw .git(error)
        }
        var settings = Settings()
        if let name = document["organisation"]?.stringValue { settings.organisation = name }
        var flags: [String: String] = [:]
        for (key, value) in document["featureFlags"]?.objectValue ?? [:] { flags[key] = value.stringValue ?? "\(value)" }
        do {
            settings.featureFlags = try FeatureFlags(flags)
        } catch {
            throw .refused("\(RepositoryLayout.settingsFile) in the repository: featureFlags: \(error)")
        }
        return settings
    }

    private static func openIndex(_ directory: URL) throws(StoreError) -> IndexDatabase {
        do {
            return try IndexDatabase.open(at: indexPath(directory))
        } catch {
            return try rebuildIndexFile(directory)
        }
    }

    /// Deletes the index files and creates an empty index (the caller fills it from git).
    private static func rebuildIndexFile(_ directory: URL) throws(StoreError) -> IndexDatabase {
        let path = indexPath(directory)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        do { return try IndexDatabase.open(at: path) } catch { throw .index("cannot create \(path): \(error)") }
    }

    // MARK: - Index

    /// Brings the index up to `refs/heads/main` (incrementally when it can).
    @discardableResult
    public func catchUp() throws(StoreError) -> String {
        try catchUp(known: [:])
    }

    /// Catches up, reusing documents the caller already parsed (by `ContentDigest.sha256` of their bytes) and blobs
    /// it just wrote (by id).
    @discardableResult
    func catchUp(known: [String: JSONValue], blobs: [ObjectID: [UInt8]] = [:]) throws(StoreError) -> String {
        do { return describe(try catchUpSync(known: known, blobs: blobs)) } catch { throw .index("\(error)") }
    }

    nonisolated private func catchUpSync(known: [String: JSONValue] = [:], blobs: [ObjectID: [UInt8]] = [:]) throws -> Indexer.Outcome {
        var indexer = Indexer(git: git, organisation: organisation)
        indexer.flags = featureFlags
        indexer.known = known
        indexer.blobs = blobs
        return try index.writer.write { db in
            try indexer.catchUp(db, to: try git.resolve(Self.branch))
        }
    }

    /// Rebuilds the index from scratch; returns how many versions it holds.
    @discardableResult
    public func reindex() throws(StoreError) -> Int {
        var indexer = Indexer(git: git, organisation: organisation)
        indexer.flags = featureFlags
        do {
            return try index.writer.write { db in
                guard let head = try git.resolve(Self.branch) else {
                    try IndexDatabase.clear(db)
                    return 0
                }
                return try indexer.rebuild(db, at: head)
            }
        } catch {
            throw .index("\(error)")
        }
    }

    private func describe(_ outcome: Indexer.Outcome) -> String {
        switch outcome {
        case .upToDate: return "up to date"
        case .incremental(let n): return "caught up \(n) version(s)"
        case .rebuilt(let n): return "rebuilt with \(n) version(s)"
        }
    }

    // MARK: - Writing

    /// Writes one commit made by `build` on top of the current head, moving `main` by compare-and-swap and
    /// retrying on a concurrent change. `build` returns `nil` (or no changes) when there is nothing to write.
    func write(author: Author, message: String, known: [String: JSONValue] = [:],
               _ build: (ObjectID?) throws(StoreError) -> [String: [UInt8]?]?) throws(StoreError) -> ObjectID? {
        let lock = try WriteLock(directory: directory)
        defer { lock.release() }
        let referenceLock = Self.repositoryPath(directory) + "/" + Self.branch + ".lock"
        var attempts = 0
        var lockSeen: Date?
        while attempts < 50 {
            let head: ObjectID?
            do { head = try git.resolve(Self.branch) } catch { throw .git(error) }
            guard let changes = try build(head), !changes.isEmpty else { return nil }
            do {
                var written: [ObjectID: [UInt8]] = [:]
                let commit = try git.commit(changes: changes, parent: head, author: Self.signature(author), message: message,
                                            written: &written)
                if try git.updateReference(Self.branch, to: commit, expecting: head, message: message.components(separatedBy: "\n")[0]) {
                    try catchUp(known: known, blobs: written)
                    return commit
                }
            } catch let error as GitError {
                throw .git(error)
            } catch let error as StoreError {
                throw error
            } catch {
                throw .io("\(error)")
            }
            // Someone else moved main, or holds its lock: rebuild the change on the new head. A lock file no live
            // writer can own (we hold the write lock; git holds its own for milliseconds) is removed once stale.
            if FileManager.default.fileExists(atPath: referenceLock) {
                let waitedSince = lockSeen ?? Date()
                lockSeen = waitedSince
                if WriteLock.removeStaleReferenceLock(referenceLock) { continue }
                if Date().timeIntervalSince(waitedSince) < 5 { Thread.sleep(forTimeInterval: 0.1); continue }
            }
            attempts += 1
            Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.02))
        }
        if FileManager.default.fileExists(atPath: referenceLock) {
            throw .io("\(Self.branch) is locked by \(referenceLock); if no git process is writing to the repository, remove that file")
        }
        throw .contention
    }

    static func signature(_ author: Author) -> GitSignature {
        GitSignature(name: author.name, email: author.email, time: Int64(Date().timeIntervalSince1970))
    }

    /// The current head, if the branch exists.
    func head() throws(StoreError) -> ObjectID? {
        do { return try git.resolve(Self.branch) } catch { throw .git(error) }
    }

    /// The bytes of a repository file at `commit`, or `nil` when it has none.
    func file(_ path: String, at commit: ObjectID) throws(StoreError) -> [UInt8]? {
        do { return try git.file(path, at: commit) } catch { throw .git(error) }
    }

    /// Reads the index (a GRDB read), turning errors into `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try index.writer.read(body) } catch { throw .index("\(error)") }
    }

    /// The namespace a reference names (`nil` = the organisation), checked to exist.
    func namespace(of ref: ResourceRef) throws(StoreError) -> String {
        guard let namespace = ref.namespace, namespace != organisation else { return organisation }
        let exists = try read { db in try DepartmentRecord.exists(db, key: namespace) }
        guard exists else { throw .unknownNamespace(namespace) }
        return namespace
    }
}
