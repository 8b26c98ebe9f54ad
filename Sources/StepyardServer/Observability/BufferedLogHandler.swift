import Foundation
import Logging
import Synchronization

/// A log handler for `stepyard serve`: lines in StreamLogHandler's shape (`timestamp level label: metadata message`)
/// written to standard output in batches — when 64 KiB have gathered, every 100 ms, and at exit — rather than one
/// `write` per line, like nginx's buffered access log. A busy server otherwise spends a system call per request on
/// its access log.
public struct BufferedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let sink: LogSink

    /// A handler for `label` writing through the process's one sink.
    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
        self.sink = LogSink.standardOutput
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = ""
        line.reserveCapacity(256)
        line += sink.timestamp()
        line += " "
        line += event.level.rawValue
        line += " "
        line += label
        line += ":"
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        if !merged.isEmpty {
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        }
        line += " "
        line += event.message.description
        if let error = event.error { line += " error=\(error)" }
        line += "\n"
        sink.append(line)
    }

    /// Writes out what is buffered (the server calls it on shutdown).
    public static func flush() {
        LogSink.standardOutput.flush()
    }
}

/// The buffer behind `BufferedLogHandler`, flushed by size, by a timer thread, and on demand.
final class LogSink: Sendable {
    static let standardOutput = LogSink()

    private let buffer = Mutex<[UInt8]>([])
    private let clock = Mutex<(second: Int, text: String)>((-1, ""))
    private static let limit = 64 << 10

    private init() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                flush()
            }
        }
        thread.name = "stepyard-log-flush"
        thread.start()
        atexit { LogSink.standardOutput.flush() }
    }

    func append(_ line: String) {
        let full = buffer.withLock { buffer -> [UInt8]? in
            buffer.append(contentsOf: line.utf8)
            guard buffer.count >= Self.limit else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let full { write(full) }
    }

    func flush() {
        let pending = buffer.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !pending.isEmpty { write(pending) }
    }

    private func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { pointer in
            var offset = 0
            while offset < pointer.count {
                let written = Foundation.write(STDOUT_FILENO, pointer.baseAddress! + offset, pointer.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }

    /// `2026-11-29T03:30:00+0000`, formatted once per second.
    func timestamp() -> String {
        var now = time(nil)
        let second = Int(now)
        if let cached = clock.withLock({ $0.second == second ? $0.text : nil }) { return cached }
        var parts = tm()
        gmtime_r(&now, &parts)
        var text = [CChar](repeating: 0, count: 32)
        let count = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%S+0000", &parts)
        let formatted = String(decoding: text.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        clock.withLock { $0 = (second, formatted) }
        return formatted
    }
}
