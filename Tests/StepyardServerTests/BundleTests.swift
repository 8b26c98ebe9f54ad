import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardServer

/// The OCI distribution API (`/v2/`): every version as a Tekton bundle. Pulled here with the test client (every
/// digest checked against the bytes), with `skopeo` (Debian's OCI client) and compared with `…/resolved`; what
/// Tekton's own bundle resolver does with the same answers was checked by hand (see the README's Bundles section).
@Suite struct BundleTests {
    static let oci = "application/vnd.oci.image.manifest.v1+json"
    static let docker = "application/vnd.docker.distribution.manifest.v2+json"

    // MARK: - The bytes of a bundle

    /// A layer is a tar with one regular file, owned by 0:0, mode 0644, time 0, gzipped; tar itself reads it back.
    @Test func aLayerIsAStandardGzippedTar() async throws {
        let content = Array("apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: x\n".utf8) + [UInt8](repeating: 0x61, count: 700)
        let layer = BundleArchive.gzip(BundleArchive.tar(name: "x.yaml", content: content))
        #expect(layer == BundleArchive.gzip(BundleArchive.tar(name: "x.yaml", content: content)))
        #expect(Array(layer.prefix(10)) == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0x03])  // no name, time 0, best compression, Unix
        let work = try TemporaryDirectory()
        let file = work.url.appendingPathComponent("layer.tar.gz")
        try Data(layer).write(to: file)
        let listing = try await run("tar", ["--numeric-owner", "-tvzf", file.path])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.split(whereSeparator: \.isWhitespace).map(String.init) == ["-rw-r--r--", "0/0", "\(content.count)", "1970-01-01", "00:00", "x.yaml"])
        let extracted = try await run("tar", ["-xzOf", file.path])
        #expect(Array(extracted.stdout.utf8) == content)
    }

    @Test(arguments: [
        // tag, the version it selects among 0.9, 1.0.0, 1.1.0, 1.2.0-rc.1, 1.3.0+build.7, 2.0.0 (yanked)
        ("1.0.0", "1.0.0"), ("1.3.0_build.7", "1.3.0+build.7"), ("2.0.0", "2.0.0"), ("1.2.0-rc.1", "1.2.0-rc.1"),
        ("1", "1.3.0+build.7"), ("1.1", "1.1.0"), ("0.9", "0.9"), ("0", "0.9"), ("latest", "1.3.0+build.7"),
        ("2", nil), ("1.2", nil), ("3", nil), ("1.3.0+build.7", nil), ("*", nil), ("^1", nil), ("", nil),
    ] as [(String, String?)])
    func aTagSelectsAVersion(_ tag: String, _ expected: String?) {
        #expect(BundleTags.version(for: tag, among: Self.versions) == expected)
    }

    @Test func tagsListEveryVersionAndTheFloatingOnes() {
        #expect(BundleTags.all(Self.versions) == ["0", "0.9", "1", "1.0", "1.0.0", "1.1", "1.1.0", "1.2.0-rc.1", "1.3", "1.3.0_build.7", "2.0.0", "latest"])
        #expect(["1.0.0", "v1", "a_b-c.d", String(repeating: "a", count: 128)].allSatisfy(BundleTags.isTag))
        #expect(!["", ".1", "-1", "1+2", "^1", "a/b", String(repeating: "a", count: 129)].contains(where: BundleTags.isTag))
    }

    static let versions: [BundleTags.Version] = [("0.9", false), ("1.0.0", false), ("1.1.0", false), ("1.2.0-rc.1", false),
                                                 ("1.3.0+build.7", false), ("2.0.0", true)]

    @Test(arguments: [
        ("bytes=0-9", ByteRange.part(0..<10)), ("bytes=10-", .part(10..<100)), ("bytes=-5", .part(95..<100)), ("bytes=90-200", .part(90..<100)),
        ("bytes=100-", .unsatisfiable), ("bytes=-0", .unsatisfiable), ("bytes=5-2", .whole), ("bytes=0-1,4-5", .whole), ("items=0-1", .whole),
        ("bytes=x-1", .whole),
    ])
    func aRangeHeader(_ header: String, _ expected: ByteRange) {
        #expect(ByteRange.parse(header, length: 100) == expected)
    }

    // MARK: - Pulling

    /// By tag, the OCI manifest (Docker's when only that is accepted); by digest the same bytes; every blob's
    /// digest is the SHA-256 of what is sent; the layer holds exactly what `…/resolved` serves.
    @Test func pullByTagAndByDigest() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let repository = "/v2/tekton/task/go"
            let manifest = try await client.raw(.get, repository + "/manifests/1.0.0", headers: ["Accept": Self.oci + ", " + Self.docker])
            #expect(manifest.status == .ok)
            #expect(manifest.headers[.contentType] == Self.oci)
            let digest = try #require(manifest.headers[HTTPField.Name("Docker-Content-Digest")!])
            #expect(digest == ContentDigest.sha256(manifest.body))
            let document = try JSONValue(parsingJSON: String(decoding: manifest.body, as: UTF8.self))
            #expect(document["mediaType"]?.stringValue == Self.oci)
            let layers = try #require(document["layers"]?.arrayValue)
            #expect(layers.count == 1)
            #expect(layers[0]["annotations"] == ["dev.tekton.image.apiVersion": "tekton.dev/v1", "dev.tekton.image.kind": "task",
                                                 "dev.tekton.image.name": "go"])
            for descriptor in [document["config"]!] + layers {
                let blobDigest = try #require(descriptor["digest"]?.stringValue)
                let blob = try await client.raw(.get, repository + "/blobs/" + blobDigest)
                #expect(blob.status == .ok)
                #expect(ContentDigest.sha256(blob.body) == blobDigest)
                #expect(descriptor["size"] == .number(JSONNumber(blob.body.count)))
                #expect(blob.headers[HTTPField.Name("Docker-Content-Digest")!] == blobDigest)
            }
            let layer = try await client.raw(.get, repository + "/blobs/" + layers[0]["digest"]!.stringValue!)
            let resolved = try await client.raw(.get, "/api/v1/resources/tekton/task/go/1.0.0/resolved")
            #expect(try await Self.untar(layer.body) == resolved.body)

            // The same bytes by digest, and by every tag that selects 1.0.0.
            for reference in [digest, "1", "1.0", "latest"] {
                let again = try await client.raw(.get, repository + "/manifests/" + reference)
                #expect(again.body == manifest.body && again.headers[.contentType] == Self.oci, "\(reference)")
            }
            // A HEAD has the headers and no body.
            let head = try await client.raw(.head, repository + "/manifests/1.0.0")
            #expect(head.status == .ok && head.body.isEmpty && head.headers[HTTPField.Name("Docker-Content-Digest")!] == digest)
            #expect(head.headers[.contentLength] == String(manifest.body.count))

            // Docker's schema 2 for a client that accepts only that: same blobs, its own digest, addressable too.
            let schema2 = try await client.raw(.get, repository + "/manifests/1.0.0", headers: ["Accept": Self.docker])
            #expect(schema2.headers[.contentType] == Self.docker)
            let schema2Digest = ContentDigest.sha256(schema2.body)
            #expect(schema2.headers[HTTPField.Name("Docker-Content-Digest")!] == schema2Digest && schema2Digest != digest)
            let dockerDocument = try JSONValue(parsingJSON: String(decoding: schema2.body, as: UTF8.self))
            #expect(dockerDocument["layers"]?[0]?["digest"] == layers[0]["digest"])
            #expect(dockerDocument["layers"]?[0]?["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip")
            let byDockerDigest = try await client.raw(.get, repository + "/manifests/" + schema2Digest)
            #expect(byDockerDigest.body == schema2.body && byDockerDigest.headers[.contentType] == Self.docker)

            // A range of a blob.
            let part = try await client.raw(.get, repository + "/blobs/" + layers[0]["digest"]!.stringValue!, headers: ["Range": "bytes=0-9"])
            #expect(part.status == .partialContent && part.body == Array(layer.body.prefix(10)))
            #expect(part.headers[.contentRange] == "bytes 0-9/\(layer.body.count)")
            let outside = try await client.raw(.get, repository + "/blobs/" + layers[0]["digest"]!.stringValue!, headers: ["Range": "bytes=999999-"])
            #expect(outside.status == .rangeNotSatisfiable && outside.headers[.contentRange] == "bytes */\(layer.body.count)")
        }
    }

    /// A Pipeline's bundle holds the resolved Pipeline first, then each Task its lock names, resolved on its own.
    @Test func aPipelineBundleCarriesItsTasks() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let manifest = try await client.raw(.get, "/v2/tekton/pipeline/go-pipeline/manifests/latest")
            let document = try JSONValue(parsingJSON: String(decoding: manifest.body, as: UTF8.self))
            let layers = try #require(document["layers"]?.arrayValue)
            let resolved = try await client.raw(.get, "/api/v1/resources/tekton/pipeline/go-pipeline/1.0.0/resolved")
            let lock = try #require(try Self.yaml(resolved.body)["metadata"]?["annotations"]?["stepyard.dev/lock"]?.stringValue)
            let tasks = lock.split(separator: "\n").compactMap { line -> String? in
                let reference = line.split(separator: " ")[0]
                return reference.hasPrefix("task/") ? String(reference.dropFirst("task/".count).split(separator: "@")[0]) : nil
            }
            #expect(!tasks.isEmpty)
            #expect(layers.map { $0["annotations"]!["dev.tekton.image.kind"]!.stringValue! } == ["pipeline"] + tasks.map { _ in "task" })
            #expect(layers.map { $0["annotations"]!["dev.tekton.image.name"]!.stringValue! } == ["go-pipeline"] + tasks)
            let first = try await client.raw(.get, "/v2/tekton/pipeline/go-pipeline/blobs/" + layers[0]["digest"]!.stringValue!)
            #expect(try await Self.untar(first.body) == resolved.body)
            for (layer, task) in zip(layers.dropFirst(), tasks) {
                let blob = try await client.raw(.get, "/v2/tekton/pipeline/go-pipeline/blobs/" + layer["digest"]!.stringValue!)
                let version = lock.split(separator: "\n").first { $0.hasPrefix("task/\(task)@") }!.split(separator: " ")[0].split(separator: "@")[1]
                let alone = try await client.raw(.get, "/api/v1/resources/tekton/task/\(task)/\(version)/resolved")
                #expect(try await Self.untar(blob.body) == alone.body, "\(task)")
            }
        }
    }

    /// The floating tags follow publishes and yanks; an exact tag stays; tags are paged in lexical order.
    @Test func floatingTagsFollowTheNonYankedVersions() async throws {
        let fixture = try await ServerFixture.empty()
        for version in ["1.0.0", "1.1.0", "2.0.0"] {
            _ = try await fixture.store.publish(PublishRequest(document: Array(taskYAML("tool", version).utf8), sourcePath: "tool.yaml"),
                                                author: ServerFixture.author)
        }
        try await fixture.application().test(.router) { client in
            func tags(_ query: String = "") async throws -> (tags: [String], link: String?) {
                let answer = try await client.call(.get, "/v2/tekton/task/tool/tags/list" + query)
                #expect(answer.json["name"] == "tekton/task/tool")
                return (answer.json["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [], answer.headers[HTTPField.Name("Link")!])
            }
            func selected(_ tag: String) async throws -> String? {
                let answer = try await client.raw(.get, "/v2/tekton/task/tool/manifests/" + tag)
                guard answer.status == .ok else { return nil }
                return try JSONValue(parsingJSON: String(decoding: answer.body, as: UTF8.self))["annotations"]?["org.opencontainers.image.version"]?.stringValue
            }
            #expect(try await tags().tags == ["1", "1.0", "1.0.0", "1.1", "1.1.0", "2", "2.0", "2.0.0", "latest"])
            #expect(try await selected("latest") == "2.0.0")
            #expect(try await selected("1") == "1.1.0")
            let page = try await tags("?n=4")
            #expect(page.tags == ["1", "1.0", "1.0.0", "1.1"])
            #expect(page.link == "</v2/tekton/task/tool/tags/list?n=4&last=1%2E1>; rel=\"next\"")
            #expect(try await tags("?n=4&last=1.1").tags == ["1.1.0", "2", "2.0", "2.0.0"])
            let end = try await tags("?n=4&last=2.0.0")
            #expect(end.tags == ["latest"] && end.link == nil)

            #expect(try await client.call(.post, "/api/v1/resources/tekton/task/tool/2.0.0/yank", token: fixture.admin).status == .ok)
            #expect(try await tags().tags == ["1", "1.0", "1.0.0", "1.1", "1.1.0", "2.0.0", "latest"])
            #expect(try await selected("latest") == "1.1.0")
            #expect(try await selected("2") == nil)
            #expect(try await selected("2.0.0") == "2.0.0")  // a yanked version stays pullable exactly
        }
    }

    /// The same manifest digest after a restart and from a second store built from a clone of the repository.
    @Test func digestsAreTheSameOnEveryServer() async throws {
        let fixture = try await ServerFixture.bundled()
        func digests(_ application: some ApplicationProtocol) async throws -> [String] {
            try await application.test(.router) { client in
                var found: [String] = []
                for path in ["task/go/manifests/1.0.0", "pipeline/go-pipeline/manifests/latest", "stepaction/git-clone/manifests/latest"] {
                    let answer = try await client.raw(.get, "/v2/tekton/" + path)
                    #expect(answer.status == .ok, "\(path)")
                    found.append(ContentDigest.sha256(answer.body))
                }
                return found
            }
        }
        let first = try await digests(try await fixture.application())
        let restarted = try await digests(try await fixture.application())
        let work = try TemporaryDirectory()
        let second = work.url.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        let clone = try await git(["clone", "-q", "--bare", fixture.storeURL.appendingPathComponent("repo.git").path, second.appendingPathComponent("repo.git").path])
        #expect(clone.status == 0, "\(clone.stderr)")
        let other = try Store.open(at: second)
        var logger = Logger(label: "stepyard-test")
        logger.logLevel = .error
        var configuration = ServerConfiguration()
        configuration.port = 0
        let elsewhere = try await digests(try await buildApplication(store: other, tokens: try AccessTokens.open(storeDirectory: second),
                                                                     configuration: configuration, logger: logger))
        #expect(first == restarted && first == elsewhere)
    }

    // MARK: - Tekton's bundles resolver

    static let tektonOutputs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tekton-bundles/bundle-resolver.json")

    /// What Tekton's own `bundle.GetEntry` returned for these bundles (recorded by hand, see the fixture's `source`),
    /// replayed as the resolver does it: the manifest by tag or digest, its digest (the RefSource's), the first layer
    /// whose lower-cased kind and name match, its annotations and bytes; or the same failure.
    @Test func tektonsBundleResolverGetsWhatItGotThen() async throws {
        let recorded = try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: Self.tektonOutputs), as: UTF8.self))
        let cases = try #require(recorded["cases"]?.arrayValue)
        #expect(cases.count == 7)
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            for expected in cases {
                let bundle = expected["bundle"]!.stringValue!, kind = expected["kind"]!.stringValue!, name = expected["name"]!.stringValue!
                let (repository, reference) = bundle.contains("@")
                    ? (String(bundle.split(separator: "@")[0]), String(bundle.split(separator: "@")[1]))
                    : (String(bundle.split(separator: ":")[0]), String(bundle.split(separator: ":")[1]))
                // go-containerregistry's Accept: OCI and Docker manifests and indexes.
                let manifest = try await client.raw(.get, "/v2/\(repository)/manifests/\(reference)", headers: [
                    "Accept": "application/vnd.docker.distribution.manifest.v2+json,application/vnd.docker.distribution.manifest.list.v2+json,"
                        + "application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json"])
                if let error = expected["error"]?.stringValue {
                    if error.contains("MANIFEST_UNKNOWN") {
                        #expect(manifest.status == .notFound, "\(bundle)")
                        let body = try JSONValue(parsingJSON: String(decoding: manifest.body, as: UTF8.self))
                        let message = body["errors"]![0]!["message"]!.stringValue!
                        #expect(error.hasSuffix("MANIFEST_UNKNOWN: " + message), "\(bundle)")
                    } else {
                        let document = try JSONValue(parsingJSON: String(decoding: manifest.body, as: UTF8.self))
                        let kinds = document["layers"]!.arrayValue!.map { ($0["annotations"]!["dev.tekton.image.kind"]!.stringValue!,
                                                                            $0["annotations"]!["dev.tekton.image.name"]!.stringValue!) }
                        #expect(!kinds.contains { $0 == kind.lowercased() && $1 == name }, "\(bundle)")
                        #expect(error == "could not find object in image with kind: \(kind) and name: \(name)")
                    }
                    continue
                }
                #expect(manifest.status == .ok, "\(bundle)")
                #expect("sha256:" + expected["refSource"]!["digest"]!["sha256"]!.stringValue! == ContentDigest.sha256(manifest.body), "\(bundle)")
                #expect(expected["refSource"]!["uri"]!.stringValue! == "HOST/" + repository)
                let document = try JSONValue(parsingJSON: String(decoding: manifest.body, as: UTF8.self))
                let layer = try #require(document["layers"]!.arrayValue!.first {
                    $0["annotations"]!["dev.tekton.image.kind"]!.stringValue! == kind.lowercased() && $0["annotations"]!["dev.tekton.image.name"]!.stringValue! == name
                })
                let annotations = layer["annotations"]!.objectValue!
                #expect(expected["annotations"] == .object(.init(uniqueKeysWithValues: annotations.map { ("resolution.tekton.dev/" + $0.key, $0.value) }
                    .sorted { $0.0 < $1.0 })), "\(bundle)")
                let blob = try await client.raw(.get, "/v2/\(repository)/blobs/" + layer["digest"]!.stringValue!)
                #expect(ContentDigest.sha256(try await Self.untar(blob.body)) == expected["dataSha256"]!.stringValue!, "\(bundle)")
            }
        }
    }

    // MARK: - Access

    /// A department's bundles: challenged for a caller without a token, the 404 of a missing repository for another
    /// department, served to its members; a token goes as Basic auth, or through the token endpoint as a bearer.
    @Test func aDepartmentsBundlesArePrivate() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        try await fixture.application().test(.router) { client in
            let path = "/v2/payments/task/go/manifests/1.0.0"
            let anonymous = try await client.call(.get, path)
            #expect(anonymous.status == .unauthorized && anonymous.json["errors"]?[0]?["code"] == "UNAUTHORIZED")
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer realm=\"http://127.0.0.1:0/v2/token\",service=\"stepyard\",scope=\"repository:payments/task/go:pull\"")
            let other = try await client.call(.get, path, token: fixture.logistics)
            let missing = try await client.call(.get, "/v2/payments/task/nothing/manifests/1.0.0", token: fixture.logistics)
            #expect(other.status == .notFound && missing.status == .notFound)
            #expect(other.text.replacingOccurrences(of: "task/go", with: "task/nothing") == missing.text)
            #expect(other.json["errors"]?[0]?["code"] == "NAME_UNKNOWN")
            let member = try await client.call(.get, path, token: fixture.payments)
            #expect(member.status == .ok)
            let basic = "Basic " + Data("pam:\(fixture.payments)".utf8).base64EncodedString()
            #expect(try await client.call(.get, path, headers: ["Authorization": basic]).status == .ok)
            // The department's blobs are not the organisation's.
            let layer = try #require(member.json["layers"]?[0]?["digest"]?.stringValue)
            let org = try await client.call(.get, "/v2/tekton/task/go/manifests/1.0.0")
            #expect(org.json["layers"]?[0]?["digest"]?.stringValue != layer)
            let leak = try await client.call(.get, "/v2/tekton/task/go/blobs/" + layer, token: fixture.logistics)
            #expect(leak.status == .notFound && leak.json["errors"]?[0]?["code"] == "BLOB_UNKNOWN")

            // The Bearer flow: /v2/ challenges; the token endpoint hands back the Basic password, or the anonymous token.
            let ping = try await client.call(.get, "/v2/")
            #expect(ping.status == .unauthorized && ping.headers[.wwwAuthenticate] == "Bearer realm=\"http://127.0.0.1:0/v2/token\",service=\"stepyard\"")
            #expect(try await client.call(.get, "/v2/", token: fixture.payments).status == .ok)
            let token = try await client.call(.get, "/v2/token?service=stepyard&scope=repository:payments/task/go:pull", headers: ["Authorization": basic])
            #expect(token.json["token"]?.stringValue == fixture.payments && token.json["access_token"]?.stringValue == fixture.payments)
            let free = try await client.call(.get, "/v2/token?service=stepyard&scope=repository:tekton/task/go:pull")
            #expect(free.json["token"] == "anonymous")
            #expect(try await client.call(.get, "/v2/tekton/task/go/manifests/1.0.0", token: "anonymous").status == .ok)
            #expect(try await client.call(.get, path, token: "anonymous").status == .unauthorized)
            let wrong = try await client.call(.get, "/v2/token", headers: ["Authorization": "Basic " + Data("x:sy_wrong".utf8).base64EncodedString()])
            #expect(wrong.status == .unauthorized && wrong.json["errors"]?[0]?["code"] == "UNAUTHORIZED")
        }
    }

    /// With anonymous read off, nothing is served without a token, and the token endpoint challenges for Basic.
    @Test func withoutAnonymousReadEveryPullNeedsAToken() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application { $0.anonymousRead = false }.test(.router) { client in
            let manifest = try await client.call(.get, "/v2/tekton/task/go/manifests/1.0.0")
            #expect(manifest.status == .unauthorized && manifest.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=") == true)
            let token = try await client.call(.get, "/v2/token")
            #expect(token.status == .unauthorized && token.headers[.wwwAuthenticate] == "Basic realm=\"stepyard\", charset=\"UTF-8\"")
            #expect(try await client.call(.get, "/v2/tekton/task/go/manifests/1.0.0", token: fixture.reader).status == .ok)
        }
    }

    // MARK: - Refusals

    @Test(arguments: [
        (HTTPRequest.Method.put, "/v2/tekton/task/go/manifests/9.9.9", HTTPResponse.Status.methodNotAllowed, "UNSUPPORTED"),
        (.delete, "/v2/tekton/task/go/manifests/1.0.0", .methodNotAllowed, "UNSUPPORTED"),
        (.post, "/v2/tekton/task/go/blobs/uploads/", .methodNotAllowed, "UNSUPPORTED"),
        (.patch, "/v2/tekton/task/go/blobs/uploads/1", .methodNotAllowed, "UNSUPPORTED"),
        (.get, "/v2/tekton/task/go/manifests/9.9.9", .notFound, "MANIFEST_UNKNOWN"),
        (.get, "/v2/tekton/task/go/manifests/%5E1", .notFound, "MANIFEST_UNKNOWN"),
        (.get, "/v2/tekton/task/go/manifests/sha256:" + String(repeating: "0", count: 64), .notFound, "MANIFEST_UNKNOWN"),
        (.get, "/v2/tekton/task/go/manifests/sha256:abc", .badRequest, "DIGEST_INVALID"),
        (.get, "/v2/tekton/task/go/blobs/sha256:" + String(repeating: "0", count: 64), .notFound, "BLOB_UNKNOWN"),
        (.get, "/v2/tekton/task/go/blobs/md5:abc", .badRequest, "DIGEST_INVALID"),
        (.get, "/v2/tekton/task/nothing/tags/list", .notFound, "NAME_UNKNOWN"),
        (.get, "/v2/tekton/widget/go/tags/list", .notFound, "NAME_UNKNOWN"),
        (.get, "/v2/tekton/go/tags/list", .notFound, "NAME_UNKNOWN"),
        (.get, "/v2/tekton/task/Go/tags/list", .badRequest, "NAME_INVALID"),
        (.get, "/v2/tekton/task/go/tags/list?n=-1", .badRequest, "UNSUPPORTED"),
    ])
    func aRefusalIsTheSpecsError(_ method: HTTPRequest.Method, _ path: String, _ status: HTTPResponse.Status, _ code: String) async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(method, path, token: fixture.admin, body: method == .get ? nil : "{}")
            #expect(answer.status == status, "\(answer.text)")
            #expect(answer.json["errors"]?[0]?["code"]?.stringValue == code, "\(answer.text)")
            #expect(answer.json["errors"]?[0]?["message"]?.stringValue?.isEmpty == false)
            #expect(answer.headers[.contentType] == "application/json")
        }
    }

    /// A request head past the limits is refused by the connection, in the spec's form for a `/v2/` target.
    @Test func anOversizedRegistryRequestIsRefusedInTheSpecsForm() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.live) { client in
            let answer = try await client.call(.get, "/v2/tekton/task/go/tags/list?last=" + String(repeating: "a", count: 9000))
            #expect(answer.status == .uriTooLong)
            #expect(answer.json["errors"]?[0]?["code"] == "UNSUPPORTED", "\(answer.text)")
        }
    }

    // MARK: - skopeo

    /// Debian's skopeo against a live server: inspect, list-tags, and a copy into an OCI layout whose every blob's
    /// name is its content's digest and whose layer holds the resolved template; a department's with credentials.
    @Test func skopeoPullsBundles() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        try await fixture.application().test(.live) { client in
            let host = "127.0.0.1:\(client.port!)"
            let inspect = try await run("skopeo", ["inspect", "--tls-verify=false", "docker://\(host)/tekton/task/go:1.0.0"])
            #expect(inspect.status == 0, "\(inspect.stderr) \(inspect.stdout)")
            let manifest = try await client.raw(.get, "/v2/tekton/task/go/manifests/1.0.0")
            let inspected = try JSONValue(parsingJSON: inspect.stdout)
            #expect(inspected["Digest"]?.stringValue == ContentDigest.sha256(manifest.body))
            #expect(inspected["RepoTags"] == ["1", "1.0", "1.0.0", "latest"])

            let tags = try await run("skopeo", ["list-tags", "--tls-verify=false", "docker://\(host)/tekton/pipeline/go-pipeline"])
            #expect(tags.status == 0, "\(tags.stderr)")
            #expect(try JSONValue(parsingJSON: tags.stdout)["Tags"] == ["1", "1.0", "1.0.0", "latest"])

            let work = try TemporaryDirectory()
            let layout = work.url.appendingPathComponent("layout")
            let copy = try await run("skopeo", ["copy", "--src-tls-verify=false", "docker://\(host)/tekton/pipeline/go-pipeline:latest", "oci:\(layout.path)"])
            #expect(copy.status == 0, "\(copy.stderr)")
            let blobs = layout.appendingPathComponent("blobs/sha256")
            let names = try FileManager.default.contentsOfDirectory(atPath: blobs.path)
            #expect(names.count >= 4)  // manifest, config, the Pipeline's layer and its Tasks'
            for name in names {
                let bytes = try Array(Data(contentsOf: blobs.appendingPathComponent(name)))
                #expect(ContentDigest.sha256(bytes) == "sha256:" + name)
            }
            let index = try JSONValue(parsingJSON: String(decoding: try Data(contentsOf: layout.appendingPathComponent("index.json")), as: UTF8.self))
            let copied = try #require(index["manifests"]?[0]?["digest"]?.stringValue)
            let pipeline = try await client.raw(.get, "/v2/tekton/pipeline/go-pipeline/manifests/latest")
            #expect(copied == ContentDigest.sha256(pipeline.body))
            let layer = try #require(try JSONValue(parsingJSON: String(decoding: pipeline.body, as: UTF8.self))["layers"]?[0]?["digest"]?.stringValue)
            let resolved = try await client.raw(.get, "/api/v1/resources/tekton/pipeline/go-pipeline/1.0.0/resolved")
            let stored = try Array(Data(contentsOf: blobs.appendingPathComponent(String(layer.dropFirst("sha256:".count)))))
            #expect(try await Self.untar(stored) == resolved.body)

            let refused = try await run("skopeo", ["inspect", "--tls-verify=false", "docker://\(host)/payments/task/go:1.0.0"])
            #expect(refused.status != 0 && refused.stderr.contains("unauthorized"), "\(refused.stderr)")
            let member = try await run("skopeo", ["inspect", "--tls-verify=false", "--creds", "pam:\(fixture.payments)",
                                                  "docker://\(host)/payments/task/go:1.0.0"])
            #expect(member.status == 0, "\(member.stderr)")
        }
    }

    // MARK: - Helpers

    /// The one file of a gzipped tar layer, read back by tar.
    static func untar(_ layer: [UInt8]) async throws -> [UInt8] {
        let work = try TemporaryDirectory()
        let file = work.url.appendingPathComponent("layer.tar.gz")
        try Data(layer).write(to: file)
        let output = try await run("tar", ["-xzOf", file.path])
        #expect(output.status == 0, "\(output.stderr)")
        return Array(output.stdout.utf8)
    }

    static func yaml(_ bytes: [UInt8]) throws -> JSONValue {
        try #require(try YAMLLoader(recordsLines: false).load(bytes).first?.value)
    }
}

extension TestClientProtocol {
    /// One request; the answer's body as bytes (blobs are binary).
    func raw(_ method: HTTPRequest.Method, _ uri: String, headers extra: [String: String] = [:]) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        var headers = HTTPFields()
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: uri, method: method, headers: headers, body: nil) { response in
            (response.status, response.headers, Array(buffer: response.body))
        }
    }
}
