import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import StepyardCore
import Testing
@testable import StepyardServer

/// Each connection is held to the server's limits: oversized request lines and headers, requests that never finish
/// arriving and HTTP that does not parse get the API's JSON error and a closed connection.
@Suite("Connection guard")
struct ConnectionGuardTests {
    static let limits = ConnectionLimits(maxURIBytes: 64, maxHeaderBytes: 128, requestTimeout: .seconds(5))

    /// The handlers of a connection as `StepyardHTTP1Channel` orders them, on an embedded channel whose requests
    /// passed on are collected; NIO's decoder limits sit just above ours, as the server sets them.
    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let progress = RequestProgress(maxURIBytes: limits.maxURIBytes)
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = 256
        decoderLimits.maxHeaderListSize = 256
        try channel.pipeline.syncOperations.addHandlers([
            HTTPResponseEncoder(),
            RequestLineTracker(progress: progress),
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop,
                                                    limitConfiguration: decoderLimits)),
            ConnectionGuardHandler(limits: limits, progress: progress),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        return channel
    }

    /// What the server wrote: status line and JSON body (empty when nothing was written).
    static func answer(_ channel: EmbeddedChannel) throws -> (status: String, json: JSONValue?) {
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += Array(buffer.readableBytesView) }
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let status = parts.first?.components(separatedBy: "\r\n").first ?? ""
        return (status, parts.count > 1 ? try? JSONValue(parsingJSON: parts[1]) : nil)
    }

    static func send(_ channel: EmbeddedChannel, _ text: String) {
        // A decoder error surfaces through the pipeline, not as a thrown error; the guard answers it.
        _ = try? channel.writeInbound(ByteBuffer(string: text))
    }

    /// Refusals before a request's head is passed on: each a JSON error naming the limit, then the connection closes.
    @Test(arguments: [
        ("GET /" + String(repeating: "a", count: 70) + " HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 414 URI Too Long", "uri_too_long",
         "the request target is 71 bytes; this server accepts at most 64"),
        ("GET /" + String(repeating: "a", count: 400) + " HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 414 URI Too Long", "uri_too_long",
         "the request line is longer than this server accepts (64 bytes for its target)"),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + String(repeating: "b", count: 150) + "\r\n\r\n",
         "HTTP/1.1 431 Request Header Fields Too Large", "header_fields_too_large", "the header fields are 158 bytes; this server accepts at most 128"),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + String(repeating: "b", count: 400) + "\r\n\r\n",
         "HTTP/1.1 431 Request Header Fields Too Large", "header_fields_too_large", "the header fields are larger than this server accepts (128 bytes)"),
        ("BREW /pot HTCPCP/1.0\r\n\r\n", "HTTP/1.1 400 Bad Request", "bad_request", "the request is not valid HTTP/1.1: invalid HTTP method"),
    ]) func refusals(_ request: String, _ status: String, _ code: String, _ message: String) throws {
        let channel = try Self.channel()
        Self.send(channel, request)
        let answer = try Self.answer(channel)
        #expect(answer.status == status)
        #expect(answer.json?["error"]?["code"] == .string(code))
        #expect(answer.json?["error"]?["message"] == .string(message))
        #expect(answer.json?["error"]?["requestId"]?.stringValue?.isEmpty == false)
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        #expect(!channel.isActive)
    }

    /// A request whose body does not arrive within the request timeout gets 408 and a closed connection; one that
    /// completes in time is passed on whole and keeps its connection, and the next request gets a fresh deadline.
    @Test func slowBodies() throws {
        let channel = try Self.channel()
        Self.send(channel, "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        Self.send(channel, "67890")
        var parts: [HTTPServerRequestPart] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        #expect(parts.count == 4)  // head, two body parts, end
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(try channel.isActive && Self.answer(channel).status.isEmpty)

        Self.send(channel, "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4194304\r\n\r\nabc")
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        let answer = try Self.answer(channel)
        #expect(answer.status == "HTTP/1.1 408 Request Timeout")
        #expect(answer.json?["error"]?["message"] == "the request did not arrive within 5 s")
        #expect(!channel.isActive)
    }

    /// A request refused before its body arrived is told the connection closes; the body is drained for at most
    /// the linger time (no 408 after an answer), or until it ends, and the connection then closes.
    @Test(arguments: [false, true]) func refusedBodiesLinger(_ bodyEnds: Bool) throws {
        let channel = try Self.channel()
        Self.send(channel, "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .unauthorized)), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += Array(buffer.readableBytesView) }
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n"))
        #expect(channel.isActive)
        if bodyEnds {
            Self.send(channel, "defghij")
            #expect(!channel.isActive)
        } else {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1900))
            #expect(channel.isActive)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
            #expect(try Self.answer(channel).status.isEmpty)
            #expect(!channel.isActive)
        }
    }

    /// A request without a body answered with an error keeps its connection (keep-alive is for those).
    @Test func errorsWithoutBodiesKeepTheConnection() throws {
        let channel = try Self.channel()
        Self.send(channel, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .notFound)), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        #expect(try Self.answer(channel).status == "HTTP/1.1 404 Not Found")
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
    }

    /// Past the limit, a new connection closes the longest idle one; when every other one is busy, itself. An
    /// evicted connection counts until its close completes (its socket is still open until then).
    @Test func registryEvictsTheLongestIdle() throws {
        let registry = ConnectionRegistry(limit: 3)
        let channels = (0..<5).map { _ in EmbeddedChannel() }
        for channel in channels { try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait() }
        let first = registry.opened(channels[0])
        let second = registry.opened(channels[1])
        registry.busy(first)
        registry.idle(first)  // first is now idle more recently than second
        let third = registry.opened(channels[2])
        #expect(channels.map(\.isActive) == [true, true, true, true, true] && registry.count == 3)
        _ = registry.opened(channels[3])
        #expect(channels.map(\.isActive) == [true, false, true, true, true])
        #expect(registry.count == 4)  // second's close has not been reported yet
        // Until it is, the next newcomer evicts again (first, now the longest idle).
        registry.busy(third)
        _ = registry.opened(channels[4])
        #expect(channels.map(\.isActive) == [false, false, true, true, true])
        registry.closed(second)
        registry.closed(first)
        #expect(registry.count == 3)
        // Every other one busy: the newcomer is the one closed.
        registry.busy(3)
        registry.busy(4)
        let sixth = EmbeddedChannel()
        try sixth.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        let id = registry.opened(sixth)
        #expect(!sixth.isActive && registry.count == 4)
        registry.closed(id)
        #expect(registry.count == 3)
    }

    @Test("the longest idle stays the one evicted after many requests on the others (the queue's stale entries skipped)")
    func evictionAfterManyRequests() throws {
        let registry = ConnectionRegistry(limit: 3)
        let channels = (0..<4).map { _ in EmbeddedChannel() }
        for channel in channels { try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait() }
        let ids = channels.prefix(3).map { registry.opened($0) }
        // The first and the third answer a thousand requests each (enough to rebuild the queue); the second, none.
        for _ in 0..<1000 {
            for id in [ids[0], ids[2]] {
                registry.busy(id)
                registry.idle(id)
            }
        }
        registry.busy(ids[2])  // the third is busy at the end
        _ = registry.opened(channels[3])
        #expect(channels.map(\.isActive) == [true, false, true, true])
        registry.closed(ids[1])
        // Next the first (idle since its last request), never the busy third.
        _ = registry.opened(EmbeddedChannel())
        #expect(channels.map(\.isActive) == [false, false, true, true])
    }
}
