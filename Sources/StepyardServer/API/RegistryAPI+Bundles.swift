import Foundation
import OpenAPIRuntime
import OrderedCollections
import StepyardCore
import StepyardStore

/// The read side of the OCI distribution API under `/v2/`: every version as a Tekton bundle (`TektonBundle`) for
/// Tekton's `bundles` resolver, `skopeo` and any registry client. Repositories are `<namespace>/<kind>/<name>`,
/// readable exactly as the namespace is in the API; tags come from the versions (`BundleTags`). Errors are the
/// spec's JSON (`ErrorMiddleware` writes them for `/v2/`), and writes answer 405 `UNSUPPORTED`.
extension RegistryAPI {
    /// 200 to a caller with a token; 401 with the `Bearer` challenge otherwise, as public registries answer, so that
    /// clients learn where tokens come from before they ask for anything (skopeo sends credentials only to a
    /// registry that challenged it). Anonymous pulls then take the token endpoint's anonymous token.
    func ociBase(_ input: Operations.OciBase.Input) async throws -> Operations.OciBase.Output {
        if principal.isAnonymous {
            throw APIError(.unauthorized, "UNAUTHORIZED", "registry clients authenticate at /v2/token (the organisation's bundles need no credentials there)")
        }
        represent(Array("{}\n".utf8), as: "application/json", negotiated: false)
        return .ok(.init(headers: .init(dockerDistributionAPIVersion: "registry/2.0"), body: .json(.init())))
    }

    /// The token endpoint of the Bearer challenge: clients send the Stepyard token as the Basic password and get it
    /// back to send as a bearer token. Nothing is minted: the token itself is checked on every request. A client
    /// without credentials gets `OCIErrors.anonymousToken`, which reads what anonymous callers may (with anonymous
    /// read off, it was refused before this: 401 with a `Basic` challenge).
    func ociToken(_ input: Operations.OciToken.Input) async throws -> Operations.OciToken.Output {
        let token = principal.isAnonymous ? OCIErrors.anonymousToken : RequestState.current.bearerToken ?? OCIErrors.anonymousToken
        let answer: JSONValue = ["token": .string(token), "access_token": .string(token), "expires_in": 3600]
        represent(answer.serializedBytes() + [0x0A], as: "application/json", negotiated: false)
        return .ok(.init(body: .json(.init(token: "", accessToken: ""))))
    }

    func ociGetManifest(_ input: Operations.OciGetManifest.Input) async throws -> Operations.OciGetManifest.Output {
        let path = input.path
        let repository = try await bundleRepository(path.namespace, path.kind, path.name)
        let reference = path.reference
        let chosen: (TektonBundle.Flavor, TektonBundle.Blob)
        // A tag cannot hold `:`; a digest always does.
        if reference.contains(":") {
            let digest = try Self.bundleDigest(reference)
            guard let bundle = try await bundle(containing: digest, in: repository), let found = bundle.manifest(digest: digest) else {
                throw APIError(.notFound, "MANIFEST_UNKNOWN", "\(repository.name) has no manifest \(digest)")
            }
            chosen = found
            represent(found.1.bytes, as: found.0.manifestType, negotiated: false)
        } else {
            guard BundleTags.isTag(reference) else {
                throw APIError(.notFound, "MANIFEST_UNKNOWN",
                               "\(reference) is neither a tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}) nor a digest (sha256:<64 hex digits>)")
            }
            guard let spelling = BundleTags.version(for: reference, among: repository.tagged),
                  let version = repository.versions.first(where: { $0.version == spelling }) else {
                throw APIError(.notFound, "MANIFEST_UNKNOWN", "\(repository.name) has no tag \(reference); its tags are at /v2/\(repository.name)/tags/list")
            }
            let accepted = input.headers.accept.map { $0.contentType.rawValue.lowercased() }
            let docker = accepted.contains(TektonBundle.Flavor.docker.manifestType) && !accepted.contains(TektonBundle.Flavor.oci.manifestType)
                && !accepted.contains { $0 == "*/*" || $0 == "application/*" }
            let flavor: TektonBundle.Flavor = docker ? .docker : .oci
            let bundle = try await bundle(of: version, in: repository)
            chosen = (flavor, bundle.manifests[flavor]!)
            represent(chosen.1.bytes, as: flavor.manifestType, negotiated: true)
        }
        let headers = Operations.OciGetManifest.Output.Ok.Headers(dockerContentDigest: chosen.1.digest)
        let placeholder = Components.Schemas.OCIManifest(schemaVersion: 2, mediaType: chosen.0.manifestType,
                                                         config: .init(mediaType: "", digest: "", size: 0), layers: [])
        switch chosen.0 {
        case .oci: return .ok(.init(headers: headers, body: .applicationVnd_oci_image_manifest_v1Json(placeholder)))
        case .docker: return .ok(.init(headers: headers, body: .applicationVnd_docker_distribution_manifest_v2Json(placeholder)))
        }
    }

    func ociGetBlob(_ input: Operations.OciGetBlob.Input) async throws -> Operations.OciGetBlob.Output {
        let path = input.path
        let repository = try await bundleRepository(path.namespace, path.kind, path.name)
        let digest = try Self.bundleDigest(path.digest)
        guard let bundle = try await bundle(containing: digest, in: repository), let blob = bundle.blob(digest: digest) else {
            throw APIError(.notFound, "BLOB_UNKNOWN", "\(repository.name) has no blob \(digest)")
        }
        if let range = input.headers.range {
            switch ByteRange.parse(range, length: blob.bytes.count) {
            case .whole:
                break
            case .part(let part):
                let contentRange = "bytes \(part.lowerBound)-\(part.upperBound - 1)/\(blob.bytes.count)"
                return .partialContent(.init(headers: .init(dockerContentDigest: digest, contentRange: contentRange),
                                             body: .binary(HTTPBody(blob.bytes[part]))))
            case .unsatisfiable:
                let error = Components.Schemas.OCIErrors.ErrorsPayloadPayload(code: "UNSUPPORTED",
                                                                              message: "the Range \(range) lies outside the blob's \(blob.bytes.count) bytes")
                return .rangeNotSatisfiable(.init(headers: .init(contentRange: "bytes */\(blob.bytes.count)"), body: .json(.init(errors: [error]))))
            }
        }
        represent(blob.bytes, as: "application/octet-stream", negotiated: false)
        return .ok(.init(headers: .init(dockerContentDigest: digest, acceptRanges: "bytes"), body: .binary(HTTPBody())))
    }

    func ociListTags(_ input: Operations.OciListTags.Input) async throws -> Operations.OciListTags.Output {
        let path = input.path
        let repository = try await bundleRepository(path.namespace, path.kind, path.name)
        var tags = BundleTags.all(repository.tagged)
        if let last = input.query.last { tags = tags.filter { last.utf8.lexicographicallyPrecedes($0.utf8) } }
        var link: String?
        if let n = input.query.n, tags.count > n {
            tags = Array(tags.prefix(n))
            if let final = tags.last {
                link = "</v2/\(repository.name)/tags/list?n=\(n)&last=\(final.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? final)>; rel=\"next\""
            }
        }
        let answer: JSONValue = ["name": .string(repository.name), "tags": .array(tags.map(JSONValue.string))]
        represent(answer.serializedBytes() + [0x0A], as: "application/json", negotiated: false)
        return .ok(.init(headers: .init(link: link), body: .json(.init(name: "", tags: []))))
    }
}

// MARK: - Repositories and their bundles

extension RegistryAPI {
    /// A bundle repository the caller may read, with its versions.
    struct BundleRepository {
        /// `ns/kind/name`
        let name: String
        let namespace: String
        let kind: ResourceKind
        let resource: String
        let versions: [VersionInfo]

        var tagged: [BundleTags.Version] { versions.map { ($0.version, $0.yanked) } }
    }

    /// The repository `namespace/kind/name` if the caller may read it: a namespace it may not read is 401 with the
    /// challenge for a caller without a token (so clients send theirs), else the same `NAME_UNKNOWN` as a missing one.
    func bundleRepository(_ namespace: String, _ kind: String, _ name: String) async throws -> BundleRepository {
        let full = "\(namespace)/\(kind)/\(name)"
        guard let resourceKind = ResourceKind(rawValue: kind) else {
            throw APIError(.notFound, "NAME_UNKNOWN", "\(full) is not a repository here: they are <namespace>/<task|pipeline|stepaction>/<name>")
        }
        for part in [namespace, name] {
            if let problem = ResourceName.problem(with: part) { throw APIError(.badRequest, "NAME_INVALID", "\(full) is not a repository name: \(problem)") }
        }
        guard context.policy.canRead(namespace, principal) else {
            if principal.isAnonymous { throw APIError(.unauthorized, "UNAUTHORIZED", "\(full) needs a token") }
            throw APIError(.notFound, "NAME_UNKNOWN", "repository \(full) not found")
        }
        let generation = context.state.generation
        if let versions = context.bundles.versions(of: full, generation: generation) {
            return BundleRepository(name: full, namespace: namespace, kind: resourceKind, resource: name, versions: versions)
        }
        let ref = ResourceRef(namespace: namespace == organisation ? nil : namespace, kind: resourceKind, name: name, selector: nil)
        let outcome: Result<[VersionInfo], APIError>
        do { outcome = .success(try await call { store throws(StoreError) in try await store.versions(of: ref) }) } catch { outcome = .failure(error) }
        switch outcome {
        case .success(let versions):
            context.bundles.store(versions, of: full, generation: generation)
            return BundleRepository(name: full, namespace: namespace, kind: resourceKind, resource: name, versions: versions)
        case .failure(let error) where error.status == .notFound:
            throw APIError(.notFound, "NAME_UNKNOWN", "repository \(full) not found")
        case .failure(let error):
            throw error
        }
    }

    /// `sha256:<64 lower-case hex digits>`, the only digests this registry has.
    static func bundleDigest(_ text: String) throws(APIError) -> String {
        let hex = text.dropFirst("sha256:".count)
        guard text.hasPrefix("sha256:"), hex.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw APIError(.badRequest, "DIGEST_INVALID", "\(text) is not a digest of this registry: sha256:<64 lower-case hex digits>")
        }
        return text
    }

    /// The bundle of one version: its resolved document first, then, for a Pipeline, the resolved Tasks its lock
    /// names (as many as the contract's 20 layers allow), each as its own namespace serves it.
    func bundle(of version: VersionInfo, in repository: BundleRepository) async throws -> TektonBundle {
        let root = try await resolvedEntry(repository.namespace, repository.kind, repository.resource, version: version.version, json: false)
        let key = BundleCache.key(repository: repository.name, version: version.version, rootDigest: root.representation.etag)
        if let cached = context.bundles.lookup(key) { return cached }
        let document = try Self.document(root.body)
        var entries = [try Self.bundleEntry(document, content: root.body)]
        if repository.kind == .pipeline {
            for used in Self.lockedTasks(document).prefix(TektonBundle.maximumLayers - 1) {
                let namespace = used.namespace ?? organisation
                guard context.policy.canRead(namespace, principal) else { continue }
                let entry = try await resolvedEntry(namespace, .task, used.name, version: used.version, json: false)
                entries.append(try Self.bundleEntry(try Self.document(entry.body), content: entry.body))
            }
        }
        let bundle = TektonBundle(entries: entries, annotations: [
            "org.opencontainers.image.title": repository.resource,
            "org.opencontainers.image.version": version.version,
            "dev.stepyard.reference": "\(repository.name)@\(version.version)",
        ])
        context.bundles.store(bundle, for: key)
        return bundle
    }

    /// The bundle of `repository` holding the manifest or blob `digest`: from the cache, else built for each version
    /// (newest first) until one holds it; `nil` when none does.
    func bundle(containing digest: String, in repository: BundleRepository) async throws -> TektonBundle? {
        if let cached = context.bundles.find(digest: digest, in: repository.name) { return cached }
        for version in repository.versions.reversed() {
            let bundle = try await bundle(of: version, in: repository)
            if bundle.manifest(digest: digest) != nil || bundle.blob(digest: digest) != nil { return bundle }
        }
        return nil
    }

    /// A layer's resource: its apiVersion, kind (lower case) and name, read from the resolved document.
    static func bundleEntry(_ document: JSONValue, content: [UInt8]) throws(APIError) -> TektonBundle.Entry {
        guard let apiVersion = document["apiVersion"]?.stringValue, let kind = document["kind"]?.stringValue,
              let name = document["metadata"]?["name"]?.stringValue else { throw APIError.internalError }
        return TektonBundle.Entry(apiVersion: apiVersion, kind: kind.lowercased(), name: name, content: content)
    }

    /// The Tasks a resolved Pipeline's lock names (`task/go@1.0.0 sha256:…`, or `payments/task/go@1.0.1 …`).
    static func lockedTasks(_ document: JSONValue) -> [(namespace: String?, name: String, version: String)] {
        guard let lock = document["metadata"]?["annotations"]?[Resolver.lockAnnotation]?.stringValue else { return [] }
        return lock.split(separator: "\n").compactMap { line in
            guard let reference = line.split(separator: " ").first else { return nil }
            let at = reference.split(separator: "@", maxSplits: 1)
            guard at.count == 2 else { return nil }
            let parts = at[0].split(separator: "/").map(String.init)
            guard parts.count >= 2, parts[parts.count - 2] == ResourceKind.task.rawValue else { return nil }
            return (parts.count == 3 ? parts[0] : nil, parts[parts.count - 1], String(at[1]))
        }
    }
}

/// A `Range: bytes=…` request header against a blob of `length` bytes: one range (first-last, first-, or -suffix);
/// anything else is answered whole, as RFC 9110 allows.
enum ByteRange: Equatable {
    case whole
    case part(Range<Int>)
    case unsatisfiable

    static func parse(_ header: String, length: Int) -> ByteRange {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes="), !text.contains(",") else { return .whole }
        let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return .whole }
        let first = bounds[0].isEmpty ? nil : Int(bounds[0])
        let last = bounds[1].isEmpty ? nil : Int(bounds[1])
        if !bounds[0].isEmpty && first == nil || !bounds[1].isEmpty && last == nil { return .whole }
        switch (first, last) {
        case let (first?, last):
            if let last, last < first { return .whole }
            guard first < length else { return .unsatisfiable }
            return .part(first..<min(length, (last ?? length - 1) + 1))
        case let (nil, suffix?):
            guard suffix > 0, length > 0 else { return .unsatisfiable }
            return .part(max(0, length - suffix)..<length)
        case (nil, nil):
            return .whole
        }
    }
}
