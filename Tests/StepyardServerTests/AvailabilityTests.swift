import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import Testing
@testable import StepyardServer

/// What nobody without a token can make the server do: read a body, run an unbounded search, or be told a route's
/// answer means something it does not.
@Suite("Availability")
struct AvailabilityTests {
    /// Who is refused before a body is read: a change without a token (401), a change to a namespace the token may
    /// not write (403, or 404 where it may not see it), administration by a non-admin (403). The body here is over
    /// the body limit, so a refusal that read it would have been 413.
    @Test func refusedBeforeTheBody() async throws {
        let fixture = try await ServerFixture.make()
        let head = try await fixture.store.headCommit()
        let huge = String(repeating: "a", count: (1 << 20) + 10)
        try await fixture.application { $0.maxBodyBytes = 1 << 20 }.test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status)] = [
                (.put, "/api/v1/resources/tekton/task/x/1.0.0", nil, .unauthorized),
                (.post, "/api/v1/resources/tekton/task/git-clone/0.9/deprecate", nil, .unauthorized),
                (.post, "/api/v1/departments", nil, .unauthorized),
                (.put, "/api/v1/resources/tekton/task/x/1.0.0", fixture.payments, .forbidden),
                (.put, "/api/v1/resources/logistics/task/x/1.0.0", fixture.payments, .notFound),
                (.post, "/api/v1/departments/logistics/forks", fixture.payments, .notFound),
                (.put, "/api/v1/resources/tekton/task/x/1.0.0", fixture.reader, .forbidden),
                (.post, "/api/v1/departments", fixture.publisher, .forbidden),
                (.post, "/api/v1/tokens", fixture.payments, .forbidden),
                // Allowed callers get as far as the body, and its limit.
                (.put, "/api/v1/resources/payments/task/x/1.0.0", fixture.payments, .contentTooLarge),
                (.post, "/api/v1/resources/tekton/task/git-clone/0.9/validate", nil, .contentTooLarge),
            ]
            for (method, path, token, status) in cases {
                let answer = try await client.call(method, path, token: token, body: huge, contentType: "application/yaml")
                #expect(answer.status == status, "\(method) \(path) → \(answer.status): \(answer.text.prefix(200))")
                #expect(answer.json["error"]?["message"]?.stringValue?.isEmpty == false)
            }
        }
        #expect(try await fixture.store.headCommit() == head)
    }

    /// With anonymous read off, everything but the operations endpoints is 401 without a token — search and the
    /// hub paths included — and the same requests with a token answer.
    @Test func anonymousReadOffIsUniform() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application { $0.anonymousRead = false }.test(.router) { client in
            for path in ["/api/v1/search?q=git", "/api/v1/search", "/v1/catalogs", "/v1/query?name=git-clone",
                         "/v1/resource/tekton/task/git-clone", "/api/v1/packages/tekton-task/tekton/git-clone",
                         "/api/v1/resources/tekton/task/git-clone/0.9", "/api/v1/images", "/api/v1/departments"] {
                let answer = try await client.call(.get, path)
                #expect(answer.status == .unauthorized && answer.errorCode == "unauthorized", "\(path) → \(answer.status)")
                #expect(answer.headers[.wwwAuthenticate] == "Bearer realm=\"stepyard\"")
                #expect(try await client.call(.get, path, token: fixture.reader).status == .ok, "\(path) with a token")
            }
            for path in ["/healthz", "/readyz", "/metrics", "/openapi.yaml"] {
                #expect(try await client.call(.get, path).status == .ok, "\(path)")
            }
        }
    }

    /// Malformed percent-encoding anywhere in the path or query is 400, never read as an empty segment (`latest`).
    @Test(arguments: ["/api/v1/resources/tekton/task/git-clone/0.9%ff", "/api/v1/resources/tekton/task/git-clone/%zz",
                      "/api/v1/resources/tekton/task/git-clone/%", "/api/v1/resources/tekton/task/git-clone/0.9%2",
                      "/api/v1/search?q=git%zz", "/v1/resource/tekton/task/git-clone/%c3%28"])
    func malformedEscapes(_ path: String) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(.get, path)
            #expect(answer.status == .badRequest && answer.errorCode == "bad_request", "\(path) → \(answer.status) \(answer.text)")
            #expect(answer.json["error"]?["message"]?.stringValue?.contains("percent") == true)
            // Well-formed escapes still read: ^0.9 and a space.
            #expect(try await client.call(.get, "/api/v1/resources/tekton/task/git-clone/%5E0.9").status == .ok)
            #expect(try await client.call(.get, "/api/v1/search?q=git%20clone").status == .ok)
        }
    }

    /// A search's words and length are bounded with a 400 that names the limit; ties come back in one order.
    @Test func searchIsBounded() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let words = (1...17).map { "w\($0)" }.joined(separator: "+")
            let many = try await client.call(.get, "/api/v1/search?q=" + words)
            #expect(many.status == .badRequest)
            #expect(many.json["error"]?["message"] == "the search text has 17 words; at most 16 are accepted")
            let long = try await client.call(.get, "/api/v1/search?q=" + String(repeating: "a", count: 257))
            // The contract's maxLength speaks first over HTTP; the store's own limit is the same (the CLI meets it).
            #expect(long.status == .badRequest && long.json["error"]?["details"]?["problems"]?[0]?["location"] == "query.q")
            #expect(long.json["error"]?["message"]?.stringValue?.hasSuffix("is longer than the maximum length of 256 characters (it has 257)") == true)
            #expect(throws: SearchTextError.self) { try SearchText(String(repeating: "a", count: SearchText.maxCharacters + 1)) }
            #expect(try await client.call(.get, "/api/v1/search?q=" + (1...16).map { "w\($0)" }.joined(separator: "+")).status == .ok)
        }
        // A listing is all ties: by name, then kind, then namespace (payments' fork of task/git-clone before the
        // organisation's), the same in every process.
        let listed = try await fixture.store.search("", limit: 100).map { "\($0.name) \($0.kind.rawValue) \($0.namespace)" }
        #expect(listed == ["git-clone stepaction tekton", "git-clone task payments", "git-clone task tekton",
                           "ledger-close task payments", "route-plan task logistics"])
    }

    /// Every limit `openapi.yaml` states is enforced before a handler runs: 400 naming where and what, every
    /// problem listed, never a decoder's words; nothing written.
    @Test(arguments: [
        (HTTPRequest.Method.post, "/api/v1/resources/tekton/task/git-clone/0.9/deprecate", Optional(#"{"message": ""}"#),
         "body/message: \"\" is shorter than the minimum length of 1 character (it has 0)"),
        (.post, "/api/v1/resources/tekton/task/git-clone/0.9/deprecate", #"{"message": "\#(String(repeating: "m", count: 2001))"}"#,
         "body/message: \"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm... is longer than the maximum length of 2000 characters (it has 2001)"),
        (.post, "/api/v1/resources/tekton/task/git-clone/0.9/deprecate", #"{"note": "x"}"#,
         "body: missing required property \"message\""),
        (.get, "/api/v1/search?kind=tasks", nil, "query.kind: \"tasks\" is not one of the allowed values: \"task\", \"pipeline\", \"stepaction\""),
        (.get, "/api/v1/search?limit=0", nil, "query.limit: 0 is less than the minimum of 1"),
        (.get, "/api/v1/search?limit=ten", nil, "query.limit: \"ten\" is not an integer"),
        (.post, "/api/v1/departments", #"{"name": "\#(String(repeating: "d", count: 64))"}"#,
         "body/name: \"\(String(repeating: "d", count: 64))\" is longer than the maximum length of 63 characters (it has 64)"),
    ]) func contractLimits(_ method: HTTPRequest.Method, _ path: String, _ body: String?, _ first: String) async throws {
        let fixture = try await ServerFixture.make()
        let head = try await fixture.store.headCommit()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(method, path, token: fixture.admin, body: body)
            #expect(answer.status == .badRequest)
            #expect(answer.json["error"]?["message"] == .string("the request does not match the API: " + first), "\(answer.text.prefix(400))")
        }
        #expect(try await fixture.store.headCommit() == head)
    }

    /// Query strings of any shape are answered, never a crash: empty names and values, a lone `=`, repeats, bytes
    /// that decode to odd text (found by schemathesis: `?=&…` once stopped the server).
    @Test(arguments: ["?=", "?=&=&", "?&&", "?match", "?match=&match=", "?=x", "?%C3%BE%24=%7B%7D&=null&%F1%88%9B%ACf=-2.6e%2B130"])
    func oddQueries(_ query: String) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let images = try await client.call(.get, "/api/v1/images\(query)")
            let search = try await client.call(.get, "/api/v1/search\(query)")
            // Answered: 200, or a JSON 400 where the generated layer cannot read the query (`?match`, `?&&`).
            for answer in [images, search] {
                #expect(answer.status == .ok || (answer.status == .badRequest && answer.errorCode == "bad_request"), "\(answer.text.prefix(200))")
            }
        }
    }

    /// The contract knows every route: the most specific template wins (`…/{name}/raw` over `…/{name}/{version}`),
    /// and the methods of a path are what a 405 lists.
    @Test func contractRoutes() {
        let contract = RequestContract.shipped
        #expect(contract.operation(method: .get, path: "/v1/resource/tekton/task/git-clone/raw")?.segments.last == "raw")
        #expect(contract.operation(method: .get, path: "/v1/resource/tekton/task/git-clone/0.9")?.segments.last == "{version}")
        #expect(contract.operation(method: .delete, path: "/api/v1/resources/tekton/task/git-clone") == nil)
        #expect(Set(contract.methods(for: "/api/v1/resources/tekton/task/git-clone/0.9")) == [.get, .put])
        #expect(contract.methods(for: "/api/v1/nothing-here").isEmpty)
    }

    /// A JSON body that does not parse is 400 with the parser's position (a trailing comma included), not the
    /// words of a Swift decoder.
    @Test(arguments: [#"{"message": "x",}"#, "", "[1, 2]", #"{"message": "x"} trailing"#])
    func malformedJSON(_ body: String) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(.post, "/api/v1/resources/tekton/task/git-clone/0.9/deprecate", token: fixture.admin, body: body)
            #expect(answer.status == .badRequest, "\(body): \(answer.text)")
            let message = answer.json["error"]?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("the body is not valid JSON: ") || message.hasPrefix("the request does not match the API: body: "), "\(message)")
            #expect(!message.contains("DecodingError") && !message.contains("Dictionary<"), "\(message)")
        }
    }

    /// What the generated layer could not decode is said in plain words, with where, never a decoder's text.
    @Test func decoderErrorsInPlainWords() {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int?
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
        }
        let path: [any CodingKey] = [Key("values"), Key(intValue: 2)!]
        let cases: [(DecodingError, String)] = [
            (.keyNotFound(Key("to"), .init(codingPath: [], debugDescription: "No value associated with key")), "to is missing"),
            (.typeMismatch(Int.self, .init(codingPath: path, debugDescription: "Expected to decode Int but found a string")),
             "values[2] has a value of the wrong type"),
            (.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON.")), "the body holds a value that cannot be read"),
            (.valueNotFound(String.self, .init(codingPath: [Key("name")], debugDescription: "")), "name is missing or null"),
        ]
        for (error, words) in cases { #expect(ErrorMiddleware<BasicRequestContext>.reason(error) == words) }
    }

    /// A department may not take a name the hub paths give the organisation, in any case.
    @Test(arguments: ["tekton", "tekton-catalog-tasks", "tekton-catalog-pipelines", "tekton-catalog-stepactions"])
    func reservedDepartmentNames(_ name: String) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let answer = try await client.call(.post, "/api/v1/departments", token: fixture.admin, body: #"{"name": "\#(name)"}"#)
            #expect(answer.status == .badRequest)
            #expect(answer.json["error"]?["message"]?.stringValue?.contains("reserved: the Tekton Hub paths give that name to the organisation namespace") == true)
        }
    }

    /// Absolute links come from `--public-url`, a trusted `Host`, or the listening address — never from any `Host`.
    @Test func linksIgnoreUntrustedHosts() async throws {
        let fixture = try await ServerFixture.make()
        let app = try await fixture.application {
            $0.port = 8080
            $0.trustedHosts = ["registry.example:8080"]
        }
        try await app.test(.router) { client in
            let path = "/v1/resource/tekton/task/git-clone/0.9"
            var links: [String] = []
            for host in ["registry.example:8080", "REGISTRY.example:8080", "a@evil.example", "registry.example:9999"] {
                links.append(try await client.call(.get, path, headers: ["Host": host]).json["data"]?["rawURL"]?.stringValue ?? "-")
            }
            #expect(links == ["http://registry.example:8080/v1/resource/tekton/task/git-clone/0.9/raw",
                              "http://REGISTRY.example:8080/v1/resource/tekton/task/git-clone/0.9/raw",
                              "http://127.0.0.1:8080/v1/resource/tekton/task/git-clone/0.9/raw",
                              "http://127.0.0.1:8080/v1/resource/tekton/task/git-clone/0.9/raw"])
        }
        let behindProxy = try await fixture.application { $0.publicURL = "https://stepyard.example.com/" }
        try await behindProxy.test(.router) { client in
            let answer = try await client.call(.get, "/v1/resource/tekton/task/git-clone/0.9", headers: ["Host": "registry.example:8080"])
            #expect(answer.json["data"]?["rawURL"] == "https://stepyard.example.com/v1/resource/tekton/task/git-clone/0.9/raw")
        }
    }

    /// A verdict on a token lasts its lifetime, no longer: a revoked token is refused once it has passed (at once
    /// with none), and an unknown token is remembered as unknown.
    @Test func revocationTakesEffect() async throws {
        let fixture = try await ServerFixture.make()
        let created = try fixture.tokens.create(name: "Short Lived", role: .publisher, departments: [])
        let verifier = TokenVerifier(tokens: fixture.tokens, state: ServerState(), lifetime: .zero)
        #expect(try await verifier.principal(authorization: "Bearer \(created.secret)").name == "Short Lived")
        #expect(try fixture.tokens.revoke(id: created.token.id))
        await #expect(throws: APIError.self) { try await verifier.principal(authorization: "Bearer \(created.secret)") }
        // Remembered verdicts only (what the connection pipeline uses): none for a token never looked up.
        #expect(verifier.remembered(authorization: "Bearer sy_" + String(repeating: "0", count: 64)) == nil)
        #expect(try verifier.remembered(authorization: nil)?.get() == .anonymous)
        #expect(TokenVerifier.defaultLifetime < .seconds(1))
    }
}
