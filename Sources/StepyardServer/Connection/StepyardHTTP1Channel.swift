import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel with Stepyard's handlers in each connection's pipeline, between NIO's HTTP/1 decoder
/// and Hummingbird's conversion to HTTP types:
///
/// `RawResponseOutlet` → `RequestLineTracker` → NIO's decoder → `ResolvedHotPathHandler` → `ConnectionGuardHandler`
/// → Hummingbird
///
/// The hot path answers cached repeats of the resolved-template GET on the event loop, as bytes written from the
/// outlet (past NIO's encoder); the guard holds every request it passes on to the server's limits. Hummingbird's own
/// idle timeout closes connections that send nothing (or trickle a request's head); `ConnectionRegistry` keeps their
/// number within `--max-connections` by closing the longest idle.
struct StepyardHTTP1Channel: ServerChildChannel {
    let base: HTTP1Channel
    let hotPath: ResolvedHotPath
    let serverName: String?
    let limits: ConnectionLimits
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let progress = RequestProgress(maxURIBytes: limits.maxURIBytes)
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(RequestLineTracker(progress: progress), position: .before(decoder))
            let conversion = try operations.handler(type: HTTP1ToHTTPServerCodec.self)
            let id = registry.opened(channel)
            channel.closeFuture.whenComplete { _ in registry.closed(id) }
            try operations.addHandler(RawResponseOutlet(), position: .first)
            // The hot path first: a cached repeat costs it alone; the guard sees every request it passes on.
            // An answered request is over: the connection is idle again, and the next request's line is counted anew.
            let answered = {
                registry.idle(id)
                progress.requestEnded()
            }
            try operations.addHandler(ResolvedHotPathHandler(hotPath: hotPath, serverName: serverName, onAnswer: answered),
                                      position: .before(conversion))
            try operations.addHandler(ConnectionGuardHandler(limits: limits, progress: progress, registry: registry, id: id),
                                      position: .before(conversion))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1 server with Stepyard's connection handlers (`StepyardHTTP1Channel`).
    static func stepyard(hotPath: ResolvedHotPath, serverName: String?, configuration: ServerConfiguration) -> HTTPServerBuilder {
        let limits = ConnectionLimits(maxURIBytes: configuration.maxURIBytes, maxHeaderBytes: configuration.maxHeaderBytes,
                                      requestTimeout: TimeAmount(configuration.requestTimeout))
        // NIO's decoder refuses past its own limits before a head exists; they sit above ours, so ours speak first.
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(maxHeaderFieldSize: max(configuration.maxURIBytes, configuration.maxHeaderBytes) + 1024,
                                                                      maxHeaderListSize: configuration.maxURIBytes + configuration.maxHeaderBytes + 1024,
                                                                      maxHeaderFieldCount: 1000)
        let registry = ConnectionRegistry(limit: configuration.maxConnections)
        return HTTPServerBuilder { responder in
            StepyardHTTP1Channel(base: HTTP1Channel(responder: responder,
                                                    configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout),
                                                                         httpDecoderConfiguration: decoder)),
                                 hotPath: hotPath, serverName: serverName, limits: limits, registry: registry)
        }
    }
}

extension TimeAmount {
    /// A Swift `Duration` as NIO's time amount.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
