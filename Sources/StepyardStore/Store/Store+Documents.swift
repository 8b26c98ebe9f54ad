import Foundation
import GRDB
import StepyardCore

extension Store {
    /// The one loader of "the parsed document of a version": the index's stored JSON form of it (git's YAML only
    /// when the row has none), kept by digest in the document cache, so no reader walks git trees and parses YAML.
    func document(of info: VersionInfo) throws(StoreError) -> JSONValue {
        if let cached = documents[info.digest] { return cached.document }
        let json = try read { db in
            try String.fetchOne(db, sql: """
                SELECT d.json FROM document d JOIN version v ON v.id = d.versionId
                WHERE v.namespace = ? AND v.kind = ? AND v.name = ? AND v.version = ?
                """, arguments: [info.namespace, info.kind.rawValue, info.name, info.version])
        }
        var value: JSONValue?
        if let json { value = try? JSONValue(parsingJSON: json) }
        if value == nil, let head = try head(), let bytes = try file(info.path, at: head) {
            value = try? YAMLLoader(recordsLines: false).load(bytes).first?.value
        }
        guard let value else { throw .notFound(info.ref) }
        if let resource = TektonResource(document: value) { documents[info.digest] = resource }
        return value
    }

    /// The parsed resource of a version (`document(of:)` as a Task, StepAction or Pipeline).
    func resource(of info: VersionInfo) throws(StoreError) -> TektonResource {
        guard let resource = TektonResource(document: try document(of: info)) else { throw .notFound(info.ref) }
        return resource
    }

    /// `sha256:<hex>` of each version's file exactly as published (the bytes `GET …/{version}` serves as YAML), in
    /// the order given: the pin Tekton's http resolver takes as its `digest`. A version whose file is gone has none.
    public func publishedFileDigests(of versions: [VersionInfo]) throws(StoreError) -> [String?] {
        guard let head = try head() else { return versions.map { _ in nil } }
        var out: [String?] = []
        out.reserveCapacity(versions.count)
        for info in versions { out.append(try file(info.path, at: head).map(ContentDigest.sha256)) }
        return out
    }

    /// The README of the version a reference selects, or `nil` when it has none.
    public func readme(of ref: ResourceRef) throws(StoreError) -> (VersionInfo, [UInt8]?) {
        let info = try select(ref)
        guard let head = try head() else { throw .notFound(ref.description) }
        let folder = String(info.path.split(separator: "/").dropLast().joined(separator: "/"))
        return (info, try file(folder + "/" + RepositoryLayout.readmeFile, at: head))
    }

    /// The upstream each version of a department resource was forked or upgraded from, by version spelling.
    public func upstreams(of ref: ResourceRef) throws(StoreError) -> [String: ForkUpstream] {
        let namespace = try namespace(of: ref)
        guard namespace != organisation else { return [:] }
        var result: [String: ForkUpstream] = [:]
        for (version, upstream) in try forkRecords(namespace: namespace, kind: ref.kind, name: ref.name) {
            result[version.spelling] = upstream
        }
        return result
    }

    /// The commit `refs/heads/main` points at (`nil` in an empty repository).
    public func headCommit() throws(StoreError) -> String? {
        try head()?.description
    }
}
