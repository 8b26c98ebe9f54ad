import Foundation
import NIOCore
import NIOHTTP1
import StepyardCore

/// The limits one connection is held to, from `ServerConfiguration`.
struct ConnectionLimits: Sendable {
    /// The longest request target (path and query) accepted; longer is 414.
    var maxURIBytes: Int
    /// The most bytes of header field names and values accepted; more is 431.
    var maxHeaderBytes: Int
    /// How long a request may take to arrive, from its first byte to the end of its body; then the connection closes.
    var requestTimeout: TimeAmount
}

/// Guards each connection against clients that would hold the server without asking it anything it can answer: a
/// request line or header fields too large (414, 431), a request that does not finish arriving within the request
/// timeout (slow bodies: 408, then closed), and HTTP that does not parse (400). Each answer is the API's JSON error,
/// with `Connection: close`. A request refused before its body arrived (401, 403, 413) gets `Connection: close` on
/// its answer; its body is drained without being kept (so the client can read the answer) for at most
/// `lingerTimeout`, then the connection closes.
///
/// It sits after NIO's HTTP/1 decoder and the hot path (`StepyardHTTP1Channel`), so it sees every request the hot
/// path passes on; a cached repeat the hot path answers is a plain GET, bounded by NIO's own decoder limits.
/// `RequestLineTracker` sits before the decoder and tells it, when the decoder overflows, whether the request line
/// was too long (414) or the header fields too large (431). Idle connections, and clients trickling a request's
/// head, are closed by Hummingbird's idle timeout. One instance per connection, called on its event loop only.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limits: ConnectionLimits
    private let progress: RequestProgress
    /// The server's connections, told when this one is busy or idle (the longest idle is evicted past the limit).
    private let registry: ConnectionRegistry?
    private let id: Int
    /// A request's head has arrived and its end has not.
    private var reading = false
    /// The request being read announced a body (`Content-Length` above zero, or chunked).
    private var expectsBody = false
    /// Whether an answer to the request being read has begun (then a deadline closes without a 408).
    private var answering = false
    /// The answer refused the request before its body arrived: the connection closes once the body has been
    /// drained or `lingerTimeout` has passed, whichever is first (the client can read its answer either way).
    private var lingering = false
    /// Whether the answer to the request being read has been written whole.
    private var answered = false
    /// This connection was answered here and is closing: nothing more is passed on.
    private var closing = false
    /// When the request being read must have arrived (or, once refused, been drained) by; `nil` between requests.
    private var due: NIODeadline?
    /// The connection's one timer: armed at most once per request timeout, not once per request, and when it fires
    /// early (the request it was armed for finished) it re-arms for the request now being read, if any.
    private var timer: Scheduled<Void>?
    private var timerAt: NIODeadline = .distantFuture

    /// How long the body of a refused request is drained before its connection closes.
    static let lingerTimeout: TimeAmount = .seconds(2)

    init(limits: ConnectionLimits, progress: RequestProgress, registry: ConnectionRegistry? = nil, id: Int = 0) {
        self.limits = limits
        self.progress = progress
        self.registry = registry
        self.id = id
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closing { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            reading = true
            answering = false
            answered = false
            lingering = false
            expectsBody = head.headers.contains(name: "transfer-encoding")
                || head.headers.first(name: "content-length").flatMap { Int($0) }.map { $0 > 0 } == true
            registry?.busy(id)
            arm(context.eventLoop.now + limits.requestTimeout, context: context)
            if head.uri.utf8.count > limits.maxURIBytes {
                refuse(context: context, status: .uriTooLong, code: "uri_too_long",
                       message: "the request target is \(head.uri.utf8.count) bytes; this server accepts at most \(limits.maxURIBytes)", target: head.uri)
                return
            }
            let headerBytes = head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
            if headerBytes > limits.maxHeaderBytes {
                refuse(context: context, status: .requestHeaderFieldsTooLarge, code: "header_fields_too_large",
                       message: "the header fields are \(headerBytes) bytes; this server accepts at most \(limits.maxHeaderBytes)", target: head.uri)
                return
            }
        case .body:
            break
        case .end:
            reading = false
            progress.requestEnded()
            due = nil
            if lingering && answered {
                closing = true
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            answering = true
            // A refusal while the body is still coming: say the connection closes, and stop waiting for the body
            // after a short drain rather than the whole request timeout.
            if reading && expectsBody && head.status.code >= 400 {
                lingering = true
                head.headers.replaceOrAdd(name: "Connection", value: "close")
                arm(context.eventLoop.now + Self.lingerTimeout, context: context)
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                return
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            answered = true
            guard lingering else {
                if !reading { registry?.idle(id) }
                context.write(data, promise: promise)
                return
            }
            // Drained already: close once the answer is out; else the drain's end (or the linger deadline) closes.
            guard !reading else {
                context.write(data, promise: promise)
                return
            }
            closing = true
            let written = promise ?? context.eventLoop.makePromise()
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            context.write(data, promise: written)
        }
    }

    /// Sets when the request being read must be done by, moving the timer earlier when it would fire too late.
    private func arm(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        due = deadline
        guard timer == nil || deadline < timerAt else { return }
        timer?.cancel()
        timerAt = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            self?.timerFired(context: context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        timerAt = .distantFuture
        guard let due, reading, !closing else { return }
        if context.eventLoop.now < due {
            arm(due, context: context)
        } else {
            requestTimedOut(context: context)
        }
    }

    private func disarm() {
        due = nil
        timer?.cancel()
        timer = nil
        timerAt = .distantFuture
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if closing { return }
        switch parserError {
        case .headerOverflow where progress.lineTooLong:
            refuse(context: context, status: .uriTooLong, code: "uri_too_long",
                   message: "the request line is longer than this server accepts (\(limits.maxURIBytes) bytes for its target)")
        case .headerOverflow:
            refuse(context: context, status: .requestHeaderFieldsTooLarge, code: "header_fields_too_large",
                   message: "the header fields are larger than this server accepts (\(limits.maxHeaderBytes) bytes)")
        default:
            refuse(context: context, status: .badRequest, code: "bad_request",
                   message: "the request is not valid HTTP/1.1: \(parserError.debugDescription)")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// The request did not arrive in time: 408 when nothing has been answered yet, then the connection closes.
    private func requestTimedOut(context: ChannelHandlerContext) {
        due = nil
        if answering {
            closing = true
            context.close(promise: nil)
        } else {
            refuse(context: context, status: .requestTimeout, code: "request_timeout",
                   message: "the request did not arrive within \(limits.requestTimeout.nanoseconds / 1_000_000_000) s")
        }
    }

    /// Answers with the API's JSON error (the OCI spec's for a `/v2/` target) and closes the connection; nothing more
    /// of it is read.
    private func refuse(context: ChannelHandlerContext, status: HTTPResponseStatus, code: String, message: String, target: String? = nil) {
        closing = true
        disarm()
        let body: JSONValue
        if let target, OCIErrors.isRegistryPath(String(target.prefix { $0 != "?" })) {
            body = ["errors": [["code": "UNSUPPORTED", "message": .string(message)]]]
        } else {
            body = ["error": ["code": .string(code), "message": .string(message), "requestId": .string(RequestIDs.next())]]
        }
        let bytes = body.serializedBytes() + [0x0A]
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Content-Length", value: String(bytes.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

/// How far the request being received is through its request line, shared by `RequestLineTracker` (which sees the
/// bytes) and `ConnectionGuardHandler` (which sees the parsed parts). One per connection, on its event loop.
final class RequestProgress {
    /// The longest request line the limits allow (the target, a method and the version around it).
    let maxLineBytes: Int
    private var lineBytes = 0
    private var lineEnded = false

    init(maxURIBytes: Int) {
        maxLineBytes = maxURIBytes + 64
    }

    /// Whether the request line has run past what the limits allow (so an overflow of the decoder is the line's).
    var lineTooLong: Bool { lineBytes > maxLineBytes }

    func received(_ bytes: ByteBufferView) {
        guard !lineEnded else { return }
        if let lineFeed = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            lineBytes += bytes.distance(from: bytes.startIndex, to: lineFeed)
            lineEnded = true
        } else {
            lineBytes += bytes.count
        }
    }

    func requestEnded() {
        lineBytes = 0
        lineEnded = false
    }
}

/// Counts the bytes of each request's line as they arrive, before NIO's HTTP/1 decoder, so an overflow of the
/// decoder's limit can be told apart: a request line too long (414), or header fields too large (431).
final class RequestLineTracker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let progress: RequestProgress

    init(progress: RequestProgress) {
        self.progress = progress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        progress.received(unwrapInboundIn(data).readableBytesView)
        context.fireChannelRead(data)
    }
}
