import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The pre-receive hook of one `git push`, answered by the server that runs it. git's `receive-pack` runs the hook
/// (`hookScript`, installed as the views' `core.hooksPath`) after it has received and checked the pack and before it
/// moves the ref; the hook hands the ref updates and the quarantine folder (where the pushed objects wait) to this
/// server through a FIFO, and prints the server's answer (the pusher's `remote:` lines) and exits with its verdict
/// through another. So the gate is the store's own, in this process, and git still does the protocol.
final class GitPushGate: @unchecked Sendable {
    /// What the hook hands over.
    struct Request: Sendable {
        var quarantine: String?
        var updates: [(old: String, new: String, ref: String)]
    }

    /// What the hook prints and whether the push may go on.
    struct Verdict: Sendable {
        var accept: Bool
        var lines: [String]
    }

    static let hookScript = """
        #!/bin/sh
        # Stepyard: hands this push's ref updates and its quarantine to the server running it, prints the answer
        # (the pusher's remote: lines) and exits with the verdict.
        { printf '%s\\n' "${GIT_QUARANTINE_PATH:-}"; cat; } > "$STEPYARD_PUSH/hook" || exit 1
        status=1
        while IFS= read -r line; do
          case "$line" in
            "stepyard-exit "*) status="${line#stepyard-exit }" ;;
            *) printf '%s\\n' "$line" >&2 ;;
          esac
        done < "$STEPYARD_PUSH/verdict"
        exit "$status"

        """

    /// Writes the hook into `directory/.hooks` (once per server) and returns that folder.
    static func installHook(under directory: URL) throws -> String {
        let hooks = directory.appendingPathComponent(".hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let hook = hooks.appendingPathComponent("pre-receive")
        if (try? String(contentsOf: hook, encoding: .utf8)) != hookScript {
            try Data(hookScript.utf8).write(to: hook, options: .atomic)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        return hooks.path
    }

    /// A folder of its own holding the two FIFOs (`hook`: hook → server, `verdict`: server → hook).
    let folder: URL
    private let finished = DispatchSemaphore(value: 0)

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-push-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for name in ["hook", "verdict"] where mkfifo(folder.appendingPathComponent(name).path, 0o600) != 0 {
            throw APIError(.internalServerError, "internal", "cannot make the push's FIFO")
        }
    }

    /// What the process running the push needs in its environment.
    var environment: [String: String] { ["STEPYARD_PUSH": folder.path] }

    /// Waits, on a thread of its own, for the hook; answers it with `decide`.
    func start(_ decide: @escaping @Sendable (Request) async -> Verdict) {
        let hookPath = folder.appendingPathComponent("hook").path, verdictPath = folder.appendingPathComponent("verdict").path
        Thread.detachNewThread { [finished] in
            defer { finished.signal() }
            // Blocks until the hook opens it to write, or until `finish` does (the hook never ran).
            guard let reader = FileHandle(forReadingAtPath: hookPath) else { return }
            let text = String(decoding: (try? reader.readToEnd()) ?? Data(), as: UTF8.self)
            try? reader.close()
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard !lines.isEmpty, !(lines.count == 1 && lines[0].isEmpty) else { return }
            let quarantine = lines.removeFirst()
            let updates = lines.compactMap { line -> (old: String, new: String, ref: String)? in
                let parts = line.split(separator: " ").map(String.init)
                return parts.count == 3 ? (parts[0], parts[1], parts[2]) : nil
            }
            let answer = Answer()
            let decided = DispatchSemaphore(value: 0)
            Task {
                answer.verdict = await decide(Request(quarantine: quarantine.isEmpty ? nil : quarantine, updates: updates))
                decided.signal()
            }
            decided.wait()
            let verdict = answer.verdict ?? Verdict(accept: false, lines: ["stepyard: the push could not be checked"])
            let output = verdict.lines.map { $0.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined()
                + "stepyard-exit \(verdict.accept ? 0 : 1)\n"
            guard let writer = FileHandle(forWritingAtPath: verdictPath) else { return }
            try? writer.write(contentsOf: Data(output.utf8))
            try? writer.close()
        }
    }

    /// After the push's process has ended: releases the waiting thread if the hook never ran, waits for it, and
    /// removes the FIFOs.
    func finish() async {
        let hookPath = folder.appendingPathComponent("hook").path, folder = self.folder, finished = self.finished
        let verdictPath = folder.appendingPathComponent("verdict").path
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                // The thread may be waiting to open either FIFO for a peer that will never come (a push git refused
                // before its hook, a hook that died): open the other end without blocking until it is done.
                while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
                    for (path, mode) in [(hookPath, O_WRONLY), (verdictPath, O_RDONLY)] {
                        let descriptor = open(path, mode | O_NONBLOCK)
                        if descriptor >= 0 { close(descriptor) }
                    }
                }
                try? FileManager.default.removeItem(at: folder)
                continuation.resume()
            }
        }
    }

    private final class Answer: @unchecked Sendable {
        var verdict: Verdict?
    }
}
