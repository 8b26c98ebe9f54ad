import Foundation
import OrderedCollections
import StepyardCore

extension Store {
    /// Marks one version deprecated, with a message users see; still selectable by ranges.
    public func deprecate(_ ref: ResourceRef, message: String, author: Author) throws(StoreError) -> String? {
        let now = Self.timestamp(Date())
        return try changeLifecycle(ref, author: author, verb: "Deprecate", detail: message) { lifecycle in
            // A new message keeps the date the version was first deprecated.
            if !lifecycle.deprecated || lifecycle.deprecatedAt == nil { lifecycle.deprecatedAt = now }
            lifecycle.deprecated = true
            lifecycle.deprecationMessage = message
        }
    }

    /// Yanks one version: ranges never select it again; its exact version and digest still fetch it.
    public func yank(_ ref: ResourceRef, author: Author) throws(StoreError) -> String? {
        try changeLifecycle(ref, author: author, verb: "Yank", detail: nil) { $0.yanked = true }
    }

    /// RFC 3339 in UTC, to the second: `2026-12-04T19:55:02Z`.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Un-yanks one version (ranges select it again), recorded in its history like the yank was.
    public func unyank(_ ref: ResourceRef, author: Author) throws(StoreError) -> String? {
        try changeLifecycle(ref, author: author, verb: "Un-yank", detail: nil) { $0.yanked = false }
    }

    private func changeLifecycle(_ ref: ResourceRef, author: Author, verb: String, detail: String?,
                                 _ change: (inout Lifecycle) -> Void) throws(StoreError) -> String? {
        // An exact version, or a two-part one as Tekton catalogs spell versions (`0.9`), naming a version so spelled.
        var spelling: String?
        switch ref.selector {
        case .requirement(.exact(let version))?: spelling = version.spelling
        case .requirement(.partial(let text, _))?: spelling = text
        default: spelling = nil
        }
        let info = try select(ref)
        guard let spelling, ResourceVersion(spelling).map({ ResourceVersion(info.version)?.isSameVersion(as: $0) ?? false }) ?? false else {
            throw .refused("\(verb.lowercased()) needs an exact version: \(ref.kind.rawValue)/\(ref.name)@VERSION")
        }
        let folder = String(info.path.split(separator: "/").dropLast().joined(separator: "/"))
        let path = folder + "/" + RepositoryLayout.lifecycleFile
        let message = "\(verb) \(info.kind.rawValue)/\(info.name)@\(info.version)" + (info.namespace == organisation ? "" : " in department \(info.namespace)")
            + (detail.map { ": " + $0 } ?? "")
        let commit = try write(author: author, message: message) { head throws(StoreError) in
            guard let head else { throw .notFound(ref.description) }
            var lifecycle = try self.file(path, at: head).map { Lifecycle(bytes: $0) } ?? Lifecycle()
            let before = lifecycle
            change(&lifecycle)
            return lifecycle == before ? nil : [path: lifecycle.bytes]
        }
        return commit?.description
    }

    /// Creates a department: a namespace of its own under `departments/<name>/`.
    public func createDepartment(_ name: String, author: Author) throws(StoreError) -> String {
        if let problem = ResourceName.problem(with: name) { throw .invalidName(problem) }
        guard name != RepositoryLayout.departmentsFolder else { throw .invalidName("\"\(name)\" is reserved (the repository's folder of departments)") }
        guard name != Self.wholeRepositoryName else { throw .invalidName("\"\(name)\" is reserved: /git/\(name).git serves the whole repository; choose another") }
        guard !HubCatalogNames.meansOrganisation(name, organisation: organisation) else {
            throw .invalidName("\"\(name)\" is reserved: the Tekton Hub paths give that name to the organisation namespace (\(organisation)); choose another")
        }
        let record: JSONValue = .object(["name": .string(name)])
        let commit = try write(author: author, message: "Create department \(name)") { head throws(StoreError) in
            if let head, try self.file(RepositoryLayout.departmentRecord(name), at: head) != nil {
                throw .departmentExists(name)
            }
            return [RepositoryLayout.departmentRecord(name): Array((record.serialized(pretty: true) + "\n").utf8)]
        }
        return commit?.description ?? ""
    }
}
