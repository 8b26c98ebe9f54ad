import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

/// Artifact Hub's package API as Tekton's hub resolver (`type: artifact`, its default) and `tkn hub --type artifact`
/// read it: `available_versions[]` on the package, the YAML in `data.manifestRaw`. Versions are X.Y.Z (a catalog's
/// `0.9` is `0.9.0` here); the repository name is a catalog name, as for Tekton Hub.
extension RegistryAPI {
    func artifactHubPackage(_ input: Operations.ArtifactHubPackage.Input) async throws -> Operations.ArtifactHubPackage.Output {
        let path = input.path
        let entries = try await hubEntries(path.repository, Self.kind(path.packageKind), path.name)
        guard let latest = entries.last(where: { !$0.info.yanked }) else { throw APIError.notFound("package not found") }
        announce(latest.info)
        return .ok(.init(body: .json(try Self.make(try await artifactPackage(latest, all: entries, repository: path.repository)))))
    }

    func artifactHubPackageVersion(_ input: Operations.ArtifactHubPackageVersion.Input) async throws -> Operations.ArtifactHubPackageVersion.Output {
        let path = input.path
        let entries = try await hubEntries(path.repository, Self.kind(path.packageKind), path.name)
        let entry = try hubMatch(path.version, entries)
        return .ok(.init(body: .json(try Self.make(try await artifactPackage(entry, all: entries, repository: path.repository)))))
    }

    static func kind(_ packageKind: Components.Parameters.PackageKind) -> Components.Schemas.Kind {
        switch packageKind {
        case .tektonTask: return .task
        case .tektonPipeline: return .pipeline
        case .tektonStepaction: return .stepaction
        }
    }

    /// Artifact Hub's repository kinds: 7 Tekton tasks, 11 Tekton pipelines, 23 Tekton StepActions.
    static func repositoryKind(_ kind: ResourceKind) -> Int {
        switch kind {
        case .task: return 7
        case .pipeline: return 11
        case .stepAction: return 23
        }
    }

    /// A stable UUID-shaped id derived from a name (Artifact Hub's ids are UUIDs).
    static func uuid(_ text: String) -> String {
        let hex = String(format: "%012llx", HubIdentifiers.id(text)) + String(format: "%012llx", HubIdentifiers.id("2:" + text))
            + String(format: "%08llx", HubIdentifiers.id("3:" + text) & 0xFFFF_FFFF)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    func artifactPackage(_ entry: CatalogEntry, all: [CatalogEntry], repository: String) async throws -> JSONValue {
        let info = entry.info
        let manifest = String(decoding: try await hubFile(entry), as: UTF8.self)
        let readme = try? await store.readme(of: Self.exact(info)).1
        let available: [JSONValue] = all.filter { !$0.info.yanked }.map { other in
            ["version": .string(other.info.semver), "contains_security_updates": false,
             "prerelease": .bool(ResourceVersion(other.info.version).map { !$0.semver.prereleaseIdentifiers.isEmpty } ?? false), "ts": 0]
        }
        var data: JSONValue = ["manifestRaw": .string(manifest)]
        if let minimum = entry.minPipelinesVersion { data = data.setting("pipelines.minVersion", .string(minimum)) }
        if !entry.platforms.isEmpty { data = data.setting("platforms", .array(entry.platforms.map { .string($0) })) }
        let base = RequestState.current.baseURL
        var package: JSONValue = [
            "package_id": .string(Self.uuid("\(info.namespace)/\(info.kind.rawValue)/\(info.name)")),
            "name": .string(info.name), "normalized_name": .string(info.name),
            "display_name": .string(entry.displayName ?? info.name), "description": .string(info.description),
            "keywords": .array(entry.tags.map { .string($0) }),
            "version": .string(info.semver), "deprecated": .bool(info.deprecated),
            "prerelease": .bool(ResourceVersion(info.version).map { !$0.semver.prereleaseIdentifiers.isEmpty } ?? false),
            "digest": .string(info.digest), "ts": 0,
            "content_url": .string(base + "/v1/resource/\(info.namespace)/\(info.kind.rawValue)/\(info.name)/\(info.version)/raw"),
            "available_versions": .array(available), "data": data,
            "repository": ["repository_id": .string(Self.uuid("repository:" + info.namespace)), "kind": .number(JSONNumber(Self.repositoryKind(info.kind))),
                           "name": .string(repository), "display_name": .string(info.namespace), "url": .string(base),
                           "private": .bool(info.namespace != organisation), "verified_publisher": true,
                           "official": .bool(info.namespace == organisation), "organization_name": .string(organisation),
                           "organization_display_name": .string(organisation)],
        ]
        if let readme = readme ?? nil { let text = String(decoding: readme, as: UTF8.self); package = package.setting("readme", .string(text)) }
        return package
    }
}
