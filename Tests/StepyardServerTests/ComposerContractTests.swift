import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import Testing
@testable import StepyardServer

/// What a pipeline composer builds on over HTTP: runs bound with every option, representations with their own
/// validators and exact bytes, links that resolve, errors a person can act on, CORS.
@Suite struct ComposerContractTests {
    static let pipeline = "/api/v1/resources/tekton/pipeline/go-pipeline/%5E1"
    static let task = "/api/v1/resources/tekton/task/go/1.0.0"

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static let runRequest = """
        {"params": {"git-url": "https://github.com/example/payments-api.git", "image": "registry.example.com/payments/api:1.4.2"},
         "name": "payments-api-build-1", "namespace": "ci", "serviceAccountName": "deployer",
         "taskServiceAccountNames": {"deploy": "deployer-prod"},
         "podTemplate": {"nodeSelector": {"kubernetes.io/arch": "amd64"}},
         "workspaces": {"source": {"volumeClaimTemplate": {"storage": "2Gi", "storageClassName": "standard"}},
                        "docker-config": {"secret": "registry-credentials"}},
         "timeouts": {"pipeline": "1h"}, "labels": {"team": "payments"}, "annotations": {"example.com/ticket": "OPS-1"}}
        """

    /// Every binding option lands where Tekton reads it; the answer's validators are the run's bytes'.
    @Test func aRunRequestBindsEveryOption() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(.post, Self.pipeline + "/resolved", body: Self.runRequest, headers: ["Accept": "application/json"])
            #expect(answer.status == .ok, "\(answer.text)")
            let run = answer.json
            #expect(run["kind"] == "PipelineRun")
            #expect(run["metadata"]?["name"] == "payments-api-build-1" && run["metadata"]?["namespace"] == "ci")
            #expect(run["metadata"]?["generateName"] == nil)
            #expect(run["metadata"]?["labels"] == ["team": "payments"])
            #expect(run["metadata"]?["annotations"]?["example.com/ticket"] == "OPS-1")
            #expect(run["metadata"]?["annotations"]?["stepyard.dev/lock"]?.stringValue?.hasPrefix("pipeline/go-pipeline@1.0.0 sha256:") == true)
            let template = run["spec"]?["taskRunTemplate"]
            #expect(template?["serviceAccountName"] == "deployer")
            // The template's declared need (fsGroup) under the request's own pod template.
            #expect(template?["podTemplate"] == ["securityContext": ["fsGroup": 65534], "nodeSelector": ["kubernetes.io/arch": "amd64"]])
            #expect(run["spec"]?["taskRunSpecs"] == [["pipelineTaskName": "deploy", "serviceAccountName": "deployer-prod"]])
            #expect(run["spec"]?["timeouts"] == ["pipeline": "1h"])
            #expect(run["spec"]?["workspaces"] == [
                ["name": "source", "volumeClaimTemplate": ["spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "2Gi"]],
                                                                   "storageClassName": "standard"]]],
                ["name": "docker-config", "secret": ["secretName": "registry-credentials"]],
            ])
            let digest = Self.sha256(answer.text)
            #expect(answer.headers[.eTag] == "\"sha256:\(digest)\"")
            #expect(answer.headers[Representation.pinField] == "sha256:\(digest)")
            #expect(answer.headers[.vary] == "Accept")
            // The same request as YAML, as Tekton's list of values: the same run, another representation.
            let yaml = """
                params:
                  - {name: git-url, value: "https://github.com/example/payments-api.git"}
                  - {name: image, value: "registry.example.com/payments/api:1.4.2"}
                name: payments-api-build-1
                namespace: ci
                serviceAccountName: deployer
                taskServiceAccountNames: {deploy: deployer-prod}
                podTemplate: {nodeSelector: {kubernetes.io/arch: amd64}}
                workspaces:
                  source: {volumeClaimTemplate: {storage: 2Gi, storageClassName: standard}}
                  docker-config: {secret: registry-credentials}
                timeouts: {pipeline: 1h}
                labels: {team: payments}
                annotations: {example.com/ticket: OPS-1}
                """
            let asYAML = try await client.call(.post, Self.pipeline + "/resolved", body: yaml, contentType: "application/yaml")
            #expect(asYAML.status == .ok, "\(asYAML.text)")
            #expect(try YAMLLoader().load(Array(asYAML.text.utf8)).first?.value == run)
            #expect(asYAML.headers[.eTag] == "\"sha256:\(Self.sha256(asYAML.text))\"" && asYAML.headers[.eTag] != answer.headers[.eTag])
        }
    }

    @Test(arguments: [
        (#"{"params": {}, "workspaces": {"source": {"emptyDir": {}}}, "nmae": "x"}"#, "/nmae"),
        (#"{"params": {}, "name": "Payments_Build"}"#, "/name"),
        (#"{"params": {}, "name": "a", "generateName": "b-"}"#, "/generateName"),
        (#"{"params": {}, "workspaces": {"source": {"volumeClaimTemplate": {"storage": "2 GB"}}}}"#, "/workspaces/source/volumeClaimTemplate/storage"),
        (#"{"params": {}, "workspaces": {"source": {"secret": "a", "configMap": "b"}}}"#, "/workspaces/source"),
        (#"{"params": {}, "timeouts": {"pipeline": "forever"}}"#, "/timeouts/pipeline"),
        (#"{"params": {}, "annotations": {"stepyard.dev/lock": "x"}}"#, "/annotations/stepyard.dev~1lock"),
        (#"{"params": {"git-url": "https://github.com/a/b.git", "image": "r.example.com/a:1"}}"#, "/workspaces"),
        (#"{"params": {"git-url": "https://github.com/a/b.git", "image": "r.example.com/a:1"}, "workspaces": {"source": {"emptyDir": {}}, "nope": {"emptyDir": {}}}}"#, "/workspaces/nope"),
        (#"{"params": {"git-url": "https://github.com/a/b.git", "image": "r.example.com/a:1"}, "workspaces": {"source": {"emptyDir": {}}}, "taskServiceAccountNames": {"tset": "x"}}"#, "/taskServiceAccountNames/tset"),
        (#"{"params": {"git-url": 5}, "workspaces": {"source": {"emptyDir": {}}}}"#, "/params/git-url"),
        (#"{"params": {"git-url": "https://github.com/a/b.git", "image": "r.example.com/a:1"}, "workspaces": {"source": {"emptyDir": {}}}, "podTemplate": {"nodeSelectr": {}}}"#, ""),
    ])
    func aBadRunRequestIs422NamingTheField(body: String, pointer: String) async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(.post, Self.pipeline + "/resolved", body: body)
            #expect(answer.status == .unprocessableContent, "\(answer.text)")
            let pointers = answer.json["errors"]?.arrayValue?.compactMap { $0["pointer"]?.stringValue } ?? []
            #expect(pointers.contains(pointer), "\(answer.text)")
            #expect(!answer.text.contains("Decoding") && !answer.text.contains("Swift"))
        }
    }

    /// YAML and JSON of one document are two representations: two tags, `Vary: Accept`, and a tag only matches its own.
    @Test func eachRepresentationHasItsOwnValidators() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            for path in [Self.task, Self.task + "/resolved"] {
                let yaml = try await client.call(.get, path)
                let json = try await client.call(.get, path, headers: ["Accept": "application/json"])
                #expect(yaml.status == .ok && json.status == .ok)
                let yamlTag = try #require(yaml.headers[.eTag]), jsonTag = try #require(json.headers[.eTag])
                #expect(yamlTag == "\"sha256:\(Self.sha256(yaml.text))\"" && jsonTag == "\"sha256:\(Self.sha256(json.text))\"")
                #expect(yamlTag != jsonTag)
                #expect(yaml.headers[.vary] == "Accept" && json.headers[.vary] == "Accept")
                let base64 = Data(SHA256.hash(data: Array(yaml.text.utf8))).base64EncodedString()
                #expect(yaml.headers[Representation.reprDigestField] == "sha-256=:\(base64):")
                #expect(yaml.headers[Representation.pinField] == "sha256:\(Self.sha256(yaml.text))")
                // The YAML's tag on a JSON request is not a match: the JSON comes back whole.
                #expect(try await client.call(.get, path, headers: ["Accept": "application/json", "If-None-Match": yamlTag]).status == .ok)
                let notModified = try await client.call(.get, path, headers: ["Accept": "application/json", "If-None-Match": jsonTag])
                #expect(notModified.status == .notModified && notModified.text.isEmpty && notModified.headers[.eTag] == jsonTag)
                // Stable across requests.
                #expect(try await client.call(.get, path).headers[.eTag] == yamlTag)
            }
        }
    }

    @Test(arguments: ["text/html", "application/xml, text/plain;q=0.5"])
    func whatCannotBeProducedIs406(accept: String) async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            for path in [Self.task, Self.task + "/resolved"] {
                let answer = try await client.call(.get, path, headers: ["Accept": accept])
                #expect(answer.status == .notAcceptable, "\(path): \(answer.text)")
                #expect(answer.errorCode == "not_acceptable" && answer.json["error"]?["details"]?["available"] == ["application/yaml", "application/json"])
            }
        }
    }

    /// Schemas `$ref` the shared types on this server, which serves them; README links point at served paths.
    @Test func linksResolveOnTheServer() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let schema = try await client.call(.get, Self.task + "/schema")
            #expect(schema.status == .ok)
            var refs: [String] = []
            func collect(_ value: JSONValue) {
                switch value {
                case .object(let members):
                    for (key, member) in members { if key == "$ref", let ref = member.stringValue { refs.append(ref) } else { collect(member) } }
                case .array(let items): items.forEach(collect)
                default: break
                }
            }
            collect(schema.json)
            #expect(refs.contains("/schemas/params/git-url.json"))
            for ref in Set(refs) {
                let shared = try await client.call(.get, ref)
                #expect(shared.status == .ok, "\(ref)")
                #expect(shared.json["$id"] == nil && shared.json["type"] != nil, "\(ref)")
            }
            #expect(try await client.call(.get, "/schemas/params/nope.json").status == .notFound)
            #expect(try await client.call(.get, "/schemas/params/..%2Fsecret.json").status == .badRequest)

            let readme = try await client.call(.get, "/api/v1/resources/tekton/pipeline/go-pipeline/1.0.0/readme")
            #expect(readme.text.contains("[`go`](/api/v1/resources/tekton/task/go/1.0.0/readme)"))
            #expect(!readme.text.contains("](../"))
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/go/1.0.0/readme").status == .ok)

            let index = try await client.call(.get, "/")
            #expect(index.status == .ok && index.json["openapi"] == "/openapi.yaml")
            #expect(index.json["links"]?["resolved"] == "/api/v1/resources/{namespace}/{kind}/{name}/{version}/resolved")
            // Every entry point with a fixed path answers (with its query, where it takes one).
            for (name, link) in index.json["links"]?.objectValue ?? [:] {
                guard let path = link.stringValue, !path.contains("{namespace}"), !path.contains(" ") else { continue }
                let concrete = path.replacingOccurrences(of: "{text}", with: "go").replacingOccurrences(of: "{file}", with: "git-url")
                let answer = try await client.call(.get, concrete)
                #expect(answer.status == .ok, "\(name): \(concrete) \(answer.status)")
            }
        }
    }

    /// Errors name the field, what is allowed and how to fix it; never a decoder's or a Swift type's name.
    @Test(arguments: [
        ("/api/v1/search?kind=tasks", nil as String?, nil as String?, HTTPResponse.Status.badRequest, "\"task\", \"pipeline\", \"stepaction\""),
        (task + "/validate", "", "application/json", .badRequest, "not valid JSON"),
        (task + "/validate", #"{"git-url": "https://github.com/a/b.git",}"#, "application/json", .badRequest, "not valid JSON"),
        (task + "/validate", #"{"git-url": "https://github.com/a/b.git"}"#, "text/plain", .unsupportedMediaType, "send application/json or application/yaml"),
        (task + "/validate", "git-url: [unclosed", "application/yaml", .badRequest, "not valid YAML"),
        (pipeline + "/resolved", #"[{"name": "git-url"}]"#, "application/json", .badRequest, "body"),
        (pipeline + "/resolved", #""values""#, "application/json", .badRequest, "body"),
    ])
    func errorsAPersonCanActOn(path: String, body: String?, contentType: String?, status: HTTPResponse.Status, says: String) async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(body == nil ? .get : .post, path, body: body, contentType: contentType ?? "application/json")
            #expect(answer.status == status, "\(answer.text)")
            #expect(answer.json["error"]?["message"]?.stringValue?.contains(says) == true, "\(answer.text)")
            for leak in ["DecodingError", "Dictionary<", "Swift.", "dataCorrupted", "The given data"] { #expect(!answer.text.contains(leak)) }
        }
    }

    /// A query item is never read as the path parameter of the same name.
    @Test func aQueryItemDoesNotStandForAPathParameter() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let version = try await client.call(.get, Self.task + "?name=Not_A_Name&kind=nonsense")
            #expect(version.status == .ok)
            let search = try await client.call(.get, "/api/v1/search?kind=nonsense")
            #expect(search.status == .badRequest)
        }
    }

    /// Values in every form the CLI takes: a mapping or Tekton's list, JSON or YAML.
    @Test(arguments: [
        (#"{"git-url": "https://github.com/a/b.git", "image": "r.example.com/a:1"}"#, "application/json"),
        (#"[{"name": "git-url", "value": "https://github.com/a/b.git"}, {"name": "image", "value": "r.example.com/a:1"}]"#, "application/json"),
        ("git-url: https://github.com/a/b.git\nimage: r.example.com/a:1\n", "application/yaml"),
        ("- name: git-url\n  value: https://github.com/a/b.git\n- name: image\n  value: r.example.com/a:1\n", "application/yaml"),
    ])
    func valuesInEveryForm(body: String, contentType: String) async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(.post, Self.task + "/validate", body: body, contentType: contentType)
            #expect(answer.status == .ok && answer.json["valid"] == true, "\(answer.text)")
        }
    }

    /// Numbers are written as they were published: no 500, no rounding.
    @Test func numbersStayExact() async throws {
        let fixture = try await ServerFixture.bundled()
        let document = taskYAML("numbers", "1.0.0").replacingOccurrences(of: "      image: alpine:3.20\n", with: """
                  image: alpine:3.20
                  computeResources:
                    limits:
                      cpu: 1e400
                      memory: 0.1000000000000000000000000001
                  securityContext:
                    runAsUser: 9223372036854775807

            """)
        try await fixture.application().test(.router) { client in
            let publish = try await client.call(.put, "/api/v1/resources/tekton/task/numbers/1.0.0", token: fixture.publisher,
                                                body: document, contentType: "application/yaml")
            #expect(publish.status == .created, "\(publish.text)")
            for path in ["/api/v1/resources/tekton/task/numbers/1.0.0", "/api/v1/resources/tekton/task/numbers/1.0.0/resolved"] {
                let json = try await client.call(.get, path, headers: ["Accept": "application/json"])
                #expect(json.status == .ok, "\(json.text)")
                #expect(json.text.contains("\"runAsUser\": 9223372036854775807"), "\(json.text)")
                #expect(json.text.contains("\"memory\": 0.1000000000000000000000000001"))
                #expect(json.text.contains("\"cpu\": 1e+400"))
            }
            // Past int64 Tekton's decoder cannot read it: refused at publish with the field named.
            let tooLarge = try await client.call(.put, "/api/v1/resources/tekton/task/numbers/1.0.1", token: fixture.publisher,
                                                 body: document.replacingOccurrences(of: "9223372036854775807", with: "9223372036854775808")
                                                    .replacingOccurrences(of: "\"1.0.0\"", with: "\"1.0.1\""), contentType: "application/yaml")
            #expect(tooLarge.status == .unprocessableContent && tooLarge.text.contains("runAsUser"), "\(tooLarge.text)")
        }
    }

    /// The pin of Tekton's http resolver, `sha256:<hex>` of the exact bytes: in the headers of every resolved and raw
    /// answer, and in the resource's JSON beside each version's URL.
    @Test func pinsForTheHttpResolver() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let resource = try await client.call(.get, "/api/v1/resources/tekton/task/go")
            let version = try #require(resource.json["versions"]?[0])
            let url = try #require(version["url"]?.stringValue)
            #expect(url == "/api/v1/resources/tekton/task/go/1.0.0")
            let published = try await client.call(.get, url)
            #expect(version["sha256"]?.stringValue == "sha256:\(Self.sha256(published.text))")
            #expect(published.headers[Representation.pinField] == version["sha256"]?.stringValue)
            for path in ["/v1/resource/tekton/task/go/1.0.0/raw", "/v1/resource/tekton/task/go/raw"] {
                let raw = try await client.call(.get, path)
                #expect(raw.status == .ok && raw.text == published.text, "\(path)")
                #expect(raw.headers[Representation.pinField] == "sha256:\(Self.sha256(raw.text))" && raw.headers[.eTag] != nil, "\(path)")
            }
        }
    }

    @Test func corsIsOffByDefaultAndAnsweredForAllowedOrigins() async throws {
        let fixture = try await ServerFixture.bundled()
        let preflight: [String: String] = ["Origin": "https://composer.example.com", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"]
        try await fixture.application().test(.router) { client in
            #expect(try await client.call(.options, Self.pipeline + "/resolved", headers: preflight).status == .methodNotAllowed)
            let plain = try await client.call(.get, Self.task, headers: ["Origin": "https://composer.example.com"])
            #expect(plain.status == .ok && plain.headers[CORS.allowOriginField] == nil)
        }
        try await fixture.application { $0.corsOrigins = ["https://composer.example.com"]; $0.anonymousRead = false }.test(.router) { client in
            let answer = try await client.call(.options, Self.pipeline + "/resolved", headers: preflight)
            #expect(answer.status == .noContent)
            #expect(answer.headers[CORS.allowOriginField] == "https://composer.example.com")
            #expect(answer.headers[CORS.allowMethodsField] == "GET, POST, HEAD")
            #expect(answer.headers[CORS.allowHeadersField]?.contains("Authorization") == true)
            // An answer, and a refusal, carry the origin and the fields a script may read.
            let read = try await client.call(.get, Self.task, token: fixture.reader, headers: ["Origin": "https://composer.example.com"])
            #expect(read.status == .ok && read.headers[CORS.allowOriginField] == "https://composer.example.com")
            #expect(read.headers[CORS.exposeHeadersField]?.contains("Stepyard-Sha256") == true)
            let refused = try await client.call(.get, Self.task, headers: ["Origin": "https://composer.example.com"])
            #expect(refused.status == .unauthorized && refused.headers[CORS.allowOriginField] == "https://composer.example.com")
            // Another origin gets nothing.
            let other = try await client.call(.options, Self.task, headers: ["Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"])
            #expect(other.headers[CORS.allowOriginField] == nil)
        }
    }
}
