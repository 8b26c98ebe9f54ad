import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import StepyardStore
import Testing
@testable import StepyardServer

/// The hot path in the connection pipeline: what it answers itself, what it passes on, and that answers on one
/// connection keep the order of the requests.
@Suite struct ResolvedHotPathHandlerTests {
    static let path = "/api/v1/resources/tekton/task/go/1.0.0/resolved"
    static let body = Array("apiVersion: tekton.dev/v1\nkind: Task\n".utf8)
    static let representation = Representation(bytes: body, contentType: "application/yaml", negotiated: true)
    static var etag: String { representation.etag }

    /// A handler over a cache holding `path`'s answer, readable anonymously; the channel it sits in.
    private func channel(anonymousRead: Bool = true) throws -> (EmbeddedChannel, AccessTokens, TokenVerifier) {
        let tokens = try AccessTokens.inMemory()
        let state = ServerState()
        let cache = ResolvedCache(capacity: 8)
        cache.store(.init(Self.representation),
                    for: ResolvedCache.key(namespace: "tekton", kind: "task", name: "go", version: "1.0.0", json: false),
                    generation: state.generation)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let verifier = TokenVerifier(tokens: tokens, state: state, lifetime: .seconds(60))
        let hotPath = ResolvedHotPath(cache: cache, state: state, policy: AccessPolicy(organisation: "tekton", anonymousRead: anonymousRead),
                                      verifier: verifier, logger: logger)
        // As in a connection's pipeline: the outlet at the socket's end, NIO's encoder for the application's answers.
        let channel = EmbeddedChannel(handlers: [RawResponseOutlet(), HTTPResponseEncoder(),
                                                 ResolvedHotPathHandler(hotPath: hotPath, serverName: "stepyard")])
        return (channel, tokens, verifier)
    }

    private func send(_ channel: EmbeddedChannel, _ uri: String = path, version: HTTPVersion = .http1_1,
                      headers: [(String, String)] = [], body: String? = nil) throws {
        let head = HTTPRequestHead(version: version, method: .GET, uri: uri, headers: HTTPHeaders(headers))
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        if let body { try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: body))) }
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    /// The parts passed on to the rest of the pipeline since the last call, as `head <uri>`, `body`, `end`.
    private func passedOn(_ channel: EmbeddedChannel) throws -> [String] {
        var parts: [String] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head): parts.append("head \(head.uri)")
            case .body: parts.append("body")
            case .end: parts.append("end")
            }
        }
        return parts
    }

    /// The responses written since the last call, read back from the bytes on the wire: status, headers, body.
    private func written(_ channel: EmbeddedChannel) throws -> [(HTTPResponseHead, [UInt8])] {
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += Array(buffer.readableBytesView) }
        var responses: [(HTTPResponseHead, [UInt8])] = []
        var rest = bytes[...]
        while let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
            let lines = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let status = lines[0].split(separator: " ", maxSplits: 2)
            var headers = HTTPHeaders()
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                headers.add(name: String(parts[0]), value: String(parts[1].dropFirst()))
            }
            rest = rest[end.upperBound...]
            var body: [UInt8] = []
            if let length = headers.first(name: "Content-Length").flatMap({ Int($0) }) {
                body = Array(rest.prefix(length))
                rest = rest.dropFirst(length)
            } else if headers.first(name: "Transfer-Encoding") == "chunked", let last = rest.firstRange(of: Array("0\r\n\r\n".utf8)) {
                rest = rest[last.upperBound...]
            }
            responses.append((HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: Int(status[1])!), headers: headers), body))
        }
        return responses
    }

    @Test func cachedRepeatIsAnsweredInThePipeline() async throws {
        let (channel, tokens, verifier) = try channel()
        try send(channel, headers: [("x-request-ID", "composer-7")], body: "ignored")
        #expect(try passedOn(channel).isEmpty)
        let responses = try written(channel)
        try #require(responses.count == 1)
        let (head, body) = responses[0]
        #expect(head.status == .ok && head.version == .http1_1 && body == Self.body)
        #expect(head.headers["ETag"] == [Self.etag] && head.headers["X-Request-Id"] == ["composer-7"])
        #expect(head.headers["Content-Type"] == ["application/yaml"] && head.headers["Content-Length"] == ["\(Self.body.count)"])
        #expect(head.headers["Server"] == ["stepyard"] && head.headers["Date"].first?.hasSuffix(" GMT") == true)

        // A token the route has given a verdict on is answered here too, as the caller it names (the pipeline never
        // waits for a token lookup: before the verdict, such a request goes to the route).
        let reader = try tokens.create(name: "Rey Reader", role: .reader, departments: []).secret
        #expect(verifier.remembered(authorization: "Bearer \(reader)") == nil)
        _ = try await verifier.principal(authorization: "Bearer \(reader)")
        try send(channel, headers: [("authorization", "Bearer \(reader)")])
        #expect(try passedOn(channel).isEmpty)
        #expect(try written(channel).map { $0.0.status } == [.ok])

        try send(channel, headers: [("If-None-Match", Self.etag), ("Connection", "keep-alive")])
        let notModified = try written(channel)
        #expect(notModified.count == 1 && notModified[0].0.status == .notModified && notModified[0].1.isEmpty)
        #expect(notModified[0].0.headers["Content-Length"].isEmpty && notModified[0].0.headers["ETag"] == [Self.etag])
        #expect(try passedOn(channel).isEmpty)
    }

    /// Misses, JSON, refused callers and anything but keep-alive HTTP/1.1 go on, whole and in order.
    @Test func everythingElseIsPassedOn() throws {
        let (channel, _, _) = try channel()
        let cases: [(String, HTTPVersion, [(String, String)])] = [
            ("/api/v1/resources/tekton/task/go/2.0.0/resolved", .http1_1, []),  // not cached
            (Self.path, .http1_1, [("Accept", "application/json")]),
            (Self.path, .http1_1, [("Authorization", "Bearer sy_unknown")]),
            (Self.path, .http1_1, [("Connection", "close")]),
            (Self.path, .http1_0, []),
            (Self.path, .http1_1, [("Authorization", "Bearer a"), ("authorization", "Bearer b")]),
        ]
        for (uri, version, headers) in cases {
            try send(channel, uri, version: version, headers: headers, body: "x")
            #expect(try passedOn(channel) == ["head \(uri)", "body", "end"])
            #expect(try written(channel).isEmpty)
            // The application answers it; only then is the connection free for the pipeline again.
            try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound)))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
            _ = try written(channel)
        }
        // A client that does not read its answers gets no more from the pipeline.
        channel.isWritable = false
        try send(channel)
        #expect(try passedOn(channel) == ["head \(Self.path)", "end"])
        let (anonymousOff, _, _) = try self.channel(anonymousRead: false)
        try send(anonymousOff)
        #expect(try passedOn(anonymousOff) == ["head \(Self.path)", "end"])
    }

    /// HTTP/1.1 answers in request order: while a request passed on is unanswered, a cacheable one behind it on the
    /// same connection is passed on too, not answered ahead of it.
    @Test func pipelinedRequestsKeepTheirOrder() throws {
        let (channel, _, _) = try channel()
        try send(channel, "/api/v1/search?q=go")
        try send(channel)
        #expect(try passedOn(channel) == ["head /api/v1/search?q=go", "end", "head \(Self.path)", "end"])
        #expect(try written(channel).isEmpty)
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        }
        #expect(try written(channel).count == 2)
        // Both answered: the next repeat is the pipeline's again.
        try send(channel)
        #expect(try passedOn(channel).isEmpty)
        #expect(try written(channel).first?.0.status == .ok)
    }

    /// The real server: the handler finds its place in Hummingbird's pipeline, and a repeat over HTTP gets the
    /// router's bytes and ETag, with the headers the application adds.
    @Test func liveServerAnswersRepeatsFromThePipeline() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.live) { client in
            let path = "/api/v1/resources/tekton/task/git-clone/0.9/resolved"
            let first = try await client.call(.get, path, token: fixture.reader)
            #expect(first.status == .ok)
            for _ in 0..<3 {
                let repeated = try await client.call(.get, path, token: fixture.reader, headers: ["X-Request-Id": "r-1"])
                #expect(repeated.status == .ok && repeated.text == first.text && repeated.headers[.eTag] == first.headers[.eTag])
                #expect(repeated.headers[.server] == "stepyard" && repeated.headers[.date] != nil)
                #expect(repeated.headers[RequestIDs.header] == "r-1")
            }
            let etag = try #require(first.headers[.eTag])
            #expect(try await client.call(.get, path, token: fixture.reader, headers: ["If-None-Match": etag]).status == .notModified)
            #expect(try await client.call(.get, path, token: "sy_" + String(repeating: "3", count: 64)).status == .unauthorized)
            let json = try await client.call(.get, path, token: fixture.reader, headers: ["Accept": "application/json"])
            #expect(json.status == .ok && json.json["kind"]?.stringValue == "Task")
        }
    }

    /// The `Date` header agrees with Foundation's formatter, across leap years and centuries.
    @Test func httpDates() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(HTTPDate.format(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        var generator = SystemRandomNumberGenerator()
        let samples = [0, 951_782_400, 4_107_542_399] + (0..<500).map { _ in Int.random(in: 0...4_102_444_800, using: &generator) }
        for seconds in samples {
            #expect(HTTPDate.format(secondsSince1970: seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))),
                    "\(seconds)")
        }
    }
}
