import OrderedCollections
import StepyardCore

/// A version as a Tekton bundle (tektoncd/pipeline `docs/tekton-bundle-contracts.md`): an OCI image whose layers
/// each hold one resolved resource, annotated with its apiVersion, lower-case kind and name, so Tekton's `bundles`
/// resolver finds it by kind and name. Every byte is derived from the resources alone (`BundleArchive`), so the
/// digests depend only on what the repository holds.
///
/// Two flavours of one bundle share their blobs: the OCI image manifest, and Docker's schema 2 for clients that
/// accept only that. Each has its own digest.
struct TektonBundle: Sendable {
    /// One resource in the bundle.
    struct Entry: Sendable {
        /// `tekton.dev/v1` (the document's own).
        var apiVersion: String
        /// `task`, `pipeline`, `stepaction`: lower case and singular, as the contract requires.
        var kind: String
        var name: String
        /// The resolved document as served at `…/resolved` (YAML).
        var content: [UInt8]
    }

    enum Flavor: String, Sendable, CaseIterable {
        case oci
        case docker

        var manifestType: String {
            switch self {
            case .oci: return "application/vnd.oci.image.manifest.v1+json"
            case .docker: return "application/vnd.docker.distribution.manifest.v2+json"
            }
        }

        var configType: String {
            switch self {
            case .oci: return "application/vnd.oci.image.config.v1+json"
            case .docker: return "application/vnd.docker.container.image.v1+json"
            }
        }

        var layerType: String {
            switch self {
            case .oci: return "application/vnd.oci.image.layer.v1.tar+gzip"
            case .docker: return "application/vnd.docker.image.rootfs.diff.tar.gzip"
            }
        }
    }

    /// Content-addressed bytes.
    struct Blob: Sendable {
        let digest: String
        let bytes: [UInt8]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            digest = ContentDigest.sha256(bytes)
        }
    }

    /// The most layers a bundle may have (the contract's limit, enforced by Tekton's resolver).
    static let maximumLayers = 20

    let entries: [Entry]
    /// Each entry's gzipped tar, in entry order.
    let layers: [Blob]
    let config: Blob
    let manifests: [Flavor: Blob]

    /// - Parameters:
    ///   - entries: the resources, the one the bundle is named for first; at most `maximumLayers`.
    ///   - annotations: the manifest's own annotations.
    init(entries: [Entry], annotations: OrderedDictionary<String, String>) {
        precondition(!entries.isEmpty && entries.count <= Self.maximumLayers, "a bundle holds 1 to \(Self.maximumLayers) resources")
        self.entries = entries
        let tars = entries.map { BundleArchive.tar(name: "\($0.name).yaml", content: $0.content) }
        layers = tars.map { Blob(BundleArchive.gzip($0)) }
        // The image config: no platform (a bundle runs nowhere), the layers' uncompressed digests.
        let configValue: JSONValue = .object([
            "architecture": "",
            "os": "",
            "config": .object([:]),
            "rootfs": .object(["type": "layers", "diff_ids": .array(tars.map { .string(ContentDigest.sha256($0)) })]),
        ])
        config = Blob(configValue.serializedBytes())
        var manifests: [Flavor: Blob] = [:]
        for flavor in Flavor.allCases {
            let layerDescriptors: [JSONValue] = zip(entries, layers).map { entry, layer in
                .object([
                    "mediaType": .string(flavor.layerType),
                    "digest": .string(layer.digest),
                    "size": .number(JSONNumber(layer.bytes.count)),
                    "annotations": .object([
                        "dev.tekton.image.apiVersion": .string(entry.apiVersion),
                        "dev.tekton.image.kind": .string(entry.kind),
                        "dev.tekton.image.name": .string(entry.name),
                    ]),
                ])
            }
            var manifest: OrderedDictionary<String, JSONValue> = [
                "schemaVersion": 2,
                "mediaType": .string(flavor.manifestType),
                "config": .object(["mediaType": .string(flavor.configType), "digest": .string(config.digest),
                                   "size": .number(JSONNumber(config.bytes.count))]),
                "layers": .array(layerDescriptors),
            ]
            if !annotations.isEmpty { manifest["annotations"] = .object(annotations.mapValues { .string($0) }) }
            manifests[flavor] = Blob(JSONValue.object(manifest).serializedBytes())
        }
        self.manifests = manifests
    }

    /// The manifest whose digest is `digest`, with its flavour.
    func manifest(digest: String) -> (Flavor, Blob)? {
        for flavor in Flavor.allCases {
            if let blob = manifests[flavor], blob.digest == digest { return (flavor, blob) }
        }
        return nil
    }

    /// Every digest it answers for: its manifests, its config and its layers.
    var digests: [String] { manifests.values.map(\.digest) + [config.digest] + layers.map(\.digest) }

    /// A layer or the config, by digest.
    func blob(digest: String) -> Blob? {
        if config.digest == digest { return config }
        return layers.first { $0.digest == digest }
    }
}
