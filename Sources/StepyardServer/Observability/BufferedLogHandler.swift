import Foundation
import Logging
import Synchronization

/// A log handler for `stepyard serve`: lines in StreamLogHandler's shape (`timestamp level label: metadata message`)
/// written to standard output in batches by a thread of its own (`LogSink`) rather than one `write` per line, like
/// nginx's buffered access log. A busy server otherwise spends a system call per request on its access log.
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

/// The buffer behind `BufferedLogHandler`. Callers (the event loops, on every request) only append under a lock; the
/// buffer is written by a thread of its own — every 100 ms, at once when 64 KiB have gathered, and at exit — so a
/// slow or blocked standard output never stalls a request. Past 16 MiB unwritten, lines are dropped and counted (a
/// line says how many), so memory stays bounded whatever the output does.
final class LogSink: Sendable {
    static let standardOutput = LogSink()

    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
    }

    private let buffer = Mutex(Pending())
    private let clock = Mutex<(second: Int, text: String)>((-1, ""))
    private let wake = DispatchSemaphore(value: 0)
    private static let limit = 64 << 10
    private static let cap = 16 << 20

    private init() {
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + .milliseconds(100))
                flush()
            }
        }
        thread.name = "stepyard-log-flush"
        thread.start()
        atexit { LogSink.standardOutput.flush() }
    }

    func append(_ line: String) {
        let crossed = buffer.withLock { pending -> Bool in
            guard pending.bytes.count + line.utf8.count <= Self.cap else {
                pending.dropped += 1
                return false
            }
            let before = pending.bytes.count
            pending.bytes.append(contentsOf: line.utf8)
            return before < Self.limit && pending.bytes.count >= Self.limit
        }
        if crossed { wake.signal() }
    }

    func flush() {
        let (bytes, dropped) = buffer.withLock { pending -> ([UInt8], Int) in
            defer { pending = Pending() }
            return (pending.bytes, pending.dropped)
        }
        if !bytes.isEmpty { write(bytes) }
        if dropped > 0 { write(Array("\(timestamp()) warning stepyard: \(dropped) log line(s) dropped: standard output did not keep up\n".utf8)) }
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
