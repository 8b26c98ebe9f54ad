import Foundation
internal import CLibGit2
import StepyardCore

/// A namespace's view: a repository of its own holding that namespace's resources only, in the Tekton catalog layout
/// (`task/<name>/<version>/<name>.yaml`, README and sidecars at the root), so `git clone` and Tekton's git resolver
/// see an ordinary catalog. Its objects live in its own object database, written from the store's: a view never holds
/// an object of another namespace, so no request for an object id can reach one through it.
extension GitRepository {
    /// The kind folders (`task`, `pipeline`, `stepaction`) of `namespace` at `commit`, by name: what its view's root
    /// holds. The organisation's are at the store's root; a department's under `departments/<d>/`.
    func viewEntries(at commit: ObjectID, namespace: String, organisation: String) throws(GitError) -> [(name: String, id: ObjectID)] {
        let prefix = namespace == organisation ? "" : "\(RepositoryLayout.departmentsFolder)/\(namespace)/"
        var entries: [(name: String, id: ObjectID)] = []
        for kind in ResourceKind.allCases.map(\.rawValue).sorted() {
            if let id = try entryID(prefix + kind, at: commit), try isTree(id) { entries.append((kind, id)) }
        }
        return entries
    }

    private func isTree(_ id: ObjectID) throws(GitError) -> Bool {
        var oid = id.oid
        var type = GIT_OBJECT_INVALID
        var size = 0
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        try GitError.check(git_odb_read_header(&size, &type, odb, &oid), "read object \(id)")
        return type == GIT_OBJECT_TREE
    }

    /// Brings `view`'s `refs/heads/main` to `namespace` as of `commit`: a commit there (after the view's own last
    /// commit; with `commit`'s author and message when it changed nothing but this namespace) whose tree is the namespace's kind folders, its objects copied into
    /// the view. Nothing when the view already shows that tree, or when the namespace has nothing yet and the view
    /// no commit. Returns the view's head.
    @discardableResult
    func export(_ commit: ObjectID, namespace: String, organisation: String, into view: GitRepository) throws(GitError) -> ObjectID? {
        let entries = try viewEntries(at: commit, namespace: namespace, organisation: organisation)
        let head = try view.resolve("refs/heads/main")
        // The root tree, written where it costs nothing: a memory pack in front of a second handle on this repository.
        let batch = try GitRepository.open(at: path)
        try batch.useMemoryPack()
        var builder: OpaquePointer?
        try GitError.check(git_treebuilder_new(&builder, batch.pointer, nil), "start a tree")
        defer { git_treebuilder_free(builder) }
        for entry in entries {
            var oid = entry.id.oid
            try GitError.check(git_treebuilder_insert(nil, builder, entry.name, &oid, GIT_FILEMODE_TREE), "add \(entry.name)")
        }
        var rootOID = git_oid()
        try GitError.check(git_treebuilder_write(&rootOID, builder), "write the view's tree")
        let root = ObjectID(rootOID)
        if let head, try view.commit(head).tree == root { return head }
        if head == nil, entries.isEmpty { return nil }

        // The commit's author and message when it changed this namespace alone; a neutral line otherwise (a commit of
        // another department, or several commits since the view was last asked for, must not show through).
        let source = try self.commit(commit)
        let prefix = namespace == organisation ? nil : "\(RepositoryLayout.departmentsFolder)/\(namespace)/"
        let changed = try changedPaths(from: source.parents.first, to: commit)
        let own = !changed.isEmpty && changed.allSatisfy { path in
            if let prefix { return path.hasPrefix(prefix) }
            return !path.hasPrefix(RepositoryLayout.departmentsFolder + "/") && path != RepositoryLayout.settingsFile
        }
        let author = own ? source.author : GitSignature(name: "Stepyard", email: "stepyard@stepyard.invalid", time: source.author.time)
        let message = own ? source.message : "The \(namespace) catalog as published\n"
        var signature: UnsafeMutablePointer<git_signature>?
        try GitError.check(git_signature_new(&signature, author.name, author.email, author.time, author.offsetMinutes),
                           "signature for \(author.name)")
        defer { git_signature_free(signature) }
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, batch.pointer, &rootOID), "look up the view's tree")
        defer { git_tree_free(tree) }
        // The parent lives in the view only: the batch reads the view's objects too (nothing is written there).
        var batchODB: OpaquePointer?
        try GitError.check(git_repository_odb(&batchODB, batch.pointer), "open object database")
        defer { git_odb_free(batchODB) }
        try GitError.check(git_odb_add_disk_alternate(batchODB, view.path + "/objects"), "read the view's objects")
        var parent: OpaquePointer?
        if var parentOID = head?.oid {
            try GitError.check(git_commit_lookup(&parent, batch.pointer, &parentOID), "look up the view's head")
        }
        defer { if parent != nil { git_commit_free(parent) } }
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        var commitOID = git_oid()
        let created = parents.withUnsafeMutableBufferPointer { list in
            git_commit_create(&commitOID, batch.pointer, nil, signature, signature, "UTF-8", message, tree, list.count, list.baseAddress)
        }
        try GitError.check(created, "create the view's commit")
        let viewCommit = ObjectID(commitOID)
        var viewODB: OpaquePointer?
        try GitError.check(git_repository_odb(&viewODB, view.pointer), "open the view's object database")
        defer { git_odb_free(viewODB) }
        let objects = try batch.objects(of: viewCommit, missingFrom: viewODB, blobs: [:])
        try Self.writePack(PackFile.build(objects), into: viewODB)
        guard try view.updateReference("refs/heads/main", to: viewCommit, expecting: head, message: "view of \(commit)") else {
            throw GitError(operation: "update the view of \(namespace)", code: -1, message: "another writer moved it first")
        }
        return viewCommit
    }
}

extension GitRepository {
    /// How a file differs between two trees.
    enum FileChange: Sendable, Hashable { case added, modified, deleted }

    /// Each file that differs between two commits (`old` = `nil`: every file of `new`, added), with how.
    func fileChanges(from old: ObjectID?, to new: ObjectID) throws(GitError) -> [(path: String, change: FileChange)] {
        guard let old else { return try files(at: new).map { ($0.path, .added) } }
        return try withTree(of: old) { oldTree throws(GitError) in
            try withTree(of: new) { newTree throws(GitError) in
                var diff: OpaquePointer?
                try GitError.check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, nil), "diff \(old)..\(new)")
                defer { git_diff_free(diff) }
                var changes: [(path: String, change: FileChange)] = []
                for i in 0..<git_diff_num_deltas(diff) {
                    guard let delta = git_diff_get_delta(diff, i)?.pointee else { continue }
                    switch delta.status {
                    case GIT_DELTA_ADDED:
                        if let p = delta.new_file.path { changes.append((String(cString: p), .added)) }
                    case GIT_DELTA_DELETED:
                        if let p = delta.old_file.path { changes.append((String(cString: p), .deleted)) }
                    default:
                        if let p = delta.new_file.path ?? delta.old_file.path { changes.append((String(cString: p), .modified)) }
                    }
                }
                return changes
            }
        }
    }

    /// Lets this handle read the objects in `folder` too (a push's quarantine, before git moves them in).
    func readObjects(in folder: String) throws(GitError) {
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        try GitError.check(git_odb_add_disk_alternate(odb, folder), "read the objects in \(folder)")
    }
}

extension GitRepository {
    /// Fetches `branch` of the repository at `url` (http, https or file) into this one's `refs/heads/<branch>`
    /// through libgit2, and returns the commit it points at. Blocking: call it off the event loops and the store.
    func fetch(_ url: String, branch: String, headers: [String] = []) throws(GitError) -> ObjectID {
        var remote: OpaquePointer?
        try GitError.check(git_remote_create_anonymous(&remote, pointer, url), "open the remote \(url)")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try GitError.check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "fetch options")
        let refspec = "+refs/heads/\(branch):refs/heads/\(branch)"
        // C strings for the refspec and the extra header lines, alive for the call.
        let owned = ([refspec] + headers).map { strdup($0) }
        defer { owned.forEach { free($0) } }
        var refspecs: [UnsafeMutablePointer<CChar>?] = [owned[0]]
        var headerLines: [UnsafeMutablePointer<CChar>?] = Array(owned.dropFirst())
        let code = refspecs.withUnsafeMutableBufferPointer { specs -> Int32 in
            headerLines.withUnsafeMutableBufferPointer { lines -> Int32 in
                var array = git_strarray(strings: specs.baseAddress, count: 1)
                options.custom_headers = git_strarray(strings: lines.baseAddress, count: lines.count)
                return git_remote_fetch(remote, &array, &options, "stepyard fetch")
            }
        }
        try GitError.check(code, "fetch \(branch) from \(url)")
        guard let head = try resolve("refs/heads/\(branch)") else {
            throw GitError(operation: "fetch \(branch) from \(url)", code: -3, message: "the remote has no branch \(branch)")
        }
        return head
    }
}
