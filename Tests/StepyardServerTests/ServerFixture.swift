import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import StepyardCore
import StepyardStore
import StepyardTestSupport
@testable import StepyardServer

/// A store for server tests: the Tekton catalog's git-clone (task, ten versions; StepAction, two), departments
/// `payments` (a fork of task/git-clone@0.9 and a private task) and `logistics` (a private task), and one token per role.
struct ServerFixture: Sendable {
    let directory: TemporaryDirectory
    let store: Store
    let tokens: AccessTokens
    let admin: String
    let publisher: String
    let reader: String
    let payments: String
    let logistics: String

    static let author = Author(name: "Fixture", email: "fixture@example.com")

    static func make() async throws -> ServerFixture {
        let directory = try TemporaryDirectory()
        let catalog = directory.url.appendingPathComponent("catalog")
        for folder in ["task/git-clone", "stepaction/git-clone"] {
            try FileManager.default.createDirectory(at: catalog.appendingPathComponent(folder).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Corpus.tektonCatalog.appendingPathComponent(folder), to: catalog.appendingPathComponent(folder))
        }
        let storeURL = directory.url.appendingPathComponent("store")
        let store = try Store.initialize(at: storeURL, author: author)
        _ = try await store.importCatalog(from: catalog, author: author)
        for department in ["payments", "logistics"] { _ = try await store.createDepartment(department, author: author) }
        _ = try await store.fork(try ResourceRef(parsing: "task/git-clone@0.9"), department: "payments", author: author)
        _ = try await store.publish(PublishRequest(document: Array(taskYAML("ledger-close", "1.0.0").utf8), sourcePath: "ledger-close.yaml",
                                                   department: "payments"), author: author)
        _ = try await store.publish(PublishRequest(document: Array(taskYAML("route-plan", "1.0.0").utf8), sourcePath: "route-plan.yaml",
                                                   department: "logistics"), author: author)
        return try withTokens(directory: directory, store: store)
    }

    /// An empty store, with the departments and tokens of the others.
    static func empty() async throws -> ServerFixture {
        let directory = try TemporaryDirectory()
        let store = try Store.initialize(at: directory.url.appendingPathComponent("store"), author: author)
        for department in ["payments", "logistics"] { _ = try await store.createDepartment(department, author: author) }
        return try withTokens(directory: directory, store: store)
    }

    /// A store holding the bundled catalog (what `stepyard serve` creates), with the same departments and tokens.
    static func bundled() async throws -> ServerFixture {
        let directory = try TemporaryDirectory()
        let storeURL = directory.url.appendingPathComponent("store")
        let store = try Store.initialize(at: storeURL, author: author)
        _ = try await store.importCatalog(from: Corpus.packageRoot.appendingPathComponent("catalog"), author: author)
        for department in ["payments", "logistics"] { _ = try await store.createDepartment(department, author: author) }
        return try withTokens(directory: directory, store: store)
    }

    /// The fixture over `store`, with one token per role (and a member of each department).
    private static func withTokens(directory: TemporaryDirectory, store: Store) throws -> ServerFixture {
        let tokens = try AccessTokens.open(storeDirectory: directory.url.appendingPathComponent("store"))
        return ServerFixture(directory: directory, store: store, tokens: tokens,
                             admin: try tokens.create(name: "Ada Admin", role: .admin, departments: []).secret,
                             publisher: try tokens.create(name: "Pat Publisher", role: .publisher, departments: []).secret,
                             reader: try tokens.create(name: "Rey Reader", role: .reader, departments: []).secret,
                             payments: try tokens.create(name: "Pam Payments", role: .member, departments: ["payments"]).secret,
                             logistics: try tokens.create(name: "Lou Logistics", role: .member, departments: ["logistics"]).secret)
    }

    var storeURL: URL { directory.url.appendingPathComponent("store") }

    func application(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> some ApplicationProtocol {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.watchInterval = .milliseconds(100)
        configure(&configuration)
        var logger = Logger(label: "stepyard-test")
        logger.logLevel = .error
        return try await buildApplication(store: store, tokens: tokens, configuration: configuration, logger: logger)
    }
}

/// What a test reads from a response.
struct Answer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String

    var json: JSONValue { (try? JSONValue(parsingJSON: text)) ?? .null }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

extension TestClientProtocol {
    /// Signs a browser in with `token` through the sign-in form; the `Cookie` value it then sends (CSRF and session).
    func signIn(_ token: String) async throws -> String {
        let csrf = String(repeating: "5a", count: 32)
        let answer = try await call(.post, "/ui/sign-in", body: "token=\(token)&csrf=\(csrf)", contentType: "application/x-www-form-urlencoded",
                                    headers: ["Cookie": "stepyard_csrf=\(csrf)"])
        let session = answer.headers[values: .setCookie].first { $0.hasPrefix("stepyard_session=") }
            .map { String($0.dropFirst("stepyard_session=".count).prefix { $0 != ";" }) } ?? ""
        return "stepyard_csrf=\(csrf); stepyard_session=\(session)"
    }

    /// One request, with an optional bearer token and body.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil,
              contentType: String = "application/json", headers extra: [String: String] = [:]) async throws -> Answer {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = contentType }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            Answer(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }
}

/// A catalog-conformant Task document.
func taskYAML(_ name: String, _ version: String, description: String = "Builds things.", image: String = "alpine:3.20") -> String {
    """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: \(name)
      labels:
        app.kubernetes.io/version: "\(version)"
      annotations:
        tekton.dev/pipelines.minVersion: "0.50.0"
        tekton.dev/categories: Build Tools
        tekton.dev/tags: build, test
    spec:
      description: \(description)
      params:
        - name: target
          type: string
          description: What to build.
      steps:
        - name: build
          image: \(image)
          env:
            - name: TARGET
              value: $(params.target)
          script: |
            #!/bin/sh
            echo "building ${TARGET}"

    """
}
