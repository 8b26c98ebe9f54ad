import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// `ResolvedHotPath` in each connection's channel pipeline: a repeat of the resolved-template GET is answered on the
/// event loop as its head is parsed, without converting it to a Hummingbird request, and without the task, stream and
/// writer hops of the per-request path.
///
/// It sits right after NIO's HTTP/1 parser, in front of Hummingbird's own handling (`HotPathHTTP1Channel`). The answer
/// is `ResolvedHotPath.answer` — the same token check, access rule, bytes, `ETag`, request id, access-log line and
/// metrics — with the `Date` and `Server` headers the application adds. Everything else passes through untouched, and
/// so does a request that arrives while an earlier one on the same connection is still being answered further in
/// (HTTP/1.1 answers in order), that is not keep-alive HTTP/1.1 (Hummingbird closes the connection after those), or
/// that comes while the connection's unsent answers pile up (Hummingbird's writer waits for the client).
///
/// One instance per connection; NIO calls it on that connection's event loop only.
final class ResolvedHotPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let hotPath: ResolvedHotPath
    private let serverName: String?
    /// Requests passed on whose response has not been written yet.
    private var inFlight = 0
    /// The request being read was answered here: its remaining parts go nowhere.
    private var discarding = false
    private var date = HTTPDate()
    /// Where answered bytes enter the pipeline: `RawResponseOutlet`'s context, past the response encoder.
    private var outlet: ChannelHandlerContext!
    /// Told after each answer (the connection registry: the connection is idle again).
    private let onAnswer: (() -> Void)?

    init(hotPath: ResolvedHotPath, serverName: String?, onAnswer: (() -> Void)? = nil) {
        self.hotPath = hotPath
        self.serverName = serverName
        self.onAnswer = onAnswer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if discarding {
            if case .end = part { discarding = false }
            return
        }
        guard case .head(let head) = part else {
            context.fireChannelRead(data)
            return
        }
        // A connection whose client is not reading its answers (not writable) goes the way that waits for it.
        guard inFlight == 0, outlet != nil, context.channel.isWritable, head.method == .GET, head.version == .http1_1, head.isKeepAlive,
              let fields = ResolvedHotPath.Fields(head.headers),
              let reply = hotPath.answer(path: head.uri, fields: fields) else {
            inFlight += 1
            context.fireChannelRead(data)
            return
        }
        discarding = true
        // The answer as bytes, past NIO's response encoder: the entry's head serialised once, the fields that vary
        // (request id, date, server), the body. Nothing is outstanding on the connection (`inFlight == 0`), so the
        // order of answers holds.
        var varying = context.channel.allocator.buffer(capacity: 96)
        varying.writeString("X-Request-Id: ")
        varying.writeString(reply.requestID)
        varying.writeString("\r\nDate: ")
        varying.writeString(date.now())
        if let serverName {
            varying.writeString("\r\nServer: ")
            varying.writeString(serverName)
        }
        varying.writeString("\r\n\r\n")
        outlet.write(NIOAny(reply.notModified ? reply.entry.notModifiedHead : reply.entry.okHead), promise: nil)
        if reply.notModified {
            outlet.writeAndFlush(NIOAny(varying), promise: nil)
        } else {
            outlet.write(NIOAny(varying), promise: nil)
            outlet.writeAndFlush(NIOAny(reply.entry.buffer), promise: nil)
        }
        onAnswer?()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        outlet = try? context.pipeline.syncOperations.context(handlerType: RawResponseOutlet.self)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), inFlight > 0 { inFlight -= 1 }
        context.write(data, promise: promise)
    }
}

/// The `Date` header's value (RFC 9110 IMF-fixdate), formatted at most once a second.
struct HTTPDate {
    private var second = -1
    private var text = ""

    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String {
        let current = Int(Date().timeIntervalSince1970)
        if current != second {
            second = current
            text = Self.format(secondsSince1970: current)
        }
        return text
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for 784111777.
    static func format(secondsSince1970 seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        // The civil date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let weekday = Self.days[((days % 7) + 7) % 7]
        return "\(weekday), \(two(day)) \(Self.months[month - 1]) \(year) \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60)) GMT"
    }
}

/// The first handler of a connection's pipeline, next to the socket: it passes bytes through untouched. The hot path
/// writes its pre-serialised answers from its context, so they skip NIO's response encoder.
final class RawResponseOutlet: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
}
