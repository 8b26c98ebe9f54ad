import Foundation
import GRDB
import StepyardCore

/// Each version's effective images: what its resolved form runs — its own steps and sidecars, the images of the
/// StepActions and Tasks it uses (as the store selects them now), and images chosen by params with the defaults
/// that reach them (a fork's changed `go-version` default, a Pipeline's binding). A CVE response asks "which
/// templates run image X", and this is the answer the `image` table gives.
///
/// A version without references runs exactly its own images (written with its row). One with references depends on
/// which versions its requirements select, so its rows are recomputed whenever a resource it uses, directly or
/// through another, gains, loses or changes a version (a publish, a yank, a commit that arrived by git).
extension Indexer {
    /// Recomputes the image rows of the versions written in this catch-up that have references (`written`, by id)
    /// and of every version that uses, directly or transitively, a resource in `changed`.
    func refreshImages(written: [Int64], changed: Set<ResourceKey>, at head: ObjectID, _ db: Database) throws {
        var affected = Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT versionId FROM dependency WHERE versionId IN (\(written.map(String.init).joined(separator: ",")))"))
        var seen = changed
        var frontier = Array(changed)
        let dependents = try db.cachedStatement(sql: """
            SELECT DISTINCT v.id, v.kind, v.name FROM dependency d JOIN version v ON v.id = d.versionId WHERE d.kind = ? AND d.name = ?
            """)
        while let resource = frontier.popLast() {
            for row in try Row.fetchAll(dependents, arguments: [resource.kind.rawValue, resource.name]) {
                affected.insert(row[0])
                guard let kind = ResourceKind(rawValue: row[1]) else { continue }
                let user = ResourceKey(kind: kind, name: row[2])
                if seen.insert(user).inserted { frontier.append(user) }
            }
        }
        try recomputeImages(of: affected.sorted(), at: head, db)
    }

    /// Recomputes the image rows of every version that has references (a rebuild).
    func refreshAllImages(at head: ObjectID, _ db: Database) throws {
        try recomputeImages(of: try Int64.fetchAll(db, sql: "SELECT DISTINCT versionId FROM dependency ORDER BY versionId"), at: head, db)
    }

    /// Resolves each version as the store would serve it and writes the images of the result (and what search finds
    /// it by: the steps and images it runs once resolved). A version that does
    /// not resolve (a reference nothing satisfies) keeps the images of its own document.
    private func recomputeImages(of ids: [Int64], at head: ObjectID, _ db: Database) throws {
        guard !ids.isEmpty else { return }
        let source = SnapshotSource(git: git, db: db, organisation: organisation, head: head, cache: DocumentCache(capacity: 1024))
        let row = try db.cachedStatement(sql: "SELECT namespace, kind, name, version FROM version WHERE id = ?")
        let delete = try db.cachedStatement(sql: "DELETE FROM image WHERE versionId = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO image(versionId, image) VALUES (?, ?)")
        let searched = try db.cachedStatement(sql: "UPDATE search SET steps = ? WHERE rowid = ?")
        for id in ids {
            guard let key = try Row.fetchOne(row, arguments: [id]), let kind = ResourceKind(rawValue: key[1]),
                  let version = ResourceVersion(key[3] as String) else { continue }
            let namespace: String = key[0]
            let context = namespace == organisation ? nil : namespace
            guard let root = try source.version(of: kind, name: key[2], selector: .requirement(.exact(version)), in: context) else { continue }
            let resolved = (try? Resolver(source: source, namespace: context).resolve(root)).flatMap { TektonResource(document: $0.document) }
            let facts = ResourceFacts(resolved ?? root.resource)
            try delete.execute(arguments: [id])
            for image in facts.images { try insert.execute(arguments: [id, image]) }
            try searched.execute(arguments: [Self.searchedSteps(facts), id])
        }
    }
}

/// A resource by kind and name, in any namespace (what a reference names: a department's `git-clone` and the
/// organisation's are both candidates).
struct ResourceKey: Hashable, Sendable {
    var kind: ResourceKind
    var name: String
}
