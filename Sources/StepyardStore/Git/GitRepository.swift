import Foundation
internal import CLibGit2

/// A bare git repository, written through libgit2: blobs, trees and commits directly, no working tree,
/// no `git` binary.
///
/// `@unchecked Sendable`: the class owns a `git_repository *`, which libgit2 allows on one thread at a
/// time only (docs/threading.md). Every instance is owned by one `Store` actor, which serialises all use.
final class GitRepository: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The repository's folder (`…/repo.git`).
    let path: String

    /// libgit2 set up once per process. Strict object creation (checking that every object a new tree or commit
    /// points at exists) is off: Stepyard writes the objects itself just before, so the check only costs lookups.
    private static let initialised: Void = {
        git_libgit2_init()
        _ = stepyard_git_set_strict_object_creation(0)
        return ()
    }()

    private init(pointer: OpaquePointer, path: String) {
        self.pointer = pointer
        self.path = path
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Creates a bare repository whose HEAD is `refs/heads/<branch>`.
    static func create(at path: String, branch: String) throws(GitError) -> GitRepository {
        _ = initialised
        var options = git_repository_init_options()
        try GitError.check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)), "init options")
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
        var repo: OpaquePointer?
        let code = branch.withCString { head -> Int32 in
            options.initial_head = head
            return git_repository_init_ext(&repo, path, &options)
        }
        try GitError.check(code, "create repository at \(path)")
        return GitRepository(pointer: repo!, path: path)
    }

    /// Opens an existing bare repository.
    static func open(at path: String) throws(GitError) -> GitRepository {
        _ = initialised
        var repo: OpaquePointer?
        try GitError.check(git_repository_open_bare(&repo, path), "open repository at \(path)")
        return GitRepository(pointer: repo!, path: path)
    }

    // MARK: - Reading

    /// The commit a reference points to, or `nil` for an unborn branch.
    func resolve(_ reference: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, pointer, reference)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(code, "read \(reference)")
        return ObjectID(oid)
    }

    /// A commit's metadata.
    func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
        var oid = id.oid
        var commit: OpaquePointer?
        try GitError.check(git_commit_lookup(&commit, pointer, &oid), "look up commit \(id)")
        defer { git_commit_free(commit) }
        let signature = git_commit_author(commit)!.pointee
        var parents: [ObjectID] = []
        for i in 0..<git_commit_parentcount(commit) {
            if let parent = git_commit_parent_id(commit, i) { parents.append(ObjectID(parent.pointee)) }
        }
        return CommitInfo(
            id: id,
            tree: ObjectID(git_commit_tree_id(commit)!.pointee),
            parents: parents,
            author: GitSignature(name: String(cString: signature.name), email: String(cString: signature.email),
                                 time: signature.when.time, offsetMinutes: signature.when.offset),
            message: git_commit_message(commit).map { String(cString: $0) } ?? ""
        )
    }

    /// The bytes of the file at `path` in `commit`'s tree, or `nil` when there is none.
    func file(_ path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        guard let blob = try entryID(path, at: commit) else { return nil }
        return try blobContent(blob)
    }

    /// The object id of the tree entry (file or folder) at `path`, or `nil` when there is none.
    func entryID(_ path: String, at commit: ObjectID) throws(GitError) -> ObjectID? {
        try withTree(of: commit) { tree throws(GitError) -> ObjectID? in
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, tree, path)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try GitError.check(code, "find \(path)")
            defer { git_tree_entry_free(entry) }
            return ObjectID(git_tree_entry_id(entry)!.pointee)
        }
    }

    /// A blob's bytes.
    func blobContent(_ id: ObjectID) throws(GitError) -> [UInt8] {
        var oid = id.oid
        var blob: OpaquePointer?
        try GitError.check(git_blob_lookup(&blob, pointer, &oid), "read blob \(id)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// Every file of `commit`'s tree whose path starts with `prefix`, in tree order.
    func files(at commit: ObjectID, under prefix: String = "") throws(GitError) -> [TreeFile] {
        // A folder prefix: walk only that subtree.
        if prefix.hasSuffix("/"), prefix.count > 1 {
            guard let folder = try entryID(String(prefix.dropLast()), at: commit) else { return [] }
            var oid = folder.oid
            var subtree: OpaquePointer?
            let code = git_tree_lookup(&subtree, pointer, &oid)
            if code == GIT_ENOTFOUND.rawValue { return [] }  // a file, not a folder
            try GitError.check(code, "read folder \(prefix)")
            defer { git_tree_free(subtree) }
            return try walk(subtree, prefix: "").map { TreeFile(path: prefix + $0.path, blob: $0.blob) }
        }
        return try withTree(of: commit) { tree throws(GitError) in try walk(tree, prefix: prefix) }
    }

    /// Every file below `tree` whose path starts with `prefix`, in tree order.
    private func walk(_ tree: OpaquePointer?, prefix: String) throws(GitError) -> [TreeFile] {
        final class Collector {
            var files: [TreeFile] = []
            let prefix: String
            init(prefix: String) { self.prefix = prefix }
        }
        let collector = Collector(prefix: prefix)
        let code = git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
            let collector = Unmanaged<Collector>.fromOpaque(payload!).takeUnretainedValue()
            let name = String(cString: git_tree_entry_name(entry))
            let path = String(cString: root!) + name
            if git_tree_entry_type(entry) == GIT_OBJECT_TREE {
                // Skip folders that cannot hold the prefix.
                let folder = path + "/"
                return collector.prefix.hasPrefix(folder) || folder.hasPrefix(collector.prefix) ? 0 : 1
            }
            if path.hasPrefix(collector.prefix) {
                collector.files.append(TreeFile(path: path, blob: ObjectID(git_tree_entry_id(entry)!.pointee)))
            }
            return 0
        }, Unmanaged.passUnretained(collector).toOpaque())
        try GitError.check(code, "walk tree")
        return collector.files
    }

    /// The paths of files that differ between two commits (`from` = `nil`: every file of `to`).
    func changedPaths(from old: ObjectID?, to new: ObjectID) throws(GitError) -> Set<String> {
        guard let old else { return Set(try files(at: new).map(\.path)) }
        let oldTree = try lookupTree(of: old)
        defer { git_tree_free(oldTree) }
        let newTree = try lookupTree(of: new)
        defer { git_tree_free(newTree) }
        var diff: OpaquePointer?
        try GitError.check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, nil), "diff \(old)..\(new)")
        defer { git_diff_free(diff) }
        var paths: Set<String> = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i)?.pointee else { continue }
            if let p = delta.old_file.path { paths.insert(String(cString: p)) }
            if let p = delta.new_file.path { paths.insert(String(cString: p)) }
        }
        return paths
    }

    /// `true` when `ancestor` is `commit` or one of its ancestors.
    func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws(GitError) -> Bool {
        if ancestor == commit { return true }
        var a = commit.oid, b = ancestor.oid
        let code = git_graph_descendant_of(pointer, &a, &b)
        try GitError.check(code, "compare \(commit) with \(ancestor)")
        return code == 1
    }

    /// Commits reachable from `head`, newest first, whose change touches the entry at `path`
    /// (a file or folder; `""` means every commit), at most `limit`.
    func history(of path: String, from head: ObjectID, limit: Int = 1000) throws(GitError) -> [CommitInfo] {
        var walker: OpaquePointer?
        try GitError.check(git_revwalk_new(&walker, pointer), "start history walk")
        defer { git_revwalk_free(walker) }
        git_revwalk_sorting(walker, GIT_SORT_TIME.rawValue | GIT_SORT_TOPOLOGICAL.rawValue)
        var start = head.oid
        try GitError.check(git_revwalk_push(walker, &start), "walk from \(head)")
        var out: [CommitInfo] = []
        var oid = git_oid()
        while out.count < limit, git_revwalk_next(&oid, walker) == 0 {
            let info = try commit(ObjectID(oid))
            if path.isEmpty {
                out.append(info)
                continue
            }
            let mine = try entryID(path, at: info.id)
            let parents = info.parents.isEmpty ? [nil] : try info.parents.map { p throws(GitError) in try entryID(path, at: p) }
            // Touched when the entry differs from every parent's (merges that only carry a side's change are skipped).
            if parents.allSatisfy({ $0 != mine }) { out.append(info) }
        }
        return out
    }

    // MARK: - Writing

    /// Changes larger than this are written as one pack file rather than one loose file per object (as git
    /// itself keeps large pushes packed).
    static let packThreshold = 64

    /// Writes a commit on top of `parent` that applies `changes` (path → new bytes, or `nil` to delete),
    /// without moving any reference. Returns the new commit's id.
    ///
    /// Large changes (an import) go through a second handle whose object database writes into memory, then
    /// land as a single pack (`PackFile`): thousands of loose object files would cost more than the rest of the import.
    func commit(changes: [String: [UInt8]?], parent: ObjectID?, author: GitSignature, message: String) throws(GitError) -> ObjectID {
        var written: [ObjectID: [UInt8]] = [:]
        return try commit(changes: changes, parent: parent, author: author, message: message, written: &written)
    }

    /// `commit(changes:…)` that also gives back the bytes of each blob it wrote, by id, so a reader of the new
    /// commit (the indexer) need not read them back from git.
    func commit(changes: [String: [UInt8]?], parent: ObjectID?, author: GitSignature, message: String,
                written: inout [ObjectID: [UInt8]]) throws(GitError) -> ObjectID {
        guard changes.count > Self.packThreshold else {
            return try writeCommit(changes: changes, parent: parent, author: author, message: message, written: &written)
        }
        let batch = try GitRepository.open(at: path)
        try batch.useMemoryPack()
        let commit = try batch.writeCommit(changes: changes, parent: parent, author: author, message: message, written: &written)
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        let objects = try batch.objects(of: commit, missingFrom: odb, blobs: written)
        try Self.writePack(PackFile.build(objects), into: odb)
        return commit
    }

    /// Puts an in-memory object store in front of this handle's object database; every write goes there.
    func useMemoryPack() throws(GitError) {
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try GitError.check(git_mempack_new(&backend), "create memory pack")
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        // The object database owns the backend from here on (freed with this handle).
        try GitError.check(git_odb_add_backend(odb, backend, 999), "add memory pack")
    }

    /// `commit` and every tree and blob it reaches that `target` (another handle's object database) lacks;
    /// a tree `target` has is skipped whole. Blob bytes come from `blobs` where it has them.
    func objects(of commit: ObjectID, missingFrom target: OpaquePointer?,
                         blobs: [ObjectID: [UInt8]]) throws(GitError) -> [PackFile.Object] {
        // Look at the pack folder once, not again on every object it lacks (most of them, in an import).
        try GitError.check(git_odb_refresh(target), "refresh object database")
        func has(_ oid: git_oid) -> Bool {
            var oid = oid
            return git_odb_exists_ext(target, &oid, GIT_ODB_LOOKUP_NO_REFRESH.rawValue) != 0
        }
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        func raw(_ oid: git_oid) throws(GitError) -> [UInt8] {
            var oid = oid
            var object: OpaquePointer?
            try GitError.check(git_odb_read(&object, odb, &oid), "read object \(ObjectID(oid))")
            defer { git_odb_object_free(object) }
            let size = git_odb_object_size(object)
            guard size > 0, let data = git_odb_object_data(object) else { return [] }
            return Array(UnsafeRawBufferPointer(start: data, count: size))
        }
        var objects: [PackFile.Object] = [PackFile.Object(kind: .commit, bytes: try raw(commit.oid))]
        var seen: Set<ObjectID> = []
        func addTree(_ oid: git_oid) throws(GitError) {
            objects.append(PackFile.Object(kind: .tree, bytes: try raw(oid)))
            var oid = oid
            var tree: OpaquePointer?
            try GitError.check(git_tree_lookup(&tree, pointer, &oid), "read tree \(ObjectID(oid))")
            defer { git_tree_free(tree) }
            for i in 0..<git_tree_entrycount(tree) {
                let entry = git_tree_entry_byindex(tree, i)
                let id = git_tree_entry_id(entry)!.pointee
                let objectID = ObjectID(id)
                guard !has(id), seen.insert(objectID).inserted else { continue }
                switch git_tree_entry_type(entry) {
                case GIT_OBJECT_TREE:
                    try addTree(id)
                case GIT_OBJECT_BLOB:
                    let bytes: [UInt8]
                    if let known = blobs[objectID] { bytes = known } else { bytes = try raw(id) }
                    objects.append(PackFile.Object(kind: .blob, bytes: bytes))
                default:
                    continue  // a submodule's commit lives elsewhere
                }
            }
        }
        let root = try self.commit(commit).tree.oid
        if !has(root) { try addTree(root) }
        return objects
    }

    /// Hands a pack to `odb`'s indexer, which checks it, writes it and its index into `objects/pack/`.
    static func writePack(_ pack: [UInt8], into odb: OpaquePointer?) throws(GitError) {
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try GitError.check(git_odb_write_pack(&writer, odb, nil, nil), "start pack")
        defer { writer!.pointee.free(writer) }
        var stats = git_indexer_progress()
        let appended = pack.withUnsafeBytes { writer!.pointee.append(writer, $0.baseAddress, $0.count, &stats) }
        try GitError.check(appended, "write pack")
        try GitError.check(writer!.pointee.commit(writer, &stats), "index pack")
        try GitError.check(git_odb_refresh(odb), "refresh object database")
    }

    private func writeCommit(changes: [String: [UInt8]?], parent: ObjectID?, author: GitSignature, message: String,
                             written: inout [ObjectID: [UInt8]]) throws(GitError) -> ObjectID {
        var index: OpaquePointer?
        try GitError.check(git_index_new(&index), "create in-memory index")
        defer { git_index_free(index) }
        if let parent {
            let tree = try lookupTree(of: parent)
            defer { git_tree_free(tree) }
            try GitError.check(git_index_read_tree(index, tree), "read tree of \(parent)")
        }
        for (path, content) in changes.sorted(by: { $0.key < $1.key }) {
            if let content {
                // The in-memory index has no repository behind it: write the blob first, then add its id.
                var blob = git_oid()
                let created = content.withUnsafeBytes { git_blob_create_from_buffer(&blob, pointer, $0.baseAddress, $0.count) }
                try GitError.check(created, "write \(path)")
                written[ObjectID(blob)] = content
                var entry = git_index_entry()
                entry.mode = UInt32(GIT_FILEMODE_BLOB.rawValue)
                entry.id = blob
                entry.file_size = UInt32(truncatingIfNeeded: content.count)
                let code = path.withCString { cPath -> Int32 in
                    entry.path = cPath
                    return git_index_add(index, &entry)
                }
                try GitError.check(code, "add \(path)")
            } else {
                let code = git_index_remove_bypath(index, path)
                try GitError.check(code, "remove \(path)")
            }
        }
        var treeID = git_oid()
        try GitError.check(git_index_write_tree_to(&treeID, index, pointer), "write tree")
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, pointer, &treeID), "look up new tree")
        defer { git_tree_free(tree) }

        var signature: UnsafeMutablePointer<git_signature>?
        try GitError.check(git_signature_new(&signature, author.name, author.email, author.time, author.offsetMinutes),
                           "signature for \(author.name) <\(author.email)>")
        defer { git_signature_free(signature) }

        var parentCommit: OpaquePointer?
        if let parent {
            var oid = parent.oid
            try GitError.check(git_commit_lookup(&parentCommit, pointer, &oid), "look up parent \(parent)")
        }
        defer { if parentCommit != nil { git_commit_free(parentCommit) } }
        var commitID = git_oid()
        var parents: [OpaquePointer?] = parentCommit.map { [$0] } ?? []
        let code = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitID, pointer, nil, signature, signature, "UTF-8", message, tree, buffer.count, buffer.baseAddress)
        }
        try GitError.check(code, "create commit")
        return ObjectID(commitID)
    }

    /// Moves `reference` to `new` only if it still points at `expected` (`nil`: only if it does not exist yet).
    /// Returns `false` when another writer moved it first; nothing is changed then.
    func updateReference(_ reference: String, to new: ObjectID, expecting expected: ObjectID?, message: String) throws(GitError) -> Bool {
        var newOID = new.oid
        var ref: OpaquePointer?
        let code: Int32
        if var current = expected?.oid {
            code = git_reference_create_matching(&ref, pointer, reference, &newOID, 1, &current, message)
        } else {
            code = git_reference_create(&ref, pointer, reference, &newOID, 0, message)
        }
        if code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue || code == GIT_ELOCKED.rawValue { return false }
        try GitError.check(code, "update \(reference)")
        git_reference_free(ref)
        return true
    }

    // MARK: - Trees

    private func lookupTree(of commit: ObjectID) throws(GitError) -> OpaquePointer? {
        var oid = commit.oid
        var commitPointer: OpaquePointer?
        try GitError.check(git_commit_lookup(&commitPointer, pointer, &oid), "look up commit \(commit)")
        defer { git_commit_free(commitPointer) }
        var tree: OpaquePointer?
        try GitError.check(git_commit_tree(&tree, commitPointer), "read tree of \(commit)")
        return tree
    }

    func withTree<T>(of commit: ObjectID, _ body: (OpaquePointer?) throws(GitError) -> T) throws(GitError) -> T {
        let tree = try lookupTree(of: commit)
        defer { git_tree_free(tree) }
        return try body(tree)
    }
}
