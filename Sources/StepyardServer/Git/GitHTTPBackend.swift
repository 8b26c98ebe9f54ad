import Foundation

/// Git's own smart HTTP server, `git http-backend`, run as CGI for one request: the protocol (v0 and v2, the ref
/// advertisement, negotiation, packs) is git's, not ours. The caller has already decided who may ask what; this
/// only runs the program over one repository folder, off the event loops, with a time limit.
struct GitHTTPBackend: Sendable {
    /// What the program answered.
    struct Answer: Sendable {
        var status: Int
        var contentType: String?
        var body: [UInt8]
        /// What it wrote to stderr (for the log when it fails).
        var errors: String
    }

    /// `git`, found once on `PATH`.
    static let git: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/git" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// How long one request may run before the program is stopped.
    static let timeLimit: TimeInterval = 120

    /// The git programs running at once: two per core, 64 more waiting.
    static let limit = GitProcessLimit(running: 2 * ProcessInfo.processInfo.activeProcessorCount, waiting: 64)

    /// One request. `root` is the folder holding the repository (`GIT_PROJECT_ROOT`), `path` the repository and
    /// what follows it (`/tekton.git/info/refs`).
    static func run(root: String, path: String, method: String, query: String, contentType: String? = nil,
                    contentEncoding: String? = nil, gitProtocol: String? = nil, remoteUser: String? = nil,
                    environment extra: [String: String] = [:], body: [UInt8] = []) async throws -> Answer {
        guard let git else { throw APIError(.serviceUnavailable, "git_missing", "git is not installed on the server: install Debian's git package") }
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "GIT_PROJECT_ROOT": root, "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": root,
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
            "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        ]
        if method == "POST" {
            environment["CONTENT_LENGTH"] = String(body.count)
            environment["CONTENT_TYPE"] = contentType ?? ""
        }
        if let contentEncoding { environment["HTTP_CONTENT_ENCODING"] = contentEncoding }
        if let gitProtocol, gitProtocol.allSatisfy({ $0.isASCII && !$0.isNewline }) { environment["GIT_PROTOCOL"] = gitProtocol }
        if let remoteUser { environment["REMOTE_USER"] = remoteUser }
        environment.merge(extra) { _, new in new }
        let output = try await limit.run { try await runProcess(git, ["http-backend"], environment: environment, input: body) }
        return parse(output.stdout, errors: output.stderr)
    }

    /// Runs a program to completion on threads of its own (never an event loop or the concurrency pool): stdin
    /// written while stdout and stderr are read, so neither side waits on a full pipe.
    private static func runProcess(_ executable: String, _ arguments: [String], environment: [String: String],
                                   input: [UInt8]) async throws -> (stdout: [UInt8], stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                process.environment = environment
                let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
                process.standardInput = stdin
                process.standardOutput = stdout
                process.standardError = stderr
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: APIError(.serviceUnavailable, "git_failed", "git http-backend could not start: \(error.localizedDescription)"))
                    return
                }
                let group = DispatchGroup()
                let errorBytes = CollectedBytes()
                group.enter()
                Thread.detachNewThread {
                    if !input.isEmpty { try? stdin.fileHandleForWriting.write(contentsOf: Data(input)) }
                    try? stdin.fileHandleForWriting.close()
                    group.leave()
                }
                group.enter()
                Thread.detachNewThread {
                    errorBytes.data = (try? stderr.fileHandleForReading.readToEnd()) ?? Data()
                    group.leave()
                }
                let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: timer)
                let bytes = (try? stdout.fileHandleForReading.readToEnd()) ?? Data()
                process.waitUntilExit()
                timer.cancel()
                group.wait()
                continuation.resume(returning: (Array(bytes), String(decoding: errorBytes.data, as: UTF8.self)))
            }
        }
    }

    /// A CGI answer: header lines (`Status: 403 Forbidden`, `Content-Type: …`), a blank line, the body.
    static func parse(_ output: [UInt8], errors: String) -> Answer {
        var answer = Answer(status: 200, contentType: nil, body: [], errors: errors)
        var index = 0
        var line: [UInt8] = []
        while index < output.count {
            let byte = output[index]
            index += 1
            guard byte == 0x0A else { line.append(byte); continue }
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty { break }
            let text = String(decoding: line, as: UTF8.self)
            line = []
            guard let colon = text.firstIndex(of: ":") else { continue }
            let name = text[..<colon].lowercased(), value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "status" { answer.status = Int(value.prefix { $0.isNumber }) ?? 500 }
            if name == "content-type" { answer.contentType = value }
        }
        answer.body = Array(output[index...])
        if output.isEmpty { answer.status = 500 }
        return answer
    }
}

/// Bytes one thread collects for another, which reads them only after the group it waits on says the first is done.
private final class CollectedBytes: @unchecked Sendable {
    var data = Data()
}
